"""An immutable, case-insensitive view of HTTP headers.

Transports hand headers over in many shapes (httpx's ``Headers``, aiohttp's multidict,
h11's list of byte pairs, requests' ``CaseInsensitiveDict``); the core reduces them all to
one type so error objects, raw responses and the retry policy read them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar, overload

__all__ = ["Headers", "HeadersLike"]

_T = TypeVar("_T")

HeadersLike = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


class Headers(Mapping[str, str]):
    """Response or request headers; lookups ignore case, repeated names join with ``, ``."""

    __slots__ = ("_index", "_items")

    def __init__(self, headers: HeadersLike | None = None) -> None:
        items: tuple[tuple[str, str], ...] = ()
        if headers is not None:
            source = headers.items() if isinstance(headers, Mapping) else headers
            pairs = source if isinstance(source, list | tuple) else list(source)
            try:  # a response's raw headers: bytes pairs (h11, httpx, aiohttp), decoded at once
                items = tuple([(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs])
            except AttributeError:  # text, or a mix
                items = tuple([(_text(k), _text(v)) for k, v in pairs])
        self._items = items
        index = {name.lower(): value for name, value in items}
        if len(index) != len(items):  # a repeated name: its values join, in order
            index = {}
            for name, value in items:
                key = name.lower()
                index[key] = f"{index[key]}, {value}" if key in index else value
        self._index = index

    def __getitem__(self, name: str) -> str:
        return self._index[name.lower()]

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, /, default: str | _T) -> str | _T: ...

    def get(self, name: str, /, default: object = None) -> object:
        """The value of ``name`` (any case), or ``default``: ``Mapping.get`` without its
        exception round trip, as every response is asked for its request id."""
        return self._index.get(name.lower(), default)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def raw_items(self) -> tuple[tuple[str, str], ...]:
        """Every header as received, in order, names in their original case."""
        return self._items

    def __repr__(self) -> str:
        shown = {k: ("<redacted>" if k in _SECRET else v) for k, v in self._index.items()}
        return f"Headers({shown!r})"


_SECRET = frozenset({"authorization", "proxy-authorization", "api-key", "openai-api-key"})
