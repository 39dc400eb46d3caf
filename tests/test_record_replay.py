"""Recording a stream (``runs record``) and serving it again (``runs emulator --replay``).

The promise is that a capture is the stream as the client received it, byte for byte,
that nothing secret ends up in the file, and that a replay hands a client the very same
events, with the capture's quirks (CRLF, no final blank line) kept rather than fixed.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest

from runs_adapters import AsyncClient, Client
from runs_adapters._record import (
    AsyncRecordingTransport,
    CaptureFile,
    RecordingTransport,
    capture_header,
    read_capture,
)
from runs_adapters.cli import main
from runs_core import (
    AssistantStreamDecoder,
    AssistantStreamEvent,
    DoneEvent,
    Headers,
    Request,
    ResultKind,
)
from runs_emulator import EmulatorServer, EmulatorThread, start_in_thread

KEY = "sk-test-record"


@pytest.fixture(scope="module")
def source() -> Iterator[EmulatorThread]:
    """The server streams are recorded from."""
    with start_in_thread() as emulator:
        yield emulator


def decoded(body: bytes) -> tuple[str, list[AssistantStreamEvent]]:
    """What decoding the bytes directly gives: the events a client yields (``done`` is
    consumed, not yielded) and how the stream ended (``ok`` or the error's class)."""
    decoder = AssistantStreamDecoder()
    events: list[AssistantStreamEvent] = []
    try:
        events += decoder.feed(body)
        events += decoder.end()
    except Exception as error:
        return type(error).__name__, [e for e in events if not isinstance(e, DoneEvent)]
    return "ok", [e for e in events if not isinstance(e, DoneEvent)]


def streamed(base_url: str, transport: str, kind: str = "create_run") -> tuple[str, list[Any]]:
    """What a client yields for one stream request of ``kind`` (ids that were never
    recorded: a replay must not depend on them), and how the stream ended."""
    events: list[Any] = []
    is_async = transport in ("httpx-async", "aiohttp", "trio")
    name = "httpx" if transport == "httpx-async" else transport

    async def run_async() -> None:
        async with AsyncClient(api_key=KEY, base_url=base_url, transport=name) as client:
            if kind == "create_run":
                stream = await client.runs.create(
                    "thread_replayed", assistant_id="asst_other", stream=True
                )
            else:
                stream = await client.beta.threads.create_and_run(
                    assistant_id="asst_other", stream=True
                )
            async for event in stream:
                events.append(event)

    try:
        if is_async:
            if name == "trio":
                import trio

                trio.run(run_async)
            else:
                asyncio.run(run_async())
        else:
            with Client(api_key=KEY, base_url=base_url, transport=name) as client:
                if kind == "create_run":
                    opened = client.runs.create(
                        "thread_replayed", assistant_id="asst_other", stream=True
                    )
                else:
                    opened = client.beta.threads.create_and_run(
                        assistant_id="asst_other", stream=True
                    )
                events.extend(opened)
    except Exception as error:
        return type(error).__name__, events
    return "ok", events


def raw_stream(base_url: str, path: str = "/threads/thread_raw/runs") -> httpx.Response:
    """One stream request sent by plain httpx: the bytes and headers as served."""
    body = {"assistant_id": "asst_text", "stream": True}
    with httpx.Client() as client:
        response = client.post(
            base_url + path, json=body, headers={"Authorization": f"Bearer {KEY}"}
        )
        response.read()
        return response


def write_capture(path: Path, body: bytes, *, request_path: str, **response: Any) -> Path:
    """A capture written by hand, as one from another machine would arrive."""
    header = {
        "format": "runs-capture",
        "version": 1,
        "request": {"method": "POST", "path": request_path},
        "response": {"status": 200, "headers": [["content-type", "text/event-stream"]]},
    }
    header["response"].update(response)
    path.write_bytes(b": runs-capture " + json.dumps(header).encode() + b"\n" + body)
    return path


def record(source: EmulatorThread, out: Path, *extra: str) -> int:
    return main(
        ["record", "--base-url", source.base_url, "--api-key", KEY, "--out", str(out), *extra]
    )


# -- the round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("transport", ["httpx", "requests", "httpx-async", "aiohttp", "trio"])
def test_a_recorded_stream_replays_as_the_same_events(
    transport: str, source: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.sse"
    args = ["--assistant-id", "asst_text", "--thread-id", "thread_rec", "--transport", transport]
    assert record(source, out, *args) == 0
    printed = capsys.readouterr().out
    header, body = read_capture(out)
    assert header["request"] == {"method": "POST", "path": "/v1/threads/thread_rec/runs"}
    assert header["response"]["status"] == 200
    ending, recorded = decoded(body)
    assert ending == "ok" and len(recorded) > 10
    assert f"({len(recorded)} events, run {recorded[0].data.id} completed)" in printed

    with start_in_thread(replay=out) as replay:
        assert streamed(replay.base_url, transport) == ("ok", recorded)
        assert replay.server.replay is not None and replay.server.replay.served == 1
        # served once: the next stream is the emulator's own (a run of its own making)
        ending, own = streamed(replay.base_url, transport)
        assert ending == "ok" and own[0].data.id != recorded[0].data.id


def test_recording_hands_the_client_what_it_would_have_read(
    source: EmulatorThread, tmp_path: Path
) -> None:
    """The transport wrapper copies bytes and changes nothing: the events the client
    yields while recording are the file's, and the file's body is the served one."""
    out = tmp_path / "lib.sse"
    with CaptureFile(out) as capture:
        transport = RecordingTransport(capture, "httpx")
        with Client(api_key=KEY, base_url=source.base_url, transport=transport) as client:
            seen = list(client.beta.threads.create_and_run(assistant_id="asst_code", stream=True))
    header, body = read_capture(out)
    assert header["request"]["path"] == "/v1/threads/runs"
    assert decoded(body) == ("ok", seen)
    assert seen[0].event == "thread.created"
    with start_in_thread(replay=out) as replay:
        served = raw_stream(replay.base_url, "/threads/runs")
        assert served.content == body
        kept = dict(header["response"]["headers"])
        assert served.headers["x-request-id"] == kept["x-request-id"]
        assert served.headers["transfer-encoding"] == "chunked"  # framed anew


def test_the_async_recorder_keeps_the_last_attempt_of_a_retried_stream(
    source: EmulatorThread, tmp_path: Path
) -> None:
    out = tmp_path / "retried.sse"
    fault = {"X-Emulator-Fault": "status=503; retry-after-ms=1; times=1; key=rec-retry"}

    async def go() -> list[Any]:
        with CaptureFile(out) as capture:
            transport = AsyncRecordingTransport(capture, "aiohttp")
            async with AsyncClient(
                api_key=KEY, base_url=source.base_url, transport=transport
            ) as client:
                stream = await client.runs.create(
                    "thread_retry", assistant_id="asst_text", stream=True, extra_headers=fault
                )
                return [event async for event in stream]

    seen = asyncio.run(go())
    header, body = read_capture(out)
    assert header["response"]["status"] == 200  # not the 503 the first attempt got
    assert decoded(body) == ("ok", seen)
    assert any(r.path.endswith("thread_retry/runs") for r in source.stats.recent(method="POST"))


def test_a_stream_left_early_is_not_written(source: EmulatorThread, tmp_path: Path) -> None:
    out = tmp_path / "partial.sse"
    out.write_bytes(b"the previous capture\n")
    capture = CaptureFile(out)
    with Client(
        api_key=KEY, base_url=source.base_url, transport=RecordingTransport(capture)
    ) as client:
        stream = client.runs.create(
            "thread_early", assistant_id="asst_long", stream=True, metadata={"deltas": "5000"}
        )
        next(iter(stream))
        stream.close()
    with pytest.raises(RuntimeError, match="not read to its end"):
        capture.commit()
    assert out.read_bytes() == b"the previous capture\n"
    assert [p.name for p in tmp_path.iterdir()] == ["partial.sse"]  # no temporary left


def test_record_from_the_embedded_emulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "offline.sse"
    assert main(["record", "--emulator", "--out", str(out)]) == 0
    header, body = read_capture(out)
    assert header["request"]["path"] == "/v1/threads/runs"
    assert decoded(body)[0] == "ok"
    assert out.read_bytes().startswith(b": runs-capture {")
    assert "completed) to" in capsys.readouterr().out


def test_a_run_waiting_for_tool_outputs_is_recorded_then_cancelled(
    source: EmulatorThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tool.sse"
    args = ["--assistant-id", "asst_weather", "--thread-id", "thread_tool"]
    assert record(source, out, *args) == 0
    assert "requires_action, then cancelled" in capsys.readouterr().out
    ending, events = decoded(read_capture(out)[1])
    assert ending == "ok" and events[-1].event == "thread.run.requires_action"
    with Client(api_key=KEY, base_url=source.base_url) as client:
        runs = client.runs.list("thread_tool")
        assert [run.status for run in runs.data] == ["cancelled"]


# -- what never reaches the file -----------------------------------------------------------


class _Leaky(BaseHTTPRequestHandler):
    """A server that sends every secret header there is with its stream."""

    protocol_version = "HTTP/1.1"
    server: _LeakyServer

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        self.server.seen.append((self.path, dict(self.headers.items())))
        body = self.server.body
        self.send_response(200)
        for name, value in self.server.extra:
            self.send_header(name, value)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _LeakyServer(ThreadingHTTPServer):
    seen: list[tuple[str, dict[str, str]]]
    body: bytes
    extra: list[tuple[str, str]]


@pytest.fixture
def leaky() -> Iterator[_LeakyServer]:
    server = _LeakyServer(("127.0.0.1", 0), _Leaky)
    server.seen, server.body, server.extra = [], b"event: done\ndata: [DONE]\n\n", []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_the_file_never_holds_the_key_or_a_secret_header(
    leaky: _LeakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = f"sk-planted-{uuid.uuid4().hex}"
    secrets = {
        "Set-Cookie": f"session={uuid.uuid4().hex}",
        "Authorization": f"Bearer {planted}",
        "api-key": planted,
        "OpenAI-Api-Key": planted,
        "Proxy-Authorization": f"Basic {uuid.uuid4().hex}",
        "OpenAI-Organization": f"org-{uuid.uuid4().hex}",
        "X-Internal-Token": f"tok-{uuid.uuid4().hex}",  # named with --sensitive-header
        "X-Echo": f"you sent {planted}",  # an unexpected place for the key
    }
    leaky.extra = [*secrets.items(), ("X-Fine", "keep-me")]
    port = leaky.server_address[1]
    out = tmp_path / "secret.sse"
    code = main([
        "record", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", planted,
        "--assistant-id", "asst_x", "--thread-id", "thread_s", "--out", str(out),
        "--sensitive-header", "x-internal-token",
    ])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    # the key did go over the wire, and the secret headers did come back
    assert leaky.seen[0][1]["Authorization"] == f"Bearer {planted}"
    data = out.read_bytes()
    assert planted.encode() not in data
    for name, value in secrets.items():
        assert value.encode() not in data, name
        assert value.split()[-1].encode() not in data, name
    header, body = read_capture(out)
    assert body == leaky.body
    assert ["X-Fine", "keep-me"] in header["response"]["headers"]
    kept = {name.lower() for name, _ in header["response"]["headers"]}
    assert kept.isdisjoint(name.lower() for name in secrets)
    assert set(header["omitted_headers"]) >= {name.lower() for name in secrets}
    assert planted not in capsys.readouterr().out


def test_a_body_holding_the_key_is_refused(
    leaky: _LeakyServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    planted = f"sk-planted-{uuid.uuid4().hex}"
    leaky.body = (
        b'event: custom.note\ndata: {"echo": "' + planted.encode() + b'"}\n\n'
        b"event: done\ndata: [DONE]\n\n"
    )
    out = tmp_path / "echo.sse"
    port = leaky.server_address[1]
    code = main([
        "record", "--base-url", f"http://127.0.0.1:{port}/v1", "--api-key", planted,
        "--assistant-id", "asst_x", "--thread-id", "thread_s", "--out", str(out),
    ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err
    assert "contains the API key" in err and planted not in err
    assert list(tmp_path.iterdir()) == []


def test_the_query_and_a_key_in_the_path_stay_out_of_the_header() -> None:
    planted = f"sk-planted-{uuid.uuid4().hex}"
    request = Request(
        "POST",
        f"https://gw.example/key/{planted}/openai/threads/runs?api-version=1&api-key={planted}",
        (("api-key", planted),),
        b"{}",
        True,
        None,
        ResultKind.EVENT_STREAM,
    )
    header = capture_header(request, 200, Headers([("content-type", "text/event-stream")]))
    assert header["request"] == {
        "method": "POST",
        "path": "/key/<redacted>/openai/threads/runs",
    }
    assert planted not in json.dumps(header)


# -- user mistakes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["record", "--api-key", "k", "--assistant-id", "a", "--base-url", "", "--out", "{out}"],
        ["record", "--api-key", "k", "--assistant-id", "a", "--base-url", "http://[::1"],
        ["record", "--api-key", "k", "--assistant-id", "a", "--base-url", "http://127.0.0.1:9/v1"],
        ["record", "--emulator", "--out", "{tmp}/missing/run.sse"],
        ["record", "--emulator", "--out", "{tmp}"],
        ["record", "--api-key", "k", "--base-url", "http://127.0.0.1:9/v1"],
        ["record", "--emulator", "--body", "[1]"],
        ["record", "--emulator", "--body", '{"stream": false}'],
        ["record", "--emulator", "--base-url", "http://127.0.0.1:9/v1"],
        ["emulator", "--replay", "{tmp}/missing.sse"],
        ["emulator", "--replay", "{bad}"],
        ["emulator", "--replay", "{out}", "--replay-times", "-1"],
    ],
)
def test_mistakes_get_one_line_and_no_traceback(argv: list[str], tmp_path: Path) -> None:
    bad = write_capture(tmp_path / "bad.sse", b"", request_path="/v1/assistants")
    out = str(tmp_path / "out.sse")
    filled = []
    for arg in argv:
        for place, value in (("{tmp}", str(tmp_path)), ("{out}", out), ("{bad}", str(bad))):
            arg = arg.replace(place, value)
        filled.append(arg)
    if "--out" not in filled and filled[0] == "record":
        filled += ["--out", out]
    result = subprocess.run(
        [sys.executable, "-m", "runs_adapters.cli", *filled],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode in (1, 2), result
    assert "Traceback" not in result.stderr + result.stdout
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(("runs record: ", "runs emulator: ")), result.stderr
    assert not Path(out).exists() or filled[0] == "emulator"


def test_an_http_error_is_one_line_and_leaves_the_old_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "run.sse"
    out.write_bytes(b"keep me")
    with start_in_thread(api_key="sk-the-right-one") as guarded:
        code = main([
            "record", "--base-url", guarded.base_url, "--api-key", "sk-a-wrong-one",
            "--assistant-id", "asst_text", "--out", str(out),
        ])  # fmt: skip
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("runs record: AuthenticationError: ") and "\n" not in err
    assert out.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["run.sse"]


def test_a_bad_replay_file_is_refused_when_the_server_is_built(tmp_path: Path) -> None:
    cases = {
        "not-json.sse": b": runs-capture {nope\n",
        "newer.sse": b': runs-capture {"version": 99}\n',
        "not-a-stream.sse": b': runs-capture {"request": {"method": "GET", "path": "/v1/x"}}\n',
        "bad-status.sse": b': runs-capture {"response": {"status": 101}}\n',
        "bad-header.sse": b': runs-capture {"response": {"headers": [["a b", "c"]]}}\n',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=f"replay file .*{name}"):
            EmulatorServer(replay=tmp_path / name)
    with pytest.raises(ValueError, match="No such file"):
        EmulatorServer(replay=tmp_path / "absent.sse")
    with pytest.raises(ValueError, match="replay_times"):
        EmulatorServer(replay=[], replay_times=-1)


# -- captures from elsewhere: served as they are -------------------------------------------

EVENTS = (
    b'event: thread.run.created\ndata: {"id":"run_x","object":"thread.run","created_at":1,'
    b'"thread_id":"thread_x","assistant_id":"asst_x","status":"queued","model":"gpt-4o",'
    b'"instructions":"","tools":[],"metadata":{},"parallel_tool_calls":true,'
    b'"tool_choice":"auto","response_format":"auto","truncation_strategy":{"type":"auto",'
    b'"last_messages":null},"required_action":null,"last_error":null,"expires_at":null,'
    b'"started_at":null,"cancelled_at":null,"failed_at":null,"completed_at":null,'
    b'"incomplete_details":null,"usage":null,"temperature":1.0,"top_p":1.0,'
    b'"max_prompt_tokens":null,"max_completion_tokens":null}\n\n'
    b'event: thread.message.delta\ndata: {"id":"msg_x","object":"thread.message.delta",'
    b'"delta":{"content":[{"index":0,"type":"text","text":{"value":"Hi"}}]}}\n\n'
)
QUIRKS = {
    "crlf": (EVENTS + b"event: done\ndata: [DONE]\n\n").replace(b"\n", b"\r\n"),
    "no-final-blank-line": EVENTS + b"event: done\ndata: [DONE]\n",
    "no-final-newline": EVENTS + b"event: done\ndata: [DONE]",
    "crlf-no-final-blank-line": (EVENTS + b"event: done\ndata: [DONE]\n").replace(b"\n", b"\r\n"),
}


@pytest.fixture
def replay_process(tmp_path: Path) -> Iterator[Any]:
    """``runs emulator --replay FILE`` in a process of its own; yields a starter."""
    started: list[subprocess.Popen[str]] = []

    def start(*files: Path, times: int = 1) -> str:
        command = [sys.executable, "-m", "runs_adapters.cli", "emulator", "--port", "0"]
        for file in files:
            command += ["--replay", str(file)]
        process = subprocess.Popen(
            [*command, "--replay-times", str(times)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("runs emulator listening on "), line + process.stderr.read()
        return line.split()[4]

    yield start
    for process in started:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize("quirk", sorted(QUIRKS))
@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
def test_a_quirky_capture_round_trips_through_the_emulator_command(
    quirk: str, transport: str, tmp_path: Path, replay_process: Any
) -> None:
    body = QUIRKS[quirk]
    capture = write_capture(tmp_path / "quirk.sse", body, request_path="/v1/threads/t/runs")
    base_url = replay_process(capture, times=2)
    assert raw_stream(base_url).content == body  # byte for byte: nothing normalised
    direct = decoded(body)
    assert direct[1], "the capture holds events"
    assert streamed(base_url, transport) == direct


def test_a_bare_sse_file_replays_for_any_stream_request(tmp_path: Path) -> None:
    bare = tmp_path / "bare.sse"
    bare.write_bytes(QUIRKS["crlf"])
    assert read_capture(bare) == ({}, QUIRKS["crlf"])
    with start_in_thread(replay=bare, replay_times=2) as replay:
        assert streamed(replay.base_url, "httpx", kind="create_thread_and_run") == decoded(
            QUIRKS["crlf"]
        )
        served = raw_stream(replay.base_url)
        assert served.content == QUIRKS["crlf"]
        assert served.headers["content-type"].startswith("text/event-stream")


# -- which request gets which capture --------------------------------------------------------


def tagged(folder: Path, tag: str, request_path: str) -> Path:
    """A capture of ``request_path`` that says which it is in an ``x-capture`` header."""
    headers = [["content-type", "text/event-stream"], ["x-capture", tag]]
    body = b"event: done\ndata: [DONE]\n\n"
    return write_capture(folder / f"{tag}.sse", body, request_path=request_path, headers=headers)


def test_captures_are_served_in_order_to_requests_of_their_kind(tmp_path: Path) -> None:
    first = tagged(tmp_path, "1", "/v1/threads/a/runs")
    second = tagged(tmp_path, "2", "/v1/threads/a/runs")
    and_run = tagged(tmp_path, "3", "/openai/threads/runs")  # an Azure-style prefix
    with start_in_thread(replay=[first, second, and_run], replay_times=2) as replay:
        queue = replay.server.replay
        assert queue is not None and queue.remaining == 6
        with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}) as http:

            def post(path: str, stream: bool = True) -> str | None:
                body = {"assistant_id": "asst_text", "stream": stream}
                response = http.post(replay.base_url + path, json=body)
                return response.headers.get("x-capture")

            assert post("/threads/runs") == "3"  # the first capture of its kind
            assert post("/threads/b/runs", stream=False) is None  # not a stream: usual answer
            assert [post("/threads/c/runs") for _ in range(4)] == ["1", "1", "2", "2"]
            assert post("/threads/c/runs") is None  # that kind is used up
            assert post("/threads/runs") == "3"
            assert post("/threads/runs") is None
        assert queue.remaining == 0 and queue.served == 6


def test_replay_times_zero_serves_forever_taking_turns(tmp_path: Path) -> None:
    files = [tagged(tmp_path, tag, "/v1/threads/a/runs") for tag in ("1", "2")]
    with start_in_thread(replay=files, replay_times=0) as replay:
        assert replay.server.replay is not None and replay.server.replay.remaining is None
        served = [raw_stream(replay.base_url).headers["x-capture"] for _ in range(5)]
        assert served == ["1", "2", "1", "2", "1"]


def test_a_submit_tool_outputs_capture_answers_only_a_submit(tmp_path: Path) -> None:
    capture = tagged(tmp_path, "submit", "/v1/threads/t/runs/run_1/submit_tool_outputs")
    body = read_capture(capture)[1]
    with start_in_thread(replay=capture) as replay:
        assert "x-capture" not in raw_stream(replay.base_url).headers
        with httpx.Client(headers={"Authorization": f"Bearer {KEY}"}) as http:
            response = http.post(
                replay.base_url + "/threads/t9/runs/run_9/submit_tool_outputs",
                json={"tool_outputs": [], "stream": True},
            )
        assert response.headers["x-capture"] == "submit" and response.content == body


def test_a_replay_still_needs_the_servers_key(tmp_path: Path) -> None:
    capture = write_capture(tmp_path / "k.sse", b"", request_path="/v1/threads/a/runs")
    with start_in_thread(api_key="sk-only-this", replay=capture) as replay:
        assert raw_stream(replay.base_url).status_code == 401
        assert replay.server.replay is not None and replay.server.replay.remaining == 1
