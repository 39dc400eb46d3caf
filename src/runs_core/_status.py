"""Mapping a non-2xx HTTP response to the matching exception, and bounding body size.

Kept apart from response parsing so the retry flow can raise status errors without
importing the (comparatively heavy) response models.
"""

from __future__ import annotations

from ._errors import (
    APIResponseValidationError,
    APIStatusError,
    LimitExceededError,
    status_class,
)
from ._headers import Headers
from ._request import Request, Response, ResultKind

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_TRAILING_BYTES",
    "BodyBuffer",
    "keeps_body_open",
    "not_an_event_stream",
    "status_error",
]

DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024
"""Default bound on a buffered (non-stream) response body."""
DEFAULT_MAX_TRAILING_BYTES = 64 * 1024
"""Default bound on the bytes a stream may send after its ``done`` event."""


class BodyBuffer:
    """Collects a response body chunk by chunk, refusing to grow past ``limit`` bytes.

    Drivers feed it whatever their transport yields, so a hostile or broken server cannot
    make the client buffer an unbounded body. ``request`` and ``request_id`` (the
    response's ``x-request-id``) are what the limit error reports.
    """

    __slots__ = ("_chunks", "_size", "limit", "request", "request_id")

    def __init__(
        self,
        limit: int = DEFAULT_MAX_BODY_BYTES,
        *,
        request: Request | None = None,
        request_id: str | None = None,
    ) -> None:
        self.limit = limit
        self.request = request
        self.request_id = request_id
        self._chunks: list[bytes] = []
        self._size = 0

    def feed(self, chunk: bytes | bytearray | memoryview) -> None:
        """Append ``chunk``; raises :class:`LimitExceededError` once the total passes the limit."""
        self._size += len(chunk)
        if self._size > self.limit:
            raise LimitExceededError(
                f"response body exceeds the limit of {self.limit} bytes; "
                "raise max_body_bytes if this server really sends bodies this large",
                request=self.request,
                request_id=self.request_id,
            )
        self._chunks.append(chunk if type(chunk) is bytes else bytes(chunk))

    def getvalue(self) -> bytes:
        return b"".join(self._chunks)


def status_error(
    request: Request | None, status: int, headers: Headers, body: bytes
) -> APIStatusError:
    """The exception for a non-2xx response, shaped as the official SDK shapes it.

    ``body`` on the error is the inner ``error`` object when the body is
    ``{"error": {...}}``, else the parsed JSON, else the body's text; the message is
    ``Error code: <status>``, followed by `` - <error.message>`` when there is one.
    """
    text = body.decode("utf-8", "replace").strip()
    parsed: object = text
    message = f"Error code: {status}"
    import json  # on the first error response, not at import

    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
        pass
    else:
        error = parsed.get("error", parsed) if isinstance(parsed, dict) else None
        detail = error.get("message") if isinstance(error, dict) else None
        if isinstance(detail, str) and detail:
            message += f" - {detail}"
    if isinstance(parsed, dict):
        parsed = parsed.get("error", parsed)
    response = Response(status, headers, body)
    return status_class(status)(message, response=response, body=parsed, request=request)


def keeps_body_open(request: Request, status: int, headers: Headers) -> bool:
    """Whether a driver leaves this response's body unread for the caller.

    Yes for a 2xx answer to a request sent with ``stream=True``, except when it asked for
    an event stream and the head announces another content type: that body is read whole
    and reported by :func:`not_an_event_stream` instead of failing in the SSE decoder as
    an empty stream. A head without ``Content-Type`` is trusted.
    """
    if not (request.stream and 200 <= status < 300):
        return False
    if request.result is not ResultKind.EVENT_STREAM:
        return True
    content_type = headers.get("content-type")
    return content_type is None or "text/event-stream" in content_type.lower()


def not_an_event_stream(request: Request, response: Response) -> APIResponseValidationError:
    """The error for a 2xx answer to a stream request that is not an event stream."""
    content_type = response.headers.get("content-type")
    return APIResponseValidationError(
        f"expected an event stream (text/event-stream) but the server answered "
        f"{response.status} with content type {content_type!r}",
        response=response,
        request=request,
    )
