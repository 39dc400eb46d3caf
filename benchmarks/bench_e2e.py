"""End to end against the emulator in another process: client CPU per event, per call.

Every client here talks HTTP over loopback to ``python -m runs_emulator`` running as a
separate process, so ``time.process_time()`` around the consuming loop is the *client's*
CPU only. Cases:

* ``stream`` -- one long text stream (``asst_long``, ``metadata={"deltas": N}``), every
  event iterated: client CPU µs per event and events/s (wall clock);
* ``concurrent`` -- 20 such streams at once on one async client: the same two figures
  over all their events;
* ``retrieve`` -- ``runs.retrieve`` in a loop: client CPU µs per plain call.

Each is run ``repeats`` times after a warm-up (which also opens the pooled connection)
and the median is kept. Rows: our ``Client``/``AsyncClient`` on each transport, and the
official SDK (``openai.OpenAI`` / ``openai.AsyncOpenAI``, on its own httpx) as reference.
A transport or peer whose package is missing is reported and skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import io
import pstats
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from _emulator_process import median, progress

THREAD = "thread_bench"
WARM_DELTAS = 2000
LONG = "asst_long"

# name -> (kind, transport); kind: "sync" | "asyncio" | "trio" | "sdk-sync" | "sdk-async"
CLIENTS: dict[str, tuple[str, str]] = {
    "runs httpx": ("sync", "httpx"),
    "runs requests": ("sync", "requests"),
    "runs httpx-async": ("asyncio", "httpx"),
    "runs aiohttp": ("asyncio", "aiohttp"),
    "runs trio": ("trio", "trio"),
    "openai (sync)": ("sdk-sync", "httpx"),
    "openai (async)": ("sdk-async", "httpx"),
}
SDK_SYNC = "openai (sync)"
SDK_ASYNC = "openai (async)"
OURS_HTTPX = "runs httpx"
TRANSPORT_NAMES = {"httpx", "requests", "httpx-async", "aiohttp", "trio", "openai"}


@dataclass
class E2EResult:
    case: str  # stream | concurrent | retrieve
    client: str
    kind: str
    units: int  # events (streams) or calls (retrieve) per repeat
    repeats: int
    cpu_s: float  # median client CPU seconds per repeat
    wall_s: float  # median wall seconds per repeat
    cpu_us_per_unit: float
    units_per_s: float


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The SDK marks the Assistants API deprecated; its warnings are not results."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _meta(n: int) -> dict[str, str]:
    return {"deltas": str(n)}


def available(name: str) -> str | None:
    """``None`` if the client can be built here, else why not."""
    kind, transport = CLIENTS[name]
    modules = {
        "httpx": ["httpx"],
        "requests": ["requests"],
        "aiohttp": ["aiohttp"],
        "trio": ["trio", "h11"],
    }[transport]
    if kind.startswith("sdk"):
        modules = ["openai", "httpx"]
    for module in modules:
        try:
            __import__(module)
        except ImportError as exc:
            return f"not installed ({exc})"
    return None


# -- one measurement = (consume once) under process_time/perf_counter -------------------


def _timed_sync(
    fn: Callable[[], int], repeats: int, warm: Callable[[], int] | None = None
) -> list[tuple[int, float, float]]:
    (warm or fn)()  # warm-up: imports, connection pool, caches
    out = []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        units = fn()
        out.append((units, time.process_time() - c0, time.perf_counter() - w0))
    return out


async def _timed_async(
    fn: Callable[[], Awaitable[int]], repeats: int, warm: Callable[[], Awaitable[int]] | None = None
) -> list[tuple[int, float, float]]:
    await (warm or fn)()
    out = []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        units = await fn()
        out.append((units, time.process_time() - c0, time.perf_counter() - w0))
    return out


def _sync_client(name: str, url: str) -> Any:
    kind, transport = CLIENTS[name]
    if kind == "sdk-sync":
        import openai

        return openai.OpenAI(api_key="x", base_url=url, max_retries=0)
    from runs_adapters import Client

    return Client(api_key="x", base_url=url, transport=transport, max_retries=0)


def _async_client(name: str, url: str) -> Any:
    kind, transport = CLIENTS[name]
    if kind == "sdk-async":
        import openai

        return openai.AsyncOpenAI(api_key="x", base_url=url, max_retries=0)
    from runs_adapters import AsyncClient

    return AsyncClient(api_key="x", base_url=url, transport=transport, max_retries=0)


def _runs(client: Any) -> Any:
    return client.beta.threads.runs


def _sync_case(
    name: str, url: str, case: str, n: int, repeats: int
) -> list[tuple[int, float, float]]:
    client = _sync_client(name, url)
    runs = _runs(client)
    try:
        with _quiet():
            if case == "stream":

                def once(deltas: int = n) -> int:
                    count = 0
                    for _ in runs.create(
                        THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)
                    ):
                        count += 1
                    return count

                return _timed_sync(once, repeats, warm=lambda: once(WARM_DELTAS))
            run = runs.create(THREAD, assistant_id="asst_text")

            def calls() -> int:
                for _ in range(n):
                    runs.retrieve(run.id, thread_id=THREAD)
                return n

            return _timed_sync(calls, repeats)
    finally:
        client.close()


async def _async_case(
    name: str, url: str, case: str, n: int, repeats: int, streams: int
) -> list[tuple[int, float, float]]:
    client = _async_client(name, url)
    runs = _runs(client)
    kind = CLIENTS[name][0]
    try:
        with _quiet():
            if case in ("stream", "concurrent"):

                async def one(deltas: int) -> int:
                    count = 0
                    stream = await runs.create(
                        THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)
                    )
                    async for _ in stream:
                        count += 1
                    return count

                if case == "stream":
                    return await _timed_async(
                        lambda: one(n), repeats, warm=lambda: one(WARM_DELTAS)
                    )

                async def many() -> int:
                    if kind == "trio":
                        import trio

                        counts: list[int] = []

                        async def keep() -> None:
                            counts.append(await one(n))

                        async with trio.open_nursery() as nursery:
                            for _ in range(streams):
                                nursery.start_soon(keep)
                        return sum(counts)
                    return sum(await asyncio.gather(*(one(n) for _ in range(streams))))

                return await _timed_async(many, repeats)
            run = await runs.create(THREAD, assistant_id="asst_text")

            async def calls() -> int:
                for _ in range(n):
                    await runs.retrieve(run.id, thread_id=THREAD)
                return n

            return await _timed_async(calls, repeats)
    finally:
        await client.close()


def measure(name: str, url: str, case: str, n: int, repeats: int, streams: int = 20) -> E2EResult:
    """Run one (client, case); ``n`` is deltas per stream or calls per repeat."""
    kind = CLIENTS[name][0]
    if kind in ("sync", "sdk-sync"):
        samples = _sync_case(name, url, case, n, repeats)
    elif kind == "trio":
        import trio

        samples = trio.run(_async_case, name, url, case, n, repeats, streams)
    else:
        samples = asyncio.run(_async_case(name, url, case, n, repeats, streams))
    units = samples[0][0]
    if any(s[0] != units for s in samples):
        raise RuntimeError(f"{name} {case}: unit counts differ between repeats: {samples}")
    cpu = median([s[1] for s in samples])
    wall = median([s[2] for s in samples])
    return E2EResult(
        case=case,
        client=name,
        kind=kind,
        units=units,
        repeats=repeats,
        cpu_s=cpu,
        wall_s=wall,
        cpu_us_per_unit=cpu / units * 1e6,
        units_per_s=units / wall,
    )


def run_all(
    url: str,
    *,
    clients: list[str],
    deltas: int,
    concurrent_deltas: int,
    streams: int,
    calls: int,
    repeats: int,
) -> tuple[list[E2EResult], dict[str, str]]:
    results: list[E2EResult] = []
    skipped: dict[str, str] = {}
    for name in clients:
        reason = available(name)
        if reason:
            skipped[name] = reason
            progress(f"e2e: skipped {name}: {reason}")
            continue
        kind = CLIENTS[name][0]
        progress(f"e2e: {name}: stream of {deltas:,} deltas x{repeats}")
        results.append(measure(name, url, "stream", deltas, repeats))
        if kind in ("asyncio", "trio", "sdk-async"):
            progress(f"e2e: {name}: {streams} concurrent streams of {concurrent_deltas:,} deltas")
            results.append(measure(name, url, "concurrent", concurrent_deltas, repeats, streams))
        progress(f"e2e: {name}: {calls} x runs.retrieve x{repeats}")
        results.append(measure(name, url, "retrieve", calls, repeats))
    return results, skipped


def profile_httpx_stream(url: str, deltas: int, top: int = 20) -> str:
    """cProfile of our httpx client consuming one long stream; the top functions by
    own time (tottime), as text."""
    from runs_adapters import Client

    with Client(api_key="x", base_url=url, transport="httpx", max_retries=0) as client:
        for _ in client.runs.create(THREAD, stream=True, assistant_id=LONG, metadata=_meta(100)):
            pass
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in client.runs.create(THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)):
            pass
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


if __name__ == "__main__":
    import sys

    import run

    raise SystemExit(run.main(["--only", "e2e", *sys.argv[1:]]))
