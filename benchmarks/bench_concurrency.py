"""Many concurrent streams: N streams started at once on one async client, far more than
its connection pool holds.

For each async transport, and for the official SDK's ``AsyncOpenAI``, a fresh child
process (this file with ``--child``) builds one client with its default pool limits,
``timeout=10`` and ``max_retries=0``, streams one warm-up run, then starts N streams at
once and reads each to its end. Every run pauses ``STEP_MS`` between its steps
(``metadata={"emulator_step_ms": ...}``; the ``asst_text`` script has four such pauses),
so a run takes a few seconds and the pool stays full: the first calls get connections,
later ones wait for one to free up, and a call that waits longer than its timeout fails
with ``APITimeoutError``. The row counts the calls that completed (the stream ended with
``thread.run.completed``), timed out, or failed otherwise (by exception type), with the
burst's wall time, its slowest single call and the child's CPU time during it.

A client whose event loop stops making progress never finishes: the child is killed
after ``deadline`` seconds and the row reads "hung", with the counts it had reported by
then (a thread in the child prints them every second, so they arrive even when the event
loop is stuck).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from _emulator_process import progress, subprocess_env

TRANSPORTS = ("httpx-async", "aiohttp", "trio")
SDK = "openai (async)"
CLIENTS = (*TRANSPORTS, SDK)
TIMEOUT_S = 10.0
STEP_MS = 1000  # four pauses: a run takes about 4 s, so about 10 s of waiting sees 2-3 rounds
ASSISTANT = "asst_text"
TIMEOUT_ERROR = "APITimeoutError"  # the class name in runs_core and in openai


@dataclass
class ConcurrencyResult:
    client: str
    streams: int
    step_ms: int
    status: str  # "finished", "hung" (killed at the deadline) or "failed" (the child died)
    completed: int
    timeouts: int
    other_errors: dict[str, int] = field(default_factory=dict)
    unfinished: int = 0  # calls neither completed nor failed when the child was killed
    wall_s: float | None = None
    worst_call_s: float | None = None  # None when hung: the unfinished calls took longer
    cpu_s: float | None = None
    note: str = ""


# -- the child ----------------------------------------------------------------------------


class _Tally:
    """Outcomes so far, written by the event loop and read by the reporting thread."""

    def __init__(self) -> None:
        self.completed = 0
        self.errors: Counter[str] = Counter()
        self.worst_s = 0.0
        self.started_wall = 0.0
        self.started_cpu = 0.0

    def snapshot(self) -> dict[str, Any]:
        errors = dict(self.errors)
        return {
            "completed": self.completed,
            "timeouts": errors.pop(TIMEOUT_ERROR, 0),
            "other_errors": errors,
            "wall_s": time.perf_counter() - self.started_wall,
            "worst_call_s": self.worst_s,
            "cpu_s": time.process_time() - self.started_cpu,
        }


def _report(kind: str, data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps({kind: data}) + "\n")
    sys.stdout.flush()


def _reporter(tally: _Tally, stop: threading.Event) -> None:
    while not stop.wait(1.0):
        _report("progress", tally.snapshot())


def _open_stream(name: str, url: str) -> tuple[Any, Callable[[Any, str, str], Awaitable[Any]]]:
    """The client and a function that starts one streamed run with it."""
    if name == SDK:
        import openai

        sdk = openai.AsyncOpenAI(api_key="x", base_url=url, timeout=TIMEOUT_S, max_retries=0)

        def sdk_create(client: Any, thread_id: str, step_ms: str) -> Awaitable[Any]:
            return client.beta.threads.runs.create(
                thread_id,
                assistant_id=ASSISTANT,
                stream=True,
                metadata={"emulator_step_ms": step_ms},
            )

        return sdk, sdk_create
    from runs_adapters import AsyncClient

    ours = AsyncClient(
        transport="httpx" if name == "httpx-async" else name,
        api_key="x",
        base_url=url,
        timeout=TIMEOUT_S,
        max_retries=0,
    )

    def create(client: Any, thread_id: str, step_ms: str) -> Awaitable[Any]:
        return client.runs.create(
            thread_id, stream=True, assistant_id=ASSISTANT, metadata={"emulator_step_ms": step_ms}
        )

    return ours, create


def _child(url: str, name: str, count: int, step_ms: int) -> dict[str, Any]:
    tally = _Tally()

    async def go(spawn: Callable[[list[Callable[[], Awaitable[None]]]], Awaitable[None]]) -> None:
        client, create = _open_stream(name, url)

        async def consume(thread_id: str, step: str) -> None:
            last = None
            async with await create(client, thread_id, step) as stream:
                async for event in stream:
                    last = event.event
            if last != "thread.run.completed":
                raise RuntimeError(f"the stream ended after {last!r}")

        async def one(index: int) -> None:
            started = time.perf_counter()
            try:
                await consume(f"thread_burst_{index}", str(step_ms))
            except Exception as exc:
                tally.errors[type(exc).__name__] += 1
            else:
                tally.completed += 1
            tally.worst_s = max(tally.worst_s, time.perf_counter() - started)

        async with client:
            await consume("thread_warm", "0")  # imports, models, one pooled connection
            tally.started_wall, tally.started_cpu = time.perf_counter(), time.process_time()
            stop = threading.Event()
            threading.Thread(target=_reporter, args=(tally, stop), daemon=True).start()
            await spawn([functools.partial(one, i) for i in range(count)])
            stop.set()

    if name == "trio":
        import trio

        async def spawn_trio(fns: list[Callable[[], Awaitable[None]]]) -> None:
            async with trio.open_nursery() as nursery:
                for fn in fns:
                    nursery.start_soon(fn)

        trio.run(go, spawn_trio)
    else:

        async def spawn_asyncio(fns: list[Callable[[], Awaitable[None]]]) -> None:
            await asyncio.gather(*(fn() for fn in fns))

        asyncio.run(go(spawn_asyncio))
    return tally.snapshot()


# -- the parent ---------------------------------------------------------------------------


def _last(output: str | bytes | None, kind: str) -> dict[str, Any] | None:
    """The last ``{kind: ...}`` line a child printed."""
    if isinstance(output, bytes):
        output = output.decode(errors="replace")
    for line in reversed((output or "").splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and kind in data:
            found: dict[str, Any] = data[kind]
            return found
    return None


def measure(url: str, client: str, count: int, step_ms: int, deadline: float) -> ConcurrencyResult:
    argv = [sys.executable, __file__, "--child", url, client, str(count), str(step_ms)]
    row = ConcurrencyResult(client, count, step_ms, "finished", 0, 0)
    try:
        done = subprocess.run(
            argv, capture_output=True, text=True, env=subprocess_env(), timeout=deadline
        )
    except subprocess.TimeoutExpired as exc:
        seen = _last(exc.stdout, "progress") or {}
        row.status = "hung"
        row.completed = seen.get("completed", 0)
        row.timeouts = seen.get("timeouts", 0)
        row.other_errors = seen.get("other_errors", {})
        row.unfinished = count - row.completed - row.timeouts - sum(row.other_errors.values())
        row.wall_s = deadline
        row.cpu_s = seen.get("cpu_s")
        row.note = f"killed after {deadline:.0f} s"
        return row
    data = _last(done.stdout, "result")
    if done.returncode != 0 or data is None:
        row.status = "failed"
        row.note = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        return row
    row.completed, row.timeouts = data["completed"], data["timeouts"]
    row.other_errors = data["other_errors"]
    row.wall_s, row.worst_call_s, row.cpu_s = data["wall_s"], data["worst_call_s"], data["cpu_s"]
    return row


def run_all(
    url: str, clients: list[str], count: int, deadline: float, step_ms: int = STEP_MS
) -> tuple[list[ConcurrencyResult], dict[str, str]]:
    """One row per client, each in a fresh child process."""
    from bench_e2e import SDK_ASYNC, available

    results: list[ConcurrencyResult] = []
    skipped: dict[str, str] = {}
    for client in clients:
        reason = available(SDK_ASYNC if client == SDK else f"runs {client}")
        if reason:
            skipped[f"concurrency {client}"] = reason
            continue
        progress(
            f"concurrency: {client}: {count:,} streams at once, {step_ms} ms steps, "
            f"timeout {TIMEOUT_S:g} s (killed after {deadline:.0f} s)"
        )
        row = measure(url, client, count, step_ms, deadline)
        progress(
            f"concurrency: {client}: {row.status}, {row.completed:,} completed, "
            f"{row.timeouts:,} timed out"
        )
        results.append(row)
    return results, skipped


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=4, metavar=("URL", "CLIENT", "N", "STEP_MS"))
    args = ap.parse_args()
    if args.child:
        url, client, n, step = args.child
        _report("result", _child(url, client, int(n), int(step)))
    else:
        import run

        raise SystemExit(run.main(["--only", "concurrency"]))
