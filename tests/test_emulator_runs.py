"""Run behaviour: lifecycle, pagination, errors, auth, idempotency and observability."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
from tests._helpers.emulator import (
    AUTH,
    KEY,
    client_for,
    decoded,
    parse_sse,
    wait_for_status,
)

from runs_emulator import EmulatorThread, start_in_thread


def _create(client: httpx.Client, thread: str, assistant: str = "asst_text", **extra: object):
    response = client.post(f"/threads/{thread}/runs", json={"assistant_id": assistant, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def test_polled_run_moves_through_states_with_timestamps(client: httpx.Client) -> None:
    run = _create(client, "t_life", metadata={"emulator_step_ms": "5"})
    assert run["status"] == "queued" and run["started_at"] is None
    assert run["expires_at"] == run["created_at"] + 600
    seen = set()
    for _ in range(5000):
        response = client.get(f"/threads/t_life/runs/{run['id']}")
        assert response.headers["openai-poll-after-ms"].isdigit()
        current = response.json()
        seen.add(current["status"])
        if current["status"] == "completed":
            break
    assert "in_progress" in seen
    assert current["started_at"] is not None and current["completed_at"] is not None
    assert current["expires_at"] is None
    assert current["usage"]["total_tokens"] > 0
    steps = client.get(f"/threads/t_life/runs/{run['id']}/steps").json()["data"]
    assert [s["status"] for s in steps] == ["completed"]
    messages = client.get("/threads/t_life/messages").json()["data"]
    assert messages[0]["content"][0]["text"]["value"].startswith("Hello! I am the runs emulator")


def test_stream_event_order_for_text(client: httpx.Client) -> None:
    body = {"assistant_id": "asst_text", "stream": True}
    events = decoded(parse_sse(client.post("/threads/t_order/runs", json=body).content))
    names = [n for n, _ in events]
    deltas = [d for n, d in events if n == "thread.message.delta"]
    head = ["thread.run.created", "thread.run.queued", "thread.run.in_progress",
            "thread.run.step.created", "thread.run.step.in_progress",
            "thread.message.created", "thread.message.in_progress"]  # fmt: skip
    tail = ["thread.message.completed", "thread.run.step.completed", "thread.run.completed", "done"]
    assert names == head + ["thread.message.delta"] * len(deltas) + tail
    assert len(deltas) > 5
    text = "".join(d["delta"]["content"][0]["text"]["value"] for d in deltas)
    completed = dict(events)["thread.message.completed"]
    assert completed["content"][0]["text"]["value"] == text
    assert events[-1] == ("done", "[DONE]")


def test_weather_requires_action_then_uses_outputs(client: httpx.Client) -> None:
    body = {"assistant_id": "asst_weather", "stream": True}
    events = decoded(parse_sse(client.post("/threads/t_wx/runs", json=body).content))
    arg_deltas = [
        d["delta"]["step_details"]["tool_calls"][0]["function"].get("arguments", "")
        for n, d in events
        if n == "thread.run.step.delta"
    ]
    assert len([a for a in arg_deltas if a]) >= 3
    assert "".join(arg_deltas) == '{"city": "Paris"}'
    run = events[-2][1]
    assert run["status"] == "requires_action"
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]
    assert call["function"] == {"name": "get_weather", "arguments": '{"city": "Paris"}'}
    path = f"/threads/t_wx/runs/{run['id']}/submit_tool_outputs"
    wrong = client.post(path, json={"tool_outputs": [{"tool_call_id": "nope", "output": "x"}]})
    assert wrong.status_code == 400
    ok = client.post(path, json={"tool_outputs": [{"tool_call_id": call["id"], "output": "31C"}]})
    assert ok.json()["status"] == "queued"
    final = wait_for_status(client, "t_wx", run["id"], {"completed"})
    assert final["required_action"] is None
    steps = client.get(f"/threads/t_wx/runs/{run['id']}/steps?order=asc").json()["data"]
    assert steps[0]["step_details"]["tool_calls"][0]["function"]["output"] == "31C"
    text = client.get("/threads/t_wx/messages").json()["data"][0]["content"][0]["text"]["value"]
    assert "31C" in text


def test_failed_and_expired_runs(client: httpx.Client) -> None:
    events = decoded(parse_sse(client.post(
        "/threads/t_bad/runs", json={"assistant_id": "asst_fail", "stream": True}
    ).content))  # fmt: skip
    failed = dict(events)["thread.run.failed"]
    assert failed["last_error"]["code"] == "server_error" and failed["failed_at"]
    assert "thread.run.step.failed" in dict(events)
    run = _create(client, "t_bad", "asst_expire")
    expired = wait_for_status(client, "t_bad", run["id"], {"expired"})
    assert expired["expires_at"] is not None
    steps = client.get(f"/threads/t_bad/runs/{run['id']}/steps").json()["data"]
    assert steps[0]["status"] == "expired" and steps[0]["expired_at"]


def test_cancel_in_progress_then_cancel_again_is_rejected(client: httpx.Client) -> None:
    run = _create(client, "t_cancel", "asst_weather", metadata={"emulator_step_ms": "1"})
    wait_for_status(client, "t_cancel", run["id"], {"requires_action"})
    cancelling = client.post(f"/threads/t_cancel/runs/{run['id']}/cancel").json()
    assert cancelling["status"] == "cancelling"
    final = wait_for_status(client, "t_cancel", run["id"], {"cancelled"})
    assert final["cancelled_at"] is not None and final["required_action"] is None
    again = client.post(f"/threads/t_cancel/runs/{run['id']}/cancel")
    assert again.status_code == 400
    assert again.json()["error"]["message"] == "Cannot cancel run with status 'cancelled'."


def test_real_error_bodies(client: httpx.Client) -> None:
    run = _create(client, "t_err", stream=False)
    wait_for_status(client, "t_err", run["id"], {"completed"})
    cancel = client.post(f"/threads/t_err/runs/{run['id']}/cancel")
    assert cancel.status_code == 400
    assert cancel.json() == {"error": {
        "message": "Cannot cancel run with status 'completed'.",
        "type": "invalid_request_error", "param": None, "code": None}}  # fmt: skip
    submit = client.post(
        f"/threads/t_err/runs/{run['id']}/submit_tool_outputs", json={"tool_outputs": []}
    )
    assert submit.status_code == 400
    assert submit.json()["error"]["message"] == (
        'Runs in status "completed" do not accept tool outputs.'
    )
    missing = client.get("/threads/t_err/runs/run_x")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No run found with id 'run_x'."
    assert client.get(f"/threads/other/runs/{run['id']}").status_code == 404
    assert client.get(f"/threads/t_err/runs/{run['id']}/steps/step_x").status_code == 404
    for query in ("limit=0", "limit=101", "limit=abc", "order=sideways"):
        bad = client.get(f"/threads/t_err/runs?{query}")
        assert bad.status_code == 400, query
        assert bad.json()["error"]["type"] == "invalid_request_error"
    assert client.post("/threads/t_err/runs", json={}).json()["error"]["code"] == (
        "missing_required_parameter"
    )
    unknown = client.post("/threads/t_err/runs", json={"assistant_id": "a", "bogus": 1})
    assert unknown.json()["error"]["param"] == "bogus"
    assert client.delete("/threads/t_err/runs").status_code == 404


def test_pagination_both_directions(client: httpx.Client) -> None:
    ids = [_create(client, "t_page", "asst_fail")["id"] for _ in range(7)]
    newest_first = list(reversed(ids))
    page1 = client.get("/threads/t_page/runs?limit=3").json()
    assert [r["id"] for r in page1["data"]] == newest_first[:3]
    assert page1["has_more"] and page1["first_id"] == ids[-1] and page1["last_id"] == ids[-3]
    page2 = client.get(f"/threads/t_page/runs?limit=3&after={page1['last_id']}").json()
    assert [r["id"] for r in page2["data"]] == newest_first[3:6] and page2["has_more"]
    page3 = client.get(f"/threads/t_page/runs?limit=3&after={page2['last_id']}").json()
    assert [r["id"] for r in page3["data"]] == newest_first[6:] and not page3["has_more"]
    back = client.get(f"/threads/t_page/runs?limit=2&before={page2['first_id']}").json()
    assert [r["id"] for r in back["data"]] == newest_first[1:3] and back["has_more"]
    asc = client.get("/threads/t_page/runs?order=asc&limit=100").json()
    assert [r["id"] for r in asc["data"]] == ids and not asc["has_more"]
    asc_after = client.get(f"/threads/t_page/runs?order=asc&after={ids[4]}").json()
    assert [r["id"] for r in asc_after["data"]] == ids[5:]
    default = client.get("/threads/t_page/runs").json()
    assert len(default["data"]) == 7
    include = "include[]=step_details.tool_calls[*].file_search.results[*].content"
    steps = client.get(f"/threads/t_page/runs/{ids[0]}/steps?{include}&limit=1").json()
    assert steps["object"] == "list"


def test_modify_replaces_metadata(client: httpx.Client) -> None:
    run = _create(client, "t_mod", metadata={"a": "1"})
    changed = client.post(f"/threads/t_mod/runs/{run['id']}", json={"metadata": {"b": "2"}})
    assert changed.json()["metadata"] == {"b": "2"}
    assert client.get(f"/threads/t_mod/runs/{run['id']}").json()["metadata"] == {"b": "2"}
    too_many = {str(i): "v" for i in range(17)}
    bad = client.post(f"/threads/t_mod/runs/{run['id']}", json={"metadata": too_many})
    assert bad.status_code == 400


def test_auth_any_key_and_missing_key(emu: EmulatorThread) -> None:
    no_key = httpx.get(emu.base_url + "/threads/t/runs")
    assert no_key.status_code == 401
    assert no_key.json()["error"]["message"].startswith("You didn't provide an API key.")
    assert no_key.json()["error"]["code"] is None
    assert no_key.headers["x-request-id"].startswith("req_")
    any_key = httpx.get(emu.base_url + "/threads/t/runs", headers={"Authorization": "Bearer x"})
    assert any_key.status_code == 200


def test_specific_key_rejects_others() -> None:
    with start_in_thread(api_key=KEY) as emu:
        wrong = httpx.get(
            emu.base_url + "/threads/t/runs", headers={"Authorization": "Bearer sk-nope-123456"}
        )
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "invalid_api_key"
        assert "sk-nope-123456" not in wrong.json()["error"]["message"]
        assert httpx.get(emu.base_url + "/threads/t/runs", headers=AUTH).status_code == 200


def test_request_ids_are_unique(client: httpx.Client) -> None:
    ids = {client.get("/threads/t_ids/runs").headers["x-request-id"] for _ in range(20)}
    assert len(ids) == 20


def test_idempotency_key_returns_the_same_run(emu: EmulatorThread, client: httpx.Client) -> None:
    before = emu.stats.runs_created
    headers = {"Idempotency-Key": "idem-1"}
    body = {"assistant_id": "asst_text"}
    first = client.post("/threads/t_idem/runs", json=body, headers=headers).json()
    second = client.post("/threads/t_idem/runs", json=body, headers=headers)
    assert second.json()["id"] == first["id"]
    assert second.headers["idempotent-replayed"] == "true"
    assert emu.stats.runs_created == before + 1
    other_path = client.post("/threads/t_idem2/runs", json=body, headers=headers).json()
    assert other_path["id"] != first["id"]
    stream_headers = {"Idempotency-Key": "idem-stream"}
    body = {"assistant_id": "asst_text", "stream": True}
    a = decoded(
        parse_sse(client.post("/threads/t_idem/runs", json=body, headers=stream_headers).content)
    )
    b = decoded(
        parse_sse(client.post("/threads/t_idem/runs", json=body, headers=stream_headers).content)
    )
    assert a == b and a[0][1]["id"] == b[0][1]["id"]
    assert emu.stats.runs_created == before + 3


def test_stats_endpoint_and_request_log(emu: EmulatorThread, client: httpx.Client) -> None:
    client.get("/threads/t_stats/runs", headers={"X-Custom-Probe": "yes"})
    probe = emu.stats.recent("GET", "/threads/t_stats/runs")[-1]
    assert probe.header("x-custom-probe") == "yes"
    assert probe.header("authorization") == "Bearer ****"  # the log never holds a key
    root = emu.base_url.removesuffix("/v1")
    snapshot = httpx.get(root + "/_emulator/stats").json()
    assert snapshot["requests"] >= 1 and snapshot["runs_created"] == emu.stats.runs_created
    assert snapshot["connections_accepted"] >= 1
    assert any(r["path"] == "/v1/threads/t_stats/runs" for r in snapshot["recent_requests"])


def test_keep_alive_reuses_one_connection(emu: EmulatorThread) -> None:
    before = emu.stats.connections_accepted
    with client_for(emu) as c:
        for _ in range(5):
            assert c.get("/threads/t_ka/runs").status_code == 200
        c.post("/threads/t_ka/runs", json={"assistant_id": "asst_text", "stream": True})
        assert c.get("/threads/t_ka/runs").status_code == 200
    assert emu.stats.connections_accepted == before + 1


def test_chunked_request_body_is_accepted(client: httpx.Client) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"assistant_id": '
        yield b'"asst_text"}'

    response = client.post("/threads/t_chunk/runs", content=body())
    assert response.status_code == 200 and response.json()["status"] == "queued"
