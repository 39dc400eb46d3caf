"""Scripted, deterministic assistants standing in for a model, chosen by `assistant_id`.

Each script is the behaviour a client must cope with (plain text, a function call that
needs outputs, a code interpreter step, a failure, an expiry, a very long reply), always
produced the same way so tests can assert on exact results.
"""

from __future__ import annotations

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


async def text(d: Driver) -> None:
    await d.start()
    await d.open_message()
    chunks = word_chunks(TEXT_REPLY, 3)
    for chunk in chunks:
        await d.text_delta(chunk)
    await d.close_message(len(chunks))
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
