"""The run object (spec: ``RunObject``) and what it contains.

Enum-valued fields are typed ``Literal[...] | str``: the literal lists the values the
contract knows, and a value a newer server adds still parses (as a plain ``str``).
Fields the spec marks nullable default to ``None``: servers omit some of them (a run
without ``required_action``, ``instructions: null``), and absent means null to callers.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import RunsModel
from .response_format import AssistantResponseFormatOption
from .tools import AssistantTool, AssistantToolChoiceOption

__all__ = [
    "IncompleteDetails",
    "LastError",
    "RequiredAction",
    "RequiredActionFunction",
    "RequiredActionFunctionToolCall",
    "RequiredActionSubmitToolOutputs",
    "Run",
    "RunStatus",
    "TruncationStrategy",
    "Usage",
]

RunStatus = Literal[
    "queued",
    "in_progress",
    "requires_action",
    "cancelling",
    "cancelled",
    "failed",
    "completed",
    "incomplete",
    "expired",
]
"""The run statuses the contract knows; ``Run.status`` may also hold a newer one."""


class RequiredActionFunction(RunsModel):
    """The function the model wants called; ``arguments`` is a JSON string as generated."""

    name: str
    arguments: str


class RequiredActionFunctionToolCall(RunsModel):
    """A tool call awaiting output (spec: ``RunToolCallObject``); answer it by ``id``."""

    id: str
    type: Literal["function"] | str
    function: RequiredActionFunction


class RequiredActionSubmitToolOutputs(RunsModel):
    tool_calls: list[RequiredActionFunctionToolCall]


class RequiredAction(RunsModel):
    """What the run needs before it can continue (only set in ``requires_action``)."""

    type: Literal["submit_tool_outputs"] | str
    submit_tool_outputs: RequiredActionSubmitToolOutputs


class LastError(RunsModel):
    """Why the run failed."""

    code: Literal["server_error", "rate_limit_exceeded", "invalid_prompt"] | str
    message: str


class IncompleteDetails(RunsModel):
    """Why the run ended ``incomplete``."""

    reason: Literal["max_completion_tokens", "max_prompt_tokens"] | str | None = None


class Usage(RunsModel):
    """Token counts of a run (spec: ``RunCompletionUsage``); ``None`` until it ends."""

    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


class TruncationStrategy(RunsModel):
    """How the thread is truncated before the run (spec: ``TruncationObject``)."""

    type: Literal["auto", "last_messages"] | str
    last_messages: int | None = None


class Run(RunsModel):
    """An execution of an assistant on a thread."""

    id: str
    object: Literal["thread.run"] | str
    created_at: int
    thread_id: str
    assistant_id: str
    status: RunStatus | str
    model: str
    instructions: str | None = None
    tools: list[AssistantTool] = Field(default_factory=list)
    parallel_tool_calls: bool = True
    required_action: RequiredAction | None = None
    last_error: LastError | None = None
    expires_at: int | None = None
    started_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    incomplete_details: IncompleteDetails | None = None
    metadata: dict[str, str] | None = None
    usage: Usage | None = None
    temperature: float | None = None
    top_p: float | None = None
    max_prompt_tokens: int | None = None
    max_completion_tokens: int | None = None
    truncation_strategy: TruncationStrategy | None = None
    tool_choice: AssistantToolChoiceOption | None = None
    response_format: AssistantResponseFormatOption | None = None
