# Generated from runs_adapters/_async/raw.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""What ``with_streaming_response`` returns: a response whose body is read only when
asked, inside a context manager that always releases the connection. Its surface is the
official SDK's ``APIResponse``: ``read()``, ``text()``, ``json()``, ``iter_bytes()``,
``iter_text()``, ``iter_lines()``, ``parse()``, ``close()``.

Also the typing of the ``with_raw_response`` / ``with_streaming_response`` method tables:
their methods are the resource's own, run by a caller that answers with a
:class:`RawResponse` or a :class:`ResponseContextManager` instead of the parsed
result. Type checkers cannot follow that change of answer, so it is stated here, once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, ParamSpec, Self, TypeVar, cast

from runs_core import (
    BodyBuffer,
    ByteChunker,
    LineDecoder,
    Request,
    Response,
    ResultKind,
    TextDecoder,
)

from .._responses import RawResponse, ResponseInfo
from .._transport import SyncTransportResponse
from ._primitives import SyncCursorPage

__all__ = [
    "ResponseContextManager",
    "StreamedResponse",
    "raw_method",
    "raw_page_method",
    "streaming_method",
]

P = ParamSpec("P")
T = TypeVar("T")


class StreamedResponse(ResponseInfo):
    """A response whose body is read lazily; use it inside ``with``.

    ``parse()`` gives what the method would have returned: the model, a page (iterate it
    for every item), or for an event stream the stream itself, over the open body.
    """

    def __init__(
        self,
        request: Request,
        head: Response,
        opened: SyncTransportResponse,
        *,
        limit: int,
        shape: Callable[[Request, Response], Any],
        open_stream: Callable[[Request, SyncTransportResponse], Any],
    ) -> None:
        super().__init__(request, head)
        self._response = opened
        self._limit = limit
        self._shape = shape
        self._open_stream = open_stream
        self._body: bytes | None = None
        self._stream: Any = None
        self.is_closed = False
        """Whether the connection is released (body read, or closed)."""

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body as it arrives (in ``chunk_size`` pieces if given; the last may be
        shorter). Reading it this way leaves nothing for ``read()``."""
        chunker = ByteChunker(chunk_size)
        if self._body is not None:
            for chunk in [*chunker.feed(self._body), *chunker.flush()]:
                yield chunk
            return
        for data in self._response.iter_bytes():
            for chunk in chunker.feed(data):
                yield chunk
        for chunk in chunker.flush():
            yield chunk
        self.close()

    def iter_text(self, chunk_size: int | None = None) -> Iterator[str]:
        """The body decoded as UTF-8, as it arrives."""
        decoder = TextDecoder()
        for chunk in self.iter_bytes(chunk_size):
            text = decoder.feed(chunk)
            if text:
                yield text
        rest = decoder.flush()
        if rest:
            yield rest

    def iter_lines(self) -> Iterator[str]:
        """The body's lines, without their line endings."""
        lines = LineDecoder()
        for text in self.iter_text():
            for line in lines.feed(text):
                yield line
        for line in lines.flush():
            yield line

    def read(self) -> bytes:
        """The whole body (bounded by the client's ``max_body_bytes``), read once."""
        if self._body is None:
            buffer = BodyBuffer(self._limit, request=self.request, request_id=self.request_id)
            for chunk in self._response.iter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
            self.close()
        return self._body

    def text(self) -> str:
        return (self.read()).decode("utf-8", "replace")

    def json(self) -> Any:
        import json  # on first use, not at import

        return json.loads(self.read())

    def parse(self) -> Any:
        """The typed result: a model, a page, or a stream of events over the open body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            if self._stream is None:
                self._stream = self._open_stream(self.request, self._response)
            return self._stream
        body = self.read()
        return self._shape(self.request, Response(self.status_code, self.headers, body))

    def close(self) -> None:
        """Release the connection (back to the pool if the body was read in full)."""
        self._response.close()
        self.is_closed = True

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
