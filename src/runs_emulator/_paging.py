"""Cursor pagination with the real API's parameters and its messages for unknown cursors."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ._errors import ApiError

T = TypeVar("T")


def _cursor_index(ids: list[str], name: str, value: str) -> int:
    try:
        return ids.index(value)
    except ValueError:
        raise ApiError(
            400, f"Invalid '{name}': no object with id '{value}' found.", param=name
        ) from None


def paginate(
    items: Sequence[T],
    query: dict[str, Any],
    ident: Callable[[T], str],
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """A list page; `items` come oldest first. Empty pages carry null ids, as the real API.

    ``query`` has been checked already (``_validate.query_for``): ``limit`` is an integer
    in 1..100, ``order`` is ``asc`` or ``desc``.
    """
    limit: int = query.get("limit", 20)
    order: str = query.get("order", "desc")
    ordered = list(items) if order == "asc" else list(reversed(items))
    ids = [ident(item) for item in ordered]
    after, before = query.get("after"), query.get("before")
    start, stop = 0, len(ordered)
    if after is not None:
        start = _cursor_index(ids, "after", after) + 1
    if before is not None:
        stop = _cursor_index(ids, "before", before)
    window = ordered[start:stop]
    if before is not None and after is None:
        # Paging backwards: the page is the stretch right next to the cursor.
        page = window[-limit:] if window else []
        has_more = len(window) > limit
    else:
        page = window[:limit]
        has_more = len(window) > limit
    return {
        "object": "list",
        "data": [render(item) for item in page],
        "first_id": ident(page[0]) if page else None,
        "last_id": ident(page[-1]) if page else None,
        "has_more": has_more,
    }
