"""The message object (spec: ``MessageObject``) and its content parts and annotations."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant
from .tools import AssistantTool

__all__ = [
    "Annotation",
    "Attachment",
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
    "MessageIncompleteDetails",
    "RefusalContentBlock",
    "Text",
    "TextContentBlock",
    "UnknownAnnotation",
    "UnknownContentBlock",
]

ImageDetail = Literal["auto", "low", "high"]


class FileCitation(RunsModel):
    file_id: str


class FileCitationAnnotation(RunsModel):
    """A citation of a file the file search tool found; ``text`` is the marker in the text."""

    type: Literal["file_citation"]
    text: str
    file_citation: FileCitation
    start_index: int
    end_index: int


class FilePath(RunsModel):
    file_id: str


class FilePathAnnotation(RunsModel):
    """A link to a file the code interpreter produced."""

    type: Literal["file_path"]
    text: str
    file_path: FilePath
    start_index: int
    end_index: int


class UnknownAnnotation(UnknownVariant):
    known_types = frozenset({"file_citation", "file_path"})


Annotation = Annotated[
    Annotated[FileCitationAnnotation | FilePathAnnotation, Field(discriminator="type")]
    | UnknownAnnotation,
    Field(union_mode="left_to_right"),
]


class Text(RunsModel):
    value: str
    annotations: list[Annotation]


class TextContentBlock(RunsModel):
    type: Literal["text"]
    text: Text


class ImageFile(RunsModel):
    file_id: str
    detail: ImageDetail | str | None = None


class ImageFileContentBlock(RunsModel):
    type: Literal["image_file"]
    image_file: ImageFile


class ImageURL(RunsModel):
    url: str
    detail: ImageDetail | str | None = None


class ImageURLContentBlock(RunsModel):
    type: Literal["image_url"]
    image_url: ImageURL


class RefusalContentBlock(RunsModel):
    type: Literal["refusal"]
    refusal: str


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


class Attachment(RunsModel):
    """A file attached to a message, and the tools it was added to."""

    file_id: str | None = None
    tools: list[AssistantTool] | None = None


class MessageIncompleteDetails(RunsModel):
    reason: (
        Literal["content_filter", "max_tokens", "run_cancelled", "run_expired", "run_failed"] | str
    )


class Message(RunsModel):
    id: str
    object: Literal["thread.message"] | str
    created_at: int
    thread_id: str
    status: Literal["in_progress", "incomplete", "completed"] | str
    role: Literal["user", "assistant"] | str
    content: list[MessageContent]
    incomplete_details: MessageIncompleteDetails | None = None
    completed_at: int | None = None
    incomplete_at: int | None = None
    assistant_id: str | None = None
    run_id: str | None = None
    attachments: list[Attachment] | None = None
    metadata: dict[str, str] | None = None
