"""The ``data`` of a ``thread.run.step.delta`` event (spec: ``RunStepDeltaObject``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant
from .tool_call_deltas import ToolCallDelta

__all__ = [
    "RunStepDelta",
    "RunStepDeltaEvent",
    "RunStepDeltaMessageCreation",
    "RunStepDeltaMessageDelta",
    "StepDetailsDelta",
    "ToolCallDeltaObject",
    "UnknownStepDetailsDelta",
]


class RunStepDeltaMessageCreation(RunsModel):
    message_id: str | None = None


class RunStepDeltaMessageDelta(RunsModel):
    type: Literal["message_creation"]
    message_creation: RunStepDeltaMessageCreation | None = None


class ToolCallDeltaObject(RunsModel):
    type: Literal["tool_calls"]
    tool_calls: list[ToolCallDelta] | None = None


class UnknownStepDetailsDelta(UnknownVariant):
    known_types = frozenset({"message_creation", "tool_calls"})


StepDetailsDelta = Annotated[
    Annotated[RunStepDeltaMessageDelta | ToolCallDeltaObject, Field(discriminator="type")]
    | UnknownStepDetailsDelta,
    Field(union_mode="left_to_right"),
]


class RunStepDelta(RunsModel):
    step_details: StepDetailsDelta | None = None


class RunStepDeltaEvent(RunsModel):
    """What changed in run step ``id``."""

    id: str
    delta: RunStepDelta
    object: Literal["thread.run.step.delta"] | str
