"""A program written for the official SDK's assistants, threads and messages API runs
unchanged on ours, on every transport, sync and async.

``program`` is written once, against ``client.beta`` as the ``openai`` package documents
it. It runs on the SDK's ``AsyncOpenAI`` (the reference) and on our clients, all pointed
at the emulator: only the construction and the imports (the error module, the event
handler base) differ. Blocking clients run it through :class:`Blocking`, which makes a
blocking object awaitable without changing what it does.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from typing import Any

import openai
import pytest
import trio
from tests.conftest import TRANSPORT_IDS, TRANSPORTS

import runs_adapters
from runs_adapters import AsyncClient, Client
from runs_emulator import EmulatorThread, start_in_thread


async def program(client: Any, errors: Any, handler_base: type) -> dict[str, Any]:
    beta = client.beta
    assistant = await beta.assistants.create(
        model="gpt-4o",
        name="Helper",
        instructions="Answer briefly.",
        tools=[{"type": "code_interpreter"}],
        metadata={"team": "docs"},
    )
    fetched = await beta.assistants.retrieve(assistant.id)
    renamed = await beta.assistants.update(assistant.id, name="Helper 2")
    first_page = await beta.assistants.list(limit=1, order="desc")
    every = [a.id async for a in beta.assistants.list(limit=1)]

    thread = await beta.threads.create(
        messages=[{"role": "user", "content": "Hello there"}], metadata={"case": "drop-in"}
    )
    added = await beta.threads.messages.create(
        thread.id,
        role="user",
        content=[
            {"type": "text", "text": "And a picture"},
            {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}},
        ],
    )
    updated_thread = await beta.threads.update(thread.id, metadata={"case": "changed"})
    run = await beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    messages = [m async for m in beta.threads.messages.list(thread.id, order="asc")]
    of_run = [m async for m in beta.threads.messages.list(thread.id, run_id=run.id)]
    message = await beta.threads.messages.retrieve(added.id, thread_id=thread.id)
    tagged = await beta.threads.messages.update(added.id, thread_id=thread.id, metadata={"k": "v"})

    polled = await beta.threads.create_and_run_poll(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "In one go"}]},
    )

    class Collect(handler_base):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            self.text: list[str] = []

        async def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.text.append(delta.value)

    handler = Collect()
    async with beta.threads.create_and_run_stream(
        assistant_id=assistant.id,
        thread={"messages": [{"role": "user", "content": "Stream it"}]},
        event_handler=handler,
    ) as stream:
        await stream.until_done()
        streamed = await stream.get_final_run()

    gone_message = await beta.threads.messages.delete(added.id, thread_id=thread.id)
    gone_thread = await beta.threads.delete(thread.id)
    gone_assistant = await beta.assistants.delete(assistant.id)
    missing = []
    for attempt in (
        lambda: beta.threads.retrieve(thread.id),
        lambda: beta.assistants.retrieve(assistant.id),
        lambda: beta.assistants.delete(assistant.id),
    ):
        try:
            await attempt()
        except errors.NotFoundError as error:
            missing.append((error.status_code, type(error.body).__name__))
    return {
        "assistant": (fetched.name, fetched.model, fetched.instructions, fetched.metadata,
                      [t.type for t in fetched.tools], renamed.name),
        "first_page": (len(first_page.data), first_page.has_more, first_page.object),
        "every": len(every) >= 1 and every[0] == assistant.id,
        "thread": (thread.object, thread.metadata, updated_thread.metadata),
        "added": [part.type for part in added.content],
        "run": (run.status, run.assistant_id == assistant.id, run.thread_id == thread.id),
        "messages": [(m.role, [p.type for p in m.content]) for m in messages],
        "of_run": [(m.role, m.run_id == run.id) for m in of_run],
        "message": (message.id == added.id, tagged.metadata),
        "polled": (polled.status, polled.thread_id != thread.id),
        "streamed": (streamed.status, bool("".join(handler.text))),
        "deleted": [(d.object, d.deleted) for d in (gone_message, gone_thread, gone_assistant)],
        "missing": missing,
    }  # fmt: skip


class Blocking:
    """A blocking object of ours, made awaitable: calls run at once (blocking I/O and
    all) and hand back an already-finished awaitable; what they return is wrapped again if
    it is one of our objects (a resource, page, stream or manager), and left as it is if
    it is data (a model)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return _blocking(getattr(self._inner, name))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return _Ready(self._inner, args, kwargs)

    def __aiter__(self) -> Any:
        return _aiter(iter(self._inner))

    async def __aenter__(self) -> Any:
        return _blocking(self._inner.__enter__())

    async def __aexit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)


class _Ready(Blocking):
    """A call's result: await it, iterate it (a list), or enter it (a stream manager)."""

    def __init__(self, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__(fn(*args, **kwargs))

    def __await__(self) -> Any:
        return _blocking(self._inner)
        yield  # pragma: no cover - makes this a generator


async def _aiter(items: Iterator[Any]) -> Any:
    for item in items:
        yield item


def _blocking(value: Any) -> Any:
    owner = getattr(value, "__self__", value)  # a bound method: the object it is bound to
    # One of our objects, or one of a class derived from ours (the program's handler).
    ours = any(cls.__module__.startswith("runs_adapters") for cls in type(owner).__mro__)
    return Blocking(value) if ours and not isinstance(value, type) else value


class AwaitingHandler(runs_adapters.AssistantEventHandler):
    """The blocking handler base, taking the program's ``async def`` callbacks: they are
    run to completion on the spot (they await nothing)."""

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if name.startswith("on_") and asyncio.iscoroutinefunction(value):
            return lambda *a, **k: _finish(value(*a, **k))
        return value


def _finish(coroutine: Any) -> Any:
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    raise AssertionError("a blocking handler's callback awaited something")


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorThread]:
    with start_in_thread() as server:
        yield server


@pytest.fixture(scope="module")
def reference(emu: EmulatorThread) -> dict[str, Any]:
    async def main() -> dict[str, Any]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            sdk = openai.AsyncOpenAI(api_key="sk-x", base_url=emu.base_url, max_retries=0)
            async with sdk:
                return await program(sdk, openai, openai.AsyncAssistantEventHandler)

    return asyncio.run(main())


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("transport", TRANSPORTS, ids=TRANSPORT_IDS)
def test_the_sdk_program_gives_the_same_result(
    emu: EmulatorThread, reference: dict[str, Any], transport: tuple[str, str]
) -> None:
    name, kind = transport
    options = {"api_key": "sk-x", "base_url": emu.base_url, "max_retries": 0, "transport": name}

    async def main() -> dict[str, Any]:
        if kind == "sync":
            with Client(**options) as client:
                return await program(Blocking(client), runs_adapters, AwaitingHandler)
        async with AsyncClient(**options) as client:
            return await program(client, runs_adapters, runs_adapters.AsyncAssistantEventHandler)

    ours = trio.run(main) if name == "trio" else asyncio.run(main())
    assert ours == reference
    assert reference["run"][0] == "completed" and reference["missing"] == [
        (404, "dict"), (404, "dict"), (404, "dict"),
    ]  # fmt: skip
