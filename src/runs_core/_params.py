"""Keyword arguments of the create-run family, declared once as ``TypedDict`` shapes.

``create``, ``create_and_stream``, ``stream`` and ``create_and_poll`` (sync and async)
all take the same fields; declaring them here and spreading them with ``Unpack`` keeps
one definition that type checkers and editors see in every signature. A key that is
absent is an argument not given: it is left out of the request body.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Required, TypedDict

from ._config import TimeoutArg
from .models.params import (
    AdditionalMessage,
    AssistantResponseFormatOptionParam,
    AssistantToolChoiceOptionParam,
    AssistantToolParam,
    ToolOutput,
    TruncationStrategyParam,
)

__all__ = ["RequestOptions", "RunCreateParams", "SubmitToolOutputsParams"]


class RequestOptions(TypedDict, total=False):
    """Per-call overrides accepted by every method, as in the official SDK.

    ``timeout`` is seconds, ``None`` (no limit) or an ``httpx.Timeout`` (its ``read``).
    """

    extra_headers: Mapping[str, str] | None
    extra_query: Mapping[str, object] | None
    extra_body: Mapping[str, object] | None
    timeout: TimeoutArg


class RunCreateParams(RequestOptions, total=False):
    """Body fields and query of ``POST /threads/{thread_id}/runs`` (besides ``stream``)."""

    assistant_id: Required[str]
    include: Iterable[str]
    additional_instructions: str | None
    additional_messages: Iterable[AdditionalMessage] | None
    instructions: str | None
    max_completion_tokens: int | None
    max_prompt_tokens: int | None
    metadata: Mapping[str, str] | None
    model: str | None
    parallel_tool_calls: bool
    reasoning_effort: str | None
    response_format: AssistantResponseFormatOptionParam | None
    temperature: float | None
    tool_choice: AssistantToolChoiceOptionParam | None
    tools: Iterable[AssistantToolParam] | None
    top_p: float | None
    truncation_strategy: TruncationStrategyParam | None


class SubmitToolOutputsParams(RequestOptions, total=False):
    """Fields of ``POST .../submit_tool_outputs`` (besides ``stream``)."""

    thread_id: Required[str]
    tool_outputs: Required[Iterable[ToolOutput]]
