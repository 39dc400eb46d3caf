"""What every request builder shares: turning arguments into one complete :class:`Request`.

The builders are split by resource (runs and steps in ``_builders``, assistants in
``_build_assistants``, threads in ``_build_threads``, messages in ``_build_messages``);
each resource's methods are a mixin over :class:`BuilderBase`, and ``RequestBuilder``
composes them. The rules every method follows live here, once: how caller values become
JSON, how ids become path segments, how the query, headers and body are assembled, and
what is refused because it could never be sent (see ``_builders`` for the whole list).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote, urlencode

from ._config import TimeoutArg, timeout_seconds
from ._errors import InvalidRequestError
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

if TYPE_CHECKING:
    from ._config import ClientConfig

__all__ = [
    "USER_AGENT",
    "BuilderBase",
    "Include",
    "Order",
    "Timeout",
    "body_of",
    "jsonable",
    "omitted",
    "path_id",
    "query_text",
    "segment",
]

USER_AGENT = f"runs-python/{__version__}"

Timeout = TimeoutArg
Order = Literal["asc", "desc"]
Include = Iterable[str]


def jsonable(value: object) -> object:
    """Turn caller input (iterables, mappings, pydantic models) into JSON-ready values.

    A mapping entry whose value is ``NOT_GIVEN`` (or the SDK's ``omit``) is left out, as
    the SDK leaves it out of the typed dicts it sends (``additional_messages`` items...).
    """
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items() if not omitted(v)}
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return dump(mode="json", exclude_unset=True)
    if isinstance(value, Iterable):
        return [jsonable(v) for v in value]
    raise InvalidRequestError(f"cannot send a value of type {type(value).__name__} as JSON")


_PLAIN = frozenset({str, int, float, bool, type(None), dict, list, tuple})


def omitted(value: object) -> bool:
    """``isinstance(value, NotGiven)`` (the SDK's sentinels included), without asking the
    sentinel check for the plain values that make up nearly every argument."""
    return value is NOT_GIVEN or (type(value) not in _PLAIN and isinstance(value, NotGiven))


def body_of(fields: Mapping[str, object]) -> dict[str, object]:
    """The given ``fields`` as a JSON body, in their order: the omitted ones left out,
    ``None`` kept (it is sent as ``null``, as the SDK sends it)."""
    return {name: jsonable(value) for name, value in fields.items() if not omitted(value)}


def query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def path_id(name: str, value: object) -> str:
    """A path parameter as text; an empty one (``""``, ``None``...) can never be sent.

    The error is the SDK's ``ValueError``, word for word. Like the SDK, a non-string id is
    written as text (``5`` as ``5``, ``True`` as ``true``).
    """
    if not value:
        raise InvalidRequestError(f"Expected a non-empty value for `{name}` but received {value!r}")
    return query_text(value)


# What ``quote(..., safe="")`` leaves as it is, minus ``.`` and ``~`` (kept out so the
# dot-segment rule below still sees them): an id made of these alone needs no quoting.
_UNQUOTED = re.compile(r"[A-Za-z0-9_-]+")


def segment(name: str, value: object) -> str:
    """``value`` as one percent-encoded path segment that can never move the path.

    ``quote`` leaves dots alone, and a segment that is exactly ``.`` or ``..`` is a dot
    segment that clients and servers resolve (RFC 3986, 5.2.4): ``/threads/../runs`` would
    become ``/runs``. Encoding the dots keeps it a literal segment.
    """
    if type(value) is str and _UNQUOTED.fullmatch(value):  # ids as the API makes them
        return value
    encoded = quote(path_id(name, value), safe="")
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


class BuilderBase:
    """The plumbing under every resource's builder methods; holds no state of its own.

    Subclasses (the resource mixins and ``RequestBuilder``) get :meth:`_build`, which
    assembles the request, and the query helpers. ``RequestBuilder`` supplies ``config``.
    """

    __slots__ = ()

    config: ClientConfig
    # The headers of a call with no per-call ones (no idempotency key, no extra headers,
    # no token provider), by (stream, has_body); ``RequestBuilder`` supplies the dict.
    fixed_headers: dict[tuple[bool, bool], tuple[tuple[str, str], ...]]

    @staticmethod
    def _include(include: Include | NotGiven | None) -> list[tuple[str, str]]:
        """``include[]=`` once per item; ``None`` leaves it out and a lone string is sent
        as ``include=...``, both as the SDK does (the server judges the values)."""
        if include is None or isinstance(include, NotGiven):
            return []
        if isinstance(include, str):
            return [("include", include)]
        return [("include[]", query_text(item)) for item in include]

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
            (name, query_text(value))
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
                (str(k), query_text(v))
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
                    body[key] = jsonable(value)
        # A POST without a body still says so with ``Content-Length: 0`` on every transport,
        # as the SDK does (RFC 9110, 8.6); there is no Content-Type for no content.
        data = b"" if body is None and method == "POST" else None
        if body is not None:
            import json  # on the first request with a body, not at import

            try:
                text = json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
                data = text.encode()
            except ValueError as exc:  # NaN, an infinity or a lone surrogate: not valid JSON
                raise InvalidRequestError(f"cannot send the body as JSON: {exc}") from None
        headers = self._headers(stream, bool(data), idempotency_key, extra_headers)
        seconds = config.timeout if isinstance(timeout, NotGiven) else timeout_seconds(timeout)
        # positional: keywords cost a plain call about a tenth of a microsecond each
        return Request(
            method, url, headers, data, stream, seconds, result, config.max_retries,
            config.sensitive_headers,
        )  # fmt: skip

    def _headers(
        self,
        stream: bool,
        has_body: bool,
        idempotency_key: str | None,
        extra_headers: Mapping[str, str] | None,
    ) -> tuple[tuple[str, str], ...]:
        config = self.config
        if idempotency_key is None and not extra_headers and config.token_provider is None:
            # Nothing that changes per call: built and checked once per (stream, has_body).
            key = (stream, has_body)
            found = self.fixed_headers.get(key)
            if found is None:
                found = self.fixed_headers[key] = self._merge_headers(stream, has_body, None, None)
            return found
        return self._merge_headers(stream, has_body, idempotency_key, extra_headers)

    def _merge_headers(
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
            if omitted(value):  # the SDK's omit: remove the header, as it does
                merged.pop(name.lower(), None)
            else:
                merged[name.lower()] = _check_header(name, str(value))

        put(*config.credential())
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
