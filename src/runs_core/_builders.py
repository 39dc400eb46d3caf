"""Request builders: one method per operation of the Runs and Steps API.

Each method checks its arguments, then returns a complete :class:`Request`. Nothing is
sent and nothing is read from the environment, so the same builder serves every
transport, and a test can compare a builder's output byte for byte.

Arguments follow the official SDK: keyword-only fields default to ``NOT_GIVEN`` and are
then left out of the body; ``None`` is sent as JSON ``null`` where the contract allows
it and refused where it does not. ``extra_headers``, ``extra_query`` and ``extra_body``
are merged last, so a caller can always send what this version does not know about yet.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode

import attrs

from ._config import ClientConfig
from ._errors import InvalidRequestError
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

if TYPE_CHECKING:
    from .models import CursorPage, Run, RunStep

__all__ = ["USER_AGENT", "RequestBuilder"]

USER_AGENT = f"runs-python/{__version__}"
INCLUDE_FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"
_ORDERS = ("asc", "desc")

Timeout = float | None | NotGiven
Order = Literal["asc", "desc"]
Include = Iterable[str]

# Fields of CreateRunRequest that the contract marks nullable: ``None`` goes out as null.
_NULLABLE_CREATE_FIELDS = frozenset(
    {
        "additional_instructions", "additional_messages", "instructions",
        "max_completion_tokens", "max_prompt_tokens", "metadata", "model", "reasoning_effort",
        "response_format", "temperature", "tool_choice", "tools", "top_p",
        "truncation_strategy",
    }
)  # fmt: skip


def _jsonable(value: object) -> object:
    """Turn caller input (iterables, mappings, pydantic models) into JSON-ready values."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_unset=True)
    if isinstance(value, Iterable):
        return [_jsonable(v) for v in value]
    raise InvalidRequestError(f"cannot send a value of type {type(value).__name__} as JSON")


def _query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _check_id(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise InvalidRequestError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _segment(name: str, value: object) -> str:
    """``value`` as one percent-encoded path segment that can never move the path.

    ``quote`` leaves dots alone, and a segment that is exactly ``.`` or ``..`` is a dot
    segment that clients and servers resolve (RFC 3986, 5.2.4): ``/threads/../runs`` would
    become ``/runs``. Encoding the dots keeps it a literal segment.
    """
    encoded = quote(_check_id(name, value), safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


def _check_header(name: str, value: str) -> tuple[str, str]:
    # A CR or LF would let a value start a new header or end the head: refuse it outright.
    for part, label in ((name, "name"), (value, "value")):
        if "\r" in part or "\n" in part or "\0" in part:
            shown = name if label == "value" else repr(name)
            raise InvalidRequestError(f"header {label} for {shown} contains CR, LF or NUL")
    if not name or any(c in name for c in " :\t"):
        raise InvalidRequestError(f"invalid header name {name!r}")
    return name, value


@attrs.frozen
class RequestBuilder:
    """Builds the requests of the Runs API for one :class:`ClientConfig`."""

    config: ClientConfig

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
        body: dict[str, object] = {"assistant_id": _check_id("assistant_id", assistant_id)}
        for name, value in fields.items():
            if isinstance(value, NotGiven):
                continue
            if value is None and name not in _NULLABLE_CREATE_FIELDS:
                raise InvalidRequestError(f"{name} cannot be None")
            body[name] = _jsonable(value)
        if not isinstance(stream, NotGiven):
            body["stream"] = stream
        return self._build(
            "POST",
            f"/threads/{_segment('thread_id', thread_id)}/runs",
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
            f"/threads/{_segment('thread_id', thread_id)}/runs",
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
        body: dict[str, object] = {}
        if not isinstance(metadata, NotGiven):
            body["metadata"] = _jsonable(metadata)
        return self._build(
            "POST",
            self._run_path(thread_id, run_id),
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
        """``POST /threads/{thread_id}/runs/{run_id}/cancel``."""
        return self._build(
            "POST",
            self._run_path(thread_id, run_id) + "/cancel",
            query=[],
            body={},
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
        if tool_outputs is None or isinstance(tool_outputs, str | bytes | Mapping):
            raise InvalidRequestError("tool_outputs must be a list of {tool_call_id, output}")
        body: dict[str, object] = {"tool_outputs": _jsonable(tool_outputs)}
        if not isinstance(stream, NotGiven):
            body["stream"] = stream
        return self._build(
            "POST",
            self._run_path(thread_id, run_id) + "/submit_tool_outputs",
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
        query = self._cursor(after=after, before=before, limit=limit, order=order)
        return self._build(
            "GET",
            self._run_path(thread_id, run_id) + "/steps",
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
        step = _segment("step_id", step_id)
        return self._build(
            "GET",
            self._run_path(thread_id, run_id) + f"/steps/{step}",
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
        return f"/threads/{_segment('thread_id', thread_id)}/runs/{_segment('run_id', run_id)}"

    @staticmethod
    def _include(include: Include | NotGiven) -> list[tuple[str, str]]:
        if isinstance(include, NotGiven):
            return []
        if isinstance(include, str):
            raise InvalidRequestError("include must be a list of strings, not a string")
        return [("include[]", str(item)) for item in include]

    @staticmethod
    def _cursor(
        *,
        after: str | NotGiven,
        before: str | NotGiven,
        limit: int | NotGiven,
        order: str | NotGiven,
    ) -> list[tuple[str, str]]:
        query: list[tuple[str, str]] = []
        if not isinstance(after, NotGiven):
            query.append(("after", _check_id("after", after)))
        if not isinstance(before, NotGiven):
            query.append(("before", _check_id("before", before)))
        if not isinstance(limit, NotGiven):
            if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 100:
                raise InvalidRequestError(f"limit must be an integer from 1 to 100, got {limit!r}")
            query.append(("limit", str(limit)))
        if not isinstance(order, NotGiven):
            if order not in _ORDERS:
                raise InvalidRequestError(f"order must be 'asc' or 'desc', got {order!r}")
            query.append(("order", order))
        return query

    def _build(
        self,
        method: str,
        path: str,
        *,
        query: list[tuple[str, str]],
        body: dict[str, object] | None,
        result: ResultKind,
        extra_headers: Mapping[str, str] | None,
        extra_query: Mapping[str, object] | None,
        extra_body: Mapping[str, object] | None,
        timeout: Timeout,
        stream: bool = False,
        idempotency_key: str | None = None,
    ) -> Request[Any]:
        config = self.config
        # Later sources replace earlier ones key by key (default_query < built < extra_query),
        # so a caller's override is never sent next to the value it overrides.
        pairs = [(k, v) for k, v in config.default_query if k not in {k for k, _ in query}]
        pairs.extend(query)
        if extra_query:
            # A None value removes the key (e.g. a default_query entry); booleans are
            # spelled as JSON spells them.
            overridden = {str(k) for k in extra_query}
            extra = [(str(k), _query_text(v)) for k, v in extra_query.items() if v is not None]
            pairs = [(k, v) for k, v in pairs if k not in overridden] + extra
        url = config.base_url + path
        if pairs:
            url += "?" + urlencode(pairs, quote_via=quote, safe="")
        if extra_body:
            body = {**(body or {}), **{k: _jsonable(v) for k, v in extra_body.items()}}
        data = None
        if body is not None:
            try:
                text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
                data = text.encode()
            except ValueError as exc:  # NaN, an infinity or a lone surrogate: not valid JSON
                raise InvalidRequestError(f"cannot send the body as JSON: {exc}") from None
        headers = self._headers(stream, data is not None, idempotency_key, extra_headers)
        if not isinstance(timeout, NotGiven) and timeout is not None and not timeout > 0:
            raise InvalidRequestError(
                f"timeout must be a positive number of seconds or None, got {timeout!r}"
            )
        return Request(
            method=method,
            url=url,
            headers=headers,
            body=data,
            stream=stream,
            timeout=config.timeout if isinstance(timeout, NotGiven) else timeout,
            result=result,
            max_retries=config.max_retries,
        )

    def _headers(
        self,
        stream: bool,
        has_body: bool,
        idempotency_key: str | None,
        extra_headers: Mapping[str, str] | None,
    ) -> tuple[tuple[str, str], ...]:
        config = self.config
        merged: dict[str, tuple[str, str]] = {}

        def put(name: str, value: str | None) -> None:
            if value is not None:
                merged[name.lower()] = _check_header(name, value)

        put("Authorization", f"Bearer {config.api_key}")
        put("OpenAI-Beta", "assistants=v2")
        put("Accept", "text/event-stream" if stream else "application/json")
        put("User-Agent", USER_AGENT)
        if has_body:
            put("Content-Type", "application/json")
        put("OpenAI-Organization", config.organization)
        put("OpenAI-Project", config.project)
        put("Idempotency-Key", idempotency_key)
        for name, value in config.default_headers:
            put(name, value)
        for name, value in (extra_headers or {}).items():
            put(name, str(value))
        return tuple(merged.values())
