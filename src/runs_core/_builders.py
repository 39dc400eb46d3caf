"""Request builders: one method per operation of the Assistants API a runs user needs.

Runs and run steps are built in this module; assistants, threads and messages in the
mixins ``RequestBuilder`` is composed of (see ``_build_base``). The rules below hold
for every one of them.

Each method checks its arguments, then returns a complete :class:`Request`. Nothing is
sent and nothing is read from the environment, so the same builder serves every
transport, and a test can compare a builder's output byte for byte.

Arguments follow the official SDK: keyword-only fields default to ``NOT_GIVEN`` and are
then left out of the request (the SDK's own ``NOT_GIVEN`` / ``omit`` too); ``None`` is
sent as JSON ``null`` in a body and left out of a query string, as the SDK does.
``extra_headers``, ``extra_query`` and ``extra_body`` are merged last, so a caller can
always send what this version does not know about yet; a ``NOT_GIVEN``/``omit`` value
there removes the key.

The builders refuse only what could never be sent: an empty path id (with the SDK's
``ValueError`` text), CR/LF/NUL in a header, a body JSON cannot carry (NaN, infinities,
objects), a non-positive timeout. Whatever only the server can judge (a ``limit`` of 0
or 101, an unknown ``order``, an empty ``assistant_id``, ``null`` for a field that is not
nullable) is sent as the SDK sends it, and the server's 400 becomes ``BadRequestError``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ._build_assistants import AssistantRequests
from ._build_base import (
    USER_AGENT,
    BuilderBase,
    Include,
    Order,
    Timeout,
    jsonable,
    omitted,
    segment,
)
from ._build_messages import MessageRequests
from ._build_threads import ThreadRequests
from ._config import ClientConfig
from ._frozen import Frozen
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from .models import CursorPage, Run, RunStep

__all__ = ["USER_AGENT", "RequestBuilder"]

INCLUDE_FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"


class RequestBuilder(Frozen, AssistantRequests, ThreadRequests, MessageRequests, BuilderBase):
    """Builds the requests of the Assistants API for one :class:`ClientConfig`.

    Runs and run steps are built here; assistants, threads (and create-and-run) and
    messages by the mixins of ``_build_assistants``, ``_build_threads`` and
    ``_build_messages``; the shared plumbing is ``_build_base.BuilderBase``.
    """

    __slots__ = ("config", "fixed_headers")
    _fields = _compared = ("config",)
    __match_args__ = ("config",)

    config: ClientConfig
    fixed_headers: dict[tuple[bool, bool], tuple[tuple[str, str], ...]]

    def __init__(self, config: ClientConfig) -> None:
        object.__setattr__(self, "config", config)
        object.__setattr__(self, "fixed_headers", {})

    # -- runs ---------------------------------------------------------------------------

    def create_run(
        self,
        thread_id: str,
        *,
        assistant_id: str,
        stream: bool | NotGiven | None = NOT_GIVEN,
        include: Include | NotGiven = NOT_GIVEN,
        additional_instructions: str | NotGiven | None = NOT_GIVEN,
        additional_messages: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        instructions: str | NotGiven | None = NOT_GIVEN,
        max_completion_tokens: int | NotGiven | None = NOT_GIVEN,
        max_prompt_tokens: int | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        model: str | NotGiven | None = NOT_GIVEN,
        parallel_tool_calls: bool | NotGiven = NOT_GIVEN,
        reasoning_effort: str | NotGiven | None = NOT_GIVEN,
        response_format: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        tool_choice: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        tools: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        truncation_strategy: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Any]:
        """``POST /threads/{thread_id}/runs``; a stream when ``stream=True``."""
        fields: dict[str, object] = {
            "additional_instructions": additional_instructions,
            "additional_messages": additional_messages,
            "instructions": instructions,
            "max_completion_tokens": max_completion_tokens,
            "max_prompt_tokens": max_prompt_tokens,
            "metadata": metadata,
            "model": model,
            "parallel_tool_calls": parallel_tool_calls,
            "reasoning_effort": reasoning_effort,
            "response_format": response_format,
            "temperature": temperature,
            "tool_choice": tool_choice,
            "tools": tools,
            "top_p": top_p,
            "truncation_strategy": truncation_strategy,
        }
        path = f"/threads/{segment('thread_id', thread_id)}/runs"
        body: dict[str, object] = {"assistant_id": jsonable(assistant_id)}
        for name, value in fields.items():
            if not omitted(value):
                body[name] = jsonable(value)
        if not isinstance(stream, NotGiven):
            body["stream"] = stream
        return self._build(
            "POST",
            path,
            query=self._include(include),
            body=body,
            stream=stream is True,
            result=ResultKind.EVENT_STREAM if stream is True else ResultKind.RUN,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def list_runs(
        self,
        thread_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[CursorPage[Run]]:
        """``GET /threads/{thread_id}/runs``: one page of runs."""
        return self._build(
            "GET",
            f"/threads/{segment('thread_id', thread_id)}/runs",
            query=self._cursor(after=after, before=before, limit=limit, order=order),
            body=None,
            result=ResultKind.RUN_PAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def retrieve_run(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[Run]:
        """``GET /threads/{thread_id}/runs/{run_id}``."""
        return self._build(
            "GET",
            self._run_path(thread_id, run_id),
            query=[],
            body=None,
            result=ResultKind.RUN,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def update_run(
        self,
        run_id: str,
        *,
        thread_id: str,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Run]:
        """``POST /threads/{thread_id}/runs/{run_id}``: modify the run's metadata."""
        path = self._run_path(thread_id, run_id)
        body: dict[str, object] = {}
        if not isinstance(metadata, NotGiven):
            body["metadata"] = jsonable(metadata)
        return self._build(
            "POST",
            path,
            query=[],
            body=body,
            result=ResultKind.RUN,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def cancel_run(
        self,
        run_id: str,
        *,
        thread_id: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Run]:
        """``POST /threads/{thread_id}/runs/{run_id}/cancel``, with no body (as the contract
        declares and the SDK sends), unless ``extra_body`` gives one."""
        return self._build(
            "POST",
            self._run_path(thread_id, run_id) + "/cancel",
            query=[],
            body=None,
            result=ResultKind.RUN,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def submit_tool_outputs(
        self,
        run_id: str,
        *,
        thread_id: str,
        tool_outputs: Iterable[Mapping[str, object]],
        stream: bool | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Any]:
        """``POST .../runs/{run_id}/submit_tool_outputs``; a stream when ``stream=True``."""
        path = self._run_path(thread_id, run_id) + "/submit_tool_outputs"
        body: dict[str, object] = {"tool_outputs": jsonable(tool_outputs)}
        if not isinstance(stream, NotGiven):
            body["stream"] = stream
        return self._build(
            "POST",
            path,
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

    # -- steps --------------------------------------------------------------------------

    def list_run_steps(
        self,
        run_id: str,
        *,
        thread_id: str,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        include: Include | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[CursorPage[RunStep]]:
        """``GET .../runs/{run_id}/steps``: one page of run steps."""
        path = self._run_path(thread_id, run_id) + "/steps"
        query = self._cursor(after=after, before=before, limit=limit, order=order)
        return self._build(
            "GET",
            path,
            query=query + self._include(include),
            body=None,
            result=ResultKind.RUN_STEP_PAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def retrieve_run_step(
        self,
        step_id: str,
        *,
        thread_id: str,
        run_id: str,
        include: Include | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[RunStep]:
        """``GET .../runs/{run_id}/steps/{step_id}``."""
        # The ids are checked in the SDK's order: thread, run, step.
        path = self._run_path(thread_id, run_id) + f"/steps/{segment('step_id', step_id)}"
        return self._build(
            "GET",
            path,
            query=self._include(include),
            body=None,
            result=ResultKind.RUN_STEP,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    # -- shared plumbing ----------------------------------------------------------------

    @staticmethod
    def _run_path(thread_id: str, run_id: str) -> str:
        return f"/threads/{segment('thread_id', thread_id)}/runs/{segment('run_id', run_id)}"
