"""Code written for the official SDK's runs API runs unchanged on ours.

One function, written against ``client.beta.threads.runs`` as the ``openai`` package
documents it, is run with an ``openai.OpenAI`` client and with our ``Client``, both
pointed at the emulator; the outcomes must match.
"""

from __future__ import annotations

import warnings
from typing import Any

import openai
import pytest

from runs_adapters import Client
from runs_emulator import EmulatorThread


def sdk_style_program(client: Any, handler_base: type, thread_id: str) -> dict[str, Any]:
    runs = client.beta.threads.runs
    run = runs.create_and_poll(thread_id=thread_id, assistant_id="asst_weather")
    calls = run.required_action.submit_tool_outputs.tool_calls
    outputs = [{"tool_call_id": call.id, "output": "22C"} for call in calls]
    run = runs.submit_tool_outputs_and_poll(
        tool_outputs=outputs, run_id=run.id, thread_id=thread_id
    )
    steps = [step.type for step in runs.steps.list(run.id, thread_id=thread_id, order="asc")]
    updated = runs.update(run.id, thread_id=thread_id, metadata={"k": "v"})
    listed = [r.id for r in runs.list(thread_id, limit=1)]

    class Collect(handler_base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.text: list[str] = []

        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.text.append(delta.value)

    with runs.stream(
        thread_id=thread_id, assistant_id="asst_text", event_handler=Collect()
    ) as stream:
        stream.until_done()
        final = stream.get_final_run()
    return {
        "status": run.status,
        "steps": steps,
        "metadata": updated.metadata,
        "listed": len(listed),
        "streamed_status": final.status,
        "text": "".join(stream.text),
    }


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_same_sdk_program_gives_the_same_result(emulator: EmulatorThread) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sdk = openai.OpenAI(api_key="sk-x", base_url=emulator.base_url, max_retries=0)
        theirs = sdk_style_program(sdk, openai.AssistantEventHandler, "thread_sdk_a")
    from runs_adapters import AssistantEventHandler

    with Client(api_key="sk-x", base_url=emulator.base_url) as ours_client:
        ours = sdk_style_program(ours_client, AssistantEventHandler, "thread_sdk_b")
    assert ours == theirs
    assert ours["status"] == "completed" and ours["text"].startswith("Hello")


def sdk_style_error_handling(client: Any, errors: Any, thread_id: str) -> list[Any]:
    """A program that handles the API's errors as SDK code does; ``errors`` stands for the
    one line a migration changes (``import openai`` -> ``import runs_adapters``)."""
    runs = client.beta.threads.runs
    seen: list[Any] = []
    try:
        runs.retrieve("run_does_not_exist", thread_id=thread_id)
    except errors.NotFoundError as error:
        seen.append(("not found", error.status_code, error.body["message"], str(error)))
    run = runs.create_and_poll(thread_id=thread_id, assistant_id="asst_text")
    for attempt in (
        lambda: runs.cancel(run.id, thread_id=thread_id),
        lambda: runs.submit_tool_outputs(
            run.id, thread_id=thread_id, tool_outputs=[{"tool_call_id": "x", "output": "y"}]
        ),
    ):
        try:
            attempt()
        except errors.BadRequestError as error:
            seen.append(("bad request", error.status_code, error.body, error.type, str(error)))
        except errors.APIStatusError as error:  # pragma: no cover - would be a mismatch
            seen.append(("other status", error.status_code))
    try:
        runs.retrieve("", thread_id=thread_id)
    except ValueError as error:
        seen.append(("value error", str(error)))
    return seen


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_same_error_handling_gives_the_same_result(emulator: EmulatorThread) -> None:
    import runs_adapters

    sdk = openai.OpenAI(api_key="sk-x", base_url=emulator.base_url, max_retries=0)
    theirs = sdk_style_error_handling(sdk, openai, "thread_sdk_errors_a")
    with Client(api_key="sk-x", base_url=emulator.base_url, max_retries=0) as ours_client:
        ours = sdk_style_error_handling(ours_client, runs_adapters, "thread_sdk_errors_b")
    assert [entry[0] for entry in theirs] == [
        "not found", "bad request", "bad request", "value error"
    ]  # fmt: skip
    assert ours == theirs
