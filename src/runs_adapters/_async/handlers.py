"""The event handler: subclass it, override the callbacks you need, and open a stream
with a manager.

All the bookkeeping (snapshots, which callbacks fire, in which order) lives in the core
(:class:`~runs_core.HandlerDispatch`); this class only runs the callbacks, in one loop.
Public through :mod:`runs_adapters` and :mod:`runs_adapters.event_handler`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator

from runs_core import (
    AssistantStreamEvent,
    DoneEvent,
    ThreadMessageDelta,
    failure_callbacks,
    text_pieces,
)
from runs_core.models import (
    ImageFile,
    Message,
    MessageDelta,
    Run,
    RunStep,
    RunStepDelta,
    Text,
    TextDelta,
    ToolCall,
    ToolCallDelta,
)

from .._handler_state import HandlerState
from ._primitives import AsyncEventStream, close_stream

__all__ = ["AsyncAssistantEventHandler"]


class AsyncAssistantEventHandler(HandlerState):
    """Callbacks for a streamed run; override the ones you need (all default to no-ops)."""

    def __init__(self) -> None:
        super().__init__()
        self._stream: AsyncEventStream | None = None
        self._iterator = self._events()
        self.text_deltas: AsyncIterator[str] = self._text_deltas()
        """The text fragments of the stream; iterating it consumes the stream."""

    def _init(
        self, stream: AsyncEventStream, *, continue_from: AsyncAssistantEventHandler | None
    ) -> None:
        self._adopt(continue_from)
        self._stream = stream

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        return self._iterator

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        """Close the stream and release the connection (the manager does it on exit)."""
        if self._stream is not None:
            await close_stream(self._stream)

    aclose = close  # async only

    async def until_done(self) -> None:
        """Consume the stream, running every callback. Raises what the stream raised."""
        async for _ in self:
            pass

    async def get_final_run(self) -> Run:
        """Consume the stream; the run as of its last event."""
        await self.until_done()
        return self._final_run()

    async def get_final_run_steps(self) -> list[RunStep]:
        """Consume the stream; every step seen (raises ``RuntimeError`` if none)."""
        await self.until_done()
        return self._final_steps()

    async def get_final_messages(self) -> list[Message]:
        """Consume the stream; every message seen (raises ``RuntimeError`` if none)."""
        await self.until_done()
        return self._final_messages()

    async def _text_deltas(self) -> AsyncIterator[str]:
        async for event in self:
            if isinstance(event, ThreadMessageDelta):
                for piece in text_pieces(event):
                    yield piece

    async def _events(self) -> AsyncGenerator[AssistantStreamEvent, None]:
        stream = self._stream
        if stream is None:
            raise RuntimeError("Stream has not been started yet")
        dispatch = self._dispatch
        quiet = self._quiet()
        try:
            async for event in stream:
                if isinstance(event, ThreadMessageDelta) and quiet and dispatch.feed_text(event):
                    yield event  # applied, and none of its callbacks is overridden
                    continue
                if isinstance(event, DoneEvent):
                    break
                calls = dispatch.feed(event)
                self._current_event = event
                try:
                    for name, args in calls:
                        await getattr(self, name)(*args)
                finally:
                    self._current_event = None
                yield event
        except Exception as exc:
            for name, args in failure_callbacks(exc):
                await getattr(self, name)(*args)
            raise
        finally:
            await self.on_end()

    async def on_end(self) -> None:
        """The stream ended: read to its end, failed, or was closed mid-way."""

    async def on_event(self, event: AssistantStreamEvent) -> None:
        """Every event (but ``done``), before the more specific callbacks."""

    async def on_run_step_created(self, run_step: RunStep) -> None:
        """A run step was created."""

    async def on_run_step_delta(self, delta: RunStepDelta, snapshot: RunStep) -> None:
        """A run step delta; ``snapshot`` includes it."""

    async def on_run_step_done(self, run_step: RunStep) -> None:
        """A run step completed, failed, was cancelled or expired."""

    async def on_tool_call_created(self, tool_call: ToolCall) -> None:
        """A tool call appeared (its first delta is merged; ``on_tool_call_delta`` follows)."""

    async def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        """A tool call delta, the first one included; ``snapshot`` includes it."""

    async def on_tool_call_done(self, tool_call: ToolCall) -> None:
        """A tool call is complete (exactly once per tool call)."""

    async def on_exception(self, exception: Exception) -> None:
        """The stream raised (an ``error`` event arrives as ``StreamErrorEvent``)."""

    async def on_timeout(self) -> None:
        """The stream timed out (``on_exception`` follows)."""

    async def on_message_created(self, message: Message) -> None:
        """A message was created."""

    async def on_message_delta(self, delta: MessageDelta, snapshot: Message) -> None:
        """A message delta; ``snapshot`` includes it."""

    async def on_message_done(self, message: Message) -> None:
        """A message completed (or ended incomplete)."""

    async def on_text_created(self, text: Text) -> None:
        """A text content part appeared."""

    async def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        """A text fragment, the first one included; ``snapshot`` is the text so far."""

    async def on_text_done(self, text: Text) -> None:
        """A text content part is complete."""

    async def on_image_file_done(self, image_file: ImageFile) -> None:
        """An image file content part is complete."""


AsyncAssistantEventHandler._base = AsyncAssistantEventHandler
