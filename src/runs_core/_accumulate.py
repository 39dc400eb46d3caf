"""Snapshots of a streamed run: :class:`RunAccumulator` applies typed events in order.

It keeps the current :class:`~runs_core.models.Run`, every :class:`Message` and every
:class:`RunStep` seen, as the same pydantic models a non-streamed call returns, and says
what each event changed (a short list of :data:`Change` objects): all an event-handler
API needs. It does no I/O and never calls user code.

Deltas merge by the rules of :mod:`runs_core._merge` (numbers replace, streamed string
fragments append); a ``*.completed`` / ``*.incomplete`` / ``*.failed``... event replaces
the snapshot with the server's final object. The :data:`Change` classes live in
:mod:`runs_core._changes` and are re-exported here.

Cost stays linear in the stream's length: appended fragments are queued per field and
written into the snapshot by :meth:`RunAccumulator.flush` (every accessor flushes), so
applying a delta never copies the text accumulated so far. A flush appends in a way
CPython usually performs in place; reading a snapshot after *every* delta therefore
stays cheap in practice, and is never worse than rebuilding the string.
"""

from __future__ import annotations

from typing import Final, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter

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
from ._errors import StreamError
from ._events import (
    AssistantStreamEvent,
    ThreadMessageCompleted,
    ThreadMessageCreated,
    ThreadMessageDelta,
    ThreadMessageIncomplete,
    ThreadMessageInProgress,
    ThreadRunCancelled,
    ThreadRunCancelling,
    ThreadRunCompleted,
    ThreadRunCreated,
    ThreadRunExpired,
    ThreadRunFailed,
    ThreadRunIncomplete,
    ThreadRunInProgress,
    ThreadRunQueued,
    ThreadRunRequiresAction,
    ThreadRunStepCancelled,
    ThreadRunStepCompleted,
    ThreadRunStepCreated,
    ThreadRunStepDelta,
    ThreadRunStepExpired,
    ThreadRunStepFailed,
    ThreadRunStepInProgress,
)
from ._merge import (
    ANNOTATION_SKELETONS,
    CALL_SKELETONS,
    PART_SKELETONS,
    dump_delta,
    merge_dict,
    new_item,
    skeleton_for,
)
from .models import (
    CodeInterpreterLogs,
    CodeInterpreterOutputLogs,
    CodeInterpreterToolCall,
    CodeInterpreterToolCallDelta,
    FunctionToolCall,
    FunctionToolCallDelta,
    Message,
    MessageContent,
    MessageContentDelta,
    MessageDelta,
    RefusalContentBlock,
    RefusalDeltaBlock,
    Run,
    RunStep,
    RunStepDelta,
    Text,
    TextContentBlock,
    TextDeltaBlock,
    ToolCall,
    ToolCallDelta,
    ToolCallDeltaObject,
    ToolCallsStepDetails,
)
from .models.message import Annotation
from .models.tool_calls import CodeInterpreterOutput

__all__ = [
    "Change",
    "ContentPartCreated",
    "ContentPartDeltaApplied",
    "MessageCreated",
    "MessageDeltaApplied",
    "MessageFinished",
    "MessageUpdated",
    "RunAccumulator",
    "RunStepCreated",
    "RunStepDeltaApplied",
    "RunStepFinished",
    "RunStepUpdated",
    "RunUpdated",
    "ToolCallCreated",
    "ToolCallDeltaApplied",
]


_RUN_EVENTS: Final = (
    ThreadRunCreated,
    ThreadRunQueued,
    ThreadRunInProgress,
    ThreadRunRequiresAction,
    ThreadRunCompleted,
    ThreadRunIncomplete,
    ThreadRunFailed,
    ThreadRunCancelling,
    ThreadRunCancelled,
    ThreadRunExpired,
)
_STEP_FINAL_EVENTS: Final = (
    ThreadRunStepCompleted,
    ThreadRunStepFailed,
    ThreadRunStepCancelled,
    ThreadRunStepExpired,
)

# Validators are built on first use, not at import (cold start; see docs/benchmarks.md).
_LAZY = ConfigDict(defer_build=True)
_TOOL_CALL: TypeAdapter[ToolCall] = TypeAdapter(ToolCall, config=_LAZY)
_CONTENT: TypeAdapter[MessageContent] = TypeAdapter(MessageContent, config=_LAZY)
_ANNOTATION: TypeAdapter[Annotation] = TypeAdapter(Annotation, config=_LAZY)
_TOOL_OUTPUT: TypeAdapter[CodeInterpreterOutput] = TypeAdapter(CodeInterpreterOutput, config=_LAZY)
_Snapshot = TypeVar("_Snapshot", Message, RunStep)


class _Pending:
    """Fragments appended to one string field since the last flush."""

    __slots__ = ("attr", "model", "pieces")

    def __init__(self, model: BaseModel, attr: str, piece: str) -> None:
        self.model = model
        self.attr = attr
        self.pieces = [piece]

    def write(self) -> None:
        fields = self.model.__dict__
        value: str = fields[self.attr]
        fields[self.attr] = ""  # drop the model's reference so the str can grow in place
        value += "".join(self.pieces)
        fields[self.attr] = value


class RunAccumulator:
    """Applies the events of one or more streams of a run, in order, and keeps snapshots.

    One accumulator may follow a run across streams (e.g. the stream of
    ``submit_tool_outputs`` after a ``requires_action``): the run is replaced by each run
    event, steps and messages are added by id.
    """

    def __init__(self) -> None:
        self._run: Run | None = None
        self._messages: dict[str, Message] = {}
        self._steps: dict[str, RunStep] = {}
        self._pending: dict[tuple[int, str], _Pending] = {}
        self._last: _Pending | None = None  # the field appended to last (skips the lookup)
        # (message id, part index, message, its text) of the text part the last common
        # text delta extended: the next one, nearly always for the same part, skips the
        # lookups. Any event applied by ``apply`` clears it, so it is never stale.
        self._text: tuple[str, int, Message, Text] | None = None

    # --- reading -------------------------------------------------------------------

    def flush(self) -> None:
        """Write the queued string fragments into the snapshots (O(fragments queued))."""
        if self._pending:
            for pending in self._pending.values():
                pending.write()
            self._pending.clear()
            self._last = None

    @property
    def run(self) -> Run | None:
        """The run as of the last run event, or ``None`` before the first."""
        return self._run

    @property
    def messages(self) -> list[Message]:
        """Every message seen, in order of creation, up to date."""
        self.flush()
        return list(self._messages.values())

    @property
    def run_steps(self) -> list[RunStep]:
        """Every run step seen, in order of creation, up to date."""
        self.flush()
        return list(self._steps.values())

    def message(self, message_id: str) -> Message | None:
        self.flush()
        return self._messages.get(message_id)

    def run_step(self, step_id: str) -> RunStep | None:
        self.flush()
        return self._steps.get(step_id)

    # --- applying ------------------------------------------------------------------

    def apply(self, event: AssistantStreamEvent) -> list[Change]:
        """Apply one event; return what it changed, in the order handlers report it.

        Events that change no snapshot (``thread.created``, ``done``, ``error``, unknown
        names) return ``[]``. Raises :class:`StreamError` for a delta naming a message or
        step the stream never created.
        """
        self._text = None
        if isinstance(event, ThreadMessageDelta):
            return self._message_delta(event.data.id, event.data.delta)
        if isinstance(event, ThreadRunStepDelta):
            return self._step_delta(event.data.id, event.data.delta)
        if isinstance(event, _RUN_EVENTS):
            self._run = event.data
            return [RunUpdated(event.data)]
        self.flush()
        if isinstance(event, ThreadMessageCreated):
            message = event.data.model_copy(deep=True)
            self._messages[message.id] = message
            return [MessageCreated(message)]
        if isinstance(event, ThreadMessageInProgress):
            message = self._update(self._messages, event.data, "content")
            return [MessageUpdated(message)]
        if isinstance(event, ThreadMessageCompleted | ThreadMessageIncomplete):
            self._messages[event.data.id] = event.data
            return [MessageFinished(event.data)]
        if isinstance(event, ThreadRunStepCreated):
            step = event.data.model_copy(deep=True)
            self._steps[step.id] = step
            return [RunStepCreated(step)]
        if isinstance(event, ThreadRunStepInProgress):
            return [RunStepUpdated(self._update(self._steps, event.data, "step_details"))]
        if isinstance(event, _STEP_FINAL_EVENTS):
            self._steps[event.data.id] = event.data
            return [RunStepFinished(event.data)]
        return []

    def _update(self, table: dict[str, _Snapshot], data: _Snapshot, keep: str) -> _Snapshot:
        """Take a status event's fields, keeping the accumulated ``keep`` field."""
        snapshot = table.get(data.id)
        if snapshot is None:
            snapshot = table[data.id] = data.model_copy(deep=True)
            return snapshot
        for name in data.model_fields_set | set(data.model_extra or ()):
            if name != keep:
                setattr(snapshot, name, getattr(data, name))
        return snapshot

    def _append(self, model: BaseModel, attr: str, piece: str) -> None:
        if not piece:
            return
        last = self._last
        if last is not None and last.model is model and last.attr == attr:
            last.pieces.append(piece)
            return
        key = (id(model), attr)
        pending = self._pending.get(key)
        if pending is None:
            pending = self._pending[key] = _Pending(model, attr, piece)
        else:
            pending.pieces.append(piece)
        self._last = pending

    @staticmethod
    def _set_extra(target: BaseModel, delta: BaseModel) -> None:
        for name, value in (delta.model_extra or {}).items():
            setattr(target, name, value)

    # --- messages --------------------------------------------------------------------

    def append_text(self, message_id: str, delta: MessageDelta) -> Message | None:
        """Apply ``delta`` if it is the common text delta, return its message; else ``None``.

        The common delta is one text fragment (no annotations, no role, no unknown
        fields) for a text part the message already has. Applying it only queues the
        fragment, with the same result as :meth:`apply` and changes that would be
        ``[ContentPartDeltaApplied(message, index, block, part),
        MessageDeltaApplied(delta, message)]``. Any other delta is left unapplied.
        """
        content = delta.content
        if content is None or len(content) != 1 or delta.role is not None:
            return None
        block = content[0]
        if not isinstance(block, TextDeltaBlock) or delta.__pydantic_extra__:
            return None
        text = block.text
        index = block.index
        if text is None or index is None or text.annotations or text.__pydantic_extra__:
            return None
        last = self._text
        if last is not None and last[0] == message_id and last[1] == index:
            message, target = last[2], last[3]
        else:
            found = self._messages.get(message_id)
            if found is None or index >= len(found.content):
                return None
            part = found.content[index]
            if not isinstance(part, TextContentBlock):
                return None
            message, target = found, part.text
            self._text = (message_id, index, message, target)
        value = text.value
        if value:
            pending = self._last
            if pending is not None and pending.model is target and pending.attr == "value":
                pending.pieces.append(value)
            else:
                self._append(target, "value", value)
        return message

    def _message_delta(self, message_id: str, delta: MessageDelta) -> list[Change]:
        snapshot = self.append_text(message_id, delta)
        if snapshot is not None and delta.content:  # the common delta, applied: one text
            block = delta.content[0]  # fragment for a text part the message has
            at = block.index or 0
            return [
                ContentPartDeltaApplied(snapshot, at, block, snapshot.content[at]),
                MessageDeltaApplied(delta, snapshot),
            ]
        message = self._messages.get(message_id)
        if message is None:
            raise StreamError(f"a message delta names message {message_id!r}, never created")
        changes: list[Change] = []
        if delta.role is not None:
            message.role = delta.role
        self._set_extra(message, delta)
        content = message.content
        for part_delta in delta.content or ():
            index = part_delta.index if part_delta.index is not None else len(content)
            if index < len(content):
                part = content[index] = self._merge_part(content[index], part_delta)
            else:
                skeleton = PART_SKELETONS.get(part_delta.type)
                part = _CONTENT.validate_python(
                    {"type": part_delta.type, **new_item(skeleton, part_delta)}
                )
                content.append(part)
                index = len(content) - 1
                changes.append(ContentPartCreated(message, index, part))
            changes.append(ContentPartDeltaApplied(message, index, part_delta, part))
        changes.append(MessageDeltaApplied(delta, message))
        return changes

    def _merge_part(self, part: MessageContent, delta: MessageContentDelta) -> MessageContent:
        if isinstance(delta, TextDeltaBlock) and isinstance(part, TextContentBlock):
            if delta.text is not None:
                self._merge_text(part.text, delta)
            return part
        if isinstance(delta, RefusalDeltaBlock) and isinstance(part, RefusalContentBlock):
            if delta.refusal:
                self._append(part, "refusal", delta.refusal)
            return part
        self.flush()
        return _CONTENT.validate_python(merge_dict(part.model_dump(), dump_delta(delta)))

    def _merge_text(self, text: Text, block: TextDeltaBlock) -> None:
        delta = block.text
        assert delta is not None
        if delta.value:
            self._append(text, "value", delta.value)
        annotations = text.annotations
        for ann in delta.annotations or ():
            index = ann.index if ann.index is not None else len(annotations)
            if index < len(annotations):
                data = merge_dict(annotations[index].model_dump(), dump_delta(ann))
                annotations[index] = _ANNOTATION.validate_python(data)
            else:
                skeleton = ANNOTATION_SKELETONS.get(ann.type)
                annotations.append(_ANNOTATION.validate_python(new_item(skeleton, ann)))
        self._set_extra(text, delta)

    # --- run steps -------------------------------------------------------------------

    def _step_delta(self, step_id: str, delta: RunStepDelta) -> list[Change]:
        step = self._steps.get(step_id)
        if step is None:
            raise StreamError(f"a run step delta names step {step_id!r}, never created")
        changes: list[Change] = []
        details = delta.step_details
        if isinstance(details, ToolCallDeltaObject):
            if not isinstance(step.step_details, ToolCallsStepDetails):
                step.step_details = ToolCallsStepDetails(type="tool_calls", tool_calls=[])
            calls = step.step_details.tool_calls
            for call_delta in details.tool_calls or ():
                index = call_delta.index if call_delta.index is not None else len(calls)
                if index < len(calls):
                    call = calls[index] = self._merge_call(calls[index], call_delta)
                else:
                    skeleton = CALL_SKELETONS.get(call_delta.type)
                    call = _TOOL_CALL.validate_python(
                        {"type": call_delta.type, **new_item(skeleton, call_delta)}
                    )
                    calls.append(call)
                    index = len(calls) - 1
                    changes.append(ToolCallCreated(step, index, call))
                changes.append(ToolCallDeltaApplied(step, index, call_delta, call))
        elif details is not None:
            self.flush()
            merged = merge_dict(step.step_details.model_dump(), dump_delta(details))
            step.step_details = RunStep.model_validate(
                {**step.model_dump(), "step_details": merged}
            ).step_details
        self._set_extra(step, delta)
        changes.append(RunStepDeltaApplied(delta, step))
        return changes

    def _merge_call(self, call: ToolCall, delta: ToolCallDelta) -> ToolCall:
        if isinstance(delta, FunctionToolCallDelta) and isinstance(call, FunctionToolCall):
            if delta.id:
                call.id = delta.id
            function = delta.function
            if function is not None:
                if function.name:
                    call.function.name = function.name
                if function.arguments:
                    self._append(call.function, "arguments", function.arguments)
                if function.output is not None:
                    call.function.output = function.output
                self._set_extra(call.function, function)
            self._set_extra(call, delta)
            return call
        if isinstance(delta, CodeInterpreterToolCallDelta) and isinstance(
            call, CodeInterpreterToolCall
        ):
            return self._merge_code(call, delta)
        self.flush()
        return _TOOL_CALL.validate_python(merge_dict(call.model_dump(), dump_delta(delta)))

    def _merge_code(
        self, call: CodeInterpreterToolCall, delta: CodeInterpreterToolCallDelta
    ) -> ToolCall:
        if delta.id:
            call.id = delta.id
        code = delta.code_interpreter
        if code is not None:
            if code.input:
                self._append(call.code_interpreter, "input", code.input)
            outputs = call.code_interpreter.outputs
            for out in code.outputs or ():
                index = out.index if out.index is not None else len(outputs)
                if index >= len(outputs):
                    data = new_item(skeleton_for({"type": out.type}), out)
                    outputs.append(_TOOL_OUTPUT.validate_python({"type": out.type, **data}))
                elif isinstance(out, CodeInterpreterLogs) and isinstance(
                    outputs[index], CodeInterpreterOutputLogs
                ):
                    if out.logs:
                        self._append(outputs[index], "logs", out.logs)
                else:
                    self.flush()
                    data = merge_dict(outputs[index].model_dump(), dump_delta(out))
                    outputs[index] = _TOOL_OUTPUT.validate_python(data)
            self._set_extra(call.code_interpreter, code)
        self._set_extra(call, delta)
        return call
