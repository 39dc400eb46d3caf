"""The REST resources: routing and handlers for threads, runs, steps and messages.

Handlers are synchronous on purpose: between the idempotency lookup and storing its
result nothing else can run, so a repeated key can never create a second run.
Anything slow (a run progressing) is handed to a background task.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from typing import Any

from . import _validate as v
from ._assistants import assistant_for
from ._channel import Segment
from ._driver import Driver, Interrupted
from ._errors import ApiError, invalid_type, invalid_url, not_found
from ._ids import new_id
from ._model import RUN_LIFETIME_S, Message, Run, now
from ._paging import paginate
from ._responses import JsonResponse, Request, Response, StreamResponse
from ._stats import Stats
from ._store import Replay, Store

_SEG = r"([^/]+)"
ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    (m, re.compile("^/v1" + p + "$"), name)
    for m, p, name in [
        ("POST", "/threads", "create_thread"),
        ("GET", f"/threads/{_SEG}/messages", "list_messages"),
        ("GET", f"/threads/{_SEG}/runs", "list_runs"),
        ("POST", f"/threads/{_SEG}/runs", "create_run"),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}", "get_run"),
        ("POST", f"/threads/{_SEG}/runs/{_SEG}", "modify_run"),
        ("POST", f"/threads/{_SEG}/runs/{_SEG}/cancel", "cancel_run"),
        ("POST", f"/threads/{_SEG}/runs/{_SEG}/submit_tool_outputs", "submit_outputs"),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}/steps", "list_steps"),
        ("GET", f"/threads/{_SEG}/runs/{_SEG}/steps/{_SEG}", "get_step"),
    ]
]
log = logging.getLogger("runs_emulator")
CANCELLABLE = frozenset({"queued", "in_progress", "requires_action"})


class Api:
    def __init__(
        self,
        store: Store,
        stats: Stats,
        spawn: Callable[[Coroutine[Any, Any, None]], None],
        *,
        step_ms: float,
        poll_after_ms: int,
    ) -> None:
        self.store = store
        self.stats = stats
        self.spawn = spawn
        self.step_ms = step_ms
        self.poll_after_ms = poll_after_ms
        self.drivers: dict[str, Driver] = {}

    def handle(self, req: Request) -> Response:
        handler, args = self._route(req)
        key = req.header("idempotency-key") if req.method == "POST" else None
        if key is None:
            return handler(req, *args)
        return self._idempotent(req, key, lambda: handler(req, *args))

    def _route(self, req: Request) -> tuple[Callable[..., Response], tuple[str, ...]]:
        for method, pattern, name in ROUTES:
            match = pattern.match(req.path)
            if match and method == req.method:
                return getattr(self, name), match.groups()
        raise invalid_url(req.method, req.path)

    def _idempotent(self, req: Request, key: str, make: Callable[[], Response]) -> Response:
        slot = (req.method, req.path, key)
        seen = self.store.replays.get(slot)
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
            self.store.replays[slot] = Replay(200, None, [], response.segment)
        elif response.status < 500:
            self.store.replays[slot] = Replay(response.status, response.body, response.headers)
        return response

    # -- threads and messages ---------------------------------------------------------------

    def create_thread(self, req: Request) -> Response:
        body = v.json_body(req.body, required=False)
        v.only_fields(body, frozenset({"messages", "metadata", "tool_resources"}))
        thread = self.store.new_thread(v.metadata(body.get("metadata")))
        for item in body.get("messages") or []:
            self._user_message(thread["id"], item)
        return JsonResponse(200, thread)

    def _user_message(self, thread_id: str, item: Any) -> None:
        if not isinstance(item, dict):
            raise invalid_type("messages", "an array of objects", item)
        msg = Message(new_id("msg"), thread_id, str(item.get("role", "user")), now())
        msg.status, msg.completed_at, msg.has_content = "completed", msg.created_at, True
        msg.text = v.message_text(item.get("content"))
        msg.metadata = v.metadata(item.get("metadata"))
        self.store.add_message(msg)

    def list_messages(self, req: Request, thread_id: str) -> Response:
        items = self.store.messages.get(thread_id, [])
        return JsonResponse(200, paginate(items, req.query, lambda m: m.id, Message.to_dict))

    # -- runs -------------------------------------------------------------------------------

    def _run_response(self, run: Run) -> JsonResponse:
        return JsonResponse(200, run.to_dict(), [("openai-poll-after-ms", str(self.poll_after_ms))])

    def create_run(self, req: Request, thread_id: str) -> Response:
        body = v.json_body(req.body)
        v.only_fields(body, v.CREATE_RUN_FIELDS)
        assistant_id = v.required_str(body, "assistant_id")
        assistant = assistant_for(assistant_id)
        metadata = v.metadata(body.get("metadata"))
        stream = v.stream_flag(body)
        instructions = v.optional_str(body, "instructions") or assistant.instructions
        extra = v.optional_str(body, "additional_instructions")
        if extra:
            instructions = f"{instructions}\n{extra}"
        tools = body.get("tools")
        if tools is not None and not isinstance(tools, list):
            raise invalid_type("tools", "an array", tools)
        for item in body.get("additional_messages") or []:
            self._user_message(thread_id, item)
        created = now()
        run = Run(
            id=new_id("run"),
            seq=self.store.next_seq(),
            thread_id=thread_id,
            assistant_id=assistant_id,
            created_at=created,
            model=v.optional_str(body, "model") or "gpt-4o",
            instructions=instructions,
            tools=list(assistant.tools) if tools is None else tools,
            metadata=metadata,
            options=v.run_options(body),
            expires_at=created + RUN_LIFETIME_S,
        )
        self.store.add_run(run)
        self.stats.runs_created += 1
        segment = Segment() if stream else None
        driver = Driver(self.store, run, segment, self._delay_s(run, self.step_ms))
        driver.stream_delay_s = self._delay_s(run, 0.0)
        driver.announce_created()
        self.drivers[run.id] = driver
        self.spawn(self._execute(driver, assistant.script))
        if segment is not None:
            return StreamResponse(segment)
        return self._run_response(run)

    @staticmethod
    def _delay_s(run: Run, default_ms: float) -> float:
        raw = run.metadata.get("emulator_step_ms")
        try:
            return max(0.0, float(raw)) / 1000 if raw is not None else default_ms / 1000
        except ValueError:
            return default_ms / 1000

    async def _execute(self, driver: Driver, script: Callable[[Driver], Any]) -> None:
        try:
            await script(driver)
        except Interrupted:
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

    def list_runs(self, req: Request, thread_id: str) -> Response:
        items = self.store.thread_runs.get(thread_id, [])
        return JsonResponse(200, paginate(items, req.query, lambda r: r.id, Run.to_dict))

    def get_run(self, req: Request, thread_id: str, run_id: str) -> Response:
        return self._run_response(self.store.get_run(thread_id, run_id))

    def modify_run(self, req: Request, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        body = v.json_body(req.body, required=False)
        v.only_fields(body, frozenset({"metadata"}))
        if "metadata" in body:
            run.metadata = v.metadata(body["metadata"])
        return self._run_response(run)

    def cancel_run(self, req: Request, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        if run.status not in CANCELLABLE:
            raise ApiError(400, f"Cannot cancel run with status '{run.status}'.")
        run.status = "cancelling"
        run.cancel_requested = True
        driver = self.drivers.get(run.id)
        if driver is not None:
            driver.interrupt()
        return self._run_response(run)

    def submit_outputs(self, req: Request, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        body = v.json_body(req.body)
        v.only_fields(body, frozenset({"tool_outputs", "stream"}))
        outputs = v.tool_outputs(body)
        stream = v.stream_flag(body)
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
        segment = Segment() if stream else None
        driver.resume(outputs, segment)
        if segment is not None:
            return StreamResponse(segment)
        return self._run_response(run)

    # -- steps ------------------------------------------------------------------------------

    def list_steps(self, req: Request, thread_id: str, run_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        return JsonResponse(
            200, paginate(run.steps, req.query, lambda s: s.id, lambda s: s.to_dict())
        )

    def get_step(self, req: Request, thread_id: str, run_id: str, step_id: str) -> Response:
        run = self.store.get_run(thread_id, run_id)
        for step in run.steps:
            if step.id == step_id:
                return JsonResponse(200, step.to_dict())
        raise not_found("run step", step_id)
