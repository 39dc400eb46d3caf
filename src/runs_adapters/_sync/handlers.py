# Generated from runs_adapters/_async/handlers.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""The event handler: subclass it, override the callbacks you need, and open a stream
with a manager.

All the bookkeeping (snapshots, which callbacks fire, in which order) lives in the core
(:class:`~runs_core.HandlerDispatch`); this class only runs the callbacks, in one loop.
Public through :mod:`runs_adapters` and :mod:`runs_adapters.event_handler`.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

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
from ._primitives import EventStream, close_stream

__all__ = ["AssistantEventHandler"]


class AssistantEventHandler(HandlerState):
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
        return self._iterator

    def __next__(self) -> AssistantStreamEvent:
        return self._iterator.__next__()

    def close(self) -> None:
        """Close the stream and release the connection (the manager does it on exit)."""
        if self._stream is not None:
            close_stream(self._stream)

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

    def _events(self) -> Generator[AssistantStreamEvent, None, None]:
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
