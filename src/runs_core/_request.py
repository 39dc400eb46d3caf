"""The immutable request descriptor that every transport knows how to send.

A :class:`Request` is complete: method, absolute URL (query included), headers, body bytes,
whether the response is an event stream, and the timeout. A transport needs nothing else,
which is what lets the same core drive httpx, aiohttp, trio, requests or a plain socket.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["Request", "ResultKind"]


class ResultKind(enum.Enum):
    """What a successful response body is parsed into."""

    RUN = "run"
    RUN_STEP = "run_step"
    RUN_PAGE = "run_page"
    RUN_STEP_PAGE = "run_step_page"
    EVENT_STREAM = "event_stream"


_REDACTED_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "openai-api-key"})


@attrs.frozen(repr=False)
class Request:
    """One HTTP request, ready for the wire.

    ``headers`` is a tuple of ``(name, value)`` pairs in the order they should be sent.
    ``timeout`` is in seconds and applies to connecting and to each read; ``None`` means
    wait forever. ``repr()`` never shows the ``Authorization`` header.
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    stream: bool
    timeout: float | None
    result: ResultKind
    max_retries: int = 2

    def header(self, name: str) -> str | None:
        """The value of the first header called ``name`` (any case), or ``None``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def path(self) -> str:
        """The URL without scheme and authority, as it goes on the request line."""
        rest = self.url.split("://", 1)[-1]
        slash = rest.find("/")
        return "/" if slash < 0 else rest[slash:]

    def __repr__(self) -> str:
        shown = [
            (k, "<redacted>" if k.lower() in _REDACTED_HEADERS else v) for k, v in self.headers
        ]
        return (
            f"Request(method={self.method!r}, url={self.url!r}, headers={shown!r}, "
            f"body={None if self.body is None else len(self.body)!r} bytes, "
            f"stream={self.stream!r}, timeout={self.timeout!r}, result={self.result.name})"
        )
