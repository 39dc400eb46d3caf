"""The rest of the Assistants API a runs user touches: assistants, threads, messages.

Behaviours chosen where the emulator has to decide (the docs list them too):

- Created assistants (``POST /assistants``) are stored and can drive runs: a run takes
  their model, instructions and tools unless its request overrides them, and replies
  with text quoting the thread's last user message (``_assistants.echo``). The scripted
  assistants (``asst_text``, ...) are built in: ``GET /assistants/{id}`` shows them, the
  list does not (it holds what clients created), and modifying or deleting one is a 400.
  An id that is neither (unknown, or deleted) still drives a run as ``asst_text`` does.
- Implicit threads: a run or message on a thread id never seen before creates that
  thread (as it always has for runs); ``GET /threads/{id}`` finds it from then on. A
  deleted thread stays deleted: everything under it is 404, and no later run or message
  brings it back.

The handlers are mixed into ``_api.Api``, which routes to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _validate as v
from ._assistants import scripted_object
from ._errors import ApiError, not_found
from ._ids import new_id
from ._model import Message, now
from ._paging import paginate
from ._responses import JsonResponse, Response
from ._stats import Stats
from ._store import Store

if TYPE_CHECKING:  # the router imports this module
    from ._api import Call

ASSISTANT_DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": None,
    "instructions": None,
    "tools": [],
    "tool_resources": {},
    "metadata": {},
    "temperature": 1.0,
    "top_p": 1.0,
    "response_format": "auto",
}
# Fields a null resets to the default rather than stores (the object never shows null).
_NOT_NULL = frozenset({"tools", "tool_resources", "metadata", "temperature", "top_p"})


def _identity(item: dict[str, Any]) -> dict[str, Any]:
    return item


def _deleted(kind: str, object_id: str) -> JsonResponse:
    return JsonResponse(200, {"id": object_id, "object": f"{kind}.deleted", "deleted": True})


def _builtin(assistant_id: str) -> ApiError:
    return ApiError(
        400,
        f"Assistant '{assistant_id}' is scripted by the emulator and cannot be modified or "
        "deleted; create an assistant (POST /assistants) to have one of your own.",
        param="assistant_id",
    )


class Resources:
    """Handlers for assistants, threads and messages (``Api`` supplies the state)."""

    store: Store
    stats: Stats

    # -- assistants -------------------------------------------------------------------------

    def create_assistant(self, call: Call) -> Response:
        body = call.body
        assistant: dict[str, Any] = {
            "id": new_id("asst"),
            "object": "assistant",
            "created_at": now(),
            "model": body["model"],
            **ASSISTANT_DEFAULTS,
        }
        _apply_assistant(assistant, body)
        self.store.add_assistant(assistant)
        self.stats.assistants_created += 1
        return JsonResponse(200, assistant)

    def list_assistants(self, call: Call) -> Response:
        items = list(self.store.assistants.values())
        return JsonResponse(200, paginate(items, call.query, lambda a: a["id"], _identity))

    def get_assistant(self, call: Call, assistant_id: str) -> Response:
        return JsonResponse(200, self._assistant(assistant_id))

    def modify_assistant(self, call: Call, assistant_id: str) -> Response:
        assistant = self._own_assistant(assistant_id)
        _apply_assistant(assistant, call.body)
        self.store.touch_assistant(assistant)
        return JsonResponse(200, assistant)

    def delete_assistant(self, call: Call, assistant_id: str) -> Response:
        self._own_assistant(assistant_id)
        self.store.delete_assistant(assistant_id)
        self.stats.assistants_deleted += 1
        return _deleted("assistant", assistant_id)

    def _assistant(self, assistant_id: str) -> dict[str, Any]:
        found = self.store.get_assistant(assistant_id) or scripted_object(assistant_id)
        if found is None:
            raise not_found("assistant", assistant_id)
        return found

    def _own_assistant(self, assistant_id: str) -> dict[str, Any]:
        """A created assistant, to change: a scripted one is refused, others are 404."""
        found = self.store.get_assistant(assistant_id)
        if found is None:
            if scripted_object(assistant_id) is not None:
                raise _builtin(assistant_id)
            raise not_found("assistant", assistant_id)
        return found

    # -- threads ----------------------------------------------------------------------------

    def create_thread(self, call: Call) -> Response:
        return JsonResponse(200, self.new_thread(call.body))

    def new_thread(self, spec: dict[str, Any]) -> dict[str, Any]:
        """A thread from a ``CreateThreadRequest`` (also the ``thread`` of create-and-run)."""
        thread = self.store.new_thread(
            spec.get("metadata") or {}, tool_resources=spec.get("tool_resources") or {}
        )
        self.stats.threads_created += 1
        for item in spec.get("messages") or []:
            self.user_message(thread["id"], item)
        return thread

    def get_thread(self, call: Call, thread_id: str) -> Response:
        return JsonResponse(200, self._thread(thread_id))

    def modify_thread(self, call: Call, thread_id: str) -> Response:
        thread = self._thread(thread_id)
        body = call.body
        if "metadata" in body:
            thread["metadata"] = body["metadata"] or {}
        if "tool_resources" in body:
            thread["tool_resources"] = body["tool_resources"] or {}
        self.store.touch_thread(thread)
        return JsonResponse(200, thread)

    def delete_thread(self, call: Call, thread_id: str) -> Response:
        self._thread(thread_id)
        self.stop_runs_of(thread_id)
        self.store.delete_thread(thread_id)
        self.stats.threads_deleted += 1
        return _deleted("thread", thread_id)

    def stop_runs_of(self, thread_id: str) -> None:
        """Before a thread is deleted: its unfinished runs stop (``Api`` overrides)."""

    def _thread(self, thread_id: str) -> dict[str, Any]:
        thread = self.store.get_thread(thread_id)
        if thread is None:
            raise not_found("thread", thread_id)
        return thread

    # -- messages ---------------------------------------------------------------------------

    def user_message(
        self, thread_id: str, item: dict[str, Any], owner: str | None = None
    ) -> Message:
        """Store a message a client sent (``CreateMessageRequest``), content kept whole."""
        msg = Message(new_id("msg"), thread_id, item["role"], now())
        msg.status, msg.completed_at, msg.has_content = "completed", msg.created_at, True
        msg.content = v.message_content(item["content"])
        msg.attachments = v.message_attachments(item.get("attachments"))
        msg.metadata = item.get("metadata") or {}
        self.store.add_message(msg, owner)
        self.stats.messages_created += 1
        return msg

    def create_message(self, call: Call, thread_id: str) -> Response:
        self.store.ensure_thread(thread_id)
        return JsonResponse(200, self.user_message(thread_id, call.body).to_dict())

    def list_messages(self, call: Call, thread_id: str) -> Response:
        if self.store.thread_deleted(thread_id):
            raise not_found("thread", thread_id)
        items = self.store.thread_messages(thread_id)
        run_id = call.query.get("run_id")
        if run_id is not None:
            items = [m for m in items if m.run_id == run_id]
        return JsonResponse(200, paginate(items, call.query, lambda m: m.id, Message.to_dict))

    def get_message(self, call: Call, thread_id: str, message_id: str) -> Response:
        return JsonResponse(200, self._message(thread_id, message_id).to_dict())

    def modify_message(self, call: Call, thread_id: str, message_id: str) -> Response:
        message = self._message(thread_id, message_id)
        if "metadata" in call.body:
            message.metadata = call.body["metadata"] or {}
            self.store.touch_message(message)
        return JsonResponse(200, message.to_dict())

    def delete_message(self, call: Call, thread_id: str, message_id: str) -> Response:
        message = self._message(thread_id, message_id)
        self.store.delete_message(message)
        self.stats.messages_deleted += 1
        return _deleted("thread.message", message_id)

    def _message(self, thread_id: str, message_id: str) -> Message:
        if self.store.thread_deleted(thread_id):
            raise not_found("thread", thread_id)
        message = self.store.get_message(thread_id, message_id)
        if message is None:
            raise not_found("message", message_id)
        return message


def _apply_assistant(assistant: dict[str, Any], body: dict[str, Any]) -> None:
    """Set the fields a create or modify request gives (checked against the contract)."""
    for name, value in body.items():
        if name == "reasoning_effort":
            continue  # accepted, as the API does; the contract's object has no such field
        if value is None and name in _NOT_NULL:
            value = ASSISTANT_DEFAULTS[name]
        elif value is None and name == "response_format":
            value = "auto"
        assistant[name] = value
