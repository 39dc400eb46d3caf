"""Bounded memory against a hostile server, on all five transports.

A tiny server started here misbehaves on purpose: a JSON body that never ends, an SSE
line that never ends, endless bytes after ``done``, an ``error`` event. Each limit must
raise :class:`~runs_core.LimitExceededError` (with the response's request id) and the
client must hang up: the server only stops writing once its socket fails.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from tests._helpers.unified import make_client, run_scenario

import runs_core
from runs_core import DEFAULT_MAX_EVENT_SIZE, DEFAULT_MAX_TRAILING_BYTES

_SSE_HEAD = "content-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
_DONE = b"event: thread.unknown\ndata: {}\n\nevent: done\ndata: [DONE]\n\n"
_ERROR = b'event: error\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n'


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


class HostileServer:
    """Answers ``/v1/threads/<behaviour>/...`` with that behaviour, one thread per socket.

    ``hung_up[behaviour]`` is set once the client closed a connection the server was still
    writing to (a send failed): proof that the client gave up on an endless body.
    """

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        self.hung_up: dict[str, threading.Event] = {}
        self.sent: dict[str, int] = {}
        threading.Thread(target=self._accept, daemon=True).start()

    def event(self, behaviour: str) -> threading.Event:
        return self.hung_up.setdefault(behaviour, threading.Event())

    def close(self) -> None:
        self.sock.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                data = conn.recv(65536)
                if not data:
                    return
                head += data
            target = head.split(b" ", 2)[1].decode()
            behaviour = target.split("/threads/", 1)[1].split("/", 1)[0]
            try:
                self._respond(conn, behaviour)
            except OSError:
                self.event(behaviour).set()

    def _respond(self, conn: socket.socket, behaviour: str) -> None:
        def head(extra: str) -> None:
            conn.sendall(
                f"HTTP/1.1 200 OK\r\nx-request-id: req_hostile_{behaviour}\r\n{extra}\r\n".encode()
            )

        filler = b"x" * 65536
        sent = 0
        if behaviour == "endless-json":
            head("content-type: application/json\r\ncontent-length: 100000000000\r\n")
            while True:
                conn.sendall(filler)
                sent += len(filler)
                self.sent[behaviour] = sent
        elif behaviour == "endless-line":
            head(_SSE_HEAD)
            conn.sendall(_chunk(b"data: "))
            while True:
                conn.sendall(_chunk(filler))
                sent += len(filler)
                self.sent[behaviour] = sent
        elif behaviour == "endless-after-done":
            head(_SSE_HEAD)
            conn.sendall(_chunk(_DONE))
            keepalive = b": still here\n" * 5000
            while True:
                conn.sendall(_chunk(keepalive))
        elif behaviour == "error-event":
            head(_SSE_HEAD)
            conn.sendall(_chunk(_ERROR) + b"0\r\n\r\n")
        else:  # pragma: no cover - a typo in a test
            raise AssertionError(behaviour)


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.close()


async def _read_stream(client: Any, behaviour: str) -> list[Any]:
    stream = await client.runs.create(behaviour, assistant_id="asst_text", stream=True)
    return [event async for event in stream]


def _provoke(
    transport: tuple[str, str], hostile: HostileServer, behaviour: str, **options: Any
) -> BaseException:
    caught: list[BaseException] = []

    async def scenario() -> None:
        client = make_client(transport, hostile.base_url, max_retries=0, **options)
        try:
            if behaviour == "endless-json":
                await client.runs.retrieve("run_x", thread_id=behaviour)
            else:
                await _read_stream(client, behaviour)
        except runs_core.RunsError as error:
            caught.append(error)
        finally:
            await client.close()

    run_scenario(transport, scenario)
    assert caught, f"{behaviour}: no error raised"
    return caught[0]


def _hung_up(hostile: HostileServer, behaviour: str) -> bool:
    # A bound on the wait only, so a client that never hangs up fails instead of hanging.
    return hostile.event(behaviour).wait(60)


def test_endless_json_body_stops_at_max_body_bytes(
    hostile: HostileServer, transport: tuple[str, str]
) -> None:
    hostile.event("endless-json").clear()
    error = _provoke(transport, hostile, "endless-json", max_body_bytes=100_000)
    assert isinstance(error, runs_core.LimitExceededError), repr(error)
    assert "max_body_bytes" in str(error)
    assert getattr(error, "request_id", None) == "req_hostile_endless-json"
    assert _hung_up(hostile, "endless-json")


def test_endless_sse_line_stops_at_the_event_size_limit(
    hostile: HostileServer, transport: tuple[str, str]
) -> None:
    hostile.event("endless-line").clear()
    error = _provoke(transport, hostile, "endless-line")
    assert isinstance(error, runs_core.LimitExceededError), repr(error)
    assert "max_event_size" in str(error)
    assert getattr(error, "request_id", None) == "req_hostile_endless-line"
    assert _hung_up(hostile, "endless-line")
    # The client read about one limit's worth, not everything the server could send.
    assert hostile.sent["endless-line"] < DEFAULT_MAX_EVENT_SIZE + 32 * 1024 * 1024


def test_endless_bytes_after_done_stop_at_the_trailing_limit(
    hostile: HostileServer, transport: tuple[str, str]
) -> None:
    hostile.event("endless-after-done").clear()
    error = _provoke(transport, hostile, "endless-after-done")
    assert isinstance(error, runs_core.LimitExceededError), repr(error)
    assert f"more than {DEFAULT_MAX_TRAILING_BYTES} bytes" in str(error)
    assert getattr(error, "request_id", None) == "req_hostile_endless-after-done"
    assert _hung_up(hostile, "endless-after-done")


def test_events_before_done_are_delivered_before_the_trailing_limit(
    hostile: HostileServer, transport: tuple[str, str]
) -> None:
    seen: list[str] = []

    async def scenario() -> None:
        client = make_client(transport, hostile.base_url, max_retries=0)
        stream = await client.runs.create("endless-after-done", assistant_id="a", stream=True)
        try:
            with pytest.raises(runs_core.LimitExceededError):
                async for event in stream:
                    seen.append(event.event)
        finally:
            await client.close()

    run_scenario(transport, scenario)
    assert seen == ["thread.unknown"]


def test_error_event_carries_the_request_id(
    hostile: HostileServer, transport: tuple[str, str]
) -> None:
    error = _provoke(transport, hostile, "error-event")
    assert isinstance(error, runs_core.StreamErrorEvent), repr(error)
    assert "boom" in str(error)
    assert error.request_id == "req_hostile_error-event"


# -- the limits are configurable (core decoder; clients use the defaults) ----------------


def test_event_size_limit_applies_to_a_line_without_newline() -> None:
    decoder = runs_core.AssistantStreamDecoder(max_event_size=1024)
    with pytest.raises(runs_core.LimitExceededError, match="max_event_size=1024"):
        decoder.feed(b"data: " + b"x" * 2048)


def test_trailing_limit_is_configurable() -> None:
    decoder = runs_core.AssistantStreamDecoder(max_trailing_bytes=10)
    decoder.feed(_DONE)
    decoder.feed(b"0123456789")
    with pytest.raises(runs_core.LimitExceededError, match="more than 10 bytes"):
        decoder.feed(b"!")


def test_a_stream_built_with_a_smaller_event_limit_stops_early(hostile: HostileServer) -> None:
    from runs_adapters import Stream
    from runs_adapters.httpx_sync import HttpxTransport

    hostile.event("endless-line").clear()
    config = runs_core.ClientConfig(api_key="sk-test", base_url=hostile.base_url, max_retries=0)
    request = runs_core.RequestBuilder(config).create_run(
        "endless-line", assistant_id="a", stream=True
    )
    transport = HttpxTransport()
    decoder = runs_core.AssistantStreamDecoder(max_event_size=4096)
    try:
        stream = Stream(transport.send(request), request, decoder=decoder)
        with pytest.raises(runs_core.LimitExceededError, match="max_event_size=4096"):
            list(stream)
    finally:
        transport.close()
    assert _hung_up(hostile, "endless-line")
    assert hostile.sent["endless-line"] < DEFAULT_MAX_EVENT_SIZE
