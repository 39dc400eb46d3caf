"""The event log of one streamed stretch of a run, read by one or more HTTP responses.

A run's executor appends encoded events here instead of writing to a socket, which
decouples the run from any one connection: a client that disconnects does not stop the
run, and a retried request with the same Idempotency-Key can replay the same events.
The first reader (the request that started the stretch) paces the producer so a run is
genuinely "in progress" while its stream is being read; once it detaches the run
continues at full speed.
"""

from __future__ import annotations

import asyncio
import json

from ._ids import new_id
from ._sse import DONE

Chunk = tuple[bytes, int]  # encoded bytes and the number of SSE events they hold

MAX_AHEAD = 64


class Segment:
    def __init__(self, segment_id: str | None = None) -> None:
        self.id = segment_id or new_id("seg")
        self.chunks: list[Chunk] = []
        self.closed = False
        self._more: asyncio.Future[None] | None = None
        self._room: asyncio.Future[None] | None = None
        self._primary_pos: int | None = 0
        self._interrupted = False

    def append(self, data: bytes, events: int = 1) -> None:
        self.chunks.append((data, events))
        self._wake_readers()

    def close(self) -> None:
        """End the stretch with the `done` event (a stream ends at a terminal state or action)."""
        if not self.closed:
            self.chunks.append((DONE, 1))
            self.closed = True
            self._wake_readers()

    def _wake_readers(self) -> None:
        if self._more is not None and not self._more.done():
            self._more.set_result(None)
        self._more = None

    async def wait_beyond(self, pos: int) -> None:
        """Wait until there is a chunk at index `pos` or the stretch has ended."""
        while pos >= len(self.chunks) and not self.closed:
            await asyncio.shield(self.changed())

    def changed(self) -> asyncio.Future[None]:
        """A future done at the next append or close (shared by every reader: never
        cancel it, wait on it with ``asyncio.wait`` or through ``shield``)."""
        if self._more is None:
            self._more = asyncio.get_running_loop().create_future()
        return self._more

    async def room(self) -> None:
        """Hold the producer back while the primary reader lags too far behind."""
        while (
            self._primary_pos is not None
            and len(self.chunks) - self._primary_pos > MAX_AHEAD
            and not self._interrupted
        ):
            if self._room is None:
                self._room = asyncio.get_running_loop().create_future()
            await asyncio.shield(self._room)

    def interrupt(self) -> None:
        """Stop holding the producer back: its run is being cancelled or expired, and the
        few events that ends it with must be appended even if nobody is reading."""
        self._interrupted = True
        self._release_producer()

    def primary_progress(self, pos: int) -> None:
        if self._primary_pos is not None:
            self._primary_pos = pos
            self._release_producer()

    def detach_primary(self) -> None:
        self._primary_pos = None
        self._release_producer()

    def _release_producer(self) -> None:
        if self._room is not None and not self._room.done():
            self._room.set_result(None)
        self._room = None


def run_id_of(segment: Segment) -> str | None:
    """The run a stream belongs to, from its first event: the run itself (a create), or a
    step of it (a submit_tool_outputs stream starts with the tool step's completion). A
    create-and-run stream starts with its thread: the run is the event after it.

    The event is parsed, not searched: a run's metadata or tools may hold any text.
    """
    if not segment.chunks:
        return None
    data, _ = segment.chunks[0]
    if data.startswith(b"event: thread.created\n"):  # create-and-run: its run comes next
        if len(segment.chunks) < 2:
            return None
        data, _ = segment.chunks[1]
    _, _, payload = data.partition(b"\ndata: ")
    try:
        event = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(event, dict):
        return None
    run_id = event.get("id") if event.get("object") == "thread.run" else event.get("run_id")
    return run_id if isinstance(run_id, str) else None
