"""Event handlers and stream managers, against the official SDK on the same bytes.

The SDK (``openai``) is fed through ``httpx.MockTransport``; ours through
``AssistantStreamDecoder``. Both record the same summary of every callback, and each
test states exactly where the two sequences differ (see docs/stream-helpers.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import json
import warnings
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import openai
import pytest
import trio
from tests._helpers.streams import text_run_stream, tool_call_stream

from runs_adapters import (
    AssistantEventHandler,
    AssistantStreamManager,
    AsyncAssistantEventHandler,
    AsyncAssistantStreamManager,
)
from runs_core import AssistantStreamDecoder, AssistantStreamEvent, StreamErrorEvent

# --- stream bytes ----------------------------------------------------------------------
THREAD, ASSISTANT, RUN = "thread_1", "asst_1", "run_1"


def frame(event: str, data: Any) -> bytes:
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    return f"event: {event}\ndata: {payload}\n\n".encode()


def run(status: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": RUN,
        "object": "thread.run",
        "created_at": 1,
        "assistant_id": ASSISTANT,
        "thread_id": THREAD,
        "status": status,
        "model": "gpt-4o",
        "instructions": "",
        "tools": [],
        "metadata": {},
        "parallel_tool_calls": True,
        **extra,
    }


def step(step_id: str, status: str, details: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": step_id,
        "object": "thread.run.step",
        "created_at": 2,
        "run_id": RUN,
        "assistant_id": ASSISTANT,
        "thread_id": THREAD,
        "type": details["type"],
        "status": status,
        "step_details": details,
    }


def message(msg_id: str, status: str, content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": msg_id,
        "object": "thread.message",
        "created_at": 3,
        "thread_id": THREAD,
        "run_id": RUN,
        "assistant_id": ASSISTANT,
        "status": status,
        "role": "assistant",
        "content": content,
        "attachments": [],
        "metadata": {},
    }


def text_part(value: str, annotations: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"type": "text", "text": {"value": value, "annotations": annotations or []}}


def message_delta(msg_id: str, *parts: dict[str, Any]) -> dict[str, Any]:
    return {"id": msg_id, "object": "thread.message.delta", "delta": {"content": list(parts)}}


def step_delta(step_id: str, *calls: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": step_id,
        "object": "thread.run.step.delta",
        "delta": {"step_details": {"type": "tool_calls", "tool_calls": list(calls)}},
    }


def fn_call(call_id: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls_details(*calls: dict[str, Any]) -> dict[str, Any]:
    return {"type": "tool_calls", "tool_calls": list(calls)}


def creation(msg_id: str) -> dict[str, Any]:
    return {"type": "message_creation", "message_creation": {"message_id": msg_id}}


DONE = b"event: done\ndata: [DONE]\n\n"


def message_block(msg_id: str, step_id: str, pieces: list[str]) -> bytes:
    """A message step: created, one text part streamed as ``pieces``, completed."""
    out = [
        frame("thread.run.step.created", step(step_id, "in_progress", creation(msg_id))),
        frame("thread.message.created", message(msg_id, "in_progress", [])),
        frame("thread.message.in_progress", message(msg_id, "in_progress", [])),
    ]
    for i, piece in enumerate(pieces):
        text: dict[str, Any] = {"value": piece}
        if i == 0:
            text["annotations"] = []
        out.append(
            frame(
                "thread.message.delta",
                message_delta(msg_id, {"index": 0, "type": "text", "text": text}),
            )
        )
    out += [
        frame(
            "thread.message.completed",
            message(msg_id, "completed", [text_part("".join(pieces))]),
        ),
        frame("thread.run.step.completed", step(step_id, "completed", creation(msg_id))),
    ]
    return b"".join(out)


def annotated_text_stream() -> bytes:
    """One message whose text cites a file; the annotation arrives in two deltas."""
    cite = {"type": "file_citation", "file_citation": {"file_id": "file_1"}}
    final = text_part(
        "See the doc【4:0†source】.",
        [
            {
                "type": "file_citation",
                "text": "【4:0†source】",
                "file_citation": {"file_id": "file_1"},
                "start_index": 12,
                "end_index": 24,
            }
        ],
    )
    first = {"value": "See the doc", "annotations": []}
    marker = {
        "value": "【4:0†source】",
        "annotations": [
            {"index": 0, **cite, "text": "【4:0†source】", "start_index": 12, "end_index": 24}
        ],
    }
    # The same numbers again, as a server resending a field would: they must not add up.
    again = {"value": ".", "annotations": [{"index": 0, "type": "file_citation", "end_index": 24}]}
    return b"".join(
        [
            frame("thread.run.created", run("queued")),
            frame("thread.run.in_progress", run("in_progress")),
            frame("thread.run.step.created", step("step_1", "in_progress", creation("msg_1"))),
            frame("thread.message.created", message("msg_1", "in_progress", [])),
            *(
                frame(
                    "thread.message.delta",
                    message_delta("msg_1", {"index": 0, "type": "text", "text": text}),
                )
                for text in (first, marker, again)
            ),
            frame("thread.message.completed", message("msg_1", "completed", [final])),
            frame("thread.run.step.completed", step("step_1", "completed", creation("msg_1"))),
            frame("thread.run.completed", run("completed")),
            DONE,
        ]
    )


def code_interpreter_stream() -> bytes:
    """A code interpreter call: input streamed in pieces, logs streamed, then an image."""
    call0 = {
        "index": 0,
        "id": "call_ci",
        "type": "code_interpreter",
        "code_interpreter": {"input": "", "outputs": []},
    }

    def ci(**code: Any) -> dict[str, Any]:
        return {"index": 0, "type": "code_interpreter", "code_interpreter": code}

    final_call = {
        "id": "call_ci",
        "type": "code_interpreter",
        "code_interpreter": {
            "input": "print(1+1)",
            "outputs": [
                {"type": "logs", "logs": "2\n"},
                {"type": "image", "image": {"file_id": "file_img"}},
            ],
        },
    }
    deltas = [
        call0,
        ci(input="print("),
        ci(input="1+1)"),
        ci(outputs=[{"index": 0, "type": "logs", "logs": "2"}]),
        ci(outputs=[{"index": 0, "type": "logs", "logs": "\n"}]),
        ci(outputs=[{"index": 1, "type": "image", "image": {"file_id": "file_img"}}]),
    ]
    return b"".join(
        [
            frame("thread.run.created", run("queued")),
            frame("thread.run.in_progress", run("in_progress")),
            frame("thread.run.step.created", step("step_ci", "in_progress", calls_details())),
            *(frame("thread.run.step.delta", step_delta("step_ci", d)) for d in deltas),
            frame(
                "thread.run.step.completed",
                step("step_ci", "completed", calls_details(final_call)),
            ),
            message_block("msg_1", "step_msg", ["It is", " 2."]),
            frame("thread.run.completed", run("completed")),
            DONE,
        ]
    )


def two_step_tool_stream() -> bytes:
    """Two tool-call steps, each numbering its calls from 0: one call, then two parallel ones."""
    out = [
        frame("thread.run.created", run("queued")),
        frame("thread.run.in_progress", run("in_progress")),
    ]
    for step_id, calls in (
        ("step_a", [("call_a0", '{"city":"Paris"}')]),
        ("step_b", [("call_b0", '{"q":1}'), ("call_b1", '{"city":"Rome"}')]),
    ):
        out.append(frame("thread.run.step.created", step(step_id, "in_progress", calls_details())))
        for index, (call_id, args) in enumerate(calls):
            first = {"index": index, **fn_call(call_id, "lookup", "")}
            out.append(frame("thread.run.step.delta", step_delta(step_id, first)))
            for piece in (args[:5], args[5:]):
                more = {"index": index, "type": "function", "function": {"arguments": piece}}
                out.append(frame("thread.run.step.delta", step_delta(step_id, more)))
        final = calls_details(*(fn_call(c, "lookup", a) for c, a in calls))
        out.append(frame("thread.run.step.completed", step(step_id, "completed", final)))
    out += [
        message_block("msg_1", "step_msg", ["Done", "."]),
        frame("thread.run.completed", run("completed")),
        DONE,
    ]
    return b"".join(out)


# --- recording the callbacks of either implementation ----------------------------------

CALLBACKS = (
    "on_event",
    "on_run_step_created",
    "on_run_step_delta",
    "on_run_step_done",
    "on_tool_call_created",
    "on_tool_call_delta",
    "on_tool_call_done",
    "on_message_created",
    "on_message_delta",
    "on_message_done",
    "on_text_created",
    "on_text_delta",
    "on_text_done",
    "on_image_file_done",
    "on_end",
    "on_timeout",
    "on_exception",
)


def _call(tool_call: Any) -> tuple[Any, ...]:
    if tool_call.type == "function":
        return ("function", tool_call.id, tool_call.function.arguments)
    if tool_call.type == "code_interpreter":
        outputs = tuple(
            (o.type, o.logs if o.type == "logs" else o.image.file_id)
            for o in tool_call.code_interpreter.outputs
        )
        return ("code_interpreter", tool_call.id, tool_call.code_interpreter.input, outputs)
    return (tool_call.type, tool_call.id)


def summarize(name: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a callback got, as plain data, read at call time (snapshots keep changing)."""
    if name == "on_event":
        return (name, args[0].event)
    if name in ("on_text_created", "on_text_done"):
        return (name, args[0].value, len(args[0].annotations))
    if name == "on_text_delta":
        return (name, args[0].value, args[1].value)
    if name in ("on_message_created", "on_message_done"):
        return (name, args[0].id, args[0].status)
    if name == "on_message_delta":
        return (name, args[1].id)
    if name in ("on_run_step_created", "on_run_step_done"):
        return (name, args[0].id, args[0].status)
    if name == "on_run_step_delta":
        return (name, args[1].id)
    if name in ("on_tool_call_created", "on_tool_call_done"):
        return (name, _call(args[0]))
    if name == "on_tool_call_delta":
        return (name, args[0].index, _call(args[1]))
    if name == "on_image_file_done":
        return (name, args[0].file_id)
    if name == "on_exception":
        return (name, type(args[0]).__name__)
    return (name,)


def recorder(base: type) -> type:
    def init(self: Any) -> None:
        base.__init__(self)
        self.log = []

    namespace: dict[str, Any] = {"__init__": init}
    for name in CALLBACKS:

        def record(self: Any, *args: Any, _name: str = name) -> None:
            self.log.append(summarize(_name, args))

        namespace[name] = record
    return type(f"Recording{base.__name__}", (base,), namespace)


def async_recorder(base: type) -> type:
    def init(self: Any) -> None:
        base.__init__(self)
        self.log = []

    namespace: dict[str, Any] = {"__init__": init}
    for name in CALLBACKS:

        async def record(self: Any, *args: Any, _name: str = name) -> None:
            self.log.append(summarize(_name, args))

        namespace[name] = record
    return type(f"Recording{base.__name__}", (base,), namespace)


Recorder = recorder(AssistantEventHandler)
SDKRecorder = recorder(openai.AssistantEventHandler)
AsyncRecorder = async_recorder(AsyncAssistantEventHandler)


class DecodedStream:
    """Typed events decoded lazily from ``chunks``, as a client's stream would yield them."""

    def __init__(self, *chunks: bytes) -> None:
        self.chunks = chunks
        self.closed = False

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        decoder = AssistantStreamDecoder()
        for chunk in self.chunks:
            yield from decoder.feed(chunk)
        yield from decoder.end()

    def close(self) -> None:
        self.closed = True


class AsyncDecodedStream:
    def __init__(self, *chunks: bytes) -> None:
        self.sync = DecodedStream(*chunks)
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        for event in self.sync:
            yield event

    async def aclose(self) -> None:
        self.closed = True


def ours(body: bytes, chunk: int = 37) -> list[tuple[Any, ...]]:
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)]
    manager = AssistantStreamManager(lambda: DecodedStream(*chunks), event_handler=Recorder())
    with manager as handler, contextlib.suppress(Exception):
        handler.until_done()
    return handler.log  # type: ignore[no-any-return]


def sdk(body: bytes) -> list[tuple[Any, ...]]:
    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    transport = httpx.MockTransport(respond)
    client = openai.OpenAI(
        api_key="x", base_url="http://test/v1", http_client=httpx.Client(transport=transport)
    )
    handler = SDKRecorder()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        manager = client.beta.threads.runs.stream(
            thread_id=THREAD, assistant_id=ASSISTANT, event_handler=handler
        )
        with manager as stream, contextlib.suppress(Exception):
            stream.until_done()
    return handler.log  # type: ignore[no-any-return]


def diff(theirs: list[Any], mine: list[Any]) -> list[tuple[str, Any]]:
    """Entries only the SDK produced ("-") or only we produced ("+"), in stream order."""
    out: list[tuple[str, Any]] = []
    matcher = difflib.SequenceMatcher(a=theirs, b=mine, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            out += [("-", entry) for entry in theirs[a0:a1]]
            out += [("+", entry) for entry in mine[b0:b1]]
    return out


# --- the same callbacks as the official SDK, where it is right ---------------------------


def test_text_stream_gives_the_sdk_callbacks_exactly() -> None:
    body = text_run_stream(40)
    mine = ours(body)
    assert mine == sdk(body)
    assert ("on_text_created", "Hel", 0) in mine
    assert mine[-1] == ("on_end",)


def test_text_stream_split_byte_by_byte_gives_the_same_callbacks() -> None:
    body = text_run_stream(12)
    assert ours(body, chunk=1) == ours(body, chunk=len(body))


def test_annotated_text_gives_the_sdk_callbacks_exactly() -> None:
    body = annotated_text_stream()
    mine = ours(body)
    assert mine == sdk(body)
    assert ("on_text_delta", "【4:0†source】", "See the doc【4:0†source】") in mine
    assert ("on_text_done", "See the doc【4:0†source】.", 1) in mine


# --- where the SDK is wrong --------------------------------------------------------------


def test_first_tool_call_delta_reaches_on_tool_call_delta() -> None:
    body = tool_call_stream(4)
    call = "call_abc123"
    assert diff(sdk(body), ours(body)) == [
        ("+", ("on_tool_call_delta", 0, ("function", call, ""))),
    ]


def test_code_interpreter_call_gets_first_delta_and_a_single_done() -> None:
    body = code_interpreter_stream()
    mine, theirs = ours(body), sdk(body)
    final = ("code_interpreter", "call_ci", "print(1+1)", (("logs", "2\n"), ("image", "file_img")))
    assert diff(theirs, mine) == [
        ("+", ("on_tool_call_delta", 0, ("code_interpreter", "call_ci", "", ()))),
        # The SDK reports the call done again when the *message* step ends, and again
        # when the run ends: it never forgets its "current" tool call.
        ("-", ("on_tool_call_done", final)),
        ("-", ("on_tool_call_done", final)),
    ]
    assert [e for e in mine if e[0] == "on_tool_call_done"] == [("on_tool_call_done", final)]
    assert (
        "on_tool_call_delta",
        0,
        ("code_interpreter", "call_ci", "print(1+1)", (("logs", "2"),)),
    ) in mine


def test_every_tool_call_of_every_step_is_created_and_done_once() -> None:
    body = two_step_tool_stream()
    mine, theirs = ours(body), sdk(body)
    created = [e[1][1] for e in mine if e[0] == "on_tool_call_created"]
    done = [e[1][1] for e in mine if e[0] == "on_tool_call_done"]
    assert created == ["call_a0", "call_b0", "call_b1"]
    assert done == ["call_a0", "call_b0", "call_b1"]
    assert diff(theirs, mine) == [
        ("+", ("on_tool_call_delta", 0, ("function", "call_a0", ""))),
        # step_b's call 0 has the index the SDK thinks is current: never "created".
        ("+", ("on_tool_call_created", ("function", "call_b0", ""))),
        ("+", ("on_tool_call_delta", 1, ("function", "call_b1", ""))),
        # The SDK reports step_b's last call done again at the message step's end and at
        # the run's end.
        ("-", ("on_tool_call_done", ("function", "call_b1", '{"city":"Rome"}'))),
        ("-", ("on_tool_call_done", ("function", "call_b1", '{"city":"Rome"}'))),
    ]


def test_tool_call_done_precedes_the_step_done_and_follows_the_last_delta() -> None:
    names = [e[0] for e in ours(two_step_tool_stream())]
    first_step_done = names.index("on_run_step_done")
    assert names[first_step_done - 1] == "on_tool_call_done"
    created = names.index("on_tool_call_created")
    assert names[created + 1] == "on_tool_call_delta"
    assert names[created + 2] == "on_run_step_delta"


def test_error_event_reaches_on_exception_and_until_done_raises() -> None:
    error = {"code": "server_error", "message": "boom", "param": None, "type": "server_error"}
    body = text_run_stream(3).replace(
        b"event: thread.message.completed",
        frame("error", error) + b"event: thread.message.completed",
    )
    handler = Recorder()
    with (
        AssistantStreamManager(lambda: DecodedStream(body), event_handler=handler) as stream,
        pytest.raises(StreamErrorEvent) as caught,
    ):
        stream.until_done()
    assert caught.value.error == error
    assert handler.log[-2:] == [("on_exception", "StreamErrorEvent"), ("on_end",)]
    assert ("on_message_done", "msg_abc123", "completed") not in handler.log
    # The SDK passes the error, unparsed (no event name), to on_event and carries on as
    # if nothing happened: the message even completes.
    theirs = sdk(body)
    assert ("on_event", None) in theirs
    assert not any(e[0] == "on_exception" for e in theirs)
    assert ("on_message_done", "msg_abc123", "completed") in theirs


def test_error_event_typed_in_the_iterable_also_raises() -> None:
    from runs_core import ErrorEvent
    from runs_core.models import ErrorObject

    events = [
        ErrorEvent(
            ErrorObject.model_validate({"code": "x", "message": "bad", "type": "server_error"})
        )
    ]

    class Events(list[AssistantStreamEvent]):
        def close(self) -> None:
            pass

    with (
        AssistantStreamManager(lambda: Events(events)) as stream,
        pytest.raises(StreamErrorEvent, match="bad"),
    ):
        stream.until_done()


def test_ping_keep_alive_never_breaks_the_stream() -> None:
    plain = text_run_stream(5)
    pinged = plain.replace(
        b"event: thread.message.delta", b"event: ping\n\nevent: thread.message.delta"
    )
    assert pinged.count(b"event: ping") == 5
    assert ours(pinged) == ours(plain)
    # The SDK tries to parse the empty data as JSON and fails.
    theirs = sdk(pinged)
    assert ("on_exception", "JSONDecodeError") in theirs
    assert not any(e[0] == "on_message_done" for e in theirs)


# --- handler API -------------------------------------------------------------------------


def test_final_run_messages_and_steps() -> None:
    with AssistantStreamManager(lambda: DecodedStream(code_interpreter_stream())) as stream:
        run = stream.get_final_run()
        assert run.status == "completed"
        assert [m.id for m in stream.get_final_messages()] == ["msg_1"]
        steps = stream.get_final_run_steps()
        assert [s.id for s in steps] == ["step_ci", "step_msg"]
        assert stream.current_event is None


def test_text_deltas_iterates_text_pieces() -> None:
    with AssistantStreamManager(lambda: DecodedStream(text_run_stream(6))) as stream:
        pieces = list(stream.text_deltas)
    assert pieces == ["Hel", "lo", "!", " The", " answer", " to"]


def test_iteration_yields_every_event_but_done() -> None:
    body = text_run_stream(3)
    with AssistantStreamManager(lambda: DecodedStream(body)) as stream:
        names = [event.event for event in stream]
    assert names[0] == "thread.run.created"
    assert names[-1] == "thread.run.completed"
    assert "done" not in names


def test_current_snapshots_during_callbacks() -> None:
    seen: list[tuple[str | None, str | None, str | None]] = []

    class Watch(AssistantEventHandler):
        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            message = self.current_message_snapshot
            step = self.current_run_step_snapshot
            event = self.current_event
            seen.append(
                (
                    message.content[0].text.value if message else None,  # type: ignore[union-attr]
                    step.id if step else None,
                    event.event if event else None,
                )
            )

    with AssistantStreamManager(
        lambda: DecodedStream(text_run_stream(2)), event_handler=Watch()
    ) as s:
        s.until_done()
        assert s.current_run is not None and s.current_run.status == "completed"
    assert seen == [
        ("Hel", "step_abc123", "thread.message.delta"),
        ("Hello", "step_abc123", "thread.message.delta"),
    ]


def test_manager_closes_the_stream_on_exit() -> None:
    opened = DecodedStream(text_run_stream(2))
    with AssistantStreamManager(lambda: opened) as stream:
        next(iter(stream))
    assert opened.closed


def test_a_handler_serves_one_stream_only() -> None:
    handler = AssistantEventHandler()
    with AssistantStreamManager(lambda: DecodedStream(text_run_stream(1)), event_handler=handler):
        pass
    with (
        pytest.raises(RuntimeError, match="cannot be shared"),
        AssistantStreamManager(lambda: DecodedStream(text_run_stream(1)), event_handler=handler),
    ):
        pass


def test_incomplete_stream_reaches_on_exception() -> None:
    body = text_run_stream(3).split(b"event: thread.run.completed")[0]
    handler = Recorder()
    with (
        AssistantStreamManager(lambda: DecodedStream(body), event_handler=handler) as stream,
        pytest.raises(Exception, match="before its 'done' event"),
    ):
        stream.until_done()
    assert handler.log[-2:] == [("on_exception", "StreamIncompleteError"), ("on_end",)]


def test_timeout_reaches_on_timeout_then_on_exception() -> None:
    from runs_core import APITimeoutError

    class Stalls:
        def __iter__(self) -> Iterator[AssistantStreamEvent]:
            raise APITimeoutError("read timed out")
            yield  # pragma: no cover

        def close(self) -> None:
            pass

    handler = Recorder()
    with (
        AssistantStreamManager(Stalls, event_handler=handler) as stream,
        pytest.raises(APITimeoutError),
    ):
        stream.until_done()
    assert handler.log == [("on_timeout",), ("on_exception", "APITimeoutError"), ("on_end",)]


# --- handing a run over to the next stream ------------------------------------------------


def _after_tool_outputs() -> bytes:
    done_call = fn_call("call_abc123", "get_weather", "{}")
    return b"".join(
        [
            frame("thread.run.queued", run("queued")),
            frame("thread.run.in_progress", run("in_progress")),
            frame(
                "thread.run.step.completed",
                step("step_abc123", "completed", calls_details(done_call)),
            ),
            message_block("msg_2", "step_2", ["Sunny", "."]),
            frame("thread.run.completed", run("completed")),
            DONE,
        ]
    )


@pytest.mark.parametrize("continued", [True, False])
def test_submit_tool_outputs_stream_from_inside_on_event(continued: bool) -> None:
    inner: list[Any] = []

    class First(Recorder):  # type: ignore[misc,valid-type]
        def on_event(self, event: Any) -> None:
            super().on_event(event)
            if event.event == "thread.run.requires_action":
                second = Recorder()
                manager = AssistantStreamManager(
                    lambda: DecodedStream(_after_tool_outputs()),
                    event_handler=second,
                    continue_from=self if continued else None,
                )
                with manager as stream:
                    stream.until_done()
                inner.append(stream)

    first = First()
    with AssistantStreamManager(
        lambda: DecodedStream(tool_call_stream(3)), event_handler=first
    ) as s:
        s.until_done()
    (second,) = inner
    assert second.get_final_run().status == "completed"
    assert ("on_text_done", "Sunny.", 0) in second.log
    assert first.log[-1] == ("on_end",)
    done = [e for e in first.log + second.log if e[0] == "on_tool_call_done"]
    assert len(done) == 1  # at requires_action, in the first stream
    steps = [step.id for step in second.get_final_run_steps()]
    # Without continue_from the second handler still records the finished step it is sent.
    assert steps == ["step_abc123", "step_2"]
    messages = [m.id for m in second.get_final_messages()]
    assert messages == ["msg_2"]
    if continued:
        assert second.accumulator is first.accumulator
        assert first.get_final_run().status == "completed"


# --- async handlers, under asyncio and trio ------------------------------------------------


async def _async_log(body: bytes) -> tuple[list[Any], Any]:
    opened = AsyncDecodedStream(body)

    async def open_stream() -> AsyncDecodedStream:
        return opened

    handler = AsyncRecorder()
    async with AsyncAssistantStreamManager(open_stream, event_handler=handler) as stream:
        with contextlib.suppress(StreamErrorEvent):
            await stream.until_done()
    assert opened.closed
    return handler.log, handler


@pytest.mark.parametrize(
    "body", [text_run_stream(8), code_interpreter_stream(), two_step_tool_stream()]
)
def test_async_handler_under_asyncio_matches_the_sync_one(body: bytes) -> None:
    log, _ = asyncio.run(_async_log(body))
    assert log == ours(body)


@pytest.mark.parametrize("body", [annotated_text_stream(), tool_call_stream(5)])
def test_async_handler_under_trio_matches_the_sync_one(body: bytes) -> None:
    log, _ = trio.run(_async_log, body)
    assert log == ours(body)


@pytest.mark.trio
async def test_async_error_event_reaches_on_exception_and_until_done_raises() -> None:
    body = text_run_stream(2).replace(
        b"event: thread.run.completed",
        frame("error", {"error": {"message": "late"}}) + b"event: thread.run.completed",
    )
    handler = AsyncRecorder()
    async with AsyncAssistantStreamManager(
        lambda: _ready(AsyncDecodedStream(body)), event_handler=handler
    ) as stream:
        with pytest.raises(StreamErrorEvent, match="late"):
            await stream.until_done()
    assert handler.log[-2:] == [("on_exception", "StreamErrorEvent"), ("on_end",)]


async def _ready(stream: AsyncDecodedStream) -> AsyncDecodedStream:
    return stream


@pytest.mark.trio
async def test_async_text_deltas_and_final_messages() -> None:
    async with AsyncAssistantStreamManager(_ready(AsyncDecodedStream(text_run_stream(3)))) as s:
        pieces = [piece async for piece in s.text_deltas]
        messages = await s.get_final_messages()
    assert pieces == ["Hel", "lo", "!"]
    assert messages[0].content[0].text.value == "Hello!"  # type: ignore[union-attr]


def test_default_handlers_skip_snapshot_flushes_but_still_read_them() -> None:
    with AssistantStreamManager(lambda: DecodedStream(text_run_stream(4))) as stream:
        assert stream._dispatch.flush is False
        stream.until_done()
        message = stream.current_message_snapshot
    assert message is not None and message.content[0].text.value == "Hello! The"  # type: ignore[union-attr]
    assert Recorder()._dispatch.flush is True


def test_json_is_what_the_fixture_sends() -> None:
    # Guards the hand-made fixtures: every frame is valid JSON (or [DONE]).
    for body in (annotated_text_stream(), code_interpreter_stream(), two_step_tool_stream()):
        for line in body.decode().splitlines():
            if line.startswith("data: ") and line != "data: [DONE]":
                json.loads(line[6:])


def _two_messages() -> bytes:
    def part(index: int, value: str) -> dict[str, Any]:
        return {"index": index, "type": "text", "text": {"value": value, "annotations": []}}

    out = [frame("thread.run.created", run("queued"))]
    for msg_id, parts in (("msg_1", ["one", "two"]), ("msg_2", ["three"])):
        out += [
            frame("thread.message.created", message(msg_id, "in_progress", [])),
            *(
                frame("thread.message.delta", message_delta(msg_id, part(i, v)))
                for i, v in enumerate(parts)
            ),
            frame(
                "thread.message.completed",
                message(msg_id, "completed", [text_part(v) for v in parts]),
            ),
        ]
    out += [frame("thread.run.completed", run("completed")), DONE]
    return b"".join(out)


def test_each_text_part_is_done_once_across_messages() -> None:
    body = _two_messages()
    mine, theirs = ours(body), sdk(body)
    done = [e[1] for e in mine if e[0] == "on_text_done"]
    assert done == ["one", "two", "three"]
    # The SDK's content index outlives the message: "two" is reported done twice.
    assert diff(theirs, mine) == [("-", ("on_text_done", "two", 0))]


# --- the fast path of handlers that override no text-delta callback ----------------------


def _mixed_text_stream() -> bytes:
    """Text deltas the fast path takes (one fragment for the current part) among the ones
    it must leave to the generic merge: a new part, a switch back to an earlier part, a
    role, unknown fields, two parts at once, an annotation, an empty fragment."""

    def text(index: int, value: str, **extra: Any) -> dict[str, Any]:
        return {"index": index, "type": "text", "text": {"value": value, **extra}}

    cite = {"index": 0, "type": "file_citation", "text": "x", "start_index": 0, "end_index": 1}
    deltas: list[dict[str, Any]] = [
        message_delta("msg_1", text(0, "a", annotations=[])),
        message_delta("msg_1", text(0, "b")),
        message_delta("msg_1", text(0, "c", x_new=1)),
        message_delta("msg_1", text(0, "d")),
        message_delta("msg_1", text(1, "e")),
        message_delta("msg_1", text(1, "f")),
        message_delta("msg_1", text(0, "g")),
        {**message_delta("msg_1", text(0, "h")), "x_meta": "m"},
        {"id": "msg_1", "object": "thread.message.delta", "delta": {"role": "assistant"}},
        {
            "id": "msg_1",
            "object": "thread.message.delta",
            "delta": {"role": "assistant", "content": [text(0, "i")]},
        },
        message_delta("msg_1", text(0, "j"), text(1, "k")),
        message_delta("msg_1", text(1, "l", annotations=[cite])),
        message_delta("msg_1", text(1, "")),
        message_delta("msg_1", text(1, "m")),
    ]
    return b"".join(
        [
            frame("thread.run.created", run("queued")),
            frame("thread.message.created", message("msg_1", "in_progress", [])),
            *(frame("thread.message.delta", delta) for delta in deltas),
            frame("thread.run.completed", run("completed")),
            DONE,
        ]
    )


def _deltas_around_replaced_snapshots() -> bytes:
    """Deltas for the part the fast path extended last, after events that replace its
    message (``completed``) or another message's: they must land in the new snapshot."""

    def delta(msg_id: str, value: str) -> bytes:
        return frame("thread.message.delta", message_delta(msg_id, {
            "index": 0, "type": "text", "text": {"value": value},
        }))  # fmt: skip

    return b"".join(
        [
            frame("thread.run.created", run("queued")),
            frame("thread.message.created", message("msg_1", "in_progress", [])),
            delta("msg_1", "a"),
            delta("msg_1", "b"),
            frame("thread.message.created", message("msg_2", "in_progress", [])),
            delta("msg_2", "x"),
            delta("msg_1", "c"),
            delta("msg_2", "y"),
            frame("thread.message.completed", message("msg_1", "completed", [text_part("AB")])),
            delta("msg_1", "d"),
            delta("msg_1", "e"),
            frame("thread.message.in_progress", message("msg_2", "in_progress", [])),
            delta("msg_2", "z"),
            frame("thread.run.completed", run("completed")),
            DONE,
        ]
    )


_FAST_PATH_BODIES = [
    text_run_stream(8),
    _mixed_text_stream(),
    _deltas_around_replaced_snapshots(),
    annotated_text_stream(),
    _two_messages(),
    code_interpreter_stream(),
    two_step_tool_stream(),
]


def _outcome(handler: Any) -> tuple[Any, ...]:
    message = handler.current_message_snapshot
    return (
        [m.model_dump() for m in handler.accumulator.messages],
        [s.model_dump() for s in handler.accumulator.run_steps],
        handler.current_run.model_dump() if handler.current_run else None,
        message.model_dump() if message else None,
    )


@pytest.mark.parametrize("body", _FAST_PATH_BODIES)
def test_default_handler_ends_with_the_snapshots_of_a_recording_one(body: bytes) -> None:
    outcomes = []
    for handler in (AssistantEventHandler(), Recorder()):
        with AssistantStreamManager(lambda: DecodedStream(body), event_handler=handler) as s:
            names = [event.event for event in s]
            outcomes.append((names, _outcome(s)))
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("body", _FAST_PATH_BODIES)
def test_default_async_handler_ends_with_the_snapshots_of_a_recording_one(body: bytes) -> None:
    async def outcome(handler: Any) -> tuple[Any, ...]:
        async with AsyncAssistantStreamManager(
            _ready(AsyncDecodedStream(body)), event_handler=handler
        ) as s:
            names = [event.event async for event in s]
            return names, _outcome(s)

    assert asyncio.run(outcome(AsyncAssistantEventHandler())) == asyncio.run(
        outcome(AsyncRecorder())
    )


@pytest.mark.parametrize("body", _FAST_PATH_BODIES)
def test_one_text_delta_callback_overridden_still_gets_every_call(body: bytes) -> None:
    full = [entry for entry in ours(body) if entry[0] in ("on_event", "on_text_delta")]
    log: list[Any] = []

    class Events(AssistantEventHandler):
        def on_event(self, event: Any) -> None:
            log.append(summarize("on_event", (event,)))

    class Texts(AssistantEventHandler):
        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            log.append(summarize("on_text_delta", (delta, snapshot)))

    on_instance = AssistantEventHandler()
    on_instance.on_event = lambda event: log.append(summarize("on_event", (event,)))  # type: ignore[method-assign]
    for handler, name in (
        (Events(), "on_event"),
        (Texts(), "on_text_delta"),
        (on_instance, "on_event"),
    ):
        log.clear()
        with AssistantStreamManager(lambda: DecodedStream(body), event_handler=handler) as s:
            s.until_done()
        assert log == [entry for entry in full if entry[0] == name]


def test_final_run_steps_are_finished_where_the_sdks_stay_as_created() -> None:
    # The SDK's snapshot of a step is replaced on `created` and merged on `delta` only, so
    # `get_final_run_steps()` never shows `thread.run.step.completed` (difference 10).
    body = code_interpreter_stream()
    with AssistantStreamManager(lambda: DecodedStream(body)) as stream:
        mine = [(step.id, step.status) for step in stream.get_final_run_steps()]

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    client = openai.OpenAI(
        api_key="x", base_url="http://test/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(respond)),
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with client.beta.threads.runs.stream(
            thread_id=THREAD, assistant_id=ASSISTANT
        ) as sdk_stream:
            theirs = [(step.id, step.status) for step in sdk_stream.get_final_run_steps()]
    assert [status for _, status in mine] == ["completed"] * len(mine)
    assert [step_id for step_id, _ in theirs] == [step_id for step_id, _ in mine]
    assert "completed" not in {status for _, status in theirs}
