"""The async side of what cannot be generated: the few places where async and blocking
code differ in more than ``await``. ``_sync/_primitives.py`` holds the same names for
blocking code; everything else in ``_async`` is turned into ``_sync`` by
``scripts/unasync.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from runs_core import Request

from .pages import AsyncCursorPage

if TYPE_CHECKING:
    from runs_core import AssistantStreamEvent

__all__ = [
    "AsyncCursorPage",
    "AsyncEventStream",
    "AsyncPaginator",
    "AsyncStreamOpener",
    "close_stream",
    "first_page",
    "maybe_await",
    "open_stream",
]

T = TypeVar("T")


class AsyncEventStream(Protocol):
    """What an async stream manager opens: typed events, closed with ``aclose()`` or
    ``close()`` (awaited)."""

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]: ...


AsyncStreamOpener = Callable[[], Awaitable[AsyncEventStream]] | Awaitable[AsyncEventStream]
"""A zero-argument callable returning an awaitable of the stream, or that awaitable."""


async def open_stream(opener: AsyncStreamOpener) -> AsyncEventStream:
    """Open the stream a manager was given."""
    return await (opener() if callable(opener) else opener)


async def close_stream(stream: object) -> None:
    """Close an async stream: ``aclose()`` if it has one, else ``close()``, awaited if
    need be (an async generator has only ``aclose``)."""
    closer = getattr(stream, "aclose", None) or getattr(stream, "close", None)
    if closer is not None:
        await maybe_await(closer())


async def maybe_await(value: T | Awaitable[T]) -> T:
    """``value``, awaited if it is awaitable: tools and callbacks may be plain or async."""
    if inspect.isawaitable(value):
        result: T = await value
        return result
    return value


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


def first_page(
    request: Request, fetch: Callable[[Request], Awaitable[AsyncCursorPage[T]]]
) -> AsyncPaginator[T]:
    """What ``list()`` returns: nothing is fetched until it is awaited or iterated."""
    return AsyncPaginator(request, fetch)
