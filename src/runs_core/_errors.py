"""Every error the runs library raises, rooted at :class:`RunsError`.

The names follow what Python users of this API already catch in the official SDK
(``APIStatusError``, ``RateLimitError``, ``APIConnectionError``...), so migrating code
keeps its ``except`` clauses. As in h11, the hierarchy also says whose fault an error is:
:class:`InvalidRequestError` is the caller's (raised before anything is sent), the
:class:`APIError` family is the server's or the network's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._headers import Headers

if TYPE_CHECKING:
    from ._request import Request

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidRequestError",
    "LimitExceededError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RunsError",
    "SSEProtocolError",
    "StreamError",
    "StreamErrorEvent",
    "StreamEventDecodeError",
    "StreamIncompleteError",
    "UnprocessableEntityError",
    "excerpt",
]

EXCERPT_CHARS = 200


def excerpt(data: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """A short, printable prefix of a body, for error messages that must not flood logs."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes | bytearray) else data
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


class RunsError(Exception):
    """Base class of every exception raised by runs."""


class InvalidRequestError(RunsError, ValueError):
    """The caller asked for something that cannot be sent (empty id, bad limit, CR in a header).

    Raised while building a request, so nothing has gone over the wire.
    """


class APIError(RunsError):
    """Something went wrong on the server's side of a call or on the way to it."""

    message: str
    request: Request | None
    body: object | None

    def __init__(
        self, message: str, *, request: Request | None = None, body: object | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.request = request
        self.body = body


class APIConnectionError(APIError):
    """The transport could not connect, or the connection broke before a full response."""

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=request)
        self.request_id = request_id


class APITimeoutError(APIConnectionError):
    """Connecting, or waiting for the next bytes of a response, took longer than allowed."""

    def __init__(
        self,
        message: str = "Request timed out.",
        *,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=request_id)


class APIStatusError(APIError):
    """The server answered with a 4xx or 5xx status.

    ``error`` holds the parsed ``{"error": {...}}`` object when the body had one; ``code``,
    ``param`` and ``type`` are copied from it for convenience.
    """

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Headers,
        body: object | None,
        request: Request | None = None,
    ) -> None:
        super().__init__(message, request=request, body=body)
        self.status_code = status_code
        self.headers = headers
        self.request_id: str | None = headers.get("x-request-id")
        error: dict[str, Any] | None = None
        if isinstance(body, dict):
            inner = body.get("error", body)
            error = inner if isinstance(inner, dict) else None
        self.error = error
        self.code: str | None = _str_or_none(error, "code")
        self.param: str | None = _str_or_none(error, "param")
        self.type: str | None = _str_or_none(error, "type")


def _str_or_none(error: dict[str, Any] | None, key: str) -> str | None:
    value = None if error is None else error.get(key)
    return None if value is None else str(value)


class BadRequestError(APIStatusError):
    """HTTP 400."""


class AuthenticationError(APIStatusError):
    """HTTP 401: missing or wrong API key."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""


class NotFoundError(APIStatusError):
    """HTTP 404: unknown thread, run or step id."""


class ConflictError(APIStatusError):
    """HTTP 409."""


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""


class RateLimitError(APIStatusError):
    """HTTP 429."""


class InternalServerError(APIStatusError):
    """Any HTTP status of 500 or above."""


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not what the contract says (not JSON, wrong shape)."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: Headers,
        body: bytes,
        request: Request | None = None,
    ) -> None:
        super().__init__(f"{message}; body starts: {excerpt(body)!r}", request=request, body=body)
        self.status_code = status_code
        self.headers = headers
        self.request_id: str | None = headers.get("x-request-id")


class LimitExceededError(APIError):
    """The server sent more than a configured bound allows (a body, an SSE line or event)."""


class StreamError(APIError):
    """Base class of the errors raised while reading a server-sent event stream."""

    request_id: str | None = None


class SSEProtocolError(StreamError):
    """The bytes of the stream cannot be framed as server-sent events."""


class StreamEventDecodeError(StreamError):
    """An event's data is not JSON, or does not fit the type its event name announces."""

    def __init__(self, message: str, *, event: str, data: str) -> None:
        super().__init__(f"{message} (event {event!r}, data starts: {excerpt(data)!r})", body=data)
        self.event = event
        self.data = data


class StreamIncompleteError(StreamError):
    """The stream ended before its ``done`` event: the result is partial, not a success."""


class StreamErrorEvent(StreamError):
    """The server sent an ``error`` event; ``error`` holds its payload."""

    def __init__(self, message: str, *, error: object, data: str) -> None:
        super().__init__(message, body=error)
        self.error = error
        self.data = data
