"""Ids that need percent-encoding come back as they were sent, on every transport."""

from __future__ import annotations

from tests._helpers.unified import make_client, run_scenario

from runs_emulator import EmulatorThread

THREAD = "thread with spaces/and a slash?é"


def test_an_id_that_needs_encoding_round_trips(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    seen: dict[str, object] = {}

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        try:
            run = await client.runs.create(THREAD, assistant_id="asst_text")
            seen["created"] = run.thread_id
            seen["retrieved"] = (await client.runs.retrieve(run.id, thread_id=THREAD)).thread_id
            seen["listed"] = [item.id async for item in client.runs.list(THREAD)]
            seen["run"] = run.id
        finally:
            await client.close()

    run_scenario(transport, scenario)
    assert seen["created"] == seen["retrieved"] == THREAD
    assert seen["run"] in seen["listed"]  # type: ignore[operator]
