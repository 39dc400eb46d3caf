"""benchmarks/profile_decoders.py times the decoders' steps apart: the steps must be the
decoders' own work, or the profile in docs/benchmarks.md would explain nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tests._helpers.streams import text_run_stream

from runs_core import AssistantStreamDecoder, SSEDecoder
from runs_core._events import _parser

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import profile_decoders as prof


@pytest.fixture(scope="module")
def stream() -> bytes:
    return text_run_stream(200)


@pytest.mark.parametrize("size", [300, 4096, 65536])
def test_the_sse_steps_rebuild_what_feed_returns(stream: bytes, size: int) -> None:
    region = prof.delta_region(stream, size)
    assert region.startswith(prof.DELTA) and region.endswith(b"\n\n")
    lines = prof.lines_of(region)
    assert prof.ordinary(lines)
    rebuilt = prof.events_of(prof.names_of(lines), prof.values_of(lines))
    assert rebuilt == prof.mid_stream(SSEDecoder()).feed(region)
    assert len(rebuilt) == region.count(b"\n\n")


def test_a_region_off_the_ordinary_shape_is_told(stream: bytes) -> None:
    lines = prof.lines_of(prof.delta_region(stream, 4096).replace(b"\ndata: ", b"\ndata:", 1))
    assert not prof.ordinary(lines)


def test_main_prints_every_step_of_each_section(capsys: pytest.CaptureFixture[str]) -> None:
    assert prof.main(["--deltas", "60", "--repeats", "1"]) == 0
    out = capsys.readouterr().out
    for label in (
        "bytes.find floor",
        "ServerSentEvent tuples",
        "SSEDecoder.feed, whole",
        "pydantic floor",
        "AssistantStreamDecoder.iter_feed, whole",
        "handler bookkeeping",
    ):
        assert label in out
    figures = [float(line.split()[-1]) for line in out.splitlines() if line.startswith("  ")]
    assert len(figures) == 2 * 7 + 6 + 2 and all(f > 0 for f in figures)


def test_the_typed_steps_rebuild_what_the_decoder_returns(stream: bytes) -> None:
    region = prof.delta_region(stream, 4096)
    entry = _parser("thread.message.delta")
    assert entry is not None
    cls, validate_json, set_data = entry
    records = prof.mid_stream(_raw_decoder()).feed(region)
    assert records[0::2] == ["thread.message.delta"] * region.count(b"\n\n")
    rebuilt = prof.typed_events(cls, set_data, list(map(validate_json, records[1::2])))
    assert rebuilt == AssistantStreamDecoder().feed(region)


def _raw_decoder() -> SSEDecoder:
    decoder = SSEDecoder()
    decoder._raw = True  # the records the typed decoder reads: [name, data, ...]
    return decoder
