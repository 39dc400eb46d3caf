"""Shapes of request parameters, as ``TypedDict``s: plain dicts callers build and pass.

They describe what the contract accepts (``CreateRunRequest`` and friends), so a type
checker can catch a misspelt key; nothing validates them at runtime.
"""

# No "from __future__ import annotations": TypedDict needs Required[...] evaluated at
# runtime to fill in __required_keys__.
from typing import Literal, NotRequired, Required, TypeAlias, TypedDict

__all__ = [
    "AdditionalMessage",
    "AdditionalMessageAttachment",
    "AssistantResponseFormatOptionParam",
    "AssistantToolChoiceFunctionParam",
    "AssistantToolChoiceOptionParam",
    "AssistantToolChoiceParam",
    "AssistantToolParam",
    "CodeInterpreterToolParam",
    "FileSearchOverridesParam",
    "FileSearchRankingOptionsParam",
    "FileSearchToolParam",
    "FunctionDefinitionParam",
    "FunctionToolParam",
    "ImageFileContentBlockParam",
    "ImageFileParam",
    "ImageURLContentBlockParam",
    "ImageURLParam",
    "JSONSchemaParam",
    "MessageContentPartParam",
    "ResponseFormatJSONObjectParam",
    "ResponseFormatJSONSchemaParam",
    "ResponseFormatParam",
    "ResponseFormatTextParam",
    "TextContentBlockParam",
    "ToolChoiceParam",
    "ToolOutput",
    "TruncationStrategyParam",
]


class ToolOutput(TypedDict, total=False):
    """One answer to a required tool call (an item of ``tool_outputs``)."""

    tool_call_id: Required[str]
    output: Required[str]


class FunctionDefinitionParam(TypedDict, total=False):
    name: Required[str]
    description: str
    parameters: dict[str, object]
    strict: bool | None


class CodeInterpreterToolParam(TypedDict):
    type: Literal["code_interpreter"]


class FileSearchRankingOptionsParam(TypedDict, total=False):
    score_threshold: Required[float]
    ranker: Literal["auto", "default_2024_08_21"]


class FileSearchOverridesParam(TypedDict, total=False):
    max_num_results: int
    ranking_options: FileSearchRankingOptionsParam


class FileSearchToolParam(TypedDict, total=False):
    type: Required[Literal["file_search"]]
    file_search: FileSearchOverridesParam


class FunctionToolParam(TypedDict):
    type: Literal["function"]
    function: FunctionDefinitionParam


AssistantToolParam: TypeAlias = CodeInterpreterToolParam | FileSearchToolParam | FunctionToolParam


class TruncationStrategyParam(TypedDict, total=False):
    type: Required[Literal["auto", "last_messages"]]
    last_messages: int | None


class AssistantToolChoiceFunctionParam(TypedDict):
    name: str


class AssistantToolChoiceParam(TypedDict, total=False):
    type: Required[Literal["function", "code_interpreter", "file_search"]]
    function: AssistantToolChoiceFunctionParam


ToolChoiceParam: TypeAlias = Literal["none", "auto", "required"] | AssistantToolChoiceParam
AssistantToolChoiceOptionParam: TypeAlias = ToolChoiceParam
"""The official SDK's name for :data:`ToolChoiceParam`."""


class JSONSchemaParam(TypedDict, total=False):
    name: Required[str]
    description: str
    schema: dict[str, object]
    strict: bool | None


class ResponseFormatTextParam(TypedDict):
    type: Literal["text"]


class ResponseFormatJSONObjectParam(TypedDict):
    type: Literal["json_object"]


class ResponseFormatJSONSchemaParam(TypedDict):
    type: Literal["json_schema"]
    json_schema: JSONSchemaParam


ResponseFormatParam: TypeAlias = (
    Literal["auto"]
    | ResponseFormatTextParam
    | ResponseFormatJSONObjectParam
    | ResponseFormatJSONSchemaParam
)
AssistantResponseFormatOptionParam: TypeAlias = ResponseFormatParam
"""The official SDK's name for :data:`ResponseFormatParam`."""


class ImageFileParam(TypedDict, total=False):
    file_id: Required[str]
    detail: Literal["auto", "low", "high"]


class ImageFileContentBlockParam(TypedDict):
    type: Literal["image_file"]
    image_file: ImageFileParam


class ImageURLParam(TypedDict, total=False):
    url: Required[str]
    detail: Literal["auto", "low", "high"]


class ImageURLContentBlockParam(TypedDict):
    type: Literal["image_url"]
    image_url: ImageURLParam


class TextContentBlockParam(TypedDict):
    type: Literal["text"]
    text: str


MessageContentPartParam: TypeAlias = (
    ImageFileContentBlockParam | ImageURLContentBlockParam | TextContentBlockParam
)


class AdditionalMessageAttachment(TypedDict):
    file_id: str
    tools: list[CodeInterpreterToolParam | FileSearchToolParam]


class AdditionalMessage(TypedDict):
    """A message added to the thread before the run starts (spec: ``CreateMessageRequest``)."""

    role: Literal["user", "assistant"]
    content: str | list[MessageContentPartParam]
    attachments: NotRequired[list[AdditionalMessageAttachment] | None]
    metadata: NotRequired[dict[str, str] | None]
