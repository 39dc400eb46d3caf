"""Memory per open stream: N streams held open at once on each async transport.

For each transport a fresh child process (this file with ``--child``) builds an
``AsyncClient`` whose pool allows N connections, warms up, reads its current RSS
(``VmRSS``, after a garbage collection), then opens N streams concurrently and reads
each to its first events (the run is created and queued, then the emulator holds it
for ``HOLD_MS`` before going on, so every stream stays open and idle). With all N open
it reads RSS again: (open - before) / N is what one open stream costs the client
(connection, buffers, decoder, response and stream objects). Then it closes them all.

The streams' runs pause via ``metadata={"emulator_step_ms": ...}``, so the emulator (a
separate process) holds nothing big per stream either.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from _emulator_process import progress, subprocess_env

TRANSPORTS = ("httpx-async", "aiohttp", "trio")
HOLD_MS = "60000"  # the longest pause the emulator grants; far longer than a measurement


@dataclass
class OpenStreamsResult:
    transport: str
    streams: int
    rss_before_mb: float
    rss_open_mb: float
    per_stream_kib: float
    connections_opened: int | None


def _rss_mb() -> float:
    gc.collect()
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # no /proc: the peak is the best there is

    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024


def _transport(name: str, pool: int) -> Any:
    """A transport whose pool lets ``pool`` connections be open at once."""
    if name == "httpx-async":
        import httpx

        from runs_adapters.httpx_async import HttpxAsyncTransport

        limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
        return HttpxAsyncTransport(httpx.AsyncClient(limits=limits, timeout=120))
    if name == "aiohttp":
        import aiohttp

        from runs_adapters.aiohttp_transport import AiohttpTransport

        return AiohttpTransport(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=pool)))
    from runs_adapters.trio_h11 import TrioTransport

    return TrioTransport(max_connections=pool, max_keepalive=pool)


def _child(url: str, name: str, count: int) -> dict[str, Any]:
    from bench_many_streams import ensure_files
    from runs_adapters import AsyncClient

    ensure_files(count)
    metadata = {"emulator_step_ms": HOLD_MS}
    out: dict[str, Any] = {}

    async def go(all_open: Any, release: Any, spawn: Any) -> None:
        transport = _transport(name, count + 8)
        async with AsyncClient(
            api_key="x", base_url=url, transport=transport, max_retries=0, timeout=120
        ) as client:
            warm = await client.runs.create(
                "thread_warm", stream=True, assistant_id="asst_text", metadata=metadata
            )
            await warm.__anext__()
            await warm.close()
            out["rss_before_mb"] = _rss_mb()
            opened = [0]

            failed: list[BaseException] = []

            async def hold(index: int) -> None:
                try:
                    stream = await client.runs.create(
                        f"thread_open_{index}",
                        stream=True,
                        assistant_id="asst_text",
                        metadata=metadata,
                    )
                    await stream.__anext__()  # thread.run.created: the stream is open
                    await stream.__anext__()  # thread.run.queued; then nothing for HOLD_MS
                except BaseException as exc:
                    failed.append(exc)
                    all_open.set()  # do not wait for the others: report it
                    raise
                opened[0] += 1
                if opened[0] == count:
                    all_open.set()
                await release.wait()
                await stream.close()

            await spawn([functools.partial(hold, i) for i in range(count)], all_open)
            if failed:
                raise failed[0]
            out["connections_opened"] = getattr(transport, "connections_opened", None)

    if name == "trio":
        import trio

        async def main_trio() -> None:
            all_open, release = trio.Event(), trio.Event()

            async def spawn(fns: list[Any], ready: Any) -> None:
                async with trio.open_nursery() as nursery:
                    for fn in fns:
                        nursery.start_soon(fn)
                    await ready.wait()
                    out["rss_open_mb"] = _rss_mb()
                    release.set()

            await go(all_open, release, spawn)

        trio.run(main_trio)
    else:

        async def main_asyncio() -> None:
            all_open, release = asyncio.Event(), asyncio.Event()

            async def spawn(fns: list[Any], ready: Any) -> None:
                tasks = [asyncio.create_task(fn()) for fn in fns]
                await ready.wait()
                out["rss_open_mb"] = _rss_mb()
                release.set()
                await asyncio.gather(*tasks)

            await go(all_open, release, spawn)

        asyncio.run(main_asyncio())
    return out


def measure(url: str, transport: str, count: int) -> OpenStreamsResult:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, transport, str(count)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"open-streams child ({transport}) failed: {done.stderr[-800:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    before, opened = data["rss_before_mb"], data["rss_open_mb"]
    return OpenStreamsResult(
        transport=transport,
        streams=count,
        rss_before_mb=before,
        rss_open_mb=opened,
        per_stream_kib=(opened - before) * 1024 / count,
        connections_opened=data["connections_opened"],
    )


def run_all(
    url: str, transports: list[str], count: int, repeats: int = 1
) -> tuple[list[OpenStreamsResult], dict[str, str]]:
    """One row per transport: the run with the median per-stream cost of ``repeats``."""
    from bench_e2e import available  # the same availability rules as the e2e rows

    results: list[OpenStreamsResult] = []
    skipped: dict[str, str] = {}
    for transport in transports:
        reason = available(f"runs {transport}")
        if reason:
            skipped[f"open streams {transport}"] = reason
            continue
        progress(f"open streams: {transport}: {count:,} at once in a child process, x{repeats}")
        runs = sorted(
            (measure(url, transport, count) for _ in range(repeats)),
            key=lambda r: r.per_stream_kib,
        )
        results.append(runs[len(runs) // 2])
    return results, skipped


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs=3, metavar=("URL", "TRANSPORT", "N"))
    args = ap.parse_args()
    if args.child:
        url, transport, n = args.child
        print(json.dumps(_child(url, transport, int(n))))
    else:
        import run

        raise SystemExit(run.main(["--only", "streams"]))
