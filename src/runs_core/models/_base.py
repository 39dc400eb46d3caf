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

Dumps follow the official SDK's models: a field the server did not send is ``None`` in
``model_dump()`` and left out by ``exclude_unset=True``; :meth:`RunsModel.to_dict` and
:meth:`RunsModel.to_json` take the SDK's arguments, with its defaults.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["RunsModel", "UnknownVariant"]


class RunsModel(BaseModel):
    """Base of every object the API sends: unknown fields are kept, never rejected."""

    model_config = ConfigDict(extra="allow", frozen=False, defer_build=True)

    def to_dict(
        self,
        *,
        mode: Literal["json", "python"] = "python",
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> dict[str, object]:
        """This object as a ``dict``: by default only what the server sent, under its names.

        As the official SDK's ``to_dict``: ``use_api_names`` keys fields by their wire
        name (``schema``, not ``schema_``); ``exclude_unset=False`` adds the fields the
        server did not send, as ``None``; ``mode="json"`` gives only JSON types;
        ``warnings`` is passed to pydantic's serializer.
        """
        return self.model_dump(
            mode=mode,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )

    def to_json(
        self,
        *,
        indent: int | None = 2,
        use_api_names: bool = True,
        exclude_unset: bool = True,
        exclude_defaults: bool = False,
        exclude_none: bool = False,
        warnings: bool = True,
    ) -> str:
        """This object as JSON text, indented by ``indent`` spaces (compact if ``None``).

        The other arguments mean what they mean for :meth:`to_dict`; the defaults are the
        official SDK's, and so is the text (keys in the SDK's order).
        """
        return self.model_dump_json(
            indent=indent,
            by_alias=use_api_names,
            exclude_unset=exclude_unset,
            exclude_defaults=exclude_defaults,
            exclude_none=exclude_none,
            warnings=warnings,
        )


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
