"""The official `openai` SDK, pointed at the emulator, completes every runs and steps call."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from tests._helpers.emulator import KEY, emulator_thread

from runs_emulator import EmulatorServer, EmulatorThread

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorThread]:
    yield from emulator_thread(api_key=KEY)


@pytest.fixture
def sdk(emu: EmulatorThread) -> Iterator[openai.OpenAI]:
    client = openai.OpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0)
    yield client
    client.close()


def test_plain_calls(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    thread = sdk.beta.threads.create()
    run = runs.create(thread_id=thread.id, assistant_id="asst_text", metadata={"k": "v"})
    assert run.status == "queued" and run.metadata == {"k": "v"}
    done = runs.poll(run.id, thread_id=thread.id, poll_interval_ms=5)
    assert done.status == "completed" and done.usage is not None
    assert runs.retrieve(run.id, thread_id=thread.id).id == run.id
    updated = runs.update(run.id, thread_id=thread.id, metadata={"k": "w"})
    assert updated.metadata == {"k": "w"}
    page = runs.list(thread_id=thread.id, limit=1)
    assert [r.id for r in page.data] == [run.id]
    steps = runs.steps.list(run.id, thread_id=thread.id)
    assert len(steps.data) == 1 and steps.data[0].type == "message_creation"
    step = runs.steps.retrieve(steps.data[0].id, thread_id=thread.id, run_id=run.id)
    assert step.status == "completed" and step.usage is not None
    with pytest.raises(openai.BadRequestError, match="Cannot cancel run with status"):
        runs.cancel(run.id, thread_id=thread.id)
    with pytest.raises(openai.NotFoundError):
        runs.retrieve("run_missing", thread_id=thread.id)


def test_cancel_and_auto_paging(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    made = [runs.create(thread_id="t_sdk_page", assistant_id="asst_weather").id for _ in range(5)]
    everything = [r.id for r in runs.list(thread_id="t_sdk_page", limit=2)]
    assert everything == list(reversed(made))
    cancelled = runs.cancel(made[0], thread_id="t_sdk_page")
    assert cancelled.status == "cancelling"


def test_create_and_poll_and_submit_and_poll(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    run = runs.create_and_poll(thread_id="t_sdk_poll", assistant_id="asst_weather",
                               poll_interval_ms=5)  # fmt: skip
    assert run.status == "requires_action" and run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert call.function.name == "get_weather"
    finished = runs.submit_tool_outputs_and_poll(
        run_id=run.id,
        thread_id="t_sdk_poll",
        tool_outputs=[{"tool_call_id": call.id, "output": "18C"}],
        poll_interval_ms=5,
    )
    assert finished.status == "completed"


def test_raw_streams(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    stream = runs.create(thread_id="t_sdk_stream", assistant_id="asst_weather", stream=True)
    events = list(stream)
    assert events[-1].event == "thread.run.requires_action"
    run = events[-1].data
    call = run.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    after = runs.submit_tool_outputs(
        run_id=run.id,
        thread_id="t_sdk_stream",
        tool_outputs=[{"tool_call_id": call.id, "output": "warm"}],
        stream=True,
    )
    names = [event.event for event in after]
    assert names[0] == "thread.run.step.completed" and names[-1] == "thread.run.completed"
    for assistant in ("asst_code", "asst_annotated", "asst_fail", "asst_expire"):
        all_events = list(
            runs.create(thread_id="t_sdk_stream", assistant_id=assistant, stream=True)
        )
        assert all_events[-1].event.startswith("thread.run.")


def test_plain_submit_tool_outputs(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    run = runs.create_and_poll(thread_id="t_sdk_sub", assistant_id="asst_weather",
                               poll_interval_ms=5)  # fmt: skip
    assert run.required_action is not None
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    queued = runs.submit_tool_outputs(
        run_id=run.id,
        thread_id="t_sdk_sub",
        tool_outputs=[{"tool_call_id": call.id, "output": "ok"}],
    )
    assert queued.status == "queued"


class Recorder(openai.AssistantEventHandler):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tool_inputs: list[str] = []
        self.seen: list[str] = []

    def on_event(self, event: Any) -> None:
        self.seen.append(event.event)

    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        self.text.append(delta.value or "")

    def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
        if delta.type == "code_interpreter" and delta.code_interpreter.input:
            self.tool_inputs.append(delta.code_interpreter.input)


def test_stream_helpers_with_event_handler(sdk: openai.OpenAI) -> None:
    runs = sdk.beta.threads.runs
    handler = Recorder()
    with runs.stream(thread_id="t_sdk_h", assistant_id="asst_code", event_handler=handler) as s:
        s.until_done()
        final = s.get_final_run()
        messages = s.get_final_messages()
    assert final.status == "completed"
    assert "".join(handler.tool_inputs) == "print(sum(range(10)))"
    assert messages[0].content[0].text.value == "".join(handler.text)  # type: ignore[union-attr]
    with runs.stream(thread_id="t_sdk_h", assistant_id="asst_weather") as s:
        s.until_done()
        pending = s.get_final_run()
    call = pending.required_action.submit_tool_outputs.tool_calls[0]  # type: ignore[union-attr]
    handler2 = Recorder()
    with runs.submit_tool_outputs_stream(
        run_id=pending.id,
        thread_id="t_sdk_h",
        tool_outputs=[{"tool_call_id": call.id, "output": "breezy"}],
        event_handler=handler2,
    ) as s:
        s.until_done()
    assert "breezy" in "".join(handler2.text)
    assert handler2.seen[-1] == "thread.run.completed"
    annotated = Recorder()
    with runs.stream(
        thread_id="t_sdk_h", assistant_id="asst_annotated", event_handler=annotated
    ) as s:
        s.until_done()
        message = s.get_final_messages()[0]
    assert message.content[0].text.annotations[0].type == "file_citation"  # type: ignore[union-attr]


def test_async_sdk_against_in_loop_server() -> None:
    async def scenario() -> None:
        async with EmulatorServer() as server:
            client = openai.AsyncOpenAI(api_key="any", base_url=server.base_url, max_retries=0)
            runs = client.beta.threads.runs
            run = await runs.create_and_poll(thread_id="t_async", assistant_id="asst_text",
                                             poll_interval_ms=5)  # fmt: skip
            assert run.status == "completed"
            stream = await runs.create(thread_id="t_async", assistant_id="asst_text", stream=True)
            names = [event.event async for event in stream]
            assert names[-1] == "thread.run.completed"
            await client.close()

    asyncio.run(scenario())
