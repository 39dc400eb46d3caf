"""The state and read-only views both event handler flavours share.

The bookkeeping (snapshots, which callbacks fire, in which order) is the core's
:class:`~runs_core.HandlerDispatch`; :class:`AssistantEventHandler` and
:class:`AsyncAssistantEventHandler` add only the loop that runs the callbacks.
"""

from __future__ import annotations

from runs_core import (
    SNAPSHOT_CALLBACKS,
    TEXT_DELTA_CALLBACKS,
    AssistantStreamEvent,
    HandlerDispatch,
    RunAccumulator,
)
from runs_core.models import Message, Run, RunStep

__all__ = ["SHARED_HANDLER", "HandlerState"]

SHARED_HANDLER = (
    "A single event handler cannot be shared between multiple streams; "
    "construct a new event handler instance"
)


class HandlerState:
    """State and read-only views both handler flavours share."""

    _base: type

    def __init__(self) -> None:
        wants = any(
            getattr(type(self), name) is not getattr(self._base, name)
            for name in SNAPSHOT_CALLBACKS
        )
        self._dispatch = HandlerDispatch(flush=wants)
        self._current_event: AssistantStreamEvent | None = None
        self._bound = False

    def _quiet(self) -> bool:
        """Whether a text delta's callbacks (:data:`TEXT_DELTA_CALLBACKS`) are all the
        no-op defaults, on the class and on the instance: then the dispatch's fast path
        (:meth:`HandlerDispatch.feed_text`) leaves nothing to call. Read when the stream
        starts."""
        return not any(
            name in self.__dict__ or getattr(type(self), name) is not getattr(self._base, name)
            for name in TEXT_DELTA_CALLBACKS
        )

    def _adopt(self, previous: HandlerState | None) -> None:
        if self._bound:
            raise RuntimeError(SHARED_HANDLER)
        self._bound = True
        if previous is not None:
            previous._dispatch.flush = previous._dispatch.flush or self._dispatch.flush
            self._dispatch = previous._dispatch

    @property
    def accumulator(self) -> RunAccumulator:
        """The snapshots of this stream (and of the streams it continues)."""
        return self._dispatch.accumulator

    @property
    def current_event(self) -> AssistantStreamEvent | None:
        """The event whose callbacks are running, ``None`` between events."""
        return self._current_event

    @property
    def current_run(self) -> Run | None:
        return self._dispatch.accumulator.run

    @property
    def current_run_step_snapshot(self) -> RunStep | None:
        """The step being streamed (``None`` once it is done)."""
        return self._dispatch.current_run_step

    @property
    def current_message_snapshot(self) -> Message | None:
        """The message last created, extended or finished."""
        return self._dispatch.current_message

    def _final_run(self) -> Run:
        run = self._dispatch.accumulator.run
        if run is None:
            raise RuntimeError("No final run object found")
        return run

    def _final_steps(self) -> list[RunStep]:
        steps = self._dispatch.accumulator.run_steps
        if not steps:
            raise RuntimeError("No run steps found")
        return steps

    def _final_messages(self) -> list[Message]:
        messages = self._dispatch.accumulator.messages
        if not messages:
            raise RuntimeError("No messages found")
        return messages
