"""Our models dump what the official SDK's models dump, for the same body.

The reference is what the ``openai`` package builds from what the server sends: a plain
response body goes through ``construct_type(type_=<its class>, value=body)`` (what the
SDK's client does unless asked to validate responses), a list through its cursor page
class, and a stream event through ``construct_type(type_=AssistantStreamEvent, value=
{"data": ..., "event": ...})`` (which validates first and constructs only when that
fails). Ours is what this library builds: ``Model.model_validate_json`` and
``parse_event``. Both are dumped every way a caller may dump them (``model_dump`` in both
modes and with the exclusion flags, ``model_dump_json``, ``to_dict``, ``to_json``).

Bodies: the contract's examples, the deterministic streams of ``tests/_helpers/streams``,
mutations of those (every field dropped, nulled, given an unknown enum value; an unknown
field added to every object), older shapes (assistants v1), and bodies generated from the
contract's schemas by hypothesis.

The differences that are deliberate (see docs/compatibility.md) are allowed for in one
place each:

- ``JSONSchema.schema_`` dumps under its wire name ``schema`` (``_wire_names``);
- where a body holds a value neither library knows (a new ``type``, a new enum value),
  the SDK builds the first known variant and fills its fields with ``None``, while ours
  keeps exactly what was sent: such bodies compare with one-sided ``None`` keys dropped,
  and their JSON text compares as data, not as text (``_lenient``);
- a body missing a field the contract requires is an error here, a ``None`` there
  (``test_mutations_dump_like_the_sdk`` checks that nothing else is ever rejected);
- ``exclude_defaults=True`` leaves out ``Run.instructions``, ``tools`` and
  ``parallel_tool_calls`` when they are ``None``: the SDK declares them without a
  default, we default them to ``None`` (``_without_no_default_nones``).
"""

from __future__ import annotations

import copy
import inspect
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
from tests._helpers.contract import spec
from tests._helpers.streams import text_run_stream, tool_call_stream

from runs_core import SSEDecoder, parse_event
from runs_core import models as m

T = openai.types.beta.threads
R = openai.types.beta.threads.runs

# --- The classes ---------------------------------------------------------------------


def _nested(module: Any, name: str) -> type[SdkModel]:
    cls: type[SdkModel] = getattr(module, name)
    return cls


# Our class → the SDK's class of the same object, for every model the runs API returns.
PAIRS: list[tuple[type[BaseModel], type[SdkModel]]] = [
    (m.Run, T.Run),
    (m.Assistant, openai.types.beta.Assistant),
    (m.AssistantDeleted, openai.types.beta.AssistantDeleted),
    (m.ThreadDeleted, openai.types.beta.ThreadDeleted),
    (m.MessageDeleted, T.MessageDeleted),
    (m.IncompleteDetails, _nested(T.run, "IncompleteDetails")),
    (m.LastError, _nested(T.run, "LastError")),
    (m.RequiredAction, _nested(T.run, "RequiredAction")),
    (m.RequiredActionSubmitToolOutputs, _nested(T.run, "RequiredActionSubmitToolOutputs")),
    (m.TruncationStrategy, _nested(T.run, "TruncationStrategy")),
    (m.Usage, _nested(T.run, "Usage")),
    (m.RequiredActionFunctionToolCall, T.RequiredActionFunctionToolCall),
    (m.RequiredActionFunction, _nested(T.required_action_function_tool_call, "Function")),
    (m.CodeInterpreterTool, openai.types.beta.CodeInterpreterTool),
    (m.FileSearchTool, openai.types.beta.FileSearchTool),
    (m.FileSearch, _nested(openai.types.beta.file_search_tool, "FileSearch")),
    (
        m.FileSearchRankingOptions,
        _nested(openai.types.beta.file_search_tool, "FileSearchRankingOptions"),
    ),
    (m.FunctionTool, openai.types.beta.FunctionTool),
    (m.FunctionDefinition, openai.types.shared.FunctionDefinition),
    (m.AssistantToolChoice, openai.types.beta.AssistantToolChoice),
    (m.AssistantToolChoiceFunction, openai.types.beta.AssistantToolChoiceFunction),
    (m.ResponseFormatText, openai.types.shared.ResponseFormatText),
    (m.ResponseFormatJSONObject, openai.types.shared.ResponseFormatJSONObject),
    (m.ResponseFormatJSONSchema, openai.types.shared.ResponseFormatJSONSchema),
    (m.JSONSchema, _nested(openai.types.shared.response_format_json_schema, "JSONSchema")),
    (m.RunStep, R.RunStep),
    (m.RunStepLastError, _nested(R.run_step, "LastError")),
    (m.RunStepUsage, _nested(R.run_step, "Usage")),
    (m.MessageCreationStepDetails, R.MessageCreationStepDetails),
    (m.MessageCreation, _nested(R.message_creation_step_details, "MessageCreation")),
    (m.ToolCallsStepDetails, R.ToolCallsStepDetails),
    (m.CodeInterpreterToolCall, R.CodeInterpreterToolCall),
    (m.CodeInterpreter, _nested(R.code_interpreter_tool_call, "CodeInterpreter")),
    (
        m.CodeInterpreterOutputLogs,
        _nested(R.code_interpreter_tool_call, "CodeInterpreterOutputLogs"),
    ),
    (
        m.CodeInterpreterImageOutput,
        _nested(R.code_interpreter_tool_call, "CodeInterpreterOutputImage"),
    ),
    (
        m.CodeInterpreterImage,
        _nested(R.code_interpreter_tool_call, "CodeInterpreterOutputImageImage"),
    ),
    (m.FileSearchToolCall, R.FileSearchToolCall),
    (m.FileSearchToolCallDetails, _nested(R.file_search_tool_call, "FileSearch")),
    (
        m.FileSearchToolCallRankingOptions,
        _nested(R.file_search_tool_call, "FileSearchRankingOptions"),
    ),
    (m.FileSearchResult, _nested(R.file_search_tool_call, "FileSearchResult")),
    (m.FileSearchResultContent, _nested(R.file_search_tool_call, "FileSearchResultContent")),
    (m.FunctionToolCall, R.FunctionToolCall),
    (m.FunctionToolCallFunction, _nested(R.function_tool_call, "Function")),
    (m.RunStepDeltaEvent, R.RunStepDeltaEvent),
    (m.RunStepDelta, R.RunStepDelta),
    (m.RunStepDeltaMessageDelta, R.RunStepDeltaMessageDelta),
    (m.RunStepDeltaMessageCreation, _nested(R.run_step_delta_message_delta, "MessageCreation")),
    (m.ToolCallDeltaObject, R.ToolCallDeltaObject),
    (m.CodeInterpreterToolCallDelta, R.CodeInterpreterToolCallDelta),
    (m.CodeInterpreterDelta, _nested(R.code_interpreter_tool_call_delta, "CodeInterpreter")),
    (m.CodeInterpreterLogs, R.CodeInterpreterLogs),
    (m.CodeInterpreterOutputImage, R.CodeInterpreterOutputImage),
    (m.CodeInterpreterImageDelta, _nested(R.code_interpreter_output_image, "Image")),
    (m.FileSearchToolCallDelta, R.FileSearchToolCallDelta),
    (m.FunctionToolCallDelta, R.FunctionToolCallDelta),
    (m.FunctionToolCallDeltaFunction, _nested(R.function_tool_call_delta, "Function")),
    (m.Message, T.Message),
    (m.MessageIncompleteDetails, _nested(T.message, "IncompleteDetails")),
    (m.Attachment, _nested(T.message, "Attachment")),
    (
        m.AttachmentToolAssistantToolsFileSearchTypeOnly,
        _nested(T.message, "AttachmentToolAssistantToolsFileSearchTypeOnly"),
    ),
    (m.ImageFileContentBlock, T.ImageFileContentBlock),
    (m.ImageFile, T.ImageFile),
    (m.ImageURLContentBlock, T.ImageURLContentBlock),
    (m.ImageURL, T.ImageURL),
    (m.TextContentBlock, T.TextContentBlock),
    (m.Text, T.Text),
    (m.RefusalContentBlock, T.RefusalContentBlock),
    (m.FileCitationAnnotation, T.FileCitationAnnotation),
    (m.FileCitation, _nested(T.file_citation_annotation, "FileCitation")),
    (m.FilePathAnnotation, T.FilePathAnnotation),
    (m.FilePath, _nested(T.file_path_annotation, "FilePath")),
    (m.MessageDeltaEvent, T.MessageDeltaEvent),
    (m.MessageDelta, T.MessageDelta),
    (m.ImageFileDeltaBlock, T.ImageFileDeltaBlock),
    (m.ImageFileDelta, T.ImageFileDelta),
    (m.ImageURLDeltaBlock, T.ImageURLDeltaBlock),
    (m.ImageURLDelta, T.ImageURLDelta),
    (m.TextDeltaBlock, T.TextDeltaBlock),
    (m.TextDelta, T.TextDelta),
    (m.RefusalDeltaBlock, T.RefusalDeltaBlock),
    (m.FileCitationDeltaAnnotation, T.FileCitationDeltaAnnotation),
    (m.FileCitationDelta, _nested(T.file_citation_delta_annotation, "FileCitation")),
    (m.FilePathDeltaAnnotation, T.FilePathDeltaAnnotation),
    (m.FilePathDelta, _nested(T.file_path_delta_annotation, "FilePath")),
    (m.Thread, openai.types.beta.Thread),
    (m.ToolResources, _nested(openai.types.beta.thread, "ToolResources")),
    (
        m.ToolResourcesCodeInterpreter,
        _nested(openai.types.beta.thread, "ToolResourcesCodeInterpreter"),
    ),
    (m.ToolResourcesFileSearch, _nested(openai.types.beta.thread, "ToolResourcesFileSearch")),
    (m.ErrorObject, openai.types.shared.ErrorObject),
    (m.Misalignment, _nested(openai.types.shared.error_object, "Misalignment")),
    (m.MisalignmentSteer, _nested(openai.types.shared.error_object, "MisalignmentSteer")),
]

# Required in the SDK's types, but older servers omit them: the SDK then holds ``None``
# (it does not validate), and so do we, through a ``None`` default.
REQUIRED_THERE_OPTIONAL_HERE = {("Run", "instructions"), ("Run", "tools")}
REQUIRED_THERE_OPTIONAL_HERE |= {("Run", "parallel_tool_calls")}
# The contract's own message examples leave ``status`` out; the SDK would hold None.
REQUIRED_THERE_OPTIONAL_HERE |= {("Message", "status")}


def _wire_fields(model: type[BaseModel]) -> dict[str, Any]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def test_every_model_has_an_sdk_counterpart() -> None:
    ours = {
        obj
        for obj in vars(m).values()
        if isinstance(obj, type)
        and issubclass(obj, m.RunsModel)
        and not issubclass(obj, m.UnknownVariant)
        and obj not in (m.RunsModel, m.CursorPage)
    }
    assert ours - {pair[0] for pair in PAIRS} == set()


@pytest.mark.parametrize(("ours", "sdk"), PAIRS, ids=[pair[0].__name__ for pair in PAIRS])
def test_fields_are_the_sdks_in_its_order(ours: type[BaseModel], sdk: type[SdkModel]) -> None:
    # The same keys, in the same order: dumps and to_json() list them as the SDK does.
    ours.model_rebuild()
    mine, theirs = _wire_fields(ours), _wire_fields(sdk)
    assert list(mine) == list(theirs)
    for name, field in theirs.items():
        default = field.get_default(call_default_factory=True)
        if default is PydanticUndefined and (ours.__name__, name) in REQUIRED_THERE_OPTIONAL_HERE:
            default = None
        got = mine[name].get_default(call_default_factory=True)
        assert got is PydanticUndefined if default is PydanticUndefined else got == default, name


# --- Building both sides -------------------------------------------------------------


class Kind(NamedTuple):
    ours: type[BaseModel]
    sdk: Any
    event: str | None
    """An event carrying this object, to build it the stream's way too."""


KINDS: dict[str, Kind] = {
    "thread.run": Kind(m.Run, T.Run, "thread.run.in_progress"),
    "thread.run.step": Kind(m.RunStep, R.RunStep, "thread.run.step.completed"),
    "thread.message": Kind(m.Message, T.Message, "thread.message.completed"),
    "thread.message.delta": Kind(m.MessageDeltaEvent, T.MessageDeltaEvent, "thread.message.delta"),
    "thread.run.step.delta": Kind(
        m.RunStepDeltaEvent, R.RunStepDeltaEvent, "thread.run.step.delta"
    ),
    "thread": Kind(m.Thread, openai.types.beta.Thread, "thread.created"),
    # The SDK raises on an ``error`` event rather than building one: compare the class.
    "error": Kind(m.ErrorObject, openai.types.shared.ErrorObject, None),
    "list.thread.run": Kind(m.CursorPage[m.Run], SyncCursorPage[T.Run], None),
    "list.thread.run.step": Kind(m.CursorPage[m.RunStep], SyncCursorPage[R.RunStep], None),
}


class Case(NamedTuple):
    label: str
    kind: str
    body: Any
    event: str | None = None


def _kind_of(body: dict[str, Any]) -> str:
    if body.get("object") == "list":
        first = body["data"][0]["object"] if body["data"] else "thread.run"
        return f"list.{first}"
    return str(body["object"])


def _pairs(case: Case) -> list[tuple[BaseModel, SdkModel]]:
    """(ours, the SDK's) for the body, built each way the two libraries build it."""
    kind = KINDS[case.kind]
    text = json.dumps(case.body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs: list[tuple[BaseModel, SdkModel]] = [
            (
                kind.ours.model_validate_json(text),
                construct_type(type_=kind.sdk, value=json.loads(text)),
            )
        ]
        event = case.event or kind.event
        if event is not None:
            sdk_event: Any = construct_type(
                type_=SdkStreamEvent, value={"data": json.loads(text), "event": event}
            )
            pairs.append((parse_event(event, text).data, sdk_event.data))
    if case.kind.startswith("list."):
        return [
            (mine, theirs)
            for ours, sdk in pairs
            for mine, theirs in zip(ours.data, sdk.data, strict=True)
        ]
    return pairs


# --- Comparing them ------------------------------------------------------------------

Dump = Callable[[Any], Any]

DUMPS: dict[str, Dump] = {
    "model_dump()": lambda x: x.model_dump(),
    "model_dump(exclude_unset=True)": lambda x: x.model_dump(exclude_unset=True),
    "model_dump(mode='json')": lambda x: x.model_dump(mode="json"),
    "model_dump(mode='json', exclude_unset=True)": lambda x: x.model_dump(
        mode="json", exclude_unset=True
    ),
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
    "to_dict(exclude_none=True)": lambda x: x.to_dict(exclude_none=True),
    "to_dict(exclude_defaults=True)": lambda x: x.to_dict(exclude_defaults=True),
    "to_dict(exclude_unset=False, exclude_none=True)": lambda x: x.to_dict(
        exclude_unset=False, exclude_none=True
    ),
    "to_json(exclude_unset=False)": lambda x: json.loads(x.to_json(exclude_unset=False)),
}
# Text compared as text (same keys in the same order, same indentation).
TEXTS: dict[str, Dump] = {
    "to_json()": lambda x: x.to_json(),
    "to_json(indent=None)": lambda x: x.to_json(indent=None),
    "to_json(indent=4, exclude_none=True)": lambda x: x.to_json(indent=4, exclude_none=True),
}

UNKNOWN = "x_value_from_a_newer_server"
EXTRA = "x_field_from_a_newer_server"


def _wire_names(value: Any) -> Any:
    """``schema_`` (JSONSchema's Python name) renamed to its wire name ``schema``.

    The SDK dumps the Python name by default, ours the wire name: ``JSONSchema`` has
    ``serialize_by_alias`` so that a run's ``response_format`` can be sent back as is.
    The SDK's constructed models also keep ``schema`` as an unknown field next to
    ``schema_``, holding the same value.
    """
    if isinstance(value, list):
        return [_wire_names(item) for item in value]
    if not isinstance(value, dict):
        return value
    out = {key: _wire_names(item) for key, item in value.items()}
    if "schema_" in out:
        python_name = out.pop("schema_")
        assert out.setdefault("schema", python_name) == python_name
    return out


def _lenient(ours: Any, sdk: Any) -> tuple[Any, Any]:
    """Both dumps without the ``None`` keys only one of them has (bodies with unknowns)."""
    if isinstance(ours, dict) and isinstance(sdk, dict):
        keys = [k for k in ours.keys() | sdk.keys() if not _one_sided_none(ours, sdk, k)]
        pairs = {k: _lenient(ours.get(k), sdk.get(k)) for k in keys}
        return {k: a for k, (a, _) in pairs.items()}, {k: b for k, (_, b) in pairs.items()}
    if isinstance(ours, list) and isinstance(sdk, list) and len(ours) == len(sdk):
        pairs_ = [_lenient(a, b) for a, b in zip(ours, sdk, strict=True)]
        return [a for a, _ in pairs_], [b for _, b in pairs_]
    return ours, sdk


def _one_sided_none(ours: dict[str, Any], sdk: dict[str, Any], key: str) -> bool:
    return (key not in ours and sdk[key] is None) or (key not in sdk and ours[key] is None)


def _without_no_default_nones(model: str, dump: dict[str, Any]) -> dict[str, Any]:
    """An SDK dump of a ``model`` without the ``None`` fields it keeps only for lack of a
    default."""
    keep = {k for name, k in REQUIRED_THERE_OPTIONAL_HERE if name == model}
    return {k: v for k, v in dump.items() if not (k in keep and v is None)}


UNKNOWN_TYPES = {"retrieval", "browser", "audio", "reasoning", "mcp", "url_citation", "chart"}
"""The new ``type`` values the bodies below use; with ``UNKNOWN``, a body holding any is
compared with ``_lenient``."""


def _has_unknown(body: Any) -> bool:
    return UNKNOWN in json.dumps(body) or _unknown_variant_in(body)


def _unknown_variant_in(body: Any) -> bool:
    # A ``type`` no known variant claims: the only other way a body holds an unknown.
    if isinstance(body, list):
        return any(_unknown_variant_in(item) for item in body)
    if not isinstance(body, dict):
        return False
    if body.get("type") in UNKNOWN_TYPES:
        return True
    return any(_unknown_variant_in(item) for item in body.values())


def _differences(case: Case) -> list[str]:
    """Every way our dumps of ``case.body`` differ from the SDK's; [] when none."""
    found = []
    unknown = _has_unknown(case.body)
    for ours, sdk in _pairs(case):
        for name, dump in [*DUMPS.items(), *TEXTS.items()]:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # ours never warns, whatever it holds
                mine = dump(ours)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the SDK warns on values it does not know
                theirs = dump(sdk)
            if name in TEXTS and unknown:
                # Inside an unknown object the SDK orders keys as its first known variant.
                name, mine, theirs = name + " (as data)", json.loads(mine), json.loads(theirs)
            if name not in TEXTS:
                mine, theirs = _wire_names(mine), _wire_names(theirs)
            if unknown:
                mine, theirs = _lenient(mine, theirs)
            if "exclude_defaults" in name and isinstance(theirs, dict):
                theirs = _without_no_default_nones(type(ours).__name__, theirs)
            if mine != theirs:
                found.append(
                    f"{case.label}: {type(ours).__name__}.{name}\n  ours {mine}\n  sdk  {theirs}"
                )
        found += _round_trips(ours)
    return found


def _round_trips(ours: BaseModel) -> list[str]:
    model = type(ours)
    again = {
        "model_dump_json": model.model_validate_json(ours.model_dump_json()),
        "to_json": model.model_validate_json(ours.to_json()),
        "to_dict": model.model_validate(ours.to_dict()),
    }
    return [f"{model.__name__} changes through {how}" for how, x in again.items() if x != ours]


def _check(cases: list[Case], at_least: int) -> None:
    assert len(cases) >= at_least
    found = [line for case in cases for line in _differences(case)]
    assert found == [], f"{len(found)} differences, first ones:\n" + "\n".join(found[:8])


# --- Bodies: the contract's examples and the test streams ----------------------------


def _sse(stream: bytes) -> list[tuple[str, Any]]:
    """(event, JSON data) of every JSON event of an SSE body; the examples' stray ``}``
    after a run (a defect of the published examples) is left out."""
    decoder = SSEDecoder()
    events = decoder.feed(stream) + decoder.end()
    out = []
    for event in events:
        if event.data.startswith("{"):
            data, _ = json.JSONDecoder().raw_decode(event.data)
            out.append((event.event, data))
    return out


def _contract_cases() -> list[Case]:
    cases = []
    for path, item in spec()["paths"].items():
        for method, op in item.items():
            examples = op.get("x-oaiMeta", {}).get("examples")
            for i, example in enumerate(examples if isinstance(examples, list) else [examples]):
                if example is None:
                    continue
                label = f"{method.upper()} {path} #{i}"
                text = example["response"]
                if text.lstrip().startswith("{"):
                    body = json.loads(text)
                    cases.append(Case(label, _kind_of(body), body))
                else:
                    for name, data in _sse(text.encode()):
                        cases.append(Case(f"{label} {name}", _kind_of(data), data, name))
    return cases


def _stream_cases() -> list[Case]:
    return [
        Case(f"{stream} {name}", _kind_of(data), data, name)
        for stream, raw in [
            ("text_run_stream", text_run_stream(60)),
            ("tool_call_stream", tool_call_stream(40)),
        ]
        for name, data in _sse(raw)
    ]


CONTRACT_CASES = _contract_cases()
STREAM_CASES = _stream_cases()


def test_contract_examples_dump_like_the_sdk() -> None:
    _check(CONTRACT_CASES, at_least=45)


def test_test_streams_dump_like_the_sdk() -> None:
    _check(STREAM_CASES, at_least=100)


# --- Bodies: older and odder shapes --------------------------------------------------


def _v1_run() -> dict[str, Any]:
    """A run as assistants v1 sent it: ``file_ids``, a ``retrieval`` tool, no
    ``parallel_tool_calls``, ``tool_choice``, ``response_format``, token limits or usage."""
    return {
        "id": "run_v1",
        "object": "thread.run",
        "created_at": 1_700_000_000,
        "assistant_id": "asst_v1",
        "thread_id": "thread_v1",
        "status": "completed",
        "started_at": 1_700_000_001,
        "expires_at": None,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": 1_700_000_005,
        "last_error": None,
        "model": "gpt-4-1106-preview",
        "instructions": "Be brief.",
        "tools": [{"type": "retrieval"}, {"type": "code_interpreter"}],
        "file_ids": ["file_1"],
        "metadata": {},
    }


def _v1_step(details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "step_v1",
        "object": "thread.run.step",
        "created_at": 1_700_000_002,
        "run_id": "run_v1",
        "assistant_id": "asst_v1",
        "thread_id": "thread_v1",
        "type": details["type"],
        "status": "completed",
        "cancelled_at": None,
        "completed_at": 1_700_000_004,
        "expires_at": None,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
    }


def _v1_message(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "msg_v1",
        "object": "thread.message",
        "created_at": 1_700_000_003,
        "thread_id": "thread_v1",
        "status": "completed",
        "role": "assistant",
        "content": content,
        "assistant_id": "asst_v1",
        "run_id": "run_v1",
        "file_ids": ["file_1"],
        "metadata": {},
    }


_CITED = {
    "type": "text",
    "text": {
        "value": "See [1].",
        "annotations": [
            {
                "type": "file_citation",
                "text": "[1]",
                "start_index": 4,
                "end_index": 7,
                "file_citation": {"file_id": "file_1", "quote": "a quoted passage"},
            }
        ],
    },
}

ODD_CASES = [
    Case("v1 run", "thread.run", _v1_run()),
    Case("v1 run without instructions or tools", "thread.run", {
        k: v for k, v in _v1_run().items() if k not in ("instructions", "tools")
    }),
    Case("run with every nullable field null", "thread.run", {
        **_v1_run(), "tools": None, "parallel_tool_calls": None, "instructions": None,
        "metadata": None, "usage": None, "tool_choice": None, "response_format": None,
        "truncation_strategy": None, "incomplete_details": None, "required_action": None,
    }),
    Case("run with a json_schema response format", "thread.run", {
        **_v1_run(), "parallel_tool_calls": False, "tool_choice": "required",
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "n", "schema": {"type": "object"}, "strict": True},
        },
    }),
    Case("run with a json_schema without schema", "thread.run", {
        **_v1_run(), "response_format": {"type": "json_schema", "json_schema": {"name": "n"}},
    }),
    Case("run with integer temperature and usage", "thread.run", {
        **_v1_run(), "temperature": 1, "top_p": 0, "usage": {
            "prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3,
            "prompt_token_details": {"cached_tokens": 0},
        },
    }),
    Case("run with a named tool choice of a new type", "thread.run", {
        **_v1_run(), "tool_choice": {"type": "browser", "browser": {}},
    }),
    Case("run with a new tool and response format", "thread.run", {
        **_v1_run(), "tools": [{"type": "browser", "browser": {"region": "eu"}}],
        "response_format": {"type": "reasoning", "effort": "low"},
    }),
    Case("v1 retrieval step", "thread.run.step", _v1_step(
        {"type": "tool_calls", "tool_calls": [{"id": "c", "type": "retrieval", "retrieval": {}}]}
    )),
    Case("v1 message creation step", "thread.run.step", _v1_step(
        {"type": "message_creation", "message_creation": {"message_id": "msg_v1"}}
    )),
    Case("step of a new kind", "thread.run.step", _v1_step({"type": "reasoning", "text": "t"})),
    Case("v1 message with a quoted citation", "thread.message", _v1_message([_CITED])),
    Case("message with attachments", "thread.message", {
        **{k: v for k, v in _v1_message([]).items() if k != "file_ids"},
        "attachments": [
            {"file_id": "file_1", "tools": [{"type": "file_search"}, {"type": "code_interpreter"}]},
            {"file_id": "file_2", "tools": [{"type": "browser"}]},
            {"file_id": "file_3"},
        ],
    }),
    Case("message with new parts", "thread.message", _v1_message([
        {"type": "audio", "audio": {"file_id": "f"}},
        {"type": "text", "text": {"value": "v", "annotations": [
            {"type": "url_citation", "text": "[2]", "start_index": 0, "end_index": 3, "url": "u"}
        ]}},
        {"type": "image_url", "image_url": {"url": "https://x", "detail": "ultra"}},
    ])),
    Case("message delta with new parts", "thread.message.delta", {
        "id": "msg_v1", "object": "thread.message.delta", "delta": {"content": [
            {"index": 0, "type": "audio", "audio": {"transcript": "t"}},
            {"index": 1, "type": "text", "text": {"annotations": [
                {"index": 0, "type": "url_citation", "url": "u"}
            ]}},
        ]},
    }),
    Case("step delta with a new tool call and output", "thread.run.step.delta", {
        "id": "step_v1", "object": "thread.run.step.delta", "delta": {"step_details": {
            "type": "tool_calls", "tool_calls": [
                {"index": 0, "type": "mcp", "id": "c", "mcp": {"server": "s"}},
                {"index": 1, "type": "code_interpreter", "code_interpreter": {
                    "outputs": [{"index": 0, "type": "chart", "svg": "<svg/>"}]
                }},
                {"index": 2, "type": "file_search", "file_search": {"results": []}},
            ],
        }},
    }),
    Case("empty deltas", "thread.message.delta", {
        "id": "msg_v1", "object": "thread.message.delta", "delta": {},
    }),
    Case("error", "error", {"message": "boom", "type": "server_error", "code": None}),
    Case("error from a safety review", "error", {
        "message": "blocked", "type": "invalid_request_error", "param": None,
        "misalignment": {"error_type": "new_kind", "steer": {"message": "rephrase"}},
    }),
    Case("thread", "thread", {
        "id": "thread_1", "object": "thread", "created_at": 1, "metadata": {},
        "tool_resources": {"code_interpreter": {"file_ids": []}},
    }),
    Case("empty list", "list.thread.run", {
        "object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False,
    }),
    Case("list of v1 runs", "list.thread.run", {
        "object": "list", "data": [_v1_run(), {**_v1_run(), "id": "run_v1b"}],
        "first_id": "run_v1", "last_id": "run_v1b", "has_more": True,
    }),
]  # fmt: skip


@pytest.mark.parametrize("case", ODD_CASES, ids=[case.label for case in ODD_CASES])
def test_older_and_odd_shapes_dump_like_the_sdk(case: Case) -> None:
    _check([case], at_least=1)


# --- Bodies: every field of the bases mutated ----------------------------------------

Path = tuple[str | int, ...]
_DROP = object()


def _slots(body: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every value inside ``body``, outermost first."""
    items = (
        body.items()
        if isinstance(body, dict)
        else enumerate(body)
        if isinstance(body, list)
        else ()
    )
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


ENUM_KEYS = {"status", "role", "type", "object", "code", "reason", "detail", "ranker"}
ENUM_KEYS |= {"tool_choice", "response_format"}


def _mutations(case: Case) -> Iterator[tuple[str, Case]]:
    """(how, mutated case) for every field of the body: dropped, null, a new enum value;
    and an unknown field added to every object."""
    body = case.body

    def mutant(how: str, path: Path, value: Any) -> tuple[str, Case]:
        where = ".".join(map(str, path))
        new = _with(body, path, value) if path else value
        return how, case._replace(label=f"{case.label} / {how} {where}", body=new)

    yield mutant("extra", (), {**body, EXTRA: {"nested": [1, "two", None]}})
    for path, value in _slots(body):
        if isinstance(path[-1], str):
            yield mutant("drop", path, _DROP)
            if value is not None:
                yield mutant("null", path, None)
            if isinstance(value, str) and path[-1] in ENUM_KEYS:
                yield mutant("unknown", path, UNKNOWN)
        if isinstance(value, dict):  # a string: some objects are str→str maps (metadata)
            yield mutant("extra", path, {**value, EXTRA: "x"})


def _mutation_bases() -> list[Case]:
    """The bases, one per distinct shape (the same body with other values is skipped)."""
    seen: set[str] = set()
    bases = []
    for case in [*CONTRACT_CASES, *STREAM_CASES, *ODD_CASES]:
        shape = json.dumps(_shape(case.body), sort_keys=True)
        if shape not in seen:
            seen.add(shape)
            bases.append(case)
    return bases


def _shape(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: v if k == "type" else _shape(v) for k, v in body.items()}
    if isinstance(body, list):
        return [_shape(item) for item in body]
    return type(body).__name__


def test_mutations_dump_like_the_sdk() -> None:
    accepted: list[Case] = []
    rejected: list[str] = []
    for base in _mutation_bases():
        for how, case in _mutations(base):
            try:
                _pairs(case)
            except ValidationError:
                rejected.append(f"{how}: {case.label}")
                continue
            accepted.append(case)
    # Only a required field dropped or null is refused (the SDK holds None instead);
    # unknown fields and values never are.
    assert [line for line in rejected if not line.startswith(("drop", "null"))] == []
    _check(accepted, at_least=1500)


# --- Bodies: generated from the contract's schemas -----------------------------------

SCHEMAS: dict[str, Any] = spec()["components"]["schemas"]


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _bodies(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Bodies the schema allows, with unknown fields; half of them with new enum values
    too (compared leniently, see ``_lenient``), half without (compared exactly)."""
    return _values(schema, new_values=False) | _values(schema, new_values=True)


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


def _omitted_by_older_servers(body: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    omittable = sorted({name for model, name in REQUIRED_THERE_OPTIONAL_HERE if model == "Run"})
    drops = st.sets(st.sampled_from(omittable))
    return drops.map(lambda drop: {k: v for k, v in body.items() if k not in drop})


GENERATED = {
    "RunObject": "thread.run",
    "RunStepObject": "thread.run.step",
    "MessageObject": "thread.message",
    "MessageDeltaObject": "thread.message.delta",
    "RunStepDeltaObject": "thread.run.step.delta",
    "ThreadObject": "thread",
    "Error": "error",
    "ListRunsResponse": "list.thread.run",
    "ListRunStepsResponse": "list.thread.run.step",
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_bodies_dump_like_the_sdk(name: str) -> None:
    bodies = _bodies(SCHEMAS[name])
    if name == "RunObject":
        bodies = bodies.flatmap(_omitted_by_older_servers)

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(bodies)
    def check(body: dict[str, Any]) -> None:
        _check([Case(f"generated {name}", GENERATED[name], body)], at_least=1)

    check()


# --- Absent stays absent, and to_dict()/to_json() --------------------------------------


def test_absent_fields_stay_absent() -> None:
    body = {k: v for k, v in _v1_run().items() if k not in ("instructions", "tools")}
    run = m.Run.model_validate_json(json.dumps(body))
    assert (run.tools, run.parallel_tool_calls, run.instructions) == (None, None, None)
    assert {"tools", "parallel_tool_calls", "instructions"}.isdisjoint(run.model_fields_set)
    assert run.model_dump(exclude_unset=True) == body
    assert run.to_dict() == body


@pytest.mark.parametrize("method", ["to_dict", "to_json"])
def test_to_dict_and_to_json_take_the_sdks_arguments(method: str) -> None:
    ours = inspect.signature(getattr(m.RunsModel, method))
    theirs = inspect.signature(getattr(SdkModel, method))
    assert ours == theirs


def test_to_dict_and_to_json_use_wire_names_and_only_what_was_sent() -> None:
    body = {
        "type": "json_schema",
        "json_schema": {"name": "n", "schema": {"type": "object"}},
    }
    fmt = m.ResponseFormatJSONSchema.model_validate(body)
    assert fmt.to_dict() == {
        "json_schema": {"name": "n", "schema": {"type": "object"}},
        "type": "json_schema",
    }
    assert fmt.to_dict(use_api_names=False)["json_schema"] == {
        "name": "n",
        "schema_": {"type": "object"},
    }
    assert fmt.to_dict(exclude_unset=False)["json_schema"] == {
        "name": "n",
        "description": None,
        "schema": {"type": "object"},
        "strict": None,
    }
    assert fmt.to_json() == (
        '{\n  "json_schema": {\n    "name": "n",\n    "schema": {\n      "type": "object"\n'
        '    }\n  },\n  "type": "json_schema"\n}'
    )
    assert fmt.to_json(indent=None) == json.dumps(fmt.to_dict(), separators=(",", ":"))


def test_the_sdk_fills_unknown_variants_ours_keeps_what_was_sent() -> None:
    # Documents the difference _lenient allows for: if the SDK stops filling unknown
    # objects with its first variant's fields, the allowance can go.
    body = _v1_step({"type": "reasoning", "text": "t"})
    ours = m.RunStep.model_validate(body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sdk: Any = construct_type(type_=R.RunStep, value=body)
        assert sdk.step_details.model_dump() == {"message_creation": None, **body["step_details"]}
        assert ours.to_dict() == sdk.to_dict() == body
    assert ours.step_details.model_dump() == body["step_details"]
