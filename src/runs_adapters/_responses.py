"""What ``with_raw_response`` methods return (:class:`RawResponse`), and what it shares
with the lazily read responses of ``with_streaming_response``.

The official SDK's ``LegacyAPIResponse`` and ``APIResponse`` are the model: status,
headers, the request as sent (``http_request``), ``url``, ``method``, ``elapsed``,
``retries_taken``, ``request_id``, and ``parse()`` for the typed result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

from runs_core import Headers, Request, Response

__all__ = ["RawResponse", "ResponseInfo", "SentRequest"]

T = TypeVar("T")

_NOT_PARSED: Any = object()


class _Closable(Protocol):
    @property
    def is_closed(self) -> bool: ...


class SentRequest:
    """The request as it went on the wire: ``method``, ``url``, ``headers`` (look them up
    with ``headers.get(name)``, any case) and ``content``."""

    __slots__ = ("content", "headers", "method", "url")

    def __init__(self, request: Request) -> None:
        self.method = request.method
        self.url = request.url
        self.headers = Headers(request.headers)
        self.content = request.body

    def __repr__(self) -> str:
        return f"<SentRequest({self.method!r}, {self.url!r})>"


class ResponseInfo:
    """Status, headers and the story of the exchange, common to every response object."""

    def __init__(self, request: Request, response: Response) -> None:
        self.request = request
        self.status_code = response.status
        self.headers: Headers = response.headers
        self.retries_taken = response.retries_taken
        import datetime  # here, not at import: building a client needs none of it

        self.elapsed = datetime.timedelta(seconds=response.elapsed)
        """How long the answering attempt took: to the end of the body, or for a body
        read lazily, to the arrival of the head."""

    @property
    def http_request(self) -> SentRequest:
        return SentRequest(self.request)

    @property
    def url(self) -> str:
        return self.request.url

    @property
    def method(self) -> str:
        return self.request.method

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")


class RawResponse(ResponseInfo, Generic[T]):
    """A finished call: the body is read (or, for a stream, open), with the typed result
    one ``parse()`` away."""

    def __init__(
        self,
        request: Request,
        response: Response,
        parser: Callable[[], T],
        *,
        stream: _Closable | None = None,
    ) -> None:
        super().__init__(request, response)
        self._response = response
        self.content: bytes = response.content
        self._parser = parser
        self._parsed: T = _NOT_PARSED
        self._stream = stream

    @property
    def is_closed(self) -> bool:
        """Whether the connection is released: always for a read body; for a stream,
        once the stream is read to its end or closed."""
        return True if self._stream is None else self._stream.is_closed

    @property
    def text(self) -> str:
        return self._response.text

    def json(self) -> Any:
        return self._response.json()

    def parse(self) -> T:
        """The typed result (parsed once, then cached); for a stream, the stream object."""
        if self._parsed is _NOT_PARSED:
            self._parsed = self._parser()
        return self._parsed

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r}>"
