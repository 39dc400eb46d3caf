"""Cursor pages for ``list()``: iterate one page, or every item across pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from runs_core import Request

from .._page import PageBase

if TYPE_CHECKING:
    from runs_core.models import CursorPage

__all__ = ["AsyncCursorPage"]

T = TypeVar("T")


class AsyncCursorPage(PageBase[T]):
    """One page; iterating it walks this page and every page after it."""

    def __init__(
        self,
        request: Request,
        page: CursorPage[T],
        fetch: Callable[[Request], Awaitable[AsyncCursorPage[T]]],
    ) -> None:
        super().__init__(request, page)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncCursorPage[T]:
        """Fetch the following page; raises ``ValueError`` on the last page."""
        following = self.next_page_request()
        if following is None:
            raise ValueError("this is the last page; check has_next_page() first")
        return await self._fetch(following)

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        """This page and every page after it, fetched one at a time."""
        page: AsyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page() if page.has_next_page() else None

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item
