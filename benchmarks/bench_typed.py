"""Typed events and ``text_deltas``: rows added to the decoder benchmark's registry.

Two groups of parsers join ``bench_decoders.PARSERS`` (each takes the stream as a list of
chunks and returns a count, as the SSE rows do):

``typed`` -- typed Assistants events per second (``done`` excluded: the clients consume
it without yielding it; the decoder row drops it too):

* ``runs AssistantStreamDecoder`` -- the core alone, ``feed(chunk)`` over the chunks;
* ``runs Client (httpx MockTransport)`` -- ``runs_adapters.Client`` on our httpx
  transport over an ``httpx.MockTransport`` serving the same chunks: the whole client
  path with no socket, the like-for-like row for the SDK's;
* ``openai typed stream (MockTransport)`` -- the official SDK:
  ``OpenAI(http_client=httpx.Client(transport=MockTransport(...)))`` then
  ``beta.threads.runs.create(..., stream=True)`` iterated;
* ``pydantic validate_json alone (floor)`` -- no decoder at all: a ``TypeAdapter`` per
  event type validating each event's data bytes, cut from the stream beforehand. What
  any typed decoder built on these models must spend; the gap to it is the decoder's.

``text_deltas`` -- text fragments per second through the stream helpers:

* ``runs text_deltas (decoder + handler)`` -- ``AssistantStreamManager`` over the core
  decoder (no HTTP), iterating the handler's ``text_deltas``;
* ``runs text_deltas (Client, MockTransport)`` -- ``client.runs.stream(...)`` on the mock
  transport, ``.text_deltas``;
* ``openai text_deltas (MockTransport)`` -- the SDK's ``beta.threads.runs.stream(...)``
  context manager's ``.text_deltas``.

A missing library (openai, httpx) makes its rows raise ImportError at load, so they are
reported as skipped. Run alone: ``python benchmarks/bench_typed.py [--quick]``.

Every row also has an events function (``bench_decoders.events_of``) for ``run.py
--stream FILE``: typed rows yield ``typed_item`` of each event (its name and its data as
the JSON the server sent, as both libraries' ``to_dict`` give it), text rows the text
fragments themselves.

``large_heap`` (run by ``run.py``'s decoder section) compares ``feed`` with ``iter_feed``
in a child process, first as it starts, then after importing the official SDK and its
Assistants types (~140k live objects, as in an application that uses both), where a
garbage collection costs the most. That child is ``bench_typed.py --large-heap-child``.
"""

from __future__ import annotations

import gc
import json
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulator_process  # noqa: F401  (puts src/ on sys.path)
from bench_decoders import Events, Parser, events_of, register

__all__ = [
    "TEXT_BASELINE",
    "TYPED_BASELINE",
    "expected_count",
    "typed_item",
]

TYPED_BASELINE = "runs AssistantStreamDecoder.iter_feed"
TEXT_BASELINE = "runs text_deltas (decoder + handler)"
SDK_TYPED = "openai typed stream (MockTransport)"
SDK_TEXT = "openai text_deltas (MockTransport)"
VALIDATE_FLOOR = "pydantic validate_json alone (floor)"

_THREAD = "thread_abc123"
_ASSISTANT = "asst_abc123"
_BASE_URL = "http://bench.invalid/v1"


def expected_count(group: str, data: bytes) -> int:
    """What a correct row of ``group`` returns for a stream from ``tests._helpers.streams``."""
    events = data.count(b"\ndata: ")
    if group == "typed":
        return events - 1  # done is consumed, not yielded
    if group == "text_deltas":
        return data.count(b"event: thread.message.delta\n") + data.count(
            b"event: thread.message.delta\r\n"
        )
    return events


def typed_item(event: Any) -> dict[str, Any]:
    """A typed event (ours or the SDK's) as ``{event, data}``, data as plain JSON values.

    Both libraries' models keep what the server sent and dump it back with ``to_dict``
    (only the fields that were set, under the API's names), so equal items mean equal
    events whatever the classes; raw data (our ``UnknownEvent``) is parsed if it is JSON.
    Serializer warnings (a union member the dump did not expect) are not the check's
    business: the values are still compared.
    """
    return {"event": str(event.event), "data": _plain(event.data)}


def _plain(data: Any) -> Any:
    """A model as the JSON values it holds (see ``typed_item``); raw text parsed if JSON."""
    if hasattr(data, "to_dict"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return data.to_dict(mode="json")
    if isinstance(data, str):
        try:
            return json.loads(data)
        except ValueError:
            return data
    return data


def _typed_items(events: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """``typed_item`` of each event that is a run event (not ``done``)."""
    from runs_core import DoneEvent

    for event in events:
        if not isinstance(event, DoneEvent):
            yield typed_item(event)


class _Feed:
    """The chunks the mock transport serves next (swapped before every parse)."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []


def _mock_http_client(feed: _Feed) -> object:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers={"content-type": "text/event-stream", "x-request-id": "req_bench"},
            content=iter(feed.chunks),
        )

    return httpx.Client(transport=httpx.MockTransport(handler))


def _our_client(feed: _Feed) -> object:
    from runs_adapters import Client
    from runs_adapters.httpx_sync import HttpxTransport

    http = _mock_http_client(feed)
    return Client(api_key="x", base_url=_BASE_URL, transport=HttpxTransport(http), max_retries=0)  # type: ignore[arg-type]


def _sdk_client(feed: _Feed) -> object:
    import openai

    http = _mock_http_client(feed)
    return openai.OpenAI(api_key="x", base_url=_BASE_URL, http_client=http, max_retries=0)  # type: ignore[arg-type]


@register(TYPED_BASELINE, group="typed")
def _typed_core() -> Parser:
    """The core decoder as the clients' streams use it: events a few KiB at a time."""
    from runs_core import AssistantStreamDecoder

    def parse(chunks: list[bytes]) -> int:
        decoder = AssistantStreamDecoder()
        iter_feed = decoder.iter_feed
        n = 0
        for chunk in chunks:
            for _ in iter_feed(chunk):
                n += 1
        decoder.end()
        return n - decoder.done  # the DoneEvent is not a run event

    return parse


@register("runs AssistantStreamDecoder.feed", group="typed")
def _typed_core_feed() -> Parser:
    """The list-returning ``feed``: same events; slower on big chunks (GC, see iter_feed)."""
    from runs_core import AssistantStreamDecoder

    def parse(chunks: list[bytes]) -> int:
        decoder = AssistantStreamDecoder()
        feed = decoder.feed
        n = 0
        for chunk in chunks:
            n += len(feed(chunk))
        decoder.end()
        return n - decoder.done

    return parse


@register("runs Client (httpx MockTransport)", group="typed")
def _typed_client() -> Parser:
    feed = _Feed()
    client = _our_client(feed)
    runs = client.runs  # type: ignore[attr-defined]

    def parse(chunks: list[bytes]) -> int:
        feed.chunks = chunks
        n = 0
        for _ in runs.create(_THREAD, stream=True, assistant_id=_ASSISTANT):
            n += 1
        return n

    return parse


@register(SDK_TYPED, group="typed")
def _typed_sdk() -> Parser:
    feed = _Feed()
    client = _sdk_client(feed)
    runs = client.beta.threads.runs  # type: ignore[attr-defined]

    def parse(chunks: list[bytes]) -> int:
        feed.chunks = chunks
        n = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            for _ in runs.create(_THREAD, stream=True, assistant_id=_ASSISTANT):
                n += 1
        return n

    return parse


def _payloads(data: bytes) -> list[tuple[str, bytes]]:
    """(event type, data bytes) of each event a typed decoder validates: those the
    contract names, up to ``done`` or ``error`` (which end a stream, and which our decoder
    does not yield). Cut with our SSE decoder, outside any timing, so that any stream
    (comments, CRLF, ids) gives the floor the same payloads."""
    from runs_core import EVENT_TYPES, SSEDecoder

    decoder = SSEDecoder()
    out = []
    for event in [*decoder.feed(data), *decoder.end()]:
        if event.event in ("done", "error"):
            break
        if event.event in EVENT_TYPES:
            out.append((event.event, event.data.encode()))
    return out


@register(VALIDATE_FLOOR, group="typed")
def _validate_floor() -> Parser:
    """The validation alone, as a floor: the same payloads, cut from the stream before
    timing (on the first call with a new chunk list: the untimed warm-up run), each given
    to its model's own validator, the fastest call pydantic has (a ``TypeAdapter`` around
    the model adds about 12%)."""
    adapters = _validators()
    cache: list[Any] = [None, []]

    def parse(chunks: list[bytes]) -> int:
        if cache[0] is not chunks:
            cache[:] = [chunks, [(adapters[n], d) for n, d in _payloads(b"".join(chunks))]]
        n = 0
        for validate, payload in cache[1]:
            validate(payload)
            n += 1
        return n

    return parse


def _validators() -> dict[str, Callable[[Any], Any]]:
    """Event name -> the validator of its data: the model's own (what the decoder calls),
    or a ``TypeAdapter`` for a type that is not a model (``done``'s ``str``)."""
    from pydantic import BaseModel, TypeAdapter

    from runs_core import EVENT_TYPES

    out: dict[str, Callable[[Any], Any]] = {}
    for name, (_, model) in EVENT_TYPES.items():
        if isinstance(model, type) and issubclass(model, BaseModel):
            model.model_rebuild()  # the models defer building their validators
            out[name] = model.__pydantic_validator__.validate_json
        else:
            out[name] = TypeAdapter(model).validate_json
    return out


class _DecoderStream:
    """The ``EventStream`` a manager opens, straight from the core decoder (no HTTP).

    It feeds the decoder as the clients' streams do (``iter_feed``, a few KiB at a time).
    """

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def __iter__(self) -> Iterator[object]:
        from runs_core import AssistantStreamDecoder

        decoder = AssistantStreamDecoder()
        for chunk in self.chunks:
            yield from decoder.iter_feed(chunk)
        decoder.end()

    def close(self) -> None:
        pass


@register(TEXT_BASELINE, group="text_deltas")
def _text_core() -> Parser:
    from runs_adapters.event_handler import AssistantStreamManager

    def parse(chunks: list[bytes]) -> int:
        n = 0
        with AssistantStreamManager(lambda: _DecoderStream(chunks)) as stream:  # type: ignore[arg-type, return-value]
            for _ in stream.text_deltas:
                n += 1
        return n

    return parse


@register("runs text_deltas (Client, MockTransport)", group="text_deltas")
def _text_client() -> Parser:
    feed = _Feed()
    client = _our_client(feed)
    runs = client.runs  # type: ignore[attr-defined]

    def parse(chunks: list[bytes]) -> int:
        feed.chunks = chunks
        n = 0
        with runs.stream(thread_id=_THREAD, assistant_id=_ASSISTANT) as stream:
            for _ in stream.text_deltas:
                n += 1
        return n

    return parse


@register(SDK_TEXT, group="text_deltas")
def _text_sdk() -> Parser:
    feed = _Feed()
    client = _sdk_client(feed)
    runs = client.beta.threads.runs  # type: ignore[attr-defined]

    def parse(chunks: list[bytes]) -> int:
        feed.chunks = chunks
        n = 0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with runs.stream(thread_id=_THREAD, assistant_id=_ASSISTANT) as stream:
                for _ in stream.text_deltas:
                    n += 1
        return n

    return parse


# -- events functions: the same paths, yielding what they decoded (checked, not timed) --


def _core_events(method: str) -> Callable[[], Events]:
    """The events function of the core decoder's row calling ``method`` on each chunk."""

    def load() -> Events:
        from runs_core import AssistantStreamDecoder

        def events(chunks: list[bytes]) -> Iterator[Any]:
            decoder = AssistantStreamDecoder()
            decode = getattr(decoder, method)
            for chunk in chunks:
                yield from _typed_items(decode(chunk))
            yield from _typed_items(decoder.end())

        return events

    return load


events_of(TYPED_BASELINE)(_core_events("iter_feed"))
events_of("runs AssistantStreamDecoder.feed")(_core_events("feed"))


@events_of("runs Client (httpx MockTransport)")
def _typed_client_events() -> Events:
    feed = _Feed()
    runs = _our_client(feed).runs  # type: ignore[attr-defined]

    def events(chunks: list[bytes]) -> Iterator[Any]:
        feed.chunks = chunks
        yield from _typed_items(runs.create(_THREAD, stream=True, assistant_id=_ASSISTANT))

    return events


@events_of(SDK_TYPED)
def _typed_sdk_events() -> Events:
    feed = _Feed()
    runs = _sdk_client(feed).beta.threads.runs  # type: ignore[attr-defined]

    def events(chunks: list[bytes]) -> Iterator[Any]:
        feed.chunks = chunks
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield from _typed_items(runs.create(_THREAD, stream=True, assistant_id=_ASSISTANT))

    return events


@events_of(VALIDATE_FLOOR)
def _validate_floor_events() -> Events:
    adapters = _validators()

    def events(chunks: list[bytes]) -> Iterator[Any]:
        for name, payload in _payloads(b"".join(chunks)):
            yield {"event": name, "data": _plain(adapters[name](payload))}

    return events


@events_of(TEXT_BASELINE)
def _text_core_events() -> Events:
    from runs_adapters.event_handler import AssistantStreamManager

    def events(chunks: list[bytes]) -> Iterator[Any]:
        with AssistantStreamManager(lambda: _DecoderStream(chunks)) as stream:  # type: ignore[arg-type, return-value]
            yield from stream.text_deltas

    return events


@events_of("runs text_deltas (Client, MockTransport)")
def _text_client_events() -> Events:
    feed = _Feed()
    runs = _our_client(feed).runs  # type: ignore[attr-defined]

    def events(chunks: list[bytes]) -> Iterator[Any]:
        feed.chunks = chunks
        with runs.stream(thread_id=_THREAD, assistant_id=_ASSISTANT) as stream:
            yield from stream.text_deltas

    return events


@events_of(SDK_TEXT)
def _text_sdk_events() -> Events:
    feed = _Feed()
    runs = _sdk_client(feed).beta.threads.runs  # type: ignore[attr-defined]

    def events(chunks: list[bytes]) -> Iterator[Any]:
        feed.chunks = chunks
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            with runs.stream(thread_id=_THREAD, assistant_id=_ASSISTANT) as stream:
                yield from stream.text_deltas

    return events


# -- feed vs iter_feed in a large heap --------------------------------------------------

HEAP_CHUNK_SIZES = (16384, 65536)


def large_heap(
    deltas: int, repeats: int, chunk_sizes: tuple[int, ...] = HEAP_CHUNK_SIZES
) -> dict[str, Any]:
    """``feed`` and ``iter_feed`` events/s, in a small heap and in a large one (a child
    process; see the module docstring). Returns the child's report, or ``{"error": ...}``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--large-heap-child",
           str(deltas), str(repeats), *map(str, chunk_sizes)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def _heap_child(deltas: int, repeats: int, chunk_sizes: list[int]) -> dict[str, Any]:
    """Runs in the child. Each case is timed ``repeats`` times back to back, without a
    ``gc.collect()`` between runs (which would empty the count of objects a full
    collection waits for): in a long-lived process full collections come at their
    steady-state rate, and that is what ``feed``'s lists of live events run into. (So
    the cases do not take turns as in ``time_parsers``: a full collection would then be
    charged to whichever case happened to start it.)

    A third row takes the decoder out: the pydantic validation of the same payloads, the
    results dropped one by one or held per chunk (as ``feed``'s list holds them). It
    shows how much of ``feed``'s loss the holding alone costs."""
    from tests._helpers.streams import chunked, text_run_stream

    from runs_core import EVENT_TYPES, AssistantStreamDecoder

    data = text_run_stream(deltas)
    count = expected_count("typed", data)

    def by_feed(chunks: list[bytes]) -> int:
        decoder = AssistantStreamDecoder()
        n = 0
        for chunk in chunks:
            n += len(decoder.feed(chunk))
        return n - 1

    def by_iter_feed(chunks: list[bytes]) -> int:
        decoder = AssistantStreamDecoder()
        n = 0
        for chunk in chunks:
            for _ in decoder.iter_feed(chunk):
                n += 1
        return n - 1

    from pydantic import TypeAdapter

    adapters = {name: TypeAdapter(model).validate_json for name, (_, model) in EVENT_TYPES.items()}
    payloads = [(adapters[n], d) for n, d in _payloads(data)]

    def pydantic_dropped(chunks: list[bytes]) -> int:
        for validate, payload in payloads:
            validate(payload)
        return len(payloads)

    def pydantic_held(chunks: list[bytes]) -> int:
        per_chunk = max(1, round(len(payloads) * len(chunks[0]) / len(data)))
        for start in range(0, len(payloads), per_chunk):
            held = [validate(payload) for validate, payload in payloads[start : start + per_chunk]]
            del held
        return len(payloads)

    cases: dict[str, Callable[[list[bytes]], int]] = {
        "feed": by_feed,
        "iter_feed": by_iter_feed,
        "pydantic, results dropped": pydantic_dropped,
        "pydantic, results held per chunk": pydantic_held,
    }

    def measure(heap: str) -> dict[str, Any]:
        rows = []
        for size in chunk_sizes:
            chunks = chunked(data, size)
            for name, case in cases.items():
                # One case at a time, so that each pays for the collections it brings
                # on; a first run reaches its steady state (and checks the count).
                if case(chunks) != count:
                    raise AssertionError(f"{name} miscounted at {size} B")
                times = []
                for _ in range(repeats):
                    t0 = time.perf_counter()
                    case(chunks)
                    times.append(time.perf_counter() - t0)
                rows.append(
                    {"case": name, "chunk_size": size, "per_s": count / statistics.median(times)}
                )
        return {"heap": heap, "objects": len(gc.get_objects()), "rows": rows}

    small = measure("as started")
    import openai
    import openai.types.beta
    import openai.types.beta.threads
    import openai.types.beta.threads.runs
    from openai.types.beta import AssistantStreamEvent

    client = openai.OpenAI(api_key="x")
    TypeAdapter(AssistantStreamEvent)  # the SDK's stream validator, as it builds it
    large = measure("after importing openai")
    del client
    return {"deltas": deltas, "repeats": repeats, "events": count, "heaps": [small, large]}


GROUPS = ("sse", "typed", "text_deltas")
BASELINES = {"sse": "runs SSEDecoder", "typed": TYPED_BASELINE, "text_deltas": TEXT_BASELINE}


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["--large-heap-child"]:
        deltas, repeats, *sizes = map(int, args[1:])
        print(json.dumps(_heap_child(deltas, repeats, sizes)))
        return 0
    import run

    return run.main(["--only", "decoders", *args])


if __name__ == "__main__":
    raise SystemExit(main())
