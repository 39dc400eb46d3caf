"""The stream manager: opens a stream on entry, binds it to an event handler (a new base
handler if none is given) and closes it on exit."""

from __future__ import annotations

from types import TracebackType
from typing import Generic, TypeVar, cast, overload

from ._primitives import AsyncEventStream, AsyncStreamOpener, close_stream, open_stream
from .handlers import AsyncAssistantEventHandler

__all__ = ["AsyncAssistantStreamManager"]

AH = TypeVar("AH", bound=AsyncAssistantEventHandler)


class AsyncAssistantStreamManager(Generic[AH]):
    """``with manager as handler:`` opens the stream, binds it to the handler, closes it.

    ``open_stream`` opens the stream on entry. ``continue_from`` (a handler of an earlier
    stream of the same run) makes the new handler share its snapshots and once-only
    bookkeeping, e.g. for the stream of ``submit_tool_outputs``.
    """

    @overload
    def __init__(
        self: AsyncAssistantStreamManager[AsyncAssistantEventHandler],
        open_stream: AsyncStreamOpener,
        *,
        event_handler: None = None,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None: ...
    @overload
    def __init__(
        self,
        open_stream: AsyncStreamOpener,
        *,
        event_handler: AH,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None: ...
    def __init__(
        self,
        open_stream: AsyncStreamOpener,
        *,
        event_handler: AH | None = None,
        continue_from: AsyncAssistantEventHandler | None = None,
    ) -> None:
        if event_handler is not None and not isinstance(event_handler, AsyncAssistantEventHandler):
            # An official SDK handler (or the other flavour's) would fail mid-stream.
            raise TypeError(
                f"event_handler must be an instance of a subclass of "
                f"runs_adapters.AsyncAssistantEventHandler, not {_qualname(event_handler)}: "
                f"import AsyncAssistantEventHandler from runs_adapters instead of openai"
            )
        self._open = open_stream
        self._handler = event_handler if event_handler is not None else AsyncAssistantEventHandler()
        self._continue_from = continue_from
        self._stream: AsyncEventStream | None = None

    async def __aenter__(self) -> AH:
        self._stream = await open_stream(self._open)
        self._handler._init(self._stream, continue_from=self._continue_from)
        # The overloads tie the default handler to the default type parameter.
        return cast(AH, self._handler)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._stream is not None:
            await close_stream(self._stream)


def _qualname(value: object) -> str:
    cls = type(value)
    return f"{cls.__module__}.{cls.__qualname__}"
