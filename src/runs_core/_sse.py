"""An incremental server-sent events decoder: bytes in, :class:`ServerSentEvent` out.

The decoder follows the WHATWG HTML "event stream interpretation" rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
and does no I/O: feed it whatever the transport read, in whatever pieces, and it returns
the events those bytes completed. The events produced never depend on how the stream was
cut into chunks.

This is the hot path of every streamed run (thousands of small ``thread.message.delta``
events), so ``feed`` works on whole chunks with C-level ``str`` methods (one incremental
UTF-8 decode, one ``split`` per chunk) and keeps the per-line Python work to a couple of
prefix tests for the common ``event: ...`` / ``data: ...`` lines. See ``docs/sse.md`` for
measurements.
"""

from __future__ import annotations

from codecs import utf_8_decode
from itertools import repeat
from operator import itemgetter
from typing import Final, NamedTuple, NoReturn

from ._errors import LimitExceededError

__all__ = ["DEFAULT_MAX_EVENT_SIZE", "SSEDecoder", "ServerSentEvent"]

DEFAULT_MAX_EVENT_SIZE: Final = 16 * 1024 * 1024
"""Default bound, in characters, on one line and on the data of one event (16 MiB)."""

_BOM: Final = b"\xef\xbb\xbf"


class ServerSentEvent(NamedTuple):
    """One dispatched event.

    ``event`` is the event type (``"message"`` when the stream named none); ``data`` is the
    event's ``data`` lines joined with ``"\\n"``; ``id`` is the stream's last event id at
    dispatch (``""`` until the stream sets one; it carries over to later events, as in a
    browser's ``MessageEvent.lastEventId``); ``retry`` is the reconnection time in
    milliseconds if this event's block carried a valid ``retry`` field, else ``None``.

    A ``NamedTuple`` rather than an attrs class: immutable, compared by value, and built
    about four times faster than a frozen attrs instance, which is a third of the decoder's
    cost per event on real streams. Being a tuple, it also unpacks and compares equal to
    ``(event, data, id, retry)``.
    """

    event: str
    data: str
    id: str = ""
    retry: int | None = None


# Building the tuple directly skips NamedTuple's Python-level __new__: a third of the
# per-event cost of the decoder on real streams (measured, see docs/sse.md).
_new_event = tuple.__new__
_SSE = ServerSentEvent
_NAME = itemgetter(slice(len("event: "), None))
_DATA = itemgetter(slice(len("data: "), None))
_NONES = repeat(None)
# Below this many lines in a chunk the set-up of the bulk path costs more than it saves
# (measured with benchmarks/bench_decoders.py at 256-byte chunks).
_BULK_MIN_LINES = 12
_LONG_LINE = 64 * 1024
"""A pending line this long is finished by joining its pieces once, without another copy
(see ``SSEDecoder._finish_long_line``)."""


class SSEDecoder:
    """Turns the bytes of one ``text/event-stream`` body into events, chunk by chunk.

    Guarantees callers can rely on:

    * ``feed`` accepts any bytes-like chunk (``bytes``, ``bytearray``, ``memoryview``) of
      any size, including empty; the decoder keeps no reference to it, so a reused
      ``bytearray`` buffer is safe.
    * The events are the same whatever the chunking: a CRLF split across two chunks is one
      line end, a UTF-8 character split across chunks decodes whole, and invalid UTF-8
      becomes U+FFFD. A UTF-8 byte order mark at the very start of the stream is dropped.
    * Any byte sequence is a valid event stream; the only error is
      :class:`~runs_core.LimitExceededError`, when one line or the data of one event
      grows past ``max_event_size`` characters. The decoder refuses further input after
      that, since its state is no longer meaningful.
    * ``end`` follows the spec: an event not closed by a blank line when the stream ends is
      discarded, never dispatched. ``pending`` (before ``end``) and ``truncated`` (after)
      tell whether anything was discarded, so a caller can report a cut-off stream.
    """

    __slots__ = (
        "_bom",
        "_broken",
        "_data",
        "_data_len",
        "_event",
        "_fields_pending",
        "_id_buffer",
        "_last_event_id",
        "_max",
        "_retry",
        "_retry_buffer",
        "_skip_lf",
        "_tail",
        "_tail_len",
        "_truncated",
        "_undecoded",
    )

    def __init__(self, *, max_event_size: int = DEFAULT_MAX_EVENT_SIZE) -> None:
        """Create a decoder for one stream.

        ``max_event_size`` bounds, in decoded characters (bytes, for ASCII), both a single
        line and the joined data of a single event; memory use stays proportional to it
        whatever the server sends. Raises ``ValueError`` if it is not positive.
        """
        if max_event_size < 1:
            raise ValueError(f"max_event_size must be positive, got {max_event_size}")
        self._max = max_event_size
        self._last_event_id = ""
        self._retry: int | None = None
        self._truncated = False
        self._broken: str | None = None
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._bom = True  # still inside the first three bytes, where a BOM may be
        self._undecoded = b""  # an incomplete UTF-8 sequence (at most 3 bytes)
        self._skip_lf = False  # the last chunk ended in CR: a leading LF is that line end
        self._tail: list[str] = []  # pieces of the line not yet terminated
        self._tail_len = 0
        self._data: list[str] = []
        self._data_len = 0
        self._event: str | None = None
        self._id_buffer = self._last_event_id
        self._retry_buffer: int | None = None
        self._fields_pending = False

    @property
    def last_event_id(self) -> str:
        """The id of the last dispatched block (``""`` until the stream sets one).

        An ``id`` field only counts once its block is closed by a blank line, so this is
        the value to send as ``Last-Event-ID`` when resuming. It survives ``end``.
        """
        return self._last_event_id

    @property
    def retry(self) -> int | None:
        """The reconnection time in milliseconds the stream last asked for, or ``None``.

        Unlike :attr:`ServerSentEvent.retry` this takes effect as soon as the line is
        read, as the spec says, even in a block that dispatches no event.
        """
        return self._retry

    @property
    def pending(self) -> bool:
        """Whether ``end`` now would discard input: an unterminated line, or fields
        (anything but comments) not yet closed by a blank line."""
        return bool(
            self._undecoded
            or self._tail
            or self._data
            or self._event is not None
            or self._fields_pending
        )

    @property
    def truncated(self) -> bool:
        """Whether the last ``end`` discarded input, i.e. the stream was cut mid-event."""
        return self._truncated

    def feed(self, data: bytes | bytearray | memoryview) -> list[ServerSentEvent]:
        """Consume the next chunk of the stream; return the events it completed, in order.

        Raises :class:`~runs_core.LimitExceededError` if a line or an event's data exceeds
        ``max_event_size`` (the events completed earlier in that same chunk are lost with
        it), and again on any later call.
        """
        if self._broken is not None:
            raise LimitExceededError(self._broken)
        if self._undecoded or self._bom:
            raw = self._undecoded + data
            if self._bom:
                if len(raw) < 3 and _BOM.startswith(raw):
                    self._undecoded = raw
                    return []
                self._bom = False
                if raw.startswith(_BOM):
                    raw = raw[3:]
            text, used = utf_8_decode(raw, "replace", False)
            self._undecoded = raw[used:]
        else:
            text, used = utf_8_decode(data, "replace", False)
            if used != len(data):
                self._undecoded = bytes(data[used:])
        if not text:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        if "\r" in text:
            # A CR ends a line by itself; CRLF is one line end. A trailing CR is a line end
            # now, and the LF that may open the next chunk is then skipped.
            self._skip_lf = text[-1] == "\r"
            text = text.replace("\r\n", "\n")
            if "\r" in text:  # lone CRs are rare: skip the second scan for CRLF streams
                text = text.replace("\r", "\n")
        return self._feed_text(text)

    def _feed_text(self, text: str) -> list[ServerSentEvent]:
        """The events completed by ``text``: decoded, with every line end as LF."""
        if "\n" not in text:
            self._tail.append(text)
            self._tail_len += len(text)
            if self._tail_len > self._max:
                self._fail(f"a line is longer than max_event_size={self._max} characters")
            return []
        if self._tail:
            if self._tail_len >= _LONG_LINE:
                cut = text.index("\n")
                events = self._finish_long_line(text[:cut])
                rest = text[cut + 1 :]
                return events + self._feed_text(rest) if rest else events
            self._tail.append(text)
            text = "".join(self._tail)
        return self._split_lines(text)

    def _finish_long_line(self, last: str) -> list[ServerSentEvent]:
        """Complete the long pending line with ``last`` and handle it.

        A big event (a ``thread.message.completed`` carries the whole text of the run)
        arrives as many chunks of one line. Joining those pieces with the rest of the
        chunk and then splitting would hold three copies of it at once; here a ``data``
        line's prefix is cut from the first piece and the pieces are joined straight into
        the value, so at most two copies (pieces and value) ever exist.
        """
        pieces = self._tail
        if self._tail_len + len(last) > self._max:
            self._fail(f"a line is longer than max_event_size={self._max} characters")
        pieces.append(last)
        self._tail = []
        self._tail_len = 0
        while len(pieces) > 1 and len(pieces[0]) < 6:
            pieces[0:2] = [pieces[0] + pieces[1]]
        first = pieces[0]
        if first.startswith("data:"):
            pieces[0] = first[6:] if first.startswith("data: ") else first[5:]
            value = "".join(pieces)
            pieces.clear()
            self._fields_pending = True
            self._data.append(value)
            self._data_len += len(value) + 1
            if self._data_len > self._max + 1:
                self._data_too_long()
            return []
        line = "".join(pieces)
        pieces.clear()
        return self._lines([line])

    def _split_lines(self, text: str) -> list[ServerSentEvent]:
        lines = text.split("\n")
        partial = lines.pop()
        self._tail = [partial] if partial else []
        self._tail_len = len(partial)
        max_size = self._max
        if len(text) > max_size:
            # Only a text longer than the limit can hold an over-long line or event, so
            # such a (rare) text takes the line-by-line path, which checks every size.
            if len(partial) > max_size or max(map(len, lines)) > max_size:
                self._fail(f"a line is longer than max_event_size={max_size} characters")
            return self._lines(lines)
        if len(lines) < _BULK_MIN_LINES:
            return self._lines(lines)
        # Whole events lie between the first blank line (or the start, if no event is in
        # progress) and the last one; they go to the bulk path, the edges line by line.
        if "" not in lines:
            return self._lines(lines)
        stop = len(lines) - lines[::-1].index("")
        start = 0
        if self._data or self._event is not None or self._fields_pending:
            start = lines.index("") + 1
        events = self._lines(lines[:start]) if start else []
        if start < stop:
            events += self._bulk(lines[start:stop])
        if stop < len(lines):
            events += self._lines(lines[stop:])
        return events

    def _bulk(self, lines: list[str]) -> list[ServerSentEvent]:
        """Events of ``lines``, which hold whole blocks and start with no event in progress.

        Real streams are runs of "event: NAME", "data: JSON", "" triples. Checking that
        shape and slicing the values out with map() keeps the work per event in C (about
        3x faster than the loop in _lines, measured); any other shape takes that loop.
        """
        names = lines[0::3]
        datas = lines[1::3]
        if (
            len(lines) % 3
            or any(lines[2::3])
            or not all(map(str.startswith, names, repeat("event: ")))
            or not all(map(str.startswith, datas, repeat("data: ")))
            or "event: " in names  # an empty event name means "message": not for this path
        ):
            return self._lines(lines)
        # The state is clean, so the id buffer is the committed last event id.
        ids = repeat(self._last_event_id)
        return list(
            map(
                _new_event,
                repeat(_SSE),
                zip(map(_NAME, names), map(_DATA, datas), ids, _NONES, strict=False),
            )
        )

    def _lines(self, lines: list[str]) -> list[ServerSentEvent]:
        # The block state lives in locals for the loop and is written back at the end.
        events: list[ServerSentEvent] = []
        data = self._data
        data_len = self._data_len
        event = self._event
        id_buffer = self._id_buffer
        retry_buffer = self._retry_buffer
        fields_pending = self._fields_pending
        # data_len counts a "\n" after each data line, one more than the joined data.
        data_max = self._max + 1
        for line in lines:
            # Fast path: the "data: " and "event: " lines and blank lines of real streams.
            if line.startswith("data: "):
                data.append(line[6:])
                data_len += len(line) - 5
                if data_len > data_max:
                    self._data_too_long()
                continue
            if not line:
                self._last_event_id = id_buffer
                if data:
                    events.append(
                        ServerSentEvent(
                            event or "message", "\n".join(data), id_buffer, retry_buffer
                        )
                    )
                    data = []
                    data_len = 0
                event = None
                retry_buffer = None
                fields_pending = False
                continue
            if line.startswith("event: "):
                event = line[7:]
                continue
            if line[0] == ":":
                continue
            # General path, straight from the spec.
            fields_pending = True
            name, colon, value = line.partition(":")
            if colon and value[:1] == " ":
                value = value[1:]
            if name == "data":
                data.append(value)
                data_len += len(value) + 1
                if data_len > data_max:
                    self._data_too_long()
            elif name == "event":
                event = value
            elif name == "id" and "\0" not in value:
                id_buffer = value
            elif name == "retry" and value.isascii() and value.isdigit() and len(value) < 4300:
                # (Python refuses int() on 4300+ digits; no delay that long is meaningful,
                # so such a field is ignored like a malformed one.)
                retry_buffer = self._retry = int(value)
        self._data = data
        self._data_len = data_len
        self._event = event
        self._id_buffer = id_buffer
        self._retry_buffer = retry_buffer
        self._fields_pending = fields_pending
        return events

    def end(self) -> list[ServerSentEvent]:
        """Signal the end of the stream; return the events that completes (always none).

        Per the spec an event not closed by a blank line is discarded at end of stream,
        so this never dispatches; :attr:`truncated` then says whether anything was
        discarded. The decoder is reset for a new stream (a reconnection), keeping
        :attr:`last_event_id` and :attr:`retry`. Never raises.
        """
        self._truncated = self.pending
        self._broken = None
        self._reset_stream()
        return []

    def _data_too_long(self) -> NoReturn:
        self._fail(f"an event's data is longer than max_event_size={self._max} characters")

    def _fail(self, message: str) -> NoReturn:
        self._broken = message + "; the stream was abandoned to bound memory use"
        self._tail = []
        self._data = []
        raise LimitExceededError(self._broken)
