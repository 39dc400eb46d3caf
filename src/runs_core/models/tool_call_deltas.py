"""Partial tool calls streamed in ``thread.run.step.delta`` events.

Every field but ``index`` and ``type`` may be absent: a delta carries only what changed.
``index`` says which tool call (or output) of the step the fragment belongs to.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant

__all__ = [
    "CodeInterpreterDelta",
    "CodeInterpreterImageDelta",
    "CodeInterpreterLogs",
    "CodeInterpreterOutputDelta",
    "CodeInterpreterOutputImage",
    "CodeInterpreterToolCallDelta",
    "FileSearchToolCallDelta",
    "FunctionToolCallDelta",
    "FunctionToolCallDeltaFunction",
    "ToolCallDelta",
    "UnknownCodeInterpreterOutputDelta",
    "UnknownToolCallDelta",
]


class CodeInterpreterLogs(RunsModel):
    index: int
    type: Literal["logs"]
    logs: str | None = None


class CodeInterpreterImageDelta(RunsModel):
    file_id: str | None = None


class CodeInterpreterOutputImage(RunsModel):
    index: int
    type: Literal["image"]
    image: CodeInterpreterImageDelta | None = None


class UnknownCodeInterpreterOutputDelta(UnknownVariant):
    known_types = frozenset({"logs", "image"})

    index: int | None = None


CodeInterpreterOutputDelta = Annotated[
    Annotated[CodeInterpreterLogs | CodeInterpreterOutputImage, Field(discriminator="type")]
    | UnknownCodeInterpreterOutputDelta,
    Field(union_mode="left_to_right"),
]


class CodeInterpreterDelta(RunsModel):
    input: str | None = None
    outputs: list[CodeInterpreterOutputDelta] | None = None


class CodeInterpreterToolCallDelta(RunsModel):
    index: int
    type: Literal["code_interpreter"]
    id: str | None = None
    code_interpreter: CodeInterpreterDelta | None = None


class FileSearchToolCallDelta(RunsModel):
    file_search: dict[str, object]
    """Always an empty object for now, per the contract."""
    index: int
    type: Literal["file_search"]
    id: str | None = None


class FunctionToolCallDeltaFunction(RunsModel):
    arguments: str | None = None
    """A fragment of the JSON arguments: concatenate fragments by ``index``."""
    name: str | None = None
    output: str | None = None


class FunctionToolCallDelta(RunsModel):
    index: int
    type: Literal["function"]
    id: str | None = None
    function: FunctionToolCallDeltaFunction | None = None


class UnknownToolCallDelta(UnknownVariant):
    known_types = frozenset({"code_interpreter", "file_search", "function"})

    index: int | None = None


ToolCallDelta = Annotated[
    Annotated[
        CodeInterpreterToolCallDelta | FileSearchToolCallDelta | FunctionToolCallDelta,
        Field(discriminator="type"),
    ]
    | UnknownToolCallDelta,
    Field(union_mode="left_to_right"),
]
