"""State kept in SQLite (``--db PATH``), so a restarted emulator continues where it stopped.

Each object is one row holding its JSON; a flush writes every changed object in one
transaction. The HTTP layer flushes before sending any response byte, so a ``kill -9``
at any moment loses nothing a client was already answered: either the transaction
committed before the answer went out, or the answer never went out.

Start-up reads only what the retention policy keeps in memory (``_retention``): every
run not finished, the most recent finished ones up to the cap, their threads and
messages, and the replays whose streams were still open. Everything else stays on disk
and is read back by id when asked for (``run``, ``replay``, ``chunks``), so memory stays
bounded however large the file grows. Rows are read one at a time: a skipped row is
never held.

The database is opened in WAL mode with ``synchronous=NORMAL``: a commit survives the
process dying (the operating system still has it), not necessarily a power cut. It is
also locked exclusively, so two emulators cannot share one file by mistake.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from ._model import Message, Run, Step
from ._retention import Retention

SCHEMA_VERSION = "1"
_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS threads (id TEXT PRIMARY KEY, seq INTEGER, data TEXT)",
    "CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, seq INTEGER, data TEXT)",
    "CREATE TABLE IF NOT EXISTS messages (id TEXT PRIMARY KEY, seq INTEGER, data TEXT)",
    "CREATE TABLE IF NOT EXISTS replays (method TEXT, path TEXT, key TEXT, status INTEGER, "
    "body TEXT, headers TEXT, segment_id TEXT, PRIMARY KEY (method, path, key))",
    "CREATE TABLE IF NOT EXISTS segments (id TEXT PRIMARY KEY, closed INTEGER)",
    "CREATE TABLE IF NOT EXISTS chunks (segment_id TEXT, pos INTEGER, events INTEGER, "
    "data BLOB, PRIMARY KEY (segment_id, pos))",
    # Added with created assistants and deletes; CREATE IF NOT EXISTS adds them to an
    # older file, so the schema version stays. A deleted thread's id is kept (its rows
    # go) so a later run or message on it is still refused.
    "CREATE TABLE IF NOT EXISTS assistants (id TEXT PRIMARY KEY, seq INTEGER, data TEXT)",
    "CREATE TABLE IF NOT EXISTS deleted_threads (id TEXT PRIMARY KEY, seq INTEGER)",
)
# Threads and assistants keep the ``seq`` of their first write (their place in lists)
# when a modification writes them again.
_UPSERT = "INSERT INTO {} VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data"

_RUN_FIELDS = [f.name for f in fields(Run) if f.name != "steps"]
_STEP_FIELDS = [f.name for f in fields(Step) if f.name != "run"]
_MESSAGE_FIELDS = [f.name for f in fields(Message) if f.name not in ("parts", "length")]


class StorageError(Exception):
    """The database could not be opened, read or written."""


def dump_run(run: Run) -> str:
    data = {name: getattr(run, name) for name in _RUN_FIELDS}
    data["steps"] = [{name: getattr(step, name) for name in _STEP_FIELDS} for step in run.steps]
    return json.dumps(data)


def load_run(text: str) -> Run:
    data = json.loads(text)
    steps = data.pop("steps")
    run = Run(**{name: data[name] for name in _RUN_FIELDS})
    run.steps = [Step(run=run, **{name: s[name] for name in _STEP_FIELDS}) for s in steps]
    return run


def dump_message(message: Message) -> str:
    data = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
    data["text"] = message.text
    return json.dumps(data)


def load_message(text: str) -> Message:
    data = json.loads(text)
    if "owner" not in data:  # written before messages had owners: a run's are its own
        data["owner"] = data.get("run_id")
    data.setdefault("content", None)  # written before a client's parts were kept whole
    data.setdefault("attachments", [])
    message = Message(**{name: data[name] for name in _MESSAGE_FIELDS})
    message.text = data["text"]
    return message


Slot = tuple[str, str, str]
Chunks = list[tuple[bytes, int]]
# slot, status, body, headers, segment id, segment closed, segment chunks
LoadedReplay = tuple[Slot, int, Any, list[tuple[str, str]], str | None, bool, Chunks]


@dataclass
class Loaded:
    threads: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    replays: list[LoadedReplay] = field(default_factory=list)
    max_seq: int = 0  # over every row, loaded or not: new objects must sort after all
    assistants: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    deleted_threads: list[str] = field(default_factory=list)  # oldest first


class Durable:
    def __init__(self, path: str) -> None:
        self.path = path
        try:
            # timeout=0: a database another emulator holds is an error at once, not a wait
            self.conn = sqlite3.connect(path, isolation_level=None, timeout=0)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open database {path!r}: {exc}") from None
        try:
            # Exclusive before WAL: no shared-memory index, and the file stays locked
            # for as long as this emulator runs.
            self.conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("BEGIN IMMEDIATE")
            for statement in _TABLES:
                self.conn.execute(statement)
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            elif row[0] != SCHEMA_VERSION:
                raise StorageError(
                    f"database {path!r} has schema {row[0]}, this emulator writes {SCHEMA_VERSION}"
                )
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self.conn.close()
            raise StorageError(f"cannot use database {path!r}: {exc}") from None
        except StorageError:
            self.conn.close()
            raise

    def load(self, retention: Retention) -> Loaded:
        """What memory keeps of the database at start (see the module docstring)."""
        try:
            return self._load(retention)
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None

    def _load(self, retention: Retention) -> Loaded:
        loaded = Loaded()
        c = self.conn
        cap = retention.max_runs
        age = retention.max_age_s
        since = time.time() - age if age is not None else None
        for table in ("threads", "runs", "messages", "assistants", "deleted_threads"):
            (top,) = c.execute(f"SELECT MAX(seq) FROM {table}").fetchone()
            loaded.max_seq = max(loaded.max_seq, top or 0)
        finished = 0
        for (data,) in c.execute("SELECT data FROM runs ORDER BY seq DESC"):
            run = load_run(data)
            if run.terminal:
                if cap is not None and finished >= cap:
                    continue
                if since is not None and run.ended_at < since:
                    continue
                finished += 1
            loaded.runs.append(run)
        loaded.runs.reverse()
        run_ids = {run.id for run in loaded.runs}
        kept_threads = {run.thread_id for run in loaded.runs}
        idle = 0  # threads kept with no run: capped like finished runs
        for thread_id, seq, data in c.execute(
            "SELECT id, seq, data FROM threads ORDER BY seq DESC"
        ):
            thread = json.loads(data)
            if thread_id not in kept_threads:
                if cap is not None and idle >= cap:
                    continue
                if since is not None and thread.get("created_at", 0) < since:
                    continue
                idle += 1
            loaded.threads.append((seq, thread))
        loaded.threads.reverse()
        kept_threads.update(thread["id"] for _, thread in loaded.threads)
        for (data,) in c.execute("SELECT data FROM messages ORDER BY seq"):
            message = load_message(data)
            if message.owner in run_ids or (
                message.owner is None and message.thread_id in kept_threads
            ):
                loaded.messages.append(message)
        # Created assistants and deleted threads' ids: the newest, up to the cap (what
        # memory would hold); older assistants are read back by id when asked for.
        limit = cap if cap is not None else -1
        loaded.assistants = [
            json.loads(data)
            for (data,) in c.execute(
                "SELECT data FROM assistants ORDER BY seq DESC LIMIT ?", (limit,)
            )
        ][::-1]
        loaded.deleted_threads = [
            thread_id
            for (thread_id,) in c.execute(
                "SELECT id FROM deleted_threads ORDER BY seq DESC LIMIT ?", (limit,)
            )
        ][::-1]
        # Replays are read by key when asked for; only a stream still open at the last
        # stop is needed now, for its run to continue it (or for it to be closed).
        for method, path, key, status, body, headers, seg_id in c.execute(
            "SELECT r.method, r.path, r.key, r.status, r.body, r.headers, r.segment_id "
            "FROM replays r JOIN segments s ON s.id = r.segment_id WHERE s.closed = 0"
        ):
            pairs = [(str(k), str(v)) for k, v in json.loads(headers)]
            chunks = self._chunks(seg_id)
            slot = (method, path, key)
            loaded.replays.append((slot, status, json.loads(body), pairs, seg_id, False, chunks))
        return loaded

    # -- read back by id (what memory let go) -----------------------------------------------

    def run(self, run_id: str) -> Run | None:
        try:
            row = self.conn.execute("SELECT data FROM runs WHERE id = ?", (run_id,)).fetchone()
            return load_run(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None

    def replay(self, slot: Slot) -> tuple[int, Any, list[tuple[str, str]], str | None] | None:
        try:
            row = self.conn.execute(
                "SELECT status, body, headers, segment_id FROM replays "
                "WHERE method = ? AND path = ? AND key = ?",
                slot,
            ).fetchone()
            if row is None:
                return None
            status, body, headers, seg_id = row
            pairs = [(str(k), str(v)) for k, v in json.loads(headers)]
            return status, json.loads(body), pairs, seg_id
        except (sqlite3.Error, ValueError, TypeError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None

    def assistant(self, assistant_id: str) -> dict[str, Any] | None:
        return self._object("assistants", assistant_id)

    def thread(self, thread_id: str) -> dict[str, Any] | None:
        return self._object("threads", thread_id)

    def message(self, message_id: str) -> Message | None:
        try:
            row = self.conn.execute(
                "SELECT data FROM messages WHERE id = ?", (message_id,)
            ).fetchone()
            return load_message(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None

    def thread_first_used(self, thread_id: str) -> int | None:
        """When an implicit thread (one only runs or messages name) was first used: the
        oldest ``created_at`` among its stored runs and messages; None: never used.

        A scan of both tables, paid only when a thread memory let go is asked for.
        """
        try:
            found = [
                row[0]
                for table in ("runs", "messages")
                for row in self.conn.execute(
                    f"SELECT MIN(json_extract(data, '$.created_at')) FROM {table} "
                    "WHERE json_extract(data, '$.thread_id') = ?",
                    (thread_id,),
                )
                if row[0] is not None
            ]
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc}") from None
        return int(min(found)) if found else None

    def _object(self, table: str, object_id: str) -> dict[str, Any] | None:
        try:
            row = self.conn.execute(
                f"SELECT data FROM {table} WHERE id = ?", (object_id,)
            ).fetchone()
            value = json.loads(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None
        return value if isinstance(value, dict) else None

    def segment(self, segment_id: str) -> tuple[bool, Chunks]:
        """A stream's events, and whether they were closed (ended with ``done``)."""
        try:
            row = self.conn.execute(
                "SELECT closed FROM segments WHERE id = ?", (segment_id,)
            ).fetchone()
            return row is not None and bool(row[0]), self._chunks(segment_id)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None

    def _chunks(self, segment_id: str) -> Chunks:
        return [
            (bytes(data), events)
            for data, events in self.conn.execute(
                "SELECT data, events FROM chunks WHERE segment_id = ? ORDER BY pos",
                (segment_id,),
            )
        ]

    def write(
        self,
        *,
        runs: list[Run],
        messages: list[Message],
        threads: list[tuple[int, dict[str, Any]]],
        replays: list[tuple[Slot, Any]],
        segments: list[tuple[str, bool]],
        chunks: list[tuple[str, int, bytes, int]],
        assistants: Sequence[tuple[int, dict[str, Any]]] = (),
        deleted: Sequence[tuple[str, str, int]] = (),
    ) -> None:
        """Write in one transaction; ``deleted`` (kind, id, seq) goes last, so a row
        written and deleted since the last flush ends up deleted. Deleting a thread
        deletes its runs and messages too, and remembers its id."""
        c = self.conn
        try:
            c.execute("BEGIN")
            c.executemany(
                "INSERT OR REPLACE INTO runs VALUES (?, ?, ?)",
                [(run.id, run.seq, dump_run(run)) for run in runs],
            )
            c.executemany(
                "INSERT OR REPLACE INTO messages VALUES (?, ?, ?)",
                [(m.id, m.seq, dump_message(m)) for m in messages],
            )
            c.executemany(
                _UPSERT.format("threads"),
                [(thread["id"], seq, json.dumps(thread)) for seq, thread in threads],
            )
            c.executemany(
                _UPSERT.format("assistants"),
                [(item["id"], seq, json.dumps(item)) for seq, item in assistants],
            )
            c.executemany(
                "INSERT OR REPLACE INTO replays VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        *slot,
                        replay.status,
                        json.dumps(replay.body),
                        json.dumps(replay.headers),
                        replay.segment.id if replay.segment is not None else None,
                    )
                    for slot, replay in replays
                ],
            )
            c.executemany("INSERT OR REPLACE INTO segments VALUES (?, ?)", segments)
            c.executemany(
                "INSERT OR REPLACE INTO chunks VALUES (?, ?, ?, ?)",
                [(seg_id, pos, events, data) for seg_id, pos, data, events in chunks],
            )
            for kind, object_id, seq in deleted:
                self._delete(kind, object_id, seq)
            c.execute("COMMIT")
        except sqlite3.Error as exc:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise StorageError(f"cannot write database {self.path!r}: {exc}") from None

    def _delete(self, kind: str, object_id: str, seq: int) -> None:
        c = self.conn
        if kind == "thread":
            for table in ("runs", "messages"):
                c.execute(
                    f"DELETE FROM {table} WHERE json_extract(data, '$.thread_id') = ?",
                    (object_id,),
                )
            c.execute("DELETE FROM threads WHERE id = ?", (object_id,))
            c.execute("INSERT OR REPLACE INTO deleted_threads VALUES (?, ?)", (object_id, seq))
        else:
            table = {"assistant": "assistants", "message": "messages"}[kind]
            c.execute(f"DELETE FROM {table} WHERE id = ?", (object_id,))

    def close(self) -> None:
        self.conn.close()
