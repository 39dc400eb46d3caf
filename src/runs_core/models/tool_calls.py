"""Tool calls recorded in a ``tool_calls`` run step: code interpreter, file search, function.

Unions are tagged by ``type`` with an ``Unknown...`` fallback that keeps every field of
a tool call or output kind newer than this library.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant

__all__ = [
    "CodeInterpreter",
    "CodeInterpreterImage",
    "CodeInterpreterImageOutput",
    "CodeInterpreterOutput",
    "CodeInterpreterOutputLogs",
    "CodeInterpreterToolCall",
    "FileSearchResult",
    "FileSearchResultContent",
    "FileSearchToolCall",
    "FileSearchToolCallDetails",
    "FileSearchToolCallRankingOptions",
    "FunctionToolCall",
    "FunctionToolCallFunction",
    "ToolCall",
    "UnknownCodeInterpreterOutput",
    "UnknownToolCall",
]


class CodeInterpreterOutputLogs(RunsModel):
    """Text the code printed."""

    logs: str
    type: Literal["logs"]


class CodeInterpreterImage(RunsModel):
    file_id: str


class CodeInterpreterImageOutput(RunsModel):
    """An image the code produced, stored as a file."""

    image: CodeInterpreterImage
    type: Literal["image"]


class UnknownCodeInterpreterOutput(UnknownVariant):
    known_types = frozenset({"logs", "image"})


CodeInterpreterOutput = Annotated[
    Annotated[CodeInterpreterOutputLogs | CodeInterpreterImageOutput, Field(discriminator="type")]
    | UnknownCodeInterpreterOutput,
    Field(union_mode="left_to_right"),
]


class CodeInterpreter(RunsModel):
    input: str
    outputs: list[CodeInterpreterOutput]


class CodeInterpreterToolCall(RunsModel):
    id: str
    code_interpreter: CodeInterpreter
    type: Literal["code_interpreter"]


class FileSearchToolCallRankingOptions(RunsModel):
    """The ranking settings the file search actually used."""

    ranker: Literal["auto", "default_2024_08_21"] | str
    score_threshold: float


class FileSearchResultContent(RunsModel):
    text: str | None = None
    type: Literal["text"] | str | None = None


class FileSearchResult(RunsModel):
    file_id: str
    file_name: str
    score: float
    content: list[FileSearchResultContent] | None = None


class FileSearchToolCallDetails(RunsModel):
    """The ``file_search`` member of a file search call: empty unless results were asked for."""

    ranking_options: FileSearchToolCallRankingOptions | None = None
    results: list[FileSearchResult] | None = None


class FileSearchToolCall(RunsModel):
    id: str
    file_search: FileSearchToolCallDetails
    type: Literal["file_search"]


class FunctionToolCallFunction(RunsModel):
    arguments: str
    name: str
    output: str | None = None
    """``None`` until tool outputs are submitted."""


class FunctionToolCall(RunsModel):
    id: str
    function: FunctionToolCallFunction
    type: Literal["function"]


class UnknownToolCall(UnknownVariant):
    known_types = frozenset({"code_interpreter", "file_search", "function"})


ToolCall = Annotated[
    Annotated[
        CodeInterpreterToolCall | FileSearchToolCall | FunctionToolCall,
        Field(discriminator="type"),
    ]
    | UnknownToolCall,
    Field(union_mode="left_to_right"),
]
