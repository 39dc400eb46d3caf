"""Logs that help and never leak, on all five transports.

The ``runs`` logger writes one debug line per attempt (method, path, status or error
class, request id, attempt, milliseconds); ``RUNS_LOG`` turns it on when a client is
built. A planted API key must never show up in any log record (of any logger, at DEBUG),
in the repr of the client, its config, a request or an error, nor in any exception's
message or cause.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from tests._helpers.unified import make_client, run_scenario

import runs_core
from runs_adapters import Client
from runs_core._log import logger as runs_logger
from runs_emulator import EmulatorThread, start_in_thread

KEY = f"sk-planted-{uuid.uuid4().hex}"
WRONG_KEY = f"sk-planted-wrong-{uuid.uuid4().hex}"
LINE = re.compile(
    r"^(?P<method>[A-Z]+) (?P<path>/\S+) -> (?P<outcome>\S+) request_id=(?P<rid>\S+) "
    r"attempt=(?P<attempt>\d+) time_ms=\d+\.\d$"
)


@pytest.fixture(scope="module")
def keyed() -> Iterator[EmulatorThread]:
    """An emulator that accepts only the planted key, so a wrong key is a real 401."""
    with start_in_thread(api_key=KEY) as server:
        yield server


def _thread() -> str:
    return f"thread_{uuid.uuid4().hex[:12]}"


def _fault(spec: str) -> dict[str, Any]:
    return {"extra_headers": {"X-Emulator-Fault": spec}}


def _lines(caplog: pytest.LogCaptureFixture) -> list[re.Match[str]]:
    records = [r for r in caplog.records if r.name == "runs"]
    matches = [LINE.match(r.getMessage()) for r in records]
    assert all(matches), [r.getMessage() for r in records]
    return [m for m in matches if m]


# -- one line per request ---------------------------------------------------------------


def test_one_debug_line_per_request(
    emulator: EmulatorThread, transport: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="runs")
    thread = _thread()

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url)
        try:
            await client.runs.create(thread, assistant_id="asst_text")
        finally:
            await client.close()

    run_scenario(transport, scenario)
    (line,) = _lines(caplog)
    (record,) = emulator.stats.recent(path_contains=f"/threads/{thread}/")
    assert line["method"] == "POST" and line["path"] == f"/v1/threads/{thread}/runs"
    assert line["outcome"] == "200" and line["attempt"] == "0"
    assert line["rid"] == record.request_id


def test_each_retry_is_its_own_line(
    emulator: EmulatorThread, transport: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="runs")

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=1)
        fault = _fault(f"status=503;times=1;retry-after-ms=1;key={uuid.uuid4()}")
        try:
            await client.runs.create(_thread(), assistant_id="asst_text", **fault)
        finally:
            await client.close()

    run_scenario(transport, scenario)
    lines = _lines(caplog)
    assert [(m["outcome"], m["attempt"]) for m in lines] == [("503", "0"), ("200", "1")]
    assert lines[0]["rid"] != lines[1]["rid"]


def test_a_connection_error_is_logged_by_class(
    emulator: EmulatorThread, transport: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="runs")

    async def scenario() -> None:
        client = make_client(transport, emulator.base_url, max_retries=0)
        try:
            with pytest.raises(runs_core.APIConnectionError):
                await client.runs.create(
                    _thread(), assistant_id="asst_text", **_fault("drop-response")
                )
        finally:
            await client.close()

    run_scenario(transport, scenario)
    (line,) = _lines(caplog)
    assert line["outcome"] == "APIConnectionError" and line["rid"] == "-"


def test_query_strings_stay_out_of_the_log(
    emulator: EmulatorThread, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="runs")
    with Client(base_url=emulator.base_url, api_key="sk-test", transport="httpx") as client:
        client.runs.list(_thread(), limit=3, extra_query={"secret_marker": "q-123"})
    (record,) = [r for r in caplog.records if r.name == "runs"]
    assert "?" not in record.getMessage() and "q-123" not in record.getMessage()


@pytest.fixture
def pristine_logger() -> Iterator[None]:
    level, handlers = runs_logger.level, list(runs_logger.handlers)
    yield
    runs_logger.setLevel(level)
    runs_logger.handlers[:] = handlers


@pytest.mark.usefixtures("pristine_logger")
def test_runs_log_debug_turns_the_logger_on_at_client_construction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    runs_logger.setLevel(logging.NOTSET)
    monkeypatch.setenv("RUNS_LOG", "debug")
    Client(api_key="sk-test", base_url="http://127.0.0.1:9/v1", transport="httpx").close()
    assert runs_logger.level == logging.DEBUG and runs_logger.handlers


@pytest.mark.usefixtures("pristine_logger")
def test_without_runs_log_the_logger_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    runs_logger.setLevel(logging.NOTSET)
    monkeypatch.delenv("RUNS_LOG", raising=False)
    Client(api_key="sk-test", base_url="http://127.0.0.1:9/v1", transport="httpx").close()
    assert runs_logger.level == logging.NOTSET


# -- the key never leaks ----------------------------------------------------------------


def _texts_of_error(error: BaseException) -> list[str]:
    """Everything a caller might print about an error: str, repr, args, causes, fields."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        for name in ("request", "body", "headers", "error", "data", "message"):
            value = getattr(current, name, None)
            if value is not None:
                texts += [str(value), repr(value)]
        current = current.__cause__ or current.__context__
    return texts


async def _leaky_calls(client: Any, wrong: Any, thread: str) -> list[BaseException]:
    """A run of calls, most failing differently; returns the errors they raised."""
    errors: list[BaseException] = []

    async def attempt(call: Any) -> None:
        try:
            result = await call
            if hasattr(result, "__aiter__"):
                async for _ in result:
                    pass
        except runs_core.RunsError as error:
            errors.append(error)

    runs = client.runs
    await attempt(runs.create(thread, assistant_id="asst_text"))
    await attempt(runs.retrieve("run_missing", thread_id=thread))  # 404
    await attempt(runs.retrieve("run_x", thread_id=thread, **_fault("status=500")))
    await attempt(runs.retrieve("run_x", thread_id=thread, **_fault("status=401")))
    await attempt(wrong.runs.retrieve("run_x", thread_id=thread))  # a real 401
    await attempt(runs.retrieve("run_x", thread_id=thread, timeout=0.3, **_fault("stall=2")))
    await attempt(runs.create(thread, assistant_id="asst_text", **_fault("malformed-json")))
    await attempt(runs.create(thread, assistant_id="asst_text", **_fault("drop-response")))
    await attempt(runs.create(thread, assistant_id="asst_text", stream=True, **_fault("no-done")))
    await attempt(runs.list(thread, limit=1000))  # the server's 400
    try:
        await runs.retrieve("", thread_id=thread)  # refused before sending
    except runs_core.InvalidRequestError as error:
        errors.append(error)
    return errors


def test_the_api_key_never_appears_in_logs_reprs_or_errors(
    keyed: EmulatorThread, transport: tuple[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: ours, httpx, httpcore, urllib3, aiohttp
    errors: list[BaseException] = []
    texts: list[str] = []

    async def scenario() -> None:
        client = make_client(transport, keyed.base_url, api_key=KEY, max_retries=1)
        wrong = make_client(transport, keyed.base_url, api_key=WRONG_KEY, max_retries=0)
        try:
            errors.extend(await _leaky_calls(client, wrong, _thread()))
            inner = client.client
            caller = inner._caller  # the plumbing: settings, configuration, transport
            request = caller.builder.create_run("thread_x", assistant_id="asst_text")
            texts.extend([repr(inner), str(inner), repr(caller.settings)])
            texts.extend([repr(caller.settings.config), repr(request), repr(caller.transport)])
        finally:
            await client.close()
            await wrong.close()

    run_scenario(transport, scenario)
    kinds = {type(error).__name__ for error in errors}
    assert {"NotFoundError", "InternalServerError", "AuthenticationError", "APITimeoutError",
            "APIResponseValidationError", "APIConnectionError", "StreamIncompleteError",
            "InvalidRequestError"} <= kinds, kinds  # fmt: skip
    for error in errors:
        texts.extend(_texts_of_error(error))
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    texts.extend(formatter.format(record) for record in caplog.records)
    assert any(record.name == "runs" for record in caplog.records)
    for secret in (KEY, WRONG_KEY):
        leaks = [text for text in texts if secret in text]
        assert not leaks, leaks[:3]
