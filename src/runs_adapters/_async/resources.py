"""The runs resources: ``client.runs`` (also ``client.beta.threads.runs``) and
``client.runs.steps``, with their ``with_raw_response`` / ``with_streaming_response``
tables, as the official SDK has them; and ``_Resource``, the base of every resource.

Every method builds its request with the core's ``RequestBuilder`` and hands it to its
caller (:class:`AsyncCalls`), which decides what comes back: the parsed result, a
``RawResponse`` or a lazily read response. Methods are plain functions returning an
awaitable, so the streaming-response tables hand back a context manager without an
``await``, and bad arguments fail at the call, before any I/O.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from runs_core import NOT_GIVEN, NotGiven, TimeoutArg

from ._primitives import AsyncPaginator
from .calls import AsyncCalls
from .raw import raw_method, raw_page_method, streaming_method
from .streams import AsyncStream

if TYPE_CHECKING:
    from runs_core import AssistantStreamEvent, RunCreateParams
    from runs_core.models import Run, RunStep
    from runs_core.models.params import ToolOutput

    from .handlers import AsyncAssistantEventHandler
    from .stream_manager import AsyncAssistantStreamManager

__all__ = [
    "AsyncRuns",
    "AsyncRunsWithRawResponse",
    "AsyncRunsWithStreamingResponse",
    "AsyncSteps",
    "AsyncStepsWithRawResponse",
    "AsyncStepsWithStreamingResponse",
]

Timeout = TimeoutArg
Headers_ = Mapping[str, str] | None
Query = Mapping[str, object] | None
Body = Mapping[str, object] | None


class _Resource:
    def __init__(self, calls: AsyncCalls) -> None:
        self._calls = calls
        self._builder = calls.builder


class AsyncSteps(_Resource):
    """Run steps: ``client.runs.steps``."""

    def list(
        self,
        run_id: str,
        *,
        thread_id: str,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        include: Iterable[str] | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPaginator[RunStep]:
        """Returns a list of run steps: the first page, or every step when iterated."""
        return self._calls.page(self._builder.list_run_steps(
            run_id, thread_id=thread_id, after=after, before=before, include=include,
            limit=limit, order=order, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout))  # fmt: skip

    def retrieve(
        self,
        step_id: str,
        *,
        thread_id: str,
        run_id: str,
        include: Iterable[str] | NotGiven = NOT_GIVEN,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[RunStep]:
        """Retrieves a run step."""
        return self._calls.model(self._builder.retrieve_run_step(
            step_id, thread_id=thread_id, run_id=run_id, include=include,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout))  # fmt: skip

    @property
    def with_raw_response(self) -> AsyncStepsWithRawResponse:
        return AsyncStepsWithRawResponse(self)

    @property
    def with_streaming_response(self) -> AsyncStepsWithStreamingResponse:
        return AsyncStepsWithStreamingResponse(self)


class AsyncRuns(_Resource):
    """Runs of a thread: ``client.runs`` (also ``client.beta.threads.runs``)."""

    @property
    def steps(self) -> AsyncSteps:
        return AsyncSteps(self._calls)

    @overload
    def create(
        self, thread_id: str, *, stream: Literal[True], **params: Unpack[RunCreateParams]
    ) -> Awaitable[AsyncStream]: ...
    @overload
    def create(
        self,
        thread_id: str,
        *,
        stream: Literal[False] | NotGiven | None = NOT_GIVEN,
        **params: Unpack[RunCreateParams],
    ) -> Awaitable[Run]: ...
    @overload
    def create(
        self, thread_id: str, *, stream: bool, **params: Unpack[RunCreateParams]
    ) -> Awaitable[Run | AsyncStream]: ...
    def create(
        self,
        thread_id: str,
        *,
        stream: bool | NotGiven | None = NOT_GIVEN,
        **params: Unpack[RunCreateParams],
    ) -> Awaitable[Run | AsyncStream]:
        """Create a run; with ``stream=True``, a stream of typed events."""
        request = self._builder.create_run(
            thread_id, stream=stream, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.run_or_stream(request)

    def list(
        self,
        thread_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncPaginator[Run]:
        """Returns a list of runs: the first page, or every run when iterated."""
        return self._calls.page(self._builder.list_runs(
            thread_id, after=after, before=before, limit=limit, order=order,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout))  # fmt: skip

    def retrieve(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run]:
        """Retrieves a run."""
        return self._calls.model(self._builder.retrieve_run(
            run_id, thread_id=thread_id, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout))  # fmt: skip

    def update(
        self,
        run_id: str,
        *,
        thread_id: str,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run]:
        """Modifies a run (its metadata)."""
        return self._calls.model(self._builder.update_run(
            run_id, thread_id=thread_id, metadata=metadata, extra_headers=extra_headers,
            extra_query=extra_query, extra_body=extra_body, timeout=timeout,
            idempotency_key=self._calls.idempotency_key()))  # fmt: skip

    def cancel(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run]:
        """Cancels a run that is ``in_progress``."""
        return self._calls.model(self._builder.cancel_run(
            run_id, thread_id=thread_id, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
            idempotency_key=self._calls.idempotency_key()))  # fmt: skip

    @overload
    def submit_tool_outputs(
        self, run_id: str, *, thread_id: str, tool_outputs: Iterable[ToolOutput],
        stream: Literal[True], extra_headers: Headers_ = None, extra_query: Query = None,
        extra_body: Body = None, timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[AsyncStream]: ...  # fmt: skip
    @overload
    def submit_tool_outputs(
        self, run_id: str, *, thread_id: str, tool_outputs: Iterable[ToolOutput],
        stream: Literal[False] | NotGiven | None = NOT_GIVEN, extra_headers: Headers_ = None,
        extra_query: Query = None, extra_body: Body = None, timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run]: ...  # fmt: skip
    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Iterable[ToolOutput],
        stream: bool | NotGiven | None = NOT_GIVEN,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run | AsyncStream]:
        """Submit tool outputs to a run that requires action; stream with ``stream=True``."""
        return self._calls.run_or_stream(self._builder.submit_tool_outputs(
            run_id, thread_id=thread_id, tool_outputs=tool_outputs, stream=stream,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout, idempotency_key=self._calls.idempotency_key()))  # fmt: skip

    def run_tools(
        self,
        *,
        thread_id: str,
        functions: Mapping[str, Callable[..., Any]],
        on_error: Literal["submit", "raise"] = "submit",
        on_event: Callable[[AssistantStreamEvent], Any] | None = None,
        **params: Unpack[RunCreateParams],
    ) -> Awaitable[Run]:
        """Stream a run to its end, answering tool calls with local ``functions``.

        Each function tool call is answered by ``functions[name](**arguments)`` (with an
        asynchronous client, tools may be coroutine functions too); ``on_error`` decides
        whether a failing tool (unknown name, bad JSON arguments, an exception) submits its
        error text as output or stops the loop with ``ToolCallError``. Returns the final
        run.
        """
        from .tool_runner import run_tools

        return run_tools(
            self._calls, thread_id=thread_id, functions=functions, on_error=on_error,
            on_event=on_event, **params,
        )  # fmt: skip

    # -- stream helpers -----------------------------------------------------------------

    def create_and_stream(
        self,
        *,
        thread_id: str,
        event_handler: AsyncAssistantEventHandler | None = None,
        **params: Unpack[RunCreateParams],
    ) -> AsyncAssistantStreamManager[Any]:
        """Create a run and stream it through ``event_handler`` (a manager for ``async with``)."""
        from .stream_manager import AsyncAssistantStreamManager

        return AsyncAssistantStreamManager(
            lambda: self.create(thread_id, stream=True, **params), event_handler=event_handler
        )

    def stream(
        self,
        *,
        thread_id: str,
        event_handler: AsyncAssistantEventHandler | None = None,
        **params: Unpack[RunCreateParams],
    ) -> AsyncAssistantStreamManager[Any]:
        """Same as :meth:`create_and_stream` (the official SDK's newer name)."""
        return self.create_and_stream(thread_id=thread_id, event_handler=event_handler, **params)

    def submit_tool_outputs_stream(
        self,
        *,
        tool_outputs: Iterable[ToolOutput],
        run_id: str,
        thread_id: str,
        event_handler: AsyncAssistantEventHandler | None = None,
        continue_from: AsyncAssistantEventHandler | None = None,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> AsyncAssistantStreamManager[Any]:
        """Submit tool outputs and stream the rest of the run through ``event_handler``.

        ``continue_from`` (the handler of the run's previous stream) makes the new handler
        keep that stream's snapshots: its steps and messages, and tool calls already done.
        """
        from .stream_manager import AsyncAssistantStreamManager

        return AsyncAssistantStreamManager(
            lambda: self.submit_tool_outputs(
                run_id, thread_id=thread_id, tool_outputs=tool_outputs, stream=True,
                extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
                timeout=timeout,
            ),
            event_handler=event_handler,
            continue_from=continue_from,
        )  # fmt: skip

    # -- polling helpers ----------------------------------------------------------------

    def create_and_poll(
        self,
        *,
        thread_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        poll_timeout: float | None = None,
        **params: Unpack[RunCreateParams],
    ) -> Awaitable[Run]:
        """Create a run, then poll it until it is terminal or requires action.

        ``poll_interval_ms`` overrides the server's ``openai-poll-after-ms`` hint;
        ``poll_timeout`` (seconds) is an overall deadline raising ``APITimeoutError``.
        """
        request = self._builder.create_run(  # stream=False on the wire, as the SDK sends
            thread_id, stream=False, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.poll(request, poll_interval_ms, poll_timeout)

    def poll(
        self,
        run_id: str,
        thread_id: str,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        poll_timeout: float | None = None,
    ) -> Awaitable[Run]:
        """Poll an existing run until it is terminal or requires action."""
        request = self._builder.retrieve_run(
            run_id, thread_id=thread_id, extra_headers=extra_headers, extra_query=extra_query,
            extra_body=extra_body, timeout=timeout,
        )  # fmt: skip
        return self._calls.poll(request, poll_interval_ms, poll_timeout)

    def submit_tool_outputs_and_poll(
        self,
        *,
        tool_outputs: Iterable[ToolOutput],
        run_id: str,
        thread_id: str,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        poll_timeout: float | None = None,
        extra_headers: Headers_ = None,
        extra_query: Query = None,
        extra_body: Body = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Awaitable[Run]:
        """Submit tool outputs, then poll the run until it stops again."""
        request = self._builder.submit_tool_outputs(
            run_id, thread_id=thread_id, tool_outputs=tool_outputs,
            extra_headers=extra_headers, extra_query=extra_query, extra_body=extra_body,
            timeout=timeout, idempotency_key=self._calls.idempotency_key(),
        )  # fmt: skip
        return self._calls.poll(request, poll_interval_ms, poll_timeout)

    @property
    def with_raw_response(self) -> AsyncRunsWithRawResponse:
        return AsyncRunsWithRawResponse(self)

    @property
    def with_streaming_response(self) -> AsyncRunsWithStreamingResponse:
        return AsyncRunsWithStreamingResponse(self)


class AsyncRunsWithRawResponse:
    """``client.runs.with_raw_response``: the same methods, returning :class:`RawResponse`."""

    def __init__(self, runs: AsyncRuns) -> None:
        moded = AsyncRuns(runs._calls.raw_calls())
        self.create = raw_method(moded.create)
        self.list = raw_page_method(moded.list)
        self.retrieve = raw_method(moded.retrieve)
        self.update = raw_method(moded.update)
        self.cancel = raw_method(moded.cancel)
        self.submit_tool_outputs = raw_method(moded.submit_tool_outputs)
        self.steps = AsyncStepsWithRawResponse(moded.steps)


class AsyncRunsWithStreamingResponse:
    """``client.runs.with_streaming_response``: methods return a context manager whose
    response body is read only when asked."""

    def __init__(self, runs: AsyncRuns) -> None:
        moded = AsyncRuns(runs._calls.streaming_calls())
        self.create = streaming_method(moded.create)
        self.list = streaming_method(moded.list)
        self.retrieve = streaming_method(moded.retrieve)
        self.update = streaming_method(moded.update)
        self.cancel = streaming_method(moded.cancel)
        self.submit_tool_outputs = streaming_method(moded.submit_tool_outputs)
        self.steps = AsyncStepsWithStreamingResponse(moded.steps)


class AsyncStepsWithRawResponse:
    """``client.runs.steps.with_raw_response``."""

    def __init__(self, steps: AsyncSteps) -> None:
        moded = AsyncSteps(steps._calls.raw_calls())
        self.list = raw_page_method(moded.list)
        self.retrieve = raw_method(moded.retrieve)


class AsyncStepsWithStreamingResponse:
    """``client.runs.steps.with_streaming_response``."""

    def __init__(self, steps: AsyncSteps) -> None:
        moded = AsyncSteps(steps._calls.streaming_calls())
        self.list = streaming_method(moded.list)
        self.retrieve = streaming_method(moded.retrieve)
