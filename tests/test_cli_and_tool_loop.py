"""The ``runs`` command and the tool loop, end to end against the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from runs_adapters import Client
from runs_adapters.cli import main
from runs_core import ToolCallError, ToolLoopState
from runs_core.models import Run
from runs_emulator import EmulatorThread


@pytest.mark.parametrize("transport", ["httpx", "requests", "httpx-async", "aiohttp", "trio"])
def test_demo_streams_a_tool_calling_run_on_every_transport(
    transport: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--transport", transport]) == 0
    out = capsys.readouterr().out
    assert "get_weather({'city': 'Paris'})" in out
    assert "assistant> " in out and "sunny" in out
    assert ": completed |" in out and "tokens" in out


def test_stream_command_needs_a_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["stream", "--base-url", "http://127.0.0.1:9/v1"]) == 2
    assert "no API key" in capsys.readouterr().err


def test_stream_command_against_a_running_server(
    emulator: EmulatorThread, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["stream", "--base-url", emulator.base_url, "--api-key", "sk-x"])
    assert code == 0
    assert ": completed |" in capsys.readouterr().out


def test_stream_command_reports_connection_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["stream", "--base-url", "http://127.0.0.1:9/v1", "--api-key", "sk-x"])
    assert code == 1
    assert "APIConnectionError" in capsys.readouterr().err


def test_tool_loop_submits_tool_output_and_completes(emulator: EmulatorThread) -> None:
    calls: list[dict[str, Any]] = []

    def weather(**arguments: Any) -> dict[str, Any]:
        calls.append(arguments)
        return {"forecast": "rain"}

    with Client(api_key="k", base_url=emulator.base_url) as client:
        run = client.runs.run_tools(
            thread_id="thread_tools",
            assistant_id="asst_weather",
            functions={"get_weather": weather},
        )
    assert run.status == "completed"
    assert calls == [{"city": "Paris"}]
    submitted = emulator.stats.recent("POST", "submit_tool_outputs")
    assert submitted, "the loop submitted outputs"


def test_tool_loop_submits_the_error_text_of_a_failing_tool(emulator: EmulatorThread) -> None:
    def broken(**_: Any) -> str:
        raise RuntimeError("sensor offline")

    with Client(api_key="k", base_url=emulator.base_url) as client:
        run = client.runs.run_tools(
            thread_id="thread_tools", assistant_id="asst_weather", functions={"get_weather": broken}
        )
    assert run.status == "completed"


def test_tool_loop_can_stop_on_errors(emulator: EmulatorThread) -> None:
    with (
        Client(api_key="k", base_url=emulator.base_url) as client,
        pytest.raises(ToolCallError, match="unknown tool 'get_weather'"),
    ):
        client.runs.run_tools(
            thread_id="thread_tools", assistant_id="asst_weather", functions={}, on_error="raise"
        )


def _requires_action(arguments: str, name: str = "f") -> Run:
    return Run.model_validate(
        {
            "id": "run_1", "object": "thread.run", "created_at": 1, "thread_id": "t",
            "assistant_id": "a", "status": "requires_action", "model": "m", "tools": [],
            "instructions": "", "required_action": {"type": "submit_tool_outputs",
            "submit_tool_outputs": {"tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": name, "arguments": arguments}}]}},
        }
    )  # fmt: skip


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"'])
def test_bad_arguments_become_an_error_output(raw: str) -> None:
    state = ToolLoopState({"f": lambda **kw: "never"})
    state.run = _requires_action(raw)
    (invocation,) = state.pending()
    assert invocation.function is None and invocation.problem
    output = state.output(invocation)
    assert output["tool_call_id"] == "call_1" and output["output"].startswith("error: ")


def test_results_that_are_not_text_are_sent_as_json() -> None:
    state = ToolLoopState({"f": lambda **kw: kw})
    state.run = _requires_action('{"x": 1}')
    (invocation,) = state.pending()
    assert invocation.arguments == {"x": 1}
    output = state.output(invocation, result={"x": 1})
    assert json.loads(output["output"]) == {"x": 1}


def test_raise_policy_raises_with_the_invocation() -> None:
    state = ToolLoopState({"f": lambda **kw: 1}, on_error="raise")
    state.run = _requires_action("{}")
    (invocation,) = state.pending()
    with pytest.raises(ToolCallError) as caught:
        state.output(invocation, error=ValueError("boom"))
    assert caught.value.invocation is invocation and "boom" in str(caught.value)


@pytest.mark.parametrize(
    ("command", "usage"), [("emulator", "usage: runs emulator"), ("bench", "usage: runs bench")]
)
def test_subcommands_dispatch_to_their_own_help(
    command: str, usage: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([command, "--help"])
    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(usage)
