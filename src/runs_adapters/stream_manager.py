"""Stream managers: :class:`AssistantStreamManager` and :class:`AsyncAssistantStreamManager`.

A manager opens a stream on entry, binds it to an event handler (a new base handler if
none is given) and closes it on exit. Also importable from :mod:`runs_adapters.event_handler`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, TypeVar, cast, overload

from ._handlers import (
    AssistantEventHandler,
    AsyncAssistantEventHandler,
    AsyncEventStream,
    EventStream,
    aclose_stream,
)

__all__ = ["AssistantStreamManager", "AsyncAssistantStreamManager"]

H = TypeVar("H", bound=AssistantEventHandler)
AH = TypeVar("AH", bound=AsyncAssistantEventHandler)


class AssistantStreamManager(Generic[H]):
    """``with manager as handler:`` opens the stream, binds it to the handler, closes it.

    ``open_stream`` is called on entry. ``continue_from`` (a handler of an earlier
    stream of the same run) makes the new handler share its snapshots and once-only
    bookkeeping, e.g. for the stream of ``submit_tool_outputs``.
    """

    @overload
    def __init__(
        self: AssistantStreamManager[AssistantEventHandler],
        open_stream: Callable[[], EventStream],
        *,
        event_handler: None = None,
        continue_from: AssistantEventHandler | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        open_stream: Callable[[], EventStream],
        *,
        event_handler: H,
        continue_from: AssistantEventHandler | None = None,
    ) -> None: ...
    def __init__(
        self,
        open_stream: Callable[[], EventStream],
        *,
        event_handler: H | None = None,
        continue_from: AssistantEventHandler | None = None,
    ) -> None:
        self._open = open_stream
        self._handler = event_handler if event_handler is not None else AssistantEventHandler()
        self._continue_from = continue_from
        self._stream: EventStream | None = None

    def __enter__(self) -> H:
        self._stream = self._open()
        self._handler._init(self._stream, continue_from=self._continue_from)
        return cast(H, self._handler)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            self._stream.close()


class AsyncAssistantStreamManager(Generic[AH]):
    """``async with manager as handler:``; ``open_stream`` is a zero-argument callable
    returning an awaitable of the stream, or that awaitable itself."""

    @overload
    def __init__(
        self: AsyncAssistantStreamManager[AsyncAssistantEventHandler],
        open_stream: Callable[[], Awaitable[AsyncEventStream]] | Awaitable[AsyncEventStream],
        *,
        event_handler: None = None,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncEventStream]] | Awaitable[AsyncEventStream],
        *,
        event_handler: AH,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None: ...
    def __init__(
        self,
        open_stream: Callable[[], Awaitable[AsyncEventStream]] | Awaitable[AsyncEventStream],
        *,
        event_handler: AH | None = None,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None:
        self._open = open_stream
        self._handler = event_handler if event_handler is not None else AsyncAssistantEventHandler()
        self._continue_from = continue_from
        self._stream: AsyncEventStream | None = None

    async def __aenter__(self) -> AH:
        pending: Any = self._open() if callable(self._open) else self._open
        self._stream = cast(AsyncEventStream, await pending)
        self._handler._init(self._stream, continue_from=self._continue_from)
        return cast(AH, self._handler)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await aclose_stream(self._stream)
