"""Everything the emulator serves is checked against the wire contract (runs.yaml)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema
import pytest
from tests._helpers.emulator import (
    decoded,
    parse_sse,
    validate,
    validate_event,
    wait_for_status,
)

from runs_emulator import ASSISTANTS

TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}


def _stream(client: httpx.Client, path: str, body: dict[str, Any]) -> list[tuple[str, Any]]:
    response = client.post(path, json=body)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = decoded(parse_sse(response.content))
    for name, data in events:
        validate_event(name, data)
    return events


def test_rewrite_accepts_nulls_and_validation_still_rejects_bad_objects(
    client: httpx.Client,
) -> None:
    run = client.post("/threads/t_neg/runs", json={"assistant_id": "asst_text"}).json()
    assert run["required_action"] is None and run["usage"] is None
    validate("RunObject", run)
    broken = dict(run, status="dancing")
    with pytest.raises(jsonschema.ValidationError):
        validate("RunObject", broken)
    with pytest.raises(jsonschema.ValidationError):
        validate("RunObject", {k: v for k, v in run.items() if k != "truncation_strategy"})
    with pytest.raises(jsonschema.ValidationError):
        validate_event("thread.run.created", {"id": "x"})


@pytest.mark.parametrize("assistant", sorted(set(ASSISTANTS) - {"asst_weather"}))
def test_stream_events_match_contract(client: httpx.Client, assistant: str) -> None:
    body = {"assistant_id": assistant, "stream": True, "metadata": {"deltas": "2000"}}
    events = _stream(client, "/threads/t_schema/runs", body)
    names = [name for name, _ in events]
    assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"]
    assert names[-1] == "done"
    assert names[-2].startswith("thread.run.")
    run_id = events[0][1]["id"]
    _validate_everything_about(client, "t_schema", run_id)


def test_weather_stream_and_tool_output_stream_match_contract(client: httpx.Client) -> None:
    events = _stream(client, "/threads/t_w/runs", {"assistant_id": "asst_weather", "stream": True})
    assert [n for n, _ in events][-2:] == ["thread.run.requires_action", "done"]
    run = events[-2][1]
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    _validate_everything_about(client, "t_w", run["id"])
    path = f"/threads/t_w/runs/{run['id']}/submit_tool_outputs"
    body = {"tool_outputs": [{"tool_call_id": call["id"], "output": "22C"}], "stream": True}
    after = _stream(client, path, body)
    assert after[0][0] == "thread.run.step.completed"
    assert after[-2][0] == "thread.run.completed"
    _validate_everything_about(client, "t_w", run["id"])


@pytest.mark.parametrize("assistant", sorted(ASSISTANTS))
def test_polled_objects_match_contract(client: httpx.Client, assistant: str) -> None:
    body = {"assistant_id": assistant, "metadata": {"deltas": "300"}}
    created = client.post("/threads/t_poll/runs", json=body)
    validate("RunObject", created.json())
    run_id = created.json()["id"]
    seen = wait_for_status(client, "t_poll", run_id, TERMINAL | {"requires_action"})
    if seen["status"] == "requires_action":
        _validate_everything_about(client, "t_poll", run_id)
        call = seen["required_action"]["submit_tool_outputs"]["tool_calls"][0]
        submitted = client.post(
            f"/threads/t_poll/runs/{run_id}/submit_tool_outputs",
            json={"tool_outputs": [{"tool_call_id": call["id"], "output": "sunny"}]},
        )
        validate("RunObject", submitted.json())
        wait_for_status(client, "t_poll", run_id, TERMINAL)
    _validate_everything_about(client, "t_poll", run_id)


def _validate_everything_about(client: httpx.Client, thread_id: str, run_id: str) -> None:
    validate("RunObject", client.get(f"/threads/{thread_id}/runs/{run_id}").json())
    validate("ListRunsResponse", client.get(f"/threads/{thread_id}/runs").json())
    steps = client.get(f"/threads/{thread_id}/runs/{run_id}/steps").json()
    validate("ListRunStepsResponse", steps)
    for step in steps["data"]:
        one = client.get(f"/threads/{thread_id}/runs/{run_id}/steps/{step['id']}").json()
        validate("RunStepObject", one)
    for message in client.get(f"/threads/{thread_id}/messages").json()["data"]:
        validate("MessageObject", message)


def test_modify_cancel_thread_and_errors_match_contract(client: httpx.Client) -> None:
    body = {"assistant_id": "asst_text", "metadata": {"emulator_step_ms": "50"}}
    run = client.post("/threads/t_misc/runs", json=body).json()
    modified = client.post(f"/threads/t_misc/runs/{run['id']}", json={"metadata": {"a": "b"}})
    validate("RunObject", modified.json())
    cancelled = client.post(f"/threads/t_misc/runs/{run['id']}/cancel")
    assert cancelled.json()["status"] == "cancelling"
    validate("RunObject", cancelled.json())
    thread = client.post("/threads", json={"messages": [{"role": "user", "content": "hi"}]})
    validate("ThreadObject", thread.json())
    for message in client.get(f"/threads/{thread.json()['id']}/messages").json()["data"]:
        validate("MessageObject", message)
    errors = [
        client.get("/threads/t_misc/runs/run_missing"),
        client.get("/threads/t_misc/runs?limit=0"),
        client.post("/threads/t_misc/runs", content=b"{not json"),
        httpx.get(client.base_url.join("/v1/threads/t/runs")),
    ]
    for response in errors:
        assert response.status_code >= 400
        validate("ErrorResponse", response.json())


def test_empty_list_ids_are_null_like_the_real_api(client: httpx.Client) -> None:
    """The one documented departure from the schema: empty pages have null first/last ids."""
    page = client.get("/threads/t_nothing_here/runs").json()
    assert page == {"object": "list", "data": [], "first_id": None, "last_id": None,
                    "has_more": False}  # fmt: skip
    json.dumps(page)
