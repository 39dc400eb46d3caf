"""The SSE decoder against the WHATWG event stream interpretation rules.

Three layers: one test per rule of the spec; a small reference implementation written
line by line from the spec, which the decoder must match on random input; and chunking
properties (any split of the bytes gives the same events as feeding them at once).
"""

from __future__ import annotations

import itertools
import tracemalloc
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from tests._helpers import streams

from runs_core import (
    DEFAULT_MAX_EVENT_SIZE,
    LimitExceededError,
    ServerSentEvent,
    SSEDecoder,
)

Ev = tuple[str, str, str, int | None]


# --- reference implementation: straight from the spec, no attention to speed -------------


class Reference:
    """Decodes a whole stream at once, character by character, as the spec words it.

    ``max_size`` mirrors the decoder's bound: a line, or the joined data of one event,
    longer than it raises LimitExceededError.
    """

    def __init__(self, stream: bytes, max_size: int | None = None) -> None:
        text = stream.decode("utf-8", "replace")  # invalid bytes become U+FFFD
        if text.startswith("\ufeff"):  # the UTF-8 decode algorithm strips one BOM
            text = text[1:]
        self.events: list[Ev] = []
        self.last_event_id = ""
        self.retry: int | None = None
        lines, rest = self._lines(text)
        self.pending = rest != ""
        data = ""
        has_data = False
        event = ""
        id_buffer = ""
        block_retry: int | None = None
        in_block = False
        for line in [*lines, *([rest] if max_size is not None else [])]:
            if max_size is not None and len(line) > max_size:
                raise LimitExceededError("line")
        for line in lines:
            if line == "":
                self.last_event_id = id_buffer
                if has_data:
                    if data.endswith("\n"):
                        data = data[:-1]
                    self.events.append((event or "message", data, id_buffer, block_retry))
                data, has_data, event, block_retry, in_block = "", False, "", None, False
                continue
            if line.startswith(":"):
                continue
            in_block = True
            if ":" in line:
                i = line.index(":")
                name, value = line[:i], line[i + 1 :]
                if value.startswith(" "):
                    value = value[1:]
            else:
                name, value = line, ""
            if name == "data":
                data += value + "\n"
                has_data = True
                if max_size is not None and len(data) - 1 > max_size:
                    raise LimitExceededError("data")
            elif name == "event":
                event = value
            elif name == "id" and "\0" not in value:
                id_buffer = value
            elif name == "retry" and value != "" and all(c in "0123456789" for c in value):
                block_retry = self.retry = int(value)
        self.pending = self.pending or in_block

    @staticmethod
    def _lines(text: str) -> tuple[list[str], str]:
        """Complete lines (CRLF, LF or a lone CR ends one), and the unterminated rest."""
        lines: list[str] = []
        current = ""
        i = 0
        while i < len(text):
            c = text[i]
            if c == "\r" or c == "\n":
                lines.append(current)
                current = ""
                if c == "\r" and text[i + 1 : i + 2] == "\n":
                    i += 1
            else:
                current += c
            i += 1
        return lines, current


def as_tuples(events: list[ServerSentEvent]) -> list[Ev]:
    return [(e.event, e.data, e.id, e.retry) for e in events]


def decode(chunks: list[bytes], **kwargs: int) -> tuple[list[Ev], SSEDecoder]:
    decoder = SSEDecoder(**kwargs)
    events: list[ServerSentEvent] = []
    for chunk in chunks:
        events += decoder.feed(chunk)
    pending = decoder.pending
    events += decoder.end()
    assert decoder.truncated == pending
    return as_tuples(events), decoder


def one(stream: bytes) -> list[Ev]:
    return decode([stream])[0]


def split_at(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(stream), *(c % (len(stream) + 1) for c in cuts)})
    return [stream[a:b] for a, b in itertools.pairwise(points)]


# --- one test per rule --------------------------------------------------------------------


def test_a_blank_line_dispatches_the_event() -> None:
    assert one(b"event: thread.run.created\ndata: {}\n\n") == [
        ("thread.run.created", "{}", "", None)
    ]


def test_event_type_defaults_to_message() -> None:
    assert one(b"data: x\n\n") == [("message", "x", "", None)]


def test_an_empty_event_field_also_means_message() -> None:
    assert one(b"event:\ndata: x\n\nevent: \ndata: y\n\n") == [
        ("message", "x", "", None),
        ("message", "y", "", None),
    ]


def test_an_empty_event_name_means_message_in_a_run_of_ordinary_events() -> None:
    assert one(b"event: \ndata: x\n\nevent: a\ndata: y\n\n") == [
        ("message", "x", "", None),
        ("a", "y", "", None),
    ]


def test_three_line_blocks_that_are_not_event_data_blank_are_decoded_line_by_line() -> None:
    stream = b"event: a\ndata: b\ndata: c\nevent: d\ndata: e\n\n"
    assert one(stream) == [("d", "b\nc\ne", "", None)]


@pytest.mark.parametrize("n_more", [1, 10])  # short and long chunks take different paths
def test_an_event_begun_in_one_chunk_is_finished_by_the_next(n_more: int) -> None:
    second = b"event: a\ndata: 2\n\n" + b"event: b\ndata: 3\n\n" * n_more
    events, _ = decode([b"data: 1\n", second])
    assert events == [("a", "1\n2", "", None)] + [("b", "3", "", None)] * n_more


def test_data_lines_are_joined_with_lf() -> None:
    assert one(b"data: a\ndata:b\ndata\ndata: \n\n") == [("message", "a\nb\n\n", "", None)]


def test_an_empty_data_line_still_dispatches_empty_data() -> None:
    assert one(b"data:\n\n") == [("message", "", "", None)]


def test_a_block_without_data_is_not_dispatched_and_resets_the_event_type() -> None:
    assert one(b"event: a\n\ndata: x\n\n") == [("message", "x", "", None)]


def test_only_one_space_after_the_colon_is_removed() -> None:
    assert one(b"data:  two\n\n") == [("message", " two", "", None)]


def test_value_may_contain_colons() -> None:
    assert one(b'data: {"a":"b:c"}\n\n') == [("message", '{"a":"b:c"}', "", None)]


def test_a_field_without_colon_has_an_empty_value() -> None:
    assert one(b"data\ndata\n\n") == [("message", "\n", "", None)]


def test_comment_lines_are_ignored() -> None:
    assert one(b": keep-alive\ndata: x\n:\n\n") == [("message", "x", "", None)]


def test_a_comment_only_block_dispatches_nothing() -> None:
    assert one(b": ping\n\n: ping\n\n") == []


def test_unknown_fields_are_ignored() -> None:
    assert one(b"foo: bar\nData: no\ndata: x\n\n") == [("message", "x", "", None)]


def test_field_names_are_case_sensitive_and_exact() -> None:
    assert one(b"data : x\nevent : y\ndata: z\n\n") == [("message", "z", "", None)]


def test_id_persists_across_events() -> None:
    events, decoder = decode([b"id: 7\ndata: a\n\ndata: b\n\n"])
    assert events == [("message", "a", "7", None), ("message", "b", "7", None)]
    assert decoder.last_event_id == "7"


def test_an_empty_id_resets_the_last_event_id() -> None:
    events, _ = decode([b"id: 7\ndata: a\n\nid\ndata: b\n\n"])
    assert [e[2] for e in events] == ["7", ""]


def test_an_id_containing_nul_is_ignored() -> None:
    events, decoder = decode([b"id: 1\ndata: a\n\nid: 2\x003\ndata: b\n\n"])
    assert [e[2] for e in events] == ["1", "1"]
    assert decoder.last_event_id == "1"


def test_an_id_in_a_block_without_data_still_becomes_the_last_event_id() -> None:
    _, decoder = decode([b"id: 9\n\n"])
    assert decoder.last_event_id == "9"


def test_an_id_not_closed_by_a_blank_line_is_not_committed() -> None:
    _, decoder = decode([b"id: 1\ndata: a\n\nid: 2\n"])
    assert decoder.last_event_id == "1"


def test_retry_is_set_when_all_ascii_digits() -> None:
    events, decoder = decode([b"retry: 1500\ndata: x\n\ndata: y\n\n"])
    assert events == [("message", "x", "", 1500), ("message", "y", "", None)]
    assert decoder.retry == 1500


@pytest.mark.parametrize("value", [b"", b"15s", b"-1", b"1.5", b" 15", "١٢".encode(), b"\xc2\xb2"])
def test_retry_that_is_not_all_ascii_digits_is_ignored(value: bytes) -> None:
    events, decoder = decode([b"retry: " + value + b"\ndata: x\n\n"])
    assert events == [("message", "x", "", None)]
    assert decoder.retry is None


def test_retry_in_a_block_without_data_still_sets_the_reconnection_time() -> None:
    _, decoder = decode([b"retry: 10\n\n"])
    assert decoder.retry == 10


def test_an_absurdly_long_retry_is_ignored_rather_than_raising() -> None:
    events, decoder = decode([b"retry: " + b"9" * 5000 + b"\ndata: x\n\n"])
    assert events == [("message", "x", "", None)]
    assert decoder.retry is None


@pytest.mark.parametrize("nl", [b"\n", b"\r\n", b"\r"])
def test_every_line_ending_is_accepted(nl: bytes) -> None:
    stream = b"event: e" + nl + b"data: a" + nl + b"data: b" + nl + nl
    assert one(stream) == [("e", "a\nb", "", None)]


def test_line_endings_may_be_mixed() -> None:
    assert one(b"data: a\rdata: b\r\ndata: c\n\r\n") == [("message", "a\nb\nc", "", None)]


def test_cr_at_the_end_of_a_chunk_and_lf_at_the_start_of_the_next_are_one_line_end() -> None:
    events, _ = decode([b"data: a\r", b"\ndata: b\r", b"\n\r", b"\n"])
    assert events == [("message", "a\nb", "", None)]


def test_cr_cr_is_two_line_ends() -> None:
    assert decode([b"data: a\r", b"\r"])[0] == [("message", "a", "", None)]


def test_a_leading_bom_is_dropped() -> None:
    assert one(b"\xef\xbb\xbfdata: x\n\n") == [("message", "x", "", None)]


def test_a_leading_bom_split_across_chunks_is_dropped() -> None:
    events, _ = decode([b"\xef", b"\xbb", b"\xbfdata: x\n\n"])
    assert events == [("message", "x", "", None)]


def test_only_one_bom_is_dropped() -> None:
    # The second BOM is part of the first line's field name, an unknown field.
    assert one(b"\xef\xbb\xbf\xef\xbb\xbfdata: x\n\ndata: y\n\n") == [("message", "y", "", None)]


def test_a_bom_later_in_the_stream_is_data() -> None:
    assert one(b"data: \xef\xbb\xbfx\n\n") == [("message", "\ufeffx", "", None)]


def test_utf8_split_across_chunks_decodes_whole() -> None:
    stream = "data: café ☕ 🙂\n\n".encode()
    for cut in range(len(stream) + 1):
        events, _ = decode([stream[:cut], stream[cut:]])
        assert events == [("message", "café ☕ 🙂", "", None)], cut


def test_invalid_utf8_becomes_replacement_characters() -> None:
    assert one(b"data: a\xffb\xe2\x82c\n\n") == [("message", "a\ufffdb\ufffdc", "", None)]


def test_nul_in_data_is_kept() -> None:
    assert one(b"data: a\x00b\n\n") == [("message", "a\x00b", "", None)]


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview])
def test_feed_accepts_any_bytes_like(kind: type) -> None:
    decoder = SSEDecoder()
    chunks = [b"\xef\xbb", b"\xbfdata: caf\xc3", b"\xa9\n", b"\n"]
    events = [e for c in chunks for e in decoder.feed(kind(c))]
    assert as_tuples(events) == [("message", "café", "", None)]


def test_the_decoder_keeps_no_reference_to_a_reused_buffer() -> None:
    decoder = SSEDecoder()
    buf = bytearray(b"data: \xe2\x82")  # ends inside a UTF-8 sequence
    decoder.feed(memoryview(buf))
    buf[:] = b"XXXXXXXX"
    assert as_tuples(decoder.feed(b"\xac\n\n")) == [("message", "€", "", None)]


def test_empty_chunks_are_harmless() -> None:
    events, _ = decode([b"", b"data: x", b"", b"\n", b"", b"\n", b""])
    assert events == [("message", "x", "", None)]


def test_events_is_a_cheap_immutable_record() -> None:
    event = one(b"event: e\ndata: d\nid: i\nretry: 5\n\n")[0]
    assert event == ("e", "d", "i", 5)
    (sse,) = SSEDecoder().feed(b"data: x\n\n")
    assert isinstance(sse, ServerSentEvent)
    assert (sse.event, sse.data, sse.id, sse.retry) == ("message", "x", "", None)
    with pytest.raises(AttributeError):
        sse.data = "y"  # type: ignore[misc]


# --- end of stream ------------------------------------------------------------------------


def test_an_unterminated_event_is_discarded_at_end_and_reported_truncated() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\n\ndata: b\n") != []
    assert decoder.pending
    assert decoder.end() == []
    assert decoder.truncated


def test_an_unterminated_line_is_discarded_at_end() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\ndata: b")
    assert decoder.pending
    assert decoder.end() == []
    assert decoder.truncated


def test_a_stream_cut_inside_a_utf8_character_is_pending() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n\xe2")
    assert decoder.pending


def test_a_stream_ending_on_a_blank_line_is_not_truncated() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"data: a\n\n: trailing comment\n")
    assert not decoder.pending
    decoder.end()
    assert not decoder.truncated


def test_end_resets_for_a_new_stream_but_keeps_last_event_id_and_retry() -> None:
    decoder = SSEDecoder()
    decoder.feed(b"id: 4\nretry: 30\ndata: a\n\ndata: partial")
    decoder.end()
    # A new stream: BOM allowed again, no leftover partial line.
    events = decoder.feed(b"\xef\xbb\xbfdata: b\n\n")
    assert as_tuples(events) == [("message", "b", "4", None)]
    assert (decoder.last_event_id, decoder.retry) == ("4", 30)


# --- limits -------------------------------------------------------------------------------


def test_default_limit_is_16_mib() -> None:
    assert DEFAULT_MAX_EVENT_SIZE == 16 * 1024 * 1024


def test_a_line_of_exactly_the_limit_is_accepted() -> None:
    events, _ = decode([b"data: " + b"x" * 94 + b"\n\n"], max_event_size=100)
    assert events == [("message", "x" * 94, "", None)]


def test_a_line_over_the_limit_raises() -> None:
    with pytest.raises(LimitExceededError, match="max_event_size=100"):
        decode([b"data: " + b"x" * 95 + b"\n\n"], max_event_size=100)


def test_a_line_growing_over_many_small_chunks_without_newline_raises() -> None:
    decoder = SSEDecoder(max_event_size=1000)
    decoder.feed(b"data: ")
    with pytest.raises(LimitExceededError, match="line is longer"):
        for _ in range(10_000):
            decoder.feed(b"xyz")
    assert decoder._tail_len <= 1003  # it stopped as soon as the bound was passed


def test_a_long_line_split_into_many_chunks_under_the_limit_is_fine() -> None:
    chunks = [b"data: ", *[b"ab"] * 5000, b"\n\n"]
    events, _ = decode(chunks, max_event_size=10_006)
    assert events == [("message", "ab" * 5000, "", None)]


def test_an_event_with_many_short_data_lines_over_the_limit_raises() -> None:
    decoder = SSEDecoder(max_event_size=1000)
    with pytest.raises(LimitExceededError, match="event's data"):
        for _ in range(1000):
            decoder.feed(b"data: 0123456789\n")


def test_event_data_of_exactly_the_limit_is_accepted() -> None:
    # 10 lines of 9 chars joined by 9 LFs: 99 characters.
    events, _ = decode([b"data: 123456789\n" * 10 + b"\n"], max_event_size=99)
    assert events[0][1] == "\n".join(["123456789"] * 10)
    with pytest.raises(LimitExceededError):
        decode([b"data: 123456789\n" * 10 + b"\n"], max_event_size=98)


def test_a_chunk_larger_than_the_limit_with_small_events_is_fine() -> None:
    stream = b"event: e\ndata: x\n\n" * 1000
    events, _ = decode([stream], max_event_size=50)
    assert len(events) == 1000


def test_after_the_limit_the_decoder_refuses_input_until_end() -> None:
    decoder = SSEDecoder(max_event_size=10)
    with pytest.raises(LimitExceededError):
        decoder.feed(b"data: " + b"x" * 20)
    with pytest.raises(LimitExceededError):
        decoder.feed(b"\n\n")
    decoder.end()
    assert as_tuples(decoder.feed(b"data: ok\n\n")) == [("message", "ok", "", None)]


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        SSEDecoder(max_event_size=0)


# --- realistic streams --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(streams.STREAMS))
@pytest.mark.parametrize("size", [1, 7, 64, 1000, 16384, 1 << 30])
def test_realistic_streams_match_the_reference_at_any_chunk_size(name: str, size: int) -> None:
    stream = streams.STREAMS[name](40)
    expected = Reference(stream).events
    events, decoder = decode(streams.chunked(stream, size))
    assert events == expected
    assert len(events) == streams.event_count(stream)
    assert not decoder.truncated


def test_realistic_stream_events_look_like_the_api() -> None:
    events = one(streams.text_run_stream(3))
    assert events[0][0] == "thread.run.created"
    assert [e[0] for e in events].count("thread.message.delta") == 3
    assert events[-1][:2] == ("done", "[DONE]")


# --- random input: reference equivalence and chunking invariance -------------------------

FRAGMENTS = [
    s.encode()
    for s in [
        "data", "data:", "data: ", "event", "event:", "event: ", "id", "id: ", "id:",
        "retry", "retry: ", "retry:", ":", " ", "x", "message", "é", "☕", "🙂", "1", "23",
        "\0", "\r", "\n", "\r\n", "\n\n", "\ufeff", "event: e\ndata: d\n\n",
        "event: thread.message.delta\ndata: {\"v\":1}\n\n", "data: d\n\n",
    ]
] + [b"\xef\xbb\xbf", b"\xff", b"\xe2\x82", b"\xc3", b"\x80", b"\xf0\x9f"]  # fmt: skip

# Line-shaped input: mostly well-formed field lines, so that runs of ordinary events (the
# decoder's fast path) are frequent, mixed with every oddity the spec allows.
field_line = st.builds(
    lambda name, sep, value, eol: (name + sep + value).encode() + eol,
    st.sampled_from(["data", "data", "event", "id", "retry", "", ":", "x"]),
    st.sampled_from([": ", ": ", ":", "", ":  "]),
    st.text(alphabet="ab:1 é☕🙂\0\ufeff", max_size=4),
    st.sampled_from([b"\n", b"\n", b"\n\n", b"\r", b"\r\n", b"\n\n\n", b""]),
)
ordinary_event = st.builds(
    lambda name, data: f"event: {name}\ndata: {data}\n\n".encode(),
    st.sampled_from(["", "a", "thread.message.delta"]),
    st.text(alphabet="ab: é🙂\0", max_size=3),
)
sse_bytes = st.one_of(
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=4)), max_size=60),
    st.lists(st.one_of(field_line, field_line, st.sampled_from(FRAGMENTS)), max_size=40),
    st.lists(st.one_of(*[ordinary_event] * 4, field_line), max_size=20),
).map(b"".join)
cuts = st.lists(st.integers(min_value=0, max_value=10_000), max_size=20)


def check_against_reference(stream: bytes, chunks: list[bytes]) -> None:
    ref = Reference(stream)
    events, decoder = decode(chunks)
    assert events == ref.events
    assert decoder.last_event_id == ref.last_event_id
    assert decoder.retry == ref.retry
    assert decoder.truncated == ref.pending


@settings(max_examples=1000)
@given(sse_bytes)
@example(b"\xef\xbb\xbf")
@example(b"\xef\xbb")
@example(b"event: a\ndata: b\n\n\n\ndata: c\n\n")
@example(b"\n\nevent: \ndata: b\n\nevent: a\ndata: b\ndata: c\n\n")
def test_matches_the_reference_when_fed_at_once(stream: bytes) -> None:
    check_against_reference(stream, [stream])


@settings(max_examples=1000)
@given(sse_bytes, cuts)
@example(b"data: a\r\n\r\n", [8])
@example(b"data: a\r\n\r\n", [7, 9])
@example("data: €\n\n".encode(), [7, 8])
def test_matches_the_reference_at_random_split_points(stream: bytes, points: list[int]) -> None:
    check_against_reference(stream, split_at(stream, points))


@given(sse_bytes)
def test_one_byte_chunks_give_the_same_events(stream: bytes) -> None:
    at_once, _ = decode([stream])
    byte_by_byte, _ = decode([stream[i : i + 1] for i in range(len(stream))])
    assert byte_by_byte == at_once


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=1, max_value=60), cuts)
def test_realistic_streams_split_at_random_points(n: int, points: list[int]) -> None:
    stream = streams.text_run_stream(n, crlf=n % 2 == 0)
    assert decode(split_at(stream, points))[0] == decode([stream])[0]


@given(st.binary(max_size=300), cuts)
def test_arbitrary_bytes_never_raise(stream: bytes, points: list[int]) -> None:
    decode(split_at(stream, points))


@given(sse_bytes, cuts, st.integers(min_value=1, max_value=30))
def test_the_limit_raises_exactly_when_the_reference_says_so(
    stream: bytes, points: list[int], limit: int
) -> None:
    stream += b"\n"  # no unterminated line, so the two agree on what a line's size is
    try:
        expected: list[Ev] | None = Reference(stream, max_size=limit).events
    except LimitExceededError:
        expected = None
    try:
        events: list[Ev] | None = decode(split_at(stream, points), max_event_size=limit)[0]
    except LimitExceededError:
        events = None
    assert events == expected


# --- the long-line path: lines pending across chunks past _LONG_LINE characters ---------
# Real long lines (a message.completed with a run's whole text) are megabytes; lowering
# the threshold to 1 sends every multi-chunk line of the random streams down that path.


def long_lines_everywhere() -> Any:
    return mock.patch("runs_core._sse._LONG_LINE", 1)  # private threshold


@settings(max_examples=500)
@given(stream=sse_bytes, points=cuts)
def test_long_line_path_matches_the_reference(stream: bytes, points: list[int]) -> None:
    with long_lines_everywhere():
        check_against_reference(stream, split_at(stream, points))


@given(stream=sse_bytes)
def test_long_line_path_byte_by_byte(stream: bytes) -> None:
    with long_lines_everywhere():
        check_against_reference(stream, [stream[i : i + 1] for i in range(len(stream))])


@given(stream=sse_bytes, points=cuts, limit=st.integers(min_value=1, max_value=30))
def test_long_line_path_enforces_the_limit_like_the_reference(
    stream: bytes, points: list[int], limit: int
) -> None:
    stream += b"\n"
    try:
        expected: list[Ev] | None = Reference(stream, max_size=limit).events
    except LimitExceededError:
        expected = None
    try:
        with long_lines_everywhere():
            events: list[Ev] | None = decode(split_at(stream, points), max_event_size=limit)[0]
    except LimitExceededError:
        events = None
    assert events == expected


def test_a_multi_megabyte_data_line_decodes_with_two_copies_at_most() -> None:
    value = "x" * 3_000_000
    body = f"event: big\ndata: {value}\n\n".encode()
    decoder = SSEDecoder()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        events: list[Ev] = []
        for start in range(0, len(body), 65536):
            events += decoder.feed(body[start : start + 65536])
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert [(e.event, len(e.data)) for e in events] == [("big", 3_000_000)]
    assert peak < 2.5 * len(value), peak  # pieces + the joined value, not three copies
