"""Assistants, threads, messages and create-and-run, served statefully: every response
and event checked against the whole contract (``tests/contract/assistants.yaml``), every
request body checked as strictly as a run's, deletes that delete, and the official SDK
driving all of it."""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import jsonschema
import openai
import pytest
from tests._helpers.contract import full_spec
from tests._helpers.emulator import (
    AUTH,
    KEY,
    decoded,
    parse_sse,
    rewrite_nullable,
    wait_for_status,
)

from runs_emulator import EmulatorThread, start_in_thread

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}
EVERY_SHAPE: list[Any] = [
    "plain text",
    [{"type": "text", "text": "a text part"}],
    [
        {"type": "text", "text": "look:"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png", "detail": "low"}},
        {"type": "image_file", "image_file": {"file_id": "file-abc", "detail": "high"}},
        {"type": "image_file", "image_file": {"file_id": "file-plain"}},
    ],
]


# -- the whole contract as JSON Schema --------------------------------------------------------


@cache
def _contract() -> dict[str, Any]:
    return rewrite_nullable(copy.deepcopy(full_spec()))  # type: ignore[no-any-return]


def _validator(pointer: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(dict(_contract(), **{"$ref": pointer}))


def validate(schema: str, instance: Any) -> None:
    _validator(f"#/components/schemas/{schema}").validate(instance)


@cache
def _event_pointers() -> dict[str, str]:
    schemas = _contract()["components"]["schemas"]
    pointers: dict[str, str] = {}
    for ref in schemas["AssistantStreamEvent"]["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        for index, variant in enumerate(schemas[name].get("oneOf", [schemas[name]])):
            event = variant["properties"]["event"]["enum"][0]
            suffix = f"/oneOf/{index}" if "oneOf" in schemas[name] else ""
            pointers[event] = f"#/components/schemas/{name}{suffix}"
    return pointers


def validate_event(event: str, data: Any) -> None:
    pointer = _event_pointers().get(event)
    assert pointer is not None, f"event {event!r} is not in the contract"
    _validator(pointer).validate({"event": event, "data": data})


def validate_page(schema: str, page: dict[str, Any]) -> None:
    """A list page; an empty one has null first/last ids, as the API sends them."""
    if page["data"]:
        validate(schema, page)
    else:
        assert page["first_id"] is None and page["last_id"] is None


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    validate("ErrorResponse", response.json())
    error: dict[str, Any] = response.json()["error"]
    return error


def _done(client: httpx.Client, thread_id: str, run_id: str) -> dict[str, Any]:
    return wait_for_status(client, quote(thread_id, safe=""), run_id, TERMINAL)


def _text(message: dict[str, Any]) -> str:
    return "".join(p["text"]["value"] for p in message["content"] if p["type"] == "text")


@pytest.fixture
def sdk(emu: EmulatorThread) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0)
    yield client
    client.close()


# -- assistants -------------------------------------------------------------------------------

FULL_ASSISTANT: dict[str, Any] = {
    "model": "gpt-4o-mini",
    "name": "Helper",
    "description": "Answers briefly.",
    "instructions": "Be brief.",
    "tools": [
        {"type": "code_interpreter"},
        {"type": "function", "function": {"name": "f", "description": "d", "parameters": {}}},
    ],
    "tool_resources": {"code_interpreter": {"file_ids": ["file-1"]}},
    "metadata": {"team": "docs"},
    "temperature": 0.4,
    "top_p": 0.9,
    "response_format": {"type": "json_object"},
    "reasoning_effort": "low",
}


def test_an_assistant_is_created_read_changed_and_deleted(client: httpx.Client) -> None:
    created = client.post("/assistants", json=FULL_ASSISTANT)
    assert created.status_code == 200, created.text
    assistant = created.json()
    validate("AssistantObject", assistant)
    assert assistant["id"].startswith("asst_") and assistant["object"] == "assistant"
    expected = {k: v for k, v in FULL_ASSISTANT.items() if k != "reasoning_effort"}
    assert {k: assistant[k] for k in expected} == expected
    path = f"/assistants/{assistant['id']}"
    assert client.get(path).json() == assistant
    changed = client.post(path, json={"name": None, "tools": [], "metadata": {"v": "2"}})
    validate("AssistantObject", changed.json())
    assert changed.json()["name"] is None and changed.json()["tools"] == []
    assert changed.json()["metadata"] == {"v": "2"} and changed.json()["model"] == "gpt-4o-mini"
    assert client.get(path).json() == changed.json()
    gone = client.delete(path)
    validate("DeleteAssistantResponse", gone.json())
    assert gone.json() == {"id": assistant["id"], "object": "assistant.deleted", "deleted": True}
    for response in (client.get(path), client.post(path, json={}), client.delete(path)):
        assert (
            _error(response, 404)["message"] == f"No assistant found with id '{assistant['id']}'."
        )
    assert assistant["id"] not in [
        a["id"] for a in client.get("/assistants?limit=100").json()["data"]
    ]


def test_scripted_assistants_are_shown_but_not_listed_or_changed(client: httpx.Client) -> None:
    weather = client.get("/assistants/asst_weather")
    validate("AssistantObject", weather.json())
    assert weather.json()["tools"][0]["function"]["name"] == "get_weather"
    listed = [a["id"] for a in client.get("/assistants?limit=100").json()["data"]]
    assert not any(i in listed for i in ("asst_text", "asst_weather"))
    assert _error(client.post("/assistants/asst_text", json={"name": "x"}), 400)["param"]
    _error(client.delete("/assistants/asst_text"), 400)
    assert client.get("/assistants/asst_text").status_code == 200
    _error(client.get("/assistants/asst_nobody"), 404)


def test_assistants_list_in_pages(client: httpx.Client) -> None:
    made = [
        client.post("/assistants", json={"model": "m", "name": str(i)}).json()["id"]
        for i in range(5)
    ]
    newest = list(reversed(made))
    first = client.get("/assistants", params={"limit": 2}).json()
    validate_page("ListAssistantsResponse", first)
    assert [a["id"] for a in first["data"]] == newest[:2] and first["has_more"] is True
    second = client.get("/assistants", params={"limit": 2, "after": first["last_id"]}).json()
    assert [a["id"] for a in second["data"]] == newest[2:4]
    back = client.get("/assistants", params={"limit": 2, "before": second["first_id"]}).json()
    assert [a["id"] for a in back["data"]] == newest[:2]
    ascending = client.get("/assistants", params={"order": "asc", "limit": 100}).json()["data"]
    assert [a["id"] for a in ascending][-5:] == made
    _error(client.get("/assistants", params={"after": "asst_unknown"}), 400)
    _error(client.get("/assistants", params={"limit": 0}), 400)


def test_a_run_of_a_created_assistant_takes_its_settings_and_echoes(client: httpx.Client) -> None:
    assistant = client.post("/assistants", json=FULL_ASSISTANT).json()
    thread = client.post("/threads", json={"messages": [{"role": "user", "content": "ping"}]})
    thread_id = thread.json()["id"]
    run = client.post(f"/threads/{thread_id}/runs", json={"assistant_id": assistant["id"]}).json()
    validate("RunObject", run)
    assert (run["model"], run["instructions"], run["tools"]) == (
        "gpt-4o-mini", "Be brief.", FULL_ASSISTANT["tools"],
    )  # fmt: skip
    assert (run["temperature"], run["top_p"], run["response_format"]) == (
        0.4,
        0.9,
        {"type": "json_object"},
    )
    # Its function tool is called once, with arguments from the function's schema.
    waiting = wait_for_status(client, thread_id, run["id"], {"requires_action"})
    call = waiting["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    assert (call["function"]["name"], call["function"]["arguments"]) == ("f", "{}")
    client.post(
        f"/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs",
        json={"tool_outputs": [{"tool_call_id": call["id"], "output": "42"}]},
    )
    assert _done(client, thread_id, run["id"])["status"] == "completed"
    reply = client.get(f"/threads/{thread_id}/messages", params={"run_id": run["id"]}).json()
    assert [_text(m) for m in reply["data"]] == ["f returned: 42"]
    override = {
        "assistant_id": assistant["id"], "model": "gpt-4o", "instructions": "Other.",
        "tools": [], "temperature": 1.5, "additional_instructions": "More.",
        "additional_messages": [{"role": "user", "content": [{"type": "text", "text": "pong"}]}],
    }  # fmt: skip
    second = client.post(f"/threads/{thread_id}/runs", json=override).json()
    assert (second["model"], second["instructions"], second["tools"]) == (
        "gpt-4o",
        "Other.\nMore.",
        [],
    )
    assert (second["temperature"], second["top_p"]) == (1.5, 0.9)
    _done(client, thread_id, second["id"])
    texts = [
        _text(m) for m in client.get(f"/threads/{thread_id}/messages?order=asc").json()["data"]
    ]
    assert texts == ["ping", "f returned: 42", "pong", "You said: pong"]  # no tools: echoes


def test_arguments_of_a_created_assistants_call_come_from_the_schema() -> None:
    from runs_emulator._assistants import arguments_for

    properties = {
        "city": {"type": "string", "default": "Paris"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer"},
        "note": {"type": "string"},
        "optional": {"type": "string"},
    }
    required = ["city", "unit", "days", "note"]
    function = {"name": "w", "parameters": {"type": "object", "properties": properties,
                                            "required": required}}  # fmt: skip
    assert json.loads(arguments_for(function)) == {
        "city": "Paris", "unit": "celsius", "days": 1, "note": "example",
    }  # fmt: skip
    assert arguments_for({"name": "bare"}) == "{}"


def test_unknown_and_deleted_assistants_run_as_asst_text(client: httpx.Client) -> None:
    assistant = client.post("/assistants", json={"model": "gpt-4o"}).json()
    client.delete(f"/assistants/{assistant['id']}")
    for assistant_id in ("asst_nobody", assistant["id"]):
        run = client.post("/threads/t_unknown_asst/runs", json={"assistant_id": assistant_id})
        assert run.status_code == 200 and run.json()["assistant_id"] == assistant_id
        done = _done(client, "t_unknown_asst", run.json()["id"])
        assert (
            done["status"] == "completed" and done["instructions"] == "Reply with a fixed greeting."
        )


# -- threads and messages ---------------------------------------------------------------------


def test_a_thread_keeps_every_content_shape_exactly(client: httpx.Client) -> None:
    messages = [{"role": "user", "content": shape} for shape in EVERY_SHAPE]
    messages[1]["attachments"] = [{"file_id": "file-9", "tools": [{"type": "file_search"}]}]
    messages[2]["role"] = "assistant"
    resources = {"code_interpreter": {"file_ids": ["file-1"]}}
    body = {"messages": messages, "tool_resources": resources, "metadata": {"a": "b"}}
    thread = client.post("/threads", json=body).json()
    validate("ThreadObject", thread)
    assert (thread["tool_resources"], thread["metadata"]) == (resources, {"a": "b"})
    page = client.get(f"/threads/{thread['id']}/messages", params={"order": "asc"}).json()
    validate_page("ListMessagesResponse", page)
    got = page["data"]
    assert [m["role"] for m in got] == ["user", "user", "assistant"]
    assert got[0]["content"] == [
        {"type": "text", "text": {"value": "plain text", "annotations": []}}
    ]
    assert got[1]["content"] == [
        {"type": "text", "text": {"value": "a text part", "annotations": []}}
    ]
    assert got[1]["attachments"] == messages[1]["attachments"]
    assert got[2]["content"] == [
        {"type": "text", "text": {"value": "look:", "annotations": []}},
        *EVERY_SHAPE[2][1:],
    ]
    for message in got:
        assert (message["thread_id"], message["run_id"], message["assistant_id"]) == (
            thread["id"],
            None,
            None,
        )
        one = client.get(f"/threads/{thread['id']}/messages/{message['id']}").json()
        validate("MessageObject", one)
        assert one == message


def test_a_thread_is_read_changed_and_deleted_with_everything_under_it(
    client: httpx.Client,
) -> None:
    thread = client.post("/threads", json={"messages": [{"role": "user", "content": "hi"}]}).json()
    path = f"/threads/{thread['id']}"
    assert client.get(path).json() == thread
    changed = client.post(path, json={"metadata": {"k": "v"}, "tool_resources": None})
    validate("ThreadObject", changed.json())
    assert changed.json()["metadata"] == {"k": "v"} and client.get(path).json() == changed.json()
    run = client.post(f"{path}/runs", json={"assistant_id": "asst_text"}).json()
    _done(client, thread["id"], run["id"])
    message_id = client.get(f"{path}/messages").json()["data"][0]["id"]
    gone = client.delete(path)
    validate("DeleteThreadResponse", gone.json())
    assert gone.json() == {"id": thread["id"], "object": "thread.deleted", "deleted": True}
    user = {"role": "user", "content": "again"}
    for response in (
        client.get(path),
        client.post(path, json={"metadata": {}}),
        client.delete(path),
        client.get(f"{path}/messages"),
        client.post(f"{path}/messages", json=user),
        client.get(f"{path}/messages/{message_id}"),
        client.get(f"{path}/runs"),
        client.get(f"{path}/runs/{run['id']}"),
        client.get(f"{path}/runs/{run['id']}/steps"),
        client.post(f"{path}/runs", json={"assistant_id": "asst_text"}),
        client.post(
            f"{path}/runs", json={"assistant_id": "asst_text"}, headers={"Idempotency-Key": "k1"}
        ),
    ):
        assert _error(response, 404)["message"] == f"No thread found with id '{thread['id']}'."


def test_a_thread_deleted_mid_run_stops_the_run(emu: EmulatorThread, client: httpx.Client) -> None:
    thread = client.post("/threads", json={}).json()
    body = {
        "assistant_id": "asst_long",
        "metadata": {"deltas": "2000000", "emulator_step_ms": "50"},
    }
    run = client.post(f"/threads/{thread['id']}/runs", json=body).json()
    drivers = emu.server.api.drivers
    assert run["id"] in drivers
    assert client.delete(f"/threads/{thread['id']}").status_code == 200
    _error(client.get(f"/threads/{thread['id']}/runs/{run['id']}"), 404)
    for _ in range(400):  # its driver ends (cancelled) instead of streaming 2M deltas
        if run["id"] not in drivers:
            break
        time.sleep(0.005)
    assert run["id"] not in drivers and run["id"] not in emu.server.api.active
    _error(client.get(f"/threads/{thread['id']}/messages"), 404)
    assert emu.stats.snapshot()["messages_stored"] == sum(
        len(held) for held in emu.server.store.messages.values()
    )


def test_implicit_threads_appear_with_their_first_run_or_message(client: httpx.Client) -> None:
    _error(client.get("/threads/t_implicit"), 404)
    listed = client.get("/threads/t_implicit/messages").json()  # as before: an empty list
    assert listed["data"] == [] and listed["has_more"] is False
    run = client.post("/threads/t_implicit/runs", json={"assistant_id": "asst_text"}).json()
    thread = client.get("/threads/t_implicit").json()
    validate("ThreadObject", thread)
    assert thread["id"] == "t_implicit" and thread["created_at"] <= run["created_at"]
    client.post("/threads/t_implicit", json={"metadata": {"kept": "yes"}})
    assert client.get("/threads/t_implicit").json()["metadata"] == {"kept": "yes"}
    made = client.post("/threads/t_implicit_msg/messages", json={"role": "user", "content": "x"})
    validate("MessageObject", made.json())
    assert client.get("/threads/t_implicit_msg").status_code == 200
    client.delete("/threads/t_implicit")
    _error(client.post("/threads/t_implicit/runs", json={"assistant_id": "asst_text"}), 404)


def test_messages_are_created_changed_filtered_and_deleted(client: httpx.Client) -> None:
    thread_id = client.post("/threads", json={}).json()["id"]
    path = f"/threads/{thread_id}/messages"
    made = client.post(path, json={"role": "user", "content": "first", "metadata": {"n": "1"}})
    validate("MessageObject", made.json())
    message = made.json()
    assert (message["status"], message["metadata"], _text(message)) == (
        "completed",
        {"n": "1"},
        "first",
    )
    changed = client.post(f"{path}/{message['id']}", json={"metadata": {"n": "2"}})
    validate("MessageObject", changed.json())
    assert changed.json() == dict(message, metadata={"n": "2"})
    run = client.post(f"/threads/{thread_id}/runs", json={"assistant_id": "asst_code"}).json()
    _done(client, thread_id, run["id"])
    everything = client.get(path, params={"order": "asc"}).json()["data"]
    assert [m["role"] for m in everything] == ["user", "assistant"]
    output = everything[1]
    assert (output["run_id"], output["assistant_id"]) == (run["id"], "asst_code")
    of_run = client.get(path, params={"run_id": run["id"]}).json()
    validate_page("ListMessagesResponse", of_run)
    assert [m["id"] for m in of_run["data"]] == [output["id"]]
    assert client.get(path, params={"run_id": "run_other"}).json()["data"] == []
    gone = client.delete(f"{path}/{message['id']}")
    validate("DeleteMessageResponse", gone.json())
    assert gone.json() == {"id": message["id"], "object": "thread.message.deleted", "deleted": True}
    _error(client.get(f"{path}/{message['id']}"), 404)
    _error(client.delete(f"{path}/{message['id']}"), 404)
    _error(client.post(f"{path}/{message['id']}", json={"metadata": {}}), 404)
    assert [m["id"] for m in client.get(path).json()["data"]] == [output["id"]]
    _error(client.get(f"/threads/{thread_id}/messages/{output['id']}x"), 404)
    _error(client.get(f"/threads/t_elsewhere/messages/{output['id']}"), 404)


def test_messages_list_in_pages(client: httpx.Client) -> None:
    thread_id = client.post("/threads", json={}).json()["id"]
    path = f"/threads/{thread_id}/messages"
    made = [
        client.post(path, json={"role": "user", "content": str(i)}).json()["id"] for i in range(7)
    ]
    seen: list[str] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 3, "order": "asc"}
        if after is not None:
            params["after"] = after
        page = client.get(path, params=params).json()
        validate_page("ListMessagesResponse", page)
        seen += [m["id"] for m in page["data"]]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert seen == made
    newest = client.get(path, params={"limit": 2}).json()
    assert [m["id"] for m in newest["data"]] == made[:-3:-1]


def test_ids_with_slashes_and_spaces_are_one_segment(client: httpx.Client) -> None:
    odd = "t/odd %20 id?#é"
    path = f"/threads/{quote(odd, safe='')}"
    made = client.post(f"{path}/messages", json={"role": "user", "content": "hi"}).json()
    assert made["thread_id"] == odd
    assert client.get(path).json()["id"] == odd
    assert client.get(f"{path}/messages/{quote(made['id'], safe='')}").json() == made
    run = client.post(f"{path}/runs", json={"assistant_id": "asst_text"}).json()
    assert run["thread_id"] == odd and _done(client, odd, run["id"])["status"] == "completed"
    assert client.delete(path).json()["id"] == odd
    _error(client.get(f"{path}/messages"), 404)
    _error(client.get("/assistants/" + quote("asst/x y", safe="")), 404)


# -- create-and-run ---------------------------------------------------------------------------


def test_create_and_run_makes_the_thread_and_runs_it(client: httpx.Client) -> None:
    assistant = client.post("/assistants", json={"model": "gpt-4o", "instructions": "Echo."}).json()
    body = {
        "assistant_id": assistant["id"],
        "thread": {
            "messages": [{"role": "user", "content": EVERY_SHAPE[2]}],
            "metadata": {"t": "1"},
        },
        "metadata": {"r": "1"},
        "tool_resources": {"code_interpreter": {"file_ids": ["file-2"]}},
    }
    response = client.post("/threads/runs", json=body)
    assert response.status_code == 200 and int(response.headers["openai-poll-after-ms"]) >= 0
    run = response.json()
    validate("RunObject", run)
    assert (run["status"], run["metadata"], run["instructions"]) == ("queued", {"r": "1"}, "Echo.")
    thread = client.get(f"/threads/{run['thread_id']}").json()
    assert thread["metadata"] == {"t": "1"} and thread["tool_resources"] == body["tool_resources"]
    _done(client, run["thread_id"], run["id"])
    texts = [
        _text(m)
        for m in client.get(f"/threads/{run['thread_id']}/messages?order=asc").json()["data"]
    ]
    assert texts == ["look:", "You said: look:"]
    bare = client.post("/threads/runs", json={"assistant_id": "asst_weather"}).json()
    assert wait_for_status(client, bare["thread_id"], bare["id"], {"requires_action"})[
        "required_action"
    ]


def test_create_and_run_streams_thread_created_first(client: httpx.Client) -> None:
    body = {
        "assistant_id": "asst_text",
        "stream": True,
        "thread": {"messages": [{"role": "user", "content": "s"}]},
    }
    response = client.post("/threads/runs", json=body)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = decoded(parse_sse(response.content))
    for name, data in events:
        if name != "done":
            validate_event(name, data)
    names = [name for name, _ in events]
    assert names[:4] == [
        "thread.created",
        "thread.run.created",
        "thread.run.queued",
        "thread.run.in_progress",
    ]
    assert names[-2:] == ["thread.run.completed", "done"]
    thread, run = events[0][1], events[-2][1]
    validate("ThreadObject", thread)
    assert (
        run["thread_id"] == thread["id"] and client.get(f"/threads/{thread['id']}").json() == thread
    )
    messages = client.get(f"/threads/{thread['id']}/messages?order=asc").json()["data"]
    assert [m["role"] for m in messages] == ["user", "assistant"]


def test_create_and_run_is_replayed_by_its_idempotency_key(
    emu: EmulatorThread, client: httpx.Client
) -> None:
    made = emu.stats.runs_created, emu.stats.threads_created
    for stream in (False, True):
        body = {"assistant_id": "asst_text", "stream": stream}
        key = {"Idempotency-Key": f"car-{stream}"}
        first = client.post("/threads/runs", json=body, headers=key)
        again = client.post("/threads/runs", json=body, headers=key)
        assert again.headers["idempotent-replayed"] == "true" and again.content == first.content
    assert (emu.stats.runs_created, emu.stats.threads_created) == (made[0] + 2, made[1] + 2)


def test_a_streamed_create_and_runs_replay_goes_with_its_run() -> None:
    with start_in_thread(max_runs=2) as emu, httpx.Client(base_url=emu.base_url, headers=AUTH) as c:
        key = {"Idempotency-Key": "streamed-car"}
        body = {"assistant_id": "asst_text", "stream": True}
        events = decoded(parse_sse(c.post("/threads/runs", json=body, headers=key).content))
        thread_id, run_id = events[0][1]["id"], events[1][1]["id"]
        assert (
            c.post("/threads/runs", json=body, headers=key).headers["idempotent-replayed"] == "true"
        )
        for _ in range(2):  # two newer finished runs: the first one is let go, key and all
            run = c.post("/threads/t_newer/runs", json={"assistant_id": "asst_text"}).json()
            _done(c, "t_newer", run["id"])
        _error(c.get(f"/threads/{thread_id}/runs/{run_id}"), 404)
        again = c.post("/threads/runs", json=body, headers=key)
        assert "idempotent-replayed" not in again.headers  # a new request, a new run
        assert decoded(parse_sse(again.content))[1][1]["id"] != run_id


# -- the contract, strictly --------------------------------------------------------------------

BAD_BODIES: list[tuple[str, str, dict[str, Any], str]] = [
    ("POST", "/assistants", {}, "model"),
    ("POST", "/assistants", {"model": "m", "colour": "red"}, "colour"),
    ("POST", "/assistants", {"model": "m", "name": "x" * 257}, "name"),
    ("POST", "/assistants", {"model": "m", "description": "x" * 513}, "description"),
    ("POST", "/assistants", {"model": "m", "temperature": 3}, "temperature"),
    ("POST", "/assistants", {"model": "m", "tools": [{"type": "browser"}]}, "tools[0].type"),
    (
        "POST",
        "/assistants",
        {
            "model": "m",
            "tool_resources": {"file_search": {"vector_store_ids": ["v"], "vector_stores": [{}]}},
        },
        "tool_resources.file_search",
    ),
    ("POST", "/assistants/asst_x", {"model": 5}, "model"),
    ("POST", "/threads", {"messages": [{"role": "system", "content": "x"}]}, "messages[0].role"),
    ("POST", "/threads", {"messages": [{"role": "user", "content": []}]}, "messages[0].content"),
    ("POST", "/threads/t_x", {"messages": []}, "messages"),
    ("POST", "/threads/t_x/messages", {"role": "user"}, "content"),
    (
        "POST",
        "/threads/t_x/messages",
        {"role": "user", "content": [{"type": "image_url", "image_url": {}}]},
        "content[0].image_url.url",
    ),
    ("POST", "/threads/t_x/messages/msg_x", {"content": "x"}, "content"),
    ("POST", "/threads/runs", {}, "assistant_id"),
    (
        "POST",
        "/threads/runs",
        {"assistant_id": "a", "additional_messages": []},
        "additional_messages",
    ),
    ("POST", "/threads/runs", {"assistant_id": "a", "thread": {"tools": []}}, "thread.tools"),
    ("DELETE", "/threads/t_x", {"x": 1}, "x"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "param"), BAD_BODIES, ids=[b[3] for b in BAD_BODIES]
)
def test_a_wrong_body_is_a_400_naming_the_field(
    emu: EmulatorThread,
    client: httpx.Client,
    method: str,
    path: str,
    body: dict[str, Any],
    param: str,
) -> None:
    def made() -> tuple[int, ...]:
        s = emu.stats
        return s.assistants_created, s.threads_created, s.messages_created, s.runs_created

    before = made()
    error = _error(client.request(method, path, json=body), 400)
    assert error["param"] == param, error
    assert made() == before  # nothing was made


_MUTATIONS: list[Any] = [None, True, 0, -1, 1.5, "", "x", [], [1], {}, {"type": "x"}, "x" * 600]


def _mutate(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(body)
    paths: list[tuple[Any, ...]] = []

    def walk(node: Any, prefix: tuple[Any, ...]) -> None:
        if "metadata" in prefix:  # its limits are in the API's prose, not in the schema
            return
        if prefix:
            paths.append(prefix)
        items = (
            node.items()
            if isinstance(node, dict)
            else enumerate(node)
            if isinstance(node, list)
            else []
        )
        for key, value in items:
            walk(value, (*prefix, key))

    walk(out, ())
    path = rng.choice(paths)
    parent = out
    for step in path[:-1]:
        parent = parent[step]
    if isinstance(parent, dict) and rng.random() < 0.15:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(_MUTATIONS))
    return out


VALID_BODIES: dict[str, tuple[str, dict[str, Any]]] = {
    "CreateAssistantRequest": ("/assistants", FULL_ASSISTANT),
    "CreateThreadAndRunRequest": (
        "/threads/runs",
        {
            "assistant_id": "asst_text",
            "thread": {
                "messages": [{"role": "user", "content": shape} for shape in EVERY_SHAPE],
                "tool_resources": {"file_search": {"vector_store_ids": ["vs_1"]}},
                "metadata": {"a": "b"},
            },
            "model": "gpt-4o",
            "instructions": "x",
            "tools": [{"type": "file_search", "file_search": {"max_num_results": 3}}],
            "tool_resources": {"code_interpreter": {"file_ids": ["f"]}},
            "temperature": 1,
            "top_p": 0.5,
            "stream": False,
            "max_prompt_tokens": 300,
            "truncation_strategy": {"type": "auto"},
            "tool_choice": {"type": "file_search"},
            "parallel_tool_calls": False,
            "response_format": "auto",
        },
    ),
    "CreateMessageRequest": (
        "/threads/t_diff/messages",
        {
            "role": "user",
            "content": EVERY_SHAPE[2],
            "attachments": [{"file_id": "f", "tools": [{"type": "code_interpreter"}]}],
            "metadata": {"a": "b"},
        },
    ),
}


@pytest.mark.parametrize("schema", sorted(VALID_BODIES))
def test_accepts_exactly_the_bodies_the_contract_accepts(client: httpx.Client, schema: str) -> None:
    path, valid = VALID_BODIES[schema]
    validator = _validator(f"#/components/schemas/{schema}")
    assert validator.is_valid(valid) and client.post(path, json=valid).status_code == 200
    rng = random.Random(schema)
    seen = {True: 0, False: 0}
    for _ in range(250):
        body = _mutate(valid, rng)
        accepted = validator.is_valid(body)
        response = client.post(path, json=body)
        assert response.status_code == (200 if accepted else 400), (body, response.text)
        seen[accepted] += 1
    assert seen[True] > 15 and seen[False] > 100


def test_unknown_query_parameters_are_accepted(client: httpx.Client) -> None:
    assert client.get("/assistants?proxy=1&trace=on").status_code == 200
    assert client.post("/threads?proxy=1", json={}).status_code == 200


# -- memory: counted, bounded, freed ----------------------------------------------------------


def test_stats_count_the_new_objects_and_deletes_free_them() -> None:
    with start_in_thread(max_runs=3) as emu, httpx.Client(base_url=emu.base_url, headers=AUTH) as c:
        ids = [c.post("/assistants", json={"model": "m"}).json()["id"] for _ in range(5)]
        thread = c.post(
            "/threads", json={"messages": [{"role": "user", "content": "a"}] * 4}
        ).json()
        extra = c.post(
            f"/threads/{thread['id']}/messages", json={"role": "user", "content": "b"}
        ).json()
        c.delete(f"/threads/{thread['id']}/messages/{extra['id']}")
        stats = emu.stats.snapshot()
        assert (
            stats["assistants_created"],
            stats["assistants_stored"],
            stats["assistants_evicted"],
        ) == (5, 3, 2)
        assert (stats["threads_created"], stats["messages_created"], stats["messages_deleted"]) == (
            1,
            5,
            1,
        )
        assert stats["messages_stored"] == 4
        _error(c.get(f"/assistants/{ids[0]}"), 404)  # dropped by the cap (no database)
        c.delete(f"/assistants/{ids[-1]}")
        run = c.post(f"/threads/{thread['id']}/runs", json={"assistant_id": "asst_text"}).json()
        _done(c, thread["id"], run["id"])
        c.delete(f"/threads/{thread['id']}")
        stats = emu.stats.snapshot()
        assert (stats["assistants_deleted"], stats["assistants_stored"]) == (1, 2)
        assert (stats["threads_deleted"], stats["deleted_threads_remembered"]) == (1, 1)
        assert (stats["messages_stored"], stats["runs_stored"], stats["threads_stored"]) == (
            0,
            0,
            0,
        )
        for _ in range(5):  # deleted threads' ids are remembered up to the cap
            c.delete(f"/threads/{c.post('/threads', json={}).json()['id']}")
        assert emu.stats.snapshot()["deleted_threads_remembered"] == 3


def test_the_database_keeps_the_new_objects_across_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.db")
    with (
        start_in_thread(db_path=db, step_ms=0) as emu,
        httpx.Client(base_url=emu.base_url, headers=AUTH) as c,
    ):
        # Without a function tool, so its runs reply at once (with one, they would wait).
        plain = {**FULL_ASSISTANT, "tools": [{"type": "code_interpreter"}]}
        assistant = c.post("/assistants", json=plain).json()
        assistant = c.post(f"/assistants/{assistant['id']}", json={"name": "Renamed"}).json()
        doomed = c.post("/assistants", json={"model": "m"}).json()["id"]
        c.delete(f"/assistants/{doomed}")
        messages = [{"role": "user", "content": shape} for shape in EVERY_SHAPE]
        thread = c.post("/threads", json={"messages": messages, "metadata": {"k": "v"}}).json()
        run = c.post(f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}).json()
        _done(c, thread["id"], run["id"])
        kept = c.get(f"/threads/{thread['id']}/messages?order=asc").json()["data"]
        dropped = c.post(
            f"/threads/{thread['id']}/messages", json={"role": "user", "content": "x"}
        ).json()
        c.delete(f"/threads/{thread['id']}/messages/{dropped['id']}")
        gone = c.post("/threads", json={"messages": messages}).json()["id"]
        c.post(f"/threads/{gone}/runs", json={"assistant_id": "asst_text"})
        c.delete(f"/threads/{gone}")
    with (
        start_in_thread(db_path=db, step_ms=0) as emu,
        httpx.Client(base_url=emu.base_url, headers=AUTH) as c,
    ):
        assert c.get(f"/assistants/{assistant['id']}").json() == assistant
        assert [a["id"] for a in c.get("/assistants").json()["data"]] == [assistant["id"]]
        _error(c.get(f"/assistants/{doomed}"), 404)
        assert c.get(f"/threads/{thread['id']}").json() == thread
        assert c.get(f"/threads/{thread['id']}/messages?order=asc").json()["data"] == kept
        assert _text(kept[-1]) == "You said: look:"
        _error(c.get(f"/threads/{thread['id']}/messages/{dropped['id']}"), 404)
        for response in (
            c.get(f"/threads/{gone}"),
            c.get(f"/threads/{gone}/messages"),
            c.post(f"/threads/{gone}/runs", json={"assistant_id": "asst_text"}),
        ):
            _error(response, 404)
        again = c.post(
            f"/threads/{thread['id']}/runs", json={"assistant_id": assistant["id"]}
        ).json()
        assert _done(c, thread["id"], again["id"])["model"] == "gpt-4o-mini"


# -- the official SDK ---------------------------------------------------------------------------


def test_the_sdk_drives_assistants_threads_messages_and_runs(sdk: openai.OpenAI) -> None:
    beta = sdk.beta
    assistant = beta.assistants.create(
        model="gpt-4o", name="SDK", instructions="Echo.", metadata={"a": "1"}
    )
    assert beta.assistants.retrieve(assistant.id).name == "SDK"
    assert beta.assistants.update(assistant.id, name="SDK 2").name == "SDK 2"
    assert assistant.id in [a.id for a in beta.assistants.list(limit=1)]  # auto-paging
    thread = beta.threads.create(messages=[{"role": "user", "content": EVERY_SHAPE[2]}])
    parts = beta.threads.messages.list(thread.id).data[0].content
    assert [p.type for p in parts] == ["text", "image_url", "image_file", "image_file"]
    added = beta.threads.messages.create(thread.id, role="user", content="from the sdk")
    assert beta.threads.messages.update(
        added.id, thread_id=thread.id, metadata={"m": "1"}
    ).metadata == {"m": "1"}
    run = beta.threads.runs.create_and_poll(
        thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=5
    )
    assert run.status == "completed" and run.instructions == "Echo."
    of_run = beta.threads.messages.list(thread.id, run_id=run.id).data
    assert [(m.role, m.run_id, m.assistant_id) for m in of_run] == [
        ("assistant", run.id, assistant.id)
    ]
    assert of_run[0].content[0].text.value == "You said: from the sdk"  # type: ignore[union-attr]
    polled = beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "in one go"}]},
        poll_interval_ms=5,
    )
    assert polled.status == "completed" and polled.thread_id != thread.id
    streamed = beta.threads.create_and_run(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "streamed"}]},
        stream=True,
    )
    events = [event.event for event in streamed]
    assert events[0] == "thread.created" and events[-1] == "thread.run.completed"
    with beta.threads.create_and_run_stream(
        assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "handled"}]}
    ) as stream:
        stream.until_done()
        assert stream.get_final_run().status == "completed"
    assert beta.threads.messages.delete(added.id, thread_id=thread.id).deleted is True
    assert beta.threads.delete(thread.id).deleted is True
    assert beta.assistants.delete(assistant.id).deleted is True
    for again in (
        lambda: beta.assistants.delete(assistant.id),
        lambda: beta.threads.delete(thread.id),
        lambda: beta.threads.messages.list(thread.id),
        lambda: beta.threads.runs.create(thread_id=thread.id, assistant_id="asst_text"),
    ):
        with pytest.raises(openai.NotFoundError) as caught:
            again()
        assert isinstance(caught.value.body, dict) and "message" in caught.value.body


def test_a_method_not_served_is_a_404_in_the_error_shape(client: httpx.Client) -> None:
    response = client.put("/assistants")
    assert _error(response, 404)["message"] == "Invalid URL (PUT /v1/assistants)"
    assert json.loads(response.text) == response.json()
