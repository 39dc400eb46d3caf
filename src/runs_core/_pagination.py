"""Cursor pages and how to ask for the next one.

The API pages lists with object-id cursors: a page carries ``first_id``, ``last_id`` and
``has_more``. Going on in the direction the caller started means ``after=last_id`` when
the first request used ``after`` (or no cursor), and ``before=first_id`` when it used
``before``. Everything else in the query (limit, order, extra parameters) is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ._request import Request

if TYPE_CHECKING:
    from .models.pagination import CursorPage

__all__ = ["CursorPage", "next_page_request"]

_T = TypeVar("_T")


def next_page_request(request: Request, page: CursorPage[_T]) -> Request | None:
    """The request for the page after ``page`` (which ``request`` fetched), or ``None``.

    ``None`` when the server says there is no more, or when it claims more but gives no
    cursor to continue from (an empty page): stopping beats looping forever.
    """
    if not page.has_more or not page.data:
        return None
    parts = urlsplit(request.url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    backwards = any(k == "before" for k, _ in query) and not any(k == "after" for k, _ in query)
    key, cursor = ("before", page.first_id) if backwards else ("after", page.last_id)
    if not cursor:
        return None
    kept = [(k, v) for k, v in query if k not in ("after", "before")]
    kept.append((key, cursor))
    url = urlunsplit(parts._replace(query=urlencode(kept, quote_via=quote, safe="")))
    return request.replace(url=url)
