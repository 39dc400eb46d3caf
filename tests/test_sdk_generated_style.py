"""The official SDK's generated runs and steps tests, in our own words, on our clients.

openai-python's ``tests/api_resources/beta/threads/test_runs.py`` and
``tests/api_resources/beta/threads/runs/test_steps.py`` (written by Stainless from the
OpenAPI description) run every runs and steps method against a Prism mock of the API: the
plain call, ``with_raw_response`` (closed, ``http_request`` headers, ``parse()``),
``with_streaming_response`` (open inside the block, ``parse()``, closed after it), the
streaming overloads (closed through ``stream.response``, or ``stream.close()`` after a raw
``parse()``), the calls with every parameter (``limit=0`` included), and the
``ValueError`` for each empty path id. Only imports and client construction should have
to change to run them on ``Client`` / ``AsyncClient``; this file runs the same exercise
against :mod:`tests._helpers.contract_mock`, a Prism-like mock of ``tests/contract``:

- ``Client`` over httpx and requests, ``AsyncClient`` over httpx, aiohttp and trio;
- the official SDK itself (``sdk-reference``), so every expectation here is the SDK's
  behaviour on this mock, not our reading of it.

The SDK's ``X-Stainless-Lang`` assertion is replaced by ``OpenAI-Beta`` (we deliberately
send no ``X-Stainless-*`` headers). Beyond the generated tests: results carry the
contract's example values, streams decode to their events, and every request goes over
the wire as the SDK sends it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import openai
import pytest
import trio
from openai.pagination import AsyncCursorPage as SdkAsyncCursorPage
from openai.pagination import SyncCursorPage as SdkSyncCursorPage
from openai.types.beta.threads import Run as SdkRun
from openai.types.beta.threads.runs import RunStep as SdkRunStep
from tests._helpers.contract_mock import ContractMock, RecordedRequest, routes, serve_contract

from runs_adapters import (
    AsyncClient,
    AsyncCursorPage,
    AsyncStream,
    Client,
    Stream,
    SyncCursorPage,
)
from runs_core.models import Run, RunStep

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK's Assistants

SDK = "sdk-reference"
SYNC_FLAVORS = ["httpx", "requests", SDK]
ASYNC_FLAVORS = ["httpx", "aiohttp", "trio", SDK]
OURS_SYNC = [f for f in SYNC_FLAVORS if f != SDK]
OURS_ASYNC = [f for f in ASYNC_FLAVORS if f != SDK]
KEY = "sk-test"

EXAMPLES = {route.operation_id: json.loads(route.example) for route in routes()}


# -- the calls ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One method call of the generated tests."""

    name: str
    resource: str  # "runs" or "steps"
    method: str
    operation: str  # the contract's operationId it reaches
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    path_ids: tuple[str, ...] = ()
    """The path ids the SDK checks for emptiness, in its order (the last one is the
    positional argument); empty for the calls with every parameter spelled out."""

    @property
    def streams(self) -> bool:
        return self.kwargs.get("stream") is True

    @property
    def result(self) -> str:
        if self.streams:
            return "stream"
        return {"listRuns": "run_page", "listRunSteps": "step_page", "getRunStep": "step"}.get(
            self.operation, "run"
        )

    def with_empty(self, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The arguments with path id ``name`` set to ``''``."""
        if name == self.path_ids[-1]:
            return ("", *self.args[1:]), self.kwargs
        return self.args, {**self.kwargs, name: ""}


def _create_params() -> dict[str, Any]:
    """Every optional parameter of ``runs.create``, as the newest generated test gives."""
    tools = [{"type": "code_interpreter"} for _ in range(3)]
    attachment = {"file_id": "file_id", "tools": tools}
    message = {"content": "string", "role": "user", "attachments": [attachment] * 3}
    return {
        "include": INCLUDE,
        "additional_instructions": "additional_instructions",
        "additional_messages": [dict(message, metadata={}) for _ in range(3)],
        "instructions": "instructions",
        "max_completion_tokens": 256,
        "max_prompt_tokens": 256,
        "metadata": {},
        "model": "gpt-4o",
        "parallel_tool_calls": True,
        "reasoning_effort": "low",
        "response_format": "auto",
        "temperature": 1,
        "tool_choice": "none",
        "tools": tools,
        "top_p": 1,
        "truncation_strategy": {"type": "auto", "last_messages": 1},
    }


INCLUDE = ["step_details.tool_calls[*].file_search.results[*].content"]
EMPTY_OUTPUTS = [{}, {}, {}]  # the generated tests' minimal tool_outputs
OUTPUTS = [{"tool_call_id": "tool_call_id", "output": "output"} for _ in range(3)]
THREAD_RUN = ("thread_id", "run_id")

PLAIN = [
    Call("create", "runs", "create", "createRun", ("string",), {"assistant_id": "string"},
         ("thread_id",)),
    Call("create_with_all_params", "runs", "create", "createRun", (),
         {"thread_id": "thread_id", "assistant_id": "assistant_id", "stream": False,
          **_create_params()}),
    Call("retrieve", "runs", "retrieve", "getRun", ("string",), {"thread_id": "string"},
         THREAD_RUN),
    Call("update", "runs", "update", "modifyRun", ("string",), {"thread_id": "string"},
         THREAD_RUN),
    Call("update_with_all_params", "runs", "update", "modifyRun", ("string",),
         {"thread_id": "string", "metadata": {}}),
    Call("list", "runs", "list", "listRuns", ("string",), {}, ("thread_id",)),
    Call("list_with_all_params", "runs", "list", "listRuns", ("string",),
         {"after": "after", "before": "before", "limit": 0, "order": "asc"}),
    Call("cancel", "runs", "cancel", "cancelRun", ("string",), {"thread_id": "string"},
         THREAD_RUN),
    Call("submit_tool_outputs", "runs", "submit_tool_outputs", "submitToolOuputsToRun",
         ("string",), {"thread_id": "string", "tool_outputs": EMPTY_OUTPUTS}, THREAD_RUN),
    Call("submit_tool_outputs_with_all_params", "runs", "submit_tool_outputs",
         "submitToolOuputsToRun", ("string",),
         {"thread_id": "string", "tool_outputs": OUTPUTS, "stream": False}),
    Call("steps.retrieve", "steps", "retrieve", "getRunStep", ("string",),
         {"thread_id": "string", "run_id": "string"}, ("thread_id", "run_id", "step_id")),
    Call("steps.retrieve_with_all_params", "steps", "retrieve", "getRunStep", (),
         {"step_id": "step_id", "thread_id": "thread_id", "run_id": "run_id",
          "include": INCLUDE}),
    Call("steps.list", "steps", "list", "listRunSteps", ("string",), {"thread_id": "string"},
         THREAD_RUN),
    Call("steps.list_with_all_params", "steps", "list", "listRunSteps", (),
         {"run_id": "run_id", "thread_id": "thread_id", "after": "after", "before": "before",
          "include": INCLUDE, "limit": 0, "order": "asc"}),
]  # fmt: skip

STREAMING = [
    Call("create_stream", "runs", "create", "createRun", ("string",),
         {"assistant_id": "string", "stream": True}, ("thread_id",)),
    Call("create_stream_with_all_params", "runs", "create", "createRun", ("string",),
         {"assistant_id": "string", "stream": True, **_create_params()}),
    Call("submit_tool_outputs_stream", "runs", "submit_tool_outputs", "submitToolOuputsToRun",
         ("string",), {"thread_id": "string", "stream": True, "tool_outputs": EMPTY_OUTPUTS},
         THREAD_RUN),
]  # fmt: skip

BASE = [c for c in PLAIN if c.path_ids]  # the SDK's raw/streaming tests use these
BASE_STREAMING = [c for c in STREAMING if c.path_ids]
EVERY_CALL = PLAIN + STREAMING


def _ids(calls: list[Call]) -> list[str]:
    return [c.name for c in calls]


# -- what a result must be ----------------------------------------------------------------


@dataclass(frozen=True)
class Types:
    run: type
    step: type
    page: type
    stream: type


OUR_SYNC_TYPES = Types(Run, RunStep, SyncCursorPage, Stream)
OUR_ASYNC_TYPES = Types(Run, RunStep, AsyncCursorPage, AsyncStream)
SDK_SYNC_TYPES = Types(SdkRun, SdkRunStep, SdkSyncCursorPage, openai.Stream)
SDK_ASYNC_TYPES = Types(SdkRun, SdkRunStep, SdkAsyncCursorPage, openai.AsyncStream)


def check(result: Any, call: Call, types: Types) -> None:
    """``result`` is of the type the call promises and carries the contract's example."""
    example = EXAMPLES[call.operation]
    kind = call.result
    if kind == "stream":
        assert isinstance(result, types.stream), type(result)
    elif kind.endswith("_page"):
        assert isinstance(result, types.page), type(result)
        item = types.run if kind == "run_page" else types.step
        assert all(isinstance(each, item) for each in result.data), result.data
        assert [each.id for each in result.data] == [each["id"] for each in example["data"]]
        assert result.has_more == example["has_more"]
    else:
        assert isinstance(result, types.run if kind == "run" else types.step), type(result)
        assert (result.id, result.object) == (example["id"], example["object"])


def assert_our_headers(request: Any) -> None:
    # The generated tests check X-Stainless-Lang, which we deliberately do not send.
    assert request.headers.get("OpenAI-Beta") == "assistants=v2"
    assert request.headers.get("Authorization") == f"Bearer {KEY}"


def empty_id_message(name: str) -> str:
    return rf"Expected a non-empty value for `{name}` but received ''"


def resource_of(client: Any, call: Call, table: str | None = None) -> Any:
    """``client.beta.threads.runs[.with_*][.steps]``, as the generated tests reach it."""
    runs = client.beta.threads.runs
    if table is None:
        return runs.steps if call.resource == "steps" else runs
    moded = getattr(runs, table)
    return moded.steps if call.resource == "steps" else moded


def method_of(client: Any, call: Call, table: str | None = None) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(resource_of(client, call, table), call.method)
    return method


# -- the mock and the clients -------------------------------------------------------------


@pytest.fixture(scope="module")
def mock() -> Iterator[ContractMock]:
    with serve_contract() as server:
        yield server


def sync_client(flavor: str, base_url: str) -> Any:
    if flavor == SDK:
        return openai.OpenAI(api_key=KEY, base_url=base_url, max_retries=0)
    return Client(api_key=KEY, base_url=base_url, transport=flavor, max_retries=0)


def async_client(flavor: str, base_url: str) -> Any:
    if flavor == SDK:
        return openai.AsyncOpenAI(api_key=KEY, base_url=base_url, max_retries=0)
    return AsyncClient(api_key=KEY, base_url=base_url, transport=flavor, max_retries=0)


@pytest.fixture(scope="module", params=SYNC_FLAVORS)
def client(request: pytest.FixtureRequest, mock: ContractMock) -> Iterator[Any]:
    """One client per flavor for the module, as the SDK's session-wide ``client``."""
    made = sync_client(request.param, mock.base_url)
    yield made
    made.close()


@pytest.fixture(scope="module")
def sync_types(client: Any) -> Types:
    return SDK_SYNC_TYPES if isinstance(client, openai.OpenAI) else OUR_SYNC_TYPES


AsyncScenario = Callable[[Any, Types], Awaitable[None]]
Runner = Callable[[AsyncScenario], None]


def run_async(flavor: str, base_url: str, scenario: AsyncScenario) -> None:
    """Run ``scenario(client, types)`` on a fresh async client, on the loop it needs."""

    async def main() -> None:
        made = async_client(flavor, base_url)
        types = SDK_ASYNC_TYPES if flavor == SDK else OUR_ASYNC_TYPES
        try:
            await scenario(made, types)
        finally:
            await made.close()

    if flavor == "trio":
        trio.run(main)
    else:
        asyncio.run(main())


@pytest.fixture(scope="module", params=ASYNC_FLAVORS)
def run_on(request: pytest.FixtureRequest, mock: ContractMock) -> Iterator[Runner]:
    """Runs a scenario on an async client of one flavor, as the SDK's ``async_client``.

    On asyncio one client (and loop) serves the module, as the SDK's session-wide client
    does (and building an httpx client per test costs its SSL context each time). trio
    has no loop to come back to, so each scenario gets a fresh client there.
    """
    flavor: str = request.param
    if flavor == "trio":
        yield lambda scenario: run_async(flavor, mock.base_url, scenario)
        return
    types = SDK_ASYNC_TYPES if flavor == SDK else OUR_ASYNC_TYPES
    loop = asyncio.new_event_loop()

    async def make() -> Any:
        return async_client(flavor, mock.base_url)

    made = loop.run_until_complete(make())
    try:
        yield lambda scenario: loop.run_until_complete(scenario(made, types))
    finally:
        loop.run_until_complete(made.close())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()


# -- Client (and the sync SDK) ------------------------------------------------------------


class TestSync:
    @pytest.mark.parametrize("call", PLAIN, ids=_ids(PLAIN))
    def test_method(self, client: Any, sync_types: Types, call: Call) -> None:
        result = method_of(client, call)(*call.args, **call.kwargs)
        check(result, call, sync_types)

    @pytest.mark.parametrize("call", BASE, ids=_ids(BASE))
    def test_raw_response(self, client: Any, sync_types: Types, call: Call) -> None:
        response = method_of(client, call, "with_raw_response")(*call.args, **call.kwargs)

        assert response.is_closed is True
        assert_our_headers(response.http_request)
        check(response.parse(), call, sync_types)

    @pytest.mark.parametrize("call", BASE, ids=_ids(BASE))
    def test_streaming_response(self, client: Any, sync_types: Types, call: Call) -> None:
        with method_of(client, call, "with_streaming_response")(
            *call.args, **call.kwargs
        ) as response:
            assert not response.is_closed
            assert_our_headers(response.http_request)
            check(response.parse(), call, sync_types)

        assert response.is_closed is True

    @pytest.mark.parametrize("call", BASE + BASE_STREAMING, ids=_ids(BASE + BASE_STREAMING))
    def test_path_params(self, client: Any, call: Call) -> None:
        raw = method_of(client, call, "with_raw_response")
        for name in call.path_ids:
            args, kwargs = call.with_empty(name)
            with pytest.raises(ValueError, match=empty_id_message(name)):
                raw(*args, **kwargs)

    @pytest.mark.parametrize("call", STREAMING, ids=_ids(STREAMING))
    def test_method_stream(self, client: Any, sync_types: Types, call: Call) -> None:
        run_stream = method_of(client, call)(*call.args, **call.kwargs)
        check(run_stream, call, sync_types)
        run_stream.response.close()

    @pytest.mark.parametrize("call", BASE_STREAMING, ids=_ids(BASE_STREAMING))
    def test_raw_response_stream(self, client: Any, sync_types: Types, call: Call) -> None:
        response = method_of(client, call, "with_raw_response")(*call.args, **call.kwargs)

        assert_our_headers(response.http_request)
        stream = response.parse()
        check(stream, call, sync_types)
        stream.close()

    @pytest.mark.parametrize("call", BASE_STREAMING, ids=_ids(BASE_STREAMING))
    def test_streaming_response_stream(self, client: Any, sync_types: Types, call: Call) -> None:
        with method_of(client, call, "with_streaming_response")(
            *call.args, **call.kwargs
        ) as response:
            assert not response.is_closed
            assert_our_headers(response.http_request)
            stream = response.parse()
            check(stream, call, sync_types)
            stream.close()

        assert response.is_closed is True

    @pytest.mark.parametrize("call", STREAMING, ids=_ids(STREAMING))
    def test_stream_reads_to_done(self, client: Any, sync_types: Types, call: Call) -> None:
        # Beyond the generated tests: the stream decodes, and ends at ``done``.
        with method_of(client, call)(*call.args, **call.kwargs) as stream:
            events = [(event.event, event.data) for event in stream]
        assert [name for name, _ in events] == ["thread.run.created", "thread.run.queued"]
        assert all(isinstance(data, sync_types.run) for _, data in events)
        assert {data.id for _, data in events} == {EXAMPLES[call.operation]["id"]}


# -- AsyncClient (and the async SDK) ------------------------------------------------------


class TestAsync:
    @pytest.mark.parametrize("call", PLAIN, ids=_ids(PLAIN))
    def test_method(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            result = await method_of(client, call)(*call.args, **call.kwargs)
            check(result, call, types)

        run_on(scenario)

    @pytest.mark.parametrize("call", BASE, ids=_ids(BASE))
    def test_raw_response(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            raw = method_of(client, call, "with_raw_response")
            response = await raw(*call.args, **call.kwargs)

            assert response.is_closed is True
            assert_our_headers(response.http_request)
            check(response.parse(), call, types)

        run_on(scenario)

    @pytest.mark.parametrize("call", BASE, ids=_ids(BASE))
    def test_streaming_response(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            streaming = method_of(client, call, "with_streaming_response")
            async with streaming(*call.args, **call.kwargs) as response:
                assert not response.is_closed
                assert_our_headers(response.http_request)
                check(await response.parse(), call, types)

            assert response.is_closed is True

        run_on(scenario)

    @pytest.mark.parametrize("call", BASE + BASE_STREAMING, ids=_ids(BASE + BASE_STREAMING))
    def test_path_params(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            raw = method_of(client, call, "with_raw_response")
            for name in call.path_ids:
                args, kwargs = call.with_empty(name)
                with pytest.raises(ValueError, match=empty_id_message(name)):
                    await raw(*args, **kwargs)

        run_on(scenario)

    @pytest.mark.parametrize("call", STREAMING, ids=_ids(STREAMING))
    def test_method_stream(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            run_stream = await method_of(client, call)(*call.args, **call.kwargs)
            check(run_stream, call, types)
            await run_stream.response.aclose()

        run_on(scenario)

    @pytest.mark.parametrize("call", BASE_STREAMING, ids=_ids(BASE_STREAMING))
    def test_raw_response_stream(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            raw = method_of(client, call, "with_raw_response")
            response = await raw(*call.args, **call.kwargs)

            assert_our_headers(response.http_request)
            stream = response.parse()
            check(stream, call, types)
            await stream.close()

        run_on(scenario)

    @pytest.mark.parametrize("call", BASE_STREAMING, ids=_ids(BASE_STREAMING))
    def test_streaming_response_stream(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            streaming = method_of(client, call, "with_streaming_response")
            async with streaming(*call.args, **call.kwargs) as response:
                assert not response.is_closed
                assert_our_headers(response.http_request)
                stream = await response.parse()
                check(stream, call, types)
                await stream.close()

            assert response.is_closed is True

        run_on(scenario)

    @pytest.mark.parametrize("call", STREAMING, ids=_ids(STREAMING))
    def test_stream_reads_to_done(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            async with await method_of(client, call)(*call.args, **call.kwargs) as stream:
                events = [(event.event, event.data) async for event in stream]
            assert [name for name, _ in events] == ["thread.run.created", "thread.run.queued"]
            assert all(isinstance(data, types.run) for _, data in events)
            assert {data.id for _, data in events} == {EXAMPLES[call.operation]["id"]}

        run_on(scenario)


# -- on the wire, as the SDK sends it -----------------------------------------------------


def wire(request: RecordedRequest) -> dict[str, Any]:
    """What the server acts on: method, path, query pairs, and the JSON body (with its
    content type) if there is one."""
    sent: dict[str, Any] = {
        "method": request.method,
        "path": request.path,
        "query": sorted(request.query),
    }
    if request.body:
        sent["body"] = request.json()
        sent["content-type"] = request.headers.get("content-type")
    return sent


def sent_by(mock: ContractMock, send: Callable[[], Any]) -> dict[str, Any] | str:
    """The one request ``send()`` made, or what it raised instead."""
    before = len(mock.requests)
    try:
        send()
    except Exception as error:
        return f"raised {type(error).__name__}: {error}"
    sent = mock.requests[before:]
    return wire(sent[0]) if len(sent) == 1 else f"{len(sent)} requests"


def _close(result: Any) -> None:
    closer = getattr(result, "close", None)
    if isinstance(result, Stream | openai.Stream) and closer is not None:
        closer()


@pytest.fixture(scope="module")
def sdk_wire(mock: ContractMock) -> dict[str, dict[str, Any] | str]:
    """Every call's request as the official SDK sends it."""
    with sync_client(SDK, mock.base_url) as sdk:
        return {
            call.name: sent_by(
                mock, lambda call=call: _close(method_of(sdk, call)(*call.args, **call.kwargs))
            )
            for call in EVERY_CALL
        }


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    """Each call whose request differs from the SDK's, and how (empty if none does)."""
    lines = []
    for name, expected in theirs.items():
        got = ours[name]
        if isinstance(got, str) or isinstance(expected, str):
            if got != expected:
                lines.append(f"{name}: ours {got!r}; the SDK's {expected!r}")
            continue
        for key in sorted(expected.keys() | got.keys()):
            if got.get(key) != expected.get(key):
                lines.append(
                    f"{name} {key}: ours {got.get(key)!r}; the SDK's {expected.get(key)!r}"
                )
    return "\n".join(lines)


@pytest.mark.parametrize("flavor", OURS_SYNC)
def test_sync_requests_match_the_sdks_on_the_wire(
    mock: ContractMock, sdk_wire: dict[str, Any], flavor: str
) -> None:
    with sync_client(flavor, mock.base_url) as ours:
        sent = {
            call.name: sent_by(
                mock, lambda call=call: _close(method_of(ours, call)(*call.args, **call.kwargs))
            )
            for call in EVERY_CALL
        }
    diff = differences(sent, sdk_wire)
    assert not diff, diff


@pytest.mark.parametrize("flavor", OURS_ASYNC)
def test_async_requests_match_the_sdks_on_the_wire(
    mock: ContractMock, sdk_wire: dict[str, Any], flavor: str
) -> None:
    sent: dict[str, dict[str, Any] | str] = {}

    async def scenario(client: Any, types: Types) -> None:
        for call in EVERY_CALL:
            before = len(mock.requests)
            try:
                result = await method_of(client, call)(*call.args, **call.kwargs)
                if isinstance(result, AsyncStream):
                    await result.close()
            except Exception as error:
                sent[call.name] = f"raised {type(error).__name__}: {error}"
                continue
            new = mock.requests[before:]
            sent[call.name] = wire(new[0]) if len(new) == 1 else f"{len(new)} requests"

    run_async(flavor, mock.base_url, scenario)
    diff = differences(sent, sdk_wire)
    assert not diff, diff
