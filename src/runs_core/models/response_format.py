"""The output format a run asks the model for (``response_format``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from ._base import RunsModel, UnknownVariant

__all__ = [
    "AssistantResponseFormatOption",
    "JSONSchema",
    "ResponseFormat",
    "ResponseFormatJSONObject",
    "ResponseFormatJSONSchema",
    "ResponseFormatText",
    "UnknownResponseFormat",
]


class ResponseFormatText(RunsModel):
    type: Literal["text"]


class ResponseFormatJSONObject(RunsModel):
    type: Literal["json_object"]


class JSONSchema(RunsModel):
    """Structured Outputs settings. ``schema_`` holds the wire field ``schema``."""

    # "schema" would shadow a BaseModel attribute; the alias keeps the wire name,
    # in and out.
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    name: str
    description: str | None = None
    schema_: dict[str, object] | None = Field(default=None, alias="schema")
    strict: bool | None = None


class ResponseFormatJSONSchema(RunsModel):
    json_schema: JSONSchema
    type: Literal["json_schema"]


class UnknownResponseFormat(UnknownVariant):
    """A response format type newer than this library."""

    known_types = frozenset({"text", "json_object", "json_schema"})


ResponseFormat = Annotated[
    Annotated[
        ResponseFormatText | ResponseFormatJSONObject | ResponseFormatJSONSchema,
        Field(discriminator="type"),
    ]
    | UnknownResponseFormat,
    Field(union_mode="left_to_right"),
]
"""A response format object, tagged by ``type``."""

AssistantResponseFormatOption = Literal["auto"] | str | ResponseFormat
"""``"auto"`` (or a newer word), or a response format object."""
