"""The blocking side of what cannot be generated (see ``_async/_primitives.py``, which
holds the same names for async code)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar

from runs_core import Request

from .pages import SyncCursorPage

if TYPE_CHECKING:
    from runs_core import AssistantStreamEvent

__all__ = [
    "EventStream",
    "StreamOpener",
    "SyncCursorPage",
    "close_stream",
    "first_page",
    "maybe_await",
    "open_stream",
]

T = TypeVar("T")


class EventStream(Protocol):
    """What a stream manager opens: typed events, and ``close()`` to free the connection."""

    def __iter__(self) -> Iterator[AssistantStreamEvent]: ...
    def close(self) -> None: ...


StreamOpener = Callable[[], EventStream]
"""A zero-argument callable returning the stream."""


def open_stream(opener: StreamOpener) -> EventStream:
    """Open the stream a manager was given."""
    return opener()


def close_stream(stream: EventStream) -> None:
    """Close a stream."""
    stream.close()


def maybe_await(value: T) -> T:
    """``value`` itself: blocking tools and callbacks return their result directly."""
    return value


def first_page(
    request: Request, fetch: Callable[[Request], SyncCursorPage[T]]
) -> SyncCursorPage[T]:
    """What ``list()`` returns: the first page, fetched now (iterate it for every item)."""
    return fetch(request)
