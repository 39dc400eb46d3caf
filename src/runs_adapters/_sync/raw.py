# Generated from runs_adapters/_async/raw.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""What ``with_streaming_response`` returns: a response whose body is read only when
asked, inside a context manager that always releases the connection.

Also the typing of the ``with_raw_response`` / ``with_streaming_response`` method tables:
their methods are the resource's own, run by a caller that answers with a
:class:`RawResponse` or a :class:`ResponseContextManager` instead of the parsed
result. Type checkers cannot follow that change of answer, so it is stated here, once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, Self, TypeVar, cast

from runs_core import BodyBuffer, Headers, Request, ResultKind

from .._responses import RawResponse
from .._transport import SyncTransportResponse
from ._primitives import SyncCursorPage
from .streams import Stream

if TYPE_CHECKING:
    from runs_core import AssistantStreamDecoder

__all__ = [
    "ResponseContextManager",
    "StreamedResponse",
    "raw_method",
    "raw_page_method",
    "streaming_method",
]

P = ParamSpec("P")
T = TypeVar("T")


class StreamedResponse:
    """A response whose body is read lazily; use it inside ``with``."""

    def __init__(
        self,
        request: Request,
        response: SyncTransportResponse,
        limit: int,
        new_decoder: Callable[[Request, str | None], AssistantStreamDecoder] | None = None,
    ) -> None:
        self.request = request
        self.status_code = response.status
        self.headers: Headers = response.headers
        self._response = response
        self._limit = limit
        self._new_decoder = new_decoder
        self._body: bytes | None = None

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it arrives."""
        yield from self._response.iter_bytes()

    def read(self) -> bytes:
        """The whole body (bounded by the client's ``max_body_bytes``), read once."""
        if self._body is None:
            buffer = BodyBuffer(self._limit, request=self.request, request_id=self.request_id)
            for chunk in self._response.iter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
        return self._body

    def text(self) -> str:
        return (self.read()).decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.read())

    def parse(self) -> Any:
        """The typed result; for an event stream, a stream of events over the open body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            decoder = None
            if self._new_decoder is not None:
                decoder = self._new_decoder(self.request, self.request_id)
            return Stream(self._response, self.request, decoder=decoder)
        from runs_core import parse_response

        body = self.read()
        return parse_response(self.request, self.status_code, self.headers, body)

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class ResponseContextManager:
    """Sends the request on entry and closes the response on exit."""

    def __init__(self, opener: Callable[[], StreamedResponse]) -> None:
        self._opener = opener
        self._response: StreamedResponse | None = None

    def __enter__(self) -> StreamedResponse:
        self._response = self._opener()
        return self._response

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            self._response.close()


def raw_method(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """A resource method bound to a raw-response caller, typed as what it returns."""
    return cast("Callable[P, RawResponse[T]]", method)


def raw_page_method(
    method: Callable[P, SyncCursorPage[T]],
) -> Callable[P, RawResponse[T]]:
    """Like :func:`raw_method`, for ``list()``."""
    return cast("Callable[P, RawResponse[T]]", method)


def streaming_method(method: Callable[P, object]) -> Callable[P, ResponseContextManager]:
    """A resource method bound to a streaming-response caller, typed as what it returns."""
    return cast("Callable[P, ResponseContextManager]", method)
