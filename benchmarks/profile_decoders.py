"""Where a decoded event's time goes: each step of the decoders, in ns per event.

Run: ``python benchmarks/profile_decoders.py [--deltas N] [--repeats N]`` (``runs bench
--only decoders`` gives the rates; this gives their make-up).

The decoder table compares whole decoders with two floors: the ``bytes.find`` framer (finds
each event's end and makes nothing) and pydantic's validation alone. This script takes our
decoders apart on the same text run, step by step, so a reader can see which costs are
ours to cut and which are the objects any decoder must make:

* SSE, on a region of whole ``thread.message.delta`` blocks (the bulk of a stream) as one
  chunk of 4 KiB and one of 64 KiB: the floor's find loop; then what ``SSEDecoder.feed``
  does with it: split into lines, check their shape, cut and decode the data, look up the
  event names, build the ``ServerSentEvent`` tuples; and the whole ``feed``.
* Typed events, on the same region: the data model's validator alone (the floor), the
  ``TypeAdapter`` the decoder table's floor row uses, the framing in the raw mode the typed
  decoder uses, the event objects around the validated data, and ``iter_feed`` whole.
* ``text_deltas``: typed events, then the handler's bookkeeping per text delta
  (``HandlerDispatch.feed_text``), then the text pieces.

Each figure is the fastest of ``--repeats`` timings of CPU time (``time.process_time``),
so that other processes on the machine disturb it less; figures from one run compare.
The steps are timed apart, so their sum differs a little from the whole (the whole shares
one loop and its memory traffic).
"""

from __future__ import annotations

import argparse
import functools
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from itertools import repeat, starmap
from operator import call
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulator_process  # noqa: F401  (puts src/ and the repo root on sys.path)

# isort: split
from pydantic import TypeAdapter
from tests._helpers.streams import text_run_stream

from runs_core import (
    AssistantStreamDecoder,
    HandlerDispatch,
    ServerSentEvent,
    SSEDecoder,
    text_pieces,
)
from runs_core._events import ThreadMessageDelta, _new_event, _parser
from runs_core._sse import _NONES, _SSES, _VALUE, _event_name
from runs_core._stream_decoder import _VALIDATORS
from runs_core.models import MessageDeltaEvent

DELTA = b"event: thread.message.delta\n"
drain: Callable[[Iterable[object]], None] = deque[object](maxlen=0).extend
"""Consume an iterator, dropping each item: typed steps keep no event alive, as a stream's
reader would not (holding hundreds brings on garbage collections, timed elsewhere: the
decoder table's large-heap rows)."""


def best_ns(fn: Callable[[], object], units: int, repeats: int, number: int) -> float:
    """The fastest of ``repeats`` CPU timings of ``number`` calls, in ns per unit."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            fn()
        best = min(best, time.process_time() - start)
    return best / number / units * 1e9


def delta_region(stream: bytes, size: int) -> bytes:
    """Whole ``thread.message.delta`` blocks in a row from ``stream``, at most ``size``
    bytes (past the first, which carries annotations)."""
    start = end = stream.index(DELTA, stream.index(DELTA) + 1)
    while stream.startswith(DELTA, end):
        after = stream.index(b"\n\n", end) + 2
        if after - start > size:
            break
        end = after
    return stream[start:end]


def mid_stream(decoder: SSEDecoder) -> SSEDecoder:
    """``decoder`` past a stream's first bytes (where a byte order mark may be), so that
    feeding it whole blocks takes the path of any chunk mid-stream."""
    decoder.feed(b"\n")
    return decoder


def lines_of(region: bytes) -> list[bytes]:
    """Step 1: the region's lines (its last line end ends the last blank line)."""
    lines = region.split(b"\n")
    lines.pop()
    return lines


def ordinary(lines: list[bytes]) -> bool:
    """Step 2: every block is ``event: NAME`` / ``data: VALUE`` / blank (names: step 4)."""
    datas = lines[1::3]
    return not any(lines[2::3]) and min(datas) >= b"data: " and max(datas) < b"data:!"


def values_of(lines: list[bytes]) -> list[str]:
    """Step 3: each data line's value, its prefix cut, decoded."""
    return list(map(bytes.decode, map(_VALUE, lines[1::3])))


def names_of(lines: list[bytes]) -> list[str]:
    """Step 4: each block's event name (a lookup, which also checks the line)."""
    return list(map(_event_name, lines[0::3]))


def events_of(names: list[str], values: list[str]) -> list[ServerSentEvent]:
    """Step 5: the events, as ``SSEDecoder.feed`` returns them (id ``""``, no retry)."""
    fields = zip(names, values, repeat(""), _NONES, strict=False)
    return list(starmap(tuple.__new__, zip(_SSES, fields, strict=False)))


def sse_steps(region: bytes, repeats: int) -> list[tuple[str, float]]:
    lines = lines_of(region)
    n = len(lines) // 3
    values, names = values_of(lines), names_of(lines)
    decoder = mid_stream(SSEDecoder())
    number = max(1, 20_000 // n)

    def floor() -> int:
        count, start, find = 0, 0, region.find
        while (end := find(b"\n\n", start)) != -1:
            count += 1
            start = end + 2
        return count

    steps: list[tuple[str, Callable[[], object]]] = [
        ("bytes.find floor: the whole loop", floor),
        ("split into lines (3 bytes objects)", functools.partial(lines_of, region)),
        ("shape: blank lines, data prefixes", functools.partial(ordinary, lines)),
        ("data: cut the prefix, decode", functools.partial(values_of, lines)),
        ("event names: one lookup each", functools.partial(names_of, lines)),
        ("ServerSentEvent tuples", functools.partial(events_of, names, values)),
        ("SSEDecoder.feed, whole", functools.partial(decoder.feed, region)),
    ]
    return [(label, best_ns(fn, n, repeats, number)) for label, fn in steps]


def typed_events(
    cls: type[Any], set_data: Callable[[Any, Any], None], data: list[Any]
) -> list[Any]:
    """The typed events around already validated ``data``, made as the decoder makes them."""
    out = list(map(_new_event, repeat(cls, len(data))))
    any(map(set_data, out, data))
    return out


def typed_steps(region: bytes, repeats: int) -> list[tuple[str, float]]:
    raw = SSEDecoder()
    raw._raw = True  # what the typed decoder asks of it: [name, data bytes, ...]
    records: list[Any] = mid_stream(raw).feed(region)
    names, datas = records[0::2], records[1::2]
    n = len(names)
    entry = _parser("thread.message.delta")
    assert entry is not None
    cls, validate_json, set_data = entry
    adapter = TypeAdapter(MessageDeltaEvent).validate_json
    validated = list(map(validate_json, datas))
    number = max(1, 2_000 // n)

    framing = functools.partial(raw.feed, region)

    wrap = functools.partial(typed_events, cls, set_data, validated)

    typed = AssistantStreamDecoder()
    typed.feed(region[: region.index(b"\n\n") + 2])  # the first of its name fills the tables

    def whole() -> None:
        drain(typed.iter_feed(region))

    def by_name() -> None:
        drain(map(call, map(_VALIDATORS.__getitem__, names), datas))

    steps: list[tuple[str, Callable[[], object]]] = [
        ("pydantic floor: the model's validate_json", lambda: drain(map(validate_json, datas))),
        ("the same through a TypeAdapter", lambda: drain(map(adapter, datas))),
        ("SSE framing, raw records", framing),
        ("event objects around the data", wrap),
        ("validators looked up by name, as the decoder does", by_name),
        ("AssistantStreamDecoder.iter_feed, whole", whole),
    ]
    return [(label, best_ns(fn, n, repeats, number)) for label, fn in steps]


def text_steps(stream: bytes, repeats: int) -> list[tuple[str, float]]:
    events = AssistantStreamDecoder().feed(stream)
    first = next(i for i, e in enumerate(events) if isinstance(e, ThreadMessageDelta))
    deltas: list[Any] = [e for e in events[first + 1 :] if isinstance(e, ThreadMessageDelta)]
    n = len(deltas)

    def dispatch() -> None:
        handler = HandlerDispatch(flush=False)  # a handler overriding no snapshot callback
        for event in events[: first + 1]:
            handler.feed(event)
        feed_text = handler.feed_text
        for event in deltas:
            feed_text(event)

    def pieces() -> None:
        for event in deltas:
            text_pieces(event)

    return [
        ("handler bookkeeping (feed_text)", best_ns(dispatch, n, repeats, 5)),
        ("text pieces of each delta", best_ns(pieces, n, repeats, 5)),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deltas", type=int, default=2000, help="text run length (default 2000)")
    ap.add_argument("--repeats", type=int, default=15, help="timings per step (default 15)")
    args = ap.parse_args(argv)
    stream = text_run_stream(args.deltas)
    for size in (4096, 65536):
        region = delta_region(stream, size)
        count = region.count(b"\n\n")
        print(f"SSE, one {len(region):,}-byte chunk of {count} delta events (ns per event)")
        for label, ns in sse_steps(region, args.repeats):
            print(f"  {label:<52}{ns:>8.0f}")
    region = delta_region(stream, 65536)
    print(f"typed events, the same {len(region):,} bytes (ns per event)")
    for label, ns in typed_steps(region, args.repeats):
        print(f"  {label:<52}{ns:>8.0f}")
    print(f"text_deltas, a {args.deltas:,}-delta run (ns per delta)")
    for label, ns in text_steps(stream, args.repeats):
        print(f"  {label:<52}{ns:>8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
