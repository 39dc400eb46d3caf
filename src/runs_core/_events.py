"""Typed assistant stream events, and :func:`parse_event`, which builds one from an SSE event.

Each event name of the contract (``AssistantStreamEvent``) has a class named as in the
official SDK, with the same two attributes handlers rely on: ``event`` (the name, a
literal, so ``match ev.event`` narrows the type) and ``data`` (the typed object). A name
this library does not know becomes :class:`UnknownEvent`, never an error, since the
server may add events at any time.

The classes are frozen attrs classes with ``event`` held on the class: building one costs
a single slot write on top of validating ``data`` straight from the raw JSON string.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar, Literal, TypeAlias

import attrs
from pydantic import BaseModel, ValidationError

from ._errors import StreamEventDecodeError
from .models import (
    ErrorObject,
    Message,
    MessageDeltaEvent,
    Run,
    RunsModel,
    RunStep,
    RunStepDeltaEvent,
    TextDeltaBlock,
    Thread,
)

__all__ = [
    "EVENT_TYPES",
    "AssistantStreamEvent",
    "DoneEvent",
    "ErrorEvent",
    "ThreadCreated",
    "ThreadMessageCompleted",
    "ThreadMessageCreated",
    "ThreadMessageDelta",
    "ThreadMessageInProgress",
    "ThreadMessageIncomplete",
    "ThreadRunCancelled",
    "ThreadRunCancelling",
    "ThreadRunCompleted",
    "ThreadRunCreated",
    "ThreadRunExpired",
    "ThreadRunFailed",
    "ThreadRunInProgress",
    "ThreadRunIncomplete",
    "ThreadRunQueued",
    "ThreadRunRequiresAction",
    "ThreadRunStepCancelled",
    "ThreadRunStepCompleted",
    "ThreadRunStepCreated",
    "ThreadRunStepDelta",
    "ThreadRunStepExpired",
    "ThreadRunStepFailed",
    "ThreadRunStepInProgress",
    "UnknownEvent",
    "parse_event",
    "text_pieces",
]


@attrs.frozen
class ThreadCreated:
    event: ClassVar[Literal["thread.created"]] = "thread.created"
    data: Thread


@attrs.frozen
class ThreadRunCreated:
    event: ClassVar[Literal["thread.run.created"]] = "thread.run.created"
    data: Run


@attrs.frozen
class ThreadRunQueued:
    event: ClassVar[Literal["thread.run.queued"]] = "thread.run.queued"
    data: Run


@attrs.frozen
class ThreadRunInProgress:
    event: ClassVar[Literal["thread.run.in_progress"]] = "thread.run.in_progress"
    data: Run


@attrs.frozen
class ThreadRunRequiresAction:
    event: ClassVar[Literal["thread.run.requires_action"]] = "thread.run.requires_action"
    data: Run


@attrs.frozen
class ThreadRunCompleted:
    event: ClassVar[Literal["thread.run.completed"]] = "thread.run.completed"
    data: Run


@attrs.frozen
class ThreadRunIncomplete:
    event: ClassVar[Literal["thread.run.incomplete"]] = "thread.run.incomplete"
    data: Run


@attrs.frozen
class ThreadRunFailed:
    event: ClassVar[Literal["thread.run.failed"]] = "thread.run.failed"
    data: Run


@attrs.frozen
class ThreadRunCancelling:
    event: ClassVar[Literal["thread.run.cancelling"]] = "thread.run.cancelling"
    data: Run


@attrs.frozen
class ThreadRunCancelled:
    event: ClassVar[Literal["thread.run.cancelled"]] = "thread.run.cancelled"
    data: Run


@attrs.frozen
class ThreadRunExpired:
    event: ClassVar[Literal["thread.run.expired"]] = "thread.run.expired"
    data: Run


@attrs.frozen
class ThreadRunStepCreated:
    event: ClassVar[Literal["thread.run.step.created"]] = "thread.run.step.created"
    data: RunStep


@attrs.frozen
class ThreadRunStepInProgress:
    event: ClassVar[Literal["thread.run.step.in_progress"]] = "thread.run.step.in_progress"
    data: RunStep


@attrs.frozen
class ThreadRunStepDelta:
    event: ClassVar[Literal["thread.run.step.delta"]] = "thread.run.step.delta"
    data: RunStepDeltaEvent


@attrs.frozen
class ThreadRunStepCompleted:
    event: ClassVar[Literal["thread.run.step.completed"]] = "thread.run.step.completed"
    data: RunStep


@attrs.frozen
class ThreadRunStepFailed:
    event: ClassVar[Literal["thread.run.step.failed"]] = "thread.run.step.failed"
    data: RunStep


@attrs.frozen
class ThreadRunStepCancelled:
    event: ClassVar[Literal["thread.run.step.cancelled"]] = "thread.run.step.cancelled"
    data: RunStep


@attrs.frozen
class ThreadRunStepExpired:
    event: ClassVar[Literal["thread.run.step.expired"]] = "thread.run.step.expired"
    data: RunStep


@attrs.frozen
class ThreadMessageCreated:
    event: ClassVar[Literal["thread.message.created"]] = "thread.message.created"
    data: Message


@attrs.frozen
class ThreadMessageInProgress:
    event: ClassVar[Literal["thread.message.in_progress"]] = "thread.message.in_progress"
    data: Message


@attrs.frozen
class ThreadMessageDelta:
    event: ClassVar[Literal["thread.message.delta"]] = "thread.message.delta"
    data: MessageDeltaEvent


@attrs.frozen
class ThreadMessageCompleted:
    event: ClassVar[Literal["thread.message.completed"]] = "thread.message.completed"
    data: Message


@attrs.frozen
class ThreadMessageIncomplete:
    event: ClassVar[Literal["thread.message.incomplete"]] = "thread.message.incomplete"
    data: Message


@attrs.frozen
class ErrorEvent:
    """The server reports an error mid-stream. :func:`parse_event` returns it; the
    stream decoder turns it into :class:`~runs_core._errors.StreamErrorEvent`."""

    event: ClassVar[Literal["error"]] = "error"
    data: ErrorObject


@attrs.frozen
class DoneEvent:
    """The stream's last event. ``data`` is what the server sent, ``"[DONE]"`` per contract."""

    event: ClassVar[Literal["done"]] = "done"
    data: str = "[DONE]"


@attrs.frozen
class UnknownEvent:
    """An event name this library does not know; ``data`` is the raw, undecoded string."""

    event: str
    data: str


AssistantStreamEvent: TypeAlias = (
    ThreadCreated
    | ThreadRunCreated
    | ThreadRunQueued
    | ThreadRunInProgress
    | ThreadRunRequiresAction
    | ThreadRunCompleted
    | ThreadRunIncomplete
    | ThreadRunFailed
    | ThreadRunCancelling
    | ThreadRunCancelled
    | ThreadRunExpired
    | ThreadRunStepCreated
    | ThreadRunStepInProgress
    | ThreadRunStepDelta
    | ThreadRunStepCompleted
    | ThreadRunStepFailed
    | ThreadRunStepCancelled
    | ThreadRunStepExpired
    | ThreadMessageCreated
    | ThreadMessageInProgress
    | ThreadMessageDelta
    | ThreadMessageCompleted
    | ThreadMessageIncomplete
    | ErrorEvent
    | DoneEvent
    | UnknownEvent
)

_JSON_EVENTS: tuple[tuple[type[AssistantStreamEvent], type[RunsModel]], ...] = (
    (ThreadCreated, Thread),
    (ThreadRunCreated, Run),
    (ThreadRunQueued, Run),
    (ThreadRunInProgress, Run),
    (ThreadRunRequiresAction, Run),
    (ThreadRunCompleted, Run),
    (ThreadRunIncomplete, Run),
    (ThreadRunFailed, Run),
    (ThreadRunCancelling, Run),
    (ThreadRunCancelled, Run),
    (ThreadRunExpired, Run),
    (ThreadRunStepCreated, RunStep),
    (ThreadRunStepInProgress, RunStep),
    (ThreadRunStepDelta, RunStepDeltaEvent),
    (ThreadRunStepCompleted, RunStep),
    (ThreadRunStepFailed, RunStep),
    (ThreadRunStepCancelled, RunStep),
    (ThreadRunStepExpired, RunStep),
    (ThreadMessageCreated, Message),
    (ThreadMessageInProgress, Message),
    (ThreadMessageDelta, MessageDeltaEvent),
    (ThreadMessageCompleted, Message),
    (ThreadMessageIncomplete, Message),
    (ErrorEvent, ErrorObject),
)

EVENT_TYPES: Mapping[str, tuple[type[AssistantStreamEvent], type[BaseModel] | type[str]]] = (
    MappingProxyType(
        {cls.event: (cls, model) for cls, model in _JSON_EVENTS} | {"done": (DoneEvent, str)}
    )
)
"""Every event name of the contract → (event class, type of its ``data``)."""


class _WrappedError(RunsModel):
    error: ErrorObject


_Parser: TypeAlias = tuple[
    type[AssistantStreamEvent], Callable[[str | bytes], Any], Callable[[Any, Any], None]
]

# name -> (event class, data validator, setter of its ``data`` slot), looked up once per
# event. Calling the pydantic validator directly, with no helper frame in between,
# measured ~40% faster per event. The event is then made with ``object.__new__`` and a
# write to its slot: what the attrs-generated ``__init__`` does, without the Python frame
# and the bound ``object.__setattr__`` it builds on every call (~100 ns per event, a
# tenth of the decoder's own cost). Filled on the first event of each name, so that
# importing builds no validator (the models are ``defer_build``): cold start is part of
# the benchmarks' targets.
_PARSERS: dict[str, _Parser] = {}
_JSON_MODELS: dict[str, tuple[type[AssistantStreamEvent], type[RunsModel]]] = {
    cls.event: (cls, model) for cls, model in _JSON_EVENTS
}
_new_event = object.__new__


def _parser(event: str) -> _Parser | None:
    """The parser of a JSON event ``event``, built (and kept) on first use; None if unknown."""
    known = _JSON_MODELS.get(event)
    if known is None:
        return None
    cls, model = known
    entry: _Parser = (
        cls,
        model.__pydantic_validator__.validate_json,  # builds a deferred validator
        cls.__dict__["data"].__set__,  # the slot: writing it skips the frozen __setattr__
    )
    _PARSERS[event] = entry
    return entry


def parse_event(event: str, data: str) -> AssistantStreamEvent:
    """Build the typed event for one server-sent event's name and data.

    ``data`` is validated straight from the JSON string. An unknown ``event`` name gives
    :class:`UnknownEvent`; ``done`` gives :class:`DoneEvent`; an ``error`` event gives
    :class:`ErrorEvent` (not an exception). Its payload may also come wrapped as
    ``{"error": {...}}``, as in HTTP error bodies.

    Raises :class:`~runs_core._errors.StreamEventDecodeError` (naming the event, with an
    excerpt of the data) when ``data`` is not JSON or does not fit the event's type.
    """
    entry = _PARSERS.get(event)
    if entry is None:
        entry = _parser(event)
        if entry is None:
            if event == "done":
                return DoneEvent(data)
            return UnknownEvent(event, data)
    cls, validate_json, set_data = entry
    try:
        value = validate_json(data)
    except ValidationError as exc:
        if event == "error":
            try:
                return ErrorEvent(_WrappedError.model_validate_json(data).error)
            except ValidationError:
                pass
        raise _decode_error(exc, event, data) from exc
    parsed: AssistantStreamEvent = _new_event(cls)
    set_data(parsed, value)
    return parsed


def _decode_error(exc: ValidationError, event: str, data: str) -> StreamEventDecodeError:
    errors = exc.errors(include_url=False, include_input=False)
    if errors and errors[0]["type"] == "json_invalid":
        return StreamEventDecodeError("event data is not valid JSON", event=event, data=data)
    model = EVENT_TYPES[event][1].__name__
    shown = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or '<root>'}: {error['msg']}"
        for error in errors[:3]
    )
    more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
    return StreamEventDecodeError(
        f"event data does not fit {model}: {shown}{more}", event=event, data=data
    )


def text_pieces(event: AssistantStreamEvent) -> list[str]:
    """The text fragments a ``thread.message.delta`` carries, in order; ``[]`` for any
    other event. What ``text_deltas`` yields and what a terminal prints."""
    if event.__class__ is not ThreadMessageDelta:
        return []
    content = event.data.delta.content
    if content is not None and len(content) == 1:
        # Nearly every delta: one part. Tested without the comprehension, whose nested
        # function call was half the cost of text_deltas over the events (~200 ns).
        part = content[0]
        if part.__class__ is TextDeltaBlock or isinstance(part, TextDeltaBlock):
            text = part.text
            return [text.value] if text is not None and text.value else []
        return []
    return [
        part.text.value
        for part in content or ()
        if isinstance(part, TextDeltaBlock) and part.text is not None and part.text.value
    ]
