"""The run step object (spec: ``RunStepObject``): one thing a run did.

``step_details`` is tagged by ``type``: a message creation, a list of tool calls, or a
newer kind kept whole as :class:`UnknownStepDetails`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant
from .tool_calls import ToolCall

__all__ = [
    "MessageCreation",
    "MessageCreationStepDetails",
    "RunStep",
    "RunStepLastError",
    "RunStepStatus",
    "RunStepType",
    "RunStepUsage",
    "StepDetails",
    "ToolCallsStepDetails",
    "UnknownStepDetails",
]

RunStepStatus = Literal["in_progress", "cancelled", "failed", "completed", "expired"]
RunStepType = Literal["message_creation", "tool_calls"]


class MessageCreation(RunsModel):
    message_id: str


class MessageCreationStepDetails(RunsModel):
    message_creation: MessageCreation
    type: Literal["message_creation"]


class ToolCallsStepDetails(RunsModel):
    tool_calls: list[ToolCall]
    type: Literal["tool_calls"]


class UnknownStepDetails(UnknownVariant):
    known_types = frozenset({"message_creation", "tool_calls"})


StepDetails = Annotated[
    Annotated[MessageCreationStepDetails | ToolCallsStepDetails, Field(discriminator="type")]
    | UnknownStepDetails,
    Field(union_mode="left_to_right"),
]


class RunStepLastError(RunsModel):
    code: Literal["server_error", "rate_limit_exceeded"] | str
    message: str


class RunStepUsage(RunsModel):
    """Token counts of a step (spec: ``RunStepCompletionUsage``); ``None`` while running."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


class RunStep(RunsModel):
    id: str
    assistant_id: str
    cancelled_at: int | None = None
    completed_at: int | None = None
    created_at: int
    expired_at: int | None = None
    failed_at: int | None = None
    last_error: RunStepLastError | None = None
    metadata: dict[str, str] | None = None
    object: Literal["thread.run.step"] | str
    run_id: str
    status: RunStepStatus | str
    step_details: StepDetails
    thread_id: str
    type: RunStepType | str
    usage: RunStepUsage | None = None
