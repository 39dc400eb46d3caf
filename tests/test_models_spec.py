"""The models follow runs.yaml field for field, and accept what it says servers send."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from tests._helpers.contract import spec

from runs_core import models as m

SPEC: dict[str, Any] = spec()
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# Spec schema (or a path to an inline object inside one: "Schema/prop/prop") → model.
MODELS: dict[str, type[BaseModel]] = {
    "RunObject": m.Run,
    "RunObject/required_action": m.RequiredAction,
    "RunObject/required_action/submit_tool_outputs": m.RequiredActionSubmitToolOutputs,
    "RunToolCallObject": m.RequiredActionFunctionToolCall,
    "RunToolCallObject/function": m.RequiredActionFunction,
    "RunObject/last_error": m.LastError,
    "RunObject/incomplete_details": m.IncompleteDetails,
    "RunCompletionUsage": m.Usage,
    "TruncationObject": m.TruncationStrategy,
    "AssistantToolsCode": m.CodeInterpreterTool,
    "AssistantToolsFileSearch": m.FileSearchTool,
    "AssistantToolsFileSearchTypeOnly": m.AttachmentToolAssistantToolsFileSearchTypeOnly,
    "AssistantToolsFileSearch/file_search": m.FileSearch,
    "FileSearchRankingOptions": m.FileSearchRankingOptions,
    "AssistantToolsFunction": m.FunctionTool,
    "FunctionObject": m.FunctionDefinition,
    "AssistantsNamedToolChoice": m.AssistantToolChoice,
    "AssistantsNamedToolChoice/function": m.AssistantToolChoiceFunction,
    "ResponseFormatText": m.ResponseFormatText,
    "ResponseFormatJsonObject": m.ResponseFormatJSONObject,
    "ResponseFormatJsonSchema": m.ResponseFormatJSONSchema,
    "ResponseFormatJsonSchema/json_schema": m.JSONSchema,
    "ListRunsResponse": m.CursorPage[m.Run],
    "ListRunStepsResponse": m.CursorPage[m.RunStep],
    "RunStepObject": m.RunStep,
    "RunStepObject/last_error": m.RunStepLastError,
    "RunStepCompletionUsage": m.RunStepUsage,
    "RunStepDetailsMessageCreationObject": m.MessageCreationStepDetails,
    "RunStepDetailsMessageCreationObject/message_creation": m.MessageCreation,
    "RunStepDetailsToolCallsObject": m.ToolCallsStepDetails,
    "RunStepDetailsToolCallsCodeObject": m.CodeInterpreterToolCall,
    "RunStepDetailsToolCallsCodeObject/code_interpreter": m.CodeInterpreter,
    "RunStepDetailsToolCallsCodeOutputLogsObject": m.CodeInterpreterOutputLogs,
    "RunStepDetailsToolCallsCodeOutputImageObject": m.CodeInterpreterImageOutput,
    "RunStepDetailsToolCallsCodeOutputImageObject/image": m.CodeInterpreterImage,
    "RunStepDetailsToolCallsFileSearchObject": m.FileSearchToolCall,
    "RunStepDetailsToolCallsFileSearchObject/file_search": m.FileSearchToolCallDetails,
    "RunStepDetailsToolCallsFileSearchRankingOptionsObject": m.FileSearchToolCallRankingOptions,
    "RunStepDetailsToolCallsFileSearchResultObject": m.FileSearchResult,
    "RunStepDetailsToolCallsFileSearchResultObject/content": m.FileSearchResultContent,
    "RunStepDetailsToolCallsFunctionObject": m.FunctionToolCall,
    "RunStepDetailsToolCallsFunctionObject/function": m.FunctionToolCallFunction,
    "RunStepDeltaObject": m.RunStepDeltaEvent,
    "RunStepDeltaObject/delta": m.RunStepDelta,
    "RunStepDeltaStepDetailsMessageCreationObject": m.RunStepDeltaMessageDelta,
    "RunStepDeltaStepDetailsMessageCreationObject/message_creation": m.RunStepDeltaMessageCreation,
    "RunStepDeltaStepDetailsToolCallsObject": m.ToolCallDeltaObject,
    "RunStepDeltaStepDetailsToolCallsCodeObject": m.CodeInterpreterToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsCodeObject/code_interpreter": m.CodeInterpreterDelta,
    "RunStepDeltaStepDetailsToolCallsCodeOutputLogsObject": m.CodeInterpreterLogs,
    "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject": m.CodeInterpreterOutputImage,
    "RunStepDeltaStepDetailsToolCallsCodeOutputImageObject/image": m.CodeInterpreterImageDelta,
    "RunStepDeltaStepDetailsToolCallsFileSearchObject": m.FileSearchToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsFunctionObject": m.FunctionToolCallDelta,
    "RunStepDeltaStepDetailsToolCallsFunctionObject/function": m.FunctionToolCallDeltaFunction,
    "MessageObject": m.Message,
    "MessageObject/incomplete_details": m.MessageIncompleteDetails,
    "MessageObject/attachments": m.Attachment,
    "MessageContentImageFileObject": m.ImageFileContentBlock,
    "MessageContentImageFileObject/image_file": m.ImageFile,
    "MessageContentImageUrlObject": m.ImageURLContentBlock,
    "MessageContentImageUrlObject/image_url": m.ImageURL,
    "MessageContentTextObject": m.TextContentBlock,
    "MessageContentTextObject/text": m.Text,
    "MessageContentRefusalObject": m.RefusalContentBlock,
    "MessageContentTextAnnotationsFileCitationObject": m.FileCitationAnnotation,
    "MessageContentTextAnnotationsFileCitationObject/file_citation": m.FileCitation,
    "MessageContentTextAnnotationsFilePathObject": m.FilePathAnnotation,
    "MessageContentTextAnnotationsFilePathObject/file_path": m.FilePath,
    "MessageDeltaObject": m.MessageDeltaEvent,
    "MessageDeltaObject/delta": m.MessageDelta,
    "MessageDeltaContentImageFileObject": m.ImageFileDeltaBlock,
    "MessageDeltaContentImageFileObject/image_file": m.ImageFileDelta,
    "MessageDeltaContentImageUrlObject": m.ImageURLDeltaBlock,
    "MessageDeltaContentImageUrlObject/image_url": m.ImageURLDelta,
    "MessageDeltaContentTextObject": m.TextDeltaBlock,
    "MessageDeltaContentTextObject/text": m.TextDelta,
    "MessageDeltaContentRefusalObject": m.RefusalDeltaBlock,
    "MessageDeltaContentTextAnnotationsFileCitationObject": m.FileCitationDeltaAnnotation,
    "MessageDeltaContentTextAnnotationsFileCitationObject/file_citation": m.FileCitationDelta,
    "MessageDeltaContentTextAnnotationsFilePathObject": m.FilePathDeltaAnnotation,
    "MessageDeltaContentTextAnnotationsFilePathObject/file_path": m.FilePathDelta,
    "ThreadObject": m.Thread,
    "ThreadObject/tool_resources": m.ToolResources,
    "ThreadObject/tool_resources/code_interpreter": m.ToolResourcesCodeInterpreter,
    "ThreadObject/tool_resources/file_search": m.ToolResourcesFileSearch,
    "Error": m.ErrorObject,
}

_NULLABLE = "nullable in the spec: servers omit it as often as they send null"
# Fields the spec marks required that the models accept missing, and why.
OPTIONAL_DESPITE_SPEC: dict[str, str] = {
    # The examples in runs.yaml itself send `instructions: null` and runs without it.
    "RunObject.instructions": "examples send null; servers omit it",
    "MessageObject.status": "the contract's own message examples leave it out",
    "RunObject.tools": "older servers omit it; absent stays None, as in the SDK",
    "RunObject.parallel_tool_calls": "older servers omit it; absent stays None, as in the SDK",
    "RunObject.required_action": _NULLABLE + " (examples omit it)",
    "RunObject.last_error": _NULLABLE,
    "RunObject.expires_at": _NULLABLE,
    "RunObject.started_at": _NULLABLE,
    "RunObject.cancelled_at": _NULLABLE,
    "RunObject.failed_at": _NULLABLE,
    "RunObject.completed_at": _NULLABLE,
    "RunObject.metadata": _NULLABLE,
    "RunObject.usage": _NULLABLE,
    "RunObject.incomplete_details": _NULLABLE,
    "RunObject.max_prompt_tokens": _NULLABLE,
    "RunObject.max_completion_tokens": _NULLABLE,
    "RunObject.truncation_strategy": _NULLABLE,
    "RunObject.tool_choice": _NULLABLE,
    "RunObject.response_format": _NULLABLE,
    "RunStepObject.last_error": _NULLABLE,
    "RunStepObject.expired_at": _NULLABLE + " (examples send expires_at instead)",
    "RunStepObject.cancelled_at": _NULLABLE,
    "RunStepObject.failed_at": _NULLABLE,
    "RunStepObject.completed_at": _NULLABLE,
    "RunStepObject.metadata": _NULLABLE + " (examples omit it)",
    "RunStepObject.usage": _NULLABLE,
    "RunStepDetailsToolCallsFunctionObject/function.output": _NULLABLE,
    "MessageObject.incomplete_details": _NULLABLE,
    "MessageObject.completed_at": _NULLABLE,
    "MessageObject.incomplete_at": _NULLABLE,
    "MessageObject.assistant_id": _NULLABLE,
    "MessageObject.run_id": _NULLABLE,
    "MessageObject.attachments": _NULLABLE + " (stream examples omit it)",
    "MessageObject.metadata": _NULLABLE,
    "ThreadObject.tool_resources": _NULLABLE,
    "ThreadObject.metadata": _NULLABLE,
    "Error.code": _NULLABLE,
    "Error.param": _NULLABLE,
    "ListRunsResponse.first_id": "servers send null on an empty page",
    "ListRunsResponse.last_id": "servers send null on an empty page",
    "ListRunStepsResponse.first_id": "servers send null on an empty page",
    "ListRunStepsResponse.last_id": "servers send null on an empty page",
}


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _object_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The object schema inside refs, arrays and nullable wrappers."""
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
def test_model_has_every_spec_property(path: str) -> None:
    fields = {f.alias or n for n, f in MODELS[path].model_fields.items()}
    missing = set(_resolve(path)["properties"]) - fields
    assert missing == set()


@pytest.mark.parametrize("path", sorted(MODELS))
def test_required_fields_agree_with_spec(path: str) -> None:
    schema = _resolve(path)
    fields = {f.alias or n: f for n, f in MODELS[path].model_fields.items()}
    spec_required = set(schema.get("required", ()))
    for prop in schema["properties"]:
        key = f"{path}.{prop}"
        is_required = fields[prop].is_required()
        if prop not in spec_required:
            assert not is_required, f"{key} is optional in the spec"
        elif key in OPTIONAL_DESPITE_SPEC:
            assert not is_required, f"{key} is allow-listed but the model requires it"
        else:
            assert is_required, f"{key} is required in the spec"


def test_allow_list_names_real_spec_fields() -> None:
    for key in OPTIONAL_DESPITE_SPEC:
        path, prop = key.rsplit(".", 1)
        assert prop in _resolve(path).get("required", ()), key


def test_every_spec_object_schema_with_properties_has_a_model() -> None:
    # A new schema reachable from the contract's responses shows up here.
    skip = {"CreateMessageRequest", "CreateRunRequest", "ModifyRunRequest", "ErrorResponse"}
    skip |= {"SubmitToolOutputsRunRequest", "ErrorEvent", "DoneEvent"}
    skip |= {"MessageRequestContentTextObject"}  # request-only: see models.params
    unmapped = {
        name
        for name, schema in SCHEMAS.items()
        if "properties" in schema and name not in skip and name not in MODELS
    }
    assert unmapped == set()


# --- Example responses -------------------------------------------------------------


def _examples() -> list[tuple[str, str]]:
    found = []
    for path, item in SPEC["paths"].items():
        for method, op in item.items():
            examples = op.get("x-oaiMeta", {}).get("examples")
            for i, example in enumerate(examples if isinstance(examples, list) else [examples]):
                found.append((f"{method.upper()} {path} #{i}", example["response"]))
    return found


EXAMPLES = _examples()
JSON_EXAMPLES = [(name, body) for name, body in EXAMPLES if body.lstrip().startswith("{")]


def _model_for(body: dict[str, Any]) -> type[BaseModel]:
    if body["object"] == "list":
        return (
            m.CursorPage[m.Run]
            if body["data"][0]["object"] == "thread.run"
            else (m.CursorPage[m.RunStep])
        )
    return {"thread.run": m.Run, "thread.run.step": m.RunStep}[body["object"]]


def test_spec_has_json_and_streaming_examples() -> None:
    assert len(JSON_EXAMPLES) >= 8
    assert len(EXAMPLES) > len(JSON_EXAMPLES)  # the SSE ones are parsed in test_events.py


@pytest.mark.parametrize(("name", "body"), JSON_EXAMPLES, ids=[n for n, _ in JSON_EXAMPLES])
def test_example_response_parses_and_round_trips(name: str, body: str) -> None:
    raw = json.loads(body)
    model = _model_for(raw)
    parsed = model.model_validate_json(body)
    dumped = parsed.model_dump(mode="json", exclude_unset=True)
    assert dumped == raw
    assert model.model_validate_json(json.dumps(dumped)) == parsed


# --- Generated bodies ----------------------------------------------------------------

EXTRA_FIELD = "x_new_field_from_a_newer_server"


def _from_schema(schema: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Values valid for a (nullable-aware) schema of runs.yaml, with occasional extras."""
    schema = _deref(schema)
    strategy = _from_schema_nonnull(schema, depth)
    if schema.get("nullable"):
        strategy = st.none() | strategy
    return strategy


def _from_schema_nonnull(schema: dict[str, Any], depth: int) -> st.SearchStrategy[Any]:
    if "allOf" in schema:  # here always [schema, {nullable: true}]
        parts = [_deref(p) for p in schema["allOf"]]
        base = _from_schema(next(p for p in parts if "nullable" not in p or len(p) > 1), depth)
        return st.none() | base if any(p.get("nullable") for p in parts) else base
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return st.one_of([_from_schema(option, depth) for option in schema[key]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "null":
        return st.none()
    if kind == "string":
        return st.text(max_size=8)
    if kind == "integer":
        return st.integers(schema.get("minimum", -(2**40)), schema.get("maximum", 2**40))
    if kind == "number":
        return st.floats(schema.get("minimum", -1e6), schema.get("maximum", 1e6))
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(_from_schema(schema["items"], depth + 1), max_size=2 if depth < 4 else 0)
    if "properties" in schema:
        return _object(schema, depth)
    values = schema.get("additionalProperties")
    if isinstance(values, dict):
        return st.dictionaries(st.text(max_size=4), _from_schema(values, depth + 1), max_size=2)
    return st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=4), max_size=2)


def _object(schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", ()))
    props = schema["properties"]
    fixed = {k: _from_schema(v, depth + 1) for k, v in props.items() if k in required}
    optional = {k: _from_schema(v, depth + 1) for k, v in props.items() if k not in required}
    optional[EXTRA_FIELD] = st.integers(0, 9)
    return st.fixed_dictionaries(fixed, optional=optional)


GENERATED = ["RunObject", "RunStepObject", "MessageObject", "MessageDeltaObject"]
GENERATED += ["RunStepDeltaObject", "ThreadObject", "ListRunsResponse", "ListRunStepsResponse"]


@pytest.mark.parametrize("name", GENERATED)
def test_models_accept_every_body_the_schema_allows(name: str) -> None:
    model = MODELS[name]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_from_schema(SCHEMAS[name]))
    def check(body: dict[str, Any]) -> None:
        parsed = model.model_validate_json(json.dumps(body))
        dumped = parsed.model_dump(mode="json", exclude_unset=True)
        assert dumped == body
        assert model.model_validate_json(json.dumps(dumped)) == parsed

    check()
