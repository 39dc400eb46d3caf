"""parse_event: every contract event name has its typed class; bad data names the event."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests._helpers.contract import spec

import runs_core
from runs_core import (
    EVENT_TYPES,
    DoneEvent,
    ErrorEvent,
    StreamEventDecodeError,
    ThreadMessageDelta,
    ThreadRunCompleted,
    ThreadRunFailed,
    UnknownEvent,
    parse_event,
)
from runs_core import models as m

SPEC: dict[str, Any] = spec()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

DATA_MODELS = {
    "ThreadObject": m.Thread,
    "RunObject": m.Run,
    "RunStepObject": m.RunStep,
    "RunStepDeltaObject": m.RunStepDeltaEvent,
    "MessageObject": m.Message,
    "MessageDeltaObject": m.MessageDeltaEvent,
    "Error": m.ErrorObject,
}


def _contract_events() -> dict[str, str]:
    """Event name → its data schema name (or "string" for done), read from runs.yaml."""
    found: dict[str, str] = {}
    pending = [SCHEMAS["AssistantStreamEvent"]]
    while pending:
        schema = pending.pop()
        if "$ref" in schema:
            pending.append(SCHEMAS[schema["$ref"].rsplit("/", 1)[1]])
        elif "oneOf" in schema:
            pending.extend(schema["oneOf"])
        else:
            (name,) = schema["properties"]["event"]["enum"]
            data = schema["properties"]["data"]
            found[name] = data["$ref"].rsplit("/", 1)[1] if "$ref" in data else data["type"]
    return found


CONTRACT_EVENTS = _contract_events()


def test_contract_lists_the_known_event_families() -> None:
    assert {"thread.created", "thread.run.requires_action", "thread.run.step.delta"} <= set(
        CONTRACT_EVENTS
    )
    assert {"thread.message.delta", "error", "done"} <= set(CONTRACT_EVENTS)
    assert len(CONTRACT_EVENTS) == 25


@pytest.mark.parametrize("name", sorted(CONTRACT_EVENTS))
def test_every_contract_event_has_a_class_and_data_model(name: str) -> None:
    cls, data_type = EVENT_TYPES[name]
    assert cls.event == name
    assert cls.__name__ in runs_core.__all__
    schema = CONTRACT_EVENTS[name]
    assert data_type is (str if schema == "string" else DATA_MODELS[schema])


def test_table_has_no_event_the_contract_lacks() -> None:
    assert set(EVENT_TYPES) == set(CONTRACT_EVENTS)


def test_class_names_follow_the_official_sdk() -> None:
    names = {cls.__name__ for cls, _ in EVENT_TYPES.values()}
    assert {"ThreadRunCreated", "ThreadRunStepDelta", "ThreadMessageDelta", "ErrorEvent"} <= names
    assert "DoneEvent" in names


def _sse_examples() -> list[tuple[str, str]]:
    """(event, data) pairs of the streaming example responses in runs.yaml."""
    pairs = []
    for item in SPEC["paths"].values():
        for op in item.values():
            examples = op.get("x-oaiMeta", {}).get("examples")
            for example in examples if isinstance(examples, list) else []:
                body = example["response"]
                if not body.startswith("event:"):
                    continue
                for block in body.split("\n\n"):
                    lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
                    if "event" in lines:  # the examples elide some events with "..."
                        pairs.append((lines["event"], _repair(lines["data"])))
    return pairs


def _repair(data: str) -> str:
    """Undo a defect of the published examples: run payloads end with one stray ``}``."""
    if data == "[DONE]":
        return data
    try:
        json.loads(data)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and data.endswith("}}") and exc.pos == len(data) - 1:
            return data[:-1]
        raise
    return data


def test_stray_brace_in_examples_is_rejected_not_ignored() -> None:
    with pytest.raises(StreamEventDecodeError, match="not valid JSON"):
        parse_event("thread.run.created", _sse_examples()[0][1] + "}")


SSE_EXAMPLES = _sse_examples()


def test_streaming_examples_are_found() -> None:
    assert len(SSE_EXAMPLES) > 20
    assert {"thread.run.step.completed", "done"} <= {name for name, _ in SSE_EXAMPLES}


@pytest.mark.parametrize(("name", "data"), SSE_EXAMPLES)
def test_streaming_example_events_parse_to_their_class(name: str, data: str) -> None:
    event = parse_event(name, data)
    assert type(event) is EVENT_TYPES[name][0]
    assert event.event == name
    if name != "done":
        dumped = event.data.model_dump(mode="json", exclude_unset=True)  # type: ignore[union-attr]
        assert dumped == json.loads(data)


DELTA = (
    '{"id":"msg_1","object":"thread.message.delta","delta":{"content":'
    '[{"index":0,"type":"text","text":{"value":"Hel"}}]}}'
)


def test_message_delta_is_typed_down_to_the_text() -> None:
    event = parse_event("thread.message.delta", DELTA)
    assert isinstance(event, ThreadMessageDelta)
    assert isinstance(event.data, m.MessageDeltaEvent)
    block = event.data.delta.content[0]  # type: ignore[index]
    assert isinstance(block, m.TextDeltaBlock)
    assert block.text is not None and block.text.value == "Hel"


def test_events_are_frozen_and_compare_by_value() -> None:
    one = parse_event("thread.message.delta", DELTA)
    assert one == parse_event("thread.message.delta", DELTA)
    with pytest.raises(AttributeError):
        one.data = None  # type: ignore[misc]


def test_same_data_under_different_names_gives_different_classes() -> None:
    run = json.dumps(
        {
            "id": "r",
            "object": "thread.run",
            "created_at": 1,
            "thread_id": "t",
            "assistant_id": "a",
            "status": "completed",
            "model": "x",
        }
    )
    completed = parse_event("thread.run.completed", run)
    failed = parse_event("thread.run.failed", run)
    assert type(completed) is ThreadRunCompleted
    assert type(failed) is ThreadRunFailed
    assert completed != failed


def test_unknown_event_name_is_kept_raw() -> None:
    event = parse_event("thread.run.paused", '{"id": "run_1", "whatever": [1]}')
    assert event == UnknownEvent("thread.run.paused", '{"id": "run_1", "whatever": [1]}')
    assert event.event == "thread.run.paused"


def test_unknown_event_with_non_json_data_is_not_an_error() -> None:
    assert parse_event("ping", "not json").data == "not json"


def test_done_event() -> None:
    event = parse_event("done", "[DONE]")
    assert isinstance(event, DoneEvent)
    assert (event.event, event.data) == ("done", "[DONE]")


def test_error_event_is_returned_not_raised() -> None:
    data = '{"code": "server_error", "message": "boom", "param": null, "type": "server_error"}'
    event = parse_event("error", data)
    assert isinstance(event, ErrorEvent)
    assert event.event == "error"
    assert (event.data.message, event.data.code) == ("boom", "server_error")


def test_error_event_wrapped_like_an_http_error_body_is_unwrapped() -> None:
    event = parse_event("error", '{"error": {"message": "boom", "type": "server_error"}}')
    assert isinstance(event, ErrorEvent)
    assert event.data.message == "boom"


@pytest.mark.parametrize("name", sorted(set(CONTRACT_EVENTS) - {"done"}))
def test_data_that_is_not_json_raises_naming_the_event(name: str) -> None:
    with pytest.raises(StreamEventDecodeError, match="not valid JSON") as info:
        parse_event(name, '{"id": "x", oops')
    assert name in str(info.value)
    assert '{"id": "x", oops' in str(info.value)
    assert (info.value.event, info.value.data) == (name, '{"id": "x", oops')


@pytest.mark.parametrize("name", sorted(set(CONTRACT_EVENTS) - {"done"}))
def test_data_of_the_wrong_shape_raises_naming_the_event_and_model(name: str) -> None:
    with pytest.raises(StreamEventDecodeError, match="does not fit") as info:
        parse_event(name, '{"id": 12}')
    message = str(info.value)
    assert name in message
    assert EVENT_TYPES[name][1].__name__ in message


def test_wrong_shape_message_points_at_the_bad_field() -> None:
    bad = DELTA.replace('"index":0', '"index":"zero"')
    with pytest.raises(StreamEventDecodeError, match=r"delta\.content\.0"):
        parse_event("thread.message.delta", bad)


def test_json_that_is_not_an_object_raises() -> None:
    with pytest.raises(StreamEventDecodeError, match=r"thread\.run\.created"):
        parse_event("thread.run.created", "[1, 2]")


def test_long_data_is_shown_as_an_excerpt() -> None:
    data = '{"id": 1, "pad": "' + "x" * 5000 + '"}'
    with pytest.raises(StreamEventDecodeError) as info:
        parse_event("thread.run.created", data)
    assert len(str(info.value)) < 1000
