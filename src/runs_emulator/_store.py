"""Everything the emulator remembers for its lifetime: threads, runs, messages, replays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._channel import Segment
from ._errors import not_found
from ._ids import new_id
from ._model import Message, Run, now


@dataclass
class Replay:
    """What a POST with an Idempotency-Key produced, to hand back when the key comes again."""

    status: int
    body: dict[str, Any] | None
    headers: list[tuple[str, str]]
    segment: Segment | None = None


@dataclass
class Store:
    runs: dict[str, Run] = field(default_factory=dict)
    thread_runs: dict[str, list[Run]] = field(default_factory=dict)
    threads: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    replays: dict[tuple[str, str, str], Replay] = field(default_factory=dict)
    seq: int = 0

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def add_run(self, run: Run) -> None:
        self.runs[run.id] = run
        self.thread_runs.setdefault(run.thread_id, []).append(run)

    def get_run(self, thread_id: str, run_id: str) -> Run:
        run = self.runs.get(run_id)
        if run is None or run.thread_id != thread_id:
            raise not_found("run", run_id)
        return run

    def add_message(self, message: Message) -> None:
        self.messages.setdefault(message.thread_id, []).append(message)

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
        return thread
