"""Request builders: one method per operation of the Runs and Steps API.

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

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode

import attrs

from ._config import ClientConfig, TimeoutArg, timeout_seconds
from ._errors import InvalidRequestError
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

if TYPE_CHECKING:
    from .models import CursorPage, Run, RunStep

__all__ = ["USER_AGENT", "RequestBuilder"]

USER_AGENT = f"runs-python/{__version__}"
INCLUDE_FILE_SEARCH_CONTENT = "step_details.tool_calls[*].file_search.results[*].content"

Timeout = TimeoutArg
Order = Literal["asc", "desc"]
Include = Iterable[str]


def _jsonable(value: object) -> object:
    """Turn caller input (iterables, mappings, pydantic models) into JSON-ready values.

    A mapping entry whose value is ``NOT_GIVEN`` (or the SDK's ``omit``) is left out, as
    the SDK leaves it out of the typed dicts it sends (``additional_messages`` items...).
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if not _omitted(v)}
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_unset=True)
    if isinstance(value, Iterable):
        return [_jsonable(v) for v in value]
    raise InvalidRequestError(f"cannot send a value of type {type(value).__name__} as JSON")


_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple})


def _omitted(value: object) -> bool:
    """``isinstance(value, NotGiven)`` (the SDK's sentinels included), without asking the
    sentinel check for the plain values that make up nearly every argument."""
    return value is NOT_GIVEN or (type(value) not in _PLAIN and isinstance(value, NotGiven))


def _query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _path_id(name: str, value: object) -> str:
    """A path parameter as text; an empty one (``""``, ``None``...) can never be sent.

    The error is the SDK's ``ValueError``, word for word. Like the SDK, a non-string id is
    written as text (``5`` as ``5``, ``True`` as ``true``).
    """
    if not value:
        raise InvalidRequestError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return _query_text(value)


def _segment(name: str, value: object) -> str:
    """``value`` as one percent-encoded path segment that can never move the path.

    ``quote`` leaves dots alone, and a segment that is exactly ``.`` or ``..`` is a dot
    segment that clients and servers resolve (RFC 3986, 5.2.4): ``/threads/../runs`` would
    become ``/runs``. Encoding the dots keeps it a literal segment.
    """
    encoded = quote(_path_id(name, value), safe="")
    return encoded.replace(".", "%2E") if encoded in (".", "..") else encoded


_BREAKS_HEAD = re.compile("[\r\n\0]")
_BAD_NAME = re.compile("[ :\t]")


def _check_header(name: str, value: str) -> tuple[str, str]:
    # A CR or LF would let a value start a new header or end the head: refuse it outright.
    for part, label in ((name, "name"), (value, "value")):
        if _BREAKS_HEAD.search(part):
            shown = name if label == "value" else repr(name)
            raise InvalidRequestError(f"header {label} for {shown} contains CR, LF or NUL")
    if not name or _BAD_NAME.search(name):
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
        path = f"/threads/{_segment('thread_id', thread_id)}/runs"
        body: dict[str, object] = {"assistant_id": _jsonable(assistant_id)}
        for name, value in fields.items():
            if not _omitted(value):
                body[name] = _jsonable(value)
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
        path = self._run_path(thread_id, run_id)
        body: dict[str, object] = {}
        if not isinstance(metadata, NotGiven):
            body["metadata"] = _jsonable(metadata)
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
        body: dict[str, object] = {"tool_outputs": _jsonable(tool_outputs)}
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
        path = self._run_path(thread_id, run_id) + f"/steps/{_segment('step_id', step_id)}"
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
        return f"/threads/{_segment('thread_id', thread_id)}/runs/{_segment('run_id', run_id)}"

    @staticmethod
    def _include(include: Include | NotGiven | None) -> list[tuple[str, str]]:
        """``include[]=`` once per item; ``None`` leaves it out and a lone string is sent
        as ``include=...``, both as the SDK does (the server judges the values)."""
        if include is None or isinstance(include, NotGiven):
            return []
        if isinstance(include, str):
            return [("include", include)]
        return [("include[]", _query_text(item)) for item in include]

    @staticmethod
    def _cursor(
        *,
        after: str | NotGiven,
        before: str | NotGiven,
        limit: int | NotGiven,
        order: str | NotGiven,
    ) -> list[tuple[str, str]]:
        """The cursor parameters given, as text; ``None`` leaves one out, as in the SDK.

        Nothing is checked here: ``limit=101`` or ``order="sideways"`` go to the server,
        which answers 400 (``BadRequestError``) with its own message.
        """
        given = {"after": after, "before": before, "limit": limit, "order": order}
        return [
            (name, _query_text(value))
            for name, value in given.items()
            if value is not None and not isinstance(value, NotGiven)
        ]

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
            # A None (or NOT_GIVEN / omit) value removes the key, a default_query entry
            # included; booleans are spelled as JSON spells them.
            overridden = {str(k) for k in extra_query}
            extra = [
                (str(k), _query_text(v))
                for k, v in extra_query.items()
                if v is not None and not isinstance(v, NotGiven)
            ]
            pairs = [(k, v) for k, v in pairs if k not in overridden] + extra
        url = config.base_url + path
        if pairs:
            url += "?" + urlencode(pairs, quote_via=quote, safe="")
        if extra_body:
            # NOT_GIVEN / omit removes the key; None is sent as null.
            body = {**(body or {})}
            for key, value in extra_body.items():
                if isinstance(value, NotGiven):
                    body.pop(key, None)
                else:
                    body[key] = _jsonable(value)
        # A POST without a body still says so with ``Content-Length: 0`` on every transport,
        # as the SDK does (RFC 9110, 8.6); there is no Content-Type for no content.
        data = b"" if body is None and method == "POST" else None
        if body is not None:
            try:
                text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
                data = text.encode()
            except ValueError as exc:  # NaN, an infinity or a lone surrogate: not valid JSON
                raise InvalidRequestError(f"cannot send the body as JSON: {exc}") from None
        headers = self._headers(stream, bool(data), idempotency_key, extra_headers)
        seconds = config.timeout if isinstance(timeout, NotGiven) else timeout_seconds(timeout)
        return Request(
            method=method,
            url=url,
            headers=headers,
            body=data,
            stream=stream,
            timeout=seconds,
            result=result,
            max_retries=config.max_retries,
            sensitive=config.sensitive_headers,
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

        def put(name: str, value: object) -> None:
            if value is None:
                return
            if _omitted(value):  # the SDK's omit: remove the header, as it does
                merged.pop(name.lower(), None)
            else:
                merged[name.lower()] = _check_header(name, str(value))

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
            put(name, value)
        return tuple(merged.values())
