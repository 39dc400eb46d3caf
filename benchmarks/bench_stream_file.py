"""The decoder benchmark on a recorded stream: ``run.py --stream FILE``.

``runs record`` keeps a stream as it arrived (a ``: runs-capture`` header line, then the
body byte for byte); a body saved by any other tool works too. Every row of the decoder
table (ours and the peers, SSE, typed and ``text_deltas``) is first checked against ours
on the file, then timed on it at each chunk size.

The check compares what each row *decodes*, not how many: the events function of each
row (``bench_decoders.events_of``) is run on the stream cut into 7-byte chunks and on
the stream in one chunk, and its items must equal those of our row of the same group fed
the whole stream. A row that differs is excluded from the table, with the first
difference as its reason, so a peer that splits a CRLF badly or mangles one event cannot
post a number for work it did not do. A row's timed (counting) function must count what
its events function yielded, so the check covers the code that is timed. A row with no
events function (the ``bytes.find`` framer) has its count checked only.

End of stream, as the decoders promise (``docs/sse.md``): an event not closed by a blank
line when the stream ends is discarded, never dispatched. Real captures often stop right
after their last ``data:`` line, though the server closed every event. Benching such a
file as it is would time a stream whose last event (usually ``done``) exists for some
peers and not for others; instead the missing line end(s) are appended, in the file's
own style, for every row alike, and a note says so and which rows would have dispatched
the unclosed event. CRLF and lone-CR line endings are the stream's own and are kept.

A stream that ends in an error (an ``error`` event, no ``done``) is timed to that end:
the typed rows raise there, each in its own way, after the same events; the exception is
part of the time, and a row that ends differently from ours gets a note.

Captures are small, so each timed sample loops over the stream until it lasts about
``MIN_SAMPLE_S``; rates are per pass.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_decoders import PARSERS, Events, Parser, load_parsers, time_parsers

CHECK_CHUNK = 7
"""The small chunk size of the check: chunk edges fall inside every line and character."""
MIN_SAMPLE_S = 0.02
"""Each timed sample repeats a row over the stream until it takes about this long."""
UNITS = {"sse": "events", "typed": "typed events", "text_deltas": "text deltas"}
_SHOWN = 60  # characters of a value shown in a difference


class StreamFileError(ValueError):
    """Why a file cannot be benched; its message is one line, for the user."""


@dataclass(frozen=True)
class StreamFile:
    """A stream read from a file: ``recorded`` as in the file, ``body`` as benched."""

    path: Path
    recorded: bytes
    body: bytes
    appended: bytes
    line_endings: str
    captured: bool

    def label(self) -> str:
        """How the table's title names the stream."""
        kind = "capture" if self.captured else "SSE body"
        return f"{kind} {self.path.name} ({len(self.recorded):,} bytes, {self.line_endings})"


def load_stream(path: str | os.PathLike[str]) -> StreamFile:
    """Read ``path``: a ``runs record`` capture or a bare SSE body. Raises
    ``StreamFileError`` if it cannot be read or holds no server-sent events."""
    from runs_adapters._record import read_capture

    try:
        header, recorded = read_capture(path)
    except OSError as exc:
        raise StreamFileError(f"{os.fspath(path)}: cannot read it: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise StreamFileError(f"{exc} (a damaged capture?)") from None
    status = header.get("response", {}).get("status") if isinstance(header, dict) else None
    if isinstance(status, int) and not 200 <= status < 300:
        raise StreamFileError(f"{os.fspath(path)}: the recorded response is an HTTP {status}")
    appended = terminator(recorded)
    if not _events_in(recorded + appended, path):
        raise StreamFileError(
            f"{os.fspath(path)}: no server-sent events in it (expected a capture from "
            "`runs record` or a text/event-stream body)"
        )
    return StreamFile(
        path=Path(path),
        recorded=recorded,
        body=recorded + appended,
        appended=appended,
        line_endings=line_endings(recorded),
        captured=bool(header),
    )


def _events_in(body: bytes, path: str | os.PathLike[str]) -> int:
    """How many events our decoder finds in ``body`` (0: it is not a stream)."""
    from runs_core import LimitExceededError, SSEDecoder

    decoder = SSEDecoder()
    try:
        return len(decoder.feed(body)) + len(decoder.end())
    except LimitExceededError as exc:
        raise StreamFileError(f"{os.fspath(path)}: not a stream we can bench: {exc}") from None


def line_endings(body: bytes) -> str:
    """The line ends ``body`` uses, for the title: ``"LF line ends"``, ``"CRLF line
    ends"``, ``"mixed LF, CRLF line ends"``..."""
    crlf = body.count(b"\r\n")
    counts = {"LF": body.count(b"\n") - crlf, "CRLF": crlf, "CR": body.count(b"\r") - crlf}
    used = [name for name, n in counts.items() if n]
    if len(used) > 1:
        return "mixed " + ", ".join(used) + " line ends"
    return f"{used[0] if used else 'no'} line ends"


def terminator(body: bytes) -> bytes:
    """What closes ``body``'s last event if the stream stopped before its blank line:
    ``b""`` when nothing is left open, else one or two line ends in the body's style."""
    from runs_core import SSEDecoder

    decoder = SSEDecoder()
    decoder.feed(body)
    decoder.end()
    if not decoder.truncated:
        return b""
    crlf, lf, cr = body.find(b"\r\n"), body.find(b"\n"), body.find(b"\r")
    first = min((i for i in (lf, cr) if i >= 0), default=-1)
    style = b"\r\n" if first >= 0 and first == crlf else b"\r" if first == cr >= 0 else b"\n"
    return style if body.endswith((b"\n", b"\r")) else style * 2


# -- the check ------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a row yielded from a stream, and the exception that ended it, if any."""

    items: list[Any]
    error: BaseException | None = None

    def ending(self) -> str:
        if self.error is None:
            return "ends cleanly"
        return f"raises {_error_line(self.error)}"


def outcome(events: Events, chunks: list[bytes]) -> Outcome:
    """Run an events function to its end; an exception ends it (kept, not raised)."""
    items: list[Any] = []
    try:
        for item in events(chunks):
            items.append(item)
    except Exception as exc:  # a peer's failure is a finding of the check, not a crash
        return Outcome(items, exc)
    return Outcome(items)


def _error_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def _strings(a: str, b: str) -> str:
    """Two strings around the first character where they differ."""
    at = next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
    start = max(0, at - 20)

    def window(s: str) -> str:
        piece = s[start : start + 40]
        return ("..." if start else "") + repr(piece) + ("..." if start + 40 < len(s) else "")

    return f"at character {at}: ours {window(a)}, this row {window(b)}"


def where(ours: Any, theirs: Any, path: str = "") -> str:
    """The first place two items differ, as ``path: ours X, this row Y``."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in [*ours, *(k for k in theirs if k not in ours)]:
            here = f"{path}.{key}" if path else str(key)
            if key not in theirs:
                return f"{here}: ours {_short(ours[key])}, missing in this row"
            if key not in ours:
                return f"{here}: not in ours, this row {_short(theirs[key])}"
            if ours[key] != theirs[key]:
                return where(ours[key], theirs[key], here)
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for i, (x, y) in enumerate(zip(ours, theirs, strict=True)):
            if x != y:
                return where(x, y, f"{path}[{i}]")
    label = f"{path}: " if path else ""
    if isinstance(ours, str) and isinstance(theirs, str) and max(len(ours), len(theirs)) > 40:
        return label + _strings(ours, theirs)
    return f"{label}ours {_short(ours)}, this row {_short(theirs)}"


def first_difference(ours: list[Any], theirs: list[Any], unit: str) -> str | None:
    """Where two rows' items first differ (``None``: they are the same)."""
    for i, (a, b) in enumerate(zip(ours, theirs, strict=False)):
        if a != b:
            name = f" ({a['event']})" if isinstance(a, dict) and "event" in a else ""
            return f"{unit[:-1]} {i}{name}: {where(a, b)}"
    if len(ours) == len(theirs):
        return None
    i = min(len(ours), len(theirs))
    extra = _short(ours[i] if i < len(ours) else theirs[i])
    whose = "ours has" if i < len(ours) else "this row has"
    counts = f"{len(ours)} {unit} in ours, {len(theirs)} in this row"
    return f"{counts}; {whose} {unit[:-1]} {i}: {extra}"


def _count(parse: Parser, chunks: list[bytes]) -> int | None:
    """The timed function's count, ``None`` if it raised (as its events function may)."""
    try:
        return parse(chunks)
    except Exception:
        return None


@dataclass
class Check:
    """The check's findings: ours per group, rows excluded (why), notes for the table."""

    references: dict[str, Outcome] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def check(parsers: dict[str, Parser], body: bytes, baselines: dict[str, str]) -> Check:
    """Compare every loaded row with ours of its group on ``body`` (see the module
    docstring); rows that differ, and groups ours cannot decode, are put in ``excluded``."""
    result = Check()
    for group, base in baselines.items():
        names = [n for n in parsers if PARSERS[n].group == group]
        if not names:
            continue
        load_events = PARSERS[base].load_events
        if base not in parsers or load_events is None:
            for name in names:
                result.excluded[name] = f"nothing to check it against ({base} did not load)"
            continue
        ours = outcome(load_events(), [body])
        result.references[group] = ours
        if not ours.items:
            why = f"ours yields no {UNITS[group]} from this stream ({ours.ending()})"
            result.excluded.update(dict.fromkeys(names, why))
            continue
        if ours.error is not None:
            result.notes.append(
                f"{UNITS[group]}: ours {ours.ending()} after {len(ours.items)} {UNITS[group]};"
                " every row is timed to that end, its exception included"
            )
        for name in names:
            reason, note = _check_row(name, parsers[name], body, ours, UNITS[group])
            if reason:
                result.excluded[name] = reason
            elif note:
                result.notes.append(f"{name}: {note}")
    return result


def _chunkings(body: bytes) -> list[tuple[str, list[bytes]]]:
    small = [body[i : i + CHECK_CHUNK] for i in range(0, len(body), CHECK_CHUNK)]
    return [(f"{CHECK_CHUNK}-byte chunks", small), ("one chunk", [body])]


def _check_row(
    name: str, parse: Parser, body: bytes, ours: Outcome, unit: str
) -> tuple[str | None, str | None]:
    """(why ``name`` is excluded, or None; a note on how it ends, or None)."""
    load_events = PARSERS[name].load_events
    events = load_events() if load_events is not None else None
    note = None
    for label, chunks in _chunkings(body):
        counted = _count(parse, chunks)
        if events is None:
            if counted != len(ours.items):
                return (
                    f"counted {counted} {unit} at {label}, ours decoded {len(ours.items)} "
                    "(a framer: only its count can be checked)",
                    None,
                )
            continue
        got = outcome(events, chunks)
        diff = first_difference(ours.items, got.items, unit)
        if diff is not None:
            raised = f" (it {got.ending()})" if got.error is not None else ""
            return f"differs from ours at {label}: {diff}{raised}", None
        expected = None if got.error is not None else len(got.items)
        if counted != expected:
            return (
                f"its timed function counted {counted} at {label} where its events "
                f"function gave {expected}: the check would not cover what is timed",
                None,
            )
        if (got.error is None) != (ours.error is None):
            note = f"same {unit} as ours, but it {got.ending()} where ours {ours.ending()}"
    return None, note


def unclosed_note(stream: StreamFile, parsers: Iterable[str]) -> str | None:
    """For a stream that stopped before closing its last event: what was appended, and
    which SSE rows would have dispatched that event from the file as it is."""
    if not stream.appended:
        return None
    from runs_core import SSEDecoder

    decoder = SSEDecoder()
    spec = len(decoder.feed(stream.recorded)) + len(decoder.end())
    dispatch: list[str] = []
    discard: list[str] = []
    for name in parsers:
        load_events = PARSERS[name].load_events
        if PARSERS[name].group != "sse" or load_events is None:
            continue
        got = outcome(load_events(), [stream.recorded])
        (dispatch if len(got.items) > spec else discard).append(name)
    ends = stream.appended.decode().replace("\r\n", "CRLF ").replace("\n", "LF ")
    said = (
        "the file stops before the blank line that closes its last event: "
        f"{ends.replace(chr(13), 'CR ').strip()} added at its end for every row"
    )
    if discard:
        said += f"; as recorded, {_names(discard)} {_verb('discard', discard)} that event"
        said += " (the SSE rule for an unclosed event)"
    if dispatch:
        said += f"; {_names(dispatch)} {_verb('dispatch', dispatch)} it anyway"
    return said


def _names(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]


def _verb(verb: str, names: list[str]) -> str:
    if len(names) > 1:
        return verb
    return verb + ("es" if verb.endswith("h") else "s")


# -- timing ---------------------------------------------------------------------------------


def _looped(parse: Parser, passes: int) -> Parser:
    """``parse`` run ``passes`` times per call; a stream that ends in an exception (one
    the check accepted) ends each pass."""

    def run(chunks: list[bytes]) -> int:
        n = 0
        for _ in range(passes):
            try:
                n = parse(chunks)
            except Exception:
                n = -1
        return n

    return run


def _passes(parse: Parser, chunks: list[bytes]) -> int:
    """How many passes over the stream make a sample of about ``MIN_SAMPLE_S``."""
    t0 = time.perf_counter()
    _count(parse, chunks)
    once = time.perf_counter() - t0
    return max(1, math.ceil(MIN_SAMPLE_S / max(once, 1e-7)))


def chunk_sizes(sizes: Iterable[int], length: int) -> tuple[list[int], list[int]]:
    """(sizes to time, sizes left out): past the stream's length every size is one chunk,
    so only the first of those is timed."""
    ordered = sorted(set(sizes))
    kept = [s for s in ordered if s < length]
    whole = [s for s in ordered if s >= length]
    return kept + whole[:1], whole[1:]


def time_rows(
    parsers: dict[str, Parser], body: bytes, size: int, repeats: int, units: dict[str, int]
) -> list[dict[str, Any]]:
    """One row per parser at chunk size ``size``: the median time of one pass."""
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    passes = {name: _passes(parse, chunks) for name, parse in parsers.items()}
    looped = {name: _looped(parse, passes[name]) for name, parse in parsers.items()}
    rows = []
    for name, times in time_parsers(looped, chunks, repeats).items():
        group = PARSERS[name].group
        median = statistics.median(times) / passes[name]
        rows.append(
            {
                "parser": name,
                "group": group,
                "chunk_size": size,
                "units": units[group],
                "bytes": len(body),
                "repeats": repeats,
                "passes": passes[name],
                "median_s": median,
                "per_s": units[group] / median,
                "mb_per_s": len(body) / median / 1e6,
            }
        )
    return rows


def run(stream: StreamFile, sizes: Iterable[int], repeats: int, progress: Any) -> dict[str, Any]:
    """The decoder section's results on ``stream`` (the shape ``run.py``'s table reads)."""
    import bench_typed  # registers the typed and text_deltas rows

    parsers, skipped = load_parsers()
    for name, reason in skipped.items():
        progress(f"decoders: skipped {name}: {reason}")
    progress(f"decoders: checking {len(parsers)} rows against ours on {stream.path.name}")
    found = check(parsers, stream.body, bench_typed.BASELINES)
    notes = [
        f"every row was checked first: the same {', '.join(UNITS.values())} as ours, "
        f"at {CHECK_CHUNK}-byte chunks and in one chunk"
    ]
    unclosed = unclosed_note(stream, parsers)
    notes += [unclosed] if unclosed else []
    notes += found.notes
    for name in found.excluded:
        del parsers[name]
    units = {group: len(ref.items) for group, ref in found.references.items()}
    timed, dropped = chunk_sizes(sizes, len(stream.body))
    if timed[-1] >= len(stream.body):
        also = ", ".join(f"{s:,}" for s in dropped)
        also = f" (as would {also} B: not timed again)" if dropped else ""
        notes.append(f"at {timed[-1]:,}-byte chunks the stream is one chunk{also}")
    rows: list[dict[str, Any]] = []
    for size in timed:
        progress(f"decoders: {len(parsers)} rows, {stream.path.name}, chunk {size} B")
        rows += time_rows(parsers, stream.body, size, repeats, units)
    counts = ", ".join(f"{n:,} {UNITS[g]}" for g, n in units.items())
    return {
        "source": f"{stream.label()}: {counts}",
        "stream": {
            "path": str(stream.path),
            "bytes": len(stream.recorded),
            "appended": stream.appended.decode(),
            "line_endings": stream.line_endings,
            "capture": stream.captured,
            "units": units,
        },
        "bytes": len(stream.body),
        "rows": rows,
        "skipped": skipped,
        "excluded": found.excluded,
        "notes": notes,
        "baselines": bench_typed.BASELINES,
    }
