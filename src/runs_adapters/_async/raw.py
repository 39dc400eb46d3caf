"""What ``with_streaming_response`` returns: a response whose body is read only when
asked, inside a context manager that always releases the connection. Its surface is the
official SDK's ``APIResponse``: ``read()``, ``text()``, ``json()``, ``iter_bytes()``,
``iter_text()``, ``iter_lines()``, ``parse()``, ``close()``.

Also the typing of the ``with_raw_response`` / ``with_streaming_response`` method tables:
their methods are the resource's own, run by a caller that answers with a
:class:`RawResponse` or a :class:`AsyncResponseContextManager` instead of the parsed
result. Type checkers cannot follow that change of answer, so it is stated here, once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
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
from .._transport import AsyncTransportResponse
from ._primitives import AsyncPaginator

__all__ = [
    "AsyncResponseContextManager",
    "AsyncStreamedResponse",
    "raw_method",
    "raw_page_method",
    "streaming_method",
]

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStreamedResponse(ResponseInfo):
    """A response whose body is read lazily; use it inside ``async with``.

    ``parse()`` gives what the method would have returned: the model, a page (iterate it
    for every item), or for an event stream the stream itself, over the open body.
    """

    def __init__(
        self,
        request: Request,
        head: Response,
        opened: AsyncTransportResponse,
        *,
        limit: int,
        shape: Callable[[Request, Response], Any],
        open_stream: Callable[[Request, AsyncTransportResponse], Any],
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

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body as it arrives (in ``chunk_size`` pieces if given; the last may be
        shorter). Reading it this way leaves nothing for ``read()``."""
        chunker = ByteChunker(chunk_size)
        if self._body is not None:
            for chunk in [*chunker.feed(self._body), *chunker.flush()]:
                yield chunk
            return
        async for data in self._response.aiter_bytes():
            for chunk in chunker.feed(data):
                yield chunk
        for chunk in chunker.flush():
            yield chunk
        await self.close()

    async def iter_text(self, chunk_size: int | None = None) -> AsyncIterator[str]:
        """The body decoded as UTF-8, as it arrives."""
        decoder = TextDecoder()
        async for chunk in self.iter_bytes(chunk_size):
            text = decoder.feed(chunk)
            if text:
                yield text
        rest = decoder.flush()
        if rest:
            yield rest

    async def iter_lines(self) -> AsyncIterator[str]:
        """The body's lines, without their line endings."""
        lines = LineDecoder()
        async for text in self.iter_text():
            for line in lines.feed(text):
                yield line
        for line in lines.flush():
            yield line

    async def read(self) -> bytes:
        """The whole body (bounded by the client's ``max_body_bytes``), read once."""
        if self._body is None:
            buffer = BodyBuffer(self._limit, request=self.request, request_id=self.request_id)
            async for chunk in self._response.aiter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
            await self.close()
        return self._body

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> Any:
        import json  # on first use, not at import

        return json.loads(await self.read())

    async def parse(self) -> Any:
        """The typed result: a model, a page, or a stream of events over the open body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            if self._stream is None:
                self._stream = self._open_stream(self.request, self._response)
            return self._stream
        body = await self.read()
        return self._shape(self.request, Response(self.status_code, self.headers, body))

    async def close(self) -> None:
        """Release the connection (back to the pool if the body was read in full)."""
        await self._response.aclose()
        self.is_closed = True

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


class AsyncResponseContextManager:
    """Sends the request on entry and closes the response on exit."""

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


def raw_method(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """A resource method bound to a raw-response caller, typed as what it returns."""
    return cast("Callable[P, Awaitable[RawResponse[T]]]", method)


def raw_page_method(
    method: Callable[P, AsyncPaginator[T]],
) -> Callable[P, Awaitable[RawResponse[T]]]:
    """Like :func:`raw_method`, for ``list()``."""
    return cast("Callable[P, Awaitable[RawResponse[T]]]", method)


def streaming_method(method: Callable[P, object]) -> Callable[P, AsyncResponseContextManager]:
    """A resource method bound to a streaming-response caller, typed as what it returns."""
    return cast("Callable[P, AsyncResponseContextManager]", method)
