"""Assistants, threads, messages and deleted objects: parsed from what the contract says
servers send, and dumped exactly as the official SDK's models dump them.

The reference is what ``openai`` builds from a body (``construct_type``, as its client
does); ours is what ``parse_response`` returns for the operation's request, so the
``ResultKind`` table is exercised too. Bodies: the examples of ``assistants.yaml`` for
these operations (the create-and-run streams included), every field of those dropped,
nulled, given an unknown value or an unknown neighbour, and bodies generated from the
contract's schemas. Unknown object types, tools, response formats and content parts are
kept whole, never dropped and never an error.
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

import openai
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai._models import BaseModel as SdkModel
from openai._models import construct_type
from openai.pagination import SyncCursorPage
from openai.types.beta.assistant_stream_event import AssistantStreamEvent as SdkStreamEvent
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticUndefined
from tests._helpers.contract import full_spec

from runs_core import (
    APIResponseValidationError,
    ClientConfig,
    Headers,
    NotFoundError,
    Request,
    RequestBuilder,
    ResultKind,
    SSEDecoder,
    next_page_request,
    parse_event,
    parse_response,
)
from runs_core import models as m

B = openai.types.beta
T = openai.types.beta.threads
BUILDER = RequestBuilder(ClientConfig(api_key="k", base_url="https://api.test/v1"))
SPEC: dict[str, Any] = full_spec()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# --- The classes ---------------------------------------------------------------------

PAIRS: list[tuple[type[BaseModel], type[SdkModel]]] = [
    (m.Assistant, B.Assistant),
    (m.ToolResources, B.assistant.ToolResources),
    (m.ToolResourcesCodeInterpreter, B.assistant.ToolResourcesCodeInterpreter),
    (m.ToolResourcesFileSearch, B.assistant.ToolResourcesFileSearch),
    (m.AssistantDeleted, B.AssistantDeleted),
    (m.ThreadDeleted, B.ThreadDeleted),
    (m.MessageDeleted, T.MessageDeleted),
    (m.Thread, B.Thread),
    (m.Message, T.Message),
]

# Required in the SDK's types, but the contract's own examples leave them out: ``None``
# when absent here, as the SDK holds them (it does not validate). The run's are the
# allowance ``test_models_sdk_parity`` already makes; the message's is new.
NO_DEFAULT_THERE = {("Message", "status")}
NO_DEFAULT_THERE |= {("Run", "instructions"), ("Run", "tools"), ("Run", "parallel_tool_calls")}


@pytest.mark.parametrize(("ours", "sdk"), PAIRS, ids=[pair[0].__name__ for pair in PAIRS])
def test_fields_are_the_sdks_in_its_order(ours: type[BaseModel], sdk: type[SdkModel]) -> None:
    ours.model_rebuild()
    mine = {f.alias or n: f for n, f in ours.model_fields.items()}
    theirs = {f.alias or n: f for n, f in sdk.model_fields.items()}
    assert list(mine) == list(theirs)
    for name, field in theirs.items():
        default = field.get_default(call_default_factory=True)
        if default is PydanticUndefined and (ours.__name__, name) in NO_DEFAULT_THERE:
            default = None
        got = mine[name].get_default(call_default_factory=True)
        assert got is PydanticUndefined if default is PydanticUndefined else got == default, name


def test_the_new_models_are_exported_with_the_sdks_names() -> None:
    for name in ("Assistant", "AssistantDeleted", "ThreadDeleted", "MessageDeleted"):
        assert name in m.__all__
        assert getattr(m, name).__name__ == name
    assert m.AssistantList is m.CursorPage[m.Assistant]
    assert m.MessageList is m.CursorPage[m.Message]


# --- The contract's schemas, property by property -------------------------------------

MODELS: dict[str, type[BaseModel]] = {
    "AssistantObject": m.Assistant,
    "AssistantObject/tool_resources": m.ToolResources,
    "AssistantObject/tool_resources/code_interpreter": m.ToolResourcesCodeInterpreter,
    "AssistantObject/tool_resources/file_search": m.ToolResourcesFileSearch,
    "DeleteAssistantResponse": m.AssistantDeleted,
    "DeleteThreadResponse": m.ThreadDeleted,
    "DeleteMessageResponse": m.MessageDeleted,
    "ListAssistantsResponse": m.CursorPage[m.Assistant],
    "ListMessagesResponse": m.CursorPage[m.Message],
}
_NULLABLE = "nullable in the contract; the SDK defaults it to None"
OPTIONAL_DESPITE_SPEC = {
    "AssistantObject.name": _NULLABLE,
    "AssistantObject.description": _NULLABLE,
    "AssistantObject.instructions": _NULLABLE,
    "AssistantObject.metadata": _NULLABLE,
    "ListAssistantsResponse.first_id": "servers send null on an empty page",
    "ListAssistantsResponse.last_id": "servers send null on an empty page",
    "ListMessagesResponse.first_id": "servers send null on an empty page",
    "ListMessagesResponse.last_id": "servers send null on an empty page",
}


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _object_schema(schema: dict[str, Any]) -> dict[str, Any]:
    schema = _deref(schema)
    if "items" in schema:
        return _object_schema(schema["items"])
    for key in ("anyOf", "allOf", "oneOf"):
        for option in schema.get(key, ()):
            found = _object_schema(option)
            if "properties" in found:
                return found
    return schema


def _resolve(path: str) -> dict[str, Any]:
    name, *props = path.split("/")
    schema = _object_schema(SCHEMAS[name])
    for prop in props:
        schema = _object_schema(schema["properties"][prop])
    return schema


@pytest.mark.parametrize("path", sorted(MODELS))
def test_model_fields_agree_with_the_contract(path: str) -> None:
    schema = _resolve(path)
    fields = {f.alias or n: f for n, f in MODELS[path].model_fields.items()}
    assert set(schema["properties"]) - set(fields) == set()
    required = set(schema.get("required", ()))
    for prop in schema["properties"]:
        key = f"{path}.{prop}"
        should = prop in required and key not in OPTIONAL_DESPITE_SPEC
        assert fields[prop].is_required() is should, key
    for key in OPTIONAL_DESPITE_SPEC:
        where, prop = key.rsplit(".", 1)
        assert prop in _resolve(where)["required"], key


def test_message_status_is_the_one_field_optional_because_examples_leave_it_out() -> None:
    assert "status" in _resolve("MessageObject")["required"]
    assert not m.Message.model_fields["status"].is_required()
    missing = [name for name, body in JSON_EXAMPLES if _lacks_status(body)]
    assert len(missing) >= 4, missing


def _lacks_status(body: dict[str, Any]) -> bool:
    items = body["data"] if body.get("object") == "list" else [body]
    return any(i.get("object") == "thread.message" and "status" not in i for i in items)


# --- Building both sides -------------------------------------------------------------


class Kind(NamedTuple):
    request: Callable[[], Request]
    ours: type[Any]
    sdk: Any


KINDS: dict[str, Kind] = {
    "assistant": Kind(lambda: BUILDER.retrieve_assistant("a"), m.Assistant, B.Assistant),
    "assistant.deleted": Kind(
        lambda: BUILDER.delete_assistant("a"), m.AssistantDeleted, B.AssistantDeleted
    ),
    "thread": Kind(lambda: BUILDER.retrieve_thread("t"), m.Thread, B.Thread),
    "thread.deleted": Kind(lambda: BUILDER.delete_thread("t"), m.ThreadDeleted, B.ThreadDeleted),
    "thread.message": Kind(
        lambda: BUILDER.retrieve_message("x", thread_id="t"), m.Message, T.Message
    ),
    "thread.message.deleted": Kind(
        lambda: BUILDER.delete_message("x", thread_id="t"), m.MessageDeleted, T.MessageDeleted
    ),
    "thread.run": Kind(lambda: BUILDER.create_thread_and_run(assistant_id="a"), m.Run, T.Run),
    "list.assistant": Kind(
        lambda: BUILDER.list_assistants(), m.CursorPage, SyncCursorPage[B.Assistant]
    ),
    "list.thread.message": Kind(
        lambda: BUILDER.list_messages("t"), m.CursorPage, SyncCursorPage[T.Message]
    ),
}


class Case(NamedTuple):
    label: str
    kind: str
    body: Any
    event: str | None = None


def _kind_of(body: dict[str, Any], default: str = "list.assistant") -> str:
    if body.get("object") == "list":
        return f"list.{body['data'][0]['object']}" if body["data"] else default
    return str(body["object"])


def _quiet_sdk(kind: Kind, body: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return construct_type(type_=kind.sdk, value=copy.deepcopy(body))


def _pairs(case: Case) -> list[tuple[BaseModel, SdkModel]]:
    """(ours, the SDK's) for the body: from ``parse_response`` for the operation, or from
    the stream event that carries it."""
    kind = KINDS[case.kind]
    text = json.dumps(case.body)
    if case.event is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sdk_event: Any = construct_type(
                type_=SdkStreamEvent, value={"data": json.loads(text), "event": case.event}
            )
        return [(parse_event(case.event, text).data, sdk_event.data)]
    ours = parse_response(kind.request(), 200, Headers(), text.encode())
    theirs = _quiet_sdk(kind, case.body)
    assert isinstance(ours, kind.ours)
    if case.kind.startswith("list."):
        return list(zip(ours.data, theirs.data, strict=True))
    return [(ours, theirs)]


# --- Comparing them ------------------------------------------------------------------

DUMPS: dict[str, Callable[[Any], Any]] = {
    "model_dump()": lambda x: x.model_dump(),
    "model_dump(exclude_unset=True)": lambda x: x.model_dump(exclude_unset=True),
    "model_dump(mode='json')": lambda x: x.model_dump(mode="json"),
    "model_dump(exclude_none=True)": lambda x: x.model_dump(exclude_none=True),
    "model_dump(exclude_defaults=True, exclude_unset=True)": lambda x: x.model_dump(
        exclude_defaults=True, exclude_unset=True
    ),
    "model_dump(by_alias=True)": lambda x: x.model_dump(by_alias=True),
    "model_dump_json()": lambda x: json.loads(x.model_dump_json()),
    "to_dict()": lambda x: x.to_dict(),
    "to_dict(mode='json')": lambda x: x.to_dict(mode="json"),
    "to_dict(use_api_names=False)": lambda x: x.to_dict(use_api_names=False),
    "to_dict(exclude_unset=False)": lambda x: x.to_dict(exclude_unset=False),
    "to_dict(exclude_defaults=True)": lambda x: x.to_dict(exclude_defaults=True),
    "to_json(exclude_unset=False)": lambda x: json.loads(x.to_json(exclude_unset=False)),
}
TEXTS: dict[str, Callable[[Any], Any]] = {
    "to_json()": lambda x: x.to_json(),
    "to_json(indent=None)": lambda x: x.to_json(indent=None),
}

UNKNOWN = "x_value_from_a_newer_server"
EXTRA = "x_field_from_a_newer_server"
UNKNOWN_TYPES = {"browser", "audio", "reasoning", "url_citation"}


def _wire_names(value: Any) -> Any:
    """``schema_`` (JSONSchema's Python name) as its wire name ``schema``: ours dumps the
    wire name (the SDK's constructed models hold both, with the same value)."""
    if isinstance(value, list):
        return [_wire_names(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _wire_names(item) for key, item in value.items()}
    if "schema_" in out:
        python_name = out.pop("schema_")
        assert out.setdefault("schema", python_name) == python_name
    return out


def _has_unknown(body: Any) -> bool:
    if UNKNOWN in json.dumps(body):
        return True
    if isinstance(body, list):
        return any(_has_unknown(item) for item in body)
    if isinstance(body, dict):
        return body.get("type") in UNKNOWN_TYPES or any(map(_has_unknown, body.values()))
    return False


def _lenient(ours: Any, sdk: Any) -> tuple[Any, Any]:
    """Both dumps without the ``None`` keys only one has: for an object of a type it does
    not know, the SDK builds its first known variant and fills that one's fields with
    ``None``, where ours keeps exactly what was sent."""
    if isinstance(ours, dict) and isinstance(sdk, dict):
        keys = [
            k
            for k in ours.keys() | sdk.keys()
            if not ((k not in ours and sdk[k] is None) or (k not in sdk and ours[k] is None))
        ]
        pairs = {k: _lenient(ours.get(k), sdk.get(k)) for k in keys}
        return {k: a for k, (a, _) in pairs.items()}, {k: b for k, (_, b) in pairs.items()}
    if isinstance(ours, list) and isinstance(sdk, list) and len(ours) == len(sdk):
        pairs_ = [_lenient(a, b) for a, b in zip(ours, sdk, strict=True)]
        return [a for a, _ in pairs_], [b for _, b in pairs_]
    return ours, sdk


def _differences(case: Case) -> list[str]:
    found = []
    unknown = _has_unknown(case.body)
    for ours, sdk in _pairs(case):
        for name, dump in [*DUMPS.items(), *TEXTS.items()]:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # ours never warns, whatever it holds
                mine = dump(ours)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = dump(sdk)
            if name in TEXTS and unknown:
                name, mine, theirs = name + " (as data)", json.loads(mine), json.loads(theirs)
            if name not in TEXTS:
                mine, theirs = _wire_names(mine), _wire_names(theirs)
            if unknown:
                mine, theirs = _lenient(mine, theirs)
            if "exclude_defaults" in name:
                # The SDK has no default to compare with, so it keeps an explicit None.
                owner = type(ours).__name__
                theirs = {
                    k: v
                    for k, v in theirs.items()
                    if not ((owner, k) in NO_DEFAULT_THERE and v is None)
                }
            if mine != theirs:
                found.append(f"{case.label}: {name}\n  ours {mine}\n  sdk  {theirs}")
        model = type(ours)
        for how, again in [
            ("model_dump_json", model.model_validate_json(ours.model_dump_json())),
            ("to_json", model.model_validate_json(ours.to_json())),
            ("to_dict", model.model_validate(ours.to_dict())),
        ]:
            if again != ours:
                found.append(f"{case.label}: {model.__name__} changes through {how}")
    return found


def _check(cases: list[Case], at_least: int) -> None:
    assert len(cases) >= at_least
    found = [line for case in cases for line in _differences(case)]
    assert found == [], f"{len(found)} differences, first ones:\n" + "\n".join(found[:8])


def test_the_comparison_notices_a_difference() -> None:
    # A field the SDK does not have, and a value ours would change, are both reported.
    body = {"id": "a", "object": "assistant.deleted", "deleted": True}
    assert _differences(Case("same", "assistant.deleted", body)) == []
    ours, sdk = _pairs(Case("same", "assistant.deleted", body))[0]
    ours.deleted = False
    assert ours.to_dict() != sdk.to_dict()


# --- Bodies: the contract's examples -------------------------------------------------

OPERATIONS = {
    "listAssistants", "createAssistant", "getAssistant", "modifyAssistant",
    "deleteAssistant", "createThread", "getThread", "modifyThread", "deleteThread",
    "createThreadAndRun", "listMessages", "createMessage", "getMessage", "modifyMessage",
    "deleteMessage",
}  # fmt: skip
REQUESTS: dict[str, Callable[[], Request]] = {
    "listAssistants": lambda: BUILDER.list_assistants(),
    "createAssistant": lambda: BUILDER.create_assistant(model="gpt-4o"),
    "getAssistant": lambda: BUILDER.retrieve_assistant("asst_abc123"),
    "modifyAssistant": lambda: BUILDER.update_assistant("asst_abc123"),
    "deleteAssistant": lambda: BUILDER.delete_assistant("asst_abc123"),
    "createThread": lambda: BUILDER.create_thread(),
    "getThread": lambda: BUILDER.retrieve_thread("thread_abc123"),
    "modifyThread": lambda: BUILDER.update_thread("thread_abc123"),
    "deleteThread": lambda: BUILDER.delete_thread("thread_abc123"),
    "createThreadAndRun": lambda: BUILDER.create_thread_and_run(assistant_id="asst_abc123"),
    "listMessages": lambda: BUILDER.list_messages("thread_abc123"),
    "createMessage": lambda: BUILDER.create_message("thread_abc123", content="x", role="user"),
    "getMessage": lambda: BUILDER.retrieve_message("msg_abc123", thread_id="thread_abc123"),
    "modifyMessage": lambda: BUILDER.update_message("msg_abc123", thread_id="thread_abc123"),
    "deleteMessage": lambda: BUILDER.delete_message("msg_abc123", thread_id="thread_abc123"),
}
EXPECTED_TYPES: dict[ResultKind, type[Any]] = {
    ResultKind.ASSISTANT: m.Assistant,
    ResultKind.ASSISTANT_PAGE: m.CursorPage,
    ResultKind.ASSISTANT_DELETED: m.AssistantDeleted,
    ResultKind.THREAD: m.Thread,
    ResultKind.THREAD_DELETED: m.ThreadDeleted,
    ResultKind.RUN: m.Run,
    ResultKind.MESSAGE: m.Message,
    ResultKind.MESSAGE_PAGE: m.CursorPage,
    ResultKind.MESSAGE_DELETED: m.MessageDeleted,
}
ITEM_TYPES = {ResultKind.ASSISTANT_PAGE: m.Assistant, ResultKind.MESSAGE_PAGE: m.Message}


def _examples() -> Iterator[tuple[str, str, str]]:
    """(operationId, label, response text) of every example of these operations."""
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            if op["operationId"] not in OPERATIONS:
                continue
            examples = op["x-oaiMeta"]["examples"]
            for i, example in enumerate(examples if isinstance(examples, list) else [examples]):
                yield op["operationId"], f"{method.upper()} {path} #{i}", example["response"]


JSON_EXAMPLES = [
    (label, json.loads(text))
    for op, label, text in _examples()
    if text.lstrip().startswith("{") and op != "createThreadAndRun"
]
JSON_EXAMPLES += [
    (f"{label} (run)", json.loads(text))
    for op, label, text in _examples()
    if text.lstrip().startswith("{") and op == "createThreadAndRun"
]


def _sse_cases() -> list[Case]:
    cases = []
    for _, label, text in _examples():
        if text.lstrip().startswith("{"):
            continue
        decoder = SSEDecoder()
        for event in decoder.feed(text.encode()) + decoder.end():
            if event.data.startswith("{"):
                # The published examples have a stray "}" after some runs: left out.
                data, _ = json.JSONDecoder().raw_decode(event.data)
                cases.append(Case(f"{label} {event.event}", _kind_of(data), data, event.event))
    return cases


CONTRACT_CASES = [Case(label, _kind_of(body), body) for label, body in JSON_EXAMPLES]
STREAM_CASES = _sse_cases()


def test_every_operation_has_a_json_example() -> None:
    ops = {op for op, _, text in _examples() if text.lstrip().startswith("{")}
    assert ops == OPERATIONS == set(REQUESTS)


@pytest.mark.parametrize(
    ("operation", "text"),
    [
        pytest.param(op, text, id=label)
        for op, label, text in _examples()
        if text.lstrip().startswith("{")
    ],
)
def test_every_example_parses_into_the_promised_type(operation: str, text: str) -> None:
    request = REQUESTS[operation]()
    parsed = parse_response(request, 200, Headers(), text.encode())
    assert type(parsed) is EXPECTED_TYPES[request.result] or (
        isinstance(parsed, m.CursorPage) and request.result.is_page
    )
    body = json.loads(text)
    if request.result.is_page:
        assert all(isinstance(item, ITEM_TYPES[request.result]) for item in parsed.data)
        assert [item.id for item in parsed.data] == [item["id"] for item in body["data"]]
    assert parsed.model_dump(mode="json", exclude_unset=True) == body


def test_contract_examples_dump_like_the_sdk() -> None:
    _check(CONTRACT_CASES, at_least=16)


def test_create_and_run_stream_examples_dump_like_the_sdk() -> None:
    kinds = {case.kind for case in STREAM_CASES}
    assert {"thread", "thread.run", "thread.message"} <= kinds
    _check([case for case in STREAM_CASES if case.kind in KINDS], at_least=10)


# --- Bodies: odd and unknown shapes --------------------------------------------------


def _message(content: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {
        "id": "msg_1", "object": "thread.message", "created_at": 1, "thread_id": "thread_1",
        "status": "completed", "role": "assistant", "content": content, "assistant_id": "a",
        "run_id": "r", "attachments": [], "metadata": {}, "completed_at": 2,
        "incomplete_at": None, "incomplete_details": None, **fields,
    }  # fmt: skip


def _assistant(**fields: Any) -> dict[str, Any]:
    return {
        "id": "asst_1", "object": "assistant", "created_at": 1, "name": "n",
        "description": None, "model": "gpt-4o", "instructions": None, "tools": [],
        "metadata": {}, **fields,
    }  # fmt: skip


TEXT = {"type": "text", "text": {"value": "v", "annotations": []}}
NEW_PART = {"type": "audio", "audio": {"file_id": "f", "transcript": "t"}}
NEW_ANNOTATION = {"type": "url_citation", "text": "[1]", "start_index": 0, "end_index": 3}

ODD_CASES = [
    Case("assistant with every tool kind and a json_schema format", "assistant", _assistant(
        tools=[
            {"type": "code_interpreter"},
            {"type": "file_search", "file_search": {
                "max_num_results": 3,
                "ranking_options": {"ranker": "auto", "score_threshold": 0.5},
            }},
            {"type": "function", "function": {"name": "f", "parameters": {}, "strict": True}},
        ],
        response_format={"type": "json_schema", "json_schema": {
            "name": "n", "schema": {"type": "object"}, "strict": False,
        }},
        tool_resources={"code_interpreter": {"file_ids": ["f"]},
                        "file_search": {"vector_store_ids": ["vs"]}},
        temperature=1, top_p=0.5,
    )),
    Case("assistant with a new tool and response format", "assistant", _assistant(
        tools=[{"type": "browser", "browser": {"region": "eu"}}, {"type": "code_interpreter"}],
        response_format={"type": "reasoning", "effort": "low"},
    )),
    Case("assistant with a response format word", "assistant", _assistant(
        response_format="auto", reasoning_effort="low",
    )),
    Case("assistant of a newer object type", "assistant", _assistant(object=UNKNOWN)),
    Case("v1 assistant with file_ids and retrieval", "assistant", _assistant(
        tools=[{"type": "retrieval"}], file_ids=["file_1"],
    )),
    Case("message with new parts and annotations", "thread.message", _message([
        NEW_PART,
        {"type": "text", "text": {"value": "v", "annotations": [NEW_ANNOTATION]}},
        {"type": "image_url", "image_url": {"url": "https://x", "detail": "ultra"}},
        {"type": "refusal", "refusal": "no"},
    ])),
    Case("message without status", "thread.message", {
        k: v for k, v in _message([TEXT]).items() if k != "status"
    }),
    Case("list of messages with a new object type and new parts", "list.thread.message", {
        "object": "list", "first_id": "msg_1", "last_id": "msg_2", "has_more": True,
        "data": [
            _message([NEW_PART]),
            _message([TEXT, NEW_PART], id="msg_2", object="thread.message.v3", status=UNKNOWN),
        ],
    }),
    Case("empty list of assistants", "list.assistant", {
        "object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False,
    }),
    Case("deleted, not", "thread.deleted", {"id": "t", "object": "thread.deleted",
                                            "deleted": False}),
    Case("deleted of a newer kind", "thread.message.deleted", {
        "id": "m", "object": UNKNOWN, "deleted": True, EXTRA: {"why": "archived"},
    }),
]  # fmt: skip


@pytest.mark.parametrize("case", ODD_CASES, ids=[case.label for case in ODD_CASES])
def test_odd_and_unknown_shapes_dump_like_the_sdk(case: Case) -> None:
    _check([case], at_least=1)


def test_a_message_list_keeps_unknown_object_types_and_parts() -> None:
    case = next(c for c in ODD_CASES if c.kind == "list.thread.message")
    page = parse_response(
        BUILDER.list_messages("t"), 200, Headers(), json.dumps(case.body).encode()
    )
    assert [msg.object for msg in page.data] == ["thread.message", "thread.message.v3"]
    first, second = page.data
    assert isinstance(first.content[0], m.UnknownContentBlock)
    assert first.content[0].model_dump() == NEW_PART
    assert [type(part) for part in second.content] == [m.TextContentBlock, m.UnknownContentBlock]
    assert second.status == UNKNOWN
    assert page.to_dict() == case.body


def test_an_assistant_keeps_unknown_tools_and_formats() -> None:
    case = next(c for c in ODD_CASES if c.label.startswith("assistant with a new tool"))
    assistant = parse_response(
        BUILDER.retrieve_assistant("a"), 200, Headers(), json.dumps(case.body).encode()
    )
    assert isinstance(assistant.tools[0], m.UnknownTool)
    assert isinstance(assistant.tools[1], m.CodeInterpreterTool)
    assert isinstance(assistant.response_format, m.UnknownResponseFormat)
    assert assistant.to_dict() == case.body


def test_a_malformed_known_tool_is_still_an_error() -> None:
    body = _assistant(tools=[{"type": "function"}])  # a function tool without function
    with pytest.raises(APIResponseValidationError, match="assistant response"):
        parse_response(BUILDER.retrieve_assistant("a"), 200, Headers(), json.dumps(body).encode())


@pytest.mark.parametrize(
    ("request_", "object_"),
    [
        (BUILDER.delete_assistant("a"), "assistant.deleted"),
        (BUILDER.delete_thread("t"), "thread.deleted"),
        (BUILDER.delete_message("m", thread_id="t"), "thread.message.deleted"),
    ],
)
def test_deleted_objects_parse(request_: Request, object_: str) -> None:
    body = {"id": "x_1", "object": object_, "deleted": True}
    parsed = parse_response(request_, 200, Headers(), json.dumps(body).encode())
    assert (parsed.id, parsed.object, parsed.deleted) == ("x_1", object_, True)
    assert parsed.to_dict() == body
    with pytest.raises(APIResponseValidationError, match="deleted response"):
        parse_response(request_, 200, Headers(), b'{"id": "x_1", "object": "x"}')
    with pytest.raises(NotFoundError):
        parse_response(request_, 404, Headers(), b'{"error": {"message": "gone"}}')


def _page(*items: dict[str, Any]) -> bytes:
    ids = [item["id"] for item in items]
    page = {"object": "list", "data": list(items), "has_more": True}
    return json.dumps({**page, "first_id": ids[0], "last_id": ids[-1]}).encode()


def test_new_pages_continue_with_next_page_request() -> None:
    request = BUILDER.list_messages("thread_1", limit=2, run_id="run_1")
    page = parse_response(request, 200, Headers(), _page(_message([]), _message([], id="msg_2")))
    following = next_page_request(request, page)
    assert following is not None
    assert following.url.endswith("/threads/thread_1/messages?limit=2&run_id=run_1&after=msg_2")
    backwards = BUILDER.list_assistants(before="asst_9")
    assistants = parse_response(backwards, 200, Headers(), _page(_assistant()))
    previous = next_page_request(backwards, assistants)
    assert previous is not None
    assert previous.url.endswith("/assistants?before=asst_1")


# --- Bodies: every field of the examples mutated --------------------------------------

Path = tuple[str | int, ...]
_DROP = object()
ENUM_KEYS = {"status", "role", "type", "object", "detail", "ranker", "response_format"}


def _slots(body: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    items: Any = ()
    if isinstance(body, dict):
        items = body.items()
    elif isinstance(body, list):
        items = enumerate(body)
    for key, value in items:
        yield (*path, key), value
        yield from _slots(value, (*path, key))


def _with(body: Any, path: Path, value: Any) -> Any:
    out = copy.deepcopy(body)
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    if value is _DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return out


def _mutations(case: Case) -> Iterator[tuple[str, Case]]:
    body = case.body

    def mutant(how: str, path: Path, value: Any) -> tuple[str, Case]:
        new = _with(body, path, value) if path else value
        where = ".".join(map(str, path))
        return how, case._replace(label=f"{case.label} / {how} {where}", body=new)

    yield mutant("extra", (), {**body, EXTRA: {"nested": [1, "two", None]}})
    for path, value in _slots(body):
        if isinstance(path[-1], str):
            yield mutant("drop", path, _DROP)
            if value is not None:
                yield mutant("null", path, None)
            if isinstance(value, str) and path[-1] in ENUM_KEYS:
                yield mutant("unknown", path, UNKNOWN)
        if isinstance(value, dict):
            yield mutant("extra", path, {**value, EXTRA: "x"})


def test_mutations_dump_like_the_sdk() -> None:
    bases = [c for c in CONTRACT_CASES if c.kind != "thread.run"] + ODD_CASES[:1]
    bases.append(Case("message", "thread.message", _message([TEXT])))
    accepted: list[Case] = []
    rejected: list[str] = []
    for base in bases:
        for how, case in _mutations(base):
            try:
                _pairs(case)
            except APIResponseValidationError:
                rejected.append(f"{how}: {case.label}")
                continue
            accepted.append(case)
    # Only a required field dropped or null is refused; unknown fields and values never.
    assert [line for line in rejected if not line.startswith(("drop", "null"))] == []
    # A message's status may be missing or null, as the SDK holds it: never refused.
    assert [line for line in rejected if line.endswith("status")] == []
    assert any(line.startswith("drop") for line in rejected)  # the check can fail
    _check(accepted, at_least=300)


# --- Bodies: generated from the contract's schemas -----------------------------------


def _values(schema: dict[str, Any], new_values: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    schema = _deref(schema)
    parts = [_deref(part) for part in schema.get("allOf", ())]
    nullable = schema.get("nullable") or any(part.get("nullable") for part in parts)
    if parts:
        strategy = _values(next(p for p in parts if set(p) - {"nullable"}), new_values, depth)
    elif "oneOf" in schema or "anyOf" in schema:
        options = schema.get("oneOf") or schema["anyOf"]
        strategy = st.one_of([_values(option, new_values, depth) for option in options])
    elif "enum" in schema:
        strategy = st.sampled_from([*schema["enum"], *[UNKNOWN] * new_values])
    else:
        strategy = _typed(schema, new_values, depth)
    return st.none() | strategy if nullable else strategy


def _typed(schema: dict[str, Any], new_values: bool, depth: int) -> st.SearchStrategy[Any]:
    kind = schema.get("type")
    if kind == "string":
        return st.text(max_size=6)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**40)), schema.get("maximum", 2**40))
    if kind == "number":
        low, high = schema.get("minimum", -1e6), schema.get("maximum", 1e6)
        return st.floats(low, high, allow_nan=False) | st.integers(int(low), int(high))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        items = _values(schema["items"], new_values, depth + 1)
        return st.lists(items, max_size=2 if depth < 5 else 0)
    if "properties" in schema:
        props = schema["properties"]
        required = set(schema.get("required", ()))
        optional = {
            k: _values(v, new_values, depth + 1) for k, v in props.items() if k not in required
        }
        optional[EXTRA] = st.integers(0, 9) | st.lists(st.text(max_size=3), max_size=2)
        return st.fixed_dictionaries(
            {k: _values(v, new_values, depth + 1) for k, v in props.items() if k in required},
            optional=optional,
        )
    values = schema.get("additionalProperties")
    leaf = (
        _values(values, new_values, depth + 1) if isinstance(values, dict) else st.text(max_size=4)
    )
    return st.dictionaries(st.text(max_size=4), leaf, max_size=2)


GENERATED = {
    "AssistantObject": "assistant",
    "DeleteAssistantResponse": "assistant.deleted",
    "DeleteThreadResponse": "thread.deleted",
    "DeleteMessageResponse": "thread.message.deleted",
    "ThreadObject": "thread",
    "MessageObject": "thread.message",
    "ListAssistantsResponse": "list.assistant",
    "ListMessagesResponse": "list.thread.message",
}


def _without_status(body: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The message, or the message as the contract's examples send it (no ``status``)."""
    return st.sampled_from([body, {k: v for k, v in body.items() if k != "status"}])


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bodies_dump_like_the_sdk(name: str) -> None:
    schema = SCHEMAS[name]
    bodies = _values(schema, new_values=False) | _values(schema, new_values=True)
    if name == "MessageObject":
        bodies = bodies.flatmap(_without_status)
    kind = GENERATED[name]

    @settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
    @given(bodies)
    def check(body: dict[str, Any]) -> None:
        try:
            _check([Case(f"generated {name}", kind, body)], at_least=1)
        except APIResponseValidationError as error:
            raise AssertionError(f"a body the contract allows was refused: {body}") from error

    check()


def test_a_body_outside_the_contract_is_refused_not_half_parsed() -> None:
    with pytest.raises(APIResponseValidationError) as caught:
        parse_response(BUILDER.retrieve_assistant("a"), 200, Headers(), b'{"id": "a"}')
    assert "assistant response does not match the contract" in str(caught.value)
    with pytest.raises(ValidationError):
        m.Assistant.model_validate({"id": "a", "object": "assistant"})
