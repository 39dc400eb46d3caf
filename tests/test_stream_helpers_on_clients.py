"""The stream helpers on the clients: a handler follows a run across two streams."""

from __future__ import annotations

import asyncio

import pytest
import trio

from runs_adapters import AsyncClient, Client
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
