"""RunAccumulator: snapshots merged from deltas, by the contract's rules, in linear cost."""

from __future__ import annotations

import tracemalloc
from typing import Any

import pytest
from openai.lib.streaming._deltas import accumulate_delta
from tests._helpers.streams import text_run_stream

from runs_core import (
    AssistantStreamDecoder,
    AssistantStreamEvent,
    ContentPartCreated,
    ContentPartDeltaApplied,
    MessageDeltaApplied,
    MessageFinished,
    RunAccumulator,
    StreamError,
    ThreadMessageDelta,
    ToolCallCreated,
    ToolCallDeltaApplied,
)
from runs_core._accumulate import merge_dict
from runs_core.models import (
    CodeInterpreterToolCall,
    FileCitationAnnotation,
    FunctionToolCall,
    Message,
    RunStep,
    TextContentBlock,
)
from test_event_handlers import (
    annotated_text_stream,
    calls_details,
    code_interpreter_stream,
    frame,
    message,
    message_delta,
    step,
    step_delta,
    two_step_tool_stream,
)


def events(*bodies: bytes) -> list[AssistantStreamEvent]:
    decoder = AssistantStreamDecoder()
    out: list[AssistantStreamEvent] = []
    for body in bodies:
        out += decoder.feed(body)
    return out


def accumulate(*bodies: bytes) -> RunAccumulator:
    acc = RunAccumulator()
    for event in events(*bodies):
        acc.apply(event)
    return acc


def test_text_deltas_append_into_a_message_model() -> None:
    acc = RunAccumulator()
    for event in events(text_run_stream(5))[:-4]:  # stop before message.completed
        acc.apply(event)
    (msg,) = acc.messages
    assert isinstance(msg, Message)
    assert isinstance(msg.content[0], TextContentBlock)
    assert msg.content[0].text.value == "Hello! The answer"


def test_append_text_after_the_message_is_replaced_lands_in_the_new_snapshot() -> None:
    text = {"index": 0, "type": "text", "text": {"value": "b"}}
    part = {"type": "text", "text": {"value": "AB", "annotations": []}}
    created, first, second, completed, third = events(
        frame("thread.message.created", message("msg_1", "in_progress", [])),
        frame("thread.message.delta", message_delta("msg_1", {**text, "text": {"value": "a"}})),
        frame("thread.message.delta", message_delta("msg_1", text)),
        frame("thread.message.completed", message("msg_1", "completed", [part])),
        frame("thread.message.delta", message_delta("msg_1", {**text, "text": {"value": "c"}})),
    )
    assert isinstance(second, ThreadMessageDelta) and isinstance(third, ThreadMessageDelta)
    acc = RunAccumulator()
    acc.apply(created)
    acc.apply(first)  # creates the part
    assert acc.append_text("msg_1", second.data.delta) is not None
    acc.apply(completed)  # the server's message replaces the snapshot
    assert acc.append_text("msg_1", third.data.delta) is not None
    (msg,) = acc.messages
    assert msg.content[0].text.value == "ABc"  # type: ignore[union-attr]


def test_message_delta_reports_part_created_then_its_delta_then_the_message() -> None:
    acc = RunAccumulator()
    evs = events(text_run_stream(2))
    changes = [acc.apply(e) for e in evs]
    first_delta = changes[7]
    assert [type(c) for c in first_delta] == [
        ContentPartCreated,
        ContentPartDeltaApplied,
        MessageDeltaApplied,
    ]
    assert [type(c) for c in changes[8]] == [ContentPartDeltaApplied, MessageDeltaApplied]
    assert isinstance(changes[9][0], MessageFinished)


def test_completed_message_replaces_the_snapshot_with_the_servers() -> None:
    acc = accumulate(text_run_stream(3))
    (msg,) = acc.messages
    assert msg.status == "completed"
    assert msg.content[0].text.value == "Hello!"  # type: ignore[union-attr]


def test_numbers_in_a_delta_replace_never_add() -> None:
    acc = accumulate(annotated_text_stream())
    snapshot = acc.message("msg_1")
    assert snapshot is not None
    # Read before the completed event replaced it: replay up to the last delta.
    acc = RunAccumulator()
    for event in events(annotated_text_stream())[:7]:
        acc.apply(event)
    text = acc.message("msg_1").content[0].text  # type: ignore[union-attr]
    (annotation,) = text.annotations
    assert isinstance(annotation, FileCitationAnnotation)
    assert (annotation.start_index, annotation.end_index) == (12, 24)
    assert annotation.text == "【4:0†source】"
    assert annotation.file_citation.file_id == "file_1"
    assert text.value == "See the doc【4:0†source】."


def test_the_official_merge_adds_numbers_and_booleans_ours_replaces() -> None:
    snapshot: dict[str, Any] = {"end_index": 24, "strict": True, "type": "x"}
    delta: dict[str, Any] = {"end_index": 24, "strict": True, "type": "x"}
    assert accumulate_delta(dict(snapshot), dict(delta)) == {
        "end_index": 48,
        "strict": 2,
        "type": "x",
    }
    assert merge_dict(dict(snapshot), delta) == snapshot


def test_booleans_and_numbers_in_tool_call_deltas_replace() -> None:
    first = {"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}
    flag = {"index": 0, "type": "function", "function": {"arguments": "{}"}, "strict": True}
    body = b"".join(
        [
            frame("thread.run.step.created", step("s", "in_progress", calls_details())),
            frame("thread.run.step.delta", step_delta("s", first)),
            frame("thread.run.step.delta", step_delta("s", flag)),
            frame("thread.run.step.delta", step_delta("s", {**flag, "function": {}})),
        ]
    )
    call = accumulate(body).run_step("s").step_details.tool_calls[0]  # type: ignore[union-attr]
    assert call.strict is True  # type: ignore[union-attr]
    assert call.function.arguments == "{}"  # type: ignore[union-attr]


def test_type_is_never_appended_and_index_is_not_kept() -> None:
    first = {"index": 0, "id": "c", "type": "function", "function": {"name": "f", "arguments": ""}}
    again = {"index": 0, "type": "function", "function": {"name": "f", "arguments": "{"}}
    body = b"".join(
        [
            frame("thread.run.step.created", step("s", "in_progress", calls_details())),
            frame("thread.run.step.delta", step_delta("s", first)),
            frame("thread.run.step.delta", step_delta("s", again)),
        ]
    )
    call = accumulate(body).run_step("s").step_details.tool_calls[0]  # type: ignore[union-attr]
    assert isinstance(call, FunctionToolCall)
    assert (call.type, call.function.name, call.function.arguments) == ("function", "f", "{")
    assert "index" not in call.model_dump()


def test_code_interpreter_input_and_logs_append_outputs_merge_by_index() -> None:
    acc = RunAccumulator()
    changes = []
    for event in events(code_interpreter_stream())[:9]:  # up to the last step delta
        changes += acc.apply(event)
    call = acc.run_step("step_ci").step_details.tool_calls[0]  # type: ignore[union-attr]
    assert isinstance(call, CodeInterpreterToolCall)
    assert call.code_interpreter.input == "print(1+1)"
    outputs = [o.model_dump() for o in call.code_interpreter.outputs]
    assert outputs == [
        {"type": "logs", "logs": "2\n"},
        {"type": "image", "image": {"file_id": "file_img"}},
    ]
    assert sum(isinstance(c, ToolCallCreated) for c in changes) == 1
    assert sum(isinstance(c, ToolCallDeltaApplied) for c in changes) == 6


def test_tool_calls_of_each_step_are_tracked_by_index_per_step() -> None:
    acc = RunAccumulator()
    created: list[tuple[str, int, str]] = []
    for event in events(two_step_tool_stream()):
        for change in acc.apply(event):
            if isinstance(change, ToolCallCreated):
                created.append((change.run_step.id, change.index, change.tool_call.id))  # type: ignore[union-attr]
    assert created == [("step_a", 0, "call_a0"), ("step_b", 0, "call_b0"), ("step_b", 1, "call_b1")]
    steps = acc.run_steps
    assert all(isinstance(s, RunStep) for s in steps)
    assert [s.id for s in steps] == ["step_a", "step_b", "step_msg"]


def test_file_search_call_delta_merges() -> None:
    first = {"index": 0, "id": "fs", "type": "file_search", "file_search": {}}
    more = {
        "index": 0,
        "type": "file_search",
        "file_search": {"ranking_options": {"ranker": "auto", "score_threshold": 0.5}},
    }
    body = b"".join(
        [
            frame("thread.run.step.created", step("s", "in_progress", calls_details())),
            frame("thread.run.step.delta", step_delta("s", first)),
            frame("thread.run.step.delta", step_delta("s", more)),
            frame("thread.run.step.delta", step_delta("s", more)),
        ]
    )
    call = accumulate(body).run_step("s").step_details.tool_calls[0]  # type: ignore[union-attr]
    assert call.file_search.ranking_options.score_threshold == 0.5  # type: ignore[union-attr]


def test_created_event_data_is_not_mutated_by_later_deltas() -> None:
    evs = events(text_run_stream(3))
    acc = RunAccumulator()
    for event in evs:
        acc.apply(event)
    created = evs[5]
    assert created.event == "thread.message.created"
    assert created.data.content == []  # type: ignore[union-attr]


def test_delta_for_a_message_never_created_is_an_error() -> None:
    delta = message_delta("ghost", {"index": 0, "type": "text", "text": {"value": "x"}})
    acc = RunAccumulator()
    with pytest.raises(StreamError, match="ghost"):
        acc.apply(events(frame("thread.message.delta", delta))[0])


def test_in_progress_event_keeps_the_accumulated_content() -> None:
    body = b"".join(
        [
            frame("thread.message.created", message("m", "in_progress", [])),
            frame(
                "thread.message.delta",
                message_delta("m", {"index": 0, "type": "text", "text": {"value": "hi"}}),
            ),
            frame("thread.message.in_progress", message("m", "in_progress", [])),
        ]
    )
    assert accumulate(body).message("m").content[0].text.value == "hi"  # type: ignore[union-attr]


# --- linear cost -------------------------------------------------------------------------


def test_applying_deltas_never_copies_the_text_so_far() -> None:
    # The snapshot model is not touched by deltas: fragments queue until read.
    acc = RunAccumulator()
    snapshot_text = None
    for event in events(text_run_stream(2000))[:-4]:
        for change in acc.apply(event):
            if isinstance(change, ContentPartCreated):
                snapshot_text = change.part.text  # type: ignore[union-attr]
    assert snapshot_text is not None
    assert snapshot_text.value == "Hel"  # only the first fragment, written at creation
    acc.flush()
    assert len(snapshot_text.value) > 2000
    assert snapshot_text.value.startswith("Hello! The answer")


def _peak_bytes(n_deltas: int) -> int:
    evs = events(text_run_stream(n_deltas))[:-4]
    tracemalloc.start()
    try:
        acc = RunAccumulator()
        for event in evs:
            acc.apply(event)
        acc.flush()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_memory_grows_linearly_with_the_number_of_deltas() -> None:
    small, large = _peak_bytes(5_000), _peak_bytes(50_000)
    # Linear: about 10x. Keeping each intermediate text would be about 100x.
    assert large / small < 20


def test_flush_cost_counts_pending_fragments_once() -> None:
    acc = RunAccumulator()
    evs = events(text_run_stream(1000))[:-4]
    for event in evs:
        acc.apply(event)
    pending = sum(len(p.pieces) for p in acc._pending.values())
    assert pending == 999  # every fragment after the first, each queued once
    acc.flush()
    assert acc._pending == {}
