"""A base for the small immutable records a client builds before its first response.

``attrs`` and ``dataclasses`` generate each class's methods with ``exec`` when the class
is defined (about half a millisecond a class), and importing either costs more than the
rest of a client's own code (``attrs`` ~12 ms; ``dataclasses`` pulls in ``inspect``).
The records on the path of ``import runs_adapters; Client()`` (requests, responses,
effects, retry policy, configuration, pool limits, the request builder) are written
out by hand over this base instead: each class lists its fields, writes its
``__init__``, and gets value equality and hashing (over ``_compared``), a repr,
immutability, pickling and :meth:`replace` from here.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

__all__ = ["Frozen"]


class Frozen:
    """Slotted, immutable, compared by value; subclasses set ``_fields`` (all fields, in
    order) and ``_compared`` (those equality and hashing use) and fill the slots in their
    ``__init__`` with :meth:`_fill`."""

    __slots__ = ("__weakref__",)

    _fields: ClassVar[tuple[str, ...]] = ()
    _compared: ClassVar[tuple[str, ...]] = ()
    # The slots' own setters, in ``_fields`` order: calling one skips the attribute lookup
    # ``object.__setattr__`` makes each time (a request and a response are filled per call).
    _setters: ClassVar[tuple[Any, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._setters = tuple(getattr(cls, name).__set__ for name in cls._fields)

    def _fill(self, *values: object) -> None:
        """Set every field, given in ``_fields`` order: what ``__init__`` ends with."""
        if len(values) != len(self._setters):
            raise TypeError(f"{self.__class__.__name__} has {len(self._setters)} fields")
        for setter, value in zip(self._setters, values, strict=False):  # counted above
            setter(self, value)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.__class__, self._values()))

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__name__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{self.__class__.__name__} is immutable: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{self.__class__.__name__} is immutable: cannot delete {name!r}")

    def __getstate__(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._fields}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, through ``__init__`` (so checks run again)."""
        values = {name: getattr(self, name) for name in self._fields}
        values.update(changes)
        return self.__class__(**values)
