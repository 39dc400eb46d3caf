"""Cursor pages for ``list()``: iterate one page, or every item across pages.

The cursor rules (which id to continue from, when to stop) are the core's
:func:`~runs_core._pagination.next_page_request`; these classes only fetch.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

from runs_core import Request
from runs_core._pagination import next_page_request

if TYPE_CHECKING:
    from runs_core.models import CursorPage

__all__ = ["AsyncCursorPage", "AsyncPaginator", "SyncCursorPage"]

T = TypeVar("T")


class _PageBase(Generic[T]):
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
    def first_id(self) -> str | None:
        return self.page.first_id

    @property
    def last_id(self) -> str | None:
        return self.page.last_id

    def next_page_request(self) -> Request | None:
        """The request for the following page, or ``None`` on the last page."""
        return next_page_request(self.request, self.page)

    def has_next_page(self) -> bool:
        return self.next_page_request() is not None

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(items={len(self.data)}, first_id={self.first_id!r}, "
            f"last_id={self.last_id!r}, has_more={self.has_more!r})"
        )


class SyncCursorPage(_PageBase[T]):
    """One page; ``for item in page`` walks this page and every page after it."""

    def __init__(
        self,
        request: Request,
        page: CursorPage[T],
        fetch: Callable[[Request], SyncCursorPage[T]],
    ) -> None:
        super().__init__(request, page)
        self._fetch = fetch

    def get_next_page(self) -> SyncCursorPage[T]:
        """Fetch the following page; raises ``StopIteration``-free ``ValueError`` at the end."""
        following = self.next_page_request()
        if following is None:
            raise ValueError("this is the last page; check has_next_page() first")
        return self._fetch(following)

    def iter_pages(self) -> Generator[SyncCursorPage[T], None, None]:
        page: SyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = page.get_next_page() if page.has_next_page() else None

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncCursorPage(_PageBase[T]):
    """One page; ``async for item in page`` walks this page and every page after it."""

    def __init__(
        self,
        request: Request,
        page: CursorPage[T],
        fetch: Callable[[Request], Awaitable[AsyncCursorPage[T]]],
    ) -> None:
        super().__init__(request, page)
        self._fetch = fetch

    async def get_next_page(self) -> AsyncCursorPage[T]:
        following = self.next_page_request()
        if following is None:
            raise ValueError("this is the last page; check has_next_page() first")
        return await self._fetch(following)

    async def iter_pages(self) -> AsyncIterator[AsyncCursorPage[T]]:
        page: AsyncCursorPage[T] | None = self
        while page is not None:
            yield page
            page = await page.get_next_page() if page.has_next_page() else None

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class AsyncPaginator(Generic[T]):
    """What async ``list()`` returns: ``await`` it for the first page, or ``async for`` it
    directly for every item across pages."""

    def __init__(self, request: Request, fetch: Callable[[Request], Awaitable[AsyncCursorPage[T]]]):
        self.request = request
        self._fetch = fetch

    def __await__(self) -> Generator[object, None, AsyncCursorPage[T]]:
        return self._fetch(self.request).__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._fetch(self.request)
        async for item in page:
            yield item
