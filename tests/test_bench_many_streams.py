"""The ``streams`` section's CPU-per-event comparison (``benchmarks/bench_many_streams.py``):
each transport's child process iterates one stream and then N at once, and must count
N times the events in the second case; the table puts each transport on one row with its
memory per open stream; the target takes the worst ratio. Speed is never asserted."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from runs_emulator import EmulatorThread, start_in_thread

ROOT = Path(__file__).resolve().parent.parent


def bench_module(name: str) -> Any:
    folder = str(ROOT / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return __import__(name)


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorThread]:
    with start_in_thread(step_ms=0) as running:
        yield running


@pytest.mark.parametrize("transport", ["httpx-async", "aiohttp", "trio"])
def test_many_streams_counts_every_event(emulator: EmulatorThread, transport: str) -> None:
    bench = bench_module("bench_many_streams")
    if bench_module("bench_e2e").available(f"runs {transport}"):
        pytest.skip(f"{transport} not installed")
    result = bench.measure(emulator.base_url, transport, 4, 30, 1)
    assert result.events_one == 30 + 10  # the deltas, the run's, step's and message's events
    assert result.events_many == 4 * result.events_one
    assert 1 <= result.peak_open <= 4
    assert result.ratio == result.cpu_us_per_event_many / result.cpu_us_per_event_one


def test_floor_child_counts_the_same_events(emulator: EmulatorThread) -> None:
    bench = bench_module("bench_many_streams")
    ours = bench.measure(emulator.base_url, "aiohttp", 3, 30, 1)
    bare = bench.measure(emulator.base_url, "aiohttp", 3, 30, 1, floor=True)
    assert bare.transport == "aiohttp (bare)"
    assert (bare.events_one, bare.events_many) == (ours.events_one, ours.events_many)


def _row(transport: str, ratio: float) -> dict[str, Any]:
    return {
        "transport": transport,
        "streams": 1000,
        "deltas": 2000,
        "events_one": 2010,
        "events_many": 2_010_000,
        "repeats": 3,
        "cpu_us_per_event_one": 4.0,
        "cpu_us_per_event_many": 4.0 * ratio,
        "ratio": ratio,
        "events_per_s_one": 1.0,
        "events_per_s_many": 1.0,
        "peak_open": 1000,
    }


def test_table_and_target_take_the_worst_transport() -> None:
    run = bench_module("run")
    section = {
        "many_streams": 1000,
        "many_deltas": 2000,
        "many_repeats": 3,
        "one_repeats": 15,
        "open_streams": 1000,
        "cpu_rows": [_row("httpx-async", 1.6), _row("aiohttp", 1.1)],
        "rows": [
            {
                "transport": "aiohttp",
                "streams": 1000,
                "rss_before_mb": 48.0,
                "rss_open_mb": 78.0,
                "per_stream_kib": 30.7,
                "connections_opened": None,
            }
        ],
        "skipped": {"many streams trio": "not installed"},
    }
    lines = run._streams_table(section)
    assert "1 vs 1,000 concurrent streams of 2,000 deltas" in lines[0]
    aio = next(line for line in lines if line.strip().startswith("aiohttp"))
    assert aio.split()[1:5] == ["4.00", "4.40", "1.10", "1,000"]
    assert "30.7" in aio
    httpx = next(line for line in lines if line.strip().startswith("httpx-async"))
    assert "1.60" in httpx and httpx.rstrip().endswith("-")  # no memory row: a dash
    target = next(
        t for t in run.check_targets({"streams": section}) if t["target"] == "many_streams"
    )
    assert target["value"] == 1.6 and target["status"] == "MISSED"
    section["cpu_rows"] = [_row("trio", 0.9)]
    target = next(
        t for t in run.check_targets({"streams": section}) if t["target"] == "many_streams"
    )
    assert target["status"] == "hit"
