"""The thread object (spec: ``ThreadObject``), sent by ``POST /threads`` and the
``thread.created`` event, and the answer to deleting one.

:class:`ToolResources` is also an assistant's ``tool_resources``: the contract gives both
the same shape.
"""

from __future__ import annotations

from typing import Literal

from ._base import RunsModel

__all__ = [
    "Thread",
    "ThreadDeleted",
    "ToolResources",
    "ToolResourcesCodeInterpreter",
    "ToolResourcesFileSearch",
]


class ToolResourcesCodeInterpreter(RunsModel):
    file_ids: list[str] | None = None


class ToolResourcesFileSearch(RunsModel):
    vector_store_ids: list[str] | None = None


class ToolResources(RunsModel):
    code_interpreter: ToolResourcesCodeInterpreter | None = None
    file_search: ToolResourcesFileSearch | None = None


class Thread(RunsModel):
    id: str
    created_at: int
    metadata: dict[str, str] | None = None
    object: Literal["thread"] | str
    tool_resources: ToolResources | None = None


class ThreadDeleted(RunsModel):
    """The answer to ``DELETE /threads/{thread_id}`` (spec: ``DeleteThreadResponse``)."""

    id: str
    deleted: bool
    object: Literal["thread.deleted"] | str
