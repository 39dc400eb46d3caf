"""Each `X-Emulator-Fault` directive, observed on the wire by a raw client."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest
from tests._helpers.emulator import KEY, client_for, decoded, parse_sse

from runs_emulator import EmulatorThread

FAULT = "X-Emulator-Fault"


def raw_exchange(
    emu: EmulatorThread, method: str, path: str, body: dict[str, object] | None, fault: str
) -> tuple[bytes, bytes]:
    """Send one request on a fresh socket and read until the server closes; (head, body)."""
    payload = json.dumps(body).encode() if body is not None else b""
    request = (
        f"{method} /v1{path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {KEY}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
        f"{FAULT}: {fault}\r\nConnection: close\r\n\r\n"
    ).encode() + payload
    with socket.create_connection(("127.0.0.1", emu.port), timeout=30) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    head, _, rest = received.partition(b"\r\n\r\n")
    return head, rest


def dechunk(body: bytes) -> tuple[list[bytes], bool]:
    """Chunks of a chunked body, and whether the terminating zero chunk arrived."""
    chunks, pos = [], 0
    while pos < len(body):
        line_end = body.find(b"\r\n", pos)
        if line_end < 0:
            return chunks, False
        size = int(body[pos:line_end], 16)
        if size == 0:
            return chunks, True
        start = line_end + 2
        chunks.append(body[start : start + size])
        if len(body) < start + size + 2:
            return chunks, False
        pos = start + size + 2
    return chunks, False


STREAM = {"assistant_id": "asst_text", "stream": True}


def test_status_with_retry_headers(client: httpx.Client) -> None:
    fault = "status=503; retry-after=1; retry-after-ms=20; should-retry=false"
    response = client.get("/threads/t/runs", headers={FAULT: fault})
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["retry-after-ms"] == "20"
    assert response.headers["x-should-retry"] == "false"
    assert response.json()["error"]["type"] == "server_error"
    limited = client.get("/threads/t/runs", headers={FAULT: "status=429"})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"


def test_times_counts_per_key(client: httpx.Client) -> None:
    headers = {FAULT: "status=500; times=2; key=k-times"}
    codes = [client.get("/threads/t/runs", headers=headers).status_code for _ in range(4)]
    assert codes == [500, 500, 200, 200]
    other = client.get("/threads/t/runs", headers={FAULT: "status=500; times=1; key=k-other"})
    assert other.status_code == 500


def test_bad_fault_header_is_rejected(client: httpx.Client) -> None:
    response = client.get("/threads/t/runs", headers={FAULT: "explode=yes"})
    assert response.status_code == 400
    assert "unknown directive 'explode'" in response.json()["error"]["message"]


def test_drop_after_bytes_truncates_json_body(emu: EmulatorThread) -> None:
    head, body = raw_exchange(emu, "GET", "/threads/t_drop/runs", None, "drop-after-bytes=10")
    assert b"200 OK" in head.split(b"\r\n")[0]
    length = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length"))
                 .split(b":")[1])  # fmt: skip
    assert body.startswith(b'{"object"')
    assert len(body) == 10 < length
    with client_for(emu) as c, pytest.raises(httpx.RemoteProtocolError):
        c.get("/threads/t_drop/runs", headers={FAULT: "drop-after-bytes=10"})


def test_drop_after_events_cuts_the_stream(emu: EmulatorThread) -> None:
    _, body = raw_exchange(emu, "POST", "/threads/t_dropev/runs", STREAM, "drop-after-events=3")
    chunks, terminated = dechunk(body)
    assert not terminated
    names = [name for name, _ in parse_sse(b"".join(chunks))]
    assert names == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    with client_for(emu) as c, pytest.raises(httpx.RemoteProtocolError):
        c.post("/threads/t_dropev/runs", json=STREAM, headers={FAULT: "drop-after-events=3"})


def test_stall_holds_the_stream_then_resumes(emu: EmulatorThread) -> None:
    timeout = httpx.Timeout(30, read=0.2)
    with client_for(emu) as c:
        headers = {FAULT: "stall=30; stall-after-events=2"}
        with c.stream("POST", "/threads/t_stall/runs", json=STREAM, headers=headers,
                      timeout=timeout) as response:  # fmt: skip
            lines = response.iter_lines()
            received = []
            with pytest.raises(httpx.ReadTimeout):
                for line in lines:
                    received.append(line)
        assert [line for line in received if line.startswith("event:")] == [
            "event: thread.run.created",
            "event: thread.run.queued",
        ]
        short = c.post("/threads/t_stall/runs", json=STREAM, headers={FAULT: "stall=0.05"})
        assert parse_sse(short.content)[-1] == ("done", "[DONE]")


def test_malformed_sse_injects_a_bad_event(client: httpx.Client) -> None:
    response = client.post("/threads/t_msse/runs", json=STREAM, headers={FAULT: "malformed-sse"})
    events = parse_sse(response.content)
    bad = [data for _, data in events if not _is_json(data) and data != "[DONE]"]
    assert len(bad) == 1
    assert events[0][0] == "thread.run.created" and events[-1] == ("done", "[DONE]")


def _is_json(data: str) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def test_malformed_json_body(client: httpx.Client) -> None:
    response = client.get("/threads/t/runs", headers={FAULT: "malformed-json"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    with pytest.raises(ValueError):
        response.json()


def test_no_done_ends_cleanly_without_done(client: httpx.Client) -> None:
    response = client.post("/threads/t_nd/runs", json=STREAM, headers={FAULT: "no-done"})
    events = parse_sse(response.content)
    assert events[-1][0] == "thread.run.completed"
    assert "done" not in [name for name, _ in events]


def test_drip_sends_small_chunks(emu: EmulatorThread) -> None:
    _, body = raw_exchange(emu, "POST", "/threads/t_drip/runs", STREAM, "drip=7; drip-delay-ms=0")
    chunks, terminated = dechunk(body)
    assert terminated
    assert max(len(c) for c in chunks) <= 7 and len(chunks) > 100
    assert parse_sse(b"".join(chunks))[-1] == ("done", "[DONE]")


def test_drop_response_does_the_work_and_idempotent_retry_gets_it(
    emu: EmulatorThread, client: httpx.Client
) -> None:
    before = emu.stats.runs_created
    headers = {FAULT: "drop-response; times=1; key=k-drop", "Idempotency-Key": "drop-1"}
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/threads/t_dr/runs", json={"assistant_id": "asst_text"}, headers=headers)
    assert emu.stats.runs_created == before + 1
    retried = client.post("/threads/t_dr/runs", json={"assistant_id": "asst_text"}, headers=headers)
    assert retried.status_code == 200
    assert emu.stats.runs_created == before + 1
    listed = client.get("/threads/t_dr/runs").json()["data"]
    assert [r["id"] for r in listed] == [retried.json()["id"]]


def test_stream_retry_with_same_key_replays_the_same_run(
    emu: EmulatorThread, client: httpx.Client
) -> None:
    headers = {FAULT: "drop-after-events=4; times=1; key=k-sdrop", "Idempotency-Key": "sdrop"}
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/threads/t_sdrop/runs", json=STREAM, headers=headers)
    again = decoded(
        parse_sse(client.post("/threads/t_sdrop/runs", json=STREAM, headers=headers).content)
    )
    assert again[-1] == ("done", "[DONE]")
    assert len(client.get("/threads/t_sdrop/runs").json()["data"]) == 1


def test_client_closing_a_stream_early_is_counted(emu: EmulatorThread) -> None:
    before = emu.stats.streams_aborted
    body = {"assistant_id": "asst_long", "stream": True, "metadata": {"deltas": "2000000"}}
    with client_for(emu) as c, c.stream("POST", "/threads/t_abort/runs", json=body) as response:
        for _ in response.iter_bytes():
            break
    for _ in range(2000):
        if emu.stats.streams_aborted > before:
            break
        time.sleep(0.005)
    assert emu.stats.streams_aborted == before + 1


def test_injected_status_is_not_remembered_by_idempotency(
    emu: EmulatorThread, client: httpx.Client
) -> None:
    before = emu.stats.runs_created
    headers = {FAULT: "status=503; times=1; key=k-idem503", "Idempotency-Key": "idem-503"}
    body = {"assistant_id": "asst_text"}
    assert client.post("/threads/t_i503/runs", json=body, headers=headers).status_code == 503
    assert emu.stats.runs_created == before
    retried = client.post("/threads/t_i503/runs", json=body, headers=headers)
    assert retried.status_code == 200 and emu.stats.runs_created == before + 1
    again = client.post("/threads/t_i503/runs", json=body, headers=headers)
    assert again.json()["id"] == retried.json()["id"]
