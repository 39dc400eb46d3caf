"""Peak RSS while streaming: a small stream, then a huge one; the peak must stay flat.

For each transport a fresh child process (this file with ``--child``) builds a client,
warms up on a short stream, consumes a stream of ``small`` deltas and reads its peak RSS
(``VmHWM``, reset after the warm-up; ``ru_maxrss`` where there is no /proc), then
consumes one of ``large`` deltas and reads it again. The growth between the two readings
is what holding a long stream costs:
a client that accumulates events (or a decoder whose buffer grows) shows it at once.
Events are iterated and dropped, as a consumer that prints deltas would.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

from _emulator_process import progress, subprocess_env

THREAD = "thread_bench"
TRANSPORTS = ("httpx", "requests", "httpx-async", "aiohttp", "trio")


@dataclass
class MemoryResult:
    transport: str
    small_deltas: int
    large_deltas: int
    small_events: int
    large_events: int
    peak_rss_small_mb: float
    peak_rss_large_mb: float
    growth_mb: float
    rss_after_small_mb: float  # current (not peak) RSS, for context
    rss_after_large_mb: float
    peak_reset: bool  # the peak mark was reset after the warm-up (Linux)


def _proc_status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux: ``echo 5 > /proc/self/clear_refs``), so
    the import-time peak cannot hide growth while streaming. True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def _peak_mb() -> float:
    """Peak RSS of this process in MB.

    ``VmHWM`` on Linux: ``ru_maxrss`` (RUSAGE_SELF) survives ``fork``+``exec``, so a child
    of a big benchmark process would report its parent's peak; ``VmHWM`` belongs to this
    process's own memory and can be reset. Elsewhere ``ru_maxrss``.
    """
    hwm = _proc_status_mb("VmHWM")
    if hwm is not None:
        return hwm
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS: bytes, else KiB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / scale / 1024


def _current_mb() -> float:
    rss = _proc_status_mb("VmRSS")
    return float("nan") if rss is None else rss


def _child(url: str, transport: str, sizes: list[int]) -> dict[str, Any]:
    meta = [{"deltas": str(n)} for n in sizes]
    counts: list[int] = []
    peaks: list[float] = []
    current: list[float] = []
    reset: list[bool] = []
    if transport in ("httpx", "requests"):
        from runs_adapters import Client

        with Client(api_key="x", base_url=url, transport=transport, max_retries=0) as client:
            for m in meta:
                n = 0
                for _ in client.runs.create(
                    THREAD, stream=True, assistant_id="asst_long", metadata=m
                ):
                    n += 1
                counts.append(n)
                if len(counts) == 1:
                    reset.append(_reset_peak())  # after imports and warm-up
                peaks.append(_peak_mb())
                current.append(_current_mb())
    else:
        from runs_adapters import AsyncClient

        name = "httpx" if transport == "httpx-async" else transport

        async def go() -> None:
            async with AsyncClient(
                api_key="x", base_url=url, transport=name, max_retries=0
            ) as client:
                for m in meta:
                    n = 0
                    stream = await client.runs.create(
                        THREAD, stream=True, assistant_id="asst_long", metadata=m
                    )
                    async for _ in stream:
                        n += 1
                    counts.append(n)
                    if len(counts) == 1:
                        reset.append(_reset_peak())
                    peaks.append(_peak_mb())
                    current.append(_current_mb())

        if transport == "trio":
            import trio

            trio.run(go)
        else:
            asyncio.run(go())
    return {"counts": counts, "peaks_mb": peaks, "current_mb": current, "peak_reset": reset[0]}


def measure(url: str, transport: str, small: int, large: int) -> MemoryResult:
    done = subprocess.run(
        [sys.executable, __file__, "--child", url, transport, "1000", str(small), str(large)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
    )
    if done.returncode != 0:
        raise RuntimeError(f"memory child ({transport}) failed: {done.stderr.strip()[-800:]}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    _, n_small, n_large = data["counts"]
    _, p_small, p_large = data["peaks_mb"]
    return MemoryResult(
        transport=transport,
        small_deltas=small,
        large_deltas=large,
        small_events=n_small,
        large_events=n_large,
        peak_rss_small_mb=p_small,
        peak_rss_large_mb=p_large,
        growth_mb=p_large - p_small,
        rss_after_small_mb=data["current_mb"][1],
        rss_after_large_mb=data["current_mb"][2],
        peak_reset=data["peak_reset"],
    )


def run_all(
    url: str, transports: list[str], small: int, large: int
) -> tuple[list[MemoryResult], dict[str, str]]:
    from bench_e2e import available  # the same availability rules as the e2e rows

    names = {
        "httpx": "runs httpx",
        "requests": "runs requests",
        "httpx-async": "runs httpx-async",
        "aiohttp": "runs aiohttp",
        "trio": "runs trio",
    }
    results: list[MemoryResult] = []
    skipped: dict[str, str] = {}
    for transport in transports:
        reason = available(names[transport])
        if reason:
            skipped[f"memory {transport}"] = reason
            continue
        progress(f"memory: {transport}: {small:,} then {large:,} deltas in a child process")
        results.append(measure(url, transport, small, large))
    return results, skipped


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--child", nargs="+", metavar="ARG", help="url transport n1 n2 ...")
    args = ap.parse_args()
    if args.child:
        url, transport, *ns = args.child
        print(json.dumps(_child(url, transport, [int(n) for n in ns])))
    else:
        import run

        raise SystemExit(run.main(["--only", "memory"]))
