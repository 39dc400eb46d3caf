# Generated from runs_adapters/_async/threads.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""Threads: ``client.beta.threads`` (also ``client.threads``), holding ``runs`` and
``messages``, and ``client.beta`` itself, as the official SDK lays them out.

``create_and_run`` makes a thread and starts a run on it in one request; its ``_poll`` and
``_stream`` helpers are the runs' ``create_and_poll`` and ``create_and_stream`` for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, Unpack, overload

from runs_core import NOT_GIVEN, NotGiven

from .assistants import (
    Assistants,
    AssistantsWithRawResponse,
    AssistantsWithStreamingResponse,
)
from .messages import (
    Messages,
    MessagesWithRawResponse,
    MessagesWithStreamingResponse,
)
from .raw import raw_method, streaming_method
from .resources import (
    Runs,
    RunsWithRawResponse,
    RunsWithStreamingResponse,
    _Resource,
)

if TYPE_CHECKING:
    from runs_core import (
        RequestOptions,
        ThreadCreateAndRunParams,
        ThreadCreateParams,
        ThreadUpdateParams,
    )
    from runs_core.models import Run, Thread, ThreadDeleted

    from .calls import Calls
    from .handlers import AssistantEventHandler
    from .stream_manager import AssistantStreamManager
    from .streams import Stream

__all__ = [
    "Beta",
    "BetaWithRawResponse",
    "BetaWithStreamingResponse",
    "Threads",
    "ThreadsWithRawResponse",
    "ThreadsWithStreamingResponse",
]


class Threads(_Resource):
    """Threads: the conversations runs work on."""

    def __init__(self, calls: Calls, runs: Runs | None = None) -> None:
        super().__init__(calls)
        self.runs = runs if runs is not None else Runs(calls)

    @property
    def messages(self) -> Messages:
        return Messages(self._calls)

    def create(self, **params: Unpack[ThreadCreateParams]) -> Thread:
        """Create a thread, with initial ``messages``, ``tool_resources`` and ``metadata``."""
        request = self._builder.create_thread(
            idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.model(request)

    def retrieve(self, thread_id: str, **options: Unpack[RequestOptions]) -> Thread:
        """Retrieves a thread."""
        return self._calls.model(self._builder.retrieve_thread(thread_id, **options))

    def update(self, thread_id: str, **params: Unpack[ThreadUpdateParams]) -> Thread:
        """Modifies a thread (its metadata and tool resources)."""
        request = self._builder.update_thread(
            thread_id, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.model(request)

    def delete(self, thread_id: str, **options: Unpack[RequestOptions]) -> ThreadDeleted:
        """Deletes a thread; a later retrieve is a ``NotFoundError``."""
        return self._calls.model(self._builder.delete_thread(thread_id, **options))

    @overload
    def create_and_run(
        self, *, stream: Literal[True], **params: Unpack[ThreadCreateAndRunParams]
    ) -> Stream: ...
    @overload
    def create_and_run(
        self,
        *,
        stream: Literal[False] | NotGiven | None = NOT_GIVEN,
        **params: Unpack[ThreadCreateAndRunParams],
    ) -> Run: ...
    @overload
    def create_and_run(
        self, *, stream: bool, **params: Unpack[ThreadCreateAndRunParams]
    ) -> Run | Stream: ...
    def create_and_run(
        self,
        *,
        stream: bool | NotGiven | None = NOT_GIVEN,
        **params: Unpack[ThreadCreateAndRunParams],
    ) -> Run | Stream:
        """Create a thread (from ``thread``) and run it; with ``stream=True``, a stream of
        typed events."""
        request = self._builder.create_thread_and_run(
            stream=stream, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.run_or_stream(request)

    def create_and_run_poll(
        self,
        *,
        poll_interval_ms: int | NotGiven = NOT_GIVEN,
        poll_timeout: float | None = None,
        **params: Unpack[ThreadCreateAndRunParams],
    ) -> Run:
        """Create a thread and run it, then poll the run until it is terminal or requires
        action (``poll_interval_ms`` and ``poll_timeout`` as for ``runs.create_and_poll``)."""
        request = self._builder.create_thread_and_run(  # stream=False, as the SDK sends
            stream=False, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.poll(request, poll_interval_ms, poll_timeout)

    def create_and_run_stream(
        self,
        *,
        event_handler: AssistantEventHandler | None = None,
        **params: Unpack[ThreadCreateAndRunParams],
    ) -> AssistantStreamManager[Any]:
        """Create a thread and run it, streaming through ``event_handler`` (a manager for
        ``with``)."""
        from .stream_manager import AssistantStreamManager

        return AssistantStreamManager(
            lambda: self.create_and_run(stream=True, **params), event_handler=event_handler
        )

    @property
    def with_raw_response(self) -> ThreadsWithRawResponse:
        return ThreadsWithRawResponse(self)

    @property
    def with_streaming_response(self) -> ThreadsWithStreamingResponse:
        return ThreadsWithStreamingResponse(self)


class ThreadsWithRawResponse:
    """``client.beta.threads.with_raw_response``, with ``runs`` and ``messages`` inside."""

    def __init__(self, threads: Threads) -> None:
        moded = Threads(threads._calls.raw_calls())
        self.create = raw_method(moded.create)
        self.retrieve = raw_method(moded.retrieve)
        self.update = raw_method(moded.update)
        self.delete = raw_method(moded.delete)
        self.create_and_run = raw_method(moded.create_and_run)
        self.runs = RunsWithRawResponse(threads.runs)
        self.messages = MessagesWithRawResponse(threads.messages)


class ThreadsWithStreamingResponse:
    """``client.beta.threads.with_streaming_response``."""

    def __init__(self, threads: Threads) -> None:
        moded = Threads(threads._calls.streaming_calls())
        self.create = streaming_method(moded.create)
        self.retrieve = streaming_method(moded.retrieve)
        self.update = streaming_method(moded.update)
        self.delete = streaming_method(moded.delete)
        self.create_and_run = streaming_method(moded.create_and_run)
        self.runs = RunsWithStreamingResponse(threads.runs)
        self.messages = MessagesWithStreamingResponse(threads.messages)


class Beta:
    """``client.beta``, where the official SDK keeps the Assistants API."""

    def __init__(self, threads: Threads, assistants: Assistants) -> None:
        self.threads = threads
        self.assistants = assistants

    @property
    def with_raw_response(self) -> BetaWithRawResponse:
        return BetaWithRawResponse(self)

    @property
    def with_streaming_response(self) -> BetaWithStreamingResponse:
        return BetaWithStreamingResponse(self)


class BetaWithRawResponse:
    """``client.beta.with_raw_response``."""

    def __init__(self, beta: Beta) -> None:
        self.threads = ThreadsWithRawResponse(beta.threads)
        self.assistants = AssistantsWithRawResponse(beta.assistants)


class BetaWithStreamingResponse:
    """``client.beta.with_streaming_response``."""

    def __init__(self, beta: Beta) -> None:
        self.threads = ThreadsWithStreamingResponse(beta.threads)
        self.assistants = AssistantsWithStreamingResponse(beta.assistants)
