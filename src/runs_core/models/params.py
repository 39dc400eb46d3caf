"""Shapes of request parameters, as ``TypedDict``s: plain dicts callers build and pass.

They describe what the contract accepts (``CreateRunRequest``, ``CreateAssistantRequest``,
``CreateThreadRequest``, ``CreateThreadAndRunRequest`` and friends), so a type checker can
catch a misspelt key; nothing validates them at runtime.
"""

# No "from __future__ import annotations": TypedDict needs Required[...] evaluated at
# runtime to fill in __required_keys__.
from collections.abc import Iterable, Sequence
from typing import Literal, NotRequired, Required, TypeAlias, TypedDict

__all__ = [
    "AdditionalMessage",
    "AdditionalMessageAttachment",
    "AssistantResponseFormatOptionParam",
    "AssistantToolChoiceFunctionParam",
    "AssistantToolChoiceOptionParam",
    "AssistantToolChoiceParam",
    "AssistantToolParam",
    "ChunkingStrategyAutoParam",
    "ChunkingStrategyParam",
    "ChunkingStrategyStaticParam",
    "CodeInterpreterResourceParam",
    "CodeInterpreterToolParam",
    "FileSearchOverridesParam",
    "FileSearchRankingOptionsParam",
    "FileSearchResourceCreateParam",
    "FileSearchResourceParam",
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
    "StaticChunkingParam",
    "TextContentBlockParam",
    "ThreadMessageParam",
    "ThreadParam",
    "ToolChoiceParam",
    "ToolOutput",
    "ToolResourcesCreateParam",
    "ToolResourcesParam",
    "TruncationStrategyParam",
    "VectorStoreCreateParam",
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


ThreadMessageParam: TypeAlias = AdditionalMessage
"""A message a new thread starts with (``messages`` of ``POST /threads``, ``thread.messages``
of ``POST /threads/runs``): the contract's ``CreateMessageRequest`` again."""


class CodeInterpreterResourceParam(TypedDict, total=False):
    """Files the code interpreter tool may use."""

    file_ids: Sequence[str]


class FileSearchResourceParam(TypedDict, total=False):
    """The vector store the file search tool searches."""

    vector_store_ids: Sequence[str]


class ToolResourcesParam(TypedDict, total=False):
    """``tool_resources`` where only existing resources can be named: modifying an
    assistant or a thread, and the run of ``POST /threads/runs``."""

    code_interpreter: CodeInterpreterResourceParam
    file_search: FileSearchResourceParam


class ChunkingStrategyAutoParam(TypedDict):
    type: Literal["auto"]


class StaticChunkingParam(TypedDict):
    max_chunk_size_tokens: int
    chunk_overlap_tokens: int


class ChunkingStrategyStaticParam(TypedDict):
    type: Literal["static"]
    static: StaticChunkingParam


ChunkingStrategyParam: TypeAlias = ChunkingStrategyAutoParam | ChunkingStrategyStaticParam


class VectorStoreCreateParam(TypedDict, total=False):
    """A vector store the server creates from ``file_ids`` and attaches in the same call."""

    chunking_strategy: ChunkingStrategyParam
    file_ids: Sequence[str]
    metadata: dict[str, str] | None


class FileSearchResourceCreateParam(FileSearchResourceParam, total=False):
    """The vector store to search: an existing one, or one created on the spot."""

    vector_stores: Iterable[VectorStoreCreateParam]


class ToolResourcesCreateParam(TypedDict, total=False):
    """``tool_resources`` when creating an assistant or a thread, where the contract also
    accepts ``file_search.vector_stores`` (a vector store created with the object)."""

    code_interpreter: CodeInterpreterResourceParam
    file_search: FileSearchResourceCreateParam


class ThreadParam(TypedDict, total=False):
    """The thread ``POST /threads/runs`` creates (spec: ``CreateThreadRequest``)."""

    messages: Iterable[ThreadMessageParam]
    metadata: dict[str, str] | None
    tool_resources: ToolResourcesCreateParam | None
