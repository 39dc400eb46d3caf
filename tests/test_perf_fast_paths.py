"""Edge cases of the decoders' fast paths (see docs/benchmarks.md, "Decoder changes").

The SSE decoder frames bytes, holds back the open block and takes whole blocks in bulk:
one event alone, a few in a short loop, many with map(). The typed decoder validates
the data bytes straight from the bulk path, and many events at once with map(). Each
test drives one of those paths, or its way out to the line-by-line loop, and checks the
result against feeding the same bytes whole (the general path is checked against the
spec's reference in test_sse_decoder.py). No timing here: speed is measured by the
benchmarks, never asserted.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._helpers.streams import text_run_stream, tool_call_stream

import runs_core._sse as _sse
from runs_core import (
    AssistantStreamDecoder,
    DoneEvent,
    LimitExceededError,
    ServerSentEvent,
    SSEDecoder,
    StreamErrorEvent,
    StreamEventDecodeError,
    ThreadMessageDelta,
    UnknownEvent,
)
from runs_core._stream_decoder import FEED_SLICE

Ev = tuple[str, str, str, int | None]
MANY = _sse._BULK_LOOP // 3 + 1  # events enough for the map() path


def sse(chunks: list[bytes], **kwargs: int) -> tuple[list[Ev], SSEDecoder]:
    decoder = SSEDecoder(**kwargs)
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    return [tuple(e) for e in events], decoder  # type: ignore[misc]


def every_split(stream: bytes) -> list[list[bytes]]:
    """``stream`` in two pieces, at every byte offset."""
    return [[stream[:cut], stream[cut:]] for cut in range(len(stream) + 1)]


def delta(text: str, n: int = 0) -> bytes:
    payload = {
        "id": f"msg_{n}",
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": {"value": text}}]},
    }
    return b"event: thread.message.delta\ndata: " + json.dumps(payload).encode() + b"\n\n"


# --- SSE framing --------------------------------------------------------------------------


@pytest.mark.parametrize("n_events", [1, 2, 5, MANY - 1, MANY])  # one, the short loop, map()
@pytest.mark.parametrize("nl", [b"\n", b"\r\n", b"\r"])
def test_ordinary_events_split_at_every_offset(n_events: int, nl: bytes) -> None:
    block = b"event: e" + nl + b'data: {"v":"caf\xc3\xa9"}' + nl + nl
    stream = b": hi" + nl + block * n_events
    expected = [("e", '{"v":"café"}', "", None)] * n_events
    for chunks in every_split(stream):
        assert sse(chunks)[0] == expected, chunks


def test_crlf_split_between_cr_and_lf_in_every_position_of_a_bulk_run() -> None:
    stream = b"event: a\r\ndata: 1\r\n\r\n" * MANY
    for cut in range(1, len(stream)):
        if stream[cut - 1 : cut] == b"\r":
            chunks = [stream[:cut], stream[cut:]]
            assert sse(chunks)[0] == [("a", "1", "", None)] * MANY, cut


@pytest.mark.parametrize("n_events", [1, 3, MANY])
def test_multi_line_data_in_a_run_takes_the_line_by_line_path(n_events: int) -> None:
    stream = b"event: a\ndata: 1\ndata: 2\n\n" + b"event: b\ndata: 3\n\n" * n_events
    for chunks in every_split(stream):
        assert sse(chunks)[0] == [("a", "1\n2", "", None)] + [("b", "3", "", None)] * n_events


@pytest.mark.parametrize("n_events", [1, 3, MANY])
def test_ids_comments_and_blank_lines_in_a_run(n_events: int) -> None:
    stream = (
        b"event: x\ndata: 0\n\n" * n_events
        + b"id: 7\nevent: y\ndata: 1\n\n\n\n: keep-alive\n\n"
        + b"event: z\ndata: 2\n\n" * n_events
    )
    expected = [("x", "0", "", None)] * n_events + [("y", "1", "7", None)]
    expected += [("z", "2", "7", None)] * n_events
    for chunks in every_split(stream):
        assert sse(chunks)[0] == expected


@pytest.mark.parametrize("n_events", [1, 2, MANY])
def test_an_empty_event_name_means_message_on_every_path(n_events: int) -> None:
    assert sse([b"event: \ndata: x\n\n" * n_events])[0] == [("message", "x", "", None)] * n_events


@pytest.mark.parametrize("n_events", [1, 2, MANY])
def test_invalid_utf8_in_bulk_data_becomes_replacement_characters(n_events: int) -> None:
    stream = b"event: e\ndata: a\xffb\xe2\x82\n\n" * n_events
    assert sse([stream])[0] == [("e", "a\ufffdb\ufffd", "", None)] * n_events


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=600), min_size=1, max_size=40))
def test_realistic_streams_any_chunking_as_whole(sizes: list[int]) -> None:
    stream = text_run_stream(30, crlf=sizes[0] % 2 == 0)
    chunks: list[bytes] = []
    start = 0
    while start < len(stream):
        size = sizes[len(chunks) % len(sizes)]
        chunks.append(stream[start : start + size])
        start += size
    assert sse(chunks)[0] == sse([stream])[0]


def test_a_retry_field_counts_as_soon_as_its_line_is_complete() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\nretry: 25\ndata: b")  # its block is still open (held)
    assert decoder.retry == 25
    decoder.feed(b"\n\nretry: 40\n")
    decoder.end()  # the open block is discarded, the retry it carried is not
    assert decoder.retry == 40


@pytest.mark.parametrize(
    ("held", "pending"),
    [(b": just a comment\n", False), (b"event: a\n", True), (b"data: x\n: c\n", True)],
)
def test_pending_looks_at_held_lines(held: bytes, pending: bool) -> None:
    decoder = SSEDecoder()
    decoder.feed(b"event: e\ndata: 1\n\n" + held)
    assert decoder.pending is pending
    decoder.end()
    assert decoder.truncated is pending


def test_held_lines_past_the_hold_limit_are_processed_and_bounded() -> None:
    decoder = SSEDecoder()
    comments = b": " + b"x" * 100 + b"\n"
    for _ in range(1000):  # 100 KB of comments and no blank line: nothing may pile up
        decoder.feed(comments)
    assert decoder._tail_len <= _sse._HOLD
    assert not decoder.pending
    assert as_events(decoder.feed(b"data: y\n\n")) == [("message", "y", "", None)]


def as_events(events: list[ServerSentEvent]) -> list[Ev]:
    return [tuple(e) for e in events]  # type: ignore[misc]


def test_the_limit_counts_characters_not_bytes_in_a_region() -> None:
    line = "data: " + "é" * 60  # 66 characters, 126 bytes
    events, _ = sse([(line + "\n\n").encode()], max_event_size=66)
    assert events == [("message", "é" * 60, "", None)]
    with pytest.raises(LimitExceededError):
        sse([(line + "\n\n").encode()], max_event_size=65)


def test_the_limit_counts_characters_of_a_line_growing_over_chunks() -> None:
    body = ("data: " + "☕" * 40 + "\n\n").encode()  # 46 characters, 126 bytes
    chunks = [body[i : i + 5] for i in range(0, len(body), 5)]
    assert sse(chunks, max_event_size=46)[0] == [("message", "☕" * 40, "", None)]
    with pytest.raises(LimitExceededError):
        sse(chunks, max_event_size=45)


def test_the_event_name_table_stays_bounded() -> None:
    stream = b"".join(b"event: n%d\ndata: x\n\n" % i for i in range(2000))
    events, _ = sse([stream])
    assert [e[0] for e in events] == [f"n{i}" for i in range(2000)]
    assert len(_sse._EVENT_NAMES) <= 256


# --- typed events ---------------------------------------------------------------------------


def typed(chunks: list[bytes], lazily: bool = False) -> list[object]:
    decoder = AssistantStreamDecoder()
    out: list[object] = []
    for chunk in chunks:
        out.extend(decoder.iter_feed(chunk) if lazily else decoder.feed(chunk))
    return out


@pytest.mark.parametrize("stream", [text_run_stream(12), tool_call_stream(12)])
def test_typed_events_at_every_split_match_the_whole(stream: bytes) -> None:
    whole = typed([stream])
    for cut in range(0, len(stream) + 1, 7):
        assert typed([stream[:cut], stream[cut:]]) == whole


def test_an_error_event_amid_many_raises_after_the_events_before_it() -> None:
    error = b'event: error\ndata: {"error":{"message":"boom"}}\n\n'
    decoder = AssistantStreamDecoder()
    events = decoder.feed(delta("a") * MANY + error + delta("b") * MANY)
    assert [e.data.delta.content[0].text.value for e in events] == ["a"] * MANY  # type: ignore[union-attr, index]
    with pytest.raises(StreamErrorEvent, match="boom"):
        decoder.feed(b"")


def test_iter_feed_raises_an_error_event_right_after_the_events_before_it() -> None:
    error = b'event: error\ndata: {"error":{"message":"boom"}}\n\n'
    decoder = AssistantStreamDecoder()
    seen: list[object] = []
    with pytest.raises(StreamErrorEvent, match="boom"):
        for event in decoder.iter_feed(delta("a") * 2 + error):
            seen.append(event)
    assert len(seen) == 2


@pytest.mark.parametrize("size", [FEED_SLICE, FEED_SLICE + 1])
def test_iter_feed_of_one_slice_and_of_more_give_the_same_events(size: int) -> None:
    stream = text_run_stream(60)
    chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
    assert typed(chunks, lazily=True) == typed(chunks)


def test_unknown_and_first_seen_names_amid_many_are_kept_in_order() -> None:
    unknown = b'event: thread.future.thing\ndata: {"x":1}\n\n'
    events = typed([delta("a") * 5 + unknown + delta("b") * 5 + b"event: done\ndata: [DONE]\n\n"])
    assert [type(e) for e in events] == [ThreadMessageDelta] * 5 + [UnknownEvent] + [
        ThreadMessageDelta
    ] * 5 + [DoneEvent]
    assert events[5] == UnknownEvent("thread.future.thing", '{"x":1}')


def test_invalid_utf8_in_json_validates_as_its_replacement_text() -> None:
    bad = delta("X").replace(b'"X"', b'"a\xffb"')
    for stream in (bad, bad * 6, bad * MANY):
        events = typed([stream])
        assert {e.data.delta.content[0].text.value for e in events} == {"a\ufffdb"}  # type: ignore[attr-defined]


@pytest.mark.parametrize("n_before", [0, 5])
def test_data_that_does_not_fit_raises_a_decode_error_with_the_text(n_before: int) -> None:
    bad = b'event: thread.message.delta\ndata: {"id": 5}\n\n'
    decoder = AssistantStreamDecoder()
    with pytest.raises(StreamEventDecodeError, match="does not fit") as caught:
        decoder.feed(delta("a") * n_before + bad + delta("b") * 5)
    assert caught.value.data == '{"id": 5}'


def test_typed_events_are_the_classes_with_their_data() -> None:
    (event,) = typed([delta("hi")])
    assert type(event) is ThreadMessageDelta and event.event == "thread.message.delta"
    assert event == ThreadMessageDelta(event.data)  # same as built by its __init__
    with pytest.raises(AttributeError):
        event.data = None  # type: ignore[misc, assignment]  # still frozen


# --- feed pauses the cycle collector over a large chunk ----------------------------------


@pytest.fixture
def collections() -> Iterator[list[int]]:
    """The generations collected while the test runs (``gc.callbacks``)."""
    seen: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            seen.append(info["generation"])

    gc.callbacks.append(note)
    try:
        yield seen
    finally:
        gc.callbacks.remove(note)


def test_no_collection_runs_while_feed_builds_a_large_chunk(collections: list[int]) -> None:
    chunk = delta("word") * 500  # ~7,000 tracked objects made: ten collections' worth
    assert len(chunk) > FEED_SLICE and gc.isenabled()
    events = AssistantStreamDecoder().feed(chunk)
    assert len(events) == 500 and collections == []
    assert gc.isenabled()
    del events
    AssistantStreamDecoder().feed(chunk[: len(delta("word")) * 3])  # small: no pause
    assert gc.isenabled()


def test_feed_leaves_the_collector_as_it_found_it() -> None:
    chunk = delta("word") * 500
    gc.disable()
    try:
        AssistantStreamDecoder().feed(chunk)
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()
    bad = delta("word") * 300 + delta("X").replace(b'"X"', b"7") + delta("word") * 10
    decoder = AssistantStreamDecoder()
    with pytest.raises(StreamEventDecodeError):
        decoder.feed(bad)
    assert gc.isenabled()  # re-enabled though the chunk raised


def test_iter_feed_of_a_large_chunk_does_not_pause_the_collector() -> None:
    for _ in AssistantStreamDecoder().iter_feed(delta("word") * 500):
        assert gc.isenabled()
