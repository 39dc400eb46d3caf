"""``runs bench --stream FILE``: a stream recorded with ``runs record``, benched as a file.

Before timing anything, the bench checks that every row (our decoders and the peers')
decodes the file into the same events as ours; a row that does not is excluded with the
first difference as its reason. These tests record a stream from the emulator, replay it
and record it again, and bench the file as recorded, with CRLF line ends, without its
final blank line and without its header line: every row must agree, and the table must
count the events the capture holds (counted here from the bytes, not by our decoder).
Rows that decode wrongly, registered by the tests, must be excluded with their reason,
so the check is shown to be able to fail. Speed is never asserted.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from runs_adapters._record import read_capture
from runs_adapters.cli import main
from runs_emulator import EmulatorThread, start_in_thread

ROOT = Path(__file__).resolve().parent.parent
KEY = "sk-test-bench-stream"
FAST = ["--chunk-size", "256", "--repeats", "1"]  # one chunk size, one timed sample


def bench_module(name: str) -> Any:
    """A module of ``benchmarks/``, imported as ``runs bench`` imports it."""
    folder = str(ROOT / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(name)


@pytest.fixture(scope="module")
def source() -> Iterator[EmulatorThread]:
    with start_in_thread() as emulator:
        yield emulator


def record(base_url: str, out: Path) -> None:
    """``runs record`` one text run (on a new thread) from ``base_url`` into ``out``."""
    code = main([
        "record", "--base-url", base_url, "--api-key", KEY, "--assistant-id", "asst_text",
        "--out", str(out),
    ])  # fmt: skip
    assert code == 0


@pytest.fixture(scope="module")
def capture(source: EmulatorThread, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A capture recorded from the emulator, replayed by the emulator and recorded again:
    the file benched is the second recording, which must hold the same bytes."""
    folder = tmp_path_factory.mktemp("bench-stream")
    first, second = folder / "first.sse", folder / "run.sse"
    record(source.base_url, first)
    with start_in_thread(replay=first) as replay:
        record(replay.base_url, second)
        assert replay.server.replay is not None and replay.server.replay.served == 1
    assert read_capture(second)[1] == read_capture(first)[1]
    return second


def counted(body: bytes) -> tuple[int, int, int]:
    """(events, typed events, text deltas) of a stream written as the emulator writes
    one (an ``event`` and a ``data`` line per block), counted from the bytes alone."""
    events = typed = texts = 0
    for block in body.replace(b"\r\n", b"\n").split(b"\n\n"):
        fields = dict(line.split(b": ", 1) for line in block.split(b"\n") if line)
        if b"data" not in fields:
            continue
        events += 1
        name = fields.get(b"event", b"message").decode()
        typed += name != "done"
        if name == "thread.message.delta":
            content = json.loads(fields[b"data"])["delta"].get("content") or []
            texts += sum(1 for part in content if part["type"] == "text" and part["text"]["value"])
    return events, typed, texts


def bench(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
    """``runs bench --stream path`` at one chunk size: (exit code, stdout, stderr)."""
    capsys.readouterr()  # what came before (a fixture's recording) is not the bench's
    code = main(["bench", "--stream", str(path), *FAST, *extra])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def short_samples(monkeypatch: pytest.MonkeyPatch) -> None:
    """Timed samples of a millisecond, without the full garbage collection before each
    (a tenth of a second in a process this size): these tests check what is benched and
    what the table says, never how fast."""
    monkeypatch.setattr(bench_module("bench_stream_file"), "MIN_SAMPLE_S", 0.001)
    monkeypatch.setattr(bench_module("bench_decoders"), "gc", SimpleNamespace(collect=int))


def excluded(out: str) -> list[str]:
    """The lines naming a row the check excluded (``  excluded NAME: reason``)."""
    return re.findall(r"^  excluded .*$", out, flags=re.MULTILINE)


def table_rows(out: str) -> list[str]:
    """The names of the rows the decoder table timed."""
    return re.findall(r"^    (\S.*?)\s{2,}[\d,]+k", out, flags=re.MULTILINE)


def loaded_rows() -> list[str]:
    bench_module("bench_typed")
    parsers, _skipped = bench_module("bench_decoders").load_parsers()
    return list(parsers)


# -- the round trip -------------------------------------------------------------------------


def test_a_recorded_stream_benches_with_every_row_agreeing(
    capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = bench(capture, capsys)
    assert code == 0, err
    assert excluded(out) == []
    assert "every row was checked first" in out
    assert table_rows(out) == loaded_rows()
    assert "openai typed stream (MockTransport)" in table_rows(out)
    events, typed, texts = counted(read_capture(capture)[1])
    assert (events, typed) == (22, 21)  # the emulator's text run: run, step, message, deltas
    assert texts > 0
    size = len(read_capture(capture)[1])
    title = (
        f"capture run.sse ({size:,} bytes, LF line ends): {events} events, "
        f"{typed} typed events, {texts} text deltas"
    )
    assert title in out
    assert "added at its end" not in out  # the emulator closes every event


def _crlf(body: bytes) -> bytes:
    return body.replace(b"\n", b"\r\n")


VARIANTS: dict[str, Callable[[bytes], bytes]] = {
    "crlf": _crlf,
    "no-final-blank-line": lambda body: body[:-1],
    "no-final-newline": lambda body: body[:-2],
    "crlf-no-final-blank-line": lambda body: _crlf(body)[:-2],
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_crlf_and_unterminated_captures_bench_alike(
    variant: str, capture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    header_line, _, body = capture.read_bytes().partition(b"\n")
    changed = VARIANTS[variant](body)
    assert changed != body
    path = tmp_path / "variant.sse"
    path.write_bytes(header_line + b"\n" + changed)
    code, out, err = bench(path, capsys)
    assert code == 0, err
    assert excluded(out) == []
    assert table_rows(out) == loaded_rows()
    events, typed, texts = counted(body)
    assert f": {events} events, {typed} typed events, {texts} text deltas;" in out
    ends = "CRLF" if variant.startswith("crlf") else "LF"
    assert f"({len(changed):,} bytes, {ends} line ends)" in out
    unclosed = re.search(r"note: the file stops before the blank line .*", out)
    if variant == "crlf":
        assert unclosed is None
    else:
        added = {"no-final-newline": "LF LF", "crlf-no-final-blank-line": "CRLF"}
        assert unclosed, out
        assert f": {added.get(variant, 'LF')} added at its end for every row" in unclosed[0]
        # as recorded, our decoder drops the unclosed event, as the SSE rules say
        assert "runs SSEDecoder" in unclosed[0].split("; ")[1]


def test_a_bare_body_without_the_header_line_benches_too(
    capture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "curl.sse"
    path.write_bytes(read_capture(capture)[1])
    code, out, err = bench(path, capsys)
    assert code == 0, err
    assert "Decoder level: SSE body curl.sse (" in out
    assert excluded(out) == []


# -- the check can fail -----------------------------------------------------------------------


def _ours_sse(chunks: list[bytes]) -> list[Any]:
    return list(bench_module("bench_decoders").PARSERS["runs SSEDecoder"].load_events()(chunks))


def _ours_typed(chunks: list[bytes]) -> list[Any]:
    entry = bench_module("bench_decoders").PARSERS["runs AssistantStreamDecoder.iter_feed"]
    return list(entry.load_events()(chunks))


def _corrupt_one(chunks: list[bytes]) -> list[Any]:
    items = _ours_sse(chunks)
    items[3] = {**items[3], "data": items[3]["data"].replace('"object"', '"OBJECT"', 1)}
    return items


def _fresh_decoder_per_chunk(chunks: list[bytes]) -> list[Any]:
    return [item for chunk in chunks for item in _ours_sse([chunk])]


def _drop_last_in_one_chunk(chunks: list[bytes]) -> list[Any]:
    items = _ours_sse(chunks)
    return items[:-1] if len(chunks) == 1 else items


def _wrong_status(chunks: list[bytes]) -> list[Any]:
    items = _ours_typed(chunks)
    items[1] = {**items[1], "data": {**items[1]["data"], "status": "cancelled"}}
    return items


def _loader(function: Callable[[list[bytes]], Any]) -> Callable[[], Any]:
    return lambda: function


def _counter(events: Callable[[list[bytes]], list[Any]], off_by: int) -> Callable[..., int]:
    return lambda chunks: len(events(chunks)) + off_by


BROKEN: dict[str, tuple[str, Callable[[list[bytes]], list[Any]] | None, int]] = {
    "test row: one event corrupted": ("sse", _corrupt_one, 0),
    "test row: a decoder per chunk": ("sse", _fresh_decoder_per_chunk, 0),
    "test row: last event lost in one chunk": ("sse", _drop_last_in_one_chunk, 0),
    "test row: a framer one off": ("sse", None, 1),
    "test row: a typed field changed": ("typed", _wrong_status, 0),
    "test row: counts one less than it yields": ("typed", _ours_typed, -1),
}


@pytest.fixture
def broken_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows that decode wrongly, each in its own way, registered for one test."""
    decoders = bench_module("bench_decoders")
    bench_module("bench_typed")
    for name, (group, events, off_by) in BROKEN.items():
        load = _loader(_counter(events or _ours_sse, off_by))
        load_events = None if events is None else _loader(events)
        monkeypatch.setitem(decoders.PARSERS, name, decoders.Entry(name, load, group, load_events))


def test_rows_that_decode_wrongly_are_excluded_with_the_first_difference(
    broken_rows: None, capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = bench(capture, capsys)
    assert code == 0, err
    lines = excluded(out)
    reasons = {
        name: line.removeprefix(f"  excluded {name}: ")
        for line in lines
        for name in BROKEN
        if line.startswith(f"  excluded {name}: ")
    }
    assert len(lines) == len(reasons) == len(BROKEN), out
    first = counted(read_capture(capture)[1])[0]
    assert reasons["test row: one event corrupted"].startswith(
        "differs from ours at 7-byte chunks: event 3 (thread.run.in_progress): data: at character"
    )
    assert "'OBJECT'" not in reasons["test row: one event corrupted"]  # quoted, in context
    assert '"OBJECT"' in reasons["test row: one event corrupted"]
    assert reasons["test row: a decoder per chunk"].startswith(
        f"differs from ours at 7-byte chunks: {first} events in ours, 0 in this row; "
        "ours has event 0: {'event': 'thread.created', 'data': "
    )
    assert reasons["test row: last event lost in one chunk"].startswith(
        f"differs from ours at one chunk: {first} events in ours, {first - 1} in this row; "
        "ours has event 21: {'event': 'done', 'data': '[DONE]'"
    )
    assert reasons["test row: a framer one off"] == (
        f"counted {first + 1} events at 7-byte chunks, ours decoded {first} "
        "(a framer: only its count can be checked)"
    )
    assert reasons["test row: a typed field changed"] == (
        "differs from ours at 7-byte chunks: typed event 1 (thread.run.created): "
        "data.status: ours 'queued', this row 'cancelled'"
    )
    assert reasons["test row: counts one less than it yields"] == (
        f"its timed function counted {first - 2} at 7-byte chunks where its events function "
        f"gave {first - 1}: the check would not cover what is timed"
    )
    # the honest rows are all timed, the broken ones not
    assert table_rows(out) == [name for name in loaded_rows() if name not in BROKEN]


def test_a_peer_that_cannot_decode_a_tampered_capture_is_excluded(
    capture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One byte that is not UTF-8 inside a text delta: the SSE rules (and ours) decode it
    # as U+FFFD; the official SDK's decoder decodes strictly and stops there.
    pytest.importorskip("openai")
    data = capture.read_bytes()
    at = data.index(b'"value":"', data.index(b"event: thread.message.delta")) + len(b'"value":"')
    path = tmp_path / "tampered.sse"
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    code, out, err = bench(path, capsys)
    assert code == 0, err
    lines = excluded(out)
    assert "  excluded openai SSEDecoder: differs from ours at 7-byte chunks: " in "\n".join(lines)
    assert all("(it raises UnicodeDecodeError: " in line for line in lines), lines
    timed = table_rows(out)
    assert [name for name in loaded_rows() if name.startswith("runs ")] == [
        name for name in timed if name.startswith("runs ")
    ]
    assert len(timed) + len(lines) == len(loaded_rows())


# -- mistakes -------------------------------------------------------------------------------


def _files(tmp_path: Path, capture: Path) -> dict[str, Path]:
    """Files that are not streams, by what is wrong with them."""
    bad: dict[str, bytes] = {
        "garbage": bytes(range(256)) * 20,
        "json": b'{"error": {"message": "No thread found"}}',
        "damaged-header": b": runs-capture {not json\n" + read_capture(capture)[1],
        "error-response": b": runs-capture "
        + json.dumps({"response": {"status": 404, "headers": []}}).encode()
        + b'\n{"error": {"message": "No thread found"}}',
        "empty": b"",
    }
    for name, data in bad.items():
        (tmp_path / f"{name}.sse").write_bytes(data)
    return {name: tmp_path / f"{name}.sse" for name in bad} | {
        "missing": tmp_path / "missing.sse",
        "a-folder": tmp_path,
    }


FILE_ERRORS = {
    "garbage": "no server-sent events in it",
    "json": "no server-sent events in it",
    "empty": "no server-sent events in it",
    "damaged-header": "the runs-capture line is not JSON",
    "error-response": "the recorded response is an HTTP 404",
    "missing": "cannot read it: No such file or directory",
    "a-folder": "cannot read it: Is a directory",
}


@pytest.mark.parametrize("kind", sorted(FILE_ERRORS))
def test_a_file_that_is_not_a_stream_gets_one_line(
    kind: str, capture: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _files(tmp_path, capture)[kind]
    code, out, err = bench(path, capsys)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith(f"runs bench: {path}: ")
    assert FILE_ERRORS[kind] in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--chunk-size", "0"],
        ["--repeats", "-1"],
        ["--only", "e2e"],
        ["--profile"],
    ],
)
def test_wrong_options_with_a_stream_are_usage_errors(
    argv: list[str], capture: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["bench", "--stream", str(capture), *argv])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1].startswith("runs bench: error: ")


def test_the_command_itself_ends_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "runs_adapters.cli", "bench", "--stream", str(tmp_path / "x")],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [
        f"runs bench: {tmp_path / 'x'}: cannot read it: No such file or directory"
    ]
