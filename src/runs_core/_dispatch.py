"""Which event-handler callbacks a stream event triggers, in order: :class:`HandlerDispatch`.

Sync and async event handlers share everything here and differ only in their loop:
``for call in dispatch.feed(event): getattr(handler, call.name)(*call.args)`` (with an
``await`` on the async side). The callback names and argument shapes are those of the
official SDK's ``AssistantEventHandler``, and so is their order, except where the SDK
is wrong (``docs/stream-helpers.md`` lists the differences):

* every tool call, of every step, gets ``on_tool_call_created`` then each of its deltas
  (the first included) in ``on_tool_call_delta``, and ``on_tool_call_done`` exactly once;
* content-part tracking restarts with each message, so ``on_text_done`` fires once per
  text part;
* an ``error`` event raises :class:`StreamErrorEvent` (the loop hands it to
  ``on_exception`` and re-raises), it is never skipped.

Snapshots come from a :class:`RunAccumulator`, applied *before* the callbacks of an
event (so ``on_event`` already sees snapshots that include the event).
"""

from __future__ import annotations

from typing import NamedTuple

from ._accumulate import RunAccumulator
from ._changes import (
    Change,
    ContentPartCreated,
    ContentPartDeltaApplied,
    MessageCreated,
    MessageDeltaApplied,
    MessageFinished,
    MessageUpdated,
    RunStepCreated,
    RunStepDeltaApplied,
    RunStepFinished,
    RunStepUpdated,
    RunUpdated,
    ToolCallCreated,
    ToolCallDeltaApplied,
)
from ._errors import APITimeoutError, StreamErrorEvent
from ._events import AssistantStreamEvent, ErrorEvent, ThreadMessageDelta
from .models import (
    ImageFileContentBlock,
    Message,
    MessageContent,
    RunStep,
    TextContentBlock,
    TextDeltaBlock,
    ToolCallsStepDetails,
)

__all__ = [
    "SNAPSHOT_CALLBACKS",
    "TEXT_DELTA_CALLBACKS",
    "Callback",
    "HandlerDispatch",
    "error_from_event",
    "failure_callbacks",
]

SNAPSHOT_CALLBACKS = frozenset(
    {"on_text_delta", "on_message_delta", "on_run_step_delta", "on_tool_call_delta"}
)
"""Callbacks that receive a snapshot updated by every delta. A handler that overrides
none of them lets the dispatch skip bringing snapshots up to date after each delta."""

TEXT_DELTA_CALLBACKS = ("on_event", "on_text_delta", "on_message_delta")
"""The callbacks of an event :meth:`HandlerDispatch.feed_text` accepts, in their order. A
handler that overrides none of them has nothing to call for such an event."""

_RUN_ENDS = frozenset(
    {
        "thread.run.completed",
        "thread.run.cancelled",
        "thread.run.expired",
        "thread.run.failed",
        "thread.run.requires_action",
        "thread.run.incomplete",
    }
)


class Callback(NamedTuple):
    """One handler call: ``getattr(handler, name)(*args)``."""

    name: str
    args: tuple[object, ...]


def failure_callbacks(exception: Exception) -> list[Callback]:
    """The callbacks of a stream that raised ``exception``: ``on_timeout`` first if it is a
    timeout (:class:`APITimeoutError` or :class:`TimeoutError`), then ``on_exception``."""
    if isinstance(exception, APITimeoutError | TimeoutError):
        return [Callback("on_timeout", ()), Callback("on_exception", (exception,))]
    return [Callback("on_exception", (exception,))]


def error_from_event(event: ErrorEvent) -> StreamErrorEvent:
    """The exception an ``error`` event stands for, carrying its payload."""
    message = "the server sent an error event"
    if event.data.message:
        message += f": {event.data.message}"
    return StreamErrorEvent(
        message, error=event.data.model_dump(), data=event.data.model_dump_json()
    )


class HandlerDispatch:
    """Applies events to an accumulator and says which callbacks each one triggers.

    One instance per handler. To follow a run into the next stream (the stream of
    ``submit_tool_outputs`` after ``requires_action``) with the same snapshots and the
    same once-only bookkeeping, give the next handler this same instance.
    """

    def __init__(self, accumulator: RunAccumulator | None = None, *, flush: bool = True) -> None:
        self.accumulator = accumulator if accumulator is not None else RunAccumulator()
        self.flush = flush
        """Bring snapshots up to date after every event (needed when a handler overrides
        one of :data:`SNAPSHOT_CALLBACKS`)."""
        self.current_event: AssistantStreamEvent | None = None
        self.current_run_step_id: str | None = None
        self.current_message_id: str | None = None
        self._part_index: dict[str, int] = {}  # message id -> its current content part
        self._open_call: tuple[str, int] | None = None  # (step id, index) not yet done
        self._calls_created: set[tuple[str, int]] = set()
        self._calls_done: set[tuple[str, int]] = set()

    @property
    def current_run_step(self) -> RunStep | None:
        if self.current_run_step_id is None:
            return None
        return self.accumulator.run_step(self.current_run_step_id)

    @property
    def current_message(self) -> Message | None:
        if self.current_message_id is None:
            return None
        return self.accumulator.message(self.current_message_id)

    def feed(self, event: AssistantStreamEvent) -> list[Callback]:
        """Apply ``event``; return its callbacks, ``on_event`` first.

        Raises :class:`StreamErrorEvent` for an ``error`` event, and what
        :meth:`RunAccumulator.apply` raises.
        """
        if isinstance(event, ErrorEvent):
            raise error_from_event(event)
        changes = self.accumulator.apply(event)
        if self.flush:
            self.accumulator.flush()
        calls = [Callback("on_event", (event,))]
        for change in changes:
            self._callbacks(change, calls)
        if event.event in _RUN_ENDS:
            self._close_open_call(calls)
        return calls

    def feed_text(self, event: ThreadMessageDelta) -> bool:
        """Apply ``event`` if it only extends the current text part of its message.

        That is the bulk of a stream: one text fragment (no annotations, no role, no
        unknown fields) for the text part the message's previous delta touched. Such an
        event is applied as :meth:`feed` would and ``True`` returned; its callbacks are
        then exactly those :meth:`feed` returns for it, namely ``on_event(event)``,
        ``on_text_delta(text_delta, text_snapshot)``, ``on_message_delta(delta,
        message)`` (:data:`TEXT_DELTA_CALLBACKS`), and are not built. Any other event is
        left unapplied and ``False`` returned: give it to :meth:`feed`.
        """
        data = event.data
        delta = data.delta
        content = delta.content
        if not content:
            return False
        message_id = data.id  # (a pydantic field costs ~30 ns a read: each is read once)
        if self._part_index.get(message_id) != content[0].index:
            return False
        if self.accumulator.append_text(message_id, delta) is None:
            return False
        self.current_message_id = message_id
        if self.flush:
            self.accumulator.flush()
        return True

    def _callbacks(self, change: Change, calls: list[Callback]) -> None:
        # Deltas first: they are nearly every change (cases are tried in order).
        match change:
            case ContentPartDeltaApplied(message, index, delta, part):
                self.current_message_id = message.id
                text = delta.text if isinstance(delta, TextDeltaBlock) else None
                if text is not None and isinstance(part, TextContentBlock):
                    calls.append(Callback("on_text_delta", (text, part.text)))
                previous = self._part_index.get(message.id)
                if previous != index:
                    if previous is not None and previous < len(message.content):
                        self._part_done(message.content[previous], calls)
                    self._part_index[message.id] = index
            case MessageDeltaApplied(delta, snapshot):
                calls.append(Callback("on_message_delta", (delta, snapshot)))
            case ToolCallDeltaApplied(_, _, delta, snapshot):
                calls.append(Callback("on_tool_call_delta", (delta, snapshot)))
            case RunStepDeltaApplied(delta, snapshot):
                calls.append(Callback("on_run_step_delta", (delta, snapshot)))
            case MessageCreated(message):
                self.current_message_id = message.id
                self._part_index.pop(message.id, None)
                calls.append(Callback("on_message_created", (message,)))
            case MessageUpdated(message):
                self.current_message_id = message.id
            case ContentPartCreated(_, _, TextContentBlock() as part):
                calls.append(Callback("on_text_created", (part.text,)))
            case MessageFinished(message):
                self.current_message_id = message.id
                index = self._part_index.pop(message.id, -1)
                if 0 <= index < len(message.content):
                    self._part_done(message.content[index], calls)
                calls.append(Callback("on_message_done", (message,)))
            case RunStepCreated(step):
                self.current_run_step_id = step.id
                calls.append(Callback("on_run_step_created", (step,)))
            case RunStepUpdated(step):
                self.current_run_step_id = step.id
            case ToolCallCreated(step, index, tool_call):
                self._close_open_call(calls)
                self._open_call = (step.id, index)
                self._calls_created.add((step.id, index))
                calls.append(Callback("on_tool_call_created", (tool_call,)))
            case RunStepFinished(step):
                self._finish_calls(step, calls)
                calls.append(Callback("on_run_step_done", (step,)))
                self.current_run_step_id = None
            case RunUpdated():
                pass

    @staticmethod
    def _part_done(part: MessageContent, calls: list[Callback]) -> None:
        if isinstance(part, TextContentBlock):
            calls.append(Callback("on_text_done", (part.text,)))
        elif isinstance(part, ImageFileContentBlock):
            calls.append(Callback("on_image_file_done", (part.image_file,)))

    def _close_open_call(self, calls: list[Callback]) -> None:
        if self._open_call is None:
            return
        step_id, index = self._open_call
        self._open_call = None
        step = self.accumulator.run_step(step_id)
        if step is None or not isinstance(step.step_details, ToolCallsStepDetails):
            return
        if index < len(step.step_details.tool_calls) and (step_id, index) not in self._calls_done:
            self._calls_done.add((step_id, index))
            calls.append(Callback("on_tool_call_done", (step.step_details.tool_calls[index],)))

    def _finish_calls(self, step: RunStep, calls: list[Callback]) -> None:
        """Every call of a finished step created here and not done yet is done now."""
        if self._open_call is not None and self._open_call[0] == step.id:
            self._open_call = None
        if not isinstance(step.step_details, ToolCallsStepDetails):
            return
        for index, tool_call in enumerate(step.step_details.tool_calls):
            key = (step.id, index)
            if key in self._calls_created and key not in self._calls_done:
                self._calls_done.add(key)
                calls.append(Callback("on_tool_call_done", (tool_call,)))
