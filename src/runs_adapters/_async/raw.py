"""What ``with_streaming_response`` returns: a response whose body is read only when
asked, inside a context manager that always releases the connection.

Also the typing of the ``with_raw_response`` / ``with_streaming_response`` method tables:
their methods are the resource's own, run by a caller that answers with a
:class:`RawResponse` or a :class:`AsyncResponseContextManager` instead of the parsed
result. Type checkers cannot follow that change of answer, so it is stated here, once.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, ParamSpec, Self, TypeVar, cast

from runs_core import BodyBuffer, Headers, Request, ResultKind

from .._responses import RawResponse
from .._transport import AsyncTransportResponse
from ._primitives import AsyncPaginator
from .streams import AsyncStream

if TYPE_CHECKING:
    from runs_core import AssistantStreamDecoder

__all__ = [
    "AsyncResponseContextManager",
    "AsyncStreamedResponse",
    "raw_method",
    "raw_page_method",
    "streaming_method",
]

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStreamedResponse:
    """A response whose body is read lazily; use it inside ``async with``."""

    def __init__(
        self,
        request: Request,
        response: AsyncTransportResponse,
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

    async def iter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        async for chunk in self._response.aiter_bytes():
            yield chunk

    async def read(self) -> bytes:
        """The whole body (bounded by the client's ``max_body_bytes``), read once."""
        if self._body is None:
            buffer = BodyBuffer(self._limit, request=self.request, request_id=self.request_id)
            async for chunk in self._response.aiter_bytes():
                buffer.feed(chunk)
            self._body = buffer.getvalue()
        return self._body

    async def text(self) -> str:
        return (await self.read()).decode("utf-8", "replace")

    async def json(self) -> Any:
        return json.loads(await self.read())

    async def parse(self) -> Any:
        """The typed result; for an event stream, a stream of events over the open body."""
        if self.request.result is ResultKind.EVENT_STREAM:
            decoder = None
            if self._new_decoder is not None:
                decoder = self._new_decoder(self.request, self.request_id)
            return AsyncStream(self._response, self.request, decoder=decoder)
        from runs_core import parse_response

        body = await self.read()
        return parse_response(self.request, self.status_code, self.headers, body)

    async def close(self) -> None:
        await self._response.aclose()

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
