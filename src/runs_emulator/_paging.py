"""Cursor pagination with the real API's parameters and its validation messages."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ._errors import ApiError

T = TypeVar("T")


def _limit(raw: str | None) -> int:
    if raw is None:
        return 20
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(
            400,
            f"Invalid 'limit': expected an integer, but got '{raw}' instead.",
            param="limit",
            code="invalid_type",
        ) from None
    if value < 1:
        raise ApiError(
            400,
            "Invalid 'limit': integer below minimum value. "
            f"Expected a value >= 1, but got {value} instead.",
            param="limit",
            code="integer_below_min_value",
        )
    if value > 100:
        raise ApiError(
            400,
            "Invalid 'limit': integer above maximum value. "
            f"Expected a value <= 100, but got {value} instead.",
            param="limit",
            code="integer_above_max_value",
        )
    return value


def _order(raw: str | None) -> str:
    if raw is None:
        return "desc"
    if raw not in ("asc", "desc"):
        raise ApiError(
            400,
            f"Invalid value: '{raw}'. Supported values are: 'asc' and 'desc'.",
            param="order",
            code="invalid_value",
        )
    return raw


def _cursor_index(ids: list[str], name: str, value: str) -> int:
    try:
        return ids.index(value)
    except ValueError:
        raise ApiError(
            400, f"Invalid '{name}': no object with id '{value}' found.", param=name
        ) from None


def paginate(
    items: Sequence[T],
    query: dict[str, str],
    ident: Callable[[T], str],
    render: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:
    """A list page; `items` come oldest first. Empty pages carry null ids, as the real API."""
    limit = _limit(query.get("limit"))
    order = _order(query.get("order"))
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
