"""Every scenario of the client API, on every transport, over real loopback HTTP.

Each test is one ``async def`` scenario run against the session's emulator with a
client on each of the five transports (see ``conftest.TRANSPORTS``).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests._helpers.unified import make_client, run_scenario, sleep

import runs_core
from runs_emulator import EmulatorThread, start_in_thread


def _thread() -> str:
    return f"thread_{uuid.uuid4().hex[:12]}"


def _fault(spec: str) -> dict[str, Any]:
    return {"extra_headers": {"X-Emulator-Fault": spec}}


def test_every_plain_method(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            run = await client.runs.create(thread, assistant_id="asst_text", metadata={"a": "1"})
            assert run.thread_id == thread and run.metadata == {"a": "1"}
            fetched = await client.runs.retrieve(run.id, thread_id=thread)
            assert fetched.id == run.id
            updated = await client.runs.update(run.id, thread_id=thread, metadata={"b": "2"})
            assert updated.metadata == {"b": "2"}
            done = await client.runs.poll(run.id, thread, poll_interval_ms=5)
            assert done.status == "completed"
            page = await client.runs.steps.list(run.id, thread_id=thread)
            steps = [step async for step in page]
            assert steps, "a completed run has steps"
            step = await client.runs.steps.retrieve(steps[0].id, thread_id=thread, run_id=run.id)
            assert step.id == steps[0].id and step.run_id == run.id
            cancelled = await client.runs.create(thread, assistant_id="asst_weather")
            after = await client.runs.cancel(cancelled.id, thread_id=thread)
            assert after.status in ("cancelling", "cancelled")
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_tool_call_round_trip_plain(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            run = await client.runs.create_and_poll(
                thread_id=thread, assistant_id="asst_weather", poll_interval_ms=5
            )
            assert run.status == "requires_action"
            calls = run.required_action.submit_tool_outputs.tool_calls
            outputs = [{"tool_call_id": c.id, "output": "sunny, 21C"} for c in calls]
            submitted = await client.runs.submit_tool_outputs(
                run.id, thread_id=thread, tool_outputs=outputs
            )
            assert submitted.id == run.id
            final = await client.runs.poll(run.id, thread, poll_interval_ms=5)
            assert final.status == "completed"
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_streamed_create_and_submit(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            stream = await client.runs.create(thread, assistant_id="asst_weather", stream=True)
            events = [event async for event in stream]
            assert events[0].event == "thread.run.created"
            assert events[-1].event == "thread.run.requires_action"
            assert stream.request_id and stream.request_id.startswith("req_")
            run = events[-1].data
            calls = run.required_action.submit_tool_outputs.tool_calls
            outputs = [{"tool_call_id": c.id, "output": "sunny"} for c in calls]
            second = await client.runs.submit_tool_outputs(
                run.id, thread_id=thread, tool_outputs=outputs, stream=True
            )
            names = [event.event async for event in second]
            assert "thread.message.delta" in names
            assert names[-1] == "thread.run.completed"
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_pagination_across_pages_both_ways(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            created = [
                (await client.runs.create(thread, assistant_id="asst_text")).id for _ in range(5)
            ]
            newest_first = [r.id async for r in client.runs.list(thread, limit=2)]
            assert newest_first == created[::-1]
            oldest_first = [r.id async for r in client.runs.list(thread, limit=2, order="asc")]
            assert oldest_first == created
            first = await client.runs.list(thread, limit=2, order="asc")
            assert [r.id for r in first.data] == created[:2] and first.has_more
            second = await first.get_next_page()
            assert [r.id for r in second.data] == created[2:4]
            backwards = await client.runs.list(thread, limit=2, order="asc", before=created[4])
            ids = [r.id async for r in backwards]
            assert sorted(ids) == sorted(created[:4])
        finally:
            await client.close()

    run_scenario(transport, scenario)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, runs_core.BadRequestError),
        (401, runs_core.AuthenticationError),
        (403, runs_core.PermissionDeniedError),
        (404, runs_core.NotFoundError),
        (409, runs_core.ConflictError),
        (422, runs_core.UnprocessableEntityError),
        (429, runs_core.RateLimitError),
        (500, runs_core.InternalServerError),
        (503, runs_core.InternalServerError),
    ],
)
def test_each_error_class(
    emulator: EmulatorThread, transport: tuple[str, str], status: int, error: type[Exception]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=0)
        try:
            with pytest.raises(error) as caught:
                await client.runs.retrieve(
                    "run_x", thread_id=_thread(), **_fault(f"status={status}")
                )
            assert isinstance(caught.value, runs_core.APIStatusError)
            assert caught.value.status_code == status
            assert caught.value.request_id and caught.value.request_id.startswith("req_")
        finally:
            await client.close()

    run_scenario(transport, scenario)


@pytest.mark.parametrize("status", [429, 503])
def test_retries_honour_retry_after(
    emulator: EmulatorThread, transport: tuple[str, str], status: int
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=2)
        thread = _thread()
        key = uuid.uuid4().hex
        before = emulator.stats.requests
        try:
            run = await client.runs.create(
                thread,
                assistant_id="asst_text",
                **_fault(f"status={status};times=2;key={key};retry-after-ms=10"),
            )
            assert run.thread_id == thread
            assert emulator.stats.requests - before == 3
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_no_retry_when_server_says_so(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=3)
        before = emulator.stats.requests
        try:
            with pytest.raises(runs_core.InternalServerError):
                await client.runs.retrieve(
                    "run_x", thread_id=_thread(), **_fault("status=503;should-retry=false")
                )
            assert emulator.stats.requests - before == 1
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_dropped_connection_mid_stream_is_an_error(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        seen = []
        try:
            stream = await client.runs.create(
                _thread(), assistant_id="asst_text", stream=True, **_fault("drop-after-events=5")
            )
            with pytest.raises((runs_core.APIConnectionError, runs_core.StreamIncompleteError)):
                async for event in stream:
                    seen.append(event)
            assert len(seen) <= 5
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_stream_without_done_is_incomplete(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        try:
            stream = await client.runs.create(
                _thread(), assistant_id="asst_text", stream=True, **_fault("no-done")
            )
            with pytest.raises(runs_core.StreamIncompleteError) as caught:
                async for _ in stream:
                    pass
            assert caught.value.request_id == stream.request_id
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_stalled_stream_times_out(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, timeout=0.5, max_retries=0)
        try:
            stream = await client.runs.create(
                _thread(), assistant_id="asst_text", stream=True, **_fault("stall=5")
            )
            with pytest.raises(runs_core.APITimeoutError):
                async for _ in stream:
                    pass
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_leaving_streams_early_leaks_no_connection(transport: tuple[str, str]) -> None:
    # A server of its own, so connections left by other tests cannot blur the count.
    with start_in_thread() as emulator:

        async def scenario() -> None:
            client = make_client(transport, emulator.base_url)
            thread = _thread()
            try:
                for _ in range(100):
                    stream = await client.runs.create(
                        thread,
                        assistant_id="asst_long",
                        stream=True,
                        metadata={"deltas": "100000"},  # far more than socket buffers hold
                    )
                    async with stream:
                        async for event in stream:
                            if event.event == "thread.message.delta":
                                break
            finally:
                await client.close()
            for _ in range(200):
                if emulator.stats.connections_open == 0 and emulator.stats.streams_aborted >= 100:
                    break
                await sleep(transport, 0.02)
            assert emulator.stats.connections_open == 0
            assert emulator.stats.streams_aborted == 100

        run_scenario(transport, scenario)


def test_raw_and_streaming_responses(emulator: EmulatorThread, transport: tuple[str, str]) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            raw = await client.runs.with_raw_response.create(thread, assistant_id="asst_text")
            assert raw.status_code == 200 and raw.request_id.startswith("req_")
            run = raw.parse()
            assert run.thread_id == thread and raw.parse() is run
            raw_step_page = await client.runs.steps.with_raw_response.list(run.id, thread_id=thread)
            assert raw_step_page.status_code == 200
        finally:
            await client.close()

    run_scenario(transport, scenario)


@pytest.mark.parametrize("name", ["httpx", "aiohttp", "trio"])
def test_fifty_concurrent_streams_on_async_transports(emulator: EmulatorThread, name: str) -> None:
    transport = (name, "async")

    async def one(client: Any, counts: list[int]) -> None:
        stream = await client.runs.create(_thread(), assistant_id="asst_text", stream=True)
        counts.append(sum([1 async for event in stream if event.event == "thread.message.delta"]))

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        counts: list[int] = []
        try:
            if name == "trio":
                import trio

                async with trio.open_nursery() as nursery:
                    for _ in range(50):
                        nursery.start_soon(one, client, counts)
            else:
                import asyncio

                await asyncio.gather(*(one(client, counts) for _ in range(50)))
        finally:
            await client.close()
        assert len(counts) == 50 and len(set(counts)) == 1 and counts[0] >= 10

    run_scenario(transport, scenario)


def test_client_event_size_limit_applies_to_its_streams(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_event_size=64)
        try:
            stream = await client.runs.create(_thread(), assistant_id="asst_text", stream=True)
            with pytest.raises(runs_core.LimitExceededError) as caught:
                async for _ in stream:
                    pass
            assert caught.value.request_id == stream.request_id
        finally:
            await client.close()

    run_scenario(transport, scenario)


def test_a_misspelt_client_option_is_refused() -> None:
    from runs_adapters import AsyncClient, Client

    with pytest.raises(TypeError, match="api_kye"):
        Client(api_kye="k")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="max_retry"):
        AsyncClient(api_key="k", max_retry=1)  # type: ignore[call-arg]


def test_an_error_event_raises_with_its_payload_not_a_connection_error(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        seen: list[str] = []
        try:
            stream = await client.runs.create(
                _thread(), assistant_id="asst_text", stream=True,
                **_fault("error-event;error-after-events=4"),
            )  # fmt: skip
            with pytest.raises(runs_core.StreamErrorEvent) as caught:
                async for event in stream:
                    seen.append(event.event)
            assert len(seen) == 4
            assert caught.value.error["code"] == "server_error"
            assert caught.value.request_id == stream.request_id
        finally:
            await client.close()

    run_scenario(transport, scenario)
