"""Tools a run may use, and how a run chooses among them (``tool_choice``).

Each tool is tagged by ``type``; a tool type this library does not know parses as
:class:`UnknownTool` with every field kept.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant

__all__ = [
    "AssistantTool",
    "AssistantToolChoice",
    "AssistantToolChoiceFunction",
    "AssistantToolChoiceOption",
    "CodeInterpreterTool",
    "FileSearch",
    "FileSearchRankingOptions",
    "FileSearchTool",
    "FunctionDefinition",
    "FunctionTool",
    "UnknownTool",
]


class FunctionDefinition(RunsModel):
    """A function the model may call (spec: ``FunctionObject``)."""

    name: str
    description: str | None = None
    parameters: dict[str, object] | None = None
    """A JSON Schema object, kept as plain data."""
    strict: bool | None = None


class CodeInterpreterTool(RunsModel):
    type: Literal["code_interpreter"]


class FileSearchRankingOptions(RunsModel):
    """Ranking settings for the file search tool."""

    score_threshold: float
    ranker: Literal["auto", "default_2024_08_21"] | str | None = None


class FileSearch(RunsModel):
    """Overrides for the file search tool."""

    max_num_results: int | None = None
    ranking_options: FileSearchRankingOptions | None = None


class FileSearchTool(RunsModel):
    type: Literal["file_search"]
    file_search: FileSearch | None = None


class FunctionTool(RunsModel):
    function: FunctionDefinition
    type: Literal["function"]


class UnknownTool(UnknownVariant):
    """A tool type newer than this library."""

    known_types = frozenset({"code_interpreter", "file_search", "function"})


AssistantTool = Annotated[
    Annotated[CodeInterpreterTool | FileSearchTool | FunctionTool, Field(discriminator="type")]
    | UnknownTool,
    Field(union_mode="left_to_right"),
]
"""A tool a run may use: code interpreter, file search, function, or a newer kind."""


class AssistantToolChoiceFunction(RunsModel):
    name: str


class AssistantToolChoice(RunsModel):
    """A specific tool the model must call (spec: ``AssistantsNamedToolChoice``)."""

    type: Literal["function", "code_interpreter", "file_search"] | str
    function: AssistantToolChoiceFunction | None = None


AssistantToolChoiceOption = Literal["none", "auto", "required"] | str | AssistantToolChoice
"""``"none"``, ``"auto"``, ``"required"`` (or a newer word), or a named tool."""
