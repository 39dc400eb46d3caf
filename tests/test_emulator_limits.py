"""The emulator as a shared server: bounded memory, timeouts, a connection cap, no key
served anywhere, and a loud warning when it listens for everyone without a key.

Timeouts are behaviour here, tested with small configured values: a connection must not
be dropped before its timeout, and must be dropped some time after it (the upper bounds
are generous; nothing here measures speed).
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests._helpers.emulator import AUTH, client_for, emulator_thread
from tests._helpers.emulator_command import EmulatorCommand

from runs_emulator import EmulatorServer, EmulatorThread, start_in_thread
from runs_emulator import _http as emulator_http

MiB = 1024 * 1024
AUTH_LINE = f"Authorization: {AUTH['Authorization']}\r\n".encode()
CREATE = b"POST /v1/threads/t_lim/runs HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE
SLACK_S = 5.0  # the most a drop may come after its timeout: generous, never a speed test


def _connect(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=10)


def _read_reply(sock: socket.socket) -> bytes:
    """Read until the server closes (or has sent one whole Content-Length response)."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
        head, sep, body = data.partition(b"\r\n\r\n")
        if sep and b"content-length: " in head.lower():
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            if len(body) >= length:
                return data


def _status(reply: bytes) -> int:
    assert reply.startswith(b"HTTP/1.1 "), reply[:100]
    return int(reply.split(b" ", 2)[1])


def _closed_after(sock: socket.socket, limit: float) -> tuple[float, bytes]:
    """Wait for the server to close ``sock``; how long it took and what it sent first."""
    started = time.monotonic()
    data = b""
    sock.settimeout(limit)
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            return time.monotonic() - started, data
        data += chunk


# -- bounded bodies ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small() -> Iterator[EmulatorThread]:
    """An emulator with a 1000-byte body limit and short timeouts."""
    yield from emulator_thread(
        max_body_bytes=1000, header_timeout=0.5, body_timeout=0.5, idle_timeout=0.5
    )


def test_a_declared_length_over_the_limit_is_refused_before_the_body(small: EmulatorThread) -> None:
    for declared in (1001, 64 * MiB, 10 * 1024**3):
        with _connect(small.port) as sock:
            sock.sendall(CREATE + f"Content-Length: {declared}\r\n\r\n".encode())
            reply = _read_reply(sock)  # answered although not one body byte was sent
        assert _status(reply) == 413
        error = json.loads(reply.partition(b"\r\n\r\n")[2])["error"]
        assert error["code"] == "request_too_large" and str(declared) in error["message"]
        assert b"connection: close" in reply.lower()


def test_expect_100_continue_over_the_limit_gets_413_and_no_100(small: EmulatorThread) -> None:
    with _connect(small.port) as sock:
        sock.sendall(CREATE + b"Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        reply = _read_reply(sock)
    assert _status(reply) == 413 and b"100 Continue" not in reply


def test_a_chunked_body_is_counted_as_it_arrives(small: EmulatorThread) -> None:
    body = json.dumps({"assistant_id": "asst_text", "metadata": {"pad": "x" * 400}}).encode()
    assert len(body) < 1000
    with _connect(small.port) as sock:
        sock.sendall(CREATE + b"Transfer-Encoding: chunked\r\n\r\n")
        sock.sendall(b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
        assert _status(_read_reply(sock)) == 200
    with _connect(small.port) as sock:
        sock.sendall(CREATE + b"Transfer-Encoding: chunked\r\n\r\n")
        for _ in range(3):
            sock.sendall(b"%x\r\n%s\r\n" % (len(body), body))
        reply = _read_reply(sock)
    assert _status(reply) == 413


def test_exactly_the_limit_is_accepted(small: EmulatorThread) -> None:
    body = json.dumps({"assistant_id": "asst_text", "instructions": ""}).encode()
    body = body.replace(
        b'"instructions": ""', b'"instructions": "' + b"x" * (1000 - len(body)) + b'"'
    )
    assert len(body) == 1000
    with client_for(small) as client:
        assert client.post("/threads/t_lim/runs", content=body).status_code == 200


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def _send_huge(port: int, head: bytes, body_mb: int, chunked: bool) -> int | None:
    """Send a head and up to ``body_mb`` MiB; the status, if the server answered."""
    piece = b"x" * MiB
    with _connect(port) as sock:
        try:
            sock.sendall(head)
            for _ in range(body_mb):
                sock.sendall(b"100000\r\n" + piece + b"\r\n" if chunked else piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed mid-body: expected
        try:
            reply = _read_reply(sock)
        except OSError:
            return None
    return _status(reply) if reply else None


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc (Linux)")
def test_huge_bodies_leave_the_peak_rss_flat() -> None:
    with EmulatorCommand("--max-body-bytes", str(MiB)) as command:
        proc, base_url = command.proc, command.base_url
        port = int(base_url.rsplit(":", 1)[1].split("/")[0])
        with httpx.Client(base_url=base_url, headers=AUTH) as client:  # warm up
            assert client.post("/threads/t/runs", json={"assistant_id": "asst_text"}).is_success
        before = _peak_rss_mb(proc.pid)
        statuses = [
            _send_huge(port, CREATE + b"Content-Length: %d\r\n\r\n" % (64 * MiB), 64, False),
            _send_huge(port, CREATE + b"Transfer-Encoding: chunked\r\n\r\n", 64, True),
            _send_huge(port, CREATE + b"Content-Length: %d\r\n\r\n" % (10 * 1024**3), 64, False),
        ]
        growth = _peak_rss_mb(proc.pid) - before
        with httpx.Client(base_url=base_url, headers=AUTH) as client:  # still serving
            assert client.get("/threads/t/runs").status_code == 200
    assert set(statuses) <= {413, None} and 413 in statuses
    assert growth < 16, f"peak RSS grew {growth:.1f} MiB refusing three 64 MiB bodies"


# -- timeouts and the connection cap -----------------------------------------------------------


def test_a_slow_request_head_is_dropped_with_408_on_time(small: EmulatorThread) -> None:
    socks = [_connect(small.port) for _ in range(5)]
    started = time.monotonic()
    closed: dict[int, tuple[float, bytes]] = {}
    replies = dict.fromkeys(range(len(socks)), b"")
    for sock in socks:  # a partial head at once, then one more byte every 50 ms
        sock.sendall(b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nX-Pad: ")
    with client_for(small) as client:
        while len(closed) < len(socks) and time.monotonic() - started < 0.5 + SLACK_S:
            for i, sock in enumerate(socks):
                if i not in closed:
                    with contextlib.suppress(OSError):
                        sock.send(b"a")
            readable, _, _ = select.select(
                [s for i, s in enumerate(socks) if i not in closed], [], [], 0.05
            )
            for sock in readable:
                i = socks.index(sock)
                try:
                    chunk = sock.recv(65536)
                except ConnectionResetError:
                    chunk = b""
                replies[i] += chunk
                if not chunk:
                    closed[i] = (time.monotonic() - started, replies[i])
            assert client.get("/threads/t/runs").status_code == 200  # others are served
    for sock in socks:
        sock.close()
    assert len(closed) == len(socks)
    for elapsed, reply in closed.values():
        assert elapsed >= 0.45  # never before the header timeout (less the first byte's wait)
        assert _status(reply) == 408


def test_an_idle_connection_is_closed_on_time_fresh_or_kept_alive(small: EmulatorThread) -> None:
    fresh = _connect(small.port)
    fresh_since = time.monotonic()
    kept = _connect(small.port)
    kept.sendall(b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n")
    assert _status(_read_reply(kept)) == 200
    kept_since = time.monotonic()
    for sock, since in ((fresh, fresh_since), (kept, kept_since)):
        _, data = _closed_after(sock, 0.5 + SLACK_S)
        assert time.monotonic() - since >= 0.45 and data == b""  # closed without a word
        sock.close()


def test_a_slow_body_is_dropped_with_408(small: EmulatorThread) -> None:
    with _connect(small.port) as sock:
        sock.sendall(CREATE + b"Content-Length: 100\r\n\r\n{")
        elapsed, reply = _closed_after(sock, 0.5 + SLACK_S)
    assert elapsed >= 0.45 and _status(reply) == 408


def test_at_the_cap_waiting_connections_make_room_and_busy_ones_are_kept() -> None:
    with start_in_thread(max_connections=6, idle_timeout=60, header_timeout=60) as emu:
        idle = [_connect(emu.port) for _ in range(4)]
        slow = [_connect(emu.port) for _ in range(2)]
        for sock in slow:
            sock.sendall(b"GET /v1/thr")
        time.sleep(0.2)
        assert emu.stats.connections_open == 6
        served = []
        for _ in range(3):  # each well-formed request still gets served (clients kept open)
            client = client_for(emu)
            served.append(client)
            assert client.get("/threads/t/runs").status_code == 200
        assert emu.stats.connections_evicted == 3
        for sock in idle[:3]:  # the ones that waited longest went first
            assert _closed_after(sock, SLACK_S)[1] == b""
        for item in [*served, *idle, *slow]:
            item.close()
        # Six streams held open (not read): every connection is busy answering.
        body = {"assistant_id": "asst_long", "stream": True, "metadata": {"deltas": "100000"}}
        clients = [client_for(emu) for _ in range(6)]
        streams = [c.stream("POST", "/threads/t_cap/runs", json=body) for c in clients]
        try:
            for stream in streams:
                assert stream.__enter__().status_code == 200
            time.sleep(0.2)
            with _connect(emu.port) as sock:
                sock.sendall(
                    b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n"
                )
                reply = _read_reply(sock)
            assert _status(reply) == 503 and b"retry-after: 1" in reply.lower()
            assert emu.stats.connections_refused >= 1
        finally:
            for stream in streams:
                stream.__exit__(None, None, None)
            for client in clients:
                client.close()


def test_a_client_hanging_up_on_an_idle_stream_frees_its_connection_at_once() -> None:
    # The run pauses a minute between events: the hang-up must not wait for the next one.
    body = {"assistant_id": "asst_text", "stream": True, "metadata": {"emulator_step_ms": "60000"}}
    with start_in_thread() as emu:
        with client_for(emu) as client, client.stream("POST", "/threads/t/runs", json=body) as r:
            chunks = r.iter_raw()  # kept: a dropped iterator closes the response
            assert b"thread.run.queued" in next(chunks)
            time.sleep(0.05)
            assert emu.stats.connections_open == 1 and emu.stats.streams_aborted == 0
        for _ in range(500):  # bounded by polls; the drop itself is immediate
            if emu.stats.connections_open == 0:
                break
            time.sleep(0.01)
        assert emu.stats.connections_open == 0 and emu.stats.streams_aborted == 1
        with client_for(emu) as client:  # a pipelined-style reuse still works
            assert client.get("/threads/t/runs").status_code == 200


def test_limits_are_validated() -> None:
    for bad in ({"max_body_bytes": -1}, {"header_timeout": 0}, {"max_connections": 0}):
        with pytest.raises(ValueError):
            EmulatorServer(**bad)  # type: ignore[arg-type]


# -- no key served, logged or printed ---------------------------------------------------------

SERVER_KEY = "sk-emulator-secret-0123456789abcdef"
REJECTED = "sk-rejected-9876543210fedcba-xyz"


def test_no_key_is_served_and_admin_needs_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with start_in_thread(api_key=SERVER_KEY) as emu:
        root = emu.base_url.removesuffix("/v1")
        good = {"Authorization": f"Bearer {SERVER_KEY}"}
        bad = {"Authorization": f"Bearer {REJECTED}"}
        wrong = httpx.get(emu.base_url + "/threads/t/runs", headers=bad)
        assert wrong.status_code == 401
        httpx.get(emu.base_url + "/threads/t/runs", headers=good)
        httpx.post(emu.base_url + "/threads/t/runs", headers={**bad, "X-Api-Key": REJECTED})
        assert httpx.get(root + "/_emulator/stats").status_code == 401
        assert httpx.get(root + "/_emulator/stats", headers=bad).status_code == 401
        assert httpx.get(root + "/_emulator/other", headers=good).status_code == 404
        stats = httpx.get(root + "/_emulator/stats", headers=good)
        assert stats.status_code == 200 and stats.json()["requests"] >= 3
        served = wrong.text + stats.text + repr(emu.stats.log) + repr(emu.server.__dict__)
        masked = {None, f"Bearer sk-****{SERVER_KEY[-4:]}", f"Bearer sk-****{REJECTED[-4:]}"}
        assert {record.header("authorization") for record in emu.stats.log} <= masked
    logged = caplog.text
    for key in (SERVER_KEY, REJECTED):
        for text in (served, logged):
            assert key not in text and key[3:-4] not in text


def test_without_a_key_admin_is_open_on_loopback(emu_default: EmulatorThread) -> None:
    root = emu_default.base_url.removesuffix("/v1")
    assert httpx.get(root + "/_emulator/stats").status_code == 200


@pytest.fixture(scope="module")
def emu_default() -> Iterator[EmulatorThread]:
    yield from emulator_thread()


def test_keys_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[Any, Any]] = []

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return hmac.compare_digest(a, b)

    monkeypatch.setattr(emulator_http, "compare_digest", spy)
    with start_in_thread(api_key="k") as emu:
        for key in ("k", "kk", "a-much-longer-wrong-key"):
            httpx.get(emu.base_url + "/threads/t/runs", headers={"Authorization": f"Bearer {key}"})
    assert len(calls) == 3
    assert all(isinstance(a, bytes) and len(a) == len(b) == 32 for a, b in calls)  # digests


def _cli(*args: str, env: dict[str, str] | None = None) -> tuple[str, str]:
    """Start the command, make a few requests, stop it: what it printed (out, err)."""
    with EmulatorCommand(*args, env=env) as command:
        url = command.base_url + "/threads/t/runs"
        for key in (SERVER_KEY, REJECTED):
            httpx.get(url, headers={"Authorization": f"Bearer {key}"})
    return command.interrupt()


def test_the_command_prints_no_key_and_warns_when_open_to_all() -> None:
    out, err = _cli("--api-key", SERVER_KEY)
    assert "listening on http://127.0.0.1:" in out
    assert SERVER_KEY not in out + err and REJECTED not in out + err
    assert "WARNING" not in err
    out, err = _cli("--host", "0.0.0.0")
    assert "WARNING" in err and "0.0.0.0 without --api-key" in err
    out, err = _cli("--host", "0.0.0.0", env={"RUNS_EMULATOR_API_KEY": SERVER_KEY})
    assert "WARNING" not in err and SERVER_KEY not in out + err


def test_it_listens_on_loopback_by_default(caplog: pytest.LogCaptureFixture) -> None:
    assert EmulatorServer().host == "127.0.0.1"
    with start_in_thread() as emu:
        assert emu.base_url.startswith("http://127.0.0.1:")
    with caplog.at_level(logging.WARNING, logger="runs_emulator"), start_in_thread(host="0.0.0.0"):
        pass
    assert "without --api-key" in caplog.text
