# Generated from runs_adapters/_async/pages.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""Cursor pages for ``list()``: iterate one page, or every item across pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeVar

from runs_core import Request

from .._page import PageBase

if TYPE_CHECKING:
    from runs_core.models import CursorPage

__all__ = ["SyncCursorPage"]

T = TypeVar("T")


class SyncCursorPage(PageBase[T]):
    """One page; iterating it walks this page and every page after it."""

    def __init__(
        self,
        request: Request,
        page: CursorPage[T],
        fetch: Callable[[Request], SyncCursorPage[T]],
    ) -> None:
        super().__init__(request, page)
        self._fetch = fetch

    def get_next_page(self) -> SyncCursorPage[T]:
        """Fetch the following page; raises ``ValueError`` on the last page."""
        following = self.next_page_request()
        if following is None:
            raise ValueError("this is the last page; check has_next_page() first")
        return self._fetch(following)

    def iter_pages(self) -> Iterator[SyncCursorPage[T]]:
        """This page and every page after it, fetched one at a time."""
        page: SyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = page.get_next_page() if page.has_next_page() else None

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data
