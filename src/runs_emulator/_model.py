"""Mutable state of runs, steps and messages, rendered into the contract's JSON shapes.

State lives in plain dataclasses (not dicts) so transitions are explicit; `to_dict`
renders the wire shape with every field the schemas require, nulls included.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

TERMINAL_RUN = frozenset({"cancelled", "failed", "completed", "incomplete", "expired"})
RUN_LIFETIME_S = 600  # a run not finished 10 minutes after its creation expires


def now() -> int:
    return int(time.time())


def usage_dict(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


@dataclass
class Message:
    id: str
    thread_id: str
    role: str
    created_at: int
    run_id: str | None = None
    assistant_id: str | None = None
    status: str = "in_progress"
    annotations: list[dict[str, Any]] = field(default_factory=list)
    completed_at: int | None = None
    incomplete_at: int | None = None
    incomplete_reason: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    has_content: bool = False
    seq: int = 0
    # The text so far, as the pieces it was streamed in: appending is O(1), and reading
    # joins them once (a million-delta message must not be re-joined per delta).
    parts: list[str] = field(default_factory=list)
    length: int = 0
    # The run it is freed with: the run that wrote it, or whose create request added it
    # (``additional_messages``). None: the thread's own (``POST /threads``). Not on the wire.
    owner: str | None = None
    # A message a client created: its content parts exactly as returned (text, image_file,
    # image_url), kept whole so every shape round-trips. None: a reply a run writes, whose
    # text (``parts``) and annotations grow delta by delta.
    content: list[dict[str, Any]] | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)

    @property
    def plain_text(self) -> str:
        """Its text, whichever way it is held (a client's text parts joined)."""
        if self.content is None:
            return self.text
        return "".join(p["text"]["value"] for p in self.content if p.get("type") == "text")

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    @text.setter
    def text(self, value: str) -> None:
        self.parts[:] = [value] if value else []
        self.length = len(value)

    def add_text(self, value: str) -> None:
        self.parts.append(value)
        self.length += len(value)

    def to_dict(self) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        if self.content is not None:
            content = self.content
        elif self.has_content:
            content.append(
                {"type": "text", "text": {"value": self.text, "annotations": self.annotations}}
            )
        return {
            "id": self.id,
            "object": "thread.message",
            "created_at": self.created_at,
            "thread_id": self.thread_id,
            "status": self.status,
            "incomplete_details": (
                {"reason": self.incomplete_reason} if self.incomplete_reason else None
            ),
            "completed_at": self.completed_at,
            "incomplete_at": self.incomplete_at,
            "role": self.role,
            "content": content,
            "assistant_id": self.assistant_id,
            "run_id": self.run_id,
            "attachments": self.attachments,
            "metadata": self.metadata,
        }


@dataclass
class Step:
    id: str
    run: Run
    type: str
    details: dict[str, Any]
    created_at: int
    status: str = "in_progress"
    completed_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    expired_at: int | None = None
    last_error: dict[str, str] | None = None
    usage: dict[str, int] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "thread.run.step",
            "created_at": self.created_at,
            "assistant_id": self.run.assistant_id,
            "thread_id": self.run.thread_id,
            "run_id": self.run.id,
            "type": self.type,
            "status": self.status,
            "step_details": self.details,
            "last_error": self.last_error,
            "expired_at": self.expired_at,
            "cancelled_at": self.cancelled_at,
            "failed_at": self.failed_at,
            "completed_at": self.completed_at,
            "metadata": {},
            "usage": self.usage,
        }


@dataclass
class Run:
    id: str
    seq: int
    thread_id: str
    assistant_id: str
    created_at: int
    model: str
    instructions: str
    tools: list[dict[str, Any]]
    metadata: dict[str, str]
    options: dict[str, Any]
    status: str = "queued"
    started_at: int | None = None
    expires_at: int | None = None
    cancelled_at: int | None = None
    failed_at: int | None = None
    completed_at: int | None = None
    required_action: dict[str, Any] | None = None
    last_error: dict[str, str] | None = None
    incomplete_details: dict[str, str] | None = None
    usage: dict[str, int] | None = None
    steps: list[Step] = field(default_factory=list)
    cancel_requested: bool = False

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL_RUN

    @property
    def ended_at(self) -> int:
        """When it reached its terminal state, as near as its timestamps tell (a run
        read back from a database has no record of the moment itself)."""
        ends = [self.created_at, self.completed_at, self.failed_at, self.cancelled_at]
        if self.status == "expired":
            ends.append(self.expires_at)
        return min(max(t for t in ends if t is not None), now())

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "object": "thread.run",
            "created_at": self.created_at,
            "assistant_id": self.assistant_id,
            "thread_id": self.thread_id,
            "status": self.status,
            "started_at": self.started_at,
            "expires_at": self.expires_at,
            "cancelled_at": self.cancelled_at,
            "failed_at": self.failed_at,
            "completed_at": self.completed_at,
            "required_action": self.required_action,
            "last_error": self.last_error,
            "model": self.model,
            "instructions": self.instructions,
            "tools": self.tools,
            "metadata": self.metadata,
            "incomplete_details": self.incomplete_details,
            "usage": self.usage,
        }
        body.update(self.options)
        return body

    def total_usage(self) -> dict[str, int]:
        prompt = sum(s.usage["prompt_tokens"] for s in self.steps if s.usage)
        completion = sum(s.usage["completion_tokens"] for s in self.steps if s.usage)
        return usage_dict(prompt, completion)
