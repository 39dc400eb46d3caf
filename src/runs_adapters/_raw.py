"""What ``with_raw_response`` and ``with_streaming_response`` return.

:class:`RawResponse` wraps a finished exchange (the body is already read, or for a
stream the connection is open): status, headers, request id, and a lazy, cached
``parse()``. The ``Streamed*`` classes keep the body unread until the caller asks, inside
a context manager that always releases the connection.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, Self, TypeVar

from runs_core import Headers, Request, ResultKind
from runs_core._status import BodyBuffer

from ._streams import AsyncStream, Stream
from ._transport import AsyncTransportResponse, SyncTransportResponse

if TYPE_CHECKING:
    from runs_core._stream_decoder import AssistantStreamDecoder

__all__ = [
    "AsyncResponseContextManager",
    "AsyncStreamedResponse",
    "RawResponse",
    "ResponseContextManager",
    "StreamedResponse",
]

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


class _StreamedBase:
    def __init__(
        self,
        request: Request,
        status_code: int,
        headers: Headers,
        limit: int,
        new_decoder: Callable[[], AssistantStreamDecoder] | None,
    ) -> None:
        self._new_decoder = new_decoder
        self.request = request
        self.status_code = status_code
        self.headers = headers
        self._limit = limit

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")

    def _decoder(self) -> AssistantStreamDecoder | None:
        return self._new_decoder() if self._new_decoder is not None else None

    def _parse(self, body: bytes) -> Any:
        from runs_core._response import parse_response

        return parse_response(self.request, self.status_code, self.headers, body)


class StreamedResponse(_StreamedBase):
    """A response whose body is read lazily; use it inside ``with``."""

    def __init__(
        self,
        request: Request,
        response: SyncTransportResponse,
        limit: int,
        new_decoder: Callable[[], AssistantStreamDecoder] | None = None,
    ) -> None:
        super().__init__(request, response.status, response.headers, limit, new_decoder)
        self._response = response
        self._body: bytes | None = None

    def iter_bytes(self) -> Iterator[bytes]:
        yield from self._response.iter_bytes()

    def read(self) -> bytes:
        if self._body is None:
            buffer = BodyBuffer(self._limit)
            for chunk in self._response.iter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
        return self._body

    def text(self) -> str:
        return self.read().decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.read())

    def parse(self) -> Any:
        """The typed result; for an event stream, a :class:`Stream` over the open body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            return Stream(self._response, self.request, decoder=self._decoder())
        return self._parse(self.read())

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncStreamedResponse(_StreamedBase):
    """The async twin of :class:`StreamedResponse`; use it inside ``async with``."""

    def __init__(
        self,
        request: Request,
        response: AsyncTransportResponse,
        limit: int,
        new_decoder: Callable[[], AssistantStreamDecoder] | None = None,
    ) -> None:
        super().__init__(request, response.status, response.headers, limit, new_decoder)
        self._response = response
        self._body: bytes | None = None

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        async for chunk in self._response.aiter_bytes():
            yield chunk

    async def read(self) -> bytes:
        if self._body is None:
            buffer = BodyBuffer(self._limit)
            async for chunk in self._response.aiter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
        return self._body

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> Any:
        return json.loads(await self.read())

    async def parse(self) -> Any:
        """The typed result; for an event stream, an :class:`AsyncStream` over the body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            return AsyncStream(self._response, self.request, decoder=self._decoder())
        return self._parse(await self.read())

    async def close(self) -> None:
        await self._response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class ResponseContextManager:
    """Sends the request on ``__enter__`` and closes the response on ``__exit__``."""

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


class AsyncResponseContextManager:
    """The async twin of :class:`ResponseContextManager`."""

    def __init__(self, opener: Callable[[], Awaitable[AsyncStreamedResponse]]) -> None:
        self._opener = opener
        self._response: AsyncStreamedResponse | None = None

    async def __aenter__(self) -> AsyncStreamedResponse:
        self._response = await self._opener()
        return self._response

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._response is not None:
            await self._response.close()
