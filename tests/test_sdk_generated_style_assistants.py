"""The official SDK's generated assistants, threads and messages tests, in our own words,
on our clients.

openai-python's ``tests/api_resources/beta/test_assistants.py``,
``tests/api_resources/beta/test_threads.py`` and
``tests/api_resources/beta/threads/test_messages.py`` (written by Stainless from the OpenAPI
description) run every method of ``client.beta.assistants``, ``client.beta.threads`` and
``client.beta.threads.messages`` against a Prism mock of the API: the plain call, the call
with every parameter, ``with_raw_response`` (closed, ``http_request`` headers,
``parse()``), ``with_streaming_response`` (open inside the block, ``parse()``, closed after
it), both overloads of ``create_and_run`` (``stream=True`` closed through
``stream.response``, or ``stream.close()`` after a raw ``parse()``), and the
``ValueError`` for each empty path id. This file runs the same exercise, as
``tests/test_sdk_generated_style.py`` does for runs and steps, against
:mod:`tests._helpers.contract_mock` (a Prism-like mock of ``tests/contract/assistants.yaml``):

- ``Client`` over httpx and requests, ``AsyncClient`` over httpx, aiohttp and trio;
- the official SDK itself (``sdk-reference``), so every expectation here is the SDK's
  behaviour on this mock, not our reading of it.

The SDK's ``X-Stainless-Lang`` assertion is replaced by ``OpenAI-Beta`` (we deliberately
send no ``X-Stainless-*`` headers). Beyond the generated tests: results carry the
contract's example values, lists iterate fully to the right models, the stream decodes to
its events, the ``create_and_run_poll`` / ``create_and_run_stream`` helpers work on the
same mock, and every request goes over the wire as the SDK sends it.
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
from openai.types.beta import Assistant as SdkAssistant
from openai.types.beta import AssistantDeleted as SdkAssistantDeleted
from openai.types.beta import Thread as SdkThread
from openai.types.beta import ThreadDeleted as SdkThreadDeleted
from openai.types.beta.threads import Message as SdkMessage
from openai.types.beta.threads import MessageDeleted as SdkMessageDeleted
from openai.types.beta.threads import Run as SdkRun
from tests._helpers.contract_mock import ContractMock, RecordedRequest, routes, serve_contract

from runs_adapters import (
    AsyncClient,
    AsyncCursorPage,
    AsyncStream,
    Client,
    Stream,
    SyncCursorPage,
)
from runs_core.models import (
    Assistant,
    AssistantDeleted,
    Message,
    MessageDeleted,
    Run,
    Thread,
    ThreadDeleted,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the SDK's Assistants

SDK = "sdk-reference"
SYNC_FLAVORS = ["httpx", "requests", SDK]
ASYNC_FLAVORS = ["httpx", "aiohttp", "trio", SDK]
OURS_SYNC = [f for f in SYNC_FLAVORS if f != SDK]
OURS_ASYNC = [f for f in ASYNC_FLAVORS if f != SDK]
KEY = "sk-test"

EXAMPLES = {route.operation_id: json.loads(route.example) for route in routes()}

KINDS = {
    "createAssistant": "assistant",
    "getAssistant": "assistant",
    "modifyAssistant": "assistant",
    "deleteAssistant": "assistant_deleted",
    "listAssistants": "assistant_page",
    "createThread": "thread",
    "getThread": "thread",
    "modifyThread": "thread",
    "deleteThread": "thread_deleted",
    "createThreadAndRun": "run",
    "createMessage": "message",
    "getMessage": "message",
    "modifyMessage": "message",
    "deleteMessage": "message_deleted",
    "listMessages": "message_page",
}
"""What each operation answers: a model, or a page of ``<model>_page`` items."""


# -- the calls ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One method call of the generated tests."""

    name: str
    resource: str  # "assistants", "threads" or "messages"
    method: str
    operation: str  # the contract's operationId it reaches
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    path_ids: tuple[str, ...] = ()
    """The path ids the SDK checks for emptiness, in its order; empty for the calls with
    every parameter spelled out (the generated tests check the base calls only)."""

    @property
    def streams(self) -> bool:
        return self.kwargs.get("stream") is True

    @property
    def base(self) -> bool:
        """A call the generated raw / streaming-response tests make."""
        return "with_all_params" not in self.name

    @property
    def result(self) -> str:
        return "stream" if self.streams else KINDS[self.operation]

    def with_empty(self, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The arguments with path id ``name`` set to ``''`` (a keyword, or else the
        positional id)."""
        if name in self.kwargs:
            return self.args, {**self.kwargs, name: ""}
        return ("", *self.args[1:]), self.kwargs


FOO = {"foo": "string"}
TOOLS = [{"type": "code_interpreter"}]
ATTACHMENTS = [{"file_id": "file_id", "tools": TOOLS}]
VECTOR_STORES = [{"chunking_strategy": {"type": "auto"}, "file_ids": ["string"], "metadata": FOO}]
TOOL_RESOURCES = {
    "code_interpreter": {"file_ids": ["string"]},
    "file_search": {"vector_store_ids": ["string"]},
}
NEW_TOOL_RESOURCES = {  # where a vector store may be created on the way
    "code_interpreter": {"file_ids": ["string"]},
    "file_search": {"vector_store_ids": ["string"], "vector_stores": VECTOR_STORES},
}
THREAD_MESSAGES = [
    {"content": "string", "role": "user", "attachments": ATTACHMENTS, "metadata": FOO}
]
ASSISTANT_FIELDS = {
    "description": "description",
    "instructions": "instructions",
    "metadata": FOO,
    "name": "name",
    "reasoning_effort": "low",
    "response_format": "auto",
    "temperature": 1,
    "tools": TOOLS,
    "top_p": 1,
}


def _create_and_run_params() -> dict[str, Any]:
    """Every optional parameter of ``threads.create_and_run`` but ``stream``."""
    return {
        "instructions": "instructions",
        "max_completion_tokens": 256,
        "max_prompt_tokens": 256,
        "metadata": FOO,
        "model": "string",
        "parallel_tool_calls": True,
        "response_format": "auto",
        "temperature": 1,
        "thread": {
            "messages": THREAD_MESSAGES,
            "metadata": FOO,
            "tool_resources": NEW_TOOL_RESOURCES,
        },
        "tool_choice": "none",
        "tool_resources": TOOL_RESOURCES,
        "tools": TOOLS,
        "top_p": 1,
        "truncation_strategy": {"type": "auto", "last_messages": 1},
    }


MESSAGE = {"message_id": "message_id", "thread_id": "thread_id"}
THREAD_MESSAGE = ("thread_id", "message_id")

PLAIN = [
    # test_assistants.py
    Call("assistants.create", "assistants", "create", "createAssistant", (),
         {"model": "gpt-4o"}),
    Call("assistants.create_with_all_params", "assistants", "create", "createAssistant", (),
         {"model": "gpt-4o", **ASSISTANT_FIELDS, "tool_resources": NEW_TOOL_RESOURCES}),
    Call("assistants.retrieve", "assistants", "retrieve", "getAssistant", ("assistant_id",),
         {}, ("assistant_id",)),
    Call("assistants.update", "assistants", "update", "modifyAssistant", (),
         {"assistant_id": "assistant_id"}, ("assistant_id",)),
    Call("assistants.update_with_all_params", "assistants", "update", "modifyAssistant", (),
         {"assistant_id": "assistant_id", **ASSISTANT_FIELDS, "model": "gpt-5",
          "tool_resources": TOOL_RESOURCES}),
    Call("assistants.list", "assistants", "list", "listAssistants"),
    Call("assistants.list_with_all_params", "assistants", "list", "listAssistants", (),
         {"after": "after", "before": "before", "limit": 0, "order": "asc"}),
    Call("assistants.delete", "assistants", "delete", "deleteAssistant", ("assistant_id",),
         {}, ("assistant_id",)),
    # test_threads.py
    Call("threads.create", "threads", "create", "createThread"),
    Call("threads.create_with_all_params", "threads", "create", "createThread", (),
         {"messages": THREAD_MESSAGES, "metadata": FOO, "tool_resources": NEW_TOOL_RESOURCES}),
    Call("threads.retrieve", "threads", "retrieve", "getThread", ("thread_id",), {},
         ("thread_id",)),
    Call("threads.update", "threads", "update", "modifyThread", (),
         {"thread_id": "thread_id"}, ("thread_id",)),
    Call("threads.update_with_all_params", "threads", "update", "modifyThread", (),
         {"thread_id": "thread_id", "metadata": FOO, "tool_resources": TOOL_RESOURCES}),
    Call("threads.delete", "threads", "delete", "deleteThread", ("thread_id",), {},
         ("thread_id",)),
    Call("threads.create_and_run_overload_1", "threads", "create_and_run",
         "createThreadAndRun", (), {"assistant_id": "assistant_id"}),
    Call("threads.create_and_run_with_all_params_overload_1", "threads", "create_and_run",
         "createThreadAndRun", (),
         {"assistant_id": "assistant_id", "stream": False, **_create_and_run_params()}),
    # threads/test_messages.py
    Call("messages.create", "messages", "create", "createMessage", (),
         {"thread_id": "thread_id", "content": "string", "role": "user"}, ("thread_id",)),
    Call("messages.create_with_all_params", "messages", "create", "createMessage", (),
         {"thread_id": "thread_id", "content": "string", "role": "user",
          "attachments": ATTACHMENTS, "metadata": FOO}),
    Call("messages.retrieve", "messages", "retrieve", "getMessage", (), MESSAGE,
         THREAD_MESSAGE),
    Call("messages.update", "messages", "update", "modifyMessage", (), MESSAGE,
         THREAD_MESSAGE),
    Call("messages.update_with_all_params", "messages", "update", "modifyMessage", (),
         {**MESSAGE, "metadata": FOO}),
    Call("messages.list", "messages", "list", "listMessages", (),
         {"thread_id": "thread_id"}, ("thread_id",)),
    Call("messages.list_with_all_params", "messages", "list", "listMessages", (),
         {"thread_id": "thread_id", "after": "after", "before": "before", "limit": 0,
          "order": "asc", "run_id": "run_id"}),
    Call("messages.delete", "messages", "delete", "deleteMessage", (), MESSAGE,
         THREAD_MESSAGE),
]  # fmt: skip

STREAMING = [
    Call("threads.create_and_run_overload_2", "threads", "create_and_run",
         "createThreadAndRun", (), {"assistant_id": "assistant_id", "stream": True}),
    Call("threads.create_and_run_with_all_params_overload_2", "threads", "create_and_run",
         "createThreadAndRun", (),
         {"assistant_id": "assistant_id", "stream": True, **_create_and_run_params()}),
]  # fmt: skip

HELPERS = [  # not in the generated tests: the lib helpers, on the same mock
    Call("threads.create_and_run_poll", "threads", "create_and_run_poll", "getRun", (),
         {"assistant_id": "assistant_id", "poll_interval_ms": 0}),
    Call("threads.create_and_run_stream", "threads", "create_and_run_stream",
         "createThreadAndRun", (), {"assistant_id": "assistant_id", **_create_and_run_params()}),
]  # fmt: skip
POLL, STREAM_HELPER = HELPERS

BASE = [c for c in PLAIN if c.base]  # the SDK's raw/streaming tests use these
BASE_STREAMING = [c for c in STREAMING if c.base]
WITH_IDS = [c for c in PLAIN if c.path_ids]  # create_and_run has no path ids
LISTS = [c for c in PLAIN if c.method == "list"]
EVERY_CALL = PLAIN + STREAMING + HELPERS


def _ids(calls: list[Call]) -> list[str]:
    return [c.name for c in calls]


# -- what a result must be ----------------------------------------------------------------


@dataclass(frozen=True)
class Types:
    models: dict[str, type]
    page: type
    stream: type


def _models(*classes: type) -> dict[str, type]:
    names = ["assistant", "assistant_deleted", "thread", "thread_deleted", "message"]
    return dict(zip([*names, "message_deleted", "run"], classes, strict=True))


OUR_MODELS = _models(
    Assistant, AssistantDeleted, Thread, ThreadDeleted, Message, MessageDeleted, Run
)
SDK_MODELS = _models(
    SdkAssistant,
    SdkAssistantDeleted,
    SdkThread,
    SdkThreadDeleted,
    SdkMessage,
    SdkMessageDeleted,
    SdkRun,
)
OUR_SYNC_TYPES = Types(OUR_MODELS, SyncCursorPage, Stream)
OUR_ASYNC_TYPES = Types(OUR_MODELS, AsyncCursorPage, AsyncStream)
SDK_SYNC_TYPES = Types(SDK_MODELS, SdkSyncCursorPage, openai.Stream)
SDK_ASYNC_TYPES = Types(SDK_MODELS, SdkAsyncCursorPage, openai.AsyncStream)


def values(model: Any) -> Any:
    """The fields a model was given, as JSON (what the server sent, once parsed)."""
    return model.model_dump(mode="json", exclude_unset=True)


def check_model(result: Any, kind: str, example: dict[str, Any], types: Types) -> None:
    assert isinstance(result, types.models[kind]), type(result)
    assert values(result) == example


def check_items(items: list[Any], kind: str, example: dict[str, Any], types: Types) -> None:
    """``items`` are the example page's items, each of the item model."""
    item_kind = kind.removesuffix("_page")
    assert len(items) == len(example["data"]), items
    for item, expected in zip(items, example["data"], strict=True):
        check_model(item, item_kind, expected, types)


def check(result: Any, call: Call, types: Types) -> None:
    """``result`` is of the type the call promises and carries the contract's example."""
    example = EXAMPLES[call.operation]
    kind = call.result
    if kind == "stream":
        assert isinstance(result, types.stream), type(result)
    elif kind.endswith("_page"):
        assert isinstance(result, types.page), type(result)
        check_items(result.data, kind, example, types)
        assert result.has_more == example["has_more"]
    else:
        check_model(result, kind, example, types)


def assert_our_headers(request: Any) -> None:
    # The generated tests check X-Stainless-Lang, which we deliberately do not send.
    assert request.headers.get("OpenAI-Beta") == "assistants=v2"
    assert request.headers.get("Authorization") == f"Bearer {KEY}"


def empty_id_message(name: str) -> str:
    return rf"Expected a non-empty value for `{name}` but received ''"


def resource_of(client: Any, call: Call, table: str | None = None) -> Any:
    """``client.beta.assistants``, ``client.beta.threads`` or
    ``client.beta.threads.messages``, optionally ``.with_*``, as the generated tests
    reach them."""
    beta = client.beta
    resource = (
        beta.threads.messages if call.resource == "messages" else getattr(beta, call.resource)
    )
    return resource if table is None else getattr(resource, table)


def method_of(client: Any, call: Call, table: str | None = None) -> Callable[..., Any]:
    method: Callable[..., Any] = getattr(resource_of(client, call, table), call.method)
    return method


STREAM_EVENTS = ["thread.run.created", "thread.run.queued"]
STREAMED_RUN = EXAMPLES["createThreadAndRun"]


def check_events(events: list[tuple[str, Any]], types: Types) -> None:
    """The mock's stream: two events carrying the operation's example run."""
    assert [name for name, _ in events] == STREAM_EVENTS
    for _, data in events:
        check_model(data, "run", STREAMED_RUN, types)


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
    """Runs a scenario on an async client of one flavor, as the SDK's ``async_client``:
    one client (and loop) for the module on asyncio, a fresh one per scenario on trio."""
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

    @pytest.mark.parametrize("call", WITH_IDS, ids=_ids(WITH_IDS))
    def test_path_params(self, client: Any, call: Call) -> None:
        raw = method_of(client, call, "with_raw_response")
        for name in call.path_ids:
            args, kwargs = call.with_empty(name)
            with pytest.raises(ValueError, match=empty_id_message(name)):
                raw(*args, **kwargs)

    @pytest.mark.parametrize("call", STREAMING, ids=_ids(STREAMING))
    def test_method_stream(self, client: Any, sync_types: Types, call: Call) -> None:
        thread_stream = method_of(client, call)(*call.args, **call.kwargs)
        check(thread_stream, call, sync_types)
        thread_stream.response.close()

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
        check_events(events, sync_types)

    @pytest.mark.parametrize("call", LISTS, ids=_ids(LISTS))
    def test_list_iterates(self, client: Any, sync_types: Types, call: Call) -> None:
        # Beyond the generated tests: iterating the list (and a raw page) walks every item.
        example, kind = EXAMPLES[call.operation], call.result
        check_items(list(method_of(client, call)(*call.args, **call.kwargs)), kind, example,
                    sync_types)  # fmt: skip
        raw = method_of(client, call, "with_raw_response")(*call.args, **call.kwargs)
        check_items(list(raw.parse()), kind, example, sync_types)

    def test_create_and_run_poll(self, client: Any, sync_types: Types, mock: ContractMock) -> None:
        before = len(mock.requests)
        run = method_of(client, POLL)(*POLL.args, **POLL.kwargs)
        check_model(run, "run", EXAMPLES["getRun"], sync_types)
        assert [r.operation for r in mock.requests[before:]] == ["createThreadAndRun", "getRun"]

    def test_create_and_run_stream(self, client: Any, sync_types: Types) -> None:
        call = STREAM_HELPER
        with method_of(client, call)(*call.args, **call.kwargs) as stream:
            events = [(event.event, event.data) for event in stream]
            final = stream.get_final_run()
        check_events(events, sync_types)
        check_model(final, "run", STREAMED_RUN, sync_types)


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

    @pytest.mark.parametrize("call", WITH_IDS, ids=_ids(WITH_IDS))
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
            thread_stream = await method_of(client, call)(*call.args, **call.kwargs)
            check(thread_stream, call, types)
            await thread_stream.response.aclose()

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
            check_events(events, types)

        run_on(scenario)

    @pytest.mark.parametrize("call", LISTS, ids=_ids(LISTS))
    def test_list_iterates(self, run_on: Runner, call: Call) -> None:
        async def scenario(client: Any, types: Types) -> None:
            example, kind = EXAMPLES[call.operation], call.result
            paginator = method_of(client, call)(*call.args, **call.kwargs)
            check_items([item async for item in paginator], kind, example, types)
            page = await method_of(client, call)(*call.args, **call.kwargs)
            check_items([item async for item in page], kind, example, types)
            raw = await method_of(client, call, "with_raw_response")(*call.args, **call.kwargs)
            check_items([item async for item in raw.parse()], kind, example, types)

        run_on(scenario)

    def test_create_and_run_poll(self, run_on: Runner, mock: ContractMock) -> None:
        async def scenario(client: Any, types: Types) -> None:
            before = len(mock.requests)
            run = await method_of(client, POLL)(*POLL.args, **POLL.kwargs)
            check_model(run, "run", EXAMPLES["getRun"], types)
            operations = [r.operation for r in mock.requests[before:]]
            assert operations == ["createThreadAndRun", "getRun"]

        run_on(scenario)

    def test_create_and_run_stream(self, run_on: Runner) -> None:
        async def scenario(client: Any, types: Types) -> None:
            call = STREAM_HELPER
            async with method_of(client, call)(*call.args, **call.kwargs) as stream:
                events = [(event.event, event.data) async for event in stream]
                final = await stream.get_final_run()
            check_events(events, types)
            check_model(final, "run", STREAMED_RUN, types)

        run_on(scenario)


# -- on the wire, as the SDK sends it -----------------------------------------------------

TABLES = ["with_raw_response", "with_streaming_response"]


@dataclass(frozen=True)
class Sending:
    """A call made plainly, or through one of the response tables."""

    call: Call
    table: str | None = None

    @property
    def name(self) -> str:
        return self.call.name if self.table is None else f"{self.table}.{self.call.name}"


SENDINGS = [Sending(call) for call in EVERY_CALL] + [
    Sending(call, table) for table in TABLES for call in BASE + BASE_STREAMING
]

CLEAN = SENDINGS  # every request of ours goes out as the SDK's does


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


Sent = list[dict[str, Any]] | str
"""The requests a call made, in order, or what it raised instead."""


def _close(result: Any) -> None:
    if isinstance(result, Stream | openai.Stream):
        result.close()


async def _aclose(result: Any) -> None:
    if isinstance(result, AsyncStream | openai.AsyncStream):
        await result.close()


def drive(client: Any, sending: Sending) -> None:
    """Make the call to its end (a stream closed, a stream helper read through)."""
    call, table = sending.call, sending.table
    result = method_of(client, call, table)(*call.args, **call.kwargs)
    if call is STREAM_HELPER:
        with result as stream:
            stream.until_done()
    elif table == "with_streaming_response":
        with result as response:
            _close(response.parse())
    else:
        _close(result if table is None else result.parse())


async def drive_async(client: Any, sending: Sending) -> None:
    call, table = sending.call, sending.table
    method = method_of(client, call, table)
    if call is STREAM_HELPER:
        async with method(*call.args, **call.kwargs) as stream:
            await stream.until_done()
    elif table == "with_streaming_response":
        async with method(*call.args, **call.kwargs) as response:
            await _aclose(await response.parse())
    else:
        result = await method(*call.args, **call.kwargs)
        await _aclose(result if table is None else result.parse())


def sent_sync(mock: ContractMock, flavor: str, sendings: list[Sending]) -> dict[str, Sent]:
    sent: dict[str, Sent] = {}
    with sync_client(flavor, mock.base_url) as client:
        for sending in sendings:
            before = len(mock.requests)
            try:
                drive(client, sending)
            except Exception as error:
                sent[sending.name] = f"raised {type(error).__name__}: {error}"
                continue
            sent[sending.name] = [wire(request) for request in mock.requests[before:]]
    return sent


def sent_async(mock: ContractMock, flavor: str, sendings: list[Sending]) -> dict[str, Sent]:
    sent: dict[str, Sent] = {}

    async def scenario(client: Any, types: Types) -> None:
        for sending in sendings:
            before = len(mock.requests)
            try:
                await drive_async(client, sending)
            except Exception as error:
                sent[sending.name] = f"raised {type(error).__name__}: {error}"
                continue
            sent[sending.name] = [wire(request) for request in mock.requests[before:]]

    run_async(flavor, mock.base_url, scenario)
    return sent


@pytest.fixture(scope="module")
def sdk_wire(mock: ContractMock) -> dict[str, Sent]:
    """Every call's requests as the official SDK sends them."""
    return sent_sync(mock, SDK, SENDINGS)


def differences(ours: dict[str, Sent], theirs: dict[str, Sent]) -> str:
    """Each call whose requests differ from the SDK's, and how (empty if none does)."""
    lines = []
    for name, got in ours.items():
        expected = theirs[name]
        if isinstance(got, str) or isinstance(expected, str) or len(got) != len(expected):
            if got != expected:
                lines.append(f"{name}: ours {got!r}; the SDK's {expected!r}")
            continue
        for index, (mine, sdks) in enumerate(zip(got, expected, strict=True)):
            for key in sorted(sdks.keys() | mine.keys()):
                if mine.get(key) != sdks.get(key):
                    lines.append(
                        f"{name} #{index} {key}: ours {mine.get(key)!r}; "
                        f"the SDK's {sdks.get(key)!r}"
                    )
    return "\n".join(lines)


def test_the_sdk_reaches_every_operation(sdk_wire: dict[str, Sent]) -> None:
    # The reference itself: each call made its requests, and together they reach every
    # operation of the contract outside runs and steps, DELETEs included.
    assert all(isinstance(sent, list) and sent for sent in sdk_wire.values()), sdk_wire
    reached = {(r["method"], r["path"]) for sent in sdk_wire.values() for r in sent}
    assert {
        ("GET", "/v1/assistants"),
        ("POST", "/v1/assistants"),
        ("GET", "/v1/assistants/assistant_id"),
        ("POST", "/v1/assistants/assistant_id"),
        ("DELETE", "/v1/assistants/assistant_id"),
        ("POST", "/v1/threads"),
        ("POST", "/v1/threads/runs"),
        ("GET", "/v1/threads/thread_id"),
        ("POST", "/v1/threads/thread_id"),
        ("DELETE", "/v1/threads/thread_id"),
        ("GET", "/v1/threads/thread_id/messages"),
        ("POST", "/v1/threads/thread_id/messages"),
        ("GET", "/v1/threads/thread_id/messages/message_id"),
        ("POST", "/v1/threads/thread_id/messages/message_id"),
        ("DELETE", "/v1/threads/thread_id/messages/message_id"),
    } <= reached


@pytest.mark.parametrize("flavor", OURS_SYNC)
def test_sync_requests_match_the_sdks_on_the_wire(
    mock: ContractMock, sdk_wire: dict[str, Sent], flavor: str
) -> None:
    diff = differences(sent_sync(mock, flavor, CLEAN), sdk_wire)
    assert not diff, diff


@pytest.mark.parametrize("flavor", OURS_ASYNC)
def test_async_requests_match_the_sdks_on_the_wire(
    mock: ContractMock, sdk_wire: dict[str, Sent], flavor: str
) -> None:
    diff = differences(sent_async(mock, flavor, CLEAN), sdk_wire)
    assert not diff, diff
