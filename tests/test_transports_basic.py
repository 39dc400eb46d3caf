"""The four library transports against a real HTTP/1.1 server on 127.0.0.1.

Each test is one async scenario run once per transport: the sync transports (httpx,
requests) are wrapped so their blocking calls run inside the same scenario, and the httpx
async transport runs under both asyncio and trio. The server is a small threaded
``http.server`` whose routes misbehave on purpose (drop mid-body, stall) and which counts
the connections it accepts, so pooling is observed from the server's side.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import socketserver
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import trio

from runs_adapters import AsyncTransportResponse, SyncTransport, SyncTransportResponse
from runs_adapters.aiohttp_transport import AiohttpTransport
from runs_adapters.httpx_async import HttpxAsyncTransport
from runs_adapters.httpx_sync import HttpxTransport
from runs_adapters.requests_transport import RequestsTransport
from runs_core import APIConnectionError, APITimeoutError, Request, ResultKind

BIG = 4 * 1024 * 1024  # far more than any socket buffer, so an early close leaves bytes unread
JSON_BODY = b'{"ok": true}'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        try:
            getattr(self, "route_" + self.path.strip("/").split("?")[0].replace("-", "_"))()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_POST = do_GET

    def head(self, status: int = 200, length: int | None = None, **extra: str) -> None:
        self.send_response_only(status)
        if length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def route_json(self) -> None:
        self.send_response_only(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-Id", "req_123")
        self.send_header("X-Multi", "a")
        self.send_header("X-Multi", "b")
        self.send_header("Content-Length", str(len(JSON_BODY)))
        self.end_headers()
        self.wfile.write(JSON_BODY)

    def route_echo(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        echoed = {
            "method": self.command,
            "target": self.path,
            "headers": list(self.headers.items()),
            "body": base64.b64encode(body).decode(),
        }
        data = json.dumps(echoed).encode()
        self.head(length=len(data), Content_Type="application/json")
        self.wfile.write(data)

    def route_chunked(self) -> None:
        self.head()
        for part in (b"one ", b"two ", b"three"):
            self.chunk(part)
        self.wfile.write(b"0\r\n\r\n")

    def route_trickle_length(self) -> None:
        self.head(length=len(b"firstsecond"))
        self.wfile.write(b"first")
        self.server.go.wait(10)  # bounded only so a buffering transport cannot hang the run
        self.wfile.write(b"second")

    def route_trickle_chunked(self) -> None:
        self.head()
        self.chunk(b"first")
        self.server.go.wait(10)
        self.chunk(b"second")
        self.wfile.write(b"0\r\n\r\n")

    def route_drop_length(self) -> None:
        self.head(length=100)
        self.wfile.write(b"x" * 10)
        self.close_connection = True

    def route_drop_chunked(self) -> None:
        self.head()
        self.chunk(b"x" * 10)
        self.close_connection = True

    def route_stall_head(self) -> None:
        self.server.stop.wait()
        self.close_connection = True

    def route_stall_body(self) -> None:
        self.head(length=100)
        self.wfile.write(b"x" * 5)
        self.server.stop.wait()
        self.close_connection = True

    def route_big(self) -> None:
        self.head(length=BIG)
        piece = b"b" * 65536
        for _ in range(BIG // len(piece)):
            self.wfile.write(piece)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.connections = 0
        self.stop = threading.Event()
        self.go = threading.Event()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server()
    thread = threading.Thread(target=srv.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield srv
    srv.stop.set()
    srv.go.set()
    srv.shutdown()
    srv.server_close()
    thread.join()


def make_request(
    url: str,
    method: str = "GET",
    headers: tuple[tuple[str, str], ...] = (("User-Agent", "runs-test/1"),),
    body: bytes | None = None,
    timeout: float | None = 5.0,
) -> Request:
    return Request(method, url, headers, body, False, timeout, ResultKind.RUN)


# --- every transport seen through one async interface --------------------------------


class _BlockingResponse:
    """A sync response driven from the async scenario (blocking the loop is fine here)."""

    def __init__(self, response: SyncTransportResponse) -> None:
        self.inner = response
        self.status = response.status
        self.headers = response.headers

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        for chunk in self.inner.iter_bytes():
            yield chunk

    async def aclose(self) -> None:
        self.inner.close()


class _Blocking:
    def __init__(self, transport: SyncTransport) -> None:
        self.inner = transport

    async def send(self, request: Request) -> AsyncTransportResponse:
        return _BlockingResponse(self.inner.send(request))

    async def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)

    async def aclose(self) -> None:
        self.inner.close()


class _RecordingSession(requests.Session):
    close_calls = 0

    def close(self) -> None:
        self.close_calls += 1
        super().close()


Own = tuple[Any, Callable[[], bool], Callable[[], Awaitable[None]]]


async def _own_httpx() -> Own:
    client = httpx.Client(headers={"X-Own": "yes"})
    return _Blocking(HttpxTransport(client)), lambda: client.is_closed, _acall(client.close)


async def _own_httpx_async() -> Own:
    client = httpx.AsyncClient(headers={"X-Own": "yes"})
    return HttpxAsyncTransport(client), lambda: client.is_closed, client.aclose


async def _own_aiohttp() -> Own:
    session = aiohttp.ClientSession(headers={"X-Own": "yes"})
    return AiohttpTransport(session), lambda: session.closed, session.close


async def _own_requests() -> Own:
    session = _RecordingSession()
    session.headers["X-Own"] = "yes"
    return (
        _Blocking(RequestsTransport(session)),
        lambda: session.close_calls > 0,
        _acall(session.close),
    )


def _acall(close: Callable[[], None]) -> Callable[[], Awaitable[None]]:
    async def call() -> None:
        close()

    return call


def _asyncio_run(main: Callable[[], Awaitable[None]]) -> None:
    async def wrapper() -> None:
        await main()

    asyncio.run(wrapper())


@dataclass(frozen=True)
class Kind:
    make: Callable[[], Any]
    own: Callable[[], Awaitable[Own]]
    run: Callable[[Callable[[], Awaitable[None]]], None]


KINDS = {
    "httpx": Kind(lambda: _Blocking(HttpxTransport()), _own_httpx, _asyncio_run),
    "httpx-async-asyncio": Kind(HttpxAsyncTransport, _own_httpx_async, _asyncio_run),
    "httpx-async-trio": Kind(HttpxAsyncTransport, _own_httpx_async, trio.run),
    "aiohttp": Kind(AiohttpTransport, _own_aiohttp, _asyncio_run),
    "requests": Kind(lambda: _Blocking(RequestsTransport()), _own_requests, _asyncio_run),
}


@pytest.fixture(params=list(KINDS))
def kind(request: pytest.FixtureRequest) -> Kind:
    return KINDS[request.param]


def run(kind: Kind, scenario: Callable[[Any], Awaitable[None]]) -> None:
    async def main() -> None:
        transport = kind.make()
        try:
            await scenario(transport)
        finally:
            await transport.aclose()

    kind.run(main)


async def read_all(response: AsyncTransportResponse) -> bytes:
    try:
        return b"".join([chunk async for chunk in response.aiter_bytes()])
    finally:
        await response.aclose()


def echoed(body: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(body)
    data["body"] = base64.b64decode(data["body"])
    return data


# --- the behaviours ----------------------------------------------------------------------


def test_status_headers_and_body_round_trip(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url("/json")))
        assert response.status == 201
        assert response.headers["x-request-id"] == "req_123"
        assert response.headers["X-Multi"] == "a, b"
        assert ("X-Multi", "a") in response.headers.raw_items()
        assert await read_all(response) == JSON_BODY

    run(kind, scenario)


def test_request_line_headers_and_body_arrive_exactly(kind: Kind, server: _Server) -> None:
    ours = (
        ("Authorization", "Bearer sk-test"),
        ("User-Agent", "runs-test/1"),
        ("Accept", "application/json"),
        ("Content-Type", "application/json"),
        ("OpenAI-Beta", "assistants=v2"),
    )
    body = bytes(range(256))
    target = "/echo?limit=2&after=run_%2Fx"

    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url(target), "POST", ours, body))
        got = echoed(await read_all(response))
        assert (got["method"], got["target"], got["body"]) == ("POST", target, body)
        sent = [(name.lower(), value) for name, value in got["headers"]]
        for name, value in ours:
            assert [v for n, v in sent if n == name.lower()] == [value]
        extras = {n for n, _ in sent} - {n.lower() for n, _ in ours}
        assert extras <= {"host", "content-length", "accept-encoding"}
        assert ("content-length", "256") in sent
        assert ("accept-encoding", "gzip, deflate") not in sent

    run(kind, scenario)


def test_authorization_is_not_replaced_by_netrc(
    kind: Kind, server: _Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    headers = (("Authorization", "Bearer sk-test"), ("User-Agent", "runs-test/1"))

    async def scenario(t: Any) -> None:
        got = echoed(
            await read_all(await t.send(make_request(server.url("/echo"), "POST", headers)))
        )
        assert [v for n, v in got["headers"] if n.lower() == "authorization"] == ["Bearer sk-test"]

    run(kind, scenario)


def test_sleep_runs_on_the_callers_loop(kind: Kind) -> None:
    async def scenario(t: Any) -> None:
        await t.sleep(0)  # asyncio.sleep under trio, or trio.sleep under asyncio, would raise

    run(kind, scenario)


def test_chunked_body_is_reassembled(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url("/chunked")))
        assert await read_all(response) == b"one two three"

    run(kind, scenario)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_bytes_are_handed_over_as_they_arrive(kind: Kind, server: _Server, framing: str) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url(f"/trickle-{framing}")))
        chunks = response.aiter_bytes()
        first = await chunks.__anext__()
        server.go.set()  # the server sends the rest only now
        rest = b"".join([chunk async for chunk in chunks])
        await response.aclose()
        assert (first, rest) == (b"first", b"second")

    run(kind, scenario)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_body_cut_short_raises_connection_error(kind: Kind, server: _Server, framing: str) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url(f"/drop-{framing}")))
        with pytest.raises(APIConnectionError) as caught:
            await read_all(response)
        assert not isinstance(caught.value, APITimeoutError)
        assert caught.value.request is not None
        # nothing of the library's chained: its exceptions may hold the real headers
        assert caught.value.__cause__ is None and caught.value.__context__ is None

    run(kind, scenario)


STALL_TIMEOUT = 1.0
"""Long enough that connecting on a busy CI machine never runs out of it (0.3 s once did,
on httpx-async); the routes stall until the test ends, so any bound shows the timeout."""


def test_server_silent_before_head_raises_timeout(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        with pytest.raises(APITimeoutError):
            await t.send(make_request(server.url("/stall-head"), timeout=STALL_TIMEOUT))

    run(kind, scenario)


def test_stalled_body_raises_timeout(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url("/stall-body"), timeout=STALL_TIMEOUT))
        with pytest.raises(APITimeoutError) as caught:
            await read_all(response)
        assert caught.value.__cause__ is None and caught.value.__context__ is None

    run(kind, scenario)


def test_connection_refused_raises_connection_error(kind: Kind) -> None:
    with socket.socket() as bound_not_listening:
        bound_not_listening.bind(("127.0.0.1", 0))
        port = bound_not_listening.getsockname()[1]

        async def scenario(t: Any) -> None:
            with pytest.raises(APIConnectionError) as caught:
                await t.send(make_request(f"http://127.0.0.1:{port}/json"))
            assert not isinstance(caught.value, APITimeoutError)

        run(kind, scenario)


def test_fully_read_responses_share_one_connection(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        for _ in range(3):
            assert await read_all(await t.send(make_request(server.url("/json")))) == JSON_BODY
        assert server.connections == 1

    run(kind, scenario)


def test_closing_a_response_early_discards_its_connection(kind: Kind, server: _Server) -> None:
    async def scenario(t: Any) -> None:
        response = await t.send(make_request(server.url("/big")))
        await response.aiter_bytes().__anext__()
        await response.aclose()
        await response.aclose()  # closing twice is allowed
        assert await read_all(await t.send(make_request(server.url("/json")))) == JSON_BODY
        assert server.connections == 2

    run(kind, scenario)


def test_callers_client_is_used_and_left_open(kind: Kind, server: _Server) -> None:
    async def main() -> None:
        transport, is_closed, close_it = await kind.own()
        response = await transport.send(make_request(server.url("/echo"), "POST"))
        assert [v for n, v in echoed(await read_all(response))["headers"] if n == "X-Own"] == [
            "yes"
        ]
        await transport.aclose()
        assert not is_closed()
        await close_it()
        assert is_closed()

    kind.run(main)


def test_transport_closes_the_client_it_created(monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[requests.Session] = []
    monkeypatch.setattr(requests.Session, "close", lambda self: closed.append(self))
    transport = RequestsTransport()
    assert transport.owns_client
    transport.close()
    assert closed == [transport.session]
    client_transport = HttpxTransport()
    assert client_transport.owns_client
    client_transport.close()
    assert client_transport.client.is_closed

    async def main() -> None:
        async_transport = HttpxAsyncTransport()
        assert async_transport.owns_client
        await async_transport.aclose()
        assert async_transport.client.is_closed
        aiohttp_transport = AiohttpTransport()
        assert aiohttp_transport.owns_client
        await aiohttp_transport.aclose()  # nothing was sent: no session was ever made
        assert aiohttp_transport.session is None

    asyncio.run(main())


def test_aiohttp_closes_the_session_it_created(server: _Server) -> None:
    async def main() -> None:
        transport = AiohttpTransport()
        await read_all(await transport.send(make_request(server.url("/json"))))
        assert transport.session is not None and not transport.session.closed
        await transport.aclose()
        assert transport.session.closed

    asyncio.run(main())


def test_aiohttp_keeps_a_few_timeouts_not_one_per_call(server: _Server) -> None:
    """Timeouts are kept for reuse (building aiohttp's costs a little on every call), but
    a caller passing a different timeout to each call must not grow the transport."""

    async def main() -> None:
        transport = AiohttpTransport()
        for i in range(40):
            timeout = 5.0 + i / 1000
            await read_all(await transport.send(make_request(server.url("/json"), timeout=timeout)))
        assert 1 <= len(transport._timeouts) <= 16
        await transport.aclose()

    asyncio.run(main())
