"""Request builders for threads: create, retrieve, modify, delete, and create-and-run.

A mixin of ``RequestBuilder``; the rules (what is left out, sent as ``null`` or refused)
are those of every builder, described in ``_builders``. Argument names, their order in
the body and the empty-id errors are the official SDK's ``client.beta.threads``.

``create_thread_and_run`` answers with a run (or a stream of run events), exactly like
``create_run``: the run it returns names the thread the server created, so polling it
(``send_and_poll``) needs nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._build_base import BuilderBase, Timeout, body_of, jsonable, segment
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from .models import Thread, ThreadDeleted

__all__ = ["ThreadRequests"]


class ThreadRequests(BuilderBase):
    """The ``/threads`` operations of ``RequestBuilder`` (messages and runs aside)."""

    __slots__ = ()

    def create_thread(
        self,
        *,
        messages: Iterable[Mapping[str, object]] | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        tool_resources: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Thread]:
        """``POST /threads``; with nothing given the body is ``{}`` (an empty thread), as
        the SDK sends it."""
        body = body_of(
            {"messages": messages, "metadata": metadata, "tool_resources": tool_resources}
        )
        return self._build(
            "POST",
            "/threads",
            query=[],
            body=body,
            result=ResultKind.THREAD,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def retrieve_thread(
        self,
        thread_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[Thread]:
        """``GET /threads/{thread_id}``."""
        return self._build(
            "GET",
            self._thread_path(thread_id),
            query=[],
            body=None,
            result=ResultKind.THREAD,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def update_thread(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        tool_resources: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Thread]:
        """``POST /threads/{thread_id}``: only the given fields change (``{}`` when none
        is given, as the SDK sends it)."""
        path = self._thread_path(thread_id)
        body = body_of({"metadata": metadata, "tool_resources": tool_resources})
        return self._build(
            "POST",
            path,
            query=[],
            body=body,
            result=ResultKind.THREAD,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def delete_thread(
        self,
        thread_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[ThreadDeleted]:
        """``DELETE /threads/{thread_id}``, without a body unless ``extra_body`` gives one."""
        return self._build(
            "DELETE",
            self._thread_path(thread_id),
            query=[],
            body=None,
            result=ResultKind.THREAD_DELETED,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def create_thread_and_run(
        self,
        *,
        assistant_id: str,
        stream: bool | NotGiven | None = NOT_GIVEN,
        instructions: str | NotGiven | None = NOT_GIVEN,
        max_completion_tokens: int | NotGiven | None = NOT_GIVEN,
        max_prompt_tokens: int | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        model: str | NotGiven | None = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        response_format: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        thread: Mapping[str, object] | NotGiven = NOT_GIVEN,
        tool_choice: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        tool_resources: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        tools: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        truncation_strategy: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Any]:
        """``POST /threads/runs``: create a thread and start a run on it; a stream of run
        events when ``stream=True``, else the run (handled as ``create_run`` handles it)."""
        body: dict[str, object] = {"assistant_id": jsonable(assistant_id)}
        body.update(
            body_of(
                {
                    "instructions": instructions,
                    "max_completion_tokens": max_completion_tokens,
                    "max_prompt_tokens": max_prompt_tokens,
                    "metadata": metadata,
                    "model": model,
                    "parallel_tool_calls": parallel_tool_calls,
                    "response_format": response_format,
                    "temperature": temperature,
                    "thread": thread,
                    "tool_choice": tool_choice,
                    "tool_resources": tool_resources,
                    "tools": tools,
                    "top_p": top_p,
                    "truncation_strategy": truncation_strategy,
                }
            )
        )
        if not isinstance(stream, NotGiven):
            body["stream"] = stream
        return self._build(
            "POST",
            "/threads/runs",
            query=[],
            body=body,
            stream=stream is True,
            result=ResultKind.EVENT_STREAM if stream is True else ResultKind.RUN,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    @staticmethod
    def _thread_path(thread_id: str) -> str:
        return f"/threads/{segment('thread_id', thread_id)}"
