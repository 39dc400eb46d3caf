"""An immutable, case-insensitive view of HTTP headers.

Transports hand headers over in many shapes (httpx's ``Headers``, aiohttp's multidict,
h11's list of byte pairs, requests' ``CaseInsensitiveDict``); the core reduces them all to
one type so error objects, raw responses and the retry policy read them the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar, overload

__all__ = ["Headers", "HeadersLike"]

_T = TypeVar("_T")

HeadersLike = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


class Headers(Mapping[str, str]):
    """Response or request headers; lookups ignore case, repeated names join with ``, ``.

    :meth:`from_raw` wraps a transport's raw byte pairs and decodes them on first use:
    a plain call only ever asks its response for the request id, which a scan of the
    pairs answers for less than decoding them all.
    """

    __slots__ = ("_index", "_items", "_raw")

    _raw: Sequence[tuple[str | bytes, str | bytes]] | None
    _items: tuple[tuple[str, str], ...]
    _index: dict[str, str]

    def __init__(self, headers: HeadersLike | None = None) -> None:
        self._raw = None
        if headers is None:
            self._items, self._index = (), {}
        # A transport's list or tuple of pairs goes first: ``isinstance`` against the
        # abstract ``Mapping`` costs more than decoding a small response's headers.
        elif type(headers) is list or type(headers) is tuple:
            self._decode(headers)
        else:
            source = headers.items() if isinstance(headers, Mapping) else headers
            self._decode(source if isinstance(source, list | tuple) else list(source))

    @classmethod
    def from_raw(cls, pairs: Sequence[tuple[str | bytes, str | bytes]]) -> Headers:
        """Headers over ``pairs`` as a transport received them (bytes, decoded as
        Latin-1, or text), read only when first asked; ``pairs`` must not change."""
        headers = cls.__new__(cls)
        headers._raw = pairs
        return headers

    def _decode(self, pairs: Sequence[tuple[str | bytes, str | bytes]]) -> None:
        try:  # a response's raw headers: bytes pairs (h11, httpx, aiohttp), decoded at once
            items = tuple([(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs])  # type: ignore[union-attr]
        except AttributeError:  # text, or a mix
            items = tuple([(_text(k), _text(v)) for k, v in pairs])
        index = {name.lower(): value for name, value in items}
        if len(index) != len(items):  # a repeated name: its values join, in order
            index = {}
            for name, value in items:
                key = name.lower()
                index[key] = f"{index[key]}, {value}" if key in index else value
        self._items, self._index = items, index

    def _ready(self) -> dict[str, str]:
        raw = self._raw
        if raw is not None:
            self._decode(raw)
            self._raw = None
        return self._index

    def __getitem__(self, name: str) -> str:
        return self._ready()[name.lower()]

    @overload
    def get(self, name: str, /) -> str | None: ...

    @overload
    def get(self, name: str, /, default: str | _T) -> str | _T: ...

    def get(self, name: str, /, default: object = None) -> object:
        """The value of ``name`` (any case), or ``default``: ``Mapping.get`` without its
        exception round trip, as every response is asked for its request id."""
        raw = self._raw
        if raw is None:
            return self._index.get(name.lower(), default)
        wanted = name.lower()
        found = [_text(v) for k, v in raw if _text(k).lower() == wanted]
        if not found:
            return default
        return found[0] if len(found) == 1 else ", ".join(found)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._ready()

    def __iter__(self) -> Iterator[str]:
        return iter(self._ready())

    def __len__(self) -> int:
        return len(self._ready())

    def raw_items(self) -> tuple[tuple[str, str], ...]:
        """Every header as received, in order, names in their original case."""
        self._ready()
        return self._items

    def __reduce__(self) -> tuple[type[Headers], tuple[tuple[tuple[str, str], ...]]]:
        return (Headers, (self.raw_items(),))

    def __repr__(self) -> str:
        shown = {k: ("<redacted>" if k in _SECRET else v) for k, v in self._ready().items()}
        return f"Headers({shown!r})"


_SECRET = frozenset({"authorization", "proxy-authorization", "api-key", "openai-api-key"})
