"""The operations scripted assistants are written in, each moving a run the way the API does.

A script calls `start`, `open_message`, `text_delta`, `function_call`... and the driver
updates the stored objects and appends the matching stream events, so polling and
streaming clients observe the same run. Cancellation is noticed between events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from ._channel import Segment
from ._ids import new_id
from ._model import Message, Run, Step, now, usage_dict
from ._sse import WORDS, encode, text_delta, word_block, word_delta_bytes
from ._store import Store

YIELD_EVERY = 64


class Interrupted(Exception):
    """The run must stop where it is: cancelled by a client, or past its ``expires_at``."""


class Driver:
    def __init__(self, store: Store, run: Run, segment: Segment | None, delay_s: float) -> None:
        self.store = store
        self.run = run
        self.segment = segment
        self.delay_s = delay_s
        self.stream_delay_s = 0.0
        self.open_step: Step | None = None
        self.open_msg: Message | None = None
        self._outputs: asyncio.Future[list[dict[str, str]]] | None = None
        self._since_yield = 0
        self.expiring = False  # past expires_at: the run ends as `expired`, not `cancelled`

    @classmethod
    def restored(cls, store: Store, run: Run, segment: Segment | None, delay_s: float) -> Driver:
        """A driver for a run loaded from the database, its open step and message found."""
        driver = cls(store, run, segment, delay_s)
        driver.open_step = next((s for s in reversed(run.steps) if s.status == "in_progress"), None)
        driver.open_msg = next(
            (
                m
                for m in reversed(store.messages_of(run.id))
                if m.run_id == run.id and m.status == "in_progress"
            ),
            None,
        )
        return driver

    # -- plumbing ---------------------------------------------------------------------------

    def emit(self, event: str, data: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        """Record a change and stream its event; ``data`` may be a renderer, called only
        if someone streams it (a polled run's events are never rendered)."""
        self.store.touch_run(self.run)
        if self.segment is not None:
            self.segment.append(encode(event, data() if callable(data) else data))

    def emit_run(self, event: str) -> None:
        self.emit(event, self.run.to_dict)
        if self.run.terminal:
            self.store.run_ended(self.run)  # from now on the retention policy may drop it

    async def tick(self) -> None:
        """Between two events: let others run, keep pace with the reader, notice a cancel."""
        if self.segment is not None:
            await self.segment.room()
        self._since_yield += 1
        if self._since_yield >= YIELD_EVERY:
            self._since_yield = 0
            await asyncio.sleep(0)
        if self.run.cancel_requested or self.expiring:
            raise Interrupted

    async def pause(self) -> None:
        """A state transition's worth of "model time", so polling clients can see it move."""
        delay = self.delay_s if self.segment is None else self.stream_delay_s
        await asyncio.sleep(delay)
        await self.tick()

    # -- run lifecycle ----------------------------------------------------------------------

    def announce_created(self) -> None:
        self.emit_run("thread.run.created")
        self.emit_run("thread.run.queued")

    async def start(self) -> None:
        await self.pause()
        self.run.status = "in_progress"
        self.run.started_at = self.run.started_at or now()
        self.emit_run("thread.run.in_progress")

    def _new_step(self, kind: str, details: dict[str, Any]) -> Step:
        step = Step(new_id("step"), self.run, kind, details, now())
        self.run.steps.append(step)
        self.open_step = step
        self.emit("thread.run.step.created", step.to_dict)
        self.emit("thread.run.step.in_progress", step.to_dict)
        return step

    def _finish_step(self, step: Step, completion_tokens: int) -> None:
        step.status = "completed"
        step.completed_at = now()
        step.usage = usage_dict(20 * len(self.run.steps), completion_tokens)
        self.open_step = None
        self.emit("thread.run.step.completed", step.to_dict)

    async def complete(self) -> None:
        await self.pause()
        run = self.run
        run.status, run.completed_at, run.expires_at = "completed", now(), None
        run.usage = run.total_usage()
        self.emit_run("thread.run.completed")

    async def fail(self, code: str, message: str) -> None:
        self._end_open_work("failed", "run_failed", {"code": code, "message": message})
        run = self.run
        run.status, run.failed_at, run.expires_at = "failed", now(), None
        run.last_error = {"code": code, "message": message}
        run.usage = run.total_usage()
        self.emit_run("thread.run.failed")

    async def expire(self) -> None:
        self.expired()

    def expired(self) -> None:
        self._end_open_work("expired", "run_expired", None)
        run = self.run
        run.status, run.required_action = "expired", None
        run.usage = run.total_usage()
        self.emit_run("thread.run.expired")

    def cancelled(self) -> None:
        self.emit_run("thread.run.cancelling")
        self._end_open_work("cancelled", "run_cancelled", None)
        run = self.run
        run.status, run.cancelled_at, run.expires_at = "cancelled", now(), None
        run.required_action = None
        run.usage = run.total_usage()
        self.emit_run("thread.run.cancelled")

    def _end_open_work(self, status: str, reason: str, error: dict[str, str] | None) -> None:
        msg, step, stamp = self.open_msg, self.open_step, now()
        if msg is not None:
            msg.status, msg.incomplete_at, msg.incomplete_reason = "incomplete", stamp, reason
            self.store.touch_message(msg)
            self.emit("thread.message.incomplete", msg.to_dict)
            self.open_msg = None
        if step is not None:
            step.status, step.last_error = status, error
            setattr(step, f"{status}_at", stamp)
            step.usage = usage_dict(20 * len(self.run.steps), 0)
            self.emit(f"thread.run.step.{status}", step.to_dict)
            self.open_step = None

    # -- messages ---------------------------------------------------------------------------

    async def open_message(self) -> Message:
        await self.pause()
        msg = Message(
            new_id("msg"),
            self.run.thread_id,
            "assistant",
            now(),
            self.run.id,
            self.run.assistant_id,
        )
        self._new_step(
            "message_creation",
            {
                "type": "message_creation",
                "message_creation": {"message_id": msg.id},
            },
        )
        self.store.add_message(msg, owner=self.run.id)
        self.open_msg = msg
        self.emit("thread.message.created", msg.to_dict)
        self.emit("thread.message.in_progress", msg.to_dict)
        return msg

    async def text_delta(self, value: str, annotation: dict[str, Any] | None = None) -> None:
        msg = self.open_msg
        assert msg is not None
        first = not msg.has_content
        msg.has_content = True
        start = msg.length
        msg.add_text(value)
        self.store.touch_message(msg)
        ann = None
        if annotation is not None:
            ann = dict(annotation, start_index=start, end_index=msg.length)
            msg.annotations.append(ann)

        def render() -> dict[str, Any]:  # only if streamed, like every event
            delta = text_delta(msg.id, value, first=first)
            if ann is not None:
                wire = dict(ann, index=len(msg.annotations) - 1)
                delta["delta"]["content"][0]["text"]["annotations"] = [wire]
                wire["file_citation"] = dict(ann["file_citation"], quote="a quoted passage")
            return delta

        self.emit("thread.message.delta", render)
        await self.tick()

    async def bulk_text(self, count: int) -> None:
        """Stream `count` one-word deltas from shared pre-encoded blocks (the benchmark path)."""
        msg = self.open_msg
        assert msg is not None
        block, per_block, block_text = word_block(msg.id)
        await self.text_delta(block_text[:5])
        remaining = count - 1
        while remaining >= per_block:
            msg.add_text(block_text)  # before the events go out: a flush may come between
            self.store.touch_message(msg)
            if self.segment is not None:
                self.segment.append(block, per_block)
                await self.segment.room()
            remaining -= per_block
            await asyncio.sleep(0)
            if self.run.cancel_requested or self.expiring:
                raise Interrupted
        tail_words = tuple(WORDS[i % len(WORDS)] for i in range(remaining))
        msg.add_text("".join(tail_words))
        self.store.touch_message(msg)
        if self.segment is not None and remaining > 0:
            # The block's first `remaining` events, as whole periods sharing one bytes
            # object plus the rest: a finished run kept for replays holds the block and a
            # period, not a second copy of most of the block.
            periods, rest = divmod(remaining, len(WORDS))
            if periods:
                period = word_delta_bytes(msg.id, WORDS)
                for _ in range(periods):
                    self.segment.append(period, len(WORDS))
            if rest:
                self.segment.append(word_delta_bytes(msg.id, WORDS[:rest]), rest)

    async def close_message(self, completion_tokens: int) -> None:
        msg, step = self.open_msg, self.open_step
        assert msg is not None and step is not None
        await self.pause()
        msg.status, msg.completed_at = "completed", now()
        self.open_msg = None
        self.store.touch_message(msg)
        self.emit("thread.message.completed", msg.to_dict)
        self._finish_step(step, completion_tokens)

    # -- tools ------------------------------------------------------------------------------

    async def function_call(self, name: str, fragments: list[str]) -> list[dict[str, str]]:
        """Call a function tool and wait, in `requires_action`, for the client's outputs."""
        await self.pause()
        call_id = new_id("call")
        call: dict[str, Any] = {
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": "", "output": None},
        }
        # As the real API streams it: the step is created with no tool calls, and the call
        # first appears in the step's first delta.
        step = self._new_step("tool_calls", {"type": "tool_calls", "tool_calls": []})
        step.details["tool_calls"].append(call)
        head = {
            "index": 0,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": "", "output": None},
        }
        self._step_delta(step, head)
        for fragment in fragments:
            call["function"]["arguments"] += fragment
            self._step_delta(
                step, {"index": 0, "type": "function", "function": {"arguments": fragment}}
            )
            await self.tick()
        await self.pause()
        self.run.status = "requires_action"
        self.run.required_action = {
            "type": "submit_tool_outputs",
            "submit_tool_outputs": {
                "tool_calls": [
                    {
                        "id": call_id,
                        "type": "function",
                        "function": {"name": name, "arguments": call["function"]["arguments"]},
                    }
                ]
            },
        }
        self.emit_run("thread.run.requires_action")
        return await self.outputs_for(step, call, len(fragments))

    async def outputs_for(
        self, step: Step, call: dict[str, Any], completion_tokens: int
    ) -> list[dict[str, str]]:
        """Wait in `requires_action` for the outputs of ``call``, then finish its step.

        Also where a run restored from the database in `requires_action` picks up.
        """
        outputs = await self._await_outputs()
        for output in outputs:
            if output.get("tool_call_id") == call["id"]:
                call["function"]["output"] = output.get("output", "")
        self._finish_step(step, completion_tokens)
        self.emit_run("thread.run.queued")
        await self.pause()
        self.run.status = "in_progress"
        self.emit_run("thread.run.in_progress")
        return outputs

    async def _await_outputs(self) -> list[dict[str, str]]:
        if self.segment is not None:
            self.segment.close()
            self.segment = None
        self.await_outputs_now()
        assert self._outputs is not None
        try:
            return await self._outputs
        finally:
            self._outputs = None

    def await_outputs_now(self) -> None:
        """Accept tool outputs from now on (before the script gets round to waiting)."""
        if self._outputs is None:
            self._outputs = asyncio.get_running_loop().create_future()

    @property
    def awaiting_outputs(self) -> bool:
        return self._outputs is not None and not self._outputs.done()

    def resume(self, outputs: list[dict[str, str]], segment: Segment | None) -> None:
        """Hand the submitted outputs over; called by the submit_tool_outputs handler."""
        assert self._outputs is not None
        self.segment = segment
        self._outputs.set_result(outputs)

    def interrupt(self) -> None:
        """Make the run stop at its next event: wake it if parked in requires_action, and
        stop its stream holding it back for a reader that is not reading."""
        if self._outputs is not None and not self._outputs.done():
            self._outputs.set_exception(Interrupted())
        if self.segment is not None:
            self.segment.interrupt()

    async def code_call(self, fragments: list[str], logs: str) -> None:
        await self.pause()
        call_id = new_id("call")
        call: dict[str, Any] = {
            "id": call_id,
            "type": "code_interpreter",
            "code_interpreter": {"input": "", "outputs": []},
        }
        # As the real API streams it: the step is created with no tool calls, and the call
        # first appears in the step's first delta.
        step = self._new_step("tool_calls", {"type": "tool_calls", "tool_calls": []})
        step.details["tool_calls"].append(call)
        self._step_delta(
            step,
            {
                "index": 0,
                "id": call_id,
                "type": "code_interpreter",
                "code_interpreter": {"input": "", "outputs": []},
            },
        )
        for fragment in fragments:
            call["code_interpreter"]["input"] += fragment
            self._step_delta(
                step,
                {"index": 0, "type": "code_interpreter", "code_interpreter": {"input": fragment}},
            )
            await self.tick()
        call["code_interpreter"]["outputs"].append({"type": "logs", "logs": logs})
        self._step_delta(
            step,
            {
                "index": 0,
                "type": "code_interpreter",
                "code_interpreter": {"outputs": [{"index": 0, "type": "logs", "logs": logs}]},
            },
        )
        await self.pause()
        self._finish_step(step, len(fragments))

    def _step_delta(self, step: Step, tool_call: dict[str, Any]) -> None:
        self.emit(
            "thread.run.step.delta",
            {
                "id": step.id,
                "object": "thread.run.step.delta",
                "delta": {"step_details": {"type": "tool_calls", "tool_calls": [tool_call]}},
            },
        )


def fragments(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def word_chunks(text: str, per_chunk: int) -> list[str]:
    """Split text into deltas of a few words each, keeping the spaces with the words."""
    words = text.split(" ")
    tokens = [w if i == 0 else " " + w for i, w in enumerate(words)]
    return ["".join(tokens[i : i + per_chunk]) for i in range(0, len(tokens), per_chunk)]
