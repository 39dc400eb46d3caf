"""Everything the emulator remembers: threads, runs, messages, idempotency replays.

State lives in memory. With a database (``--db``) every object that changes is also
marked dirty, and ``flush`` writes all of them in one transaction; the HTTP layer
flushes before it sends any response byte, so whatever a client has been told is
already on disk when it is told (see ``_durable``).

Memory is bounded by the retention policy (``_retention``). Every stored object has one
owner it is freed with: a run (its steps, the messages it wrote or its create request
added, the replays of requests about it and their streams) or a thread (the thread
itself, the messages it was created with, replays of requests about it). Finished runs
wait in ``_finished`` in the order they finished, threads with no run in memory in
``_idle``, replays with no owner in ``_loose``; each is an ``OrderedDict`` (a plain
dict's first key gets slower as keys are deleted from its front), so dropping the
oldest is O(1) and every object is added and dropped once: O(1) per run, amortised.

With a database, what is dropped from memory stays on disk, and asking for it by id
(a run, its steps, an idempotency key) reads it back from there without keeping it.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ._channel import Segment
from ._durable import Durable, Loaded
from ._errors import not_found
from ._ids import new_id
from ._model import Message, Run, now
from ._retention import Retention, replay_owner
from ._stats import Stats

Slot = tuple[str, str, str]  # method, path, Idempotency-Key


@dataclass
class Replay:
    """What a POST with an Idempotency-Key produced, to hand back when the key comes again."""

    status: int
    body: dict[str, Any] | None
    headers: list[tuple[str, str]]
    segment: Segment | None = None


class Store:
    def __init__(
        self,
        db: Durable | None = None,
        *,
        retention: Retention | None = None,
        stats: Stats | None = None,
    ) -> None:
        self.runs: dict[str, Run] = {}
        self.thread_runs: dict[str, dict[str, Run]] = {}  # per thread, oldest first
        self.threads: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, dict[str, Message]] = {}  # per thread, oldest first
        self.replays: dict[Slot, Replay] = {}
        # Created assistants (``POST /assistants``), oldest first; capped like runs.
        self.assistants: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # Deleted threads' ids -> seq, oldest first: refused from then on (capped).
        self._dead: OrderedDict[str, int] = OrderedDict()
        self.seq = 0
        self.db = db
        self.retention = retention if retention is not None else Retention()
        self.stats = stats if stats is not None else Stats()
        self.on_evict: Callable[[str], None] | None = None  # told each run id dropped
        # -- retention bookkeeping (see the module docstring) -------------------------------
        self._finished: OrderedDict[str, float] = OrderedDict()  # run id -> ended (epoch s)
        self._idle: OrderedDict[str, float] = OrderedDict()  # thread id -> idle since
        self._loose: OrderedDict[Slot, float] = OrderedDict()  # replay slot -> remembered
        self._run_messages: dict[str, list[Message]] = {}
        self._run_replays: dict[str, list[Slot]] = {}
        self._thread_replays: dict[str, list[Slot]] = {}
        self._message_count = 0
        self._stream_count = 0  # replays holding a stream's events
        # -- dirty objects, written at the next flush ---------------------------------------
        self._runs: dict[str, Run] = {}
        self._messages: dict[str, Message] = {}
        self._threads: dict[str, tuple[int, dict[str, Any]]] = {}
        self._replays: dict[Slot, Replay] = {}
        self._segments: dict[str, tuple[Segment, int, bool]] = {}  # kept: persisted pos, closed
        self._assistants: dict[str, tuple[int, dict[str, Any]]] = {}
        self._deleted: list[tuple[str, str, int]] = []  # kind, id, seq: deleted at the flush
        self._gone: set[str] = set()  # ids in ``_deleted``: not to be read back meanwhile

    # -- persistence ------------------------------------------------------------------------

    @property
    def durable(self) -> bool:
        return self.db is not None

    def touch_run(self, run: Run) -> None:
        # A run of a deleted thread may still be winding down: it must not be written back.
        if self.db is not None and run.thread_id not in self._dead:
            self._runs[run.id] = run

    def touch_message(self, message: Message) -> None:
        if self.db is not None and message.thread_id not in self._dead:
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
        if self._assistants or self._deleted:
            return True
        return any(
            len(seg.chunks) > pos or seg.closed != closed
            for seg, pos, closed in self._segments.values()
        )

    def flush(self) -> None:
        """Write every change since the last flush in one transaction (no-op in memory).

        Raises ``StorageError`` if the database refuses; the changes stay marked dirty.
        Objects already dropped from memory are still written: the dirty sets hold them.
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
            assistants=list(self._assistants.values()),
            deleted=self._deleted,
        )
        self._assistants.clear()
        self._deleted = []
        self._gone.clear()
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
        """Take over what a database held at start (before anything else happens).

        ``Durable.load`` read only what the retention policy keeps (every unfinished
        run, the most recent finished ones), so this never holds more than memory would.
        """
        self.seq = max(self.seq, loaded.max_seq)
        for assistant in loaded.assistants:
            self.assistants[assistant["id"]] = assistant
        for thread_id in loaded.deleted_threads:
            self._dead[thread_id] = 0
        run_threads = {run.thread_id for run in loaded.runs}
        for run in loaded.runs:
            self._place_run(run)
        # Oldest end first, so age-based eviction meets them in order.
        for run in sorted((r for r in loaded.runs if r.terminal), key=lambda r: r.ended_at):
            self._finished[run.id] = float(run.ended_at)
        for _seq, thread in loaded.threads:
            self.threads[thread["id"]] = thread
            if thread["id"] not in run_threads:
                self._idle[thread["id"]] = float(thread.get("created_at") or now())
        for message in loaded.messages:
            self._place_message(message)
        for slot, status, body, headers, seg_id, closed, chunks in loaded.replays:
            segment: Segment | None = None
            if seg_id is not None:
                segment = Segment(seg_id)
                segment.chunks = chunks
                segment.closed = closed
                segment.detach_primary()  # whoever read it first is gone
                if not closed:
                    self.keep_segment(segment, persisted=len(chunks))
            self._place_replay(slot, Replay(status, body, headers, segment))
        self._enforce_cap()

    # -- objects ----------------------------------------------------------------------------

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add_run(self, run: Run) -> None:
        self._place_run(run)
        self.touch_run(run)
        if run.terminal:
            self.run_ended(run)
        else:
            self._enforce_cap()

    def _place_run(self, run: Run) -> None:
        self.runs[run.id] = run
        self.thread_runs.setdefault(run.thread_id, {})[run.id] = run
        self._idle.pop(run.thread_id, None)  # a thread with a run is kept with its runs

    def run_ended(self, run: Run) -> None:
        """A run reached a terminal state: from now on it may be dropped, oldest first."""
        if self.runs.get(run.id) is not run or run.id in self._finished:
            return
        self._finished[run.id] = time.time()
        self._enforce_cap()

    def get_run(self, thread_id: str, run_id: str) -> Run:
        """The run, read back from the database if it was dropped from memory (not kept:
        a modification is written at the next flush and the object let go)."""
        run = self.runs.get(run_id)
        if run is None and self.db is not None:
            run = self._runs.get(run_id) or self.db.run(run_id)
        if run is None or run.thread_id != thread_id:
            raise not_found("run", run_id)
        return run

    def messages_of(self, run_id: str) -> list[Message]:
        """The messages a run owns (it wrote them, or its create request added them)."""
        return self._run_messages.get(run_id, [])

    def add_message(self, message: Message, owner: str | None = None) -> None:
        """Store a message; ``owner`` is the run it is freed with (None: the thread)."""
        message.seq = self.next_seq()
        message.owner = owner
        self._place_message(message)
        self.touch_message(message)

    def _place_message(self, message: Message) -> None:
        if message.owner is not None and message.owner not in self.runs:
            message.owner = None  # its run is not here (dropped, or never was)
        self.messages.setdefault(message.thread_id, {})[message.id] = message
        self._message_count += 1
        if message.owner is not None:
            self._run_messages.setdefault(message.owner, []).append(message)
        else:
            self._thread_used(message.thread_id)

    def new_thread(
        self, metadata: dict[str, str], tool_resources: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        thread_id = new_id("thread")
        thread: dict[str, Any] = {
            "id": thread_id,
            "object": "thread",
            "created_at": now(),
            "tool_resources": tool_resources or {},
            "metadata": metadata,
        }
        self.threads[thread_id] = thread
        if self.db is not None:
            self._threads[thread_id] = (self.next_seq(), thread)
        self._thread_used(thread_id)
        return thread

    def _thread_used(self, thread_id: str) -> None:
        """Something was stored for a thread: with no run in memory, its idle age restarts."""
        if thread_id not in self.thread_runs:
            self._idle.pop(thread_id, None)
            self._idle[thread_id] = time.time()
            self._enforce_cap()

    # -- assistants, threads and messages by id ---------------------------------------------
    #
    # Created assistants are capped like runs (oldest created out first; with a database
    # they are read back by id). A deleted object is freed at once, with everything under
    # it; a deleted thread's id is remembered (capped likewise) so that a later run or
    # message on it is refused rather than bringing it back as an implicit thread.

    def add_assistant(self, assistant: dict[str, Any]) -> None:
        self.assistants[assistant["id"]] = assistant
        self.touch_assistant(assistant)
        cap = self.retention.max_runs
        while cap is not None and len(self.assistants) > cap:
            self.assistants.popitem(last=False)
            self.stats.assistants_evicted += 1

    def touch_assistant(self, assistant: dict[str, Any]) -> None:
        if self.db is not None:
            dirty = self._assistants.get(assistant["id"])
            seq = dirty[0] if dirty is not None else self.next_seq()
            self._assistants[assistant["id"]] = (seq, assistant)

    def get_assistant(self, assistant_id: str) -> dict[str, Any] | None:
        """A created assistant (read back from the database if memory let it go)."""
        found = self.assistants.get(assistant_id)
        if found is None and self.db is not None and assistant_id not in self._gone:
            dirty = self._assistants.get(assistant_id)
            found = dirty[1] if dirty is not None else self.db.assistant(assistant_id)
        return found

    def delete_assistant(self, assistant_id: str) -> None:
        self.assistants.pop(assistant_id, None)
        if self.db is not None:
            self._assistants.pop(assistant_id, None)
            self._deleted.append(("assistant", assistant_id, 0))
            self._gone.add(assistant_id)

    def thread_deleted(self, thread_id: str) -> bool:
        return thread_id in self._dead

    def ensure_thread(self, thread_id: str) -> None:
        """A thread about to get a run or a message: a deleted one is refused (404); one
        never seen before is fine (it is an implicit thread from then on)."""
        if thread_id in self._dead:
            raise not_found("thread", thread_id)

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        """The thread: created, read back from the database, or implicit (named by runs or
        messages held, and shown with the time of the oldest of them); None: no thread."""
        if thread_id in self._dead:
            return None
        thread = self.threads.get(thread_id)
        if thread is None and self.db is not None:
            dirty = self._threads.get(thread_id)
            thread = dirty[1] if dirty is not None else self.db.thread(thread_id)
        if thread is None:
            first = self._first_used(thread_id)
            if first is not None:
                thread = {
                    "id": thread_id,
                    "object": "thread",
                    "created_at": first,
                    "tool_resources": {},
                    "metadata": {},
                }
        return thread

    def _first_used(self, thread_id: str) -> int | None:
        stamps: list[int] = []
        runs = self.thread_runs.get(thread_id)
        if runs:
            stamps.append(next(iter(runs.values())).created_at)
        held = self.messages.get(thread_id)
        if held:
            stamps.append(next(iter(held.values())).created_at)
        if not stamps and self.db is not None:
            return self.db.thread_first_used(thread_id)
        return min(stamps) if stamps else None

    def touch_thread(self, thread: dict[str, Any]) -> None:
        """A thread changed (modified): held from now on, even if it was implicit."""
        thread_id = thread["id"]
        self.threads[thread_id] = thread
        self._thread_used(thread_id)
        if self.db is not None:
            dirty = self._threads.get(thread_id)
            seq = dirty[0] if dirty is not None else self.next_seq()
            self._threads[thread_id] = (seq, thread)

    def delete_thread(self, thread_id: str) -> None:
        """Forget a thread and everything under it at once: its runs (their steps,
        messages and replays), its own messages and replays; with a database, their rows.
        Unfinished runs must have been told to stop first (``Api.stop_runs_of``)."""
        seq = self.next_seq()
        self._dead[thread_id] = seq
        for run_id in list(self.thread_runs.pop(thread_id, {})):
            self.runs.pop(run_id, None)
            self._finished.pop(run_id, None)
            self._run_messages.pop(run_id, None)
            for slot in self._run_replays.pop(run_id, []):
                self._forget_replay(slot)
            if self.on_evict is not None:
                self.on_evict(run_id)
        self._idle.pop(thread_id, None)
        self.threads.pop(thread_id, None)
        self._message_count -= len(self.messages.pop(thread_id, {}))
        for slot in self._thread_replays.pop(thread_id, []):
            self._forget_replay(slot)
        if self.db is not None:
            self._threads.pop(thread_id, None)
            self._deleted.append(("thread", thread_id, seq))
        cap = self.retention.max_runs
        while cap is not None and len(self._dead) > cap:
            self._dead.popitem(last=False)

    def _forget_replay(self, slot: Slot) -> None:
        """Drop a replay because what it is about was deleted (not an eviction)."""
        replay = self.replays.pop(slot, None)
        if replay is not None and replay.segment is not None:
            self._stream_count -= 1

    def thread_messages(self, thread_id: str) -> list[Message]:
        """The thread's messages held in memory, oldest first."""
        return list(self.messages.get(thread_id, {}).values())

    def get_message(self, thread_id: str, message_id: str) -> Message | None:
        message = self.messages.get(thread_id, {}).get(message_id)
        if message is None and self.db is not None and message_id not in self._gone:
            message = self._messages.get(message_id) or self.db.message(message_id)
        if message is None or message.thread_id != thread_id:
            return None
        return message

    def delete_message(self, message: Message) -> None:
        thread_id = message.thread_id
        held = self.messages.get(thread_id)
        if held is not None and held.pop(message.id, None) is not None:
            self._message_count -= 1
            if not held:
                del self.messages[thread_id]
                if thread_id not in self.thread_runs and not self._thread_has_state(thread_id):
                    self._idle.pop(thread_id, None)  # nothing of it is left to drop later
        if message.owner is not None:
            owned = self._run_messages.get(message.owner)
            if owned is not None:
                owned[:] = [m for m in owned if m is not message]
        if self.db is not None:
            self._messages.pop(message.id, None)
            self._deleted.append(("message", message.id, 0))
            self._gone.add(message.id)

    # -- idempotency replays ----------------------------------------------------------------

    def replay(self, slot: Slot) -> Replay | None:
        """What an earlier request with this key produced, if it is remembered.

        In memory, a key is remembered as long as what it is about (its run or thread)
        is; with a database, for as long as the database keeps it.
        """
        seen = self.replays.get(slot)
        if seen is not None or self.db is None:
            return seen
        seen = self._replays.get(slot)
        if seen is not None:
            return seen
        row = self.db.replay(slot)
        if row is None:
            return None
        status, body, headers, seg_id = row
        segment: Segment | None = None
        if seg_id is not None:
            kept = self._segments.get(seg_id)
            if kept is not None:  # still being written to the database
                segment = kept[0]
            else:
                segment = Segment(seg_id)
                segment.closed, segment.chunks = self.db.segment(seg_id)
                segment.detach_primary()
                segment.close()  # if it was not yet: nothing writes to it any more
        return Replay(status, body, headers, segment)

    def remember(self, slot: Slot, replay: Replay) -> None:
        self._place_replay(slot, replay)
        if self.db is not None:
            self._replays[slot] = replay
            if replay.segment is not None:
                self.keep_segment(replay.segment)

    def _place_replay(self, slot: Slot, replay: Replay) -> None:
        if slot in self.replays:
            return
        self.replays[slot] = replay
        if replay.segment is not None:
            self._stream_count += 1
        run_id, thread_id = replay_owner(slot[1], replay.body, replay.segment)
        if run_id is not None and run_id in self.runs:
            self._run_replays.setdefault(run_id, []).append(slot)
        elif thread_id is not None:
            self._thread_replays.setdefault(thread_id, []).append(slot)
            self._thread_used(thread_id)
        else:
            self._loose[slot] = time.time()
            self._enforce_cap()

    def _drop_replay(self, slot: Slot) -> None:
        replay = self.replays.pop(slot, None)
        if replay is not None:
            self.stats.replays_evicted += 1
            if replay.segment is not None:
                self._stream_count -= 1

    # -- retention --------------------------------------------------------------------------

    def _enforce_cap(self) -> None:
        cap = self.retention.max_runs
        if cap is None:
            return
        # Finished runs only: a run in progress is never dropped, and does not count, so a
        # run that just finished stays until ``cap`` newer ones have finished.
        while len(self._finished) > cap:
            self._evict_run(next(iter(self._finished)))
        while len(self._idle) > cap:
            self._evict_thread(next(iter(self._idle)))
        while len(self._loose) > cap:
            self._drop_replay(self._loose.popitem(last=False)[0])

    def expire_old(self, at: float) -> None:
        """Drop what has been finished (or idle, or remembered) longer than ``retain_s``.

        Called by the housekeeping loop; each queue is in age order, so this stops at
        the first young entry: O(what is dropped).
        """
        age = self.retention.max_age_s
        if age is None:
            return
        cutoff = at - age
        while self._finished and _oldest(self._finished) <= cutoff:
            self._evict_run(next(iter(self._finished)))
        while self._idle and _oldest(self._idle) <= cutoff:
            self._evict_thread(next(iter(self._idle)))
        while self._loose and _oldest(self._loose) <= cutoff:
            self._drop_replay(self._loose.popitem(last=False)[0])
        self._enforce_cap()  # threads left without runs just now count against the cap

    def _evict_run(self, run_id: str) -> None:
        """Forget a finished run and everything it owns (it stays in a database, if any)."""
        self._finished.pop(run_id, None)
        run = self.runs.pop(run_id)
        thread_id = run.thread_id
        owned = self._run_messages.pop(run_id, [])
        self._forget_messages(thread_id, (m.id for m in owned))
        self.stats.messages_evicted += len(owned)
        for slot in self._run_replays.pop(run_id, []):
            self._drop_replay(slot)
        siblings = self.thread_runs.get(thread_id)
        if siblings is not None:
            siblings.pop(run_id, None)
            if not siblings:
                del self.thread_runs[thread_id]
                if self._thread_has_state(thread_id):  # else nothing of it is left
                    self._idle[thread_id] = time.time()
        self.stats.runs_evicted += 1
        if self.on_evict is not None:
            self.on_evict(run_id)

    def _forget_messages(self, thread_id: str, ids: Iterable[str]) -> None:
        held = self.messages.get(thread_id)
        if held is None:
            return
        for message_id in ids:
            if held.pop(message_id, None) is not None:
                self._message_count -= 1
        if not held:
            del self.messages[thread_id]

    def _thread_has_state(self, thread_id: str) -> bool:
        return (
            thread_id in self.threads
            or thread_id in self.messages
            or thread_id in self._thread_replays
        )

    def _evict_thread(self, thread_id: str) -> None:
        """Forget a thread with no run in memory: the thread, its messages, its replays."""
        self._idle.pop(thread_id, None)
        self.threads.pop(thread_id, None)
        held = self.messages.pop(thread_id, {})
        self._message_count -= len(held)
        self.stats.messages_evicted += len(held)
        for slot in self._thread_replays.pop(thread_id, []):
            self._drop_replay(slot)
        self.stats.threads_evicted += 1

    def counts(self) -> dict[str, Any]:
        """What is held now, for the stats (O(1): nothing is counted by walking it)."""
        return {
            "runs_stored": len(self.runs),
            "runs_in_progress": len(self.runs) - len(self._finished),
            "threads_stored": len(self.thread_runs) + len(self._idle),
            "messages_stored": self._message_count,
            "replays_stored": len(self.replays),
            "assistants_stored": len(self.assistants),
            "deleted_threads_remembered": len(self._dead),
            "streams_stored": self._stream_count,
            "max_runs": self.retention.max_runs,
            "retain_s": self.retention.retain_s,
        }


def _oldest(queue: OrderedDict[Any, float]) -> float:
    return queue[next(iter(queue))]
