"""The stream helpers on the clients: a handler follows a run across two streams."""

from __future__ import annotations

import asyncio

import pytest
import trio

from runs_adapters import AssistantEventHandler, AsyncClient, Client
from runs_emulator import EmulatorThread


@pytest.mark.parametrize("transport", ["httpx", "requests"])
def test_sync_helpers_continue_a_run_after_tool_outputs(
    emulator: EmulatorThread, transport: str
) -> None:
    with Client(api_key="k", base_url=emulator.base_url, transport=transport) as client:
        with client.runs.create_and_stream(thread_id="t_h", assistant_id="asst_weather") as first:
            first.until_done()
            run = first.get_final_run()
        assert run.status == "requires_action"
        (call,) = run.required_action.submit_tool_outputs.tool_calls
        outputs = [{"tool_call_id": call.id, "output": "rainy"}]
        with client.runs.submit_tool_outputs_stream(
            thread_id="t_h", run_id=run.id, tool_outputs=outputs
        ) as second:
            text = "".join(second.text_deltas)
        assert second.get_final_run().status == "completed"
        assert "rainy" in text
        with client.runs.stream(thread_id="t_h", assistant_id="asst_text") as plain:
            messages = plain.get_final_messages()
        assert messages and messages[0].content[0].text.value


@pytest.mark.parametrize("transport", ["httpx", "aiohttp", "trio"])
def test_async_helpers_stream_text(emulator: EmulatorThread, transport: str) -> None:
    async def scenario() -> str:
        async with AsyncClient(api_key="k", base_url=emulator.base_url, transport=transport) as c:
            async with c.runs.stream(thread_id="t_a", assistant_id="asst_text") as handler:
                pieces = [piece async for piece in handler.text_deltas]
            run = await handler.get_final_run()
            assert run.status == "completed"
            return "".join(pieces)

    text = trio.run(scenario) if transport == "trio" else asyncio.run(scenario())
    assert text.startswith("Hello")


@pytest.mark.parametrize("transport", ["httpx", "requests"])
def test_an_error_event_reaches_on_exception_and_until_done_raises(
    emulator: EmulatorThread, transport: str
) -> None:
    from runs_adapters import AssistantEventHandler
    from runs_core import StreamErrorEvent

    class Recorder(AssistantEventHandler):
        def __init__(self) -> None:
            super().__init__()
            self.errors: list[Exception] = []

        def on_exception(self, exception: Exception) -> None:
            self.errors.append(exception)

    handler = Recorder()
    fault = {"X-Emulator-Fault": "error-event;error-after-events=3"}
    client = Client(api_key="k", base_url=emulator.base_url, transport=transport)
    manager = client.runs.stream(
        thread_id="t_err", assistant_id="asst_text", event_handler=handler, extra_headers=fault
    )
    with client, manager as stream, pytest.raises(StreamErrorEvent):
        stream.until_done()
    assert len(handler.errors) == 1 and isinstance(handler.errors[0], StreamErrorEvent)


def _outputs(run: object) -> list[dict[str, str]]:
    calls = run.required_action.submit_tool_outputs.tool_calls  # type: ignore[attr-defined]
    return [{"tool_call_id": call.id, "output": "cloudy"} for call in calls]


class _ToolCallLog(AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.log: list[str] = []

    def on_tool_call_created(self, tool_call: object) -> None:
        self.log.append("created")

    def on_tool_call_done(self, tool_call: object) -> None:
        self.log.append("done")


def test_continue_from_hands_the_snapshots_to_the_next_stream(emulator: EmulatorThread) -> None:
    first, second = _ToolCallLog(), _ToolCallLog()
    with Client(api_key="k", base_url=emulator.base_url) as client:
        with client.runs.stream(
            thread_id="t_cont", assistant_id="asst_weather", event_handler=first
        ) as stream:
            stream.until_done()
            run = stream.get_final_run()
        with client.runs.submit_tool_outputs_stream(
            thread_id="t_cont", run_id=run.id, tool_outputs=_outputs(run),
            event_handler=second, continue_from=first,
        ) as kept:  # fmt: skip
            kept.until_done()
    assert kept.accumulator is first.accumulator
    assert [step.type for step in kept.get_final_run_steps()] == ["tool_calls", "message_creation"]
    assert first.log + second.log == ["created", "done"]  # once each across both streams
    assert kept.get_final_run().status == "completed"


def test_async_continue_from_hands_the_snapshots_to_the_next_stream(
    emulator: EmulatorThread,
) -> None:
    async def scenario() -> bool:
        async with AsyncClient(api_key="k", base_url=emulator.base_url) as client:
            async with client.runs.stream(thread_id="t_ac", assistant_id="asst_weather") as first:
                await first.until_done()
                run = await first.get_final_run()
            async with client.runs.submit_tool_outputs_stream(
                thread_id="t_ac", run_id=run.id, tool_outputs=_outputs(run), continue_from=first
            ) as kept:
                await kept.until_done()
            return kept.accumulator is first.accumulator

    assert asyncio.run(scenario())
