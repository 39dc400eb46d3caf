"""Every error the runs library raises, rooted at :class:`RunsError`.

The names follow what Python users of this API already catch in the official SDK
(``APIStatusError``, ``RateLimitError``, ``APIConnectionError``...), so migrating code
keeps its ``except`` clauses. As in h11, the hierarchy also says whose fault an error is:
:class:`InvalidRequestError` is the caller's (raised before anything is sent), the
:class:`APIError` family is the server's or the network's.

Every attribute is declared on its class and set by the constructor: an error raised
while reading a response already knows the request and the response's ``x-request-id``.
Each status class declares its status as a literal (``NotFoundError.status_code`` is
``Literal[404]``), and the status-to-class table is derived from those declarations
(:func:`status_class`).
"""

# No ``from __future__ import annotations`` here: status_class() reads the literal
# status annotations as objects.
import typing
from typing import Any, Literal

from ._headers import Headers
from ._request import Request, Response

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
    "status_class",
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
    """Something went wrong on the server's side of a call or on the way to it.

    ``request`` is the request that failed, its secret headers masked (``None`` when the
    error was raised by code that was given bytes only, such as a bare decoder);
    ``request_id`` is the response's ``x-request-id`` when a response head arrived;
    ``body`` is what the server sent about the error, when it sent something.
    """

    message: str
    request: Request | None
    request_id: str | None
    body: object | None

    def __init__(
        self,
        message: str,
        *,
        request: Request | None = None,
        request_id: str | None = None,
        body: object | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        # A copy without the secret headers: error reports and tracing tools serialise
        # exceptions, and the key must not go with them (errors are rare: off the hot path).
        self.request = None if request is None else request.redacted()
        self.request_id = request_id
        self.body = body


class APIConnectionError(APIError):
    """The transport could not connect, or the connection broke before a full response.

    Raised by transports while sending or while reading a body. When the head had
    arrived, ``request_id`` is set.
    """

    def __init__(
        self,
        message: str = "Connection error.",
        *,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=request_id)

    def after_head(self, request_id: str | None) -> "APIConnectionError":
        """This failure as seen by a caller that had the response head: a new error of the
        same class and message, with the head's ``request_id`` and this error as its cause
        (a transport that raised it while reading a body knew bytes only)."""
        error = type(self)(self.message, request=self.request, request_id=request_id)
        error.__cause__ = self
        return error


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

    ``response`` holds the status, headers and body bytes. ``body`` is what the official
    SDK puts there: the inner object of an ``{"error": {...}}`` body, else the parsed
    JSON, else the body's text. ``error`` is that object when it is one; ``code``,
    ``param`` and ``type`` are copied from it.
    """

    response: Response
    status_code: int
    headers: Headers
    error: dict[str, Any] | None
    code: str | None
    param: str | None
    type: str | None

    def __init__(
        self,
        message: str,
        *,
        response: Response,
        body: object | None,
        request: Request | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=response.request_id, body=body)
        self.response = response
        self.status_code = response.status
        self.headers = response.headers
        error = body if isinstance(body, dict) else None
        self.error = error
        self.code = _str_or_none(error, "code")
        self.param = _str_or_none(error, "param")
        self.type = _str_or_none(error, "type")


def _str_or_none(error: dict[str, Any] | None, key: str) -> str | None:
    value = None if error is None else error.get(key)
    return None if value is None else str(value)


class BadRequestError(APIStatusError):
    """HTTP 400: the server refused the request's parameters."""

    status_code: Literal[400]


class AuthenticationError(APIStatusError):
    """HTTP 401: missing or wrong API key."""

    status_code: Literal[401]


class PermissionDeniedError(APIStatusError):
    """HTTP 403."""

    status_code: Literal[403]


class NotFoundError(APIStatusError):
    """HTTP 404: unknown thread, run or step id."""

    status_code: Literal[404]


class ConflictError(APIStatusError):
    """HTTP 409."""

    status_code: Literal[409]


class UnprocessableEntityError(APIStatusError):
    """HTTP 422."""

    status_code: Literal[422]


class RateLimitError(APIStatusError):
    """HTTP 429."""

    status_code: Literal[429]


class InternalServerError(APIStatusError):
    """Any HTTP status of 500 or above."""


def _literal_statuses() -> dict[int, type[APIStatusError]]:
    table: dict[int, type[APIStatusError]] = {}
    for cls in APIStatusError.__subclasses__():
        # The class's own annotations (``inspect.get_annotations``, without importing
        # inspect at client construction: it costs a few ms).
        own = cls.__dict__.get("__annotations__", {})  # noqa: RUF063
        for status in typing.get_args(own.get("status_code")):
            table[status] = cls
    return table


_STATUS_CLASSES = _literal_statuses()


def status_class(status: int) -> type[APIStatusError]:
    """The class raised for a non-2xx ``status``: the one declaring it as its literal
    ``status_code``, else :class:`InternalServerError` from 500 up, else
    :class:`APIStatusError`."""
    cls = _STATUS_CLASSES.get(status)
    if cls is not None:
        return cls
    return InternalServerError if status >= 500 else APIStatusError


class APIResponseValidationError(APIError):
    """A 2xx response whose body is not what the contract says (not JSON, wrong shape).

    ``body`` is the body's bytes; ``response`` the whole response.
    """

    response: Response
    status_code: int
    headers: Headers

    def __init__(self, message: str, *, response: Response, request: Request | None = None):
        body = response.body or b""
        super().__init__(
            f"{message}; body starts: {excerpt(body)!r}",
            request=request,
            request_id=response.request_id,
            body=body,
        )
        self.response = response
        self.status_code = response.status
        self.headers = response.headers


class LimitExceededError(APIError):
    """The server sent more than a configured bound allows (a body, an SSE line or event)."""


class StreamError(APIError):
    """Base class of the errors raised while reading a server-sent event stream."""


class SSEProtocolError(StreamError):
    """The bytes of the stream cannot be framed as server-sent events."""


class StreamEventDecodeError(StreamError):
    """An event's data is not JSON, or does not fit the type its event name announces.

    ``reason`` says what is wrong, ``event`` and ``data`` are the event's name and data.
    """

    reason: str
    event: str
    data: str

    def __init__(
        self,
        reason: str,
        *,
        event: str,
        data: str,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(
            f"{reason} (event {event!r}, data starts: {excerpt(data)!r})",
            request=request,
            request_id=request_id,
            body=data,
        )
        self.reason = reason
        self.event = event
        self.data = data


class StreamIncompleteError(StreamError):
    """The stream ended before its ``done`` event: the result is partial, not a success."""


class StreamErrorEvent(StreamError):
    """The server sent an ``error`` event; ``error`` holds its payload."""

    error: object
    data: str

    def __init__(
        self,
        message: str,
        *,
        error: object,
        data: str,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, request=request, request_id=request_id, body=error)
        self.error = error
        self.data = data
