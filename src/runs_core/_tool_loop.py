"""The state of a tool loop: run a run to its end with local functions as tools.

When a streamed run stops at ``requires_action``, each function tool call is matched to
a local callable by name and its JSON arguments are parsed here; the adapters only
call the function (awaiting it if it is a coroutine function) and hand the result or
exception back. What happens to a failure is the caller's choice:

* ``on_error="submit"`` (default): the error text is submitted as the tool's output, so
  the model can see what went wrong and react;
* ``on_error="raise"``: the loop stops with :class:`ToolCallError`, before submitting.

Failures are an unknown tool name, arguments that are not a JSON object, and an
exception raised by the tool.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from ._errors import RunsError
from ._events import AssistantStreamEvent
from .models import Run
from .models.params import ToolOutput

__all__ = ["ToolCallError", "ToolInvocation", "ToolLoopState"]

OnError = Literal["submit", "raise"]


class ToolCallError(RunsError):
    """A tool call could not be completed and the loop was told to stop on errors."""

    def __init__(self, message: str, *, invocation: ToolInvocation) -> None:
        super().__init__(message)
        self.invocation = invocation


@attrs.frozen
class ToolInvocation:
    """One call the run asked for. ``function`` is ``None`` when it cannot be called
    (``problem`` says why)."""

    tool_call_id: str
    name: str
    raw_arguments: str
    arguments: Mapping[str, Any]
    function: Callable[..., Any] | None
    problem: str | None = None


def _output_text(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return str(value)


@attrs.define
class ToolLoopState:
    """Follows a run across its streams and turns ``requires_action`` into tool work."""

    tools: Mapping[str, Callable[..., Any]]
    on_error: OnError = "submit"
    run: Run | None = None
    rounds: int = 0
    calls: int = 0

    def observe(self, event: AssistantStreamEvent) -> None:
        """Keep the latest run snapshot from ``thread.run.*`` events."""
        data = getattr(event, "data", None)
        if isinstance(data, Run):
            self.run = data

    def pending(self) -> list[ToolInvocation]:
        """The calls to make now (empty unless the run requires action)."""
        run = self.run
        if run is None or run.status != "requires_action" or run.required_action is None:
            return []
        invocations = []
        for call in run.required_action.submit_tool_outputs.tool_calls:
            name, raw = call.function.name, call.function.arguments
            function = self.tools.get(name)
            problem = None if function is not None else f"unknown tool {name!r}"
            arguments: Mapping[str, Any] = {}
            try:
                parsed = json.loads(raw) if raw.strip() else {}
                if isinstance(parsed, dict):
                    arguments = parsed
                else:
                    problem = problem or f"arguments of {name!r} are not a JSON object"
            except ValueError as error:
                problem = problem or f"arguments of {name!r} are not valid JSON: {error}"
            callable_ = None if problem else function
            invocations.append(ToolInvocation(call.id, name, raw, arguments, callable_, problem))
        self.rounds += 1
        self.calls += len(invocations)
        return invocations

    def output(
        self,
        invocation: ToolInvocation,
        *,
        result: object = None,
        error: BaseException | None = None,
    ) -> ToolOutput:
        """The ``tool_outputs`` entry for one finished (or impossible) call.

        Raises :class:`ToolCallError` when the call failed and ``on_error="raise"``.
        """
        problem = invocation.problem
        if problem is None and error is not None:
            problem = f"tool {invocation.name!r} raised {type(error).__name__}: {error}"
        if problem is None:
            return ToolOutput(tool_call_id=invocation.tool_call_id, output=_output_text(result))
        if self.on_error == "raise":
            raise ToolCallError(problem, invocation=invocation) from error
        return ToolOutput(tool_call_id=invocation.tool_call_id, output=f"error: {problem}")
