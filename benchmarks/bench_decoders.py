"""Throughput of SSE decoders on realistic Assistants run streams, side by side.

Run: ``python benchmarks/bench_decoders.py [--quick] [--chunk-size N ...] [--json PATH]``.

Every parser is a callable that takes the stream as a list of chunks (as a transport
would hand them over) and returns how many events it produced; parsers are kept in the
``PARSERS`` registry, so later benchmarks (typed events, plots) add rows with
``register``. A peer library that is not installed is reported and skipped. Before
timing, each parser's event count is checked against the count the stream generator
promises, so a parser that drops or invents events cannot post a flattering number.

A row may also offer an *events* function (``events_of``): the same parser yielding what
it decoded, in a form comparable across libraries (``sse_item`` here). ``run.py --stream
FILE`` compares those against ours on a recorded stream, where no generator promises a
count. It is a separate function so that the timed one stays a bare counting loop.

Timing: each (parser, chunk size) is run ``--repeats`` times with ``time.perf_counter``,
parsers taking turns, and the median is reported, after a warm-up run; the chunks are cut
before timing.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulator_process  # noqa: F401  (puts src/ and the repo root on sys.path)

# isort: split
from tests._helpers.streams import STREAMS, chunked, event_count

Parser = Callable[[list[bytes]], int]
Events = Callable[[list[bytes]], Iterator[Any]]
"""What a row decoded from the chunks, one comparable item per unit it counts."""

CHUNK_SIZES = (64, 256, 1024, 4096, 16384, 65536)
BASELINE = "runs SSEDecoder"


@dataclass
class Entry:
    """A registered parser; ``load`` returns the callable or raises ImportError.

    ``load_events``, if set, returns the row's events function (see ``events_of``); a row
    without one (a framer that decodes nothing) can only have its count checked.
    """

    name: str
    load: Callable[[], Parser]
    group: str = "sse"
    load_events: Callable[[], Events] | None = None


PARSERS: dict[str, Entry] = {}


def register(
    name: str, group: str = "sse"
) -> Callable[[Callable[[], Parser]], Callable[[], Parser]]:
    """Add a row: decorate a zero-argument loader that imports its library and returns
    the parser (raising ImportError when the library is missing)."""

    def deco(load: Callable[[], Parser]) -> Callable[[], Parser]:
        PARSERS[name] = Entry(name, load, group)
        return load

    return deco


def events_of(name: str) -> Callable[[Callable[[], Events]], Callable[[], Events]]:
    """Give the registered row ``name`` its events function: decorate a zero-argument
    loader returning a callable that takes the chunks and yields one comparable item per
    unit the row's parser counts, the same way the parser reads them."""

    def deco(load: Callable[[], Events]) -> Callable[[], Events]:
        PARSERS[name].load_events = load
        return load

    return deco


def sse_item(event: str | None, data: str, id: str | None, retry: int | str | None) -> Any:
    """One SSE event as ``{event, data, id, retry}`` in the spec's terms, whatever the
    library's spelling: no name is ``message``, no id is ``""``, ``retry`` an int."""
    return {
        "event": event or "message",
        "data": data,
        "id": id or "",
        "retry": None if retry is None else int(retry),
    }


@register(BASELINE)
def _ours() -> Parser:
    from runs_core._sse import SSEDecoder

    def parse(chunks: list[bytes]) -> int:
        decoder = SSEDecoder()
        feed = decoder.feed
        n = 0
        for chunk in chunks:
            n += len(feed(chunk))
        return n + len(decoder.end())

    return parse


@register("openai SSEDecoder")
def _openai() -> Parser:
    from openai._streaming import SSEDecoder

    def parse(chunks: list[bytes]) -> int:
        # The SDK's Stream feeds the response's byte iterator to iter_bytes.
        n = 0
        for _ in SSEDecoder().iter_bytes(iter(chunks)):
            n += 1
        return n

    return parse


@register("httpx-sse")
def _httpx_sse() -> Parser:
    from httpx_sse._decoders import SSEDecoder, SSELineDecoder

    def parse(chunks: list[bytes]) -> int:
        # As EventSource.iter_sse over httpx's Response.iter_text: an incremental UTF-8
        # decoder (httpx's TextDecoder), then SSELineDecoder, then SSEDecoder per line.
        text_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        lines = SSELineDecoder()
        decoder = SSEDecoder()
        n = 0
        for chunk in chunks:
            text = text_decoder.decode(chunk)
            if not text:
                continue
            for line in lines.decode(text):
                if decoder.decode(line) is not None:
                    n += 1
        tail = text_decoder.decode(b"", True)
        for line in [*(lines.decode(tail) if tail else []), *lines.flush()]:
            if decoder.decode(line) is not None:
                n += 1
        return n

    return parse


@register("sseclient-py")
def _sseclient() -> Parser:
    from sseclient import SSEClient

    def parse(chunks: list[bytes]) -> int:
        n = 0
        for _ in SSEClient(iter(chunks)).events():
            n += 1
        return n

    return parse


@register("bytes.find framer (floor)")
def _floor() -> Parser:
    def parse(chunks: list[bytes]) -> int:
        # Frames on the blank line only: no fields, no decoding. The cheapest correct-ish
        # pure-Python loop, as a floor for what any decoder can cost.
        sep = b"\r\n\r\n" if b"\r\n" in b"".join(chunks[:1024])[:4096] else b"\n\n"
        step = len(sep)
        buf = b""
        n = 0
        for chunk in chunks:
            buf += chunk
            start = 0
            find = buf.find
            while (end := find(sep, start)) != -1:
                n += 1
                start = end + step
            if start:
                buf = buf[start:]
        return n

    return parse


# -- events functions: the same parsers, yielding what they decoded (checked, not timed) --


@events_of(BASELINE)
def _ours_events() -> Events:
    from runs_core import SSEDecoder

    def events(chunks: list[bytes]) -> Iterator[Any]:
        decoder = SSEDecoder()
        for chunk in chunks:
            for e in decoder.feed(chunk):
                yield sse_item(e.event, e.data, e.id, e.retry)
        for e in decoder.end():
            yield sse_item(e.event, e.data, e.id, e.retry)

    return events


@events_of("openai SSEDecoder")
def _openai_events() -> Events:
    from openai._streaming import SSEDecoder

    def events(chunks: list[bytes]) -> Iterator[Any]:
        for e in SSEDecoder().iter_bytes(iter(chunks)):
            yield sse_item(e.event, e.data, e.id, e.retry)

    return events


@events_of("httpx-sse")
def _httpx_sse_events() -> Events:
    from httpx_sse._decoders import SSEDecoder, SSELineDecoder

    def events(chunks: list[bytes]) -> Iterator[Any]:
        text_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        lines = SSELineDecoder()
        decoder = SSEDecoder()
        texts = [*map(text_decoder.decode, chunks), text_decoder.decode(b"", True)]
        for text in texts:
            for line in lines.decode(text) if text else []:
                if (e := decoder.decode(line)) is not None:
                    yield sse_item(e.event, e.data, e.id, e.retry)
        for line in lines.flush():
            if (e := decoder.decode(line)) is not None:
                yield sse_item(e.event, e.data, e.id, e.retry)

    return events


@events_of("sseclient-py")
def _sseclient_events() -> Events:
    from sseclient import SSEClient

    def events(chunks: list[bytes]) -> Iterator[Any]:
        for e in SSEClient(iter(chunks)).events():
            yield sse_item(e.event, e.data, e.id, e.retry)

    return events


@dataclass
class Result:
    stream: str
    parser: str
    group: str
    chunk_size: int
    events: int
    bytes: int
    repeats: int
    median_s: float
    events_per_s: float
    mb_per_s: float


def time_parsers(
    parsers: dict[str, Parser], chunks: list[bytes], repeats: int
) -> dict[str, list[float]]:
    """Wall-clock seconds of ``repeats`` runs of each parser (after one warm-up run each).

    The parsers take turns within each repeat, so a burst of load from other processes
    slows them all alike instead of one parser's whole series.
    """
    for parse in parsers.values():
        parse(chunks)
    times: dict[str, list[float]] = {name: [] for name in parsers}
    for _ in range(repeats):
        for name, parse in parsers.items():
            gc.collect()
            t0 = time.perf_counter()
            parse(chunks)
            times[name].append(time.perf_counter() - t0)
    return times


def load_parsers(names: Iterable[str] | None = None) -> tuple[dict[str, Parser], dict[str, str]]:
    """The loadable parsers by name, and the reason each missing one was skipped."""
    loaded: dict[str, Parser] = {}
    skipped: dict[str, str] = {}
    for name, entry in PARSERS.items():
        if names is not None and name not in names:
            continue
        try:
            loaded[name] = entry.load()
        except ImportError as exc:
            skipped[name] = f"not installed ({exc})"
    return loaded, skipped


def run(
    stream_name: str, n_deltas: int, chunk_sizes: Iterable[int], repeats: int
) -> tuple[list[Result], dict[str, str]]:
    data = STREAMS[stream_name](n_deltas)
    expected = event_count(data)
    parsers, skipped = load_parsers()
    print(
        f"stream {stream_name!r}: {n_deltas} deltas, {expected} events, {len(data):,} bytes; "
        f"{repeats} repeats, median"
    )
    for name, reason in skipped.items():
        print(f"  skipped {name}: {reason}")
    sanity = {name: parse(chunked(data, 7)) for name, parse in parsers.items()}
    ok = all(count == expected for count in sanity.values())
    print(
        f"  sanity (7-byte chunks, expect {expected}): "
        + ", ".join(f"{name}={count}" for name, count in sanity.items())
        + ("  OK" if ok else "  MISMATCH")
    )
    for name, count in sanity.items():
        if count != expected:
            print(f"  excluded {name}: counted {count} events, expected {expected}")
            del parsers[name]
    results = []
    for size in chunk_sizes:
        chunks = chunked(data, size)
        for name, times in time_parsers(parsers, chunks, repeats).items():
            median = statistics.median(times)
            results.append(
                Result(
                    stream=stream_name,
                    parser=name,
                    group=PARSERS[name].group,
                    chunk_size=size,
                    events=expected,
                    bytes=len(data),
                    repeats=repeats,
                    median_s=median,
                    events_per_s=expected / median,
                    mb_per_s=len(data) / median / 1e6,
                )
            )
    return results, skipped


def print_table(results: list[Result]) -> None:
    """One block per chunk size; the last column is how many times faster ours is."""
    sizes = sorted({r.chunk_size for r in results})
    width = max(len(r.parser) for r in results)
    for size in sizes:
        rows = [r for r in results if r.chunk_size == size]
        base = next((r for r in rows if r.parser == BASELINE), None)
        head = f"{'parser':<{width}} {'events/s':>12} {'MB/s':>8} {'ours ×':>7}"
        print(f"\n  chunk {size:>6} B   {head}")
        for r in rows:
            ratio = f"{base.events_per_s / r.events_per_s:6.2f}" if base else "     -"
            print(
                f"                   {r.parser:<{width}} {r.events_per_s:>12,.0f} "
                f"{r.mb_per_s:>8.1f} {ratio:>7}"
            )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunk-size", type=int, action="append", help="repeatable; default all")
    ap.add_argument("--stream", choices=sorted(STREAMS), action="append", help="default text")
    ap.add_argument("--deltas", type=int, default=None, help="deltas per stream (default 5000)")
    ap.add_argument("--repeats", type=int, default=None, help="default 7 (quick: 3)")
    ap.add_argument("--quick", action="store_true", help="small stream, few repeats")
    ap.add_argument("--json", type=Path, help="write the results here")
    args = ap.parse_args(argv)
    deltas = args.deltas or (500 if args.quick else 5000)
    repeats = args.repeats or (3 if args.quick else 7)
    sizes = args.chunk_size or list(CHUNK_SIZES)
    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    all_results: list[Result] = []
    all_skipped: dict[str, str] = {}
    for stream_name in args.stream or ["text"]:
        results, skipped = run(stream_name, deltas, sizes, repeats)
        print_table(results)
        print()
        all_results += results
        all_skipped.update(skipped)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "skipped": all_skipped,
                    "results": [asdict(r) for r in all_results],
                },
                indent=2,
            )
        )
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
