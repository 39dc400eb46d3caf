"""What the official SDK's users touch behaves as the SDK's does, on every transport.

Each test makes the same call through ``openai.OpenAI`` and through our client (every
transport, sync and async) against the same emulator, and compares what a user reads:
the raw and streamed response objects, the errors, and what ``parse()`` returns.
"""

from __future__ import annotations

import datetime
import json
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from tests._helpers.unified import run_scenario

from runs_adapters import (
    APIConnectionError,
    AssistantEventHandler,
    AsyncClient,
    AsyncCursorPage,
    AsyncStream,
    Client,
    HttpxAsyncTransport,
    HttpxTransport,
    NotFoundError,
    Stream,
    SyncCursorPage,
)
from runs_emulator import EmulatorThread

THREAD = "thread_fidelity"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK's, on Assistants


@pytest.fixture(scope="module")
def sdk(emulator: EmulatorThread) -> Iterator[openai.OpenAI]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = openai.OpenAI(api_key="sk-test", base_url=emulator.base_url, max_retries=0)
        yield client
        client.close()


@pytest.fixture(scope="module")
def finished_run(sdk: openai.OpenAI) -> str:
    """A run that no longer changes, so both clients read the same bytes for it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        run = sdk.beta.threads.runs.create_and_poll(thread_id=THREAD, assistant_id="asst_text")
    assert run.status == "completed"
    return run.id


def _client(transport: tuple[str, str], base_url: str) -> Client | AsyncClient:
    name, kind = transport
    cls = Client if kind == "sync" else AsyncClient
    return cls(api_key="sk-test", base_url=base_url, transport=name, max_retries=0)


def _surface(response: Any, parsed: Any) -> dict[str, Any]:
    """What a user reads off a raw or streamed response, comparable across clients."""
    request = response.http_request
    return {
        "status_code": response.status_code,
        "has_request_id": bool(response.request_id),
        "content_type": response.headers.get("content-type"),
        "url": str(response.url),
        "method": response.method,
        "http_request": (request.method, str(request.url), request.headers.get("OpenAI-Beta")),
        "elapsed_is_timedelta": isinstance(response.elapsed, datetime.timedelta),
        "retries_taken": response.retries_taken,
        "parsed": parsed.model_dump() if hasattr(parsed, "model_dump") else parsed,
    }


def _sdk_runs(sdk: openai.OpenAI) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return sdk.beta.threads.runs


def test_raw_response_reads_like_the_sdks(
    sdk: openai.OpenAI, finished_run: str, emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    raw = _sdk_runs(sdk).with_raw_response.retrieve(finished_run, thread_id=THREAD)
    theirs = _surface(raw, raw.parse())
    theirs_body = (raw.content, raw.text, raw.is_closed)
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        client = _client(transport, emulator.base_url)
        try:
            call = client.runs.with_raw_response.retrieve(finished_run, thread_id=THREAD)
            ours = await call if isinstance(client, AsyncClient) else call
            seen["surface"] = _surface(ours, ours.parse())
            seen["body"] = (ours.content, ours.text, ours.is_closed)
            seen["json"] = ours.json()
        finally:
            closed = client.close()
            if closed is not None:
                await closed

    run_scenario(transport, scenario)
    assert seen["surface"] == theirs
    assert seen["body"] == theirs_body
    assert seen["json"] == json.loads(theirs_body[0])


def test_streamed_response_reads_like_the_sdks(
    sdk: openai.OpenAI, finished_run: str, emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    runs = _sdk_runs(sdk)
    with runs.with_streaming_response.retrieve(finished_run, thread_id=THREAD) as response:
        theirs = _surface(response, response.parse())
        theirs_text = (response.read(), response.text(), response.json())
    with runs.with_streaming_response.retrieve(finished_run, thread_id=THREAD) as response:
        theirs_lines = list(response.iter_lines())
    with runs.with_streaming_response.retrieve(finished_run, thread_id=THREAD) as response:
        theirs_chunks = b"".join(response.iter_bytes(chunk_size=7))
        theirs_closed = response.is_closed
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        client = _client(transport, emulator.base_url)
        streaming = client.runs.with_streaming_response
        if isinstance(client, AsyncClient):
            async with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["surface"] = _surface(ours, await ours.parse())
                seen["text"] = (await ours.read(), await ours.text(), await ours.json())
            async with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["lines"] = [line async for line in ours.iter_lines()]
            async with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["chunks"] = b"".join([c async for c in ours.iter_bytes(chunk_size=7)])
                seen["closed"] = ours.is_closed
            await client.close()
        else:
            with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["surface"] = _surface(ours, ours.parse())
                seen["text"] = (ours.read(), ours.text(), ours.json())
            with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["lines"] = list(ours.iter_lines())
            with streaming.retrieve(finished_run, thread_id=THREAD) as ours:
                seen["chunks"] = b"".join(ours.iter_bytes(chunk_size=7))
                seen["closed"] = ours.is_closed
            client.close()

    run_scenario(transport, scenario)
    assert seen["surface"] == theirs
    assert seen["text"] == theirs_text
    assert seen["lines"] == theirs_lines
    assert seen["chunks"] == theirs_chunks and seen["closed"] == theirs_closed


def test_streamed_list_parses_to_a_page_that_walks_every_page(
    sdk: openai.OpenAI, finished_run: str, emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    runs = _sdk_runs(sdk)
    with runs.with_streaming_response.list(THREAD, limit=1) as response:
        page = response.parse()
        theirs = (type(page).__name__.split("[")[0], [run.id for run in page])
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        client = _client(transport, emulator.base_url)
        if isinstance(client, AsyncClient):
            async with client.runs.with_streaming_response.list(THREAD, limit=1) as ours:
                page = await ours.parse()
                assert isinstance(page, AsyncCursorPage)
                seen["page"] = ("AsyncCursorPage", [run.id async for run in page])
            await client.close()
        else:
            with client.runs.with_streaming_response.list(THREAD, limit=1) as ours:
                page = ours.parse()
                assert isinstance(page, SyncCursorPage)
                seen["page"] = (type(page).__name__, [run.id for run in page])
            client.close()

    run_scenario(transport, scenario)
    sdk_name = "AsyncCursorPage" if transport[1] == "async" else theirs[0]
    assert seen["page"] == (sdk_name, theirs[1])
    assert len(theirs[1]) >= 1


def test_a_streamed_event_stream_parses_to_a_stream(
    emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    seen: dict[str, Any] = {}

    async def scenario() -> None:
        client = _client(transport, emulator.base_url)
        streaming = client.runs.with_streaming_response
        if isinstance(client, AsyncClient):
            async with streaming.create(THREAD, assistant_id="asst_text", stream=True) as ours:
                stream = await ours.parse()
                assert isinstance(stream, AsyncStream)
                seen["events"] = [event.event async for event in stream]
                seen["closed"] = ours.is_closed or stream.is_closed
            await client.close()
        else:
            with streaming.create(THREAD, assistant_id="asst_text", stream=True) as ours:
                stream = ours.parse()
                assert isinstance(stream, Stream)
                seen["events"] = [event.event for event in stream]
                seen["closed"] = stream.is_closed
            client.close()

    run_scenario(transport, scenario)
    assert seen["events"][0] == "thread.run.created"
    assert seen["events"][-1] == "thread.run.completed" and seen["closed"]


# -- errors ---------------------------------------------------------------------------


def _error_view(error: Any) -> dict[str, Any]:
    return {
        "class": type(error).__name__,
        "str": str(error),
        "message": error.message,
        "body": error.body,
        "code": error.code,
        "param": error.param,
        "type": error.type,
        "status_code": error.status_code,
        "response_status": error.response.status_code,
        "response_json": error.response.json(),
        "has_request_id": bool(error.request_id),
    }


def test_status_errors_carry_what_the_sdks_carry(
    sdk: openai.OpenAI, finished_run: str, emulator: EmulatorThread, transport: tuple[str, str]
) -> None:
    runs = _sdk_runs(sdk)
    theirs = []
    for call in (
        lambda: runs.retrieve("run_missing", thread_id=THREAD),
        lambda: runs.cancel(finished_run, thread_id=THREAD),
    ):
        with pytest.raises(openai.APIStatusError) as caught:
            call()
        theirs.append(_error_view(caught.value))
    ours: list[dict[str, Any]] = []

    async def scenario() -> None:
        client = _client(transport, emulator.base_url)
        from runs_adapters import APIStatusError

        for name, args in (("retrieve", ("run_missing",)), ("cancel", (finished_run,))):
            try:
                result = getattr(client.runs, name)(*args, thread_id=THREAD)
                if isinstance(client, AsyncClient):
                    await result
            except APIStatusError as error:
                ours.append(_error_view(error))
        closed = client.close()
        if closed is not None:
            await closed

    run_scenario(transport, scenario)
    assert ours == theirs
    assert theirs[0]["class"] == "NotFoundError" and theirs[1]["class"] == "BadRequestError"
    assert isinstance(theirs[0]["body"], dict) and "message" in theirs[0]["body"]


# -- handlers and test doubles --------------------------------------------------------


def test_an_sdk_event_handler_is_refused_up_front_with_what_to_subclass() -> None:
    client = Client(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(TypeError, match=r"subclass of runs_adapters\.AssistantEventHandler"):
        client.runs.stream(
            thread_id=THREAD, assistant_id="asst_text", event_handler=openai.AssistantEventHandler()
        )
    aclient = AsyncClient(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    with pytest.raises(TypeError, match=r"runs_adapters\.AsyncAssistantEventHandler"):
        aclient.runs.stream(
            thread_id=THREAD, assistant_id="asst_text", event_handler=AssistantEventHandler()
        )


RUN_BODY = {
    "id": "run_mock",
    "object": "thread.run",
    "created_at": 1,
    "thread_id": THREAD,
    "assistant_id": "asst_x",
    "status": "completed",
    "model": "gpt-test",
    "instructions": "",
    "tools": [],
    "metadata": {},
}


def _mock_answer(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/fail"):
        raise httpx.ReadError("the mock dropped the connection", request=request)
    return httpx.Response(200, content=json.dumps(RUN_BODY).encode(), headers={"x-request-id": "r"})


def test_httpx_mock_transport_answers_work_on_both_httpx_clients() -> None:
    mock = httpx.MockTransport(_mock_answer)
    client = Client(
        api_key="k", base_url="http://mock/v1", max_retries=0,
        transport=HttpxTransport(httpx.Client(transport=mock)),
    )  # fmt: skip
    assert client.runs.retrieve("run_mock", thread_id=THREAD).id == "run_mock"
    with pytest.raises(APIConnectionError, match="dropped"):
        client.runs.retrieve("fail", thread_id=THREAD)

    async def scenario() -> None:
        aclient = AsyncClient(
            api_key="k", base_url="http://mock/v1", max_retries=0,
            transport=HttpxAsyncTransport(httpx.AsyncClient(transport=mock)),
        )  # fmt: skip
        assert (await aclient.runs.retrieve("run_mock", thread_id=THREAD)).id == "run_mock"
        raw = await aclient.runs.with_raw_response.retrieve("run_mock", thread_id=THREAD)
        assert raw.request_id == "r" and raw.parse().id == "run_mock"
        with pytest.raises(APIConnectionError, match="dropped"):
            await aclient.runs.retrieve("fail", thread_id=THREAD)

    run_scenario(("httpx", "async"), scenario)


def test_not_found_is_our_class_not_the_sdks() -> None:
    # The documented migration: import the exception classes from runs_adapters.
    assert not issubclass(NotFoundError, openai.NotFoundError)
    assert NotFoundError.__name__ == openai.NotFoundError.__name__
