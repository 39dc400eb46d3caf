"""What a page of a ``list()`` holds, shared by ``SyncCursorPage`` and ``AsyncCursorPage``.

The cursor rules (which id to continue from, when to stop) are the core's
:func:`~runs_core.next_page_request`; the page classes of each flavour only fetch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Generic, TypeVar

from runs_core import Request

if TYPE_CHECKING:
    from runs_core.models import CursorPage

__all__ = ["PageBase"]

T = TypeVar("T")


class PageBase(Generic[T]):
    """One page's items and cursors, and the request for the next page."""

    def __init__(self, request: Request, page: CursorPage[T]) -> None:
        self.request = request
        self.page = page

    @property
    def data(self) -> list[T]:
        return self.page.data

    @property
    def has_more(self) -> bool:
        return self.page.has_more

    @property
    def object(self) -> str:
        """``"list"``: the SDK's page keeps the body's fields, this one among them."""
        return self.page.object

    @property
    def first_id(self) -> str | None:
        return self.page.first_id

    @property
    def last_id(self) -> str | None:
        return self.page.last_id

    def next_page_request(self) -> Request | None:
        """The request for the following page, or ``None`` on the last page."""
        from runs_core import next_page_request  # on the first page asked about

        return next_page_request(self.request, self.page)

    def has_next_page(self) -> bool:
        return self.next_page_request() is not None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.data)}, first_id={self.first_id!r}, "
            f"last_id={self.last_id!r}, has_more={self.has_more!r})"
        )
