"""Forward compatibility: what a newer server adds parses and stays reachable."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from runs_core import models as m


def _run(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "run_1",
        "object": "thread.run",
        "created_at": 1,
        "thread_id": "thread_1",
        "assistant_id": "asst_1",
        "status": "queued",
        "model": "gpt-4o",
    }
    body.update(changes)
    return body


def _step(step_details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "step_1",
        "object": "thread.run.step",
        "created_at": 1,
        "assistant_id": "asst_1",
        "thread_id": "thread_1",
        "run_id": "run_1",
        "type": step_details["type"],
        "status": "completed",
        "step_details": step_details,
    }


def _parse(model: type[BaseModel], body: dict[str, Any]) -> Any:
    return model.model_validate_json(json.dumps(body))


def test_new_field_is_kept_and_reachable() -> None:
    run = _parse(m.Run, _run(service_tier="flex"))
    assert run.service_tier == "flex"
    assert run.model_extra == {"service_tier": "flex"}
    assert run.model_dump(exclude_unset=True)["service_tier"] == "flex"


def test_new_field_in_nested_object_is_kept() -> None:
    run = _parse(
        m.Run,
        _run(
            usage={
                "prompt_tokens": 1,
                "completion_tokens": 2,
                "total_tokens": 3,
                "cached_tokens": 1,
            }
        ),
    )
    assert run.usage.model_extra == {"cached_tokens": 1}


def test_run_without_optional_fields_parses_with_nothing_invented() -> None:
    body = _run(instructions=None)
    run = _parse(m.Run, body)
    assert run.required_action is None
    assert run.instructions is None
    assert run.tools is None
    assert run.parallel_tool_calls is None
    assert run.model_dump(exclude_unset=True) == body


@pytest.mark.parametrize(
    ("field", "value"),
    [("tools", []), ("parallel_tool_calls", True), ("parallel_tool_calls", False)],
)
def test_run_fields_keep_what_was_sent(field: str, value: Any) -> None:
    run = _parse(m.Run, _run(**{field: value}))
    assert getattr(run, field) == value
    assert run.model_dump(exclude_unset=True)[field] == value


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "paused"),
        ("object", "thread.run.v3"),
        ("tool_choice", "sometimes"),
        ("response_format", "yaml"),
        ("last_error", {"code": "quota_exhausted", "message": "no"}),
        ("incomplete_details", {"reason": "max_turns"}),
        ("truncation_strategy", {"type": "smart"}),
        ("tool_choice", {"type": "web_search"}),
    ],
)
def test_new_enum_value_parses_as_str(field: str, value: Any) -> None:
    run = _parse(m.Run, _run(**{field: value}))
    got = getattr(run, field)
    dumped = got if isinstance(got, str) else got.model_dump()
    assert dumped == value or all(dumped[k] == v for k, v in value.items())


def test_known_tool_choice_and_response_format_objects_are_typed() -> None:
    run = _parse(
        m.Run,
        _run(
            tool_choice={"type": "function", "function": {"name": "f"}},
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "n", "schema": {"type": "object"}},
            },
        ),
    )
    assert isinstance(run.tool_choice, m.AssistantToolChoice)
    assert run.tool_choice.function.name == "f"
    assert isinstance(run.response_format, m.ResponseFormatJSONSchema)
    assert run.response_format.json_schema.schema_ == {"type": "object"}


def test_json_schema_keeps_its_wire_name_when_dumped() -> None:
    fmt = m.JSONSchema.model_validate({"name": "n", "schema": {"type": "object"}})
    assert fmt.model_dump(exclude_unset=True) == {"name": "n", "schema": {"type": "object"}}


NEW_TYPES: list[tuple[type[BaseModel], dict[str, Any], Any, type[BaseModel]]] = [
    # (model, body with a new `type` somewhere, how to reach it, expected fallback class)
    (
        m.Run,
        _run(tools=[{"type": "web_search", "region": "eu"}]),
        lambda r: r.tools[0],
        m.UnknownTool,
    ),
    (
        m.Run,
        _run(response_format={"type": "yaml_schema", "yaml": {}}),
        lambda r: r.response_format,
        m.UnknownResponseFormat,
    ),
    (
        m.RunStep,
        _step({"type": "reasoning", "summary": "s"}),
        lambda s: s.step_details,
        m.UnknownStepDetails,
    ),
    (
        m.RunStep,
        _step({"type": "tool_calls", "tool_calls": [{"id": "c", "type": "mcp"}]}),
        lambda s: s.step_details.tool_calls[0],
        m.UnknownToolCall,
    ),
    (
        m.RunStep,
        _step(
            {
                "type": "tool_calls",
                "tool_calls": [
                    {
                        "id": "c",
                        "type": "code_interpreter",
                        "code_interpreter": {
                            "input": "",
                            "outputs": [{"type": "chart", "svg": "<"}],
                        },
                    }
                ],
            }
        ),
        lambda s: s.step_details.tool_calls[0].code_interpreter.outputs[0],
        m.UnknownCodeInterpreterOutput,
    ),
    (
        m.Message,
        {
            "id": "msg",
            "object": "thread.message",
            "created_at": 1,
            "thread_id": "t",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "audio", "a": 1}],
        },
        lambda msg: msg.content[0],
        m.UnknownContentBlock,
    ),
    (
        m.Message,
        {
            "id": "msg",
            "object": "thread.message",
            "created_at": 1,
            "thread_id": "t",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "text", "text": {"value": "v", "annotations": [{"type": "url"}]}}],
        },
        lambda msg: msg.content[0].text.annotations[0],
        m.UnknownAnnotation,
    ),
    (
        m.MessageDeltaEvent,
        {
            "id": "msg",
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "audio", "a": 1}]},
        },
        lambda d: d.delta.content[0],
        m.UnknownContentDeltaBlock,
    ),
    (
        m.MessageDeltaEvent,
        {
            "id": "msg",
            "object": "thread.message.delta",
            "delta": {
                "content": [
                    {
                        "index": 0,
                        "type": "text",
                        "text": {"annotations": [{"index": 0, "type": "url"}]},
                    }
                ]
            },
        },
        lambda d: d.delta.content[0].text.annotations[0],
        m.UnknownAnnotationDelta,
    ),
    (
        m.RunStepDeltaEvent,
        {
            "id": "step",
            "object": "thread.run.step.delta",
            "delta": {"step_details": {"type": "reasoning"}},
        },
        lambda d: d.delta.step_details,
        m.UnknownStepDetailsDelta,
    ),
    (
        m.RunStepDeltaEvent,
        {
            "id": "step",
            "object": "thread.run.step.delta",
            "delta": {
                "step_details": {"type": "tool_calls", "tool_calls": [{"index": 0, "type": "mcp"}]}
            },
        },
        lambda d: d.delta.step_details.tool_calls[0],
        m.UnknownToolCallDelta,
    ),
    (
        m.RunStepDeltaEvent,
        {
            "id": "step",
            "object": "thread.run.step.delta",
            "delta": {
                "step_details": {
                    "type": "tool_calls",
                    "tool_calls": [
                        {
                            "index": 0,
                            "type": "code_interpreter",
                            "code_interpreter": {"outputs": [{"index": 0, "type": "chart"}]},
                        }
                    ],
                }
            },
        },
        lambda d: d.delta.step_details.tool_calls[0].code_interpreter.outputs[0],
        m.UnknownCodeInterpreterOutputDelta,
    ),
]


@pytest.mark.parametrize(
    ("model", "body", "reach", "fallback"), NEW_TYPES, ids=[case[3].__name__ for case in NEW_TYPES]
)
def test_new_type_parses_as_unknown_variant_keeping_fields(
    model: type[BaseModel], body: dict[str, Any], reach: Any, fallback: type[BaseModel]
) -> None:
    parsed = _parse(model, body)
    item = reach(parsed)
    assert type(item) is fallback
    assert item.model_dump(mode="json", exclude_unset=True) == _find_dict(body, item.type)
    assert parsed.model_dump(mode="json", exclude_unset=True) == body


def _find_dict(body: Any, type_: str) -> dict[str, Any] | None:
    """The innermost object of ``body`` whose ``type`` is ``type_``."""
    values = body.values() if isinstance(body, dict) else body if isinstance(body, list) else ()
    for value in values:
        found = _find_dict(value, type_)
        if found is not None:
            return found
    return body if isinstance(body, dict) and body.get("type") == type_ else None


def test_known_types_parse_as_their_own_classes() -> None:
    step = _parse(
        m.RunStep,
        _step(
            {
                "type": "tool_calls",
                "tool_calls": [
                    {"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}},
                    {"id": "b", "type": "file_search", "file_search": {}},
                    {
                        "id": "c",
                        "type": "code_interpreter",
                        "code_interpreter": {
                            "input": "1",
                            "outputs": [
                                {"type": "logs", "logs": "x"},
                                {"type": "image", "image": {"file_id": "f"}},
                            ],
                        },
                    },
                ],
            }
        ),
    )
    calls = step.step_details.tool_calls
    assert [type(c) for c in calls] == [
        m.FunctionToolCall,
        m.FileSearchToolCall,
        m.CodeInterpreterToolCall,
    ]
    assert [type(o) for o in calls[2].code_interpreter.outputs] == [
        m.CodeInterpreterOutputLogs,
        m.CodeInterpreterImageOutput,
    ]
    assert calls[0].function.output is None


@pytest.mark.parametrize(
    ("adapter_type", "body"),
    [
        (m.MessageContent, {"type": "text", "text": {"value": 3}}),
        (m.MessageContentDelta, {"index": 0, "type": "text", "text": {"value": 3}}),
        (m.ToolCall, {"id": "a", "type": "function"}),
        (m.AssistantTool, {"type": "function"}),
        (m.StepDetails, {"type": "message_creation"}),
    ],
)
def test_malformed_known_type_is_an_error_not_unknown(adapter_type: Any, body: Any) -> None:
    with pytest.raises(ValidationError, match="malformed"):
        TypeAdapter(adapter_type).validate_json(json.dumps(body))


def test_object_without_type_is_an_error() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(m.MessageContentDelta).validate_json('{"index": 0}')


def test_required_action_tool_calls_are_typed() -> None:
    run = _parse(
        m.Run,
        _run(
            status="requires_action",
            required_action={
                "type": "submit_tool_outputs",
                "submit_tool_outputs": {
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                        }
                    ]
                },
            },
        ),
    )
    call = run.required_action.submit_tool_outputs.tool_calls[0]
    assert isinstance(call, m.RequiredActionFunctionToolCall)
    assert (call.id, call.function.name) == ("call_1", "get_weather")


def test_cursor_page_accepts_empty_page_with_null_ids() -> None:
    page = m.CursorPage[m.Run].model_validate_json(
        '{"object": "list", "data": [], "first_id": null, "last_id": null, "has_more": false}'
    )
    assert page.data == [] and page.last_id is None


def test_param_typeddicts_describe_plain_dicts() -> None:
    output: m.ToolOutput = {"tool_call_id": "call_1", "output": "sunny"}
    message: m.AdditionalMessage = {"role": "user", "content": "hi"}
    tool: m.AssistantToolParam = {"type": "code_interpreter"}
    choice: m.ToolChoiceParam = {"type": "function", "function": {"name": "f"}}
    strategy: m.TruncationStrategyParam = {"type": "last_messages", "last_messages": 3}
    fmt: m.ResponseFormatParam = {"type": "json_object"}
    assert m.ToolOutput.__required_keys__ == {"tool_call_id", "output"}
    assert m.AdditionalMessage.__required_keys__ == {"role", "content"}
    assert [output, message, tool, choice, strategy, fmt]
