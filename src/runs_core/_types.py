"""Small shared types: the "argument not given" sentinel and header/query shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, Literal, TypeVar, final

__all__ = ["NOT_GIVEN", "Body", "Headers_", "NotGiven", "Query", "is_given"]

_T = TypeVar("_T")


@final
class NotGiven:
    """Marks an argument the caller left out, so it is omitted from the request.

    ``None`` cannot play this role: for many fields the contract gives ``null`` a meaning
    of its own (``instructions=None`` clears the assistant's instructions for this run).
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()

Headers_ = Mapping[str, str]
Query = Mapping[str, object]
Body = Mapping[str, object]


def is_given(value: _T | NotGiven) -> bool:
    """True when ``value`` was passed by the caller, even if it is ``None``."""
    return not isinstance(value, NotGiven)
