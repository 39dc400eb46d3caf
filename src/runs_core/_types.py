"""Small shared types: the "argument not given" sentinel, timeouts and header/query shapes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal, Protocol, TypeVar, final

__all__ = [
    "NOT_GIVEN",
    "Body",
    "Headers_",
    "NotGiven",
    "Query",
    "TimeoutLike",
    "is_given",
]

_T = TypeVar("_T")

# The official SDK's "leave it out" markers: ``openai.NOT_GIVEN`` / ``openai.not_given``
# (class ``NotGiven``) and ``openai.omit`` / ``openai.Omit()`` (class ``Omit``). Both are
# falsy and neither is a singleton, so they are recognised by their class's name.
_FOREIGN_SENTINELS = frozenset({"NotGiven", "Omit"})


class _NotGivenMeta(type):
    """Makes ``isinstance(x, NotGiven)`` true for the SDK's sentinels too.

    Every "was this argument given?" check in the core and the clients is an ``isinstance``
    against :class:`NotGiven`, so recognising the SDK's sentinels here, and only here, makes
    ``runs.list(limit=openai.omit)`` or ``poll(poll_interval_ms=openai.NOT_GIVEN)`` mean
    what they mean in the SDK: the argument was left out. The core never imports the SDK:
    any falsy object whose class is named ``NotGiven`` or ``Omit`` counts (the SDKs
    generated like ``openai``'s use the same two names).
    """

    def __instancecheck__(cls, instance: Any) -> bool:
        kind = type(instance)
        if kind is cls:
            return True
        return kind.__name__ in _FOREIGN_SENTINELS and not instance


@final
class NotGiven(metaclass=_NotGivenMeta):
    """Marks an argument the caller left out, so it is omitted from the request.

    ``None`` cannot play this role: for many fields the contract gives ``null`` a meaning
    of its own (``instructions=None`` clears the assistant's instructions for this run).
    The official SDK's ``NOT_GIVEN``, ``not_given``, ``omit`` and ``Omit()`` are accepted
    wherever ``NOT_GIVEN`` is, with the same meaning (``isinstance`` recognises them).
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
    """True when ``value`` was passed by the caller, even if it is ``None``.

    The SDK's sentinels (``openai.NOT_GIVEN``, ``openai.omit``...) count as not given.
    """
    return not isinstance(value, NotGiven)


class TimeoutLike(Protocol):
    """An ``httpx.Timeout`` (or the SDK's ``httpx2.Timeout``), seen by its attributes.

    The core imports no HTTP library: anything with these four attributes is taken for
    one (see :func:`runs_core._config.timeout_seconds` for what is made of it).
    """

    @property
    def connect(self) -> float | None: ...
    @property
    def read(self) -> float | None: ...
    @property
    def write(self) -> float | None: ...
    @property
    def pool(self) -> float | None: ...
