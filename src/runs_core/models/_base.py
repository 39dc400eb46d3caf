"""The two base classes every response model derives from.

:class:`RunsModel` keeps fields a newer server adds (``extra="allow"``): they stay
reachable as attributes and in ``model_extra``, and survive ``model_dump``.

:class:`UnknownVariant` is the fallback member of every union discriminated on ``type``
(content parts, tool calls, step details, annotations, code outputs, tools, response
formats). A union is written as ``Annotated[A | B, Field(discriminator="type")] |
UnknownX`` in ``left_to_right`` mode: the tagged union (validated in Rust, no Python
per item) is tried first, and only an object whose ``type`` no known member claims lands
in the fallback. The fallback rejects the known ``type`` values, so a malformed known
object is an error rather than silently becoming "unknown".
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["RunsModel", "UnknownVariant"]


class RunsModel(BaseModel):
    """Base of every object the API sends: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", frozen=False, defer_build=True)


class UnknownVariant(RunsModel):
    """An object whose ``type`` this library does not know yet; all its fields are kept.

    Subclasses set ``known_types`` to the tags their union handles itself.
    """

    known_types: ClassVar[frozenset[str]] = frozenset()

    type: str

    @model_validator(mode="after")
    def _reject_known_type(self) -> Self:
        # Only reached when the tagged union already failed, so never on the fast path.
        if self.type in self.known_types:
            raise ValueError(f"malformed {self.type!r} object")
        return self
