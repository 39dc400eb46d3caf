"""Keyword arguments of the assistant, thread and message calls, as ``TypedDict`` shapes.

As with ``RunCreateParams``: one declaration per call, spread into the sync and async
methods with ``Unpack`` so that type checkers and editors see the same fields in each. A
key that is absent is an argument not given, and is left out of the request.

No ``from __future__ import annotations`` here: ``Required[...]`` must be evaluated for
``__required_keys__`` to be right at runtime, which introspecting callers rely on.
"""

from collections.abc import Iterable, Mapping
from typing import Literal, Required

from ._params import RequestOptions
from .models.params import (
    AdditionalMessageAttachment,
    AssistantResponseFormatOptionParam,
    AssistantToolChoiceOptionParam,
    AssistantToolParam,
    MessageContentPartParam,
    ThreadMessageParam,
    ThreadParam,
    ToolResourcesCreateParam,
    ToolResourcesParam,
    TruncationStrategyParam,
)

__all__ = [
    "AssistantCreateParams",
    "AssistantUpdateParams",
    "MessageCreateParams",
    "ThreadCreateAndRunParams",
    "ThreadCreateParams",
    "ThreadUpdateParams",
]


class AssistantUpdateParams(RequestOptions, total=False):
    """Body fields of ``POST /assistants/{assistant_id}`` (spec: ``ModifyAssistantRequest``)."""

    model: str
    description: str | None
    instructions: str | None
    metadata: Mapping[str, str] | None
    name: str | None
    reasoning_effort: str | None
    response_format: AssistantResponseFormatOptionParam | None
    temperature: float | None
    tool_resources: ToolResourcesParam | None
    tools: Iterable[AssistantToolParam]
    top_p: float | None


class AssistantCreateParams(RequestOptions, total=False):
    """Body fields of ``POST /assistants`` (spec: ``CreateAssistantRequest``)."""

    model: Required[str]
    description: str | None
    instructions: str | None
    metadata: Mapping[str, str] | None
    name: str | None
    reasoning_effort: str | None
    response_format: AssistantResponseFormatOptionParam | None
    temperature: float | None
    tool_resources: ToolResourcesCreateParam | None
    tools: Iterable[AssistantToolParam]
    top_p: float | None


class ThreadCreateParams(RequestOptions, total=False):
    """Body fields of ``POST /threads`` (spec: ``CreateThreadRequest``)."""

    messages: Iterable[ThreadMessageParam]
    metadata: Mapping[str, str] | None
    tool_resources: ToolResourcesCreateParam | None


class ThreadUpdateParams(RequestOptions, total=False):
    """Body fields of ``POST /threads/{thread_id}`` (spec: ``ModifyThreadRequest``)."""

    metadata: Mapping[str, str] | None
    tool_resources: ToolResourcesParam | None


class MessageCreateParams(RequestOptions, total=False):
    """Body fields of ``POST /threads/{thread_id}/messages`` (spec: ``CreateMessageRequest``).

    ``content`` is text, or a list of text, ``image_file`` and ``image_url`` parts.
    """

    content: Required[str | Iterable[MessageContentPartParam]]
    role: Required[Literal["user", "assistant"]]
    attachments: Iterable[AdditionalMessageAttachment] | None
    metadata: Mapping[str, str] | None


class ThreadCreateAndRunParams(RequestOptions, total=False):
    """Body fields of ``POST /threads/runs`` besides ``stream`` (spec:
    ``CreateThreadAndRunRequest``): the thread to create, and the run to start on it."""

    assistant_id: Required[str]
    instructions: str | None
    max_completion_tokens: int | None
    max_prompt_tokens: int | None
    metadata: Mapping[str, str] | None
    model: str | None
    parallel_tool_calls: bool
    response_format: AssistantResponseFormatOptionParam | None
    temperature: float | None
    thread: ThreadParam
    tool_choice: AssistantToolChoiceOptionParam | None
    tool_resources: ToolResourcesParam | None
    tools: Iterable[AssistantToolParam] | None
    top_p: float | None
    truncation_strategy: TruncationStrategyParam | None
