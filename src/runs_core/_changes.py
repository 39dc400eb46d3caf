"""What an event changed: the frozen :data:`Change` objects :class:`RunAccumulator` returns.

:meth:`RunAccumulator.apply <runs_core._accumulate.RunAccumulator.apply>` reports each
event as a short list of these, in the order event handlers report them; each carries the
live snapshot it changed (not a copy).
"""

from __future__ import annotations

from typing import TypeAlias

import attrs

from .models import (
    Message,
    MessageContent,
    MessageContentDelta,
    MessageDelta,
    Run,
    RunStep,
    RunStepDelta,
    ToolCall,
    ToolCallDelta,
)

__all__ = [
    "Change",
    "ContentPartCreated",
    "ContentPartDeltaApplied",
    "MessageCreated",
    "MessageDeltaApplied",
    "MessageFinished",
    "MessageUpdated",
    "RunStepCreated",
    "RunStepDeltaApplied",
    "RunStepFinished",
    "RunStepUpdated",
    "RunUpdated",
    "ToolCallCreated",
    "ToolCallDeltaApplied",
]


@attrs.frozen
class RunUpdated:
    """Any ``thread.run.*`` event: ``run`` is the new current run (see ``run.status``)."""

    run: Run


@attrs.frozen
class RunStepCreated:
    run_step: RunStep


@attrs.frozen
class RunStepUpdated:
    """A step's non-final status event (``in_progress``)."""

    run_step: RunStep


@attrs.frozen
class RunStepDeltaApplied:
    """Reported after the tool-call changes of the same delta."""

    delta: RunStepDelta
    snapshot: RunStep


@attrs.frozen
class ToolCallCreated:
    """Tool call ``index`` of ``run_step`` appeared; its first delta is already merged."""

    run_step: RunStep
    index: int
    tool_call: ToolCall


@attrs.frozen
class ToolCallDeltaApplied:
    """Reported for every tool-call delta, the first one included."""

    run_step: RunStep
    index: int
    delta: ToolCallDelta
    snapshot: ToolCall


@attrs.frozen
class RunStepFinished:
    """The step completed, failed, was cancelled or expired: ``run_step`` is final."""

    run_step: RunStep


@attrs.frozen
class MessageCreated:
    message: Message


@attrs.frozen
class MessageUpdated:
    """A message's non-final status event (``in_progress``)."""

    message: Message


@attrs.frozen
class ContentPartCreated:
    """Content part ``index`` of ``message`` appeared; its first delta is already merged."""

    message: Message
    index: int
    part: MessageContent


@attrs.frozen
class ContentPartDeltaApplied:
    """Reported for every content-part delta, the first one included."""

    message: Message
    index: int
    delta: MessageContentDelta
    part: MessageContent


@attrs.frozen
class MessageDeltaApplied:
    """Reported after the content-part changes of the same delta."""

    delta: MessageDelta
    snapshot: Message


@attrs.frozen
class MessageFinished:
    """``thread.message.completed`` or ``.incomplete``: ``message`` is the server's final one."""

    message: Message


Change: TypeAlias = (
    RunUpdated
    | RunStepCreated
    | RunStepUpdated
    | RunStepDeltaApplied
    | ToolCallCreated
    | ToolCallDeltaApplied
    | RunStepFinished
    | MessageCreated
    | MessageUpdated
    | ContentPartCreated
    | ContentPartDeltaApplied
    | MessageDeltaApplied
    | MessageFinished
)
