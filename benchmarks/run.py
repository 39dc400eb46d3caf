"""The benchmark suite: runs side by side with the libraries a user would pick instead.

    python benchmarks/run.py                 # quick set (under a minute), table on stdout
    python benchmarks/run.py --full          # the whole set (a few minutes)
    python benchmarks/run.py --json out.json # also write machine-readable results
    python benchmarks/run.py --transport aiohttp --chunk-size 4096   # narrow it
    python benchmarks/run.py --only decoders --plot   # regenerate docs/img/decoders.png
    python benchmarks/run.py --profile       # cProfile of our httpx end-to-end stream
    python benchmarks/run.py --stream run.sse   # the decoders on a stream from `runs record`

Sections: decoder level (SSE events/s, typed events/s, ``text_deltas``), end to end
against the emulator in a separate process (client CPU per event and per call, events/s,
20 concurrent streams), cold start, peak RSS over a long stream, client CPU per event with
N concurrent streams vs one and memory per open stream with many held open at once (async
transports; ``streams``, 200 quick, 1,000 full), and many more concurrent streams
than one client's pool holds (``concurrency``: only with ``--full`` or ``--only``; counts
from one run per client). Every other figure is a median of repeated runs, and every
comparison is a ratio taken within this one run, on this machine; the targets in
``docs/benchmarks.md`` are checked at the end. A peer library that is not installed is
reported and skipped, never replaced. Progress goes to stderr.

``main(argv)`` is importable with this directory on ``sys.path`` (``runs bench`` does so).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _emulator_process import ROOT, emulator_process, progress

SECTIONS = ("decoders", "e2e", "startup", "memory", "streams", "concurrency")
FULL_ONLY = ("concurrency",)  # too slow for the quick set; --only runs it at the quick size
TRANSPORTS = ("httpx", "requests", "httpx-async", "aiohttp", "trio")

QUICK = {
    "deltas": 1000,
    "repeats": 3,
    "chunk_sizes": (256, 4096, 65536),
    "heap_deltas": 5000,
    "heap_repeats": 3,
    "heap_chunk_sizes": (16384,),
    "e2e_deltas": 10_000,
    "e2e_repeats": 3,
    "concurrent_deltas": 1_000,
    "streams": 20,
    "calls": 500,
    "call_repeats": 9,
    "startup_repeats": 5,
    "mem_small": 10_000,
    "mem_large": 100_000,
    "mem_transports": ("httpx",),
    "open_streams": 200,
    "open_streams_repeats": 1,
    "many_streams": 200,  # CPU per event: this many concurrent streams vs one
    "many_deltas": 2_000,  # per stream, in both cases
    "many_repeats": 3,
    "concurrency_streams": 2_000,
    "concurrency_step_ms": 3000,  # a run outlasts the timeout: one pool's worth completes
    "concurrency_deadline_s": 120,
}
FULL = {
    "deltas": 20_000,
    "repeats": 7,
    "chunk_sizes": (64, 256, 1024, 4096, 16384, 65536),
    "heap_deltas": 20_000,
    "heap_repeats": 5,
    "heap_chunk_sizes": (16384, 65536),
    "e2e_deltas": 200_000,
    "e2e_repeats": 3,
    "concurrent_deltas": 10_000,
    "streams": 20,
    "calls": 1000,
    "call_repeats": 11,
    "startup_repeats": 15,
    "mem_small": 10_000,
    "mem_large": 1_000_000,
    "mem_transports": TRANSPORTS,
    "open_streams": 1000,
    "open_streams_repeats": 3,
    "many_streams": 1000,
    "many_deltas": 2_000,
    "many_repeats": 3,
    "concurrency_streams": 10_000,
    "concurrency_step_ms": 1000,  # a run takes ~4 s: about three pools' worth complete
    "concurrency_deadline_s": 240,
}

TARGETS = {
    "sse_floor_small": ("SSE events/s vs the bytes.find floor, chunks < 4 KiB", ">=", 0.45),
    "sse_floor": ("SSE events/s vs the bytes.find floor, chunks >= 4 KiB", ">=", 0.6),
    "sse_httpx_small": ("SSE events/s vs httpx-sse, chunks < 4 KiB", ">=", 2.0),
    "sse_httpx": ("SSE events/s vs httpx-sse, chunks >= 4 KiB", ">=", 3.0),
    "typed_small": ("typed events/s vs the official SDK, chunks < 1 KiB", ">=", 15.0),
    "typed": ("typed events/s vs the official SDK, chunks >= 1 KiB", ">=", 20.0),
    "text_deltas": ("text_deltas/s vs the official SDK (min over chunk sizes)", ">=", 15.0),
    "feed_heap": ("feed / iter_feed, large heap (min over chunk sizes)", ">=", 0.9),
    "e2e_cpu": ("client CPU per streamed event, httpx, vs the SDK", "<=", 1 / 3),
    "transport_spread": ("slowest / fastest transport, CPU per streamed event", "<=", 2.0),
    "call_floor": ("CPU per plain call vs the bare transport (max over transports)", "<=", 1.1),
    "cold_start": ("import + Client() vs import openai + OpenAI()", "<=", 1 / 3),
    "cold_start_floor": (
        "import + Client() vs the transport's own import + client (max over transports)",
        "<=",
        1.1,
    ),
    "memory": ("peak RSS growth, streaming the large stream (MB)", "<", 20.0),
    "many_streams": (
        "CPU per event, N concurrent streams vs one (max over async transports)",
        "<=",
        1.5,
    ),
}


# -- decoder level ----------------------------------------------------------------------


def run_decoders(cfg: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    from tests._helpers.streams import chunked, text_run_stream

    import bench_typed  # registers the typed and text_deltas rows
    from bench_decoders import PARSERS, load_parsers, time_parsers

    data = text_run_stream(cfg["deltas"])
    parsers, skipped = load_parsers()
    for name, reason in skipped.items():
        progress(f"decoders: skipped {name}: {reason}")
    excluded: dict[str, str] = {}
    for name, parse in list(parsers.items()):
        expected = bench_typed.expected_count(PARSERS[name].group, data)
        got = parse(chunked(data, 7))
        if got != expected:
            excluded[name] = f"counted {got}, expected {expected} (7-byte chunks)"
            del parsers[name]
    rows: list[dict[str, Any]] = []
    for size in sizes:
        progress(f"decoders: {len(parsers)} parsers, {cfg['deltas']:,} deltas, chunk {size} B")
        chunks = chunked(data, size)
        for name, times in time_parsers(parsers, chunks, cfg["repeats"]).items():
            group = PARSERS[name].group
            units = bench_typed.expected_count(group, data)
            median = statistics.median(times)
            rows.append(
                {
                    "parser": name,
                    "group": group,
                    "chunk_size": size,
                    "units": units,
                    "bytes": len(data),
                    "repeats": cfg["repeats"],
                    "median_s": median,
                    "per_s": units / median,
                    "mb_per_s": len(data) / median / 1e6,
                }
            )
    progress(
        f"decoders: feed vs iter_feed in a large heap (child process, {cfg['heap_deltas']:,}"
        " deltas)"
    )
    heap = bench_typed.large_heap(
        cfg["heap_deltas"], cfg["heap_repeats"], tuple(cfg["heap_chunk_sizes"])
    )
    return {
        "deltas": cfg["deltas"],
        "bytes": len(data),
        "rows": rows,
        "skipped": skipped,
        "excluded": excluded,
        "baselines": bench_typed.BASELINES,
        "heap": heap,
    }


def _load_stream(path: Path) -> Any:
    """The stream ``--stream`` names; ``ValueError`` with a one-line reason if it is
    missing, unreadable, or holds no events."""
    from bench_stream_file import load_stream

    return load_stream(path)  # its StreamFileError is a ValueError


def run_decoders_on(stream: Any, cfg: dict[str, Any], sizes: list[int]) -> dict[str, Any]:
    """The decoder section on a recorded stream (``bench_stream_file``): every row is
    checked against ours on it first, then timed. No large-heap run: that one is about
    the generated stream's size and the process's heap, not about the file."""
    import bench_stream_file

    return bench_stream_file.run(stream, sizes, cfg["repeats"], progress)


def _positive(text: str) -> int:
    """An option's positive integer (a chunk size of 0 would cut nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _decoder_table(dec: dict[str, Any]) -> list[str]:
    rows = dec["rows"]
    sizes = sorted({r["chunk_size"] for r in rows})
    names = list(dict.fromkeys(r["parser"] for r in rows))
    width = max((len(n) for n in names), default=8) + 2
    head = "".join(f"{_size(s):>10}" for s in sizes)
    source = dec.get("source") or f"{dec['deltas']:,}-delta text run ({dec['bytes']:,} bytes)"
    lines = [
        f"Decoder level: {source}; thousands per second by chunk size; "
        "(×N) = how many times faster ours is",
        *(f"  note: {note}" for note in dec.get("notes", [])),
    ]
    for group, title in (
        ("sse", "SSE events/s"),
        ("typed", "typed events/s (done excluded)"),
        ("text_deltas", "text_deltas/s"),
    ):
        base_name = dec["baselines"][group]
        base = {r["chunk_size"]: r["per_s"] for r in rows if r["parser"] == base_name}
        group_names = [
            n for n in names if any(r["group"] == group and r["parser"] == n for r in rows)
        ]
        if not group_names:
            continue
        lines.append(f"  {title:<{width}}{head}")
        for name in group_names:
            cells = ""
            for s in sizes:
                r = next((r for r in rows if r["parser"] == name and r["chunk_size"] == s), None)
                if r is None:
                    cells += f"{'-':>10}"
                    continue
                k = f"{r['per_s'] / 1e3:,.0f}k"
                cells += f"{k:>10}"
            ratios = [
                base[r["chunk_size"]] / r["per_s"]
                for r in rows
                if r["parser"] == name and r["chunk_size"] in base
            ]
            note = ""
            if name != base_name and ratios:
                low, high = f"{min(ratios):.1f}", f"{max(ratios):.1f}"
                note = f"  (×{low})" if low == high else f"  (×{low}..{high})"
            lines.append(f"    {name:<{width - 2}}{cells}{note}")
    for name, reason in dec["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    for name, reason in dec["excluded"].items():
        lines.append(f"  excluded {name}: {reason}")
    heap = dec.get("heap")
    if heap and "error" in heap:
        lines.append(f"  large heap: failed ({heap['error']})")
    elif heap:
        lines.append(
            f"  typed events/s, feed vs iter_feed, by heap ({heap['deltas']:,} deltas, median"
            f" of {heap['repeats']} consecutive runs per case, no gc.collect() between)"
        )
        for h in heap["heaps"]:
            for size in dict.fromkeys(r["chunk_size"] for r in h["rows"]):
                rates = {r["case"]: r["per_s"] for r in h["rows"] if r["chunk_size"] == size}
                cells = "  ".join(f"{case} {rate / 1e3:,.0f}k" for case, rate in rates.items())
                ratio = rates["feed"] / rates["iter_feed"]
                lines.append(
                    f"    {h['heap']} ({h['objects']:,} objects), {_size(size)}: {cells}"
                    f"  (feed/iter_feed {ratio:.2f})"
                )
    return lines


def _size(n: int) -> str:
    return f"{n // 1024} KiB" if n >= 1024 else f"{n} B"


# -- end to end -------------------------------------------------------------------------


def _e2e_clients(transports: list[str] | None) -> list[str]:
    from bench_e2e import CLIENTS, SDK_ASYNC, SDK_SYNC

    if not transports:
        return list(CLIENTS)
    chosen = [f"runs {t}" for t in transports if f"runs {t}" in CLIENTS]
    return [*chosen, SDK_SYNC, SDK_ASYNC]  # the references are always measured


def run_e2e(cfg: dict[str, Any], url: str, transports: list[str] | None) -> dict[str, Any]:
    import bench_e2e

    results, skipped = bench_e2e.run_all(
        url,
        clients=_e2e_clients(transports),
        deltas=cfg["e2e_deltas"],
        concurrent_deltas=cfg["concurrent_deltas"],
        streams=cfg["streams"],
        calls=cfg["calls"],
        repeats=cfg["e2e_repeats"],
        call_repeats=cfg["call_repeats"],
    )
    return {
        "deltas": cfg["e2e_deltas"],
        "concurrent_deltas": cfg["concurrent_deltas"],
        "streams": cfg["streams"],
        "calls": cfg["calls"],
        "rows": [asdict(r) for r in results],
        "skipped": skipped,
    }


def _e2e_table(e2e: dict[str, Any]) -> list[str]:
    rows = e2e["rows"]
    by = {(r["client"], r["case"]): r for r in rows}
    clients = list(dict.fromkeys(r["client"] for r in rows))
    sdk_sync = by.get(("openai (sync)", "stream"))
    sdk_async_c = by.get(("openai (async)", "concurrent"))
    sdk_ret = by.get(("openai (sync)", "retrieve"))
    lines = [
        f"End to end vs the emulator in another process: one stream of {e2e['deltas']:,} "
        f"deltas; {e2e['streams']} concurrent streams of {e2e['concurrent_deltas']:,}; "
        f"{e2e['calls']} retrieve calls. CPU = client process only; (×N) = CPU vs the SDK; "
        "vs bare = CPU per call vs the transport library's bare request + json.loads",
        f"  {'client':<20}{'µs CPU/event':>14}{'events/s':>11}"
        f"{'concurrent µs/ev':>18}{'events/s':>10}{'µs CPU/call':>13}{'vs bare':>9}",
    ]
    from bench_e2e import FLOORS

    for c in clients:
        s, cc, rt = by.get((c, "stream")), by.get((c, "concurrent")), by.get((c, "retrieve"))

        def cell(r: dict[str, Any] | None, ref: dict[str, Any] | None, w: int) -> str:
            if r is None:
                return f"{'-':>{w}}"
            txt = f"{r['cpu_us_per_unit']:.1f}"
            if ref is not None and ref is not r:
                txt += f" ×{ref['cpu_us_per_unit'] / r['cpu_us_per_unit']:.1f}"
            return f"{txt:>{w}}"

        def rate(r: dict[str, Any] | None) -> str:
            return "-" if r is None else f"{r['units_per_s']:,.0f}"

        floor = by.get((FLOORS.get(c, ""), "retrieve"))
        vs_bare = "-"
        if rt is not None and floor is not None:
            vs_bare = f"{rt['cpu_us_per_unit'] / floor['cpu_us_per_unit']:.2f}"
        lines.append(
            f"  {c:<20}{cell(s, sdk_sync, 14)}{rate(s):>11}"
            f"{cell(cc, sdk_async_c, 18)}{rate(cc):>10}"
            f"{cell(rt, None if rt and rt['kind'] == 'bare' else sdk_ret, 13)}{vs_bare:>9}"
        )
    for name, reason in e2e["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    return lines


# -- startup and memory -------------------------------------------------------------------


def run_startup(cfg: dict[str, Any]) -> dict[str, Any]:
    import bench_startup

    results, skipped = bench_startup.run_all(cfg["startup_repeats"])
    return {"rows": [asdict(r) for r in results], "skipped": skipped}


def _startup_table(st: dict[str, Any]) -> list[str]:
    from bench_startup import FLOORS

    rows = {r["case"]: r for r in st["rows"]}
    sdk = rows.get("openai OpenAI")
    lines = [
        "Cold start, fresh interpreter: wall time minus an empty interpreter's; in-child = "
        "the statement's own perf_counter; vs floor = net vs the transport library's own "
        "import + client (bare)",
        f"  {'case':<30}{'net ms':>9}{'in-child ms':>13}{'vs openai':>11}{'vs floor':>10}",
    ]
    for name, r in rows.items():
        ratio = f"{r['net_s'] / sdk['net_s']:.2f}" if sdk and r is not sdk else "-"
        floor = rows.get(FLOORS.get(name, ""))
        vs_floor = f"{r['net_s'] / floor['net_s']:.2f}" if floor else "-"
        lines.append(
            f"  {name:<30}{r['net_s'] * 1e3:>9.0f}{r['in_child_s'] * 1e3:>13.0f}{ratio:>11}"
            f"{vs_floor:>10}"
        )
    for name, reason in st["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    return lines


def run_memory(cfg: dict[str, Any], url: str, transports: list[str] | None) -> dict[str, Any]:
    import bench_memory

    chosen = [t for t in cfg["mem_transports"] if not transports or t in transports]
    if transports and not chosen:
        chosen = [t for t in transports if t in TRANSPORTS]
    results, skipped = bench_memory.run_all(url, chosen, cfg["mem_small"], cfg["mem_large"])
    return {"rows": [asdict(r) for r in results], "skipped": skipped}


def _memory_table(mem: dict[str, Any]) -> list[str]:
    lines = [
        "Memory: peak RSS (VmHWM, reset after warm-up) of a child process after each stream;"
        " current RSS after",
        f"  {'transport':<13}{'deltas':>21}{'peak MB':>17}{'growth MB':>11}{'RSS MB':>15}",
    ]
    for r in mem["rows"]:
        lines.append(
            f"  {r['transport']:<13}{r['small_deltas']:>10,} → {r['large_deltas']:>9,}"
            f"{r['peak_rss_small_mb']:>8.1f} → {r['peak_rss_large_mb']:>6.1f}"
            f"{r['growth_mb']:>11.1f}"
            f"{r['rss_after_small_mb']:>7.1f} → {r['rss_after_large_mb']:>5.1f}"
        )
    for name, reason in mem["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    return lines


def run_streams(cfg: dict[str, Any], url: str, transports: list[str] | None) -> dict[str, Any]:
    import bench_many_streams
    import bench_open_streams

    chosen = [t for t in bench_open_streams.TRANSPORTS if not transports or t in transports]
    cpu, cpu_skipped = bench_many_streams.run_all(
        url, chosen, cfg["many_streams"], cfg["many_deltas"], cfg["many_repeats"]
    )
    results, skipped = bench_open_streams.run_all(
        url, chosen, cfg["open_streams"], cfg["open_streams_repeats"]
    )
    return {
        "many_streams": cfg["many_streams"],
        "many_deltas": cfg["many_deltas"],
        "many_repeats": cfg["many_repeats"],
        "one_repeats": max(cfg["many_repeats"], bench_many_streams.ONE_REPEATS),
        "open_streams": cfg["open_streams"],
        "cpu_rows": [asdict(r) for r in cpu],
        "rows": [asdict(r) for r in results],
        "skipped": {**cpu_skipped, **skipped},
    }


def _streams_table(st: dict[str, Any]) -> list[str]:
    n, held = st.get("many_streams"), st.get("open_streams")
    cpu = {r["transport"]: r for r in st.get("cpu_rows", [])}
    mem = {r["transport"]: r for r in st["rows"]}
    lines = [
        f"Streams: 1 vs {n:,} concurrent streams of {st.get('many_deltas', 0):,} deltas each"
        f" on a fresh AsyncClient each (pool of {n:,}), a child process per transport",
        f"  client CPU µs per event (process_time, client only; medians of"
        f" {st.get('one_repeats')} / {st.get('many_repeats')} runs); memory: RSS per open"
        f" stream with {held:,} held open at once",
        f"  {'transport':<13}{'µs/ev 1':>9}{f'µs/ev {n:,}':>13}{'ratio':>7}{'peak open':>11}"
        f"{f'events/s {n:,}':>17}{'KiB/stream':>12}{'RSS MB before → open':>23}",
    ]
    for name in dict.fromkeys([*cpu, *mem]):
        c, m = cpu.get(name), mem.get(name)
        one = f"{c['cpu_us_per_event_one']:.2f}" if c else "-"
        many = f"{c['cpu_us_per_event_many']:.2f}" if c else "-"
        ratio = f"{c['ratio']:.2f}" if c else "-"
        rate = f"{c['events_per_s_many']:,.0f}" if c else "-"
        peak = f"{c['peak_open']:,}" if c and "peak_open" in c else "-"
        kib = f"{m['per_stream_kib']:.1f}" if m else "-"
        rss = f"{m['rss_before_mb']:.1f} → {m['rss_open_mb']:.1f}" if m else "-"
        lines.append(
            f"  {name:<13}{one:>9}{many:>13}{ratio:>7}{peak:>11}{rate:>17}{kib:>12}{rss:>23}"
        )
    if any(r.get("peak_open", n) < n for r in cpu.values()):
        lines.append(
            f"  peak open: most streams open at once (head in, body not ended); below {n:,}, the"
            " transport's pool did not let them all run at once (httpx: its pool hands the"
            " same idle connection to every request that arrives before one claims it)"
        )
    for name, reason in st["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    return lines


def run_concurrency(cfg: dict[str, Any], url: str, transports: list[str] | None) -> dict[str, Any]:
    import bench_concurrency

    chosen = [t for t in bench_concurrency.TRANSPORTS if not transports or t in transports]
    results, skipped = bench_concurrency.run_all(
        url,
        [*chosen, bench_concurrency.SDK],  # the reference is always measured
        cfg["concurrency_streams"],
        cfg["concurrency_deadline_s"],
        cfg["concurrency_step_ms"],
    )
    return {
        "streams": cfg["concurrency_streams"],
        "step_ms": cfg["concurrency_step_ms"],
        "timeout_s": bench_concurrency.TIMEOUT_S,
        "deadline_s": cfg["concurrency_deadline_s"],
        "rows": [asdict(r) for r in results],
        "skipped": skipped,
    }


def _concurrency_table(cc: dict[str, Any]) -> list[str]:
    lines = [
        f"Concurrent streams: {cc['streams']:,} started at once on one client (default pool,"
        f" timeout {cc['timeout_s']:g} s, no retries), each run pausing {cc['step_ms']} ms"
        " between steps; a child process per row",
        f"  {'client':<16}{'status':>10}{'completed':>11}{'timed out':>11}{'wall s':>9}"
        f"{'worst call s':>14}{'CPU s':>8}  other errors",
    ]

    def num(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    for r in cc["rows"]:
        others = ", ".join(f"{k} {v:,}" for k, v in sorted(r["other_errors"].items()))
        if r["unfinished"]:
            others = ", ".join(x for x in (others, f"unfinished {r['unfinished']:,}") if x)
        if r["note"]:
            others = ", ".join(x for x in (others, r["note"]) if x)
        lines.append(
            f"  {r['client']:<16}{r['status']:>10}{r['completed']:>11,}{r['timeouts']:>11,}"
            f"{num(r['wall_s']):>9}{num(r['worst_call_s']):>14}{num(r['cpu_s']):>8}"
            f"  {others or '-'}"
        )
    for name, reason in cc["skipped"].items():
        lines.append(f"  skipped {name}: {reason}")
    return lines


# -- targets ------------------------------------------------------------------------------


def check_targets(res: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(key: str, value: float | None, detail: str) -> None:
        label, op, goal = TARGETS[key]
        if value is None:
            out.append({"target": key, "label": label, "status": "not measured", "detail": detail})
            return
        hit = value >= goal if op == ">=" else value <= goal if op == "<=" else value < goal
        out.append(
            {
                "target": key,
                "label": label,
                "op": op,
                "goal": goal,
                "value": value,
                "status": "hit" if hit else "MISSED",
                "detail": detail,
            }
        )

    dec = res.get("decoders")
    if dec:
        from bench_decoders import BASELINE
        from bench_typed import SDK_TEXT, SDK_TYPED

        def ratios(ours_name: str, other: str) -> dict[int, float]:
            """ours / other's rate, by chunk size."""
            rows = dec["rows"]
            out = {}
            for r in rows:
                if r["parser"] != ours_name:
                    continue
                peer = next(
                    (
                        x
                        for x in rows
                        if x["parser"] == other and x["chunk_size"] == r["chunk_size"]
                    ),
                    None,
                )
                if peer:
                    out[r["chunk_size"]] = r["per_s"] / peer["per_s"]
            return out

        def band(key: str, found: dict[int, float], keep: Callable[[int], bool]) -> None:
            chosen = {k: v for k, v in found.items() if keep(k)}
            fmt = ".2f" if TARGETS[key][2] < 1 else ".1f"
            detail = ", ".join(f"{_size(k)}: {v:{fmt}}" for k, v in chosen.items())
            add(key, min(chosen.values()) if chosen else None, detail or "not run")

        floor = ratios(BASELINE, "bytes.find framer (floor)")
        httpx = ratios(BASELINE, "httpx-sse")
        typed = ratios(dec["baselines"]["typed"], SDK_TYPED)
        band("sse_floor_small", floor, lambda size: size < 4096)
        band("sse_floor", floor, lambda size: size >= 4096)
        band("sse_httpx_small", httpx, lambda size: size < 4096)
        band("sse_httpx", httpx, lambda size: size >= 4096)
        band("typed_small", typed, lambda size: size < 1024)
        band("typed", typed, lambda size: size >= 1024)
        band("text_deltas", ratios(dec["baselines"]["text_deltas"], SDK_TEXT), lambda _: True)
        heap = dec.get("heap") or {}
        large = heap["heaps"][-1] if heap.get("heaps") else None
        if large:
            by = {(r["case"], r["chunk_size"]): r["per_s"] for r in large["rows"]}
            sizes = sorted({size for _, size in by})
            band(
                "feed_heap",
                {size: by[("feed", size)] / by[("iter_feed", size)] for size in sizes},
                lambda _: True,
            )
        else:
            add("feed_heap", None, heap.get("error", "not run"))
    e2e = res.get("e2e")
    if e2e:
        by = {(r["client"], r["case"]): r for r in e2e["rows"]}
        ours, sdk = by.get(("runs httpx", "stream")), by.get(("openai (sync)", "stream"))
        if ours and sdk:
            add(
                "e2e_cpu",
                ours["cpu_us_per_unit"] / sdk["cpu_us_per_unit"],
                f"{ours['cpu_us_per_unit']:.1f} vs {sdk['cpu_us_per_unit']:.1f} µs/event",
            )
        else:
            add("e2e_cpu", None, "httpx or SDK row missing")
        mine = {c: r for (c, case), r in by.items() if case == "stream" and c.startswith("runs ")}
        if len(mine) > 1:
            fast = min(mine.values(), key=lambda r: r["cpu_us_per_unit"])
            slow = max(mine.values(), key=lambda r: r["cpu_us_per_unit"])
            add(
                "transport_spread",
                slow["cpu_us_per_unit"] / fast["cpu_us_per_unit"],
                f"fastest {fast['client']} {fast['cpu_us_per_unit']:.1f}, slowest "
                f"{slow['client']} {slow['cpu_us_per_unit']:.1f} µs/event",
            )
        from bench_e2e import FLOORS

        pairs = {
            name: (by[(name, "retrieve")], by[(floor, "retrieve")])
            for name, floor in FLOORS.items()
            if (name, "retrieve") in by and (floor, "retrieve") in by
        }
        if pairs:

            def vs(pair: tuple[dict[str, Any], dict[str, Any]]) -> float:
                return float(pair[0]["cpu_us_per_unit"] / pair[1]["cpu_us_per_unit"])

            add(
                "call_floor",
                max(vs(pair) for pair in pairs.values()),
                ", ".join(f"{name[5:]} {vs(pair):.2f}" for name, pair in pairs.items()),
            )
        else:
            add("call_floor", None, "no transport with both rows")
    st = res.get("startup")
    if st:
        rows = {r["case"]: r for r in st["rows"]}
        ours, sdk = rows.get("runs Client (httpx)"), rows.get("openai OpenAI")
        if ours and sdk:
            add(
                "cold_start",
                ours["net_s"] / sdk["net_s"],
                f"{ours['net_s'] * 1e3:.0f} vs {sdk['net_s'] * 1e3:.0f} ms",
            )
        from bench_startup import FLOORS

        pairs = {
            name: (rows[name], rows[floor])
            for name, floor in FLOORS.items()
            if name in rows and floor in rows
        }
        if pairs:
            worst = max(pairs, key=lambda n: pairs[n][0]["net_s"] / pairs[n][1]["net_s"])
            add(
                "cold_start_floor",
                pairs[worst][0]["net_s"] / pairs[worst][1]["net_s"],
                ", ".join(
                    f"{name.removeprefix('runs ')} {ours['net_s'] * 1e3:.0f}/"
                    f"{floor['net_s'] * 1e3:.0f} ms"
                    for name, (ours, floor) in pairs.items()
                ),
            )
        else:
            add("cold_start_floor", None, "no transport with both rows")
    mem = res.get("memory")
    if mem and mem["rows"]:
        worst = max(mem["rows"], key=lambda r: r["growth_mb"])
        add(
            "memory",
            worst["growth_mb"],
            f"worst {worst['transport']}, {worst['small_deltas']:,} → "
            f"{worst['large_deltas']:,} deltas",
        )
    st = res.get("streams")
    if st and st.get("cpu_rows"):
        worst = max(st["cpu_rows"], key=lambda r: r["ratio"])
        add(
            "many_streams",
            worst["ratio"],
            ", ".join(
                f"{r['transport']} {r['ratio']:.2f}"
                + (
                    f" (peak {r['peak_open']:,} open)"
                    if r.get("peak_open", 0) < r["streams"]
                    else ""
                )
                for r in st["cpu_rows"]
            )
            + f"; {worst['streams']:,} streams of {worst['deltas']:,} deltas",
        )
    return out


def _targets_table(targets: list[dict[str, Any]]) -> list[str]:
    lines = ["Targets"]
    for t in targets:
        if t["status"] == "not measured":
            lines.append(f"  {t['label']:<62} not measured ({t['detail']})")
            continue
        goal = t["goal"]
        shown = f"{goal:.2f}" if goal < 1 else f"{goal:g}"
        lines.append(
            f"  {t['label']:<62} {t['value']:>7.2f} (target {t['op']} {shown}): "
            f"{t['status']}  [{t['detail']}]"
        )
    return lines


# -- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="runs bench", description=__doc__.splitlines()[0])
    ap.add_argument("--full", action="store_true", help="the whole set (a few minutes)")
    ap.add_argument("--json", type=Path, metavar="PATH", help="write machine-readable results")
    ap.add_argument(
        "--transport",
        action="append",
        choices=TRANSPORTS,
        help="narrow e2e, memory, streams and concurrency; repeatable",
    )
    ap.add_argument("--chunk-size", type=_positive, action="append", help="decoder chunk sizes")
    ap.add_argument(
        "--stream", type=Path, metavar="FILE",
        help="bench the decoders on this recorded stream (from `runs record`, or any SSE body)",
    )  # fmt: skip
    ap.add_argument(
        "--repeats", type=_positive, metavar="N", help="decoder timing repeats (default 3, full 7)"
    )
    ap.add_argument("--only", action="append", choices=SECTIONS, help="run only these sections")
    ap.add_argument(
        "--plot", nargs="?", const=ROOT / "docs" / "img" / "decoders.png", type=Path,
        metavar="PNG", help="plot decoder events/s per chunk size (default docs/img/decoders.png)",
    )  # fmt: skip
    ap.add_argument("--profile", action="store_true", help="cProfile our httpx e2e stream")
    args = ap.parse_args(argv)
    if args.stream and (set(args.only or ["decoders"]) != {"decoders"} or args.profile):
        ap.error("--stream benches the decoders only: leave out --only, or use --only decoders")

    cfg = FULL if args.full else QUICK
    if args.repeats:
        cfg = {**cfg, "repeats": args.repeats}
    sections = args.only or [s for s in SECTIONS if args.full or s not in FULL_ONLY]
    stream = None
    if args.stream:
        sections = ["decoders"]
        try:
            stream = _load_stream(args.stream)
        except ValueError as exc:
            print(f"runs bench: {exc}", file=sys.stderr)
            return 1
    sizes = args.chunk_size or list(cfg["chunk_sizes"])
    started = time.perf_counter()
    res: dict[str, Any] = {
        "meta": {
            "date": datetime.date.today().isoformat(),
            "python": platform.python_version(),
            "implementation": platform.python_implementation(),
            "machine": platform.machine(),
            "system": platform.system(),
            "cpus": __import__("os").cpu_count(),
            "set": "full" if args.full else "quick",
            "argv": list(sys.argv[1:] if argv is None else argv),
            "config": {k: list(v) if isinstance(v, tuple) else v for k, v in cfg.items()},
        }
    }
    progress(f"{res['meta']['set']} set: {', '.join(sections)}")
    if "decoders" in sections and stream is not None:
        res["decoders"] = run_decoders_on(stream, cfg, sizes)
    elif "decoders" in sections:
        res["decoders"] = run_decoders(cfg, sizes)
    if "startup" in sections:
        res["startup"] = run_startup(cfg)
    needs_emulator = {"e2e", "memory", "streams", "concurrency"} & set(sections) or args.profile
    if needs_emulator:
        try:
            import runs_emulator  # noqa: F401
        except ImportError as exc:
            progress(f"e2e and memory skipped: the emulator cannot start ({exc})")
        else:
            with emulator_process() as url:
                progress(f"emulator at {url} (separate process)")
                if "e2e" in sections:
                    res["e2e"] = run_e2e(cfg, url, args.transport)
                if "memory" in sections:
                    res["memory"] = run_memory(cfg, url, args.transport)
                if "streams" in sections:
                    res["streams"] = run_streams(cfg, url, args.transport)
                if "concurrency" in sections:
                    res["concurrency"] = run_concurrency(cfg, url, args.transport)
                if args.profile:
                    import bench_e2e

                    progress("profile: our httpx client, one stream")
                    res["profile"] = bench_e2e.profile_httpx_stream(url, cfg["e2e_deltas"])
    # The targets are set on the generated text run: a recorded stream is not measured
    # against them (its ratios are in its table).
    res["targets"] = check_targets(res) if stream is None else []
    res["meta"]["elapsed_s"] = time.perf_counter() - started

    meta = res["meta"]
    print(
        f"runs benchmarks ({meta['set']} set), {meta['date']}, Python {meta['python']} "
        f"on {meta['machine']} {meta['system']}, {meta['cpus']} CPUs; medians; "
        f"{meta['elapsed_s']:.0f}s"
    )
    for key, render in (
        ("decoders", _decoder_table),
        ("e2e", _e2e_table),
        ("startup", _startup_table),
        ("memory", _memory_table),
        ("streams", _streams_table),
        ("concurrency", _concurrency_table),
    ):
        if key in res:
            print()
            print("\n".join(render(res[key])))
    if res["targets"]:
        print()
        print("\n".join(_targets_table(res["targets"])))
    if "profile" in res:
        print("\nProfile (our httpx client, one stream; top by own time)")
        print(res["profile"])
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=2))
        progress(f"wrote {args.json}")
    if args.plot:
        if "decoders" not in res:
            progress("--plot needs the decoders section")
        else:
            import plot

            try:
                plot.plot(res, args.plot)
                progress(f"wrote {args.plot}")
            except ImportError as exc:
                progress(f"plot skipped: matplotlib not installed ({exc})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
