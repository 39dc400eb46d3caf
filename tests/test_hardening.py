"""The hardening guarantees, proved on all five transports against the emulator.

No duplicate runs (idempotency keys), connections reused after streams, request ids on
every response-derived object and error, and nothing but documented headers on the wire.
Limits against hostile servers are in ``test_hardening_limits.py``; logs and secrets in
``test_hardening_logs.py``. See ``docs/hardening.md``.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tests._helpers.unified import make_client, run_scenario, sleep

import runs_core
from runs_emulator import EmulatorThread
from runs_emulator._stats import RequestRecord

# Header names (lower case) the library may put on the wire; the transport's own framing
# headers included. OpenAI-Organization/-Project only when configured.
ALLOWED_HEADERS = frozenset(
    {
        "host", "content-length", "authorization", "openai-beta", "accept", "user-agent",
        "content-type", "idempotency-key", "accept-encoding", "connection",
        "transfer-encoding", "openai-organization", "openai-project",
    }
)  # fmt: skip


def _thread() -> str:
    return f"thread_{uuid.uuid4().hex[:12]}"


def _fault(spec: str) -> dict[str, Any]:
    return {"extra_headers": {"X-Emulator-Fault": spec}}


def _records(emulator: EmulatorThread, thread: str, method: str | None = None) -> list[Any]:
    return emulator.stats.recent(method=method, path_contains=f"/threads/{thread}/")


def _values(record: RequestRecord, name: str) -> list[str]:
    return [value for key, value in record.headers if key.lower() == name]


# -- no duplicate runs ------------------------------------------------------------------


def test_dropped_create_is_retried_without_a_second_run(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=2)
        thread = _thread()
        try:
            run = await client.runs.create(
                thread,
                assistant_id="asst_text",
                **_fault(f"drop-response;times=1;key={uuid.uuid4()}"),
            )
            runs = [r.id async for r in client.runs.list(thread)]
        finally:
            await client.close()
        assert runs == [run.id]

    run_scenario(transport, scenario)


def test_every_attempt_of_a_dropped_create_carries_the_same_key(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=2)
        thread = _thread()
        try:
            await client.runs.create(
                thread,
                assistant_id="asst_text",
                **_fault(f"drop-response;times=1;key={uuid.uuid4()}"),
            )
        finally:
            await client.close()
        attempts = _records(emulator, thread, "POST")
        assert len(attempts) >= 2, "the dropped create was not retried"
        keys = [_values(record, "idempotency-key") for record in attempts]
        assert all(len(k) == 1 for k in keys), keys
        assert len({k[0] for k in keys}) == 1, keys

    run_scenario(transport, scenario)


def test_every_changing_call_sends_exactly_one_key_and_reads_send_none(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            run = await client.runs.create(thread, assistant_id="asst_weather")
            await client.runs.update(run.id, thread_id=thread, metadata={"k": "v"})
            run = await client.runs.poll(run.id, thread, poll_interval_ms=5)
            calls = run.required_action.submit_tool_outputs.tool_calls
            await client.runs.submit_tool_outputs(
                run.id, thread_id=thread, tool_outputs=[{"tool_call_id": calls[0].id, "output": ""}]
            )
            other = await client.runs.create(thread, assistant_id="asst_weather")
            await client.runs.cancel(other.id, thread_id=thread)
            stream = await client.runs.create(thread, assistant_id="asst_text", stream=True)
            async for _ in stream:
                pass
        finally:
            await client.close()
        posts = _records(emulator, thread, "POST")
        assert len(posts) == 6
        assert all(len(_values(r, "idempotency-key")) == 1 for r in posts)
        assert len({_values(r, "idempotency-key")[0] for r in posts}) == 6, "keys must differ"
        assert all(_values(r, "idempotency-key") == [] for r in _records(emulator, thread, "GET"))

    run_scenario(transport, scenario)


def test_caller_supplied_idempotency_key_is_sent_as_is(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        key = f"caller-{uuid.uuid4()}"
        try:
            await client.runs.create(
                thread, assistant_id="asst_text", extra_headers={"Idempotency-Key": key}
            )
        finally:
            await client.close()
        (record,) = _records(emulator, thread, "POST")
        assert _values(record, "idempotency-key") == [key]

    run_scenario(transport, scenario)


def test_repeating_a_caller_key_returns_the_first_run(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        same = {"extra_headers": {"Idempotency-Key": f"caller-{uuid.uuid4()}"}}
        try:
            first = await client.runs.create(thread, assistant_id="asst_text", **same)
            second = await client.runs.create(thread, assistant_id="asst_text", **same)
            runs = [r.id async for r in client.runs.list(thread)]
        finally:
            await client.close()
        assert second.id == first.id and runs == [first.id]

    run_scenario(transport, scenario)


# -- connections are reused after streams -----------------------------------------------


def test_hundred_sequential_streams_reuse_connections(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        before = emulator.stats.connections_accepted
        try:
            for _ in range(100):
                stream = await client.runs.create(thread, assistant_id="asst_text", stream=True)
                names = [event.event async for event in stream]
                assert names[-1] == "thread.run.completed"
        finally:
            await client.close()
        assert emulator.stats.connections_accepted - before <= 3

    run_scenario(transport, scenario)


def test_streams_left_complete_leave_no_connection_busy(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    # After done the body is drained and released, so closing the client closes all.
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        completed_before = emulator.stats.streams_completed
        try:
            for _ in range(3):
                stream = await client.runs.create(_thread(), assistant_id="asst_text", stream=True)
                async for _ in stream:
                    pass
        finally:
            await client.close()
        for _ in range(100):
            if emulator.stats.connections_open == 0:
                break
            await sleep(transport, 0.02)
        assert emulator.stats.connections_open == 0
        assert emulator.stats.streams_completed - completed_before == 3

    run_scenario(transport, scenario)


# -- request ids everywhere -------------------------------------------------------------


def _sent_id(emulator: EmulatorThread, thread: str) -> str:
    records = _records(emulator, thread)
    assert records, "the emulator saw no request for this thread"
    request_id: str = records[-1].request_id
    return request_id


def test_stream_carries_the_request_id(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            stream = await client.runs.create(thread, assistant_id="asst_text", stream=True)
            async for _ in stream:
                pass
        finally:
            await client.close()
        assert stream.request_id == _sent_id(emulator, thread)

    run_scenario(transport, scenario)


def test_raw_response_carries_the_request_id(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            raw = await client.runs.with_raw_response.create(thread, assistant_id="asst_text")
        finally:
            await client.close()
        assert raw.request_id == _sent_id(emulator, thread)

    run_scenario(transport, scenario)


async def _error_of(client: Any, thread: str, kind: str) -> BaseException:
    """Provoke one kind of error on ``thread`` and return it."""
    try:
        if kind == "status":
            await client.runs.retrieve("run_missing", thread_id=thread)
        elif kind == "validation":
            await client.runs.create(thread, assistant_id="asst_text", **_fault("malformed-json"))
        elif kind == "body-cut":
            await client.runs.create(
                thread, assistant_id="asst_text", **_fault("drop-after-bytes=20")
            )
        elif kind == "body-limit":
            await client.runs.create(thread, assistant_id="asst_text")
        else:
            fault = {"incomplete": "no-done", "stream-cut": "drop-after-events=3"}[kind]
            stream = await client.runs.create(
                thread, assistant_id="asst_text", stream=True, **_fault(fault)
            )
            async for _ in stream:
                pass
    except runs_core.RunsError as error:
        return error
    raise AssertionError(f"{kind}: no error raised")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("status", runs_core.NotFoundError),
        ("validation", runs_core.APIResponseValidationError),
        ("body-cut", runs_core.APIConnectionError),
        ("body-limit", runs_core.LimitExceededError),
        ("incomplete", runs_core.StreamIncompleteError),
        ("stream-cut", (runs_core.APIConnectionError, runs_core.StreamIncompleteError)),
    ],
)
def test_every_error_carries_the_request_id_of_its_response(
    emulator: EmulatorThread, transport: tuple[str, str], kind: str, expected: Any
) -> None:
    async def scenario() -> None:
        options: dict[str, Any] = {"max_retries": 0}
        if kind == "body-limit":
            options["max_body_bytes"] = 200
        client = make_client(transport, emulator.base_url, **options)
        thread = _thread()
        try:
            error = await _error_of(client, thread, kind)
        finally:
            await client.close()
        assert isinstance(error, expected), repr(error)
        assert getattr(error, "request_id", None) == _sent_id(emulator, thread)

    run_scenario(transport, scenario)


# -- only documented headers on the wire -------------------------------------------------


def test_only_documented_headers_reach_the_server(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(
            transport, emulator.base_url, organization="org-hardening", project="proj-hardening"
        )
        thread = _thread()
        try:
            run = await client.runs.create(thread, assistant_id="asst_text")
            await client.runs.retrieve(run.id, thread_id=thread)
            [r async for r in client.runs.list(thread, limit=5, order="asc")]
            stream = await client.runs.create(thread, assistant_id="asst_text", stream=True)
            async for _ in stream:
                pass
            await client.runs.poll(run.id, thread, poll_interval_ms=5)
            [s async for s in client.runs.steps.list(run.id, thread_id=thread)]
        finally:
            await client.close()
        records = _records(emulator, thread)
        names = {name.lower() for record in records for name, _ in record.headers}
        assert len(records) >= 6
        assert names <= ALLOWED_HEADERS, sorted(names - ALLOWED_HEADERS)

    run_scenario(transport, scenario)


def test_organization_and_project_are_sent_only_when_configured(
    emulator: EmulatorThread, transport: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_ORG_ID", raising=False)
    monkeypatch.delenv("OPENAI_PROJECT_ID", raising=False)

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        thread = _thread()
        try:
            await client.runs.create(thread, assistant_id="asst_text")
        finally:
            await client.close()
        (record,) = _records(emulator, thread)
        names = {name.lower() for name, _ in record.headers}
        assert not names & {"openai-organization", "openai-project"}

    run_scenario(transport, scenario)
