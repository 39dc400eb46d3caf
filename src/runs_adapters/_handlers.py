"""The event handlers: :class:`AssistantEventHandler` and :class:`AsyncAssistantEventHandler`.

Both take their bookkeeping (snapshots, which callbacks fire, in which order) from the core
(:class:`runs_core._dispatch.HandlerDispatch`) and share their state and read-only views
(:class:`_HandlerState`); each only runs the callbacks, in one loop, with or without
``await``. Public through :mod:`runs_adapters.event_handler`.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from runs_core._accumulate import RunAccumulator
from runs_core._dispatch import (
    SNAPSHOT_CALLBACKS,
    TEXT_DELTA_CALLBACKS,
    HandlerDispatch,
    failure_callbacks,
)
from runs_core._events import AssistantStreamEvent, DoneEvent, ThreadMessageDelta, text_pieces
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

__all__ = [
    "AssistantEventHandler",
    "AsyncAssistantEventHandler",
    "AsyncEventStream",
    "EventStream",
    "aclose_stream",
]

_SHARED = (
    "A single event handler cannot be shared between multiple streams; "
    "construct a new event handler instance"
)


class EventStream(Protocol):
    """What a sync manager opens: typed events, and ``close()`` to free the connection."""

    def __iter__(self) -> Iterator[AssistantStreamEvent]: ...
    def close(self) -> None: ...


class AsyncEventStream(Protocol):
    """What an async manager opens; closed with ``aclose()`` or ``close()`` (awaited)."""

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]: ...


class _HandlerState:
    """State and read-only views both handler flavours share."""

    _base: type

    def __init__(self) -> None:
        wants = any(
            getattr(type(self), name) is not getattr(self._base, name)
            for name in SNAPSHOT_CALLBACKS
        )
        self._dispatch = HandlerDispatch(flush=wants)
        self._current_event: AssistantStreamEvent | None = None
        self._bound = False

    def _quiet(self) -> bool:
        """Whether a text delta's callbacks (:data:`TEXT_DELTA_CALLBACKS`) are all the
        no-op defaults, on the class and on the instance: then the dispatch's fast path
        (:meth:`HandlerDispatch.feed_text`) leaves nothing to call. Read when the stream
        starts."""
        return not any(
            name in self.__dict__ or getattr(type(self), name) is not getattr(self._base, name)
            for name in TEXT_DELTA_CALLBACKS
        )

    def _adopt(self, previous: _HandlerState | None) -> None:
        if self._bound:
            raise RuntimeError(_SHARED)
        self._bound = True
        if previous is not None:
            previous._dispatch.flush = previous._dispatch.flush or self._dispatch.flush
            self._dispatch = previous._dispatch

    @property
    def accumulator(self) -> RunAccumulator:
        """The snapshots of this stream (and of the streams it continues)."""
        return self._dispatch.accumulator

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        """The event whose callbacks are running, ``None`` between events."""
        return self._current_event

    @property
    def current_run(self) -> Run | None:
        return self._dispatch.accumulator.run

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        """The step being streamed (``None`` once it is done)."""
        return self._dispatch.current_run_step

    @property
    def current_message_snapshot(self) -> Message | None:
        """The message last created, extended or finished."""
        return self._dispatch.current_message

    def _final_run(self) -> Run:
        run = self._dispatch.accumulator.run
        if run is None:
            raise RuntimeError("No final run object found")
        return run

    def _final_steps(self) -> list[RunStep]:
        steps = self._dispatch.accumulator.run_steps
        if not steps:
            raise RuntimeError("No run steps found")
        return steps

    def _final_messages(self) -> list[Message]:
        messages = self._dispatch.accumulator.messages
        if not messages:
            raise RuntimeError("No messages found")
        return messages


class AssistantEventHandler(_HandlerState):
    """Callbacks for a streamed run; override the ones you need (all default to no-ops)."""

    def __init__(self) -> None:
        super().__init__()
        self._stream: EventStream | None = None
        self._iterator = self._events()
        self.text_deltas: Iterator[str] = self._text_deltas()
        """The text fragments of the stream; iterating it consumes the stream."""

    def _init(self, stream: EventStream, *, continue_from: AssistantEventHandler | None) -> None:
        self._adopt(continue_from)
        self._stream = stream

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        yield from self._iterator

    def __next__(self) -> AssistantStreamEvent:
        return next(self._iterator)

    def close(self) -> None:
        """Close the stream and release the connection (the manager does it on exit)."""
        if self._stream is not None:
            self._stream.close()

    def until_done(self) -> None:
        """Consume the stream, running every callback. Raises what the stream raised."""
        for _ in self:
            pass

    def get_final_run(self) -> Run:
        """Consume the stream; the run as of its last event."""
        self.until_done()
        return self._final_run()

    def get_final_run_steps(self) -> list[RunStep]:
        """Consume the stream; every step seen (raises ``RuntimeError`` if none)."""
        self.until_done()
        return self._final_steps()

    def get_final_messages(self) -> list[Message]:
        """Consume the stream; every message seen (raises ``RuntimeError`` if none)."""
        self.until_done()
        return self._final_messages()

    def _text_deltas(self) -> Iterator[str]:
        for event in self:
            if isinstance(event, ThreadMessageDelta):
                yield from text_pieces(event)

    def _events(self) -> Iterator[AssistantStreamEvent]:
        stream = self._stream
        if stream is None:
            raise RuntimeError("Stream has not been started yet")
        dispatch = self._dispatch
        quiet = self._quiet()
        try:
            for event in stream:
                if isinstance(event, ThreadMessageDelta) and quiet and dispatch.feed_text(event):
                    yield event  # applied, and none of its callbacks is overridden
                    continue
                if isinstance(event, DoneEvent):
                    break
                calls = dispatch.feed(event)
                self._current_event = event
                try:
                    for name, args in calls:
                        getattr(self, name)(*args)
                finally:
                    self._current_event = None
                yield event
        except Exception as exc:
            for name, args in failure_callbacks(exc):
                getattr(self, name)(*args)
            raise
        finally:
            self.on_end()

    def on_end(self) -> None:
        """The stream ended: read to its end, failed, or was closed mid-way."""

    def on_event(self, event: AssistantStreamEvent) -> None:
        """Every event (but ``done``), before the more specific callbacks."""

    def on_run_step_created(self, run_step: RunStep) -> None:
        """A run step was created."""

    def on_run_step_delta(self, delta: RunStepDelta, snapshot: RunStep) -> None:
        """A run step delta; ``snapshot`` includes it."""

    def on_run_step_done(self, run_step: RunStep) -> None:
        """A run step completed, failed, was cancelled or expired."""

    def on_tool_call_created(self, tool_call: ToolCall) -> None:
        """A tool call appeared (its first delta is merged; ``on_tool_call_delta`` follows)."""

    def on_tool_call_delta(self, delta: ToolCallDelta, snapshot: ToolCall) -> None:
        """A tool call delta, the first one included; ``snapshot`` includes it."""

    def on_tool_call_done(self, tool_call: ToolCall) -> None:
        """A tool call is complete (exactly once per tool call)."""

    def on_exception(self, exception: Exception) -> None:
        """The stream raised (an ``error`` event arrives as ``StreamErrorEvent``)."""

    def on_timeout(self) -> None:
        """The stream timed out (``on_exception`` follows)."""

    def on_message_created(self, message: Message) -> None:
        """A message was created."""

    def on_message_delta(self, delta: MessageDelta, snapshot: Message) -> None:
        """A message delta; ``snapshot`` includes it."""

    def on_message_done(self, message: Message) -> None:
        """A message completed (or ended incomplete)."""

    def on_text_created(self, text: Text) -> None:
        """A text content part appeared."""

    def on_text_delta(self, delta: TextDelta, snapshot: Text) -> None:
        """A text fragment, the first one included; ``snapshot`` is the text so far."""

    def on_text_done(self, text: Text) -> None:
        """A text content part is complete."""

    def on_image_file_done(self, image_file: ImageFile) -> None:
        """An image file content part is complete."""


AssistantEventHandler._base = AssistantEventHandler


class AsyncAssistantEventHandler(_HandlerState):
    """The async twin of :class:`AssistantEventHandler`: callbacks are ``async def``."""

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

    async def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        async for event in self._iterator:
            yield event

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._iterator.__anext__()

    async def close(self) -> None:
        """Close the stream and release the connection (the manager does it on exit)."""
        if self._stream is not None:
            await aclose_stream(self._stream)

    async def aclose(self) -> None:
        """Same as :meth:`close`."""
        await self.close()

    async def until_done(self) -> None:
        """Consume the stream, running every callback. Raises what the stream raised."""
        async for _ in self:
            pass

    async def get_final_run(self) -> Run:
        await self.until_done()
        return self._final_run()

    async def get_final_run_steps(self) -> list[RunStep]:
        await self.until_done()
        return self._final_steps()

    async def get_final_messages(self) -> list[Message]:
        await self.until_done()
        return self._final_messages()

    async def _text_deltas(self) -> AsyncIterator[str]:
        async for event in self:
            if isinstance(event, ThreadMessageDelta):
                for piece in text_pieces(event):
                    yield piece

    async def _events(self) -> AsyncIterator[AssistantStreamEvent]:
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


async def aclose_stream(stream: object) -> None:
    """Close an async stream: ``aclose()`` if it has one, else ``close()`` (awaited if need be)."""
    closer = getattr(stream, "aclose", None) or getattr(stream, "close", None)
    if closer is not None:
        result = closer()
        if inspect.isawaitable(result):
            await result
