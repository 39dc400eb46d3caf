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
  ``beta.threads.runs.create(..., stream=True)`` iterated.

``text_deltas`` -- text fragments per second through the stream helpers:

* ``runs text_deltas (decoder + handler)`` -- ``AssistantStreamManager`` over the core
  decoder (no HTTP), iterating the handler's ``text_deltas``;
* ``runs text_deltas (Client, MockTransport)`` -- ``client.runs.stream(...)`` on the mock
  transport, ``.text_deltas``;
* ``openai text_deltas (MockTransport)`` -- the SDK's ``beta.threads.runs.stream(...)``
  context manager's ``.text_deltas``.

A missing library (openai, httpx) makes its rows raise ImportError at load, so they are
reported as skipped. Run alone: ``python benchmarks/bench_typed.py [--quick]``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulator_process  # noqa: F401  (puts src/ on sys.path)
from bench_decoders import Parser, register

__all__ = [
    "TEXT_BASELINE",
    "TYPED_BASELINE",
    "expected_count",
]

TYPED_BASELINE = "runs AssistantStreamDecoder.iter_feed"
TEXT_BASELINE = "runs text_deltas (decoder + handler)"
SDK_TYPED = "openai typed stream (MockTransport)"
SDK_TEXT = "openai text_deltas (MockTransport)"

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


class _Feed:
    """The chunks the mock transport serves next (swapped before every parse)."""

    chunks: ClassVar[list[bytes]] = []


def _mock_http_client(feed: type[_Feed] | _Feed) -> object:
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


GROUPS = ("sse", "typed", "text_deltas")
BASELINES = {"sse": "runs SSEDecoder", "typed": TYPED_BASELINE, "text_deltas": TEXT_BASELINE}


def main(argv: list[str] | None = None) -> int:
    import run

    return run.main(["--only", "decoders", *(argv or sys.argv[1:])])


if __name__ == "__main__":
    raise SystemExit(main())
