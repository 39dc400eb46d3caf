"""Polling: the core flow driven by hand, and the client methods against the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runs_adapters import Client
from runs_core import (
    APITimeoutError,
    ClientConfig,
    Headers,
    RequestBuilder,
    Response,
    Send,
    Sleep,
    send_and_poll,
)
from runs_core._polling import poll_interval
from runs_emulator import EmulatorThread

BUILDER = RequestBuilder(ClientConfig(api_key="k", base_url="https://api.test/v1"))


def _run(status: str) -> bytes:
    return json.dumps(
        {
            "id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "thread_1",
            "assistant_id": "asst_1", "status": status, "model": "m", "instructions": "",
            "tools": [],
        }
    ).encode()  # fmt: skip


def _drive(flow: Any, answers: list[tuple[str, dict[str, str]]]) -> tuple[list[Any], Any]:
    """Answer each Send with the next run status; return the effects seen and the result."""
    effects: list[Any] = []
    outcome: Any = None
    try:
        while True:
            effect = flow.send(outcome)
            effects.append(effect)
            if isinstance(effect, Send):
                status, headers = answers.pop(0)
                outcome = Response(200, Headers(headers), _run(status))
            else:
                outcome = None
    except StopIteration as stop:
        return effects, stop.value


def _flow(interval: float | None = None, timeout: float | None = None, clock: Any = None) -> Any:
    request = BUILDER.create_run("thread_1", assistant_id="asst_1")
    return send_and_poll(
        BUILDER, request, interval=interval, timeout=timeout, now=lambda: 0.0,
        monotonic=clock or (lambda: 0.0), jitter=lambda: 0.0,
    )  # fmt: skip


def test_polls_until_a_terminal_status() -> None:
    effects, run = _drive(_flow(), [("queued", {}), ("in_progress", {}), ("completed", {})])
    assert run.status == "completed"
    sends = [e for e in effects if isinstance(e, Send)]
    assert sends[0].request.method == "POST"
    assert [s.request.method for s in sends[1:]] == ["GET", "GET"]
    assert sends[1].request.url == "https://api.test/v1/threads/thread_1/runs/run_1"


def test_stops_at_requires_action() -> None:
    effects, run = _drive(_flow(), [("queued", {}), ("requires_action", {})])
    assert run.status == "requires_action"
    assert sum(isinstance(e, Send) for e in effects) == 2


def test_sleeps_for_the_server_hint_unless_the_caller_set_an_interval() -> None:
    answers = [("queued", {"openai-poll-after-ms": "250"}), ("completed", {})]
    effects, _ = _drive(_flow(), list(answers))
    assert [e.seconds for e in effects if isinstance(e, Sleep)] == [0.25]
    effects, _ = _drive(_flow(interval=0.05), list(answers))
    assert [e.seconds for e in effects if isinstance(e, Sleep)] == [0.05]


def test_default_interval_without_a_hint_is_one_second() -> None:
    response = Response(200, Headers({"openai-poll-after-ms": "soon"}), b"")
    assert poll_interval(response, None) == 1.0


def test_deadline_raises_instead_of_sleeping_past_it() -> None:
    now = [0.0]
    flow = _flow(interval=1.0, timeout=2.5, clock=lambda: now[0])
    outcome: Any = None
    with pytest.raises(APITimeoutError, match="polling deadline"):
        while True:
            effect = flow.send(outcome)
            if isinstance(effect, Sleep):
                now[0] += effect.seconds
                outcome = None
            else:
                outcome = Response(200, Headers(), _run("in_progress"))
    assert now[0] == 2.0


def test_client_poll_timeout_on_a_slow_run(emulator: EmulatorThread) -> None:
    client = Client(api_key="k", base_url=emulator.base_url)
    with client, pytest.raises(APITimeoutError):
        client.runs.create_and_poll(
            thread_id="thread_poll", assistant_id="asst_text",
            metadata={"emulator_step_ms": "2000"}, poll_interval_ms=20, poll_timeout=0.2,
        )  # fmt: skip


def test_client_submit_tool_outputs_and_poll(emulator: EmulatorThread) -> None:
    with Client(api_key="k", base_url=emulator.base_url) as client:
        run = client.runs.create_and_poll(
            thread_id="thread_poll", assistant_id="asst_weather", poll_interval_ms=5
        )
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        done = client.runs.submit_tool_outputs_and_poll(
            thread_id="thread_poll", run_id=run.id, poll_interval_ms=5,
            tool_outputs=[{"tool_call_id": call.id, "output": "fog"}],
        )  # fmt: skip
    assert done.status == "completed"


def test_streaming_response_of_a_stream_parses_to_a_stream(emulator: EmulatorThread) -> None:
    with Client(api_key="k", base_url=emulator.base_url) as client:
        with client.runs.with_streaming_response.create(
            "thread_poll", assistant_id="asst_text", stream=True
        ) as response:
            assert response.status_code == 200 and response.request_id
            names = [event.event for event in response.parse()]
        assert names[-1] == "thread.run.completed"
        with client.runs.with_streaming_response.list("thread_poll", limit=1) as listed:
            assert json.loads(listed.read())["object"] == "list"
