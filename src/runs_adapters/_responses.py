""":class:`RawResponse`: what ``with_raw_response`` methods return, on both clients.

It wraps a finished exchange (the body is already read, or for a stream the connection
is open): status, headers, request id, and a lazy, cached ``parse()``. The lazily read
responses of ``with_streaming_response`` differ per flavour (``StreamedResponse`` and
``AsyncStreamedResponse``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from runs_core import Headers, Request

__all__ = ["RawResponse"]

T = TypeVar("T")

_NOT_PARSED: Any = object()


class RawResponse(Generic[T]):
    """Status, headers and body of a call, with the typed result one ``parse()`` away."""

    def __init__(
        self,
        request: Request,
        status_code: int,
        headers: Headers,
        content: bytes | None,
        parser: Callable[[], T],
    ) -> None:
        self.request = request
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self._parser = parser
        self._parsed: T = _NOT_PARSED

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    @property
    def text(self) -> str:
        return (self.content or b"").decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.content or b"null")

    def parse(self) -> T:
        """The typed result (parsed once, then cached); for a stream, the stream object."""
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parser()
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"
