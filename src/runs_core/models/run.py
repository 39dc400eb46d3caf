"""The run object (spec: ``RunObject``) and what it contains.

Enum-valued fields are typed ``Literal[...] | str``: the literal lists the values the
contract knows, and a value a newer server adds still parses (as a plain ``str``).
Fields servers may omit default to ``None``, never to a value the server did not send:
an older run without ``tools`` or ``parallel_tool_calls`` reads ``None`` there, as with
the official SDK, and ``model_dump(exclude_unset=True)`` leaves the field out.

Fields are declared in the SDK's order, so that dumps and ``to_json()`` list keys in the
same order as the SDK's models do.
"""

from __future__ import annotations

from typing import Literal

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

    arguments: str
    name: str


class RequiredActionFunctionToolCall(RunsModel):
    """A tool call awaiting output (spec: ``RunToolCallObject``); answer it by ``id``."""

    id: str
    function: RequiredActionFunction
    type: Literal["function"] | str


class RequiredActionSubmitToolOutputs(RunsModel):
    tool_calls: list[RequiredActionFunctionToolCall]


class RequiredAction(RunsModel):
    """What the run needs before it can continue (only set in ``requires_action``)."""

    submit_tool_outputs: RequiredActionSubmitToolOutputs
    type: Literal["submit_tool_outputs"] | str


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
    """An execution of an assistant on a thread.

    ``instructions``, ``tools`` and ``parallel_tool_calls`` are required by the contract,
    but older servers omit some of them: they are ``None`` when absent (as with the SDK).
    """

    id: str
    assistant_id: str
    cancelled_at: int | None = None
    completed_at: int | None = None
    created_at: int
    expires_at: int | None = None
    failed_at: int | None = None
    incomplete_details: IncompleteDetails | None = None
    instructions: str | None = None
    last_error: LastError | None = None
    max_completion_tokens: int | None = None
    max_prompt_tokens: int | None = None
    metadata: dict[str, str] | None = None
    model: str
    object: Literal["thread.run"] | str
    parallel_tool_calls: bool | None = None
    required_action: RequiredAction | None = None
    response_format: AssistantResponseFormatOption | None = None
    started_at: int | None = None
    status: RunStatus | str
    thread_id: str
    tool_choice: AssistantToolChoiceOption | None = None
    tools: list[AssistantTool] | None = None
    truncation_strategy: TruncationStrategy | None = None
    usage: Usage | None = None
    temperature: float | None = None
    top_p: float | None = None
