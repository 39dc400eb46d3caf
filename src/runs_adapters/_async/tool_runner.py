"""``run_tools``: a run streamed to its end, with local functions answering its tool calls.

This is a loop, not an effect flow like retries and polling: each round streams events
and calls the user's functions, which may be coroutines, so the loop itself must run in
the caller's flavour. It is written once, here, and generated for blocking code. Every
decision (which function, the parsed arguments, what to submit when a call fails) is the
core's :class:`~runs_core.ToolLoopState`; the loop streams, calls and submits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

from runs_core import AssistantStreamEvent, OnError, RunCreateParams, ToolLoopState

from ._primitives import maybe_await

if TYPE_CHECKING:
    from runs_core.models import Run
    from runs_core.models.params import ToolOutput

    from .calls import AsyncCalls

__all__ = ["run_tools"]

EventCallback = Callable[[AssistantStreamEvent], Any]


async def run_tools(
    calls: AsyncCalls,
    *,
    thread_id: str,
    functions: Mapping[str, Callable[..., Any]],
    on_error: OnError = "submit",
    on_event: EventCallback | None = None,
    **params: Unpack[RunCreateParams],
) -> Run:
    """Stream a new run, answer each ``requires_action`` by calling ``functions`` (tool name
    to callable), and return the run as it ended."""
    state = ToolLoopState(functions, on_error)
    builder = calls.builder
    request = builder.create_run(
        thread_id, stream=True, idempotency_key=calls.idempotency_key(), **params
    )
    while True:
        stream = await calls.stream(request)
        async with stream:
            async for event in stream:
                state.observe(event)
                if on_event is not None:
                    await maybe_await(on_event(event))
        invocations = state.pending()
        if not invocations:
            return _final(state)
        outputs: list[ToolOutput] = []
        for call in invocations:
            try:
                result = (
                    await maybe_await(call.function(**call.arguments)) if call.function else None
                )
                outputs.append(state.output(call, result=result))
            except Exception as error:  # a tool's failure is data for the policy
                outputs.append(state.output(call, error=error))
        request = builder.submit_tool_outputs(
            _final(state).id, thread_id=thread_id, tool_outputs=outputs, stream=True,
            idempotency_key=calls.idempotency_key(),
        )  # fmt: skip


def _final(state: ToolLoopState) -> Run:
    if state.run is None:
        raise RuntimeError("the stream ended without any run event")
    return state.run
