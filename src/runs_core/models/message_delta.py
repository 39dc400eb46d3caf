"""The ``data`` of a ``thread.message.delta`` event (spec: ``MessageDeltaObject``).

This is the hottest path of a stream, so these models stay plain: no Python validators.
Every field but ``index`` and ``type`` may be absent; ``index`` names the content part
of the message the fragment extends.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from ._base import RunsModel, UnknownVariant

__all__ = [
    "AnnotationDelta",
    "FileCitationDelta",
    "FileCitationDeltaAnnotation",
    "FilePathDelta",
    "FilePathDeltaAnnotation",
    "ImageFileDelta",
    "ImageFileDeltaBlock",
    "ImageURLDelta",
    "ImageURLDeltaBlock",
    "MessageContentDelta",
    "MessageDelta",
    "MessageDeltaEvent",
    "RefusalDeltaBlock",
    "TextDelta",
    "TextDeltaBlock",
    "UnknownAnnotationDelta",
    "UnknownContentDeltaBlock",
]


class FileCitationDelta(RunsModel):
    file_id: str | None = None
    quote: str | None = None


class FileCitationDeltaAnnotation(RunsModel):
    index: int
    type: Literal["file_citation"]
    end_index: int | None = None
    file_citation: FileCitationDelta | None = None
    start_index: int | None = None
    text: str | None = None


class FilePathDelta(RunsModel):
    file_id: str | None = None


class FilePathDeltaAnnotation(RunsModel):
    index: int
    type: Literal["file_path"]
    end_index: int | None = None
    file_path: FilePathDelta | None = None
    start_index: int | None = None
    text: str | None = None


class UnknownAnnotationDelta(UnknownVariant):
    known_types = frozenset({"file_citation", "file_path"})

    index: int | None = None


AnnotationDelta = Annotated[
    Annotated[FileCitationDeltaAnnotation | FilePathDeltaAnnotation, Field(discriminator="type")]
    | UnknownAnnotationDelta,
    Field(union_mode="left_to_right"),
]


class TextDelta(RunsModel):
    annotations: list[AnnotationDelta] | None = None
    value: str | None = None


class TextDeltaBlock(RunsModel):
    index: int
    type: Literal["text"]
    text: TextDelta | None = None


class ImageFileDelta(RunsModel):
    detail: Literal["auto", "low", "high"] | str | None = None
    file_id: str | None = None


class ImageFileDeltaBlock(RunsModel):
    index: int
    type: Literal["image_file"]
    image_file: ImageFileDelta | None = None


class ImageURLDelta(RunsModel):
    detail: Literal["auto", "low", "high"] | str | None = None
    url: str | None = None


class ImageURLDeltaBlock(RunsModel):
    index: int
    type: Literal["image_url"]
    image_url: ImageURLDelta | None = None


class RefusalDeltaBlock(RunsModel):
    index: int
    type: Literal["refusal"]
    refusal: str | None = None


class UnknownContentDeltaBlock(UnknownVariant):
    known_types = frozenset({"text", "image_file", "image_url", "refusal"})

    index: int | None = None


MessageContentDelta = Annotated[
    Annotated[
        ImageFileDeltaBlock | TextDeltaBlock | RefusalDeltaBlock | ImageURLDeltaBlock,
        Field(discriminator="type"),
    ]
    | UnknownContentDeltaBlock,
    Field(union_mode="left_to_right"),
]


class MessageDelta(RunsModel):
    content: list[MessageContentDelta] | None = None
    role: Literal["user", "assistant"] | str | None = None


class MessageDeltaEvent(RunsModel):
    """What changed in message ``id``."""

    id: str
    delta: MessageDelta
    object: Literal["thread.message.delta"] | str
