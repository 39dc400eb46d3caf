"""Client CPU per event: N concurrent streams vs one, on each async transport.

For each transport a fresh child process (this file with ``--child``) builds
``AsyncClient``s whose pool holds N connections (so no stream queues) and measures, with
``time.process_time()`` in that child only (the emulator is a separate process):

* ``one`` -- one stream of E deltas (``asst_long``, ``metadata={"deltas": E}``), every
  event iterated; first, while the process holds nothing else;
* ``many`` -- N streams of E deltas each, started at once and iterated concurrently.

Both cases do the same work per stream -- open a connection, send the request, read the
head, decode and iterate E + a few events -- on a fresh client per round (its closing not
timed), so per-stream setup is amortized over the same E events in both, and the ratio
``many / one`` of CPU per event is what concurrency itself costs: event-loop scheduling,
readiness polling across N sockets, the pool's bookkeeping over N connections, a larger
heap for the garbage collector. A pool warmed beforehand would be no fairer and hides
work: httpx's pool then hands the same idle connection to every request arriving before
one claims it, and the streams mostly run a few dozen at a time instead of N at once. The
most streams open at once in each round is recorded (``peak_open``) to show N were.

Idle connections are kept as by default (100). Keeping N instead costs httpx dearly, and
not because of us: its pool, at every request and every response's end, checks each idle
connection against a list it builds of all N connections, so N streams ending one by one
cost O(N^3) in all. Measured here (1,000 streams of 2,000 deltas, max_keepalive 1,008):
ours 2.87x the CPU per event of one stream, bare httpx with the same limits 2.72x; with
the default 100, 0.90x and 0.95x.

Each case runs ``repeats`` times (``one`` at least ``ONE_REPEATS``); the medians are
kept. The emulator, one process, bounds the wall time of ``many``; that is not measured
here, only the client's CPU. ``run.py`` uses E = 2,000 deltas (2,010 events per stream):
a stream's own setup (connection, request, head) is ~1-1.6 ms of CPU next to ~8-9 ms
for its events, so it counts but does not dominate.

``--profile`` (with ``--child``) prints a cProfile of one ``many`` round instead.
``python benchmarks/bench_many_streams.py --floor`` starts an emulator and sets ours next
to the bare library (httpx, aiohttp; see :func:`_bare`): what concurrency costs with no
code of ours in the way.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from _emulator_process import median, progress, subprocess_env

TRANSPORTS = ("httpx-async", "aiohttp", "trio")
LONG = "asst_long"
WARM_DELTAS = 200
ONE_REPEATS = 15  # one stream is short: more repeats, for a steady median
KEEPALIVE = int(os.environ.get("BENCH_KEEPALIVE", "100"))
"""Idle connections kept: our transports' default, for the bare httpx too; the
``BENCH_KEEPALIVE`` environment variable (read by the child processes too) changes it, so
that ``BENCH_KEEPALIVE=1008 python benchmarks/bench_many_streams.py --floor`` shows what
keeping every connection costs httpx."""


@dataclass
class ManyStreamsResult:
    transport: str
    streams: int
    deltas: int  # per stream, in both cases
    events_one: int  # events of the one stream
    events_many: int  # events of all N streams together
    repeats: int
    cpu_us_per_event_one: float
    cpu_us_per_event_many: float
    ratio: float  # many / one
    events_per_s_one: float  # wall clock, bounded by the emulator
    events_per_s_many: float
    peak_open: int  # most of the N streams open at once (median over the rounds)


def ensure_files(count: int) -> None:
    """Let this process open ``count`` sockets and then some: the usual soft limit on open
    files (1,024; 256 on macOS) is below what 1,000 streams need, the hard limit rarely."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = count + 256
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _transport(name: str, pool: int) -> Any:
    """The transport's own client or session, its pool sized to hold ``pool`` connections
    open at once (none queues), idle ones kept as by default (``max_keepalive`` 100;
    aiohttp keeps them all), closed with the client."""
    if name == "httpx-async":
        from runs_adapters.httpx_async import HttpxAsyncTransport

        return HttpxAsyncTransport(max_connections=pool, max_keepalive=KEEPALIVE)
    if name == "aiohttp":
        from runs_adapters.aiohttp_transport import AiohttpTransport

        return AiohttpTransport(max_connections=pool)
    from runs_adapters.trio_h11 import TrioTransport

    return TrioTransport(max_connections=pool)


StreamFn = Callable[[int], Awaitable[int]]  # deltas -> events iterated


class _Gauge:
    """Streams open at once (head in, body not yet read to its end), and the most seen."""

    def __init__(self) -> None:
        self.now = self.peak = 0

    def up(self) -> None:
        self.now += 1
        self.peak = max(self.peak, self.now)

    def down(self) -> None:
        self.now -= 1


def _bare(
    name: str, url: str, pool: int, gauge: _Gauge
) -> tuple[StreamFn, Callable[[], Awaitable[None]]]:
    """The floor: the transport library alone (same pool, same request, raw body bytes)
    feeding the core's decoder, with no ``runs_adapters`` code in between."""
    from runs_core import AssistantStreamDecoder, DoneEvent

    target = f"{url}/threads/thread_many/runs"
    headers = {"Authorization": "Bearer x", "Content-Type": "application/json"}

    def body(n: int) -> bytes:
        meta = {"deltas": str(n)}
        return json.dumps({"assistant_id": LONG, "stream": True, "metadata": meta}).encode()

    def count(decoder: AssistantStreamDecoder, chunk: bytes) -> int:
        return sum(1 for event in decoder.iter_feed(chunk) if event.__class__ is not DoneEvent)

    if name == "httpx-async":
        import httpx

        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=KEEPALIVE)
        client = httpx.AsyncClient(limits=limits, timeout=300)

        async def one_httpx(n: int) -> int:
            decoder, events = AssistantStreamDecoder(), 0
            async with client.stream("POST", target, content=body(n), headers=headers) as r:
                gauge.up()
                async for chunk in r.aiter_raw():
                    events += count(decoder, chunk)
                gauge.down()
            return events

        return one_httpx, client.aclose
    if name == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool))

        async def one_aiohttp(n: int) -> int:
            decoder, events = AssistantStreamDecoder(), 0
            async with session.post(target, data=body(n), headers=headers) as r:
                gauge.up()
                async for chunk in r.content.iter_any():
                    events += count(decoder, chunk)
                gauge.down()
            return events

        return one_aiohttp, session.close
    raise ValueError(f"no floor for {name} (the trio transport is ours: trio + h11)")


def _child(
    url: str,
    name: str,
    count: int,
    deltas: int,
    repeats: int,
    profile: bool = False,
    floor: bool = False,
) -> dict[str, Any]:
    from runs_adapters import AsyncClient

    ensure_files(count)
    trio_run = name == "trio"
    out: dict[str, Any] = {}
    gauge = _Gauge()

    async def gather(fns: list[Callable[[], Awaitable[int]]]) -> int:
        if trio_run:
            import trio

            counts: list[int] = []

            async def keep(fn: Callable[[], Awaitable[int]]) -> None:
                counts.append(await fn())

            async with trio.open_nursery() as nursery:
                for fn in fns:
                    nursery.start_soon(keep, fn)
            return sum(counts)
        return sum(await asyncio.gather(*(fn() for fn in fns)))

    def fresh() -> tuple[StreamFn, Callable[[], Awaitable[None]]]:
        """A new client (or bare library client) with an empty pool of ``count + 8``."""
        if floor:
            return _bare(name, url, count + 8, gauge)
        client = AsyncClient(
            api_key="x",
            base_url=url,
            transport=_transport(name, count + 8),
            max_retries=0,
            timeout=300,
        )

        async def stream_of(n: int) -> int:
            events = 0
            stream = await client.runs.create(
                "thread_many", stream=True, assistant_id=LONG, metadata={"deltas": str(n)}
            )
            gauge.up()
            async for _ in stream:
                events += 1
            gauge.down()
            return events

        return stream_of, client.close

    async def timed(streams: int, n: int = deltas) -> tuple[int, float, float]:
        """``streams`` streams at once on a fresh client, timed (not its closing)."""
        stream_of, close = fresh()
        try:
            gauge.peak = 0
            c0, w0 = time.process_time(), time.perf_counter()
            units = await gather([lambda: stream_of(n)] * streams)
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            peaks.append(gauge.peak)
            return units, cpu, wall
        finally:
            await close()

    peaks: list[int] = []

    async def go() -> None:
        await timed(1, WARM_DELTAS)  # imports, caches
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            await timed(count)
            profiler.disable()
            text = io.StringIO()
            stats = pstats.Stats(profiler, stream=text)
            stats.sort_stats("tottime").print_stats(35)
            out["profile"] = text.getvalue()
            return
        out["one"] = [await timed(1) for _ in range(max(repeats, ONE_REPEATS))]
        del peaks[:]
        out["many"] = [await timed(count) for _ in range(repeats)]
        out["peak_open"] = peaks

    if trio_run:
        import trio

        trio.run(go)
    else:
        asyncio.run(go())
    return out


def _summary(samples: list[list[float]]) -> tuple[int, float, float]:
    units = int(samples[0][0])
    if any(int(s[0]) != units for s in samples):
        raise RuntimeError(f"event counts differ between repeats: {samples}")
    return units, median([s[1] for s in samples]), median([s[2] for s in samples])


def measure(
    url: str, transport: str, count: int, deltas: int, repeats: int, *, floor: bool = False
) -> ManyStreamsResult:
    """One child process; ``floor``: the bare library (see :func:`_bare`), not our client."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, transport, str(count), str(deltas),
         str(repeats), *(["--floor"] if floor else [])],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=1800,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"many-streams child ({transport}) failed: {done.stderr[-800:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    n_one, cpu_one, wall_one = _summary(data["one"])
    n_many, cpu_many, wall_many = _summary(data["many"])
    if n_many != n_one * count:
        raise RuntimeError(f"{transport}: {n_many} events from {count} streams of {n_one}")
    per_one, per_many = cpu_one / n_one * 1e6, cpu_many / n_many * 1e6
    return ManyStreamsResult(
        transport=f"{transport} (bare)" if floor else transport,
        streams=count,
        deltas=deltas,
        events_one=n_one,
        events_many=n_many,
        repeats=repeats,
        cpu_us_per_event_one=per_one,
        cpu_us_per_event_many=per_many,
        ratio=per_many / per_one,
        events_per_s_one=n_one / wall_one,
        events_per_s_many=n_many / wall_many,
        peak_open=int(median([float(p) for p in data["peak_open"]])),
    )


def run_all(
    url: str, transports: list[str], count: int, deltas: int, repeats: int
) -> tuple[list[ManyStreamsResult], dict[str, str]]:
    from bench_e2e import available  # the same availability rules as the e2e rows

    results: list[ManyStreamsResult] = []
    skipped: dict[str, str] = {}
    for transport in transports:
        reason = available(f"runs {transport}")
        if reason:
            skipped[f"many streams {transport}"] = reason
            continue
        progress(
            f"many streams: {transport}: 1 vs {count:,} concurrent streams of {deltas:,}"
            f" deltas, x{repeats}, in a child process"
        )
        results.append(measure(url, transport, count, deltas, repeats))
    return results, skipped


def floors(count: int, deltas: int, repeats: int) -> None:
    """Ours next to the bare library's floor, on httpx-async and aiohttp (not in run.py)."""
    from _emulator_process import emulator_process

    print(f"1 vs {count:,} concurrent streams of {deltas:,} deltas: client CPU µs per event")
    with emulator_process() as url:
        for transport in ("httpx-async", "aiohttp"):
            for floor in (False, True):
                progress(f"many streams: {transport}{' (bare)' if floor else ''}")
                r = measure(url, transport, count, deltas, repeats, floor=floor)
                extra_ms = (r.cpu_us_per_event_many - r.cpu_us_per_event_one) * r.events_one / 1e3
                print(
                    f"  {r.transport:<20}{r.cpu_us_per_event_one:>7.2f}"
                    f"{r.cpu_us_per_event_many:>8.2f}  ratio {r.ratio:.2f}"
                    f"  peak open {r.peak_open:,}"
                    f"  ({extra_ms:+.2f} ms CPU per stream)",
                    flush=True,
                )


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=5, metavar=("URL", "TRANSPORT", "N", "DELTAS", "REPEATS"))
    ap.add_argument("--profile", action="store_true", help="with --child: cProfile one round")
    ap.add_argument(
        "--floor",
        action="store_true",
        help="with --child: the bare library; alone: ours vs the bare library's floor",
    )
    ap.add_argument("--streams", type=int, default=1000, help="with --floor alone")
    ap.add_argument("--deltas", type=int, default=2000, help="with --floor alone")
    args = ap.parse_args()
    if args.child:
        url, transport, n, d, r = args.child
        result = _child(
            url, transport, int(n), int(d), int(r), profile=args.profile, floor=args.floor
        )
        if args.profile:
            print(result["profile"])
        else:
            print(json.dumps(result))
    elif args.floor:
        floors(args.streams, args.deltas, 3)
    else:
        import run

        raise SystemExit(run.main(["--only", "streams"]))
