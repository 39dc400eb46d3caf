"""What resources call: :class:`AsyncCalls`, and the callers that answer it.

A resource method builds its request with the core's ``RequestBuilder`` and hands it to
its caller. The caller behind a client (:class:`AsyncCaller`) sends it through the
core's flows on the driver and answers with the typed result. ``with_raw_response`` and
``with_streaming_response`` give the same resource a caller that answers with a
:class:`RawResponse` (:class:`AsyncRawCaller`) or a lazily read response
(:class:`AsyncStreamingCaller`) instead; that is all they change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from runs_core import NotGiven, Request, RequestBuilder, Response

from .._responses import RawResponse
from .._settings import Settings
from .._transport import AsyncTransport, AsyncTransportResponse
from ._primitives import AsyncCursorPage, AsyncPaginator, first_page
from .driver import AsyncDriver
from .raw import AsyncResponseContextManager, AsyncStreamedResponse
from .streams import AsyncStream

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from runs_core.models import CursorPage, Run

__all__ = ["AsyncCaller", "AsyncCalls", "AsyncRawCaller", "AsyncStreamingCaller"]

M = TypeVar("M")


class AsyncCalls(Protocol):
    """The calls a resource makes; a request's type parameter is what it parses into."""

    @property
    def builder(self) -> RequestBuilder: ...

    def idempotency_key(self) -> str: ...

    def model(self, request: Request[M]) -> Awaitable[M]: ...

    def run_or_stream(self, request: Request) -> Awaitable[Run | AsyncStream]: ...

    def stream(self, request: Request) -> Awaitable[AsyncStream]: ...

    def page(self, request: Request[CursorPage[M]]) -> AsyncPaginator[M]: ...

    def poll(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Awaitable[Run]: ...

    def raw_calls(self) -> AsyncCalls:
        """The same calls, answered with a ``RawResponse``."""
        ...

    def streaming_calls(self) -> AsyncCalls:
        """The same calls, answered with a lazily read response."""
        ...


class AsyncCaller:
    """The plumbing behind a client: settings, transport and driver."""

    def __init__(self, settings: Settings, transport: AsyncTransport) -> None:
        self.settings = settings
        self.builder = settings.builder
        self.transport = transport
        self.driver = AsyncDriver(transport, max_body_bytes=settings.max_body_bytes)

    def idempotency_key(self) -> str:
        return self.settings.idempotency_key()

    async def model(self, request: Request[M]) -> M:
        response, _ = await self.driver.run(self.settings.send_flow(request))
        result: M = self.settings.parse(request, response)
        return result

    async def run_or_stream(self, request: Request) -> Run | AsyncStream:
        response, opened = await self.driver.run(self.settings.send_flow(request))
        if opened is not None:
            return self.open_stream(request, opened)
        run: Run = self.settings.parse(request, response)
        return run

    async def stream(self, request: Request) -> AsyncStream:
        _, opened = await self.driver.run(self.settings.send_flow(_keep_open(request)))
        assert opened is not None  # a stream request's 2xx head leaves the body open
        return self.open_stream(request, opened)

    def page(self, request: Request[CursorPage[M]]) -> AsyncPaginator[M]:
        return first_page(request, self.fetch_page)

    async def fetch_page(self, request: Request) -> AsyncCursorPage[Any]:
        response, _ = await self.driver.run(self.settings.send_flow(request))
        return AsyncCursorPage(request, self.settings.parse(request, response), self.fetch_page)

    async def poll(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Run:
        flow = self.settings.poll_flow(request, interval_ms, deadline)
        run, _ = await self.driver.run(flow)
        return run

    def raw_calls(self) -> AsyncRawCaller:
        return AsyncRawCaller(self)

    def streaming_calls(self) -> AsyncStreamingCaller:
        return AsyncStreamingCaller(self)

    def shape(self, request: Request, response: Response) -> Any:
        """A read response as its method returns it: the model, or a page that can fetch
        the pages after it."""
        result = self.settings.parse(request, response)
        if request.result.is_page:
            return AsyncCursorPage(request, result, self.fetch_page)
        return result

    def open_stream(self, request: Request, opened: AsyncTransportResponse) -> AsyncStream:
        decoder = self.settings.new_decoder(request, opened.headers.get("x-request-id"))
        return AsyncStream(opened, request, decoder=decoder)

    async def aclose(self) -> None:
        await self.transport.aclose()


class _ModeCaller:
    """A caller answering every call the same way; its ``poll`` is never reached (the
    raw and streaming method tables have no polling helpers)."""

    def __init__(self, caller: AsyncCaller) -> None:
        self._caller = caller
        self.builder = caller.builder
        self.idempotency_key = caller.idempotency_key
        self.poll = caller.poll
        self.raw_calls = caller.raw_calls
        self.streaming_calls = caller.streaming_calls

    def _call(self, request: Request) -> Any:
        raise NotImplementedError

    def model(self, request: Request[M]) -> Any:
        return self._call(request)

    def run_or_stream(self, request: Request) -> Any:
        return self._call(request)

    def stream(self, request: Request) -> Any:
        return self._call(request)

    def page(self, request: Request[CursorPage[M]]) -> Any:
        return self._call(request)


class AsyncRawCaller(_ModeCaller):
    """Answers with a :class:`RawResponse`: ``parse()`` gives the stream, if one was
    opened, or the result (a list's page included), parsed on first call."""

    async def _call(self, request: Request) -> RawResponse[Any]:
        caller = self._caller
        response, opened = await caller.driver.run(caller.settings.send_flow(request))
        if opened is not None:
            stream = caller.open_stream(request, opened)
            return RawResponse(request, response, lambda: stream, stream=stream)
        return RawResponse(request, response, lambda: caller.shape(request, response))


class AsyncStreamingCaller(_ModeCaller):
    """Answers with a context manager that sends on entry and reads the body only when
    asked."""

    def _call(self, request: Request) -> AsyncResponseContextManager:
        caller = self._caller

        async def open_response() -> AsyncStreamedResponse:
            head, opened = await caller.driver.run(caller.settings.send_flow(_keep_open(request)))
            assert opened is not None
            return AsyncStreamedResponse(
                request, head, opened, limit=caller.settings.max_body_bytes,
                shape=caller.shape, open_stream=caller.open_stream,
            )  # fmt: skip

        return AsyncResponseContextManager(open_response)


def _keep_open(request: Request) -> Request:
    # ``stream=True`` on the descriptor tells the driver to leave a 2xx body unread; the
    # result kind (and so how the body is parsed later) is unchanged.
    return request if request.stream else request.replace(stream=True)
