"""RequestBuilder for assistants, threads, create-and-run and messages.

Every request is checked three ways: against what the operation must be (method, path,
query, body, result kind); against the contract (``assistants.yaml``: the path and
method exist, the query keys are declared, the body validates against the operation's
request schema); and against what the official SDK (``openai``) sends for the same call,
captured with ``httpx.MockTransport``. Ids of any text stay one path segment, empty ids
fail with the SDK's words, and ``send_and_poll`` drives a create-and-run to its end.
"""

from __future__ import annotations

import copy
import json
import typing
import warnings
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import jsonschema
import openai
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests._helpers.contract import full_spec

import runs_core
from runs_core import (
    ClientConfig,
    Headers,
    InvalidRequestError,
    Request,
    RequestBuilder,
    Response,
    ResultKind,
    Send,
    Sleep,
    send_and_poll,
)

BASE = "http://api.test/v1"
KEY = "sk-test-0123456789"


def builder(**config: Any) -> RequestBuilder:
    return RequestBuilder(ClientConfig(**{"api_key": KEY, "base_url": BASE, **config}))


def path_of(request: Request) -> str:
    return urlsplit(request.url).path.removeprefix("/v1")


def query_of(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def body_of(request: Request) -> Any:
    return json.loads(request.body) if request.body else None


# -- the calls, as ours and as the SDK's -----------------------------------------------

TOOLS = [
    {"type": "code_interpreter"},
    {"type": "file_search", "file_search": {"max_num_results": 5}},
    {
        "type": "function",
        "function": {"name": "f", "description": "d", "parameters": {"type": "object"}},
    },
]
RESPONSE_FORMAT = {
    "type": "json_schema",
    "json_schema": {"name": "n", "schema": {"type": "object"}, "strict": True},
}
CREATE_RESOURCES = {
    "code_interpreter": {"file_ids": ["file_1"]},
    "file_search": {
        "vector_stores": [
            {
                "file_ids": ["file_2"],
                "chunking_strategy": {
                    "type": "static",
                    "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
                },
                "metadata": {"k": "v"},
            }
        ]
    },
}
RESOURCES = {"code_interpreter": {"file_ids": []}, "file_search": {"vector_store_ids": ["vs_1"]}}
PARTS = [
    {"type": "text", "text": "look"},
    {"type": "image_file", "image_file": {"file_id": "file_3", "detail": "low"}},
    {"type": "image_url", "image_url": {"url": "https://example.test/a.png", "detail": "high"}},
]
ATTACHMENTS = [
    {"file_id": "file_4", "tools": [{"type": "code_interpreter"}, {"type": "file_search"}]}
]
MESSAGES = [
    {"role": "user", "content": "hi"},
    {"role": "assistant", "content": PARTS, "attachments": ATTACHMENTS, "metadata": {"m": "1"}},
]
ASSISTANT_FIELDS: dict[str, Any] = {
    "description": "desc",
    "instructions": "be brief",
    "metadata": {"k": "v"},
    "name": "Tutor",
    "reasoning_effort": "low",
    "response_format": RESPONSE_FORMAT,
    "temperature": 0.5,
    "tools": TOOLS,
    "top_p": 0.9,
}
RUN_FIELDS: dict[str, Any] = {
    "instructions": "be brief",
    "max_completion_tokens": 300,
    "max_prompt_tokens": 400,
    "metadata": {"k": "v"},
    "model": "gpt-4o",
    "parallel_tool_calls": False,
    "response_format": {"type": "json_object"},
    "temperature": 0.5,
    "thread": {"messages": MESSAGES, "metadata": {"t": "1"}, "tool_resources": CREATE_RESOURCES},
    "tool_choice": {"type": "function", "function": {"name": "f"}},
    "tool_resources": RESOURCES,
    "tools": TOOLS,
    "top_p": 0.9,
    "truncation_strategy": {"type": "last_messages", "last_messages": 3},
}


class Call(NamedTuple):
    """One operation: ours (on a RequestBuilder) and the SDK's (on ``client.beta``).

    Both take the path ids as keywords named as the contract names them (``thread_id``,
    ``assistant_id``, ``message_id``), defaulting to :data:`IDS`, then the call's fields.
    """

    ours: Callable[..., Request]
    sdk: Callable[..., Any]
    method: str
    path: str
    """The contract's path template."""
    result: ResultKind
    ids: tuple[str, ...] = ()
    """The path ids, in the order the SDK checks them."""


IDS = {"assistant_id": "asst_1", "thread_id": "thread_1", "message_id": "msg_1"}
A, T, M = IDS["assistant_id"], IDS["thread_id"], IDS["message_id"]
HI = {"content": "hi", "role": "user"}

CALLS: dict[str, Call] = {
    "create_assistant": Call(
        lambda b, **kw: b.create_assistant(model="gpt-4o", **kw),
        lambda c, **kw: c.assistants.create(model="gpt-4o", **kw),
        "POST", "/assistants", ResultKind.ASSISTANT,
    ),
    "retrieve_assistant": Call(
        lambda b, assistant_id=A, **kw: b.retrieve_assistant(assistant_id, **kw),
        lambda c, assistant_id=A, **kw: c.assistants.retrieve(assistant_id, **kw),
        "GET", "/assistants/{assistant_id}", ResultKind.ASSISTANT, ("assistant_id",),
    ),
    "update_assistant": Call(
        lambda b, assistant_id=A, **kw: b.update_assistant(assistant_id, **kw),
        lambda c, assistant_id=A, **kw: c.assistants.update(assistant_id, **kw),
        "POST", "/assistants/{assistant_id}", ResultKind.ASSISTANT, ("assistant_id",),
    ),
    "list_assistants": Call(
        lambda b, **kw: b.list_assistants(**kw),
        lambda c, **kw: c.assistants.list(**kw),
        "GET", "/assistants", ResultKind.ASSISTANT_PAGE,
    ),
    "delete_assistant": Call(
        lambda b, assistant_id=A, **kw: b.delete_assistant(assistant_id, **kw),
        lambda c, assistant_id=A, **kw: c.assistants.delete(assistant_id, **kw),
        "DELETE", "/assistants/{assistant_id}", ResultKind.ASSISTANT_DELETED, ("assistant_id",),
    ),
    "create_thread": Call(
        lambda b, **kw: b.create_thread(**kw),
        lambda c, **kw: c.threads.create(**kw),
        "POST", "/threads", ResultKind.THREAD,
    ),
    "retrieve_thread": Call(
        lambda b, thread_id=T, **kw: b.retrieve_thread(thread_id, **kw),
        lambda c, thread_id=T, **kw: c.threads.retrieve(thread_id, **kw),
        "GET", "/threads/{thread_id}", ResultKind.THREAD, ("thread_id",),
    ),
    "update_thread": Call(
        lambda b, thread_id=T, **kw: b.update_thread(thread_id, **kw),
        lambda c, thread_id=T, **kw: c.threads.update(thread_id, **kw),
        "POST", "/threads/{thread_id}", ResultKind.THREAD, ("thread_id",),
    ),
    "delete_thread": Call(
        lambda b, thread_id=T, **kw: b.delete_thread(thread_id, **kw),
        lambda c, thread_id=T, **kw: c.threads.delete(thread_id, **kw),
        "DELETE", "/threads/{thread_id}", ResultKind.THREAD_DELETED, ("thread_id",),
    ),
    "create_thread_and_run": Call(
        lambda b, **kw: b.create_thread_and_run(assistant_id="asst_1", **kw),
        lambda c, **kw: c.threads.create_and_run(assistant_id="asst_1", **kw),
        "POST", "/threads/runs", ResultKind.RUN,
    ),
    "create_message": Call(
        lambda b, thread_id=T, **kw: b.create_message(thread_id, **{**HI, **kw}),
        lambda c, thread_id=T, **kw: c.threads.messages.create(thread_id, **{**HI, **kw}),
        "POST", "/threads/{thread_id}/messages", ResultKind.MESSAGE, ("thread_id",),
    ),
    "retrieve_message": Call(
        lambda b, thread_id=T, message_id=M, **kw: b.retrieve_message(
            message_id, thread_id=thread_id, **kw
        ),
        lambda c, thread_id=T, message_id=M, **kw: c.threads.messages.retrieve(
            message_id, thread_id=thread_id, **kw
        ),
        "GET", "/threads/{thread_id}/messages/{message_id}", ResultKind.MESSAGE,
        ("thread_id", "message_id"),
    ),
    "update_message": Call(
        lambda b, thread_id=T, message_id=M, **kw: b.update_message(
            message_id, thread_id=thread_id, **kw
        ),
        lambda c, thread_id=T, message_id=M, **kw: c.threads.messages.update(
            message_id, thread_id=thread_id, **kw
        ),
        "POST", "/threads/{thread_id}/messages/{message_id}", ResultKind.MESSAGE,
        ("thread_id", "message_id"),
    ),
    "list_messages": Call(
        lambda b, thread_id=T, **kw: b.list_messages(thread_id, **kw),
        lambda c, thread_id=T, **kw: c.threads.messages.list(thread_id, **kw),
        "GET", "/threads/{thread_id}/messages", ResultKind.MESSAGE_PAGE, ("thread_id",),
    ),
    "delete_message": Call(
        lambda b, thread_id=T, message_id=M, **kw: b.delete_message(
            message_id, thread_id=thread_id, **kw
        ),
        lambda c, thread_id=T, message_id=M, **kw: c.threads.messages.delete(
            message_id, thread_id=thread_id, **kw
        ),
        "DELETE", "/threads/{thread_id}/messages/{message_id}", ResultKind.MESSAGE_DELETED,
        ("thread_id", "message_id"),
    ),
}  # fmt: skip
every_call = pytest.mark.parametrize("name", sorted(CALLS))
POSTS = sorted(name for name, call in CALLS.items() if call.method == "POST")

# Arguments for each call: none beyond the required ones, every field, and odd shapes.
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    *[(name, {}) for name in sorted(CALLS)],
    ("create_assistant", {**ASSISTANT_FIELDS, "tool_resources": CREATE_RESOURCES}),
    ("create_assistant", {"name": None, "description": None, "tool_resources": None}),
    ("update_assistant", {**ASSISTANT_FIELDS, "model": "gpt-4o-mini", "tool_resources": RESOURCES}),
    ("update_assistant", {"metadata": None, "response_format": "auto", "top_p": None}),
    ("list_assistants", {"after": "asst_a", "before": "asst_b", "limit": 5, "order": "asc"}),
    ("create_thread", {"messages": MESSAGES, "metadata": {"k": "v"}}),
    ("create_thread", {"tool_resources": CREATE_RESOURCES}),
    ("create_thread", {"messages": [], "metadata": None, "tool_resources": None}),
    ("update_thread", {"metadata": {"k": "v"}, "tool_resources": RESOURCES}),
    ("update_thread", {"metadata": None}),
    ("create_thread_and_run", RUN_FIELDS),
    ("create_thread_and_run", {"stream": False, "model": None, "tools": None}),
    ("create_thread_and_run", {"tool_choice": "required", "response_format": "auto"}),
    ("create_thread_and_run", {"stream": True, "thread": {"messages": MESSAGES[:1]}}),
    ("create_message", {"content": PARTS, "role": "assistant", "attachments": ATTACHMENTS}),
    ("create_message", {"attachments": None, "metadata": None}),
    ("create_message", {"metadata": {"k": "v"}}),
    ("update_message", {"metadata": {"k": "v"}}),
    ("update_message", {"metadata": None}),
    ("list_messages", {"after": "msg_a", "before": "msg_b", "limit": 100, "order": "desc"}),
    ("list_messages", {"run_id": "run_1", "limit": 1}),
]
VARIANT_IDS = [f"{name}-{i}" for i, (name, _) in enumerate(VARIANTS)]


# -- the contract, as JSON Schema --------------------------------------------------------


def _nullable_to_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable: true`` as JSON Schema's "this or null" (the contract's
    known quirk, as ``tests/_helpers/emulator.py`` rewrites the runs part)."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    nullable = node.pop("nullable", False) is True
    if "allOf" in node:
        members = node["allOf"]
        nullable |= any(isinstance(p, dict) and p == {"nullable": True} for p in members)
        node["allOf"] = [p for p in members if not (isinstance(p, dict) and set(p) == {"nullable"})]
    node = {key: _nullable_to_json_schema(value) for key, value in node.items()}
    return {"anyOf": [node, {"type": "null"}]} if nullable else node


@cache
def _json_schema_spec() -> dict[str, Any]:
    return typing.cast(dict[str, Any], _nullable_to_json_schema(copy.deepcopy(full_spec())))


def _operation(method: str, path: str) -> tuple[str, dict[str, Any]]:
    """The contract's path template and operation for a request; literal segments win
    over parameters (``/threads/runs`` is create-and-run, not a thread called "runs")."""
    parts = path.strip("/").split("/")
    matches = []
    for template, item in full_spec()["paths"].items():
        pattern = template.strip("/").split("/")
        if len(pattern) != len(parts) or method.lower() not in item:
            continue
        if all(p.startswith("{") or p == s for p, s in zip(pattern, parts, strict=True)):
            literal = sum(not p.startswith("{") for p in pattern)
            matches.append((literal, template, item[method.lower()]))
    assert matches, f"{method} {path} is not in the contract"
    _, template, operation = max(matches, key=lambda m: m[0])
    return template, operation


def check_against_contract(request: Request) -> str:
    """Fail unless the request is one the contract describes; returns the operationId."""
    path = urlsplit(request.url).path.removeprefix("/v1")
    template, operation = _operation(request.method, path)
    params = operation.get("parameters", [])
    declared = {p["name"] for p in params if p["in"] == "query"}
    assert {key for key, _ in query_of(request)} <= declared
    in_path = {p["name"] for p in params if p["in"] == "path"}
    assert in_path == {p.strip("{}") for p in template.split("/") if p.startswith("{")}
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
    if request.body:
        assert "schema" in schema, f"{operation['operationId']} takes no body"
        pointer = schema["schema"]["$ref"]
        validator = jsonschema.Draft202012Validator({**_json_schema_spec(), "$ref": pointer})
        validator.validate(body_of(request))
    return str(operation["operationId"])


def test_the_contract_check_refuses_what_the_contract_does_not_allow() -> None:
    b = builder()
    with pytest.raises(jsonschema.ValidationError):  # CreateAssistantRequest forbids extras
        check_against_contract(b.create_assistant(model="m", extra_body={"x_new": 1}))
    with pytest.raises(jsonschema.ValidationError):  # role is user or assistant
        check_against_contract(b.create_message("t", content="x", role="system"))
    with pytest.raises(AssertionError):  # not a query parameter of listAssistants
        check_against_contract(b.list_assistants(extra_query={"run_id": "r"}))
    with pytest.raises(AssertionError, match="not in the contract"):
        check_against_contract(b.delete_thread("t").replace(method="PUT"))
    with pytest.raises(AssertionError, match="takes no body"):
        check_against_contract(b.delete_thread("t", extra_body={"x": 1}))


def _fields(request: Request) -> dict[str, Any]:
    return {
        "method": request.method, "url": request.url, "headers": request.headers,
        "body": request.body, "stream": request.stream, "timeout": request.timeout,
        "result": request.result,
    }  # fmt: skip


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS, ids=VARIANT_IDS)
def test_every_request_is_one_the_contract_describes(name: str, kwargs: dict[str, Any]) -> None:
    request = CALLS[name].ours(builder(), **kwargs)
    operation = check_against_contract(request)
    assert operation.lower().startswith(("create", "get", "list", "modify", "delete"))


# -- what each operation must be ---------------------------------------------------------


@every_call
def test_method_path_and_result_kind(name: str) -> None:
    call = CALLS[name]
    request = call.ours(builder())
    assert (request.method, path_of(request), request.result) == (
        call.method,
        call.path.format(**IDS),
        call.result,
    )
    assert query_of(request) == []
    assert request.stream is False
    assert request.header("Accept") == "application/json"
    assert request.header("OpenAI-Beta") == "assistants=v2"


@every_call
def test_bodies_of_a_bare_call(name: str) -> None:
    # GET and DELETE send nothing; a create or modify with no field sends what the SDK
    # sends: its required fields, else ``{}``.
    expected: dict[str, Any] = {
        "create_assistant": {"model": "gpt-4o"},
        "create_thread": {},
        "update_assistant": {},
        "update_thread": {},
        "update_message": {},
        "create_thread_and_run": {"assistant_id": "asst_1"},
        "create_message": {"content": "hi", "role": "user"},
    }
    request = CALLS[name].ours(builder())
    assert body_of(request) == expected.get(name)
    if name not in expected:
        assert request.body is None
        assert request.header("Content-Type") is None
    else:
        assert request.header("Content-Type") == "application/json"


def test_create_assistant_sends_every_given_field_in_the_sdks_order() -> None:
    request = builder().create_assistant(
        model="gpt-4o", **ASSISTANT_FIELDS, tool_resources=CREATE_RESOURCES
    )
    body = body_of(request)
    assert body == {"model": "gpt-4o", **ASSISTANT_FIELDS, "tool_resources": CREATE_RESOURCES}
    assert list(body) == [
        "model", "description", "instructions", "metadata", "name", "reasoning_effort",
        "response_format", "temperature", "tool_resources", "tools", "top_p",
    ]  # fmt: skip


def test_none_is_sent_as_null_and_not_given_is_left_out() -> None:
    request = builder().update_assistant(
        "asst_1", name=None, metadata=None, description=runs_core.NOT_GIVEN, top_p=openai.omit
    )
    assert body_of(request) == {"name": None, "metadata": None}


def test_list_assistants_sends_the_cursor_query() -> None:
    request = builder().list_assistants(after="a", before="b", limit=5, order="asc")
    assert query_of(request) == [("after", "a"), ("before", "b"), ("limit", "5"), ("order", "asc")]
    assert request.result.is_page


def test_list_messages_sends_run_id_after_the_cursor() -> None:
    request = builder().list_messages("thread_1", limit=3, run_id="run_1", order="desc")
    assert query_of(request) == [("limit", "3"), ("order", "desc"), ("run_id", "run_1")]
    unfiltered = builder().list_messages("thread_1", run_id=None)  # type: ignore[arg-type]
    assert unfiltered.url == f"{BASE}/threads/thread_1/messages"
    assert request.result.is_page


def test_result_kinds_that_are_pages() -> None:
    pages = {kind for kind in ResultKind if kind.is_page}
    assert pages == {
        ResultKind.RUN_PAGE,
        ResultKind.RUN_STEP_PAGE,
        ResultKind.ASSISTANT_PAGE,
        ResultKind.MESSAGE_PAGE,
    }


def test_create_thread_sends_its_messages_and_resources() -> None:
    request = builder().create_thread(
        messages=MESSAGES, metadata={"k": "v"}, tool_resources=CREATE_RESOURCES
    )
    assert body_of(request) == {
        "messages": MESSAGES,
        "metadata": {"k": "v"},
        "tool_resources": CREATE_RESOURCES,
    }


def test_a_not_given_key_inside_a_message_is_left_out() -> None:
    message = {"role": "user", "content": "hi", "metadata": runs_core.NOT_GIVEN}
    request = builder().create_thread(messages=[message])
    assert body_of(request) == {"messages": [{"role": "user", "content": "hi"}]}


# -- create-and-run mirrors create_run ---------------------------------------------------


def test_create_thread_and_run_sends_every_given_field() -> None:
    request = builder().create_thread_and_run(assistant_id="asst_1", **RUN_FIELDS)
    assert body_of(request) == {"assistant_id": "asst_1", **RUN_FIELDS}
    assert (request.stream, request.result) == (False, ResultKind.RUN)


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (True, (True, ResultKind.EVENT_STREAM, "text/event-stream")),
        (False, (False, ResultKind.RUN, "application/json")),
        (None, (False, ResultKind.RUN, "application/json")),
    ],
)
def test_create_thread_and_run_streams_only_when_asked(
    stream: bool | None, expected: tuple[bool, ResultKind, str]
) -> None:
    request = builder().create_thread_and_run(assistant_id="asst_1", stream=stream)
    assert body_of(request) == {"assistant_id": "asst_1", "stream": stream}
    assert (request.stream, request.result, request.header("Accept")) == expected


def test_create_thread_and_run_and_create_run_build_the_same_run_request() -> None:
    # Same handling of stream, fields, headers and options: only the path differs.
    b = builder()
    fields: dict[str, Any] = {
        "stream": True, "instructions": "i", "model": None, "metadata": {"k": "v"},
        "tool_choice": "auto", "extra_headers": {"X-A": "1"}, "extra_query": {"q": "1"},
        "extra_body": {"x": [1]}, "timeout": 3.0, "idempotency_key": "idem",
    }  # fmt: skip
    mine = b.create_thread_and_run(assistant_id="asst_1", **fields)
    theirs = b.create_run("thread_1", assistant_id="asst_1", **fields)
    assert _fields(mine) | {"url": ""} == _fields(theirs) | {"url": ""}
    assert mine.url == f"{BASE}/threads/runs?q=1"


# -- message content in every shape ------------------------------------------------------

CONTENTS: list[Any] = [
    "plain text",
    "",
    [{"type": "text", "text": "one part"}],
    [{"type": "image_file", "image_file": {"file_id": "file_1"}}],
    [{"type": "image_file", "image_file": {"file_id": "file_1", "detail": "auto"}}],
    [{"type": "image_url", "image_url": {"url": "https://example.test/i.png"}}],
    [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AA==", "detail": "low"}}],
    PARTS,
]


@pytest.mark.parametrize("content", CONTENTS, ids=[f"content{i}" for i in range(len(CONTENTS))])
@pytest.mark.parametrize("role", ["user", "assistant"])
def test_message_content_passes_through_unchanged(content: Any, role: str) -> None:
    request = builder().create_message("thread_1", content=content, role=role)
    assert body_of(request) == {"content": content, "role": role}
    check_against_contract(request)
    theirs = sdk_request(
        lambda c: c.threads.messages.create("thread_1", content=content, role=role)
    )
    assert body_of(request) == json.loads(theirs.content)


def test_content_parts_from_any_iterable_and_of_unknown_kinds_are_sent_as_given() -> None:
    parts = ({"type": "audio", "audio": {"file_id": "f"}}, *PARTS)  # the server judges kinds
    request = builder().create_message("thread_1", content=iter(parts), role="user")
    assert body_of(request)["content"] == list(parts)


# -- what the SDK sends ------------------------------------------------------------------


def _sdk_calls(call: Callable[[Any], Any]) -> list[httpx.Request]:
    """Run ``call(client.beta)`` on the SDK; the requests it sent."""
    seen: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

    http_client = httpx.Client(transport=httpx.MockTransport(respond))
    sdk = openai.OpenAI(api_key=KEY, base_url=BASE, max_retries=0, http_client=http_client)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            call(sdk.beta)
    finally:
        sdk.close()
    return seen


def sdk_request(call: Callable[[Any], Any]) -> httpx.Request:
    """The request the SDK sends for ``call(client.beta)``."""
    sent = _sdk_calls(call)
    assert len(sent) == 1
    return sent[0]


def sdk_error(call: Callable[[Any], Any]) -> Exception:
    """What the SDK raises for ``call`` before it sends anything."""
    try:
        sent = _sdk_calls(call)
    except Exception as error:
        return error
    raise AssertionError(f"the SDK sent {sent} instead of raising")


def _segments(path: str) -> list[str]:
    # The SDK leaves RFC 3986 sub-delims unencoded in a segment, ours encodes them:
    # the same segments either way.
    return [unquote(part) for part in path.split("/")]


def assert_same_wire(mine: Request, theirs: httpx.Request) -> None:
    assert mine.method == theirs.method
    assert _segments(urlsplit(mine.url).path) == _segments(
        theirs.url.raw_path.decode().split("?")[0]
    )
    assert query_of(mine) == parse_qsl(theirs.url.query.decode(), keep_blank_values=True)
    assert body_of(mine) == (json.loads(theirs.content) if theirs.content else None)
    for name in ("authorization", "openai-beta", "accept", "x-trace", "idempotency-key"):
        if name == "accept" and mine.stream:
            # As create_run: a stream asks for one (the SDK's Accept stays JSON).
            assert mine.header(name) == "text/event-stream"
            continue
        assert mine.header(name) == theirs.headers.get(name), name
    # Content-Type goes with content; the SDK also names it on a bodiless DELETE.
    if theirs.content:
        assert mine.header("content-type") == theirs.headers["content-type"]
    else:
        assert mine.header("content-type") is None


@pytest.mark.parametrize(("name", "kwargs"), VARIANTS, ids=VARIANT_IDS)
def test_the_request_is_what_the_sdk_sends(name: str, kwargs: dict[str, Any]) -> None:
    call = CALLS[name]
    assert_same_wire(call.ours(builder(), **kwargs), sdk_request(lambda c: call.sdk(c, **kwargs)))


@every_call
def test_extra_headers_query_and_body_are_sent_as_the_sdk_sends_them(name: str) -> None:
    call = CALLS[name]
    extras: dict[str, Any] = {"extra_headers": {"X-Trace": "t-1"}, "extra_query": {"q": "1"}}
    if call.method == "POST":  # the SDK sends no body with a GET or a DELETE
        extras["extra_body"] = {"x_new": [1, None]}
    mine = call.ours(builder(), **extras)
    assert_same_wire(mine, sdk_request(lambda c: call.sdk(c, **extras)))
    assert mine.header("x-trace") == "t-1"
    assert query_of(mine)[-1] == ("q", "1")


WITH_IDS = [name for name in sorted(CALLS) if CALLS[name].ids]


@pytest.mark.parametrize("name", WITH_IDS)
@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_id_fails_with_the_sdks_words(name: str, empty: Any) -> None:
    call = CALLS[name]
    for id_name in call.ids:
        expected = sdk_error(lambda c, id_name=id_name: call.sdk(c, **{id_name: empty}))
        assert isinstance(expected, ValueError)
        with pytest.raises(InvalidRequestError) as caught:
            call.ours(builder(), **{id_name: empty})
        assert isinstance(caught.value, ValueError)
        assert str(caught.value) == str(expected)
        assert str(expected) == f"Expected a non-empty value for `{id_name}` but received {empty!r}"


@pytest.mark.parametrize("name", ["retrieve_message", "update_message", "delete_message"])
def test_the_thread_id_is_checked_before_the_message_id_as_in_the_sdk(name: str) -> None:
    call = CALLS[name]
    expected = sdk_error(lambda c: call.sdk(c, thread_id="", message_id=""))
    with pytest.raises(InvalidRequestError) as caught:
        call.ours(builder(), thread_id="", message_id="")
    assert str(caught.value) == str(expected)
    assert "`thread_id`" in str(caught.value)


# -- ids stay one path segment ------------------------------------------------------------

ODD_IDS = ["a/b", "a?b=1", "100%", "sp ace", "..", ".", "a#b", "../assistants", "é", "%2E%2E"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("name", WITH_IDS)
def test_an_odd_id_is_exactly_one_path_segment(name: str, odd: str) -> None:
    call = CALLS[name]
    for id_name in call.ids:
        request = call.ours(builder(), **{id_name: odd})
        url = urlsplit(request.url)
        parts = url.path.removeprefix("/v1").split("/")
        expected = call.path.format(**{**IDS, id_name: "\0"}).split("/")
        assert [unquote(p) for p in parts] == [odd if p == "\0" else p for p in expected]
        assert all(p not in (".", "..") for p in parts)
        assert (url.query, url.fragment) == ("", "")
        # The SDK refuses dot segments; any other id reaches the same segment there.
        if odd.strip(".") and "%2E" not in odd:
            theirs = sdk_request(lambda c, id_name=id_name: call.sdk(c, **{id_name: odd}))
            assert_same_wire(request, theirs)


def test_dot_ids_are_encoded_so_no_server_resolves_them() -> None:
    assert path_of(builder().delete_thread("..")) == "/threads/%2E%2E"
    assert path_of(builder().retrieve_message(".", thread_id="..")) == (
        "/threads/%2E%2E/messages/%2E"
    )
    assert path_of(builder().retrieve_assistant("../threads")) == "/assistants/..%2Fthreads"


ids = st.text(min_size=1)


@given(thread_id=ids, message_id=ids, after=ids)
def test_any_ids_stay_in_their_segments(thread_id: str, message_id: str, after: str) -> None:
    b = builder()
    request = b.retrieve_message(message_id, thread_id=thread_id)
    parts = urlsplit(request.url).path.split("/")
    assert parts[:3] == ["", "v1", "threads"] and parts[4] == "messages" and len(parts) == 6
    assert [unquote(parts[3]), unquote(parts[5])] == [thread_id, message_id]
    assert urlsplit(request.url).query == "" and urlsplit(request.url).fragment == ""
    listed = b.list_messages(thread_id, after=after, run_id=message_id)
    assert unquote(urlsplit(listed.url).path.split("/")[3]) == thread_id
    assert query_of(listed) == [("after", after), ("run_id", message_id)]


# -- options on every builder --------------------------------------------------------------


@every_call
def test_every_builder_takes_the_request_options(name: str) -> None:
    call = CALLS[name]
    assert call.ours(builder(timeout=30.0)).timeout == 30.0
    assert call.ours(builder(timeout=30.0), timeout=2.5).timeout == 2.5
    assert call.ours(builder(timeout=30.0), timeout=None).timeout is None
    plain = call.ours(builder())
    request = call.ours(builder(), extra_body={"x_new": [1, None]})
    assert body_of(request) == {**(body_of(plain) or {}), "x_new": [1, None]}
    assert request.header("Content-Type") == "application/json"
    assert call.ours(builder(), extra_query={"limit": None}).url == plain.url


@pytest.mark.parametrize("name", POSTS)
def test_every_post_takes_an_idempotency_key(name: str) -> None:
    call = CALLS[name]
    assert call.ours(builder(), idempotency_key="idem-1").header("Idempotency-Key") == "idem-1"
    assert call.ours(builder()).header("Idempotency-Key") is None


@pytest.mark.parametrize("name", sorted(set(CALLS) - set(POSTS)))
def test_gets_and_deletes_take_no_idempotency_key(name: str) -> None:
    with pytest.raises(TypeError, match="idempotency_key"):
        CALLS[name].ours(builder(), idempotency_key="idem-1")


@every_call
def test_every_builder_has_the_sdks_arguments(name: str) -> None:
    # Ours takes every argument the SDK's method takes, under the same name (plus
    # ``idempotency_key`` on the POSTs).
    import inspect

    method = getattr(RequestBuilder, name)
    ours = set(inspect.signature(method).parameters) - {"self"}
    sdk_names = {
        "create_assistant": "assistants.create", "retrieve_assistant": "assistants.retrieve",
        "update_assistant": "assistants.update", "list_assistants": "assistants.list",
        "delete_assistant": "assistants.delete", "create_thread": "threads.create",
        "retrieve_thread": "threads.retrieve", "update_thread": "threads.update",
        "delete_thread": "threads.delete", "create_thread_and_run": "threads.create_and_run",
        "create_message": "threads.messages.create",
        "retrieve_message": "threads.messages.retrieve",
        "update_message": "threads.messages.update", "list_messages": "threads.messages.list",
        "delete_message": "threads.messages.delete",
    }  # fmt: skip
    target: Any = openai.resources.beta
    resource = {"assistants": target.Assistants, "threads": target.Threads}
    resource["messages"] = openai.resources.beta.threads.Messages
    *owners, attr = sdk_names[name].split(".")
    sdk_method = getattr(resource[owners[-1]], attr)
    theirs = set(inspect.signature(sdk_method).parameters) - {"self"}
    extra = {"idempotency_key"} if name in POSTS else set()
    assert ours == theirs | extra


# -- the params TypedDicts ------------------------------------------------------------------

PARAMS = {
    "AssistantCreateParams": ("create_assistant", {"model"}),
    "AssistantUpdateParams": ("update_assistant", set()),
    "ThreadCreateParams": ("create_thread", set()),
    "ThreadUpdateParams": ("update_thread", set()),
    "MessageCreateParams": ("create_message", {"content", "role"}),
    "ThreadCreateAndRunParams": ("create_thread_and_run", {"assistant_id"}),
}
OPTIONS = {"extra_headers", "extra_query", "extra_body", "timeout"}


@pytest.mark.parametrize("name", sorted(PARAMS))
def test_params_are_the_builders_keyword_fields(name: str) -> None:
    import inspect

    params = getattr(runs_core, name)
    method, required = PARAMS[name]
    signature = inspect.signature(getattr(RequestBuilder, method)).parameters
    keyword = {n for n, p in signature.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
    keyword -= {"stream", "idempotency_key", "thread_id"}
    assert set(params.__annotations__) | set(typing.get_type_hints(params)) >= OPTIONS
    assert set(typing.get_type_hints(params)) == keyword
    assert params.__required_keys__ == required


def test_params_type_check_as_typed_dicts() -> None:
    # Each is a TypedDict a caller can build and a checker can read.
    params: runs_core.ThreadCreateAndRunParams = {"assistant_id": "asst_1", "thread": {}}
    assert builder().create_thread_and_run(**params).body == (
        b'{"assistant_id":"asst_1","thread":{}}'
    )
    message: runs_core.MessageCreateParams = {"content": PARTS, "role": "user"}
    assert body_of(builder().create_message("t", **message))["content"] == PARTS


# -- polling a create-and-run ---------------------------------------------------------------


def _run_body(status: str, thread_id: str = "thread_new") -> bytes:
    return json.dumps(
        {
            "id": "run_9", "object": "thread.run", "created_at": 1, "thread_id": thread_id,
            "assistant_id": "asst_1", "status": status, "model": "m", "instructions": "",
            "tools": [],
        }
    ).encode()  # fmt: skip


def _drive(flow: Any, statuses: list[str]) -> Iterator[Any]:
    """Each effect of ``flow``, answering each Send with a run in the next status; the
    flow's result comes last."""
    outcome: Any = None
    try:
        while True:
            effect = flow.send(outcome)
            yield effect
            outcome = (
                Response(200, Headers({"openai-poll-after-ms": "10"}), _run_body(statuses.pop(0)))
                if isinstance(effect, Send)
                else None
            )
    except StopIteration as stop:
        yield stop.value


def test_send_and_poll_follows_a_create_and_run_into_the_thread_it_created() -> None:
    b = builder()
    request = b.create_thread_and_run(
        assistant_id="asst_1", thread={"messages": [{"role": "user", "content": "hi"}]}
    )
    flow = send_and_poll(
        b, request, interval=None, timeout=None,
        now=lambda: 0.0, monotonic=lambda: 0.0, jitter=lambda: 0.0,
    )  # fmt: skip
    *effects, run = list(_drive(flow, ["queued", "in_progress", "requires_action"]))
    assert run.status == "requires_action" and run.thread_id == "thread_new"
    sends = [e.request for e in effects if isinstance(e, Send)]
    assert [(r.method, path_of(r)) for r in sends] == [
        ("POST", "/threads/runs"),
        ("GET", "/threads/thread_new/runs/run_9"),
        ("GET", "/threads/thread_new/runs/run_9"),
    ]
    assert [e.seconds for e in effects if isinstance(e, Sleep)] == [0.01, 0.01]


def test_send_and_poll_of_a_create_and_run_that_is_already_done_sends_once() -> None:
    b = builder()
    request = b.create_thread_and_run(assistant_id="asst_1")
    flow = send_and_poll(
        b, request, interval=0.5, timeout=None,
        now=lambda: 0.0, monotonic=lambda: 0.0, jitter=lambda: 0.0,
    )  # fmt: skip
    *effects, run = list(_drive(flow, ["completed"]))
    assert run.status == "completed"
    assert [type(e) for e in effects] == [Send]
