"""``Client`` and ``AsyncClient``: configuration, a transport, and the executors.

Both clients share :class:`_ClientSettings` (configuration, request builder, retry
policy, idempotency keys: nothing that does I/O). The executors are the only methods
that differ, and only by ``await``: each runs the core's send flow on its driver and
shapes the outcome (parsed result, page, stream, raw or lazily read response).
"""

from __future__ import annotations

import os
import random
import time
import uuid
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypedDict, Unpack

import attrs

from runs_core import NOT_GIVEN, ClientConfig, NotGiven, Request, RequestBuilder, ResultKind
from runs_core._flow import Flow, Response, send_with_retries
from runs_core._log import LOG_ENV_VAR, configure_from_env
from runs_core._retry import RetryPolicy
from runs_core._sse import DEFAULT_MAX_EVENT_SIZE
from runs_core._status import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_TRAILING_BYTES

from ._driver import AsyncDriver, SyncDriver
from ._pages import AsyncCursorPage, AsyncPaginator, SyncCursorPage
from ._raw import (
    AsyncResponseContextManager,
    AsyncStreamedResponse,
    RawResponse,
    ResponseContextManager,
    StreamedResponse,
)
from ._runs_async import AsyncRuns
from ._runs_sync import Runs
from ._select import ENV_VAR, async_transport, sync_transport
from ._streams import AsyncStream, Stream
from ._transport import AsyncTransport, SyncTransport

if TYPE_CHECKING:
    from runs_core._stream_decoder import AssistantStreamDecoder
    from runs_core.models import Run

__all__ = ["AsyncClient", "Client", "ClientOptions"]

_PAGES = (ResultKind.RUN_PAGE, ResultKind.RUN_STEP_PAGE)


class ClientOptions(TypedDict, total=False):
    """Keyword arguments shared by :class:`Client` and :class:`AsyncClient`.

    ``api_key``, ``base_url``, ``organization`` and ``project`` default to the
    ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``OPENAI_ORG_ID`` and ``OPENAI_PROJECT_ID``
    environment variables; ``timeout`` (seconds, default 600) bounds connecting and each
    read; ``max_retries`` defaults to 2. The ``max_*`` limits bound what a server can make
    the client hold: a buffered body (32 MiB), one stream event (16 Mi characters) and the
    bytes read after a stream's ``done`` (64 KiB).
    """

    api_key: str | None
    base_url: str | None
    organization: str | None
    project: str | None
    timeout: float | NotGiven | None
    max_retries: int | None
    default_headers: Mapping[str, str] | None
    default_query: Mapping[str, object] | None
    max_body_bytes: int
    max_event_size: int
    max_trailing_bytes: int


class _ClientSettings:
    def __init__(self, **options: Unpack[ClientOptions]) -> None:
        unknown = sorted(set(options) - ClientOptions.__optional_keys__)
        if unknown:
            raise TypeError(f"{type(self).__name__}() got unexpected keyword arguments: {unknown}")
        configure_from_env(os.environ.get(LOG_ENV_VAR))
        self.config = ClientConfig.from_env(
            os.environ,
            api_key=options.get("api_key"),
            base_url=options.get("base_url"),
            organization=options.get("organization"),
            project=options.get("project"),
            timeout=options.get("timeout", NOT_GIVEN),
            max_retries=options.get("max_retries"),
            default_headers=options.get("default_headers"),
            default_query=options.get("default_query"),
        )
        self.builder = RequestBuilder(self.config)
        self.max_body_bytes = options.get("max_body_bytes", DEFAULT_MAX_BODY_BYTES)
        self.max_event_size = options.get("max_event_size", DEFAULT_MAX_EVENT_SIZE)
        self.max_trailing_bytes = options.get("max_trailing_bytes", DEFAULT_MAX_TRAILING_BYTES)

    @property
    def base_url(self) -> str:
        return self.config.base_url

    @property
    def max_retries(self) -> int:
        return self.config.max_retries

    @property
    def timeout(self) -> float | None:
        return self.config.timeout

    def new_decoder(self) -> AssistantStreamDecoder:
        """A stream decoder with this client's limits on one event and on bytes after done."""
        from runs_core._stream_decoder import AssistantStreamDecoder

        return AssistantStreamDecoder(
            max_event_size=self.max_event_size, max_trailing_bytes=self.max_trailing_bytes
        )

    @staticmethod
    def new_idempotency_key() -> str:
        """A fresh key per call; every retry of that call repeats it."""
        return f"runs-{uuid.uuid4().hex}"

    @staticmethod
    def flow(request: Request) -> Flow[Response]:
        policy = RetryPolicy(max_retries=request.max_retries)
        return send_with_retries(request, policy, now=time.time, jitter=random.random)

    @staticmethod
    def parse(request: Request, response: Response) -> Any:
        # Imported here: the models are the bulk of import time, and a client that was
        # only built (CLI --help, app start-up) never needs them.
        from runs_core._response import parse_response

        return parse_response(request, response.status, response.headers, response.body or b"")

    def poll_flow(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Flow[Run]:
        from runs_core._polling import send_and_poll

        interval = None if isinstance(interval_ms, NotGiven) else interval_ms / 1000.0
        return send_and_poll(
            self.builder, request, interval=interval, timeout=deadline,
            now=time.time, monotonic=time.monotonic, jitter=random.random,
        )  # fmt: skip

    def _shape(self, request: Request, result: Any) -> Any:
        """Wrap a parsed list page in this client's page type; other results as they are."""
        raise NotImplementedError

    def raw_response(
        self, request: Request, response: Response, stream: object | None
    ) -> RawResponse[Any]:
        """What ``with_raw_response`` returns: ``parse()`` gives the stream, if one was
        opened, or the shaped result, parsed on first call."""
        if stream is not None:
            return RawResponse(request, response.status, response.headers, None, lambda: stream)
        return RawResponse(
            request, response.status, response.headers, response.body,
            lambda: self._shape(request, self.parse(request, response)),
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class _Namespace:
    def __init__(self, **members: object) -> None:
        self.__dict__.update(members)


class Client(_ClientSettings):
    """A blocking client. ``transport`` is a name (``"httpx"``, ``"requests"``) or an
    instance; by default ``RUNS_TRANSPORT`` or httpx."""

    def __init__(
        self, *, transport: str | SyncTransport | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        super().__init__(**options)
        self.transport = sync_transport(transport, os.environ.get(ENV_VAR))
        self._driver = SyncDriver(self.transport, max_body_bytes=self.max_body_bytes)
        self.runs = Runs(self)
        self.beta = _Namespace(threads=_Namespace(runs=self.runs))

    def execute(self, request: Request) -> Any:
        """Send ``request`` and return what its method promises (model, page or stream)."""
        response, opened = self._driver.run(self.flow(request))
        if opened is not None:
            return Stream(opened, request, decoder=self.new_decoder())
        return self._shape(request, self.parse(request, response))

    def _shape(self, request: Request, result: Any) -> Any:
        if request.result in _PAGES:
            return SyncCursorPage(request, result, self.execute)
        return result

    def execute_raw(self, request: Request) -> RawResponse[Any]:
        response, opened = self._driver.run(self.flow(request))
        stream = None if opened is None else Stream(opened, request, decoder=self.new_decoder())
        return self.raw_response(request, response, stream)

    def execute_streaming(self, request: Request) -> ResponseContextManager:
        def open_response() -> StreamedResponse:
            lazy = _keep_open(request)
            _, opened = self._driver.run(self.flow(lazy))
            assert opened is not None
            return StreamedResponse(request, opened, self.max_body_bytes, self.new_decoder)

        return ResponseContextManager(open_response)

    def run_poll(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Run:
        """Send a request that returns a run, then poll the run until it stops."""
        flow = self.poll_flow(request, interval_ms, deadline)
        run: Run = self._driver.run(flow)[0]
        return run

    def close(self) -> None:
        """Release the transport's connections."""
        self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncClient(_ClientSettings):
    """An async client for asyncio or trio. ``transport`` is a name (``"httpx"``,
    ``"aiohttp"``, ``"trio"``) or an instance; by default ``RUNS_TRANSPORT`` or httpx."""

    def __init__(
        self, *, transport: str | AsyncTransport | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        super().__init__(**options)
        self.transport = async_transport(transport, os.environ.get(ENV_VAR))
        self._driver = AsyncDriver(self.transport, max_body_bytes=self.max_body_bytes)
        self.runs = AsyncRuns(self)
        self.beta = _Namespace(threads=_Namespace(runs=self.runs))

    def execute(self, request: Request) -> Any:
        """Like the sync ``execute``, but awaitable; a list returns an ``AsyncPaginator``
        right away (await it for the first page, or ``async for`` every item)."""
        if request.result in _PAGES:
            return AsyncPaginator(request, self._fetch_page)
        return self._execute(request)

    async def _execute(self, request: Request) -> Any:
        response, opened = await self._driver.run(self.flow(request))
        if opened is not None:
            return AsyncStream(opened, request, decoder=self.new_decoder())
        return self.parse(request, response)

    async def _fetch_page(self, request: Request) -> AsyncCursorPage[Any]:
        response, _ = await self._driver.run(self.flow(request))
        return AsyncCursorPage(request, self.parse(request, response), self._fetch_page)

    def _shape(self, request: Request, result: Any) -> Any:
        if request.result in _PAGES:
            return AsyncCursorPage(request, result, self._fetch_page)
        return result

    async def execute_raw(self, request: Request) -> RawResponse[Any]:
        response, opened = await self._driver.run(self.flow(request))
        stream = (
            None if opened is None else AsyncStream(opened, request, decoder=self.new_decoder())
        )
        return self.raw_response(request, response, stream)

    def execute_streaming(self, request: Request) -> AsyncResponseContextManager:
        async def open_response() -> AsyncStreamedResponse:
            lazy = _keep_open(request)
            _, opened = await self._driver.run(self.flow(lazy))
            assert opened is not None
            return AsyncStreamedResponse(request, opened, self.max_body_bytes, self.new_decoder)

        return AsyncResponseContextManager(open_response)

    async def run_poll(
        self, request: Request, interval_ms: int | NotGiven, deadline: float | None
    ) -> Run:
        """Send a request that returns a run, then poll the run until it stops."""
        flow = self.poll_flow(request, interval_ms, deadline)
        run: Run = (await self._driver.run(flow))[0]
        return run

    async def close(self) -> None:
        """Release the transport's connections."""
        await self.transport.aclose()

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()


def _keep_open(request: Request) -> Request:
    # ``stream=True`` on the descriptor tells the driver to leave a 2xx body unread; the
    # result kind (and so how the body is parsed later) is unchanged.
    return request if request.stream else attrs.evolve(request, stream=True)
