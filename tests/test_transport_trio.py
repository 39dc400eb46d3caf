"""TrioTransport against real servers on 127.0.0.1, started inside each test.

Well-behaved servers speak HTTP through h11; fault cases (short bodies, stalls, hang-ups)
write raw bytes so the fault is exactly the one named. Servers count connections and note
when the client hangs up, which is how pooling and early close are observed.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Awaitable, Callable
from functools import partial

import h11
import pytest
import trio
import trustme

from runs_adapters import AsyncTransport
from runs_adapters.trio_h11 import TrioTransport
from runs_core import (
    APIConnectionError,
    APITimeoutError,
    ClientConfig,
    Request,
    RequestBuilder,
    ResultKind,
)
from runs_emulator import start_in_thread

Handler = Callable[[trio.abc.Stream, "Server"], Awaitable[None]]
Respond = Callable[[h11.Request, bytes], list[h11.Event]]


class HungUp(Exception):
    """Raised by a handler that saw the client close the connection."""


class Server:
    """Runs ``handler`` per connection; counts connections and client hang-ups."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[tuple[h11.Request, bytes]] = []
        self.port = 0
        self._hangups_send, self.hangups = trio.open_memory_channel[int](100)
        self.server_closed = trio.Event()

    async def serve(self, stream: trio.abc.Stream) -> None:
        self.connections += 1
        number = self.connections
        try:
            await self.handler(stream, self)
        except (HungUp, trio.BrokenResourceError, trio.ClosedResourceError, h11.ProtocolError):
            self._hangups_send.send_nowait(number)  # which connection the client closed
        finally:
            await trio.aclose_forcefully(stream)

    def url(self, path: str = "/v1/runs", scheme: str = "http", host: str = "127.0.0.1") -> str:
        return f"{scheme}://{host}:{self.port}{path}"


async def start(
    nursery: trio.Nursery, handler: Handler, tls: ssl.SSLContext | None = None
) -> Server:
    server = Server(handler)
    serve: Callable[..., Awaitable[object]]
    if tls is None:
        serve = partial(trio.serve_tcp, server.serve, 0, host="127.0.0.1")
    else:
        serve = partial(
            trio.serve_ssl_over_tcp, server.serve, 0, tls, host="127.0.0.1", https_compatible=True
        )
    listeners = await nursery.start(serve)
    listener = listeners[0].transport_listener if tls else listeners[0]
    server.port = listener.socket.getsockname()[1]
    return server


def request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: tuple[tuple[str, str], ...] = (),
    timeout: float | None = 10.0,
) -> Request:
    return Request(
        method=method,
        url=url,
        headers=headers,
        body=body,
        stream=False,
        timeout=timeout,
        result=ResultKind.RUN,
    )


async def read_all(transport: TrioTransport, req: Request) -> tuple[int, bytes]:
    response = await transport.send(req)
    body = b"".join([chunk async for chunk in response.aiter_bytes()])
    await response.aclose()
    return response.status, body


def pooled(transport: TrioTransport, server: Server) -> int:
    """How many idle connections the transport keeps for ``server`` (white-box)."""
    return len(transport._idle.get(("http", "127.0.0.1", server.port), []))


async def wait_for_hangup(stream: trio.abc.Stream) -> None:
    """Read until the client closes (EOF or reset), then record it."""
    while await stream.receive_some(65536):
        pass
    raise HungUp


async def read_head(stream: trio.abc.Stream) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await stream.receive_some(65536)
        if not chunk:
            raise trio.BrokenResourceError
        data += chunk
    return data


def raw(*replies: bytes, then: str = "close") -> Handler:
    """Answer each request on a connection with the next raw reply; then close or wait."""

    async def handler(stream: trio.abc.Stream, server: Server) -> None:
        for reply in replies:
            await read_head(stream)
            await stream.send_all(reply)
        if then == "wait":
            await wait_for_hangup(stream)

    return handler


def h11_server(respond: Respond, *, close_after: int | None = None) -> Handler:
    """A keep-alive HTTP/1.1 server: ``respond`` maps each request to events to send."""

    async def handler(stream: trio.abc.Stream, server: Server) -> None:
        conn = h11.Connection(h11.SERVER)
        served = 0
        while True:
            head, body = None, b""
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(bytes(await stream.receive_some(65536)))
                elif isinstance(event, h11.Request):
                    head = event
                elif isinstance(event, h11.Data):
                    body += event.data
                elif isinstance(event, h11.EndOfMessage):
                    break
                elif isinstance(event, h11.ConnectionClosed):
                    raise HungUp
            assert head is not None
            server.requests.append((head, body))
            for event in respond(head, body):
                await stream.send_all(conn.send(event) or b"")
            served += 1
            if conn.our_state is h11.MUST_CLOSE or served == close_after:
                server.server_closed.set()
                return
            conn.start_next_cycle()

    return handler


def ok(body: bytes = b"hello", **headers: str) -> Respond:
    def respond(_: h11.Request, __: bytes) -> list[h11.Event]:
        pairs = [("Content-Length", str(len(body))), *headers.items()]
        return [
            h11.Response(status_code=200, headers=pairs),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ]

    return respond


# ---------------------------------------------------------------------------- bodies


def test_satisfies_the_async_transport_protocol() -> None:
    assert isinstance(TrioTransport(), AsyncTransport)


@pytest.mark.trio
async def test_content_length_body(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok(b'{"id": "run_1"}', **{"X-Request-Id": "req_9"})))
    transport = TrioTransport()
    response = await transport.send(request(server.url()))
    assert response.status == 200
    assert response.headers["x-request-id"] == "req_9"
    assert b"".join([c async for c in response.aiter_bytes()]) == b'{"id": "run_1"}'
    await transport.aclose()


@pytest.mark.trio
async def test_chunked_body(nursery: trio.Nursery) -> None:
    def respond(_: h11.Request, __: bytes) -> list[h11.Event]:
        head = h11.Response(status_code=200, headers=[("Transfer-Encoding", "chunked")])
        parts = [h11.Data(data=p) for p in (b"data: 1\n\n", b"data: 2\n\n", b"data: [DONE]\n\n")]
        return [head, *parts, h11.EndOfMessage()]

    server = await start(nursery, h11_server(respond))
    transport = TrioTransport()
    assert await read_all(transport, request(server.url())) == (
        200,
        b"data: 1\n\ndata: 2\n\ndata: [DONE]\n\n",
    )
    # A chunked body read to its end leaves the connection reusable.
    await read_all(transport, request(server.url()))
    assert server.connections == 1


@pytest.mark.trio
async def test_close_delimited_body_is_read_to_eof_and_not_pooled(nursery: trio.Nursery) -> None:
    server = await start(nursery, raw(b"HTTP/1.1 200 OK\r\n\r\nuntil the end"))
    transport = TrioTransport()
    assert await read_all(transport, request(server.url())) == (200, b"until the end")
    assert pooled(transport, server) == 0  # h11 says DONE, but the socket hit EOF
    assert await read_all(transport, request(server.url())) == (200, b"until the end")
    assert transport.connections_opened == server.connections == 2


@pytest.mark.trio
async def test_request_line_host_headers_and_body_are_sent(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok()))
    transport = TrioTransport()
    headers = (("Authorization", "Bearer sk-test"), ("Content-Type", "application/json"))
    url = server.url("/v1/threads/t/runs?limit=2")
    await read_all(transport, request(url, method="POST", body=b'{"a":1}', headers=headers))
    head, body = server.requests[0]
    assert head.method == b"POST"
    assert head.target == b"/v1/threads/t/runs?limit=2"
    assert head.headers.raw_items()[:3] == [
        (b"Host", f"127.0.0.1:{server.port}".encode()),
        (b"Authorization", b"Bearer sk-test"),
        (b"Content-Type", b"application/json"),
    ]
    assert (b"content-length", b"7") in list(head.headers)
    assert body == b'{"a":1}'


@pytest.mark.trio
async def test_chunk_size_bounds_each_read(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok(b"0123456789" * 3)))
    transport = TrioTransport(chunk_size=4)
    response = await transport.send(request(server.url()))
    chunks = [c async for c in response.aiter_bytes()]
    assert b"".join(chunks) == b"0123456789" * 3
    assert max(len(c) for c in chunks) <= 4


# ---------------------------------------------------------------------------- pooling


@pytest.mark.trio
async def test_sequential_requests_reuse_one_connection(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok()))
    transport = TrioTransport()
    assert await read_all(transport, request(server.url())) == (200, b"hello")
    assert pooled(transport, server) == 1
    assert await read_all(transport, request(server.url())) == (200, b"hello")
    assert server.connections == 1
    assert transport.connections_opened == 1


@pytest.mark.trio
async def test_response_closed_early_closes_its_connection(nursery: trio.Nursery) -> None:
    big = b"x" * 1_000_000
    server = await start(nursery, h11_server(ok(big)))
    transport = TrioTransport()
    response = await transport.send(request(server.url()))
    await response.aclose()
    assert await server.hangups.receive() == 1  # the server sees the client hang up
    assert await read_all(transport, request(server.url())) == (200, big)
    assert server.connections == transport.connections_opened == 2


@pytest.mark.trio
async def test_closing_after_the_last_chunk_keeps_the_connection(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok(b"abc")))
    transport = TrioTransport()
    response = await transport.send(request(server.url()))
    async for chunk in response.aiter_bytes():
        assert chunk == b"abc"
        break  # the caller stops at the last Data, before h11 reports EndOfMessage
    await response.aclose()
    await read_all(transport, request(server.url()))
    assert server.connections == 1


@pytest.mark.trio
async def test_idle_connections_beyond_max_keepalive_are_closed(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok()))
    transport = TrioTransport(max_keepalive=1)
    first = await transport.send(request(server.url()))
    second = await transport.send(request(server.url()))
    for response in (first, second):
        assert b"".join([c async for c in response.aiter_bytes()]) == b"hello"
    assert await server.hangups.receive() == 2  # the second released found the pool full
    await read_all(transport, request(server.url()))
    assert server.connections == 2


@pytest.mark.trio
async def test_aclose_closes_pooled_connections(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok()))
    transport = TrioTransport()
    await read_all(transport, request(server.url()))
    await transport.aclose()
    assert await server.hangups.receive() == 1
    with pytest.raises(RuntimeError):
        await transport.send(request(server.url()))


@pytest.mark.trio
async def test_stale_pooled_connection_is_replaced_transparently(nursery: trio.Nursery) -> None:
    server = await start(nursery, h11_server(ok(), close_after=1))
    transport = TrioTransport()
    await read_all(transport, request(server.url()))
    await server.server_closed.wait()  # the pooled connection is now dead
    assert await read_all(transport, request(server.url(), method="POST", body=b"{}")) == (
        200,
        b"hello",
    )
    assert transport.connections_opened == server.connections == 2


@pytest.mark.trio
async def test_no_silent_retry_once_response_bytes_arrived(nursery: trio.Nursery) -> None:
    ok_reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
    server = await start(nursery, raw(ok_reply, b"HTTP/1.1 200 O"))
    transport = TrioTransport()
    assert await read_all(transport, request(server.url())) == (200, b"ok")
    with pytest.raises(APIConnectionError) as info:
        await transport.send(request(server.url()))
    assert not isinstance(info.value, APITimeoutError)
    assert server.connections == 1


@pytest.mark.trio
async def test_fresh_connection_closed_without_response_is_an_error(
    nursery: trio.Nursery,
) -> None:
    server = await start(nursery, raw())  # reads nothing, answers nothing, closes
    transport = TrioTransport()
    with pytest.raises(APIConnectionError) as info:
        await transport.send(request(server.url()))
    assert info.value.request is not None
    assert server.connections == 1  # a fresh connection is never retried


# ---------------------------------------------------------------------------- failures


@pytest.mark.trio
@pytest.mark.parametrize(
    "reply",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
    ],
    ids=["content-length", "chunked"],
)
async def test_body_cut_short_raises_connection_error(nursery: trio.Nursery, reply: bytes) -> None:
    server = await start(nursery, raw(reply))
    transport = TrioTransport()
    response = await transport.send(request(server.url()))
    received = b""
    with pytest.raises(APIConnectionError) as info:
        async for chunk in response.aiter_bytes():
            received += chunk
    assert not isinstance(info.value, APITimeoutError)
    assert received in (b"only ten b", b"hello")


@pytest.mark.trio
async def test_stalled_head_raises_timeout(nursery: trio.Nursery) -> None:
    server = await start(nursery, raw(b"", then="wait"))
    transport = TrioTransport()
    with pytest.raises(APITimeoutError) as info:
        await transport.send(request(server.url(), timeout=0.2))
    assert info.value.request is not None
    assert await server.hangups.receive() == 1  # and the stalled connection was dropped


@pytest.mark.trio
async def test_stalled_body_raises_timeout(nursery: trio.Nursery) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome"
    server = await start(nursery, raw(head, then="wait"))
    transport = TrioTransport()
    response = await transport.send(request(server.url(), timeout=0.2))
    with pytest.raises(APITimeoutError):
        async for _ in response.aiter_bytes():
            pass
    assert await server.hangups.receive() == 1


@pytest.mark.trio
async def test_connection_refused_raises_connection_error() -> None:
    with trio.socket.socket() as sock:  # bound but not listening: connections are refused
        await sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        with pytest.raises(APIConnectionError) as info:
            await TrioTransport().send(request(f"http://127.0.0.1:{port}/"))
    assert not isinstance(info.value, APITimeoutError)


@pytest.mark.trio
async def test_cancelled_read_discards_the_connection(nursery: trio.Nursery) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nsome"
    server = await start(nursery, raw(head, then="wait"))
    transport = TrioTransport()
    response = await transport.send(request(server.url(), timeout=None))
    got: list[bytes] = []

    async def reader(task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        async for chunk in response.aiter_bytes():
            got.append(chunk)
            task_status.started()

    async with trio.open_nursery() as inner:
        await inner.start(reader)
        inner.cancel_scope.cancel()
    assert got == [b"some"]
    assert await server.hangups.receive() == 1
    assert pooled(transport, server) == 0


# ---------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def server_context(ca: trustme.CA, *names: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(context)
    return context


def trusting(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context()
    ca.configure_trust(context)
    return context


@pytest.mark.trio
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_tls_with_a_trusted_ca_succeeds(
    nursery: trio.Nursery, ca: trustme.CA, host: str
) -> None:
    tls = server_context(ca, "127.0.0.1", "localhost")
    server = await start(nursery, h11_server(ok(b"secret")), tls)
    transport = TrioTransport(ssl_context=trusting(ca))
    url = server.url(scheme="https", host=host)
    assert await read_all(transport, request(url)) == (200, b"secret")
    assert await read_all(transport, request(url)) == (200, b"secret")
    assert transport.connections_opened == 1


@pytest.mark.trio
async def test_tls_default_context_refuses_an_untrusted_certificate(
    nursery: trio.Nursery, ca: trustme.CA
) -> None:
    server = await start(nursery, h11_server(ok()), server_context(ca, "127.0.0.1"))
    with pytest.raises(APIConnectionError) as info:
        await TrioTransport().send(request(server.url(scheme="https")))
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert server.requests == []


@pytest.mark.trio
async def test_tls_refuses_a_certificate_for_another_host(
    nursery: trio.Nursery, ca: trustme.CA
) -> None:
    server = await start(nursery, h11_server(ok()), server_context(ca, "example.org"))
    transport = TrioTransport(ssl_context=trusting(ca))
    with pytest.raises(APIConnectionError) as info:
        await transport.send(request(server.url(scheme="https")))
    assert "CERTIFICATE_VERIFY_FAILED" in str(info.value)
    assert server.requests == []


@pytest.mark.trio
async def test_tls_close_delimited_body_without_close_notify(
    nursery: trio.Nursery, ca: trustme.CA
) -> None:
    tls = server_context(ca, "127.0.0.1")
    server = await start(nursery, raw(b"HTTP/1.1 200 OK\r\n\r\nuntil the end"), tls)
    transport = TrioTransport(ssl_context=trusting(ca))
    assert await read_all(transport, request(server.url(scheme="https"))) == (200, b"until the end")


@pytest.mark.trio
async def test_tls_verify_false_accepts_an_untrusted_certificate(
    nursery: trio.Nursery, ca: trustme.CA
) -> None:
    server = await start(nursery, h11_server(ok()), server_context(ca, "example.org"))
    transport = TrioTransport(verify=False)
    assert await read_all(transport, request(server.url(scheme="https"))) == (200, b"hello")


# ---------------------------------------------------------------------------- emulator


@pytest.mark.trio
async def test_streamed_run_against_the_emulator() -> None:
    with start_in_thread(api_key="sk-test") as emulator:
        builder = RequestBuilder(ClientConfig(api_key="sk-test", base_url=emulator.base_url))
        transport = TrioTransport()
        auth = (("Authorization", "Bearer sk-test"), ("Content-Type", "application/json"))
        new_thread = request(
            f"{emulator.base_url}/threads", method="POST", body=b"{}", headers=auth
        )
        status, body = await read_all(transport, new_thread)
        assert status == 200
        run = builder.create_run(json.loads(body)["id"], assistant_id="asst_text", stream=True)
        response = await transport.send(run)
        assert response.status == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = b"".join([chunk async for chunk in response.aiter_bytes()])
        assert events.startswith(b"event: thread.run.created\n")
        assert events.endswith(b"event: done\ndata: [DONE]\n\n")
        await transport.aclose()
        assert emulator.stats.connections_accepted == 1  # both requests on one connection
