"""The message object (spec: ``MessageObject``), its content parts and annotations, and
the answer to deleting one.

A content part, annotation or attachment tool of a ``type`` this library does not know
parses as ``Unknown...`` with every field kept, so a thread's history always reads whole.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant
from .tools import CodeInterpreterTool

__all__ = [
    "Annotation",
    "Attachment",
    "AttachmentTool",
    "AttachmentToolAssistantToolsFileSearchTypeOnly",
    "FileCitation",
    "FileCitationAnnotation",
    "FilePath",
    "FilePathAnnotation",
    "ImageFile",
    "ImageFileContentBlock",
    "ImageURL",
    "ImageURLContentBlock",
    "Message",
    "MessageContent",
    "MessageDeleted",
    "MessageIncompleteDetails",
    "MessageStatus",
    "RefusalContentBlock",
    "Text",
    "TextContentBlock",
    "UnknownAnnotation",
    "UnknownAttachmentTool",
    "UnknownContentBlock",
]

ImageDetail = Literal["auto", "low", "high"]


class FileCitation(RunsModel):
    file_id: str


class FileCitationAnnotation(RunsModel):
    """A citation of a file the file search tool found; ``text`` is the marker in the text."""

    end_index: int
    file_citation: FileCitation
    start_index: int
    text: str
    type: Literal["file_citation"]


class FilePath(RunsModel):
    file_id: str


class FilePathAnnotation(RunsModel):
    """A link to a file the code interpreter produced."""

    end_index: int
    file_path: FilePath
    start_index: int
    text: str
    type: Literal["file_path"]


class UnknownAnnotation(UnknownVariant):
    known_types = frozenset({"file_citation", "file_path"})


Annotation = Annotated[
    Annotated[FileCitationAnnotation | FilePathAnnotation, Field(discriminator="type")]
    | UnknownAnnotation,
    Field(union_mode="left_to_right"),
]


class Text(RunsModel):
    annotations: list[Annotation]
    value: str


class TextContentBlock(RunsModel):
    text: Text
    type: Literal["text"]


class ImageFile(RunsModel):
    file_id: str
    detail: ImageDetail | str | None = None


class ImageFileContentBlock(RunsModel):
    image_file: ImageFile
    type: Literal["image_file"]


class ImageURL(RunsModel):
    url: str
    detail: ImageDetail | str | None = None


class ImageURLContentBlock(RunsModel):
    image_url: ImageURL
    type: Literal["image_url"]


class RefusalContentBlock(RunsModel):
    refusal: str
    type: Literal["refusal"]


class UnknownContentBlock(UnknownVariant):
    known_types = frozenset({"text", "image_file", "image_url", "refusal"})


MessageContent = Annotated[
    Annotated[
        ImageFileContentBlock | ImageURLContentBlock | TextContentBlock | RefusalContentBlock,
        Field(discriminator="type"),
    ]
    | UnknownContentBlock,
    Field(union_mode="left_to_right"),
]


class AttachmentToolAssistantToolsFileSearchTypeOnly(RunsModel):
    """The file search tool as an attachment names it: only its ``type``, no settings."""

    type: Literal["file_search"]


class UnknownAttachmentTool(UnknownVariant):
    known_types = frozenset({"code_interpreter", "file_search"})


AttachmentTool = Annotated[
    Annotated[
        CodeInterpreterTool | AttachmentToolAssistantToolsFileSearchTypeOnly,
        Field(discriminator="type"),
    ]
    | UnknownAttachmentTool,
    Field(union_mode="left_to_right"),
]
"""A tool a file was attached for (spec: ``AssistantToolsCode`` or
``AssistantToolsFileSearchTypeOnly``), or a newer kind."""


class Attachment(RunsModel):
    """A file attached to a message, and the tools it was added to."""

    file_id: str | None = None
    tools: list[AttachmentTool] | None = None


class MessageIncompleteDetails(RunsModel):
    reason: (
        Literal["content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"] | str
    )


MessageStatus = Literal["in_progress", "incomplete", "completed"]


class Message(RunsModel):
    """A message of a thread.

    ``status`` is required by the contract, but the contract's own examples of the
    message endpoints (create, list, retrieve, modify) leave it out, as servers of that
    time did: it is ``None`` when absent, as with the official SDK, rather than making a
    whole page of history unreadable.
    """

    id: str
    assistant_id: str | None = None
    attachments: list[Attachment] | None = None
    completed_at: int | None = None
    content: list[MessageContent]
    created_at: int
    incomplete_at: int | None = None
    incomplete_details: MessageIncompleteDetails | None = None
    metadata: dict[str, str] | None = None
    object: Literal["thread.message"] | str
    role: Literal["user", "assistant"] | str
    run_id: str | None = None
    status: MessageStatus | str | None = None
    thread_id: str


class MessageDeleted(RunsModel):
    """The answer to ``DELETE .../messages/{message_id}`` (spec: ``DeleteMessageResponse``)."""

    id: str
    deleted: bool
    object: Literal["thread.message.deleted"] | str
