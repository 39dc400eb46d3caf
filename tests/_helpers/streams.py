"""Realistic Assistants run streams, as the bytes a server sends, for benchmarks and tests.

The payloads follow the shapes in ``tests/contract/runs.yaml`` (RunObject,
RunStepObject, MessageObject, MessageDeltaObject, RunStepDeltaObject) and the event order
the API uses: run created/queued/in_progress, step created/in_progress, then the deltas,
then the completion events and ``event: done`` / ``data: [DONE]``. JSON is compact, as
the API sends it. Output is deterministic: the same arguments always give the same bytes,
so results from different benchmark runs are comparable.

API (stable, imported by the benchmarks, the tests and the fuzzer)::

    text_run_stream(n_deltas, *, crlf=False) -> bytes
    tool_call_stream(n_deltas, *, crlf=False) -> bytes
    event_count(stream) -> int        # events a conforming decoder must yield
    chunked(stream, size) -> list[bytes]
    STREAMS: dict[str, Callable[[int], bytes]]   # named variants for tables
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = [
    "STREAMS",
    "chunked",
    "event_count",
    "text_run_stream",
    "tool_call_stream",
]

_CREATED_AT = 1_732_500_000
_THREAD = "thread_abc123"
_ASSISTANT = "asst_abc123"
_RUN = "run_abc123"
_STEP = "step_abc123"
_MESSAGE = "msg_abc123"
_CALL = "call_abc123"

# Tokens as a model streams them: mostly short ASCII words, some punctuation, the odd
# multi-byte character so that chunk boundaries land inside UTF-8 sequences.
_TOKENS = (
    "Hel", "lo", "!", " The", " answer", " to", " your", " question", " is", ":",
    " the", " café", " on", " the", " corner", " serves", " crêpes", " and", " thé",
    ".", "\n\n", "-", " It", "'s", " open", " from", " 8", " to", " 6", " ☕",
    " every", " day", ",", " except", " \"", "Sunday", "\"", " 🙂", ".",
)  # fmt: skip
_ARG_PIECES = (
    '{"', "location", '":"', "San", " Francisco", ",", " CA", '","', "unit", '":"',
    "celsius", '","', "days", '":', "3", ',"', "note", '":"', "naïve", " ✓", '"}',
)  # fmt: skip


def _dump(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def _run(status: str, **extra: Any) -> dict[str, Any]:
    run: dict[str, Any] = {
        "id": _RUN,
        "object": "thread.run",
        "created_at": _CREATED_AT,
        "assistant_id": _ASSISTANT,
        "thread_id": _THREAD,
        "status": status,
        "started_at": _CREATED_AT + 1 if status != "queued" else None,
        "expires_at": _CREATED_AT + 600,
        "cancelled_at": None,
        "failed_at": None,
        "completed_at": _CREATED_AT + 9 if status == "completed" else None,
        "required_action": None,
        "last_error": None,
        "model": "gpt-4o",
        "instructions": "You are a helpful assistant.",
        "tools": [
            {"type": "code_interpreter"},
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Weather forecast for a city",
                    "parameters": {
                        "type": "object",
                        "properties": {"location": {"type": "string"}},
                        "required": ["location"],
                    },
                    "strict": False,
                },
            },
        ],
        "tool_resources": {"code_interpreter": {"file_ids": []}},
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "max_completion_tokens": None,
        "max_prompt_tokens": None,
        "truncation_strategy": {"type": "auto", "last_messages": None},
        "incomplete_details": None,
        "usage": None,
        "response_format": "auto",
        "tool_choice": "auto",
        "parallel_tool_calls": True,
    }
    if status == "completed":
        run["usage"] = {"prompt_tokens": 123, "completion_tokens": 456, "total_tokens": 579}
    run.update(extra)
    return run


def _step(status: str, step_type: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": _STEP,
        "object": "thread.run.step",
        "created_at": _CREATED_AT + 1,
        "run_id": _RUN,
        "assistant_id": _ASSISTANT,
        "thread_id": _THREAD,
        "type": step_type,
        "status": status,
        "cancelled_at": None,
        "completed_at": _CREATED_AT + 9 if status == "completed" else None,
        "expires_at": _CREATED_AT + 600,
        "failed_at": None,
        "last_error": None,
        "step_details": details,
        "usage": None,
    }


def _message(status: str, text: str | None) -> dict[str, Any]:
    content = [] if text is None else [{"type": "text", "text": {"value": text, "annotations": []}}]
    return {
        "id": _MESSAGE,
        "object": "thread.message",
        "created_at": _CREATED_AT + 1,
        "assistant_id": _ASSISTANT,
        "thread_id": _THREAD,
        "run_id": _RUN,
        "status": status,
        "incomplete_details": None,
        "incomplete_at": None,
        "completed_at": _CREATED_AT + 9 if status == "completed" else None,
        "role": "assistant",
        "content": content,
        "attachments": [],
        "metadata": {},
    }


def _frame(event: str, data: Any, nl: str) -> str:
    payload = data if isinstance(data, str) else _dump(data)
    return f"event: {event}{nl}data: {payload}{nl}{nl}"


def text_run_stream(n_deltas: int, *, crlf: bool = False) -> bytes:
    """A run that answers with one text message streamed as ``n_deltas`` message deltas.

    ``n_deltas + 12`` events in all (``event_count`` recomputes it from the bytes); lines
    end in CRLF when ``crlf`` is true, else LF.
    """
    nl = "\r\n" if crlf else "\n"
    creation = {"type": "message_creation", "message_creation": {"message_id": _MESSAGE}}
    parts = [
        _frame("thread.run.created", _run("queued"), nl),
        _frame("thread.run.queued", _run("queued"), nl),
        _frame("thread.run.in_progress", _run("in_progress"), nl),
        _frame("thread.run.step.created", _step("in_progress", "message_creation", creation), nl),
        _frame(
            "thread.run.step.in_progress", _step("in_progress", "message_creation", creation), nl
        ),
        _frame("thread.message.created", _message("in_progress", None), nl),
        _frame("thread.message.in_progress", _message("in_progress", None), nl),
    ]
    text = []
    for i in range(n_deltas):
        token = _TOKENS[i % len(_TOKENS)]
        text.append(token)
        delta = {
            "id": _MESSAGE,
            "object": "thread.message.delta",
            "delta": {"content": [{"index": 0, "type": "text", "text": {"value": token}}]},
        }
        if i == 0:
            delta["delta"]["content"][0]["text"]["annotations"] = []
        parts.append(_frame("thread.message.delta", delta, nl))
    parts += [
        _frame("thread.message.completed", _message("completed", "".join(text)), nl),
        _frame("thread.run.step.completed", _step("completed", "message_creation", creation), nl),
        _frame("thread.run.completed", _run("completed"), nl),
        _frame("done", "[DONE]", nl),
    ]
    return "".join(parts).encode("utf-8")


def tool_call_stream(n_deltas: int, *, crlf: bool = False) -> bytes:
    """A run that calls a function, its arguments streamed as ``n_deltas`` step deltas.

    Ends in ``thread.run.requires_action`` then ``done``, as the API does when it waits
    for tool outputs: ``n_deltas + 7`` events.
    """
    nl = "\r\n" if crlf else "\n"
    empty_call = {
        "index": 0,
        "id": _CALL,
        "type": "function",
        "function": {"name": "get_weather", "arguments": "", "output": None},
    }
    details = {"type": "tool_calls", "tool_calls": []}
    parts = [
        _frame("thread.run.created", _run("queued"), nl),
        _frame("thread.run.queued", _run("queued"), nl),
        _frame("thread.run.in_progress", _run("in_progress"), nl),
        _frame("thread.run.step.created", _step("in_progress", "tool_calls", details), nl),
        _frame("thread.run.step.in_progress", _step("in_progress", "tool_calls", details), nl),
    ]
    arguments = []
    for i in range(n_deltas):
        if i == 0:
            call: dict[str, Any] = empty_call
        else:
            piece = _ARG_PIECES[i % len(_ARG_PIECES)]
            arguments.append(piece)
            call = {"index": 0, "type": "function", "function": {"arguments": piece}}
        delta = {
            "id": _STEP,
            "object": "thread.run.step.delta",
            "delta": {"step_details": {"type": "tool_calls", "tool_calls": [call]}},
        }
        parts.append(_frame("thread.run.step.delta", delta, nl))
    required = {
        "type": "submit_tool_outputs",
        "submit_tool_outputs": {
            "tool_calls": [
                {
                    "id": _CALL,
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "".join(arguments)},
                }
            ]
        },
    }
    parts += [
        _frame("thread.run.requires_action", _run("requires_action", required_action=required), nl),
        _frame("done", "[DONE]", nl),
    ]
    return "".join(parts).encode("utf-8")


def event_count(stream: bytes) -> int:
    """How many events a conforming decoder yields for a stream made by this module.

    Valid here because these streams have exactly one ``data`` line per event and no
    blank lines inside JSON (compact JSON escapes newlines).
    """
    return stream.count(b"\ndata: ")


def chunked(stream: bytes, size: int) -> list[bytes]:
    """``stream`` cut into ``size``-byte pieces (the last may be shorter), as a socket reads."""
    return [stream[i : i + size] for i in range(0, len(stream), size)]


STREAMS: dict[str, Callable[[int], bytes]] = {
    "text": text_run_stream,
    "text-crlf": lambda n: text_run_stream(n, crlf=True),
    "tool-call": tool_call_stream,
}
