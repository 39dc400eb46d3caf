"""Scripted, deterministic assistants standing in for a model, chosen by `assistant_id`.

Each script is the behaviour a client must cope with (plain text, a function call that
needs outputs, a code interpreter step, a failure, an expiry, a very long reply), always
produced the same way so tests can assert on exact results. An assistant created with
``POST /assistants`` runs ``echo``: if the run has a function tool it calls the first
one once, then it quotes the thread's last user message back (or reports the outputs).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from ._driver import Driver, fragments, word_chunks

Script = Callable[[Driver], Awaitable[None]]

TEXT_REPLY = (
    "Hello! I am the runs emulator, a scripted assistant. I answer every question with this "
    "same reply, a few words at a time, so that clients can be tested deterministically."
)
DEFAULT_LONG_DELTAS = 100_000
MAX_LONG_DELTAS = 2_000_000  # more would only let one request claim a lot of server memory
WEATHER_ARGUMENTS = '{"city": "Paris"}'


TEXT_CHUNKS = tuple(word_chunks(TEXT_REPLY, 3))  # split once, not once per run


async def text(d: Driver) -> None:
    await d.start()
    await d.open_message()
    for chunk in TEXT_CHUNKS:
        await d.text_delta(chunk)
    await d.close_message(len(TEXT_CHUNKS))
    await d.complete()


async def weather(d: Driver) -> None:
    await d.start()
    outputs = await d.function_call("get_weather", fragments(WEATHER_ARGUMENTS, 4))
    await weather_reply(d, outputs)


async def weather_resumed(d: Driver) -> None:
    """A weather run restored from the database while it waited in `requires_action`."""
    step = d.open_step
    assert step is not None
    call = step.details["tool_calls"][0]
    outputs = await d.outputs_for(step, call, len(fragments(WEATHER_ARGUMENTS, 4)))
    await weather_reply(d, outputs)


async def weather_reply(d: Driver, outputs: list[dict[str, str]]) -> None:
    submitted = "; ".join(o.get("output", "") for o in outputs)
    await d.open_message()
    chunks = word_chunks(f"The weather in Paris: {submitted}", 2)
    for chunk in chunks:
        await d.text_delta(chunk)
    await d.close_message(len(chunks))
    await d.complete()


async def fail(d: Driver) -> None:
    await d.start()
    await d.open_message()
    await d.text_delta("Let me think")
    await d.text_delta(" about that")
    await d.pause()
    await d.fail("server_error", "Sorry, something went wrong.")


async def expire(d: Driver) -> None:
    await d.start()
    await d.open_message()
    await d.text_delta("This run")
    await d.text_delta(" will not finish")
    await d.pause()
    await d.expire()


async def long(d: Driver) -> None:
    try:
        count = int(d.run.metadata.get("deltas", DEFAULT_LONG_DELTAS))
    except ValueError:
        count = DEFAULT_LONG_DELTAS
    count = min(max(1, count), MAX_LONG_DELTAS)
    await d.start()
    await d.open_message()
    await d.bulk_text(count)
    await d.close_message(count)
    await d.complete()


CITATION_MARK = "【4:0†source】"


async def annotated(d: Driver) -> None:
    await d.start()
    await d.open_message()
    await d.text_delta("The handbook says runs")
    await d.text_delta(" expire after ten minutes")
    citation = {
        "type": "file_citation",
        "text": CITATION_MARK,
        "file_citation": {"file_id": "file-emulator-handbook"},
    }
    await d.text_delta(CITATION_MARK, annotation=citation)
    await d.text_delta(".")
    await d.close_message(4)
    await d.complete()


CODE_INPUT = "print(sum(range(10)))"


async def code(d: Driver) -> None:
    await d.start()
    await d.code_call(fragments(CODE_INPUT, 6), "45\n")
    await d.open_message()
    for chunk in word_chunks("The sum of the numbers 0 to 9 is 45.", 3):
        await d.text_delta(chunk)
    await d.close_message(4)
    await d.complete()


ECHO_PREFIX = "You said: "
ECHO_NOTHING = "You said nothing I can read."


def echo_reply(said: str | None) -> str:
    """What a created assistant answers: the last user message's text, quoted back."""
    return f"{ECHO_PREFIX}{said}" if said else ECHO_NOTHING


def last_user_text(d: Driver) -> str | None:
    """The text of the newest user message of the run's thread that has any text."""
    held = d.store.messages.get(d.run.thread_id, {})
    for message in reversed(held.values()):
        if message.role == "user" and message.plain_text:
            return message.plain_text
    return None


async def echo(d: Driver) -> None:
    """An assistant created with ``POST /assistants``.

    With a function tool on the run (its own or the run's ``tools``), it calls the first
    one once, with arguments built from the function's schema (:func:`arguments_for`),
    and reports the outputs: so a test can drive its own tool loop with its own tools.
    Otherwise it quotes the thread's last user message back: echoing (rather than a fixed
    greeting) lets a test see that the messages it sent reached the run; it is read when
    the reply starts, so messages added before the run (``additional_messages``
    included) count.
    """
    await d.start()
    function = first_function(d.run.tools)
    if function is not None:
        arguments = arguments_for(function)
        outputs = await d.function_call(function.get("name", ""), fragments(arguments, 8))
        await tool_reply(d, function.get("name", ""), outputs)
        return
    await d.open_message()
    chunks = word_chunks(echo_reply(last_user_text(d)), 3)
    for chunk in chunks:
        await d.text_delta(chunk)
    await d.close_message(len(chunks))
    await d.complete()


async def echo_resumed(d: Driver) -> None:
    """A created assistant's run restored from the database in `requires_action`."""
    step = d.open_step
    assert step is not None
    call = step.details["tool_calls"][0]
    arguments = call["function"].get("arguments", "")
    outputs = await d.outputs_for(step, call, len(fragments(arguments, 8)))
    await tool_reply(d, call["function"].get("name", ""), outputs)


def first_function(tools: list[dict[str, Any]]) -> dict[str, Any] | None:
    for tool in tools:
        function = tool.get("function")
        if tool.get("type") == "function" and isinstance(function, dict):
            return function
    return None


_PLACEHOLDERS: dict[str, Any] = {
    "string": "example", "integer": 1, "number": 1, "boolean": True, "array": [], "object": {},
}  # fmt: skip


def arguments_for(function: dict[str, Any]) -> str:
    """JSON arguments for a call of ``function``: each required parameter gets its
    ``default``, else its first ``enum`` value, else a placeholder of its type
    (``"example"``, ``1``, ``true``, ``[]``, ``{}``); the others are left out."""
    parameters = function.get("parameters")
    if not isinstance(parameters, dict):
        return "{}"
    properties = parameters.get("properties")
    properties = properties if isinstance(properties, dict) else {}
    required = parameters.get("required")
    arguments: dict[str, Any] = {}
    for name in required if isinstance(required, list) else []:
        schema = properties.get(name)
        schema = schema if isinstance(schema, dict) else {}
        if "default" in schema:
            arguments[name] = schema["default"]
        elif isinstance(schema.get("enum"), list) and schema["enum"]:
            arguments[name] = schema["enum"][0]
        else:
            kind = schema.get("type")
            arguments[name] = _PLACEHOLDERS.get(kind if isinstance(kind, str) else "", "example")
    return json.dumps(arguments)


async def tool_reply(d: Driver, name: str, outputs: list[dict[str, str]]) -> None:
    submitted = "; ".join(o.get("output", "") for o in outputs)
    await d.open_message()
    chunks = word_chunks(f"{name} returned: {submitted}", 2)
    for chunk in chunks:
        await d.text_delta(chunk)
    await d.close_message(len(chunks))
    await d.complete()


WEATHER_TOOL: dict[str, Any] = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city.",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@dataclass(frozen=True)
class Assistant:
    script: Script
    instructions: str
    tools: list[dict[str, Any]] = field(default_factory=list)
    # Continues a run restored from the database in `requires_action` (None: never waits).
    resume: Script | None = None


ASSISTANTS: dict[str, Assistant] = {
    "asst_text": Assistant(text, "Reply with a fixed greeting."),
    "asst_weather": Assistant(
        weather, "Call get_weather, then report it.", [WEATHER_TOOL], weather_resumed
    ),
    "asst_fail": Assistant(fail, "Fail with a server error."),
    "asst_expire": Assistant(expire, "Expire mid-reply."),
    "asst_long": Assistant(long, "Reply with a very long stream of deltas."),
    "asst_annotated": Assistant(annotated, "Reply citing a file.", [{"type": "file_search"}]),
    "asst_code": Assistant(code, "Run code, then report.", [{"type": "code_interpreter"}]),
}


def assistant_for(assistant_id: str) -> Assistant:
    return ASSISTANTS.get(assistant_id, ASSISTANTS["asst_text"])


def created(instructions: str | None, tools: list[dict[str, Any]]) -> Assistant:
    """The script a created assistant runs (:func:`echo`)."""
    return Assistant(echo, instructions or "", tools, echo_resumed)


SCRIPTED_MODEL = "gpt-4o"
SCRIPTED_CREATED_AT = 1_700_000_000  # fixed: a scripted assistant reads the same every time


def scripted_object(assistant_id: str) -> dict[str, Any] | None:
    """A scripted assistant as ``GET /assistants/{id}`` shows it (None: not scripted)."""
    assistant = ASSISTANTS.get(assistant_id)
    if assistant is None:
        return None
    return {
        "id": assistant_id,
        "object": "assistant",
        "created_at": SCRIPTED_CREATED_AT,
        "name": assistant_id,
        "description": f"Scripted by the emulator: {assistant.instructions}",
        "model": SCRIPTED_MODEL,
        "instructions": assistant.instructions,
        "tools": [dict(tool) for tool in assistant.tools],
        "tool_resources": {},
        "metadata": {},
        "temperature": 1.0,
        "top_p": 1.0,
        "response_format": "auto",
    }
