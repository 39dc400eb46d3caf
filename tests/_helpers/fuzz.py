"""The fuzzer's inputs, targets and driver, shared by ``fuzz/fuzz_decoders.py`` and tests.

Targets, each fed an :class:`Input` (bytes, where to cut them, the decoders' limits):

* :func:`target_sse` - ``SSEDecoder`` fed the input cut at random points, then ``end()``;
  when it does not hit its limit, the events must not depend on the cuts;
* :func:`target_stream` - ``AssistantStreamDecoder`` (typed events, ``error``/``done``
  handling, the bound on bytes after ``done``), fed the same way;
* :func:`target_response` - ``parse_response`` with every ``ResultKind`` and a status code.

The contract checked: nothing escapes but the library's own errors (subclasses of
``runs_core.RunsError``), and memory stays bounded (the tracemalloc peak is reported).

:func:`generate` makes inputs: random bytes (a quarter) or mutations of :func:`seeds`, real
streams and bodies from :mod:`tests._helpers.streams` (flips, interesting bytes, SSE/JSON
tokens, deletions, duplications, splices, long runs of one byte). :func:`run` drives every
target over ``n`` of them and tallies what was raised and what escaped.
"""

from __future__ import annotations

import json
import random
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import attrs
from tests._helpers import streams

from runs_core import (
    AssistantStreamDecoder,
    Headers,
    LimitExceededError,
    Request,
    ResultKind,
    RunsError,
    SSEDecoder,
    parse_response,
)

__all__ = [
    "KINDS",
    "TARGETS",
    "Input",
    "generate",
    "run",
    "seeds",
    "split",
    "target_response",
    "target_sse",
    "target_stream",
]

KINDS = tuple(ResultKind)
_REQUESTS = {
    kind: Request(
        method="POST",
        url="https://api.example.test/v1/threads/thread_abc/runs",
        headers=(("Authorization", "Bearer sk-fuzz"),),
        body=b"{}",
        stream=kind is ResultKind.EVENT_STREAM,
        timeout=1.0,
        result=kind,
    )
    for kind in KINDS
}


@attrs.frozen
class Input:
    """One fuzz case: bytes, where to cut them, and the knobs the targets use."""

    data: bytes
    cuts: tuple[int, ...] = ()
    max_event_size: int = 1 << 16
    max_trailing_bytes: int = 1 << 16
    status: int = 200
    kind: ResultKind = ResultKind.RUN


def split(data: bytes, cuts: Sequence[int]) -> list[bytes]:
    """``data`` cut at the (sorted, clamped) positions in ``cuts``."""
    points = sorted({min(max(c, 0), len(data)) for c in cuts})
    pieces, start = [], 0
    for point in points:
        pieces.append(data[start:point])
        start = point
    pieces.append(data[start:])
    return pieces


# -- targets ----------------------------------------------------------------------------


def target_sse(case: Input) -> None:
    """Feed the SSE decoder whole and in pieces; the events must agree unless a limit hit."""
    whole = SSEDecoder(max_event_size=case.max_event_size)
    pieces = SSEDecoder(max_event_size=case.max_event_size)
    try:
        expected = whole.feed(case.data) + whole.end()
    except LimitExceededError:
        expected = None
    got: list[Any] = []
    for chunk in split(case.data, case.cuts):
        got += pieces.feed(bytearray(chunk))  # any bytes-like chunk, as trio hands out
    got += pieces.end()
    if expected is not None and got != expected:
        raise AssertionError("SSE events depend on how the bytes were cut")


def target_stream(case: Input) -> None:
    """Feed the typed-event decoder as a client does: until done, then drain, then end."""
    decoder = AssistantStreamDecoder(
        max_event_size=case.max_event_size, max_trailing_bytes=case.max_trailing_bytes
    )
    for chunk in split(case.data, case.cuts):
        events = decoder.feed(memoryview(chunk))
        if events and events[-1].event == "done" and not decoder.done:
            raise AssertionError("a done event did not end the stream")
    decoder.end()


def target_response(case: Input) -> None:
    """Parse a body as the response to a request of ``case.kind`` with ``case.status``."""
    headers = Headers([("x-request-id", "req_fuzz"), ("content-type", "application/json")])
    request = _REQUESTS[case.kind]
    try:
        parse_response(request, case.status, headers, case.data)
    except ValueError as error:
        # Asking parse_response for a stream is the caller's mistake, documented as such.
        if not isinstance(error, RunsError) and not (
            case.kind is ResultKind.EVENT_STREAM and 200 <= case.status < 300
        ):
            raise


TARGETS: dict[str, Callable[[Input], None]] = {
    "sse": target_sse,
    "stream": target_stream,
    "response": target_response,
}

# -- inputs -----------------------------------------------------------------------------

_INTERESTING = [
    b"\n", b"\r", b"\r\n", b"\n\n", b":", b" ", b"\x00", b"\xff", b"\xef\xbb\xbf", b"\xc3",
    b"\xe2\x98", b"{", b"}", b"[", b"]", b'"', b"\\", b"\\u", b"0",
]  # fmt: skip
_TOKENS = [
    b"event: ", b"data: ", b"id: ", b"retry: ", b"retry: 99999999999999999999", b": comment\n",
    b"event: done\ndata: [DONE]\n\n", b"event: error\ndata: ", b'{"error":{"message":"x"}}',
    b"event: thread.run.created\ndata: ", b"event: thread.message.delta\ndata: ",
    b"event: thread.run.step.delta\ndata: ", b"event: thread.unknown\ndata: {}\n\n",
    b"null", b"true", b"{}", b"[]", b'"status":"', b'"object":"list"', b'"data":[',
    b'"has_more":', b"1e999", b"-0", b"\\ud800", b'"id":', b"\n\n\n",
]  # fmt: skip


def _page(items: list[Any]) -> bytes:
    return json.dumps(
        {
            "object": "list",
            "data": items,
            "first_id": items[0]["id"] if items else None,
            "last_id": items[-1]["id"] if items else None,
            "has_more": False,
        }
    ).encode()


def seeds() -> list[bytes]:
    """Real stream bodies, single events and JSON response bodies to mutate."""
    bodies = [
        streams.text_run_stream(3),
        streams.text_run_stream(2, crlf=True),
        streams.tool_call_stream(4),
    ]
    frames: list[bytes] = []
    objects: dict[str, Any] = {}
    for body in bodies:
        for frame in body.replace(b"\r\n", b"\n").split(b"\n\n"):
            if not frame:
                continue
            frames.append(frame + b"\n\n")
            _, _, data = frame.partition(b"\ndata: ")
            if data.startswith(b"{"):
                obj = json.loads(data)
                objects.setdefault(obj.get("object", ""), obj)
    run, step = objects["thread.run"], objects["thread.run.step"]
    error = b'{"error":{"message":"nope","type":"x","code":null}}'
    jsons = [json.dumps(run).encode(), json.dumps(step).encode(), _page([run, run]),
             _page([step]), _page([]), error]  # fmt: skip
    windows = [b"".join(frames[i : i + 3]) for i in range(0, len(frames), 2)]
    return bodies + frames + windows + jsons


def _mutate(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    buf = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        op = rng.randrange(10)
        pos = rng.randint(0, len(buf))
        if op == 0 and buf:  # flip a bit
            i = rng.randrange(len(buf))
            buf[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            buf[pos:pos] = rng.choice(_INTERESTING)
        elif op == 2:
            buf[pos:pos] = rng.choice(_TOKENS)
        elif op == 3 and buf:  # delete a range
            buf[pos : pos + rng.randint(1, 64)] = b""
        elif op == 4 and buf:  # duplicate a range
            end = min(len(buf), pos + rng.randint(1, 256))
            buf[pos:pos] = buf[pos:end]
        elif op == 5:  # splice in part of another seed
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            buf[pos:pos] = other[start : start + rng.randint(1, 512)]
        elif op == 6:  # truncate
            del buf[pos:]
        elif op == 7:  # a long run of one byte: deep nesting, huge lines, many blanks
            buf[pos:pos] = rng.choice(b'[{"\n:a0 ').to_bytes(1, "big") * rng.randint(64, 5000)
        elif op == 8 and buf:  # overwrite with random bytes
            end = min(len(buf), pos + rng.randint(1, 16))
            buf[pos:end] = rng.randbytes(end - pos)
        elif op == 9:  # nest what follows ``pos`` in many arrays or objects
            depth = rng.choice((2, 64, 1500, 5000))
            opener = b"[" if rng.random() < 0.5 else b'{"a":'
            buf[pos:pos] = opener * depth
    return bytes(buf)


def generate(rng: random.Random, corpus: Sequence[bytes]) -> Input:
    """One random case: a quarter pure random bytes, the rest mutated seeds."""
    if rng.random() < 0.25:
        data = rng.randbytes(rng.choice((0, 1, 2, 8, 64, 512, 2048)))
    else:
        data = _mutate(rng, rng.choice(corpus), corpus)
    cuts = tuple(rng.randint(0, len(data)) for _ in range(rng.randint(0, 6)))
    roll = rng.random()
    status = 200 if roll < 0.5 else rng.choice((201, 204, 400, 401, 404, 429, 500, 503))
    if roll > 0.9:
        status = rng.randint(0, 999)
    return Input(
        data=data,
        cuts=cuts,
        max_event_size=rng.choice((1, 64, 4096, 1 << 16, 1 << 20)),
        max_trailing_bytes=rng.choice((0, 8, 1024, 1 << 16)),
        status=status,
        kind=rng.choice(KINDS),
    )


# -- driver -----------------------------------------------------------------------------


def run(
    n: int, seed: int, *, track_memory: bool, report_every: int, crashes: Path | None = None
) -> dict[str, Any]:
    """Run every target on ``n`` generated inputs; return the tallies.

    The first input of each kind of escape is saved as JSON in ``crashes``, if given.
    """
    rng = random.Random(seed)
    corpus = seeds()
    raised: dict[str, Counter[str]] = {name: Counter() for name in TARGETS}
    escaped: Counter[str] = Counter()
    if track_memory:
        tracemalloc.start()
    started = time.perf_counter()
    for i in range(1, n + 1):
        case = generate(rng, corpus)
        for name, target in TARGETS.items():
            try:
                target(case)
            except RunsError as error:
                raised[name][type(error).__name__] += 1
            except Exception as error:  # anything else escaping is a finding
                label = f"{name}: {type(error).__name__}: {str(error)[:120]}"
                if escaped[label] == 0:
                    saved = ""
                    if crashes is not None:
                        crashes.mkdir(exist_ok=True)
                        path = crashes / f"{name}-{type(error).__name__}-{i}.json"
                        path.write_text(json.dumps(_describe(case)))
                        saved = f" (input saved to {path})"
                    print(f"ESCAPED {label}{saved}", flush=True)
                escaped[label] += 1
        if report_every and i % report_every == 0:
            peak = tracemalloc.get_traced_memory()[1] if track_memory else 0
            elapsed = time.perf_counter() - started
            print(f"{i} inputs, {elapsed:.0f} s, peak {peak / 1e6:.1f} MB", flush=True)
    elapsed = time.perf_counter() - started
    current, peak = tracemalloc.get_traced_memory() if track_memory else (None, None)
    return {
        "inputs": n,
        "seed": seed,
        "seconds": round(elapsed, 1),
        "tracemalloc_peak_bytes": peak,
        "tracemalloc_current_bytes": current,
        "raised": {name: dict(counter.most_common()) for name, counter in raised.items()},
        "escaped": dict(escaped.most_common()),
    }


def _describe(case: Input) -> dict[str, Any]:
    return {**attrs.asdict(case, filter=lambda a, _: a.name != "data"),
            "kind": case.kind.name, "data_hex": case.data.hex()}  # fmt: skip
