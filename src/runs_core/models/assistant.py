"""The assistant object (spec: ``AssistantObject``) and the answer to deleting one.

An assistant carries the defaults a run starts from (model, instructions, tools, tool
resources, response format, sampling), so its fields reuse the run's models: a tool or
response format this library does not know parses as ``UnknownTool`` /
``UnknownResponseFormat`` with every field kept.

``name``, ``description``, ``instructions`` and ``metadata`` are required by the contract
but nullable there; they default to ``None``, as in the official SDK, so an older or
terser server that leaves one out still parses and ``exclude_unset`` dumps stay what was
sent. Fields are declared in the SDK's order, so dumps list keys as the SDK's do.
"""

from __future__ import annotations

from typing import Literal

from ._base import RunsModel
from .response_format import AssistantResponseFormatOption
from .thread import ToolResources
from .tools import AssistantTool

__all__ = ["Assistant", "AssistantDeleted"]


class Assistant(RunsModel):
    """An assistant: a model with instructions and tools that runs start from."""

    id: str
    created_at: int
    description: str | None = None
    instructions: str | None = None
    metadata: dict[str, str] | None = None
    model: str
    name: str | None = None
    object: Literal["assistant"] | str
    tools: list[AssistantTool]
    response_format: AssistantResponseFormatOption | None = None
    temperature: float | None = None
    tool_resources: ToolResources | None = None
    """Same shape as a thread's (``code_interpreter.file_ids``,
    ``file_search.vector_store_ids``), so the same model serves both."""
    top_p: float | None = None


class AssistantDeleted(RunsModel):
    """The answer to ``DELETE /assistants/{assistant_id}`` (spec: ``DeleteAssistantResponse``)."""

    id: str
    deleted: bool
    object: Literal["assistant.deleted"] | str
