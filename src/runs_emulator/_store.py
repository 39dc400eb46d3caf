"""Everything the emulator remembers: threads, runs, messages, idempotency replays.

State lives in memory. With a database (``--db``) every object that changes is also
marked dirty, and ``flush`` writes all of them in one transaction; the HTTP layer
flushes before it sends any response byte, so whatever a client has been told is
already on disk when it is told (see ``_durable``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._channel import Segment
from ._durable import Durable, Loaded
from ._errors import not_found
from ._ids import new_id
from ._model import Message, Run, now

Slot = tuple[str, str, str]  # method, path, Idempotency-Key


@dataclass
class Replay:
    """What a POST with an Idempotency-Key produced, to hand back when the key comes again."""

    status: int
    body: dict[str, Any] | None
    headers: list[tuple[str, str]]
    segment: Segment | None = None


class Store:
    def __init__(self, db: Durable | None = None) -> None:
        self.runs: dict[str, Run] = {}
        self.thread_runs: dict[str, list[Run]] = {}
        self.threads: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[Message]] = {}
        self.replays: dict[Slot, Replay] = {}
        self.seq = 0
        self.db = db
        self._runs: dict[str, Run] = {}
        self._messages: dict[str, Message] = {}
        self._threads: dict[str, tuple[int, dict[str, Any]]] = {}
        self._replays: dict[Slot, Replay] = {}
        self._segments: dict[str, tuple[Segment, int, bool]] = {}  # kept: persisted pos, closed

    # -- persistence ------------------------------------------------------------------------

    @property
    def durable(self) -> bool:
        return self.db is not None

    def touch_run(self, run: Run) -> None:
        if self.db is not None:
            self._runs[run.id] = run

    def touch_message(self, message: Message) -> None:
        if self.db is not None:
            self._messages[message.id] = message

    def keep_segment(self, segment: Segment, persisted: int = -1) -> None:
        """Write this stream's events too (a stream a repeated Idempotency-Key replays).

        ``persisted`` is how many of its chunks the database has; -1: not even its row.
        """
        if self.db is not None and segment.id not in self._segments:
            self._segments[segment.id] = (segment, persisted, False)

    def dirty(self) -> bool:
        if self.db is None:
            return False
        if self._runs or self._messages or self._threads or self._replays:
            return True
        return any(
            len(seg.chunks) > pos or seg.closed != closed
            for seg, pos, closed in self._segments.values()
        )

    def flush(self) -> None:
        """Write every change since the last flush in one transaction (no-op in memory).

        Raises ``StorageError`` if the database refuses; the changes stay marked dirty.
        """
        if self.db is None or not self.dirty():
            return
        chunks: list[tuple[str, int, bytes, int]] = []
        segments: list[tuple[str, bool]] = []
        for seg, pos, closed in self._segments.values():
            if len(seg.chunks) > pos or seg.closed != closed:
                start = max(pos, 0)
                chunks.extend(
                    (seg.id, index, data, events)
                    for index, (data, events) in enumerate(seg.chunks[start:], start=start)
                )
                segments.append((seg.id, seg.closed))
        self.db.write(
            runs=list(self._runs.values()),
            messages=list(self._messages.values()),
            threads=list(self._threads.values()),
            replays=list(self._replays.items()),
            segments=segments,
            chunks=chunks,
        )
        self._runs.clear()
        self._messages.clear()
        self._threads.clear()
        self._replays.clear()
        for seg_id, (seg, _pos, _closed) in list(self._segments.items()):
            if seg.closed:
                del self._segments[seg_id]  # nothing more can be appended to it
            else:
                self._segments[seg_id] = (seg, len(seg.chunks), False)

    def load(self, loaded: Loaded) -> None:
        """Take over what a database held at start (before anything else happens)."""
        for seq, thread in loaded.threads:
            self.threads[thread["id"]] = thread
            self.seq = max(self.seq, seq)
        for run in loaded.runs:
            self.runs[run.id] = run
            self.thread_runs.setdefault(run.thread_id, []).append(run)
            self.seq = max(self.seq, run.seq)
        for message in loaded.messages:
            self.messages.setdefault(message.thread_id, []).append(message)
            self.seq = max(self.seq, message.seq)
        segments: dict[str, Segment] = {}
        for seg_id, closed, chunks in loaded.segments:
            segment = Segment(seg_id)
            segment.chunks = chunks
            segment.closed = closed
            segment.detach_primary()  # whoever read it first is gone
            segments[seg_id] = segment
            if not closed:
                self.keep_segment(segment, persisted=len(chunks))
        for slot, status, body, headers, replay_segment in loaded.replays:
            kept = segments.get(replay_segment) if replay_segment is not None else None
            self.replays[slot] = Replay(status, body, headers, kept)

    # -- objects ----------------------------------------------------------------------------

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add_run(self, run: Run) -> None:
        self.runs[run.id] = run
        self.thread_runs.setdefault(run.thread_id, []).append(run)
        self.touch_run(run)

    def get_run(self, thread_id: str, run_id: str) -> Run:
        run = self.runs.get(run_id)
        if run is None or run.thread_id != thread_id:
            raise not_found("run", run_id)
        return run

    def add_message(self, message: Message) -> None:
        message.seq = self.next_seq()
        self.messages.setdefault(message.thread_id, []).append(message)
        self.touch_message(message)

    def new_thread(self, metadata: dict[str, str]) -> dict[str, Any]:
        thread_id = new_id("thread")
        thread: dict[str, Any] = {
            "id": thread_id,
            "object": "thread",
            "created_at": now(),
            "tool_resources": {},
            "metadata": metadata,
        }
        self.threads[thread_id] = thread
        if self.db is not None:
            self._threads[thread_id] = (self.next_seq(), thread)
        return thread

    def remember(self, slot: Slot, replay: Replay) -> None:
        self.replays[slot] = replay
        if self.db is not None:
            self._replays[slot] = replay
            if replay.segment is not None:
                self.keep_segment(replay.segment)
