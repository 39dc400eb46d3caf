"""Running a run to completion with local functions as tools (sync and async loops).

The decisions (which function, parsed arguments, what to submit on failure) are the
core's :class:`~runs_core._tool_loop.ToolLoopState`; these loops only stream, call the
functions and submit. Sync and async differ only in ``await``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Unpack

from runs_core._events import AssistantStreamEvent
from runs_core._params import RunCreateParams
from runs_core._tool_loop import OnError, ToolLoopState
from runs_core.models import Run
from runs_core.models.params import ToolOutput

if TYPE_CHECKING:
    from ._runs_async import AsyncRuns
    from ._runs_sync import Runs

__all__ = ["run_tools", "run_tools_async"]

EventCallback = Callable[[AssistantStreamEvent], Any]


def _final(state: ToolLoopState) -> Run:
    if state.run is None:
        raise RuntimeError("the stream ended without any run event")
    return state.run


def run_tools(
    runs: Runs,
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
    stream = runs.create(thread_id, stream=True, **params)
    while True:
        with stream:
            for event in stream:
                state.observe(event)
                if on_event is not None:
                    on_event(event)
        invocations = state.pending()
        if not invocations:
            return _final(state)
        outputs: list[ToolOutput] = []
        for call in invocations:
            try:
                result = call.function(**call.arguments) if call.function else None
                outputs.append(state.output(call, result=result))
            except Exception as error:  # a tool's failure is data for the policy
                outputs.append(state.output(call, error=error))
        run = _final(state)
        stream = runs.submit_tool_outputs(
            run.id, thread_id=thread_id, tool_outputs=outputs, stream=True
        )


async def run_tools_async(
    runs: AsyncRuns,
    *,
    thread_id: str,
    functions: Mapping[str, Callable[..., Any]],
    on_error: OnError = "submit",
    on_event: EventCallback | None = None,
    **params: Unpack[RunCreateParams],
) -> Run:
    """The async twin of :func:`run_tools`; tools may be plain or ``async`` functions."""
    state = ToolLoopState(functions, on_error)
    stream = await runs.create(thread_id, stream=True, **params)
    while True:
        async with stream:
            async for event in stream:
                state.observe(event)
                if on_event is not None:
                    outcome = on_event(event)
                    if inspect.isawaitable(outcome):
                        await outcome
        invocations = state.pending()
        if not invocations:
            return _final(state)
        outputs: list[ToolOutput] = []
        for call in invocations:
            try:
                result = call.function(**call.arguments) if call.function else None
                if inspect.isawaitable(result):
                    result = await result
                outputs.append(state.output(call, result=result))
            except Exception as error:  # a tool's failure is data for the policy
                outputs.append(state.output(call, error=error))
        run = _final(state)
        stream = await runs.submit_tool_outputs(
            run.id, thread_id=thread_id, tool_outputs=outputs, stream=True
        )
