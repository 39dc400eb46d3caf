"""State kept in SQLite (``--db PATH``), so a restarted emulator continues where it stopped.

Each object is one row holding its JSON; a flush writes every changed object in one
transaction. The HTTP layer flushes before sending any response byte, so a ``kill -9``
at any moment loses nothing a client was already answered: either the transaction
committed before the answer went out, or the answer never went out.

The database is opened in WAL mode with ``synchronous=NORMAL``: a commit survives the
process dying (the operating system still has it), not necessarily a power cut. It is
also locked exclusively, so two emulators cannot share one file by mistake.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, fields
from typing import Any

from ._model import Message, Run, Step

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
)

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
    message = Message(**{name: data[name] for name in _MESSAGE_FIELDS})
    message.text = data["text"]
    return message


Slot = tuple[str, str, str]


@dataclass
class Loaded:
    threads: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    replays: list[tuple[Slot, int, Any, list[tuple[str, str]], str | None]] = field(
        default_factory=list
    )
    segments: list[tuple[str, bool, list[tuple[bytes, int]]]] = field(default_factory=list)


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

    def load(self) -> Loaded:
        loaded = Loaded()
        try:
            c = self.conn
            for seq, data in c.execute("SELECT seq, data FROM threads ORDER BY seq"):
                loaded.threads.append((seq, json.loads(data)))
            loaded.runs = [load_run(d) for (d,) in c.execute("SELECT data FROM runs ORDER BY seq")]
            loaded.messages = [
                load_message(d) for (d,) in c.execute("SELECT data FROM messages ORDER BY seq")
            ]
            chunks: dict[str, list[tuple[bytes, int]]] = {}
            for seg_id, events, data in c.execute(
                "SELECT segment_id, events, data FROM chunks ORDER BY segment_id, pos"
            ):
                chunks.setdefault(seg_id, []).append((bytes(data), events))
            for seg_id, closed in c.execute("SELECT id, closed FROM segments"):
                loaded.segments.append((seg_id, bool(closed), chunks.get(seg_id, [])))
            for method, path, key, status, body, headers, seg_id in c.execute(
                "SELECT method, path, key, status, body, headers, segment_id FROM replays"
            ):
                pairs = [(str(k), str(v)) for k, v in json.loads(headers)]
                loaded.replays.append(
                    ((method, path, key), status, json.loads(body), pairs, seg_id)
                )
        except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"cannot read database {self.path!r}: {exc!r}") from None
        return loaded

    def write(
        self,
        *,
        runs: list[Run],
        messages: list[Message],
        threads: list[tuple[int, dict[str, Any]]],
        replays: list[tuple[Slot, Any]],
        segments: list[tuple[str, bool]],
        chunks: list[tuple[str, int, bytes, int]],
    ) -> None:
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
                "INSERT OR REPLACE INTO threads VALUES (?, ?, ?)",
                [(thread["id"], seq, json.dumps(thread)) for seq, thread in threads],
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
            c.execute("COMMIT")
        except sqlite3.Error as exc:
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise StorageError(f"cannot write database {self.path!r}: {exc}") from None

    def close(self) -> None:
        self.conn.close()
