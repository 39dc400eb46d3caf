"""The REST resources: routing, and the handlers for runs and steps (assistants, threads
and messages are in ``_resources``).

Handlers are synchronous on purpose: between the idempotency lookup and storing its
result nothing else can run, so a repeated key can never create a second run.
Anything slow (a run progressing) is handed to a background task.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import _validate as v
from ._assistants import ASSISTANTS, Assistant, assistant_for, created
from ._channel import Segment
from ._channel import run_id_of as _run_id_of
from ._driver import Driver, Interrupted
from ._errors import ApiError, invalid_url, not_found
from ._ids import new_id
from ._model import RUN_LIFETIME_S, Run, now
from ._paging import paginate
from ._resources import Resources
from ._responses import JsonResponse, Request, Response, StreamResponse
from ._sse import encode
from ._stats import Stats
from ._store import Replay, Store

_SEG = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str, str]] = [
    (m, re.compile("^/v1" + p + "$"), name, operation)
    for m, p, name, operation in [
        ("GET", f"/threads/{_SEG}/runs", "list_runs", "listRuns"),
        ("POST", f"/threads/{_SEG}/runs", "create_run", "createRun"),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}", "get_run", "getRun"),
        ("POST", f"/threads/{_SEG}/runs/{_SEG}", "modify_run", "modifyRun"),
        ("POST", f"/threads/{_SEG}/runs/{_SEG}/cancel", "cancel_run", "cancelRun"),
        (
            "POST",
            f"/threads/{_SEG}/runs/{_SEG}/submit_tool_outputs",
            "submit_outputs",
            "submitToolOuputsToRun",
        ),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}/steps", "list_steps", "listRunSteps"),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}/steps/{_SEG}", "get_step", "getRunStep"),
        # The rest after the runs routes, which most requests are for (tried in order).
        ("GET", "/assistants", "list_assistants", "listAssistants"),
        ("POST", "/assistants", "create_assistant", "createAssistant"),
        ("GET", f"/assistants/{_SEG}", "get_assistant", "getAssistant"),
        ("POST", f"/assistants/{_SEG}", "modify_assistant", "modifyAssistant"),
        ("DELETE", f"/assistants/{_SEG}", "delete_assistant", "deleteAssistant"),
        ("POST", "/threads", "create_thread", "createThread"),
        # Before ``/threads/{thread_id}``, which "runs" would match too (as on the API).
        ("POST", "/threads/runs", "create_thread_and_run", "createThreadAndRun"),
        ("GET", f"/threads/{_SEG}", "get_thread", "getThread"),
        ("POST", f"/threads/{_SEG}", "modify_thread", "modifyThread"),
        ("DELETE", f"/threads/{_SEG}", "delete_thread", "deleteThread"),
        ("GET", f"/threads/{_SEG}/messages", "list_messages", "listMessages"),
        ("POST", f"/threads/{_SEG}/messages", "create_message", "createMessage"),
        ("GET", f"/threads/{_SEG}/messages/{_SEG}", "get_message", "getMessage"),
        ("POST", f"/threads/{_SEG}/messages/{_SEG}", "modify_message", "modifyMessage"),
        ("DELETE", f"/threads/{_SEG}/messages/{_SEG}", "delete_message", "deleteMessage"),
    ]
]
# Routes whose first id is a thread's: a deleted thread is 404 for all of them.
_UNDER_THREAD = re.compile(r"^/v1/threads/(?!runs$)[^/]+")
log = logging.getLogger("runs_emulator")
CANCELLABLE = frozenset({"queued", "in_progress", "requires_action"})
MAX_STEP_MS = 60_000.0


@dataclass
class Call:
    """A routed request whose query and body have been checked against the contract."""

    req: Request
    query: dict[str, Any]
    body: dict[str, Any]


class Api(Resources):
    def __init__(
        self,
        store: Store,
        stats: Stats,
        spawn: Callable[[Coroutine[Any, Any, None]], None],
        *,
        step_ms: float,
        poll_after_ms: int,
        run_lifetime_s: float = RUN_LIFETIME_S,
    ) -> None:
        self.store = store
        self.stats = stats
        self.spawn = spawn
        self.step_ms = step_ms
        self.poll_after_ms = poll_after_ms
        self.run_lifetime_s = run_lifetime_s
        self.drivers: dict[str, Driver] = {}
        self.active: dict[str, Run] = {}  # not terminal yet: watched for expires_at
        # Streams restored runs were writing, by run: only while those runs are unfinished.
        self._restored_segments: dict[str, Segment] = {}
        store.on_evict = self._forget

    def handle(self, req: Request) -> Response:
        handler, operation, args = self._route(req)
        if args and self.store.thread_deleted(args[0]) and _UNDER_THREAD.match(req.path):
            # Before any replay too: a key repeated after the delete does not revive it.
            raise not_found("thread", args[0])
        key = req.header("idempotency-key") if req.method == "POST" else None

        def call() -> Response:
            query = v.query_for(operation, list(req.query_pairs))
            # A DELETE has no body in the contract: one with fields is refused like a POST's.
            body = v.body_for(operation, req.body) if req.method != "GET" else {}
            return handler(Call(req, query, body), *args)

        if key is None:
            return call()
        return self._idempotent(req, key, call)

    def _route(self, req: Request) -> tuple[Callable[..., Response], str, tuple[str, ...]]:
        for method, pattern, name, operation in ROUTES:
            match = pattern.match(req.path)
            if match and method == req.method:
                # Ids travel percent-encoded, one path segment each: keep them decoded, as
                # the API does, so the id a client sent is the id it reads back.
                ids = tuple(unquote(group) for group in match.groups())
                return getattr(self, name), operation, ids
        raise invalid_url(req.method, req.path)

    def _idempotent(self, req: Request, key: str, make: Callable[[], Response]) -> Response:
        slot = (req.method, req.path, key)
        seen = self.store.replay(slot)
        replayed = [("idempotent-replayed", "true")]
        if seen is not None:
            if seen.segment is not None:
                return StreamResponse(seen.segment, primary=False, headers=replayed)
            return JsonResponse(seen.status, seen.body, seen.headers + replayed)
        try:
            response = make()
        except ApiError as err:
            response = JsonResponse(err.status, err.body(), err.headers)
        if isinstance(response, StreamResponse):
            self.store.remember(slot, Replay(200, None, [], response.segment))
        elif response.status < 500:
            self.store.remember(slot, Replay(response.status, response.body, response.headers))
        return response

    # -- runs -------------------------------------------------------------------------------

    def _run_response(self, run: Run) -> JsonResponse:
        return JsonResponse(200, run.to_dict(), [("openai-poll-after-ms", str(self.poll_after_ms))])

    def create_run(self, call: Call, thread_id: str) -> Response:
        self.store.ensure_thread(thread_id)
        return self._create_run(thread_id, call.body)

    def create_thread_and_run(self, call: Call) -> Response:
        """``POST /threads/runs``: a thread from ``thread``, and a run on it; streamed, the
        ``thread.created`` event comes first, as the API sends it."""
        body = call.body
        spec = dict(body.get("thread") or {})
        if not spec.get("tool_resources") and body.get("tool_resources"):
            spec["tool_resources"] = body["tool_resources"]
        thread = self.new_thread(spec)
        return self._create_run(thread["id"], body, thread=thread)

    def _script_for(self, assistant_id: str) -> tuple[Assistant, dict[str, Any] | None]:
        """The script a run follows, and the created assistant it came from (if any)."""
        if assistant_id in ASSISTANTS:  # scripted: no need to look further (or in a database)
            return ASSISTANTS[assistant_id], None
        own = self.store.get_assistant(assistant_id)
        if own is not None:
            return created(own.get("instructions"), own.get("tools") or []), own
        return assistant_for(assistant_id), None

    def _create_run(
        self, thread_id: str, body: dict[str, Any], thread: dict[str, Any] | None = None
    ) -> Response:
        assistant_id: str = body["assistant_id"]
        assistant, own = self._script_for(assistant_id)
        stream = body.get("stream") is True
        instructions = body.get("instructions") or assistant.instructions
        extra = body.get("additional_instructions")
        if extra:
            instructions = f"{instructions}\n{extra}"
        tools = body.get("tools")
        options = body
        if own is not None:  # the assistant's sampling settings, unless the run sets its own
            options = dict(body)
            for name in ("temperature", "top_p", "response_format"):
                if options.get(name) is None:
                    options[name] = own.get(name)
        created_at = now()
        run = Run(
            id=new_id("run"),
            seq=self.store.next_seq(),
            thread_id=thread_id,
            assistant_id=assistant_id,
            created_at=created_at,
            model=body.get("model") or (own["model"] if own is not None else "gpt-4o"),
            instructions=instructions,
            tools=[dict(t) for t in assistant.tools] if tools is None else tools,
            metadata=body.get("metadata") or {},
            options=v.run_options(options),
            expires_at=created_at + max(1, math.ceil(self.run_lifetime_s)),
        )
        self.store.add_run(run)
        # The messages it adds are freed with it: a thread reused for every run of a long
        # session must not keep one message per run forever.
        for item in body.get("additional_messages") or []:
            self.user_message(thread_id, item, owner=run.id)
        self.stats.runs_created += 1
        segment = Segment() if stream else None
        if segment is not None and thread is not None:
            segment.append(encode("thread.created", thread))
        driver = Driver(self.store, run, segment, self._delay_s(run, self.step_ms))
        driver.stream_delay_s = self._delay_s(run, 0.0)
        driver.announce_created()
        self._start(driver, assistant.script)
        if segment is not None:
            return StreamResponse(segment)
        return self._run_response(run)

    def _start(self, driver: Driver, script: Callable[[Driver], Any]) -> None:
        self.drivers[driver.run.id] = driver
        self.active[driver.run.id] = driver.run
        self.spawn(self._execute(driver, script))

    @staticmethod
    def _delay_s(run: Run, default_ms: float) -> float:
        raw = run.metadata.get("emulator_step_ms")
        try:
            value = float(raw) if raw is not None else default_ms
        except ValueError:
            value = default_ms
        if not math.isfinite(value):
            value = default_ms
        return min(max(0.0, value), MAX_STEP_MS) / 1000

    async def _execute(self, driver: Driver, script: Callable[[Driver], Any]) -> None:
        try:
            await script(driver)
        except Interrupted:
            if driver.expiring:
                driver.expired()
            else:
                await asyncio.sleep(driver.delay_s if driver.segment is None else 0)
                driver.cancelled()
        except Exception:
            # A bug in a script must not leave the run stuck in progress forever.
            log.exception("emulator run %s crashed", driver.run.id)
            await driver.fail("server_error", "The emulator crashed while running this run.")
        finally:
            if driver.segment is not None:
                driver.segment.close()
            self.drivers.pop(driver.run.id, None)
            self.active.pop(driver.run.id, None)

    # -- expiry and restart -----------------------------------------------------------------

    def expire_due(self, at: float) -> None:
        """End every run whose ``expires_at`` has passed, as the API ends them: `expired`."""
        for run_id, run in list(self.active.items()):
            if run.terminal:
                del self.active[run_id]
                continue
            if run.expires_at is None or at < run.expires_at:
                continue
            driver = self.drivers.get(run_id)
            if driver is not None:
                driver.expiring = True  # the script notices at its next event and ends
                driver.interrupt()
            else:  # restored from the database, not running: end it here
                del self.active[run_id]
                segment = self._restored_segments.pop(run_id, None)  # its last use
                restored = Driver.restored(self.store, run, segment, 0.0)
                restored.expired()
                if restored.segment is not None:
                    restored.segment.close()

    def restore(self) -> None:
        """Pick up the runs a database held that had not finished when the process died.

        Past its ``expires_at``: expired at once. `requires_action`: waits for outputs
        again (the script continues after them). `queued` and not started: started again
        (nothing of it had been shown). `cancelling`: cancelled. Anything else was
        mid-script, which cannot be picked up halfway: it stays as it was until its
        ``expires_at``, and then expires.
        """
        self._restored_segments = {}
        unfinished: list[Segment] = []
        for replay in self.store.replays.values():
            segment = replay.segment
            if segment is not None and not segment.closed:
                unfinished.append(segment)
                run_id = _run_id_of(segment)
                if run_id is not None:
                    self._restored_segments[run_id] = segment
        for run in list(self.store.runs.values()):
            if run.terminal:
                continue
            self.active[run.id] = run
            segment = self._restored_segments.get(run.id)
            assistant, _ = self._script_for(run.assistant_id)
            if run.status == "cancelling":
                del self.active[run.id]
                driver = Driver.restored(self.store, run, segment, 0.0)
                driver.cancelled()
                if segment is not None:
                    segment.close()
            elif run.status == "requires_action" and assistant.resume is not None:
                driver = Driver.restored(self.store, run, None, self._delay_s(run, self.step_ms))
                if segment is not None:
                    segment.close()  # a stream ends at requires_action
                self._start(driver, assistant.resume)
                driver.await_outputs_now()
            elif run.status == "queued" and run.started_at is None and not run.steps:
                driver = Driver.restored(self.store, run, segment, self._delay_s(run, self.step_ms))
                if segment is not None:
                    segment.detach_primary()
                self._start(driver, assistant.script)
        self.expire_due(time.time())
        # A stream whose run is over, or that no run writes to any more, ends here: a
        # replay of it must not wait for events that will never come.
        for segment in unfinished:
            owner = _run_id_of(segment)
            attached = owner is not None and self._restored_segments.get(owner) is segment
            if not attached or owner not in self.active:
                segment.close()
        # Only runs left mid-script (no driver) still need theirs, to expire with.
        self._restored_segments = {
            run_id: segment
            for run_id, segment in self._restored_segments.items()
            if run_id in self.active and run_id not in self.drivers
        }

    def stop_runs_of(self, thread_id: str) -> None:
        """A thread is being deleted: its unfinished runs stop where they are (their
        drivers end them as cancelled, on objects no longer stored or written)."""
        for run in self.store.thread_runs.get(thread_id, {}).values():
            self.active.pop(run.id, None)
            driver = self.drivers.get(run.id)
            if driver is not None and not run.terminal:
                run.cancel_requested = True
                driver.interrupt()

    def _forget(self, run_id: str) -> None:
        """The store dropped a finished run: let go of anything still naming it."""
        self._restored_segments.pop(run_id, None)

    def list_runs(self, call: Call, thread_id: str) -> Response:
        items = list(self.store.thread_runs.get(thread_id, {}).values())
        return JsonResponse(200, paginate(items, call.query, lambda r: r.id, Run.to_dict))

    def get_run(self, call: Call, thread_id: str, run_id: str) -> Response:
        return self._run_response(self.store.get_run(thread_id, run_id))

    def modify_run(self, call: Call, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        if "metadata" in call.body:
            run.metadata = call.body["metadata"] or {}
            self.store.touch_run(run)
        return self._run_response(run)

    def cancel_run(self, call: Call, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        if run.status not in CANCELLABLE:
            raise ApiError(400, f"Cannot cancel run with status '{run.status}'.")
        run.status = "cancelling"
        run.cancel_requested = True
        self.store.touch_run(run)
        driver = self.drivers.get(run.id)
        if driver is not None:
            driver.interrupt()
        return self._run_response(run)

    def submit_outputs(self, call: Call, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        outputs: list[dict[str, str]] = call.body["tool_outputs"]
        stream = call.body.get("stream") is True
        driver = self.drivers.get(run.id)
        if run.status != "requires_action" or driver is None or not driver.awaiting_outputs:
            raise ApiError(400, f'Runs in status "{run.status}" do not accept tool outputs.')
        action = run.required_action or {}
        expected = [c["id"] for c in action.get("submit_tool_outputs", {}).get("tool_calls", [])]
        got = [o.get("tool_call_id", "") for o in outputs]
        if sorted(expected) != sorted(got):
            raise ApiError(
                400,
                f"Expected tool outputs for call_ids {expected}, got {got}",
                param="tool_outputs",
            )
        run.status, run.required_action = "queued", None
        self.store.touch_run(run)
        segment = Segment() if stream else None
        driver.resume(outputs, segment)
        if segment is not None:
            return StreamResponse(segment)
        return self._run_response(run)

    # -- steps ------------------------------------------------------------------------------

    def list_steps(self, call: Call, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        return JsonResponse(
            200, paginate(run.steps, call.query, lambda s: s.id, lambda s: s.to_dict())
        )

    def get_step(self, call: Call, thread_id: str, run_id: str, step_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        for step in run.steps:
            if step.id == step_id:
                return JsonResponse(200, step.to_dict())
        raise not_found("run step", step_id)
