"""AssistantStreamDecoder: bytes of an Assistants stream to typed events, with the
contract's rules for ``done``, ``error``, unknown names and truncation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._helpers.streams import text_run_stream, tool_call_stream

from runs_core import (
    AssistantStreamDecoder,
    DoneEvent,
    LimitExceededError,
    StreamErrorEvent,
    StreamEventDecodeError,
    StreamIncompleteError,
    ThreadMessageDelta,
    UnknownEvent,
)
from runs_core._stream_decoder import FEED_SLICE

DELTA = (
    b'event: thread.message.delta\ndata: {"id":"msg_1","object":"thread.message.delta",'
    b'"delta":{"content":[{"index":0,"type":"text","text":{"value":"hi"}}]}}\n\n'
)
DONE = b"event: done\ndata: [DONE]\n\n"


def _names(events: list[object]) -> list[str]:
    return [e.event for e in events]  # type: ignore[attr-defined]


def test_done_is_returned_last_and_ends_the_stream() -> None:
    decoder = AssistantStreamDecoder()
    events = decoder.feed(DELTA + DONE + DELTA)
    assert _names(events) == ["thread.message.delta", "done"]
    assert isinstance(events[-1], DoneEvent) and decoder.done
    assert decoder.feed(DELTA) == []
    assert decoder.end() == []


def test_a_stream_without_done_is_incomplete() -> None:
    decoder = AssistantStreamDecoder()
    assert len(decoder.feed(DELTA * 3)) == 3
    with pytest.raises(StreamIncompleteError, match="after 3 events"):
        decoder.end()


def test_a_stream_cut_mid_event_says_so() -> None:
    decoder = AssistantStreamDecoder()
    decoder.feed(DELTA + DELTA[:30])
    with pytest.raises(StreamIncompleteError, match="mid-event"):
        decoder.end()


def test_an_error_event_raises_with_its_payload() -> None:
    decoder = AssistantStreamDecoder()
    error = b'event: error\ndata: {"error":{"message":"boom","type":"server_error"}}\n\n'
    with pytest.raises(StreamErrorEvent, match="boom") as caught:
        decoder.feed(error)
    assert caught.value.error == {"error": {"message": "boom", "type": "server_error"}}


def test_events_before_an_error_in_the_same_chunk_are_delivered_first() -> None:
    decoder = AssistantStreamDecoder()
    events = decoder.feed(DELTA + b"event: error\ndata: {}\n\n")
    assert _names(events) == ["thread.message.delta"]
    with pytest.raises(StreamErrorEvent):
        decoder.feed(b"")
    with pytest.raises(StreamErrorEvent):
        decoder.end()


def test_an_unknown_event_name_is_kept() -> None:
    decoder = AssistantStreamDecoder()
    (event,) = decoder.feed(b'event: thread.run.teleported\ndata: {"x": 1}\n\n')
    assert isinstance(event, UnknownEvent)
    assert event.event == "thread.run.teleported" and '"x"' in event.data


def test_a_data_less_ping_is_not_an_event() -> None:
    decoder = AssistantStreamDecoder()
    assert _names(decoder.feed(b"event: ping\n\n" + DELTA)) == ["thread.message.delta"]


def test_bad_json_names_the_event() -> None:
    decoder = AssistantStreamDecoder()
    with pytest.raises(StreamEventDecodeError, match=r"thread\.message\.delta"):
        decoder.feed(b"event: thread.message.delta\ndata: {not json\n\n")


def test_bytes_after_done_are_bounded() -> None:
    decoder = AssistantStreamDecoder(max_trailing_bytes=10)
    decoder.feed(DONE)
    decoder.feed(b"x" * 10)
    with pytest.raises(LimitExceededError, match="followed the 'done' event"):
        decoder.feed(b"x")


def _all(decoder: AssistantStreamDecoder, data: bytes, size: int, lazily: bool) -> list[object]:
    out: list[object] = []
    for start in range(0, len(data), size):
        piece = data[start : start + size]
        out.extend(decoder.iter_feed(piece) if lazily else decoder.feed(piece))
    return out


@pytest.mark.parametrize("size", [1, 7, FEED_SLICE - 1, FEED_SLICE, FEED_SLICE + 1, 65536, 10**7])
def test_iter_feed_yields_what_feed_returns(size: int) -> None:
    data = text_run_stream(300)
    eager = _all(AssistantStreamDecoder(), data, size, lazily=False)
    lazy = _all(AssistantStreamDecoder(), data, size, lazily=True)
    assert _names(lazy) == _names(eager)
    assert [getattr(e, "data", None) for e in lazy] == [getattr(e, "data", None) for e in eager]
    assert _names(lazy)[-1] == "done"


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(min_value=1, max_value=20_000), min_size=1, max_size=30))
def test_chunking_never_changes_the_typed_events(cuts: list[int]) -> None:
    data = tool_call_stream(30)
    whole = AssistantStreamDecoder().feed(data)
    decoder = AssistantStreamDecoder()
    pieces: list[object] = []
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        pieces.extend(decoder.iter_feed(data[start:cut]))
        start = max(start, cut)
    assert _names(pieces) == _names(whole)
    deltas = [e for e in pieces if isinstance(e, ThreadMessageDelta)]
    assert deltas == [e for e in whole if isinstance(e, ThreadMessageDelta)]


def test_text_pieces_are_the_text_fragments_of_a_message_delta_only() -> None:
    from runs_core import parse_event, text_pieces

    delta = parse_event(
        "thread.message.delta",
        '{"id":"m","object":"thread.message.delta","delta":{"content":['
        '{"index":0,"type":"text","text":{"value":"Hel"}},'
        '{"index":1,"type":"refusal","refusal":"no"},'
        '{"index":2,"type":"text","text":{"annotations":[]}},'
        '{"index":3,"type":"text","text":{"value":"lo"}}]}}',
    )
    assert text_pieces(delta) == ["Hel", "lo"]
    (done,) = AssistantStreamDecoder().feed(DONE)
    assert text_pieces(done) == []
