"""Bytes of an Assistants stream in, typed events out: :class:`AssistantStreamDecoder`.

It layers the contract's meaning on the plain SSE decoder:

* each event's JSON is validated straight from its data into the class its name
  announces (:func:`parse_event`); a name the contract does not know yet becomes an
  ``UnknownEvent``, never an error and never dropped;
* ``done`` is returned as a ``DoneEvent`` and ends the stream: :attr:`done` turns true and
  later bytes are ignored, up to ``max_trailing_bytes`` (a client reads them so the
  connection can be reused; a server that keeps talking raises ``LimitExceededError``);
* an ``error`` event raises :class:`StreamErrorEvent` carrying the payload. Events that
  preceded it in the same chunk are returned first and the error is raised by the next
  call, so nothing before the error is lost;
* :meth:`end` raises :class:`StreamIncompleteError` when the bytes stopped before
  ``done``: a cut connection is never mistaken for a finished run.

A client gives the decoder the request and the response's ``x-request-id``, and every
error it raises carries them.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from operator import call
from typing import Any

from pydantic import ValidationError

from ._errors import (
    APIError,
    LimitExceededError,
    StreamErrorEvent,
    StreamEventDecodeError,
    StreamIncompleteError,
)
from ._events import (
    AssistantStreamEvent,
    DoneEvent,
    UnknownEvent,
    _new_event,
    _parser,
    parse_event,
)
from ._request import Request
from ._sse import DEFAULT_MAX_EVENT_SIZE, SSEDecoder
from ._status import DEFAULT_MAX_TRAILING_BYTES

__all__ = ["DEFAULT_MAX_TRAILING_BYTES", "FEED_SLICE", "AssistantStreamDecoder"]

FEED_SLICE = 4096
_FEW = 8
"""Fewer records than this (three events) are decoded by a loop: for them the set-up of
``feed``'s map() path costs more than it saves (measured at 256-byte to 1 KiB chunks)."""
_NOTHING: Iterator[Any] = iter(())  # an exhausted iterator, shared: it stays exhausted

# The JSON events a stream yields as they are, by name, filled as each name first comes:
# all but "error", which the decoder raises instead (parse_event's table has it too, for
# ErrorEvent). Three tables, so that ``feed`` can look each up with map().
_CLASSES: dict[str, type[AssistantStreamEvent]] = {}
_SETTERS: dict[str, Callable[[Any, Any], None]] = {}
_VALIDATORS: dict[str, Callable[[str | bytes], Any]] = {}


class AssistantStreamDecoder:
    """Incremental decoder of one Assistants event stream (``feed`` / ``end``)."""

    __slots__ = (
        "_error",
        "_sse",
        "_trailing",
        "done",
        "events_seen",
        "max_trailing_bytes",
        "request",
        "request_id",
    )

    def __init__(
        self,
        *,
        max_event_size: int = DEFAULT_MAX_EVENT_SIZE,
        max_trailing_bytes: int = DEFAULT_MAX_TRAILING_BYTES,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        self._sse = SSEDecoder(max_event_size=max_event_size)
        self._sse._raw = True  # (type, data bytes) records, see feed
        self.max_trailing_bytes = max_trailing_bytes
        self.request = request
        self.request_id = request_id
        self._trailing = 0
        self._error: StreamErrorEvent | None = None
        self.done = False
        self.events_seen = 0

    def feed(self, data: bytes | bytearray | memoryview) -> list[AssistantStreamEvent]:
        """The typed events completed by ``data``, in order (a ``DoneEvent`` last, if any).

        Raises :class:`StreamErrorEvent` for an ``error`` event,
        :class:`StreamEventDecodeError` for data that does not fit its event, and
        :class:`LimitExceededError` for an oversized line or event.

        Given more than ``FEED_SLICE`` bytes, ``feed`` pauses Python's cycle collector
        while it decodes them (``gc.disable()``, then ``gc.enable()`` before it returns or
        raises; nothing is done if the collector is already off). The events hold no
        reference cycles, and a collection during the build would only rescan the events
        built so far and move them to older generations, which then bring on full
        collections: in a process with a large heap that made ``feed`` on 64 KiB chunks a
        third as fast as ``iter_feed`` (docs/benchmarks.md). The pause lasts one chunk.
        """
        if len(data) <= FEED_SLICE or not gc.isenabled():
            return self._feed(data)
        gc.disable()  # (see above)
        try:
            return self._feed(data)
        finally:
            gc.enable()

    def _feed(self, data: bytes | bytearray | memoryview) -> list[AssistantStreamEvent]:
        if self._error is not None or self.done:
            return self._feed_after(data)
        try:
            # Raw records, flat: [type, data, type, data, ...], the data as UTF-8 bytes
            # straight from the chunk (validated as JSON with no str in between), or as
            # str when it came by the SSE decoder's line-by-line path.
            records: list[Any] = self._sse.feed(data)
        except LimitExceededError as exc:
            raise self._located(exc) from exc.__cause__
        return self._typed(records) if records else []

    def _feed_after(self, data: bytes | bytearray | memoryview) -> list[AssistantStreamEvent]:
        """``feed`` once an error is pending (raise it) or after ``done`` (count bytes)."""
        if self._error is not None:
            raise self._error
        self._trailing += len(data)
        if self._trailing > self.max_trailing_bytes:
            raise LimitExceededError(
                f"more than {self.max_trailing_bytes} bytes followed the 'done' event",
                request=self.request,
                request_id=self.request_id,
            )
        return []

    def _typed(self, records: list[Any]) -> list[AssistantStreamEvent]:
        """The typed events of raw ``records`` (see ``feed``)."""
        if len(records) == 2:  # one event, as small chunks bring them
            name, data = records
            validate_json = _VALIDATORS.get(name)
            if validate_json is None:
                return self._feed_records(records)
            try:
                value = validate_json(data)
            except ValidationError:
                return self._feed_records(records)
            event = _new_event(_CLASSES[name])
            _SETTERS[name](event, value)
            self.events_seen += 1
            return [event]
        if len(records) < _FEW:
            return self._feed_records(records)
        names = records[0::2]
        try:
            # The common case, all in C: every event a JSON event already seen, and valid.
            # A KeyError (a first, unknown, "error" or "done" event) or an invalid one
            # sends the whole chunk to the loop, which starts again and handles it.
            values = list(map(call, map(_VALIDATORS.__getitem__, names), records[1::2]))
        except (KeyError, ValidationError):
            return self._feed_records(records)
        out: list[AssistantStreamEvent] = list(map(_new_event, map(_CLASSES.__getitem__, names)))
        any(map(call, map(_SETTERS.__getitem__, names), out, values))  # (None each)
        self.events_seen += len(out)
        return out

    def _feed_records(self, records: list[Any]) -> list[AssistantStreamEvent]:
        """``feed``, event by event: a few events, the first event of a name, ``done``,
        ``error``, unknown names, and data that does not fit."""
        out: list[AssistantStreamEvent] = []
        pairs = iter(records)
        try:
            for name, data in zip(pairs, pairs, strict=False):  # (type, data) pairs
                validate_json = _VALIDATORS.get(name)
                if validate_json is not None:
                    try:
                        value = validate_json(data)
                    except ValidationError:
                        # The error, from the text (its excerpt; and invalid UTF-8
                        # becomes U+FFFD there, as the SSE decoder promises, which may
                        # even make the data valid).
                        out.append(parse_event(name, _text(data)))
                        continue
                    event = _new_event(_CLASSES[name])
                    _SETTERS[name](event, value)
                    out.append(event)
                    continue
                text = _text(data)
                if name == "error":
                    self._error = _error_event(text, self.request, self.request_id)
                    if not out:
                        raise self._error
                    break
                if name == "done":
                    out.append(DoneEvent(text))
                    self.done = True
                    break
                entry = _parser(name)
                if entry is None:
                    out.append(UnknownEvent(name, text))
                    continue
                # The first event of its name: from now on, validated in bulk.
                _CLASSES[name], _VALIDATORS[name], _SETTERS[name] = entry
                out.append(parse_event(name, text))
        except (LimitExceededError, StreamEventDecodeError) as exc:
            raise self._located(exc) from exc.__cause__
        self.events_seen += len(out)
        return out

    def iter_feed(self, data: bytes | bytearray | memoryview) -> Iterator[AssistantStreamEvent]:
        """Like :meth:`feed`, but yields the events as they complete, ``FEED_SLICE`` bytes
        of ``data`` at a time.

        Same events and errors, except that an ``error`` event raises as soon as the
        events before it are yielded. The other difference is memory shape: ``feed`` on a
        64 KiB chunk returns ~400 parsed events at once (~13 objects the garbage collector
        tracks, each), and holding that many alive through collections makes them move to
        the old generation and bring on full collections, which in a large heap cost the
        most (measured, docs/benchmarks.md: typed decoding fell from ~295k to ~80k
        events/s, as fast as pydantic alone holding the same objects). ``feed`` avoids
        that by pausing the collector; slicing avoids it with no pause, so this is what
        the clients' streams use, and a reader that drops each event keeps few alive.

        A chunk of at most ``FEED_SLICE`` bytes is one slice: it is decoded when this is
        called, and the iterator returned hands over its events. (A generator's set-up
        on every call was a third of the cost of a 64-byte chunk.)
        """
        if len(data) <= FEED_SLICE:
            if self._error is None and not self.done:  # feed, inline: a call saved
                try:
                    records: list[Any] = self._sse.feed(data)
                except LimitExceededError as exc:
                    raise self._located(exc) from exc.__cause__
                if not records:
                    return _NOTHING
                events = self._typed(records)
            else:
                events = self._feed_after(data)
            if self._error is None:
                return iter(events)
            return _then_raise(events, self._error)
        return self._iter_slices(memoryview(data))

    def _iter_slices(self, view: memoryview) -> Iterator[AssistantStreamEvent]:
        for start in range(0, len(view), FEED_SLICE):
            yield from self._feed(view[start : start + FEED_SLICE])
            if self._error is not None:
                # Raised in stream order, right after the events before it: a caller
                # never reads (and never fails on) more bytes before seeing the error.
                raise self._error

    def end(self) -> list[AssistantStreamEvent]:
        """Declare the body over. Raises unless ``done`` arrived (or an error is pending)."""
        if self._error is not None:
            raise self._error
        try:
            self._sse.end()
        except LimitExceededError as exc:
            raise self._located(exc) from exc.__cause__
        if not self.done:
            where = " mid-event" if self._sse.truncated else ""
            raise StreamIncompleteError(
                f"the stream ended{where} before its 'done' event after "
                f"{self.events_seen} events; the result is incomplete",
                request=self.request,
                request_id=self.request_id,
            )
        return []

    def _located(self, exc: APIError) -> APIError:
        """``exc``, raised by the SSE framing or event parsing (which see text only), as
        this stream's error: same class and details, with the request and request id."""
        if exc.request is not None or (self.request is None and self.request_id is None):
            return exc
        located: APIError
        if isinstance(exc, StreamEventDecodeError):
            located = StreamEventDecodeError(
                exc.reason, event=exc.event, data=exc.data,
                request=self.request, request_id=self.request_id,
            )  # fmt: skip
        else:
            located = type(exc)(exc.message, request=self.request, request_id=self.request_id)
        return located.with_traceback(exc.__traceback__)


def _then_raise(
    events: list[AssistantStreamEvent], error: StreamErrorEvent
) -> Iterator[AssistantStreamEvent]:
    """``events``, then ``error`` raised: an error event right after them in one slice."""
    yield from events
    raise error


def _text(data: str | bytes) -> str:
    """An event's data as text: it is bytes when it came by the SSE decoder's bulk path."""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def _error_event(data: str, request: Request | None, request_id: str | None) -> StreamErrorEvent:
    try:
        payload: object = json.loads(data)
    except (ValueError, RecursionError):  # json raises RecursionError on deep nesting
        payload = data
    message = "the server sent an error event"
    if isinstance(payload, dict):
        inner = payload.get("error", payload)
        if isinstance(inner, dict) and inner.get("message"):
            message += f": {inner['message']}"
    return StreamErrorEvent(
        message, error=payload, data=data, request=request, request_id=request_id
    )
