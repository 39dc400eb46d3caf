"""What the emulator holds per run, what it holds after 100,000 runs, what eviction costs.

Everything runs in this process against the emulator's API layer (no sockets: HTTP would
only add time, not memory the store keeps), with ``step_ms=0`` so runs never pause.

- ``per_run``: bytes still allocated per finished run, retention off, by kind of run
  (``tracemalloc`` over 2,000 runs of each kind, divided by 2,000).
- ``bounded``: 100,000 runs of a CI-like mix under a cap; the last stretch (two caps
  long, so everything kept at the end was allocated inside it) is traced, and the bytes
  still held at the end are the retained memory. ``sys.getallocatedblocks`` before and
  after the untraced stretch shows the count of live allocations staying flat.
- ``eviction``: the store alone, 200,000 runs (each with a message) added and finished
  under a small and a large cap, and 50,000 with no cap: the time per run, and the time
  spent evicting (timed around each eviction) per evicted run. Both stay the same from
  a cap of 1,000 to one of 50,000: O(1) per run, amortised. (No cap is slower per run:
  the garbage collector walks every object kept.)

``python benchmarks/bench_emulator_memory.py [--cap N] [--runs N]`` prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import sys
import time
import tracemalloc
from dataclasses import asdict, dataclass
from typing import Any

from runs_emulator import EmulatorServer
from runs_emulator._model import Message, Run
from runs_emulator._responses import JsonResponse, Request, StreamResponse
from runs_emulator._retention import DEFAULT_MAX_RUNS, Retention
from runs_emulator._store import Store


@dataclass
class PerRun:
    kind: str
    bytes_per_run: float


@dataclass
class Bounded:
    runs: int
    max_runs: int
    held_mib: float  # still allocated at the end (traced over the last stretch)
    held_per_kept_run_kib: float
    blocks_before: int  # live allocations at the start of the untraced stretch
    blocks_after: int
    stored: dict[str, Any]
    seconds: float


@dataclass
class Eviction:
    max_runs: int | None
    runs: int
    us_per_run: float  # add a run and a message, finish it (and evict, under a cap)
    evicted: int
    us_per_eviction: float


def _post(server: EmulatorServer, path: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = [("content-type", "application/json")]
    if key is not None:
        headers.append(("idempotency-key", key))
    target = "/v1" + path
    response = server.api.handle(
        Request("POST", target, {}, headers, json.dumps(body).encode(), target)
    )
    if isinstance(response, StreamResponse):
        response.segment.detach_primary()
    return response


async def _settle(server: EmulatorServer) -> None:
    while server.api.drivers:
        await asyncio.sleep(0)


async def _one(server: EmulatorServer, kind: str, n: int) -> None:
    body: dict[str, Any] = {"assistant_id": "asst_text"}
    thread_id = "thread_bench"
    key = None
    if kind == "streamed":
        body["stream"] = True
    elif kind == "streamed, Idempotency-Key":
        body["stream"], key = True, f"s{n}"
    elif kind == "own thread, extra message":
        made = _post(server, "/threads", {"messages": [{"role": "user", "content": "hi"}]})
        assert isinstance(made, JsonResponse)
        thread_id = made.body["id"]
        body["additional_messages"] = [{"role": "user", "content": f"question {n}"}]
    _post(server, f"/threads/{thread_id}/runs", body, key)


async def _mix(server: EmulatorServer, first: int, stop: int) -> None:
    kinds = ["polled"] * 7 + ["streamed, Idempotency-Key", "own thread, extra message"]
    kinds.append("streamed")
    for n in range(first, stop):
        await _one(server, kinds[n % len(kinds)], n)
        if n % 100 == 99:
            await _settle(server)
    await _settle(server)


def per_run(count: int = 2_000) -> list[PerRun]:
    rows = []
    for kind in ("polled", "streamed", "streamed, Idempotency-Key", "own thread, extra message"):

        async def go(kind: str = kind) -> int:
            server = EmulatorServer(step_ms=0, max_runs=None)
            gc.collect()
            tracemalloc.start()
            try:
                for n in range(count):
                    await _one(server, kind, n)
                    if n % 100 == 99:
                        await _settle(server)
                await _settle(server)
                gc.collect()
                return tracemalloc.get_traced_memory()[0]
            finally:
                tracemalloc.stop()

        rows.append(PerRun(kind, asyncio.run(go()) / count))
    return rows


def bounded(runs: int = 100_000, cap: int = DEFAULT_MAX_RUNS) -> Bounded:
    traced = min(runs, 2 * cap)

    async def go() -> Bounded:
        started = time.perf_counter()
        server = EmulatorServer(step_ms=0, max_runs=cap)
        await _mix(server, 0, runs - traced)
        gc.collect()
        blocks_before = sys.getallocatedblocks()  # after the first stretch: steady state
        gc.collect()
        tracemalloc.start()
        try:
            await _mix(server, runs - traced, runs)
            gc.collect()
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        gc.collect()
        stored = server.stats.stored()
        return Bounded(
            runs=runs,
            max_runs=cap,
            held_mib=held / 2**20,
            held_per_kept_run_kib=held / 1024 / max(1, stored["runs_stored"]),
            blocks_before=blocks_before,
            blocks_after=sys.getallocatedblocks(),
            stored=stored,
            seconds=time.perf_counter() - started,
        )

    return asyncio.run(go())


def _store_runs(store: Store, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        run = Run(f"run_{n}", n, f"thread_{n % 50}", "asst_text", 0, "gpt-4o", "", [], {}, {})
        store.add_run(run)
        message = Message(f"msg_{n}", run.thread_id, "assistant", 0, run.id)
        store.add_message(message, owner=run.id)
        run.status = "completed"
        store.run_ended(run)
    return (time.perf_counter() - started) / count * 1e6


def eviction(count: int = 200_000) -> list[Eviction]:
    rows = []
    for cap, runs in ((1_000, count), (50_000, count), (None, count // 4)):
        gc.collect()
        store = Store(retention=Retention(max_runs=cap))
        spent = [0.0]
        evict = store._evict_run

        def timed(run_id: str, evict: Any = evict, spent: list[float] = spent) -> None:
            started = time.perf_counter()
            evict(run_id)
            spent[0] += time.perf_counter() - started

        store._evict_run = timed  # type: ignore[method-assign]
        per_run = _store_runs(store, runs)
        evicted = store.stats.runs_evicted
        per_eviction = spent[0] / evicted * 1e6 if evicted else 0.0
        rows.append(Eviction(cap, runs, per_run, evicted, per_eviction))
        del store
    return rows


def run_all(runs: int = 100_000, cap: int = DEFAULT_MAX_RUNS) -> dict[str, Any]:
    return {
        "per_run": [asdict(row) for row in per_run()],
        "bounded": asdict(bounded(runs, cap)),
        "eviction": [asdict(row) for row in eviction()],
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--cap", type=int, default=DEFAULT_MAX_RUNS)
    parser.add_argument("--runs", type=int, default=100_000)
    args = parser.parse_args()
    print(json.dumps(run_all(args.runs, args.cap), indent=2))
