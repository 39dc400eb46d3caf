"""What the emulator saw, so tests can assert on client behaviour rather than guess at it.

Connection counts show whether a client reuses connections; the request log shows the
headers it really sent (credentials masked: the log is served by ``/_emulator/stats``);
aborted streams show that it closed a stream it stopped reading.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    request_id: str
    connection_id: int
    received_at: float

    def header(self, name: str) -> str | None:
        """The first value of a header, matched case-insensitively."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "headers": [list(pair) for pair in self.headers],
            "request_id": self.request_id,
            "connection_id": self.connection_id,
            "received_at": self.received_at,
        }


@dataclass
class Stats:
    log_size: int = 1000
    connections_accepted: int = 0
    connections_open: int = 0
    connections_evicted: int = 0  # closed while waiting, to make room under the cap
    connections_refused: int = 0  # answered 503 at once: the cap was reached, none waiting
    requests: int = 0
    runs_created: int = 0
    streams_started: int = 0
    streams_completed: int = 0
    streams_aborted: int = 0
    faults_injected: int = 0
    # Dropped from memory by the retention policy (see ``_retention``), since the start.
    runs_evicted: int = 0
    threads_evicted: int = 0
    messages_evicted: int = 0
    replays_evicted: int = 0
    assistants_evicted: int = 0
    # The rest of the Assistants API, since the start: created by a client (messages:
    # the ones clients sent, not replies), and deleted by a client.
    assistants_created: int = 0
    assistants_deleted: int = 0
    threads_created: int = 0
    threads_deleted: int = 0
    messages_created: int = 0
    messages_deleted: int = 0
    log: deque[RequestRecord] = field(default_factory=deque)
    # What the store holds right now, read when asked (counting it here would mean every
    # store change updating two places). Set by the server.
    storage: Callable[[], dict[str, Any]] | None = field(default=None, repr=False, compare=False)

    def record(self, record: RequestRecord) -> None:
        self.requests += 1
        self.log.append(record)
        while len(self.log) > self.log_size:
            self.log.popleft()

    def recent(self, method: str | None = None, path_contains: str = "") -> list[RequestRecord]:
        return [
            r
            for r in list(self.log)
            if (method is None or r.method == method) and path_contains in r.path
        ]

    def stored(self) -> dict[str, Any]:
        """What is in memory now: ``runs_stored``, ``runs_in_progress``, ``threads_stored``,
        ``messages_stored``, ``replays_stored``, ``streams_stored``, ``assistants_stored``,
        ``deleted_threads_remembered``, and the policy (``max_runs``, ``retain_s``)."""
        return self.storage() if self.storage is not None else {}

    def snapshot(self) -> dict[str, Any]:
        return {
            "connections_accepted": self.connections_accepted,
            "connections_open": self.connections_open,
            "connections_evicted": self.connections_evicted,
            "connections_refused": self.connections_refused,
            "requests": self.requests,
            "runs_created": self.runs_created,
            "streams_started": self.streams_started,
            "streams_completed": self.streams_completed,
            "streams_aborted": self.streams_aborted,
            "faults_injected": self.faults_injected,
            "runs_evicted": self.runs_evicted,
            "threads_evicted": self.threads_evicted,
            "messages_evicted": self.messages_evicted,
            "replays_evicted": self.replays_evicted,
            "assistants_evicted": self.assistants_evicted,
            "assistants_created": self.assistants_created,
            "assistants_deleted": self.assistants_deleted,
            "threads_created": self.threads_created,
            "threads_deleted": self.threads_deleted,
            "messages_created": self.messages_created,
            "messages_deleted": self.messages_deleted,
            **self.stored(),
            "recent_requests": [r.to_dict() for r in list(self.log)],
            "time": time.time(),
        }
