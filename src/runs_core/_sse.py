"""An incremental server-sent events decoder: bytes in, :class:`ServerSentEvent` out.

The decoder follows the WHATWG HTML "event stream interpretation" rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
and does no I/O: feed it whatever the transport read, in whatever pieces, and it returns
the events those bytes completed. The events produced never depend on how the stream was
cut into chunks.

This is the hot path of every streamed run (thousands of small ``thread.message.delta``
events), so ``feed`` frames on bytes, with C-level ``bytes`` methods: the open block at
the end of a chunk is held back and joined with the next chunk, which is cut after its
last blank line; the whole blocks before the cut are checked for the ordinary
``event: NAME`` / ``data: VALUE`` shape and taken apart with ``map()``, and only the data
values are decoded. Framing before decoding is sound because a line end (LF or CR) never
occurs inside a UTF-8 sequence: decoding line by line gives exactly what decoding the
whole stream would. Anything else (comments, ids, multi-line data) goes through a
line-by-line loop over decoded text, straight from the spec. Measurements are in
``docs/benchmarks.md``.
"""

from __future__ import annotations

from codecs import utf_8_decode
from collections.abc import Iterable
from itertools import chain, repeat, starmap
from operator import itemgetter
from typing import Any, Final, NamedTuple, NoReturn

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
_VALUE = itemgetter(slice(len(b"data: "), None))
_TYPE_DATA = itemgetter(0, 1)
_NONES = repeat(None)
# starmap over (class, fields) pairs calls tuple.__new__ with the pair as its arguments:
# one tuple fewer per event than map() over two iterables (measured: ~7% of the build).
_SSES = repeat(_SSE)
_LONG_LINE = 64 * 1024
"""An unterminated line this long (in bytes) is kept decoded, in pieces, and finished by
joining them once, straight into its value (see ``SSEDecoder._finish_long_line``)."""
_HOLD = 16 * 1024
"""At most this many bytes of complete lines are held back, unprocessed, while their block
is still open (see ``SSEDecoder.feed``)."""
_BULK_LOOP = 45
"""Whole blocks of fewer lines than this (fifteen events) take a short loop in ``feed``:
for them ``map()``'s set-up costs more than it saves (measured at 1 to 4 KiB chunks:
the loop is 20% faster at six events, even at fifteen, 7% slower at twenty-five)."""


class _EventNames(dict[bytes, str]):
    """``b"event: NAME"`` line → the event type it sets; ``KeyError`` for a line that is
    not such a line.

    A stream repeats a handful of names thousands of times, so the bulk path looks the
    whole line up here (one C-level dict lookup, which is also the shape check) instead
    of testing a prefix, slicing and decoding, and gets the same string object every
    time. Only short lines are kept, and only so many, so that a server inventing names
    cannot grow it without bound.
    """

    __slots__ = ()

    def __missing__(self, line: bytes) -> str:
        if not line.startswith(b"event: "):
            raise KeyError(line)
        name = line[7:].decode("utf-8", "replace") or "message"  # empty means "message"
        if len(line) <= 128 and len(self) < 256:
            self[line] = name
        return name


_EVENT_NAMES = _EventNames()
_event_name = _EVENT_NAMES.__getitem__


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
        "_head",
        "_hold_limit",
        "_id_buffer",
        "_last_event_id",
        "_long",
        "_long_len",
        "_long_undecoded",
        "_max",
        "_open",
        "_raw",
        "_retry",
        "_retry_buffer",
        "_skip_lf",
        "_slow",
        "_tail",
        "_tail_len",
        "_truncated",
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
        # Held-back bytes never exceed the limit either (a character is at least a byte),
        # so the bulk path, which checks no sizes, only sees lines and events within it.
        # (_LONG_LINE is larger than _HOLD; it is in the min() so that lowering it, as the
        # tests do, sends every line held across chunks down the long-line path.)
        self._hold_limit = min(max_event_size, _HOLD, _LONG_LINE)
        # Set by AssistantStreamDecoder, which validates the JSON straight from bytes:
        # ``feed`` then returns a flat list of records, [type, data, type, data, ...],
        # instead of events, skipping the tuples and the decoding (the data is bytes from
        # the bulk path, str from the line-by-line one, which pydantic takes alike).
        self._raw = False
        self._last_event_id = ""
        self._retry: int | None = None
        self._truncated = False
        self._broken: str | None = None
        self._reset_stream()

    def _reset_stream(self) -> None:
        self._slow = True  # see _slow_start
        self._bom = True  # still inside the first three bytes, where a BOM may be
        self._head = b""  # the stream's first bytes while they may be a BOM
        self._skip_lf = False  # the last chunk ended in CR: a leading LF is that line end
        # The bytes not yet processed, in pieces; they start at the start of a line. The
        # first piece may hold complete lines of the open block, kept for the bulk path
        # once the block closes (see _held); the pieces after it (appended while no line
        # ended) continue the unterminated last line.
        self._tail: list[bytes] = []
        self._tail_len = 0
        # An unterminated line past _LONG_LINE bytes: decoded pieces, their length in
        # characters, and an incomplete UTF-8 sequence at their end.
        self._long: list[str] = []
        self._long_len = 0
        self._long_undecoded = b""
        # The open block's fields read so far by the line-by-line loop; ``_open`` says
        # whether there are any (one flag for the bulk path to test).
        self._open = False
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
        if self._held():
            self._read_held_retry()
        return self._retry

    @property
    def pending(self) -> bool:
        """Whether ``end`` now would discard input: an unterminated line, or fields
        (anything but comments) not yet closed by a blank line."""
        if self._head or self._long or self._open:
            return True
        if not self._tail:
            return False
        raw = b"".join(self._tail)
        cut = raw.rfind(b"\n") + 1
        if cut < len(raw):
            return True  # an unterminated line
        return not all(map(bytes.startswith, raw[: cut - 1].split(b"\n"), repeat(b":")))

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
        # This is the hot path of every stream, so it is one method: a call costs as much
        # as the rest of the work on a 256-byte chunk. The rarer steps are methods.
        if type(data) is not bytes:
            data = bytes(data)  # a copy: the caller may reuse its buffer
        if self._slow:
            data = self._slow_start(data)
            if not data:
                return []
        elif 13 in data:  # CR (see _slow_start)
            if data[-1] == 13:
                self._skip_lf = self._slow = True
            data = data.replace(b"\r\n", b"\n")
            if 13 in data:
                data = data.replace(b"\r", b"\n")
        # Framing. The held-back bytes and ``data`` are joined and cut after the last
        # blank line: before it are whole blocks, after it is held back for the next
        # chunk. So a block split across chunks is decoded once, whole, with the blocks
        # around it, instead of line by line at each edge (at 256-byte to 4 KiB chunks,
        # those edges were most of the cost).
        tail = self._tail
        if tail:
            if 10 not in data:  # no line end (LF): only the last line grows (cheaply)
                tail.append(data)
                self._tail_len += len(data)
                if self._tail_len > self._hold_limit:
                    self._overflow()
                return []
            data = tail[0] + data if len(tail) == 1 else b"".join([*tail, data])
        elif not data:
            return []
        # The last blank line ends at the last LF LF, or is the first line if ``data``
        # starts with LF and holds no LF LF. One rfind() and one split of the whole
        # blocks beats splitting everything and walking back to the blank line by 2-5%
        # per event at 64 to 256-byte chunks; at 4 KiB and up, where copying the blocks
        # out costs more than the walk saved, it loses under 1%.
        end = data.rfind(b"\n\n") + 2
        if end == 1 and data[0] != 10:  # no blank line at all: hold it all back
            self._hold(data)
            return []
        lines = data[: end - 1].split(b"\n")  # the whole blocks, ending with the blank line
        rest = data[end:]
        events: list[Any] | None = None
        if self._open or end > self._max:
            first, lines = self._open_block(lines, end)
        else:
            first = None
        # Whole blocks, none open before them. On real streams they are runs of
        # "event: NAME", "data: VALUE", "" triples; any other shape (comments, ids,
        # multi-line data) takes the line-by-line loop, _lines. One or a few blocks (small
        # chunks) are checked here; many go to _many, which does it with map().
        n = len(lines)
        try:
            if n == 3:
                data_line = lines[1]
                name = _EVENT_NAMES[lines[0]]  # KeyError if not an event line
                if not lines[2] and b"data: " <= data_line < b"data:!":
                    if self._raw:
                        events = [name, data_line[6:]]
                    else:
                        try:
                            value = data_line[6:].decode()
                        except UnicodeDecodeError:
                            value = data_line[6:].decode("utf-8", "replace")
                        events = [_new_event(_SSE, (name, value, self._last_event_id, None))]
            elif n >= _BULK_LOOP:
                events = self._many(lines)
            elif n and n % 3 == 0:
                events = []
                raw = self._raw
                last_id = self._last_event_id  # no block open: the id buffer is committed
                i = 0
                while i < n:
                    data_line = lines[i + 1]
                    name = _EVENT_NAMES[lines[i]]
                    if lines[i + 2] or not b"data: " <= data_line < b"data:!":
                        events = None  # nothing was changed yet: redo it line by line
                        break
                    i += 3
                    if raw:
                        events.append(name)
                        events.append(data_line[6:])
                        continue
                    try:
                        value = data_line[6:].decode()
                    except UnicodeDecodeError:
                        value = data_line[6:].decode("utf-8", "replace")
                    events.append(_new_event(_SSE, (name, value, last_id, None)))
        except KeyError:  # a line that is not "event: NAME" where one should be
            events = None
        if events is None:
            events = self._slow_records(lines) if lines else []
        if first:
            events = first + events
        if rest:
            self._tail = [rest]
            self._tail_len = len(rest)
            if self._tail_len > self._hold_limit:
                self._overflow()
        else:
            self._tail = []
            self._tail_len = 0
        return events

    def _many(self, lines: list[bytes]) -> list[Any] | None:
        """The records of many whole blocks in the ordinary shape (see ``feed``), or
        ``None`` if they are not all in it.

        Checking the shape and slicing the values out with map() keeps the work per
        event in C (about 3x faster than the loop in _lines, measured). The names are
        looked up whole (see ``_EventNames``), which also checks them. The data lines'
        prefix is checked with min() and max(): every line starts with b"data: " exactly
        when all lie in [b"data: ", b"data:!"), which two C-level passes tell faster than
        a startswith() call per line.
        """
        datas = lines[1::3]
        if any(lines[2::3]) or min(datas) < b"data: " or max(datas) >= b"data:!":
            return None
        # The names are looked up as the records are built, with no list in between: one
        # that is not a name line raises KeyError, for feed, before anything changed.
        if self._raw:
            records: list[Any] = lines[0::3] * 2  # the right length, then overwritten
            records[0::2] = map(_event_name, lines[0::3])
            records[1::2] = map(_VALUE, datas)
            return records
        ids = repeat(self._last_event_id)  # no block is open: the id buffer is committed
        try:
            # Strict decoding is a faster call, and gives the same text for valid UTF-8.
            values: Iterable[str] = map(bytes.decode, map(_VALUE, datas))
            names = map(_event_name, lines[0::3])
            fields = zip(names, values, ids, _NONES, strict=False)
            return list(starmap(_new_event, zip(_SSES, fields, strict=False)))
        except UnicodeDecodeError:
            values = [value.decode("utf-8", "replace") for value in map(_VALUE, datas)]
            names = map(_event_name, lines[0::3])
            fields = zip(names, values, ids, _NONES, strict=False)
            return list(starmap(_new_event, zip(_SSES, fields, strict=False)))

    def _open_block(self, lines: list[bytes], size: int) -> tuple[list[Any], list[bytes]]:
        """For ``feed``: the records of ``lines`` (whole lines, ``size`` bytes with their
        line ends, the last one blank) that cannot take the bulk path, and the lines left
        for it: a block already open is finished line by line, and all of a region over
        the limit goes line by line, which checks every size."""
        if size > self._max:
            return self._slow_records(lines), []
        cut = lines.index(b"") + 1
        return self._slow_records(lines[:cut]), lines[cut:]

    def _slow_records(self, lines: list[bytes]) -> list[Any]:
        """The records of ``lines`` by the line-by-line loop: its events, flattened to
        [type, data, ...] for a raw decoder."""
        events = self._lines(self._text(lines))
        if self._raw:
            return list(chain.from_iterable(map(_TYPE_DATA, events)))
        return events

    def _slow_start(self, data: bytes) -> bytes:
        """``feed``'s rarer first steps, behind one flag (``_slow``) so that a chunk in the
        middle of a stream tests one attribute instead of four: a broken stream, the
        stream's first bytes (a BOM?), an LF to skip after a chunk that ended in CR, a
        long line going on. Returns the bytes left to frame, every line end as LF."""
        if self._broken is not None:
            raise LimitExceededError(self._broken)
        if self._bom:
            data = self._head + data
            if len(data) < 3 and _BOM.startswith(data):
                self._head = data
                return b""
            self._bom = False
            self._head = b""
            if data.startswith(_BOM):
                data = data[3:]
        if data and self._skip_lf:
            self._skip_lf = False
            if data[0] == 10:  # LF
                data = data[1:]
        # (Membership tests use the byte's value: ``13 in data`` is a memchr, while
        # ``b"\r" in data`` first tries the operand as an int and raises, 7x slower.)
        if 13 in data:  # CR
            # A CR ends a line by itself; CRLF is one line end. A trailing CR is a line end
            # now, and the LF that may open the next chunk is then skipped.
            self._skip_lf = data[-1] == 13
            data = data.replace(b"\r\n", b"\n")
            if 13 in data:  # lone CRs are rare: skip the second scan for CRLF streams
                data = data.replace(b"\r", b"\n")
        if self._long and data:
            data = self._feed_long(data)
        self._slow = self._skip_lf or bool(self._long)
        return data

    def _held(self) -> bool:
        """Whether the held-back bytes include complete lines (only the first piece can:
        the pieces after it were appended because they had no line end)."""
        return bool(self._tail) and 10 in self._tail[0]

    def _read_held_retry(self) -> None:
        """Apply the ``retry`` fields among the held lines, which are complete, so read.

        Held lines are otherwise processed when their block closes; doing this only when
        asked (and at ``end``) keeps a scan for ``retry`` off the path of every chunk.
        """
        raw = self._tail[0]
        for line in raw[: raw.rfind(b"\n")].decode("utf-8", "replace").split("\n"):
            name, colon, value = line.partition(":")
            if name == "retry":
                if colon and value[:1] == " ":
                    value = value[1:]
                if value.isascii() and value.isdigit() and len(value) < 4300:
                    self._retry = int(value)

    def _hold(self, rest: bytes) -> None:
        """Keep ``rest`` (bytes with no blank line, starting a line) for the next chunk;
        its complete lines are processed now instead if it is longer than ``_hold_limit``,
        so that held bytes stay few and within the limit."""
        self._tail = [rest]
        self._tail_len = len(rest)
        if self._tail_len > self._hold_limit:
            self._overflow()

    def _overflow(self) -> None:
        """The held-back bytes grew past ``_hold_limit``: process their complete lines;
        a long unterminated line is then kept decoded, and checked against the limit."""
        if self._held():
            self._compact()
        if self._tail_len >= _LONG_LINE or self._tail_len > self._max:
            self._to_long()

    def _compact(self) -> None:
        """Process the held complete lines (they open a block but close none), keeping
        only the unterminated line."""
        raw = b"".join(self._tail)
        cut = raw.rfind(b"\n") + 1
        rest = raw[cut:]
        self._tail = [rest] if rest else []
        self._tail_len = len(rest)
        self._lines(self._text(raw[: cut - 1].split(b"\n")))  # no blank line: no event

    def _to_long(self) -> None:
        """Keep the unterminated line (the whole tail) decoded, in pieces, from now on:
        its length is then known in characters, and finishing it costs one join."""
        raw = b"".join(self._tail)
        text, used = utf_8_decode(raw, "replace", False)
        self._long = [text]
        self._slow = True
        self._long_len = len(text)
        self._long_undecoded = raw[used:]
        if self._long_len > self._max:
            self._fail(f"a line is longer than max_event_size={self._max} characters")
        self._tail = []
        self._tail_len = 0

    def _feed_long(self, data: bytes) -> bytes:
        """Continue the long unterminated line with ``data``; return what follows its
        end (nothing while it goes on). Finishing a line dispatches no event."""
        cut = data.find(b"\n")
        piece = data if cut < 0 else data[:cut]
        if self._long_undecoded:
            piece = self._long_undecoded + piece
        text, used = utf_8_decode(piece, "replace", cut >= 0)
        if cut < 0:
            self._long_undecoded = piece[used:]
            self._long.append(text)
            self._long_len += len(text)
            if self._long_len > self._max:
                self._fail(f"a line is longer than max_event_size={self._max} characters")
            return b""
        self._long_undecoded = b""
        self._finish_long_line(text)
        return data[cut + 1 :]

    def _finish_long_line(self, last: str) -> None:
        """Complete the long pending line with ``last`` and handle it.

        A big event (a ``thread.message.completed`` carries the whole text of the run)
        arrives as many chunks of one line. Joining those pieces with the rest of the
        chunk and then splitting would hold three copies of it at once; here a ``data``
        line's prefix is cut from the first piece and the pieces are joined straight into
        the value, so at most two copies (pieces and value) ever exist.
        """
        pieces = self._long
        if self._long_len + len(last) > self._max:
            self._fail(f"a line is longer than max_event_size={self._max} characters")
        pieces.append(last)
        self._long = []
        self._long_len = 0
        while len(pieces) > 1 and len(pieces[0]) < 6:
            pieces[0:2] = [pieces[0] + pieces[1]]
        first = pieces[0]
        if first.startswith("data:"):
            pieces[0] = first[6:] if first.startswith("data: ") else first[5:]
            value = "".join(pieces)
            pieces.clear()
            self._fields_pending = self._open = True
            self._data.append(value)
            self._data_len += len(value) + 1
            if self._data_len > self._max + 1:
                self._data_too_long()
            return
        line = "".join(pieces)
        pieces.clear()
        self._lines([line])  # not a blank line: no event

    def _text(self, lines: list[bytes]) -> list[str]:
        """``lines`` (at least one) decoded, for the line-by-line loop; raises if one is
        longer than the limit, in characters."""
        raw = b"\n".join(lines)
        text = raw.decode("utf-8", "replace").split("\n")
        if len(raw) > self._max and max(map(len, text)) > self._max:
            self._fail(f"a line is longer than max_event_size={self._max} characters")
        return text

    def _lines(self, lines: list[str]) -> list[Any]:
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
                        _new_event(
                            _SSE, (event or "message", "\n".join(data), id_buffer, retry_buffer)
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
        self._open = bool(data) or event is not None or fields_pending
        return events

    def end(self) -> list[ServerSentEvent]:
        """Signal the end of the stream; return the events that completes (always none).

        Per the spec an event not closed by a blank line is discarded at end of stream,
        so this never dispatches; :attr:`truncated` then says whether anything was
        discarded. The decoder is reset for a new stream (a reconnection), keeping
        :attr:`last_event_id` and :attr:`retry`. Never raises.
        """
        self._truncated = self.pending
        if self._held():
            self._read_held_retry()
        self._broken = None
        self._reset_stream()
        return []

    def _data_too_long(self) -> NoReturn:
        self._fail(f"an event's data is longer than max_event_size={self._max} characters")

    def _fail(self, message: str) -> NoReturn:
        self._broken = message + "; the stream was abandoned to bound memory use"
        self._slow = True
        self._tail = []
        self._long = []
        self._data = []
        self._open = self._event is not None or self._fields_pending
        raise LimitExceededError(self._broken)
