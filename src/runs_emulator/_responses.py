"""What a handler hands the HTTP layer: a JSON body, or a stream to read from a segment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._channel import Segment


@dataclass
class JsonResponse:
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class StreamResponse:
    segment: Segment
    primary: bool = True
    headers: list[tuple[str, str]] = field(default_factory=list)


Response = JsonResponse | StreamResponse


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: list[tuple[str, str]]
    body: bytes
    target: str = ""
    query_pairs: tuple[tuple[str, str], ...] = ()
    bad_target: bool = False  # not a path: answered 400 before it is routed

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key == lowered:
                return value
        return None
