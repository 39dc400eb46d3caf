"""One HTTP exchange as plain data: the :class:`Request` every transport knows how to
send, and the :class:`Response` that came back.

A :class:`Request` is complete: method, absolute URL (query included), headers, body bytes,
whether the response is an event stream, and the timeout. A transport needs nothing else,
which is what lets the same core drive httpx, aiohttp, trio, requests or a plain socket.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._frozen import Frozen
from ._headers import Headers

__all__ = ["Request", "Response", "ResultKind"]


class ResultKind(enum.Enum):
    """What a successful response body is parsed into."""

    RUN = "run"
    RUN_STEP = "run_step"
    RUN_PAGE = "run_page"
    RUN_STEP_PAGE = "run_step_page"
    EVENT_STREAM = "event_stream"
    ASSISTANT = "assistant"
    ASSISTANT_PAGE = "assistant_page"
    ASSISTANT_DELETED = "assistant_deleted"
    THREAD = "thread"
    THREAD_DELETED = "thread_deleted"
    MESSAGE = "message"
    MESSAGE_PAGE = "message_page"
    MESSAGE_DELETED = "message_deleted"

    @property
    def is_page(self) -> bool:
        """Whether the result is one page of a cursor-paginated list."""
        return self in _PAGE_KINDS


_PAGE_KINDS = frozenset(
    {
        ResultKind.RUN_PAGE,
        ResultKind.RUN_STEP_PAGE,
        ResultKind.ASSISTANT_PAGE,
        ResultKind.MESSAGE_PAGE,
    }
)


# Header names (lower case) whose values are secrets on every client; a client adds its own
# (``sensitive_headers``). They are masked in ``repr()`` and in the requests errors keep.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "api-key", "openai-api-key"})

# What a secret header's value is replaced with.
REDACTED = "<redacted>"


if TYPE_CHECKING:  # a bare ``Request`` is ``Request[Any]`` (typing_extensions, checkers only)
    from typing_extensions import TypeVar as _TypeVarWithDefault

    T = _TypeVarWithDefault("T", default=Any)
else:
    T = TypeVar("T")


class Request(Frozen, Generic[T]):
    """One HTTP request, ready for the wire; ``T`` is what its successful answer parses
    into (``Request[Run]``), for type checkers only.

    ``headers`` is a tuple of ``(name, value)`` pairs in the order they should be sent.
    ``timeout`` is in seconds and applies to connecting and to each read; ``None`` means
    wait forever. ``sensitive`` holds the lower-case names of the headers whose values
    are secrets (``Authorization``, ``api-key``... and a client's ``sensitive_headers``):
    ``repr()`` never shows them, and :meth:`redacted` is a copy without them, which is
    what errors keep.
    """

    __slots__ = (
        "body", "headers", "max_retries", "method", "result", "sensitive", "stream", "timeout",
        "url",
    )  # fmt: skip
    _fields = (
        "method", "url", "headers", "body", "stream", "timeout", "result", "max_retries",
        "sensitive",
    )  # fmt: skip
    _compared = _fields[:-1]  # not ``sensitive``

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    stream: bool
    timeout: float | None
    result: ResultKind
    max_retries: int
    sensitive: frozenset[str]

    def __init__(
        self,
        method: str,
        url: str,
        headers: tuple[tuple[str, str], ...],
        body: bytes | None,
        stream: bool,
        timeout: float | None,
        result: ResultKind,
        max_retries: int = 2,
        sensitive: frozenset[str] = SECRET_HEADERS,
    ) -> None:
        self._fill(method, url, headers, body, stream, timeout, result, max_retries, sensitive)

    def header(self, name: str) -> str | None:
        """The value of the first header called ``name`` (any case), or ``None``."""
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None

    @property
    def path(self) -> str:
        """The URL without scheme and authority, as it goes on the request line."""
        rest = self.url.split("://", 1)[-1]
        slash = rest.find("/")
        return "/" if slash < 0 else rest[slash:]

    def redacted(self) -> Request[T]:
        """This request with every secret header's value replaced by ``<redacted>``.

        Errors keep this copy (built when an error is, off the path of a successful call),
        so nothing reachable from an exception holds a key; transports send the original.
        """
        sensitive = self.sensitive
        if not any(k.lower() in sensitive for k, _ in self.headers):
            return self
        headers = tuple((k, REDACTED if k.lower() in sensitive else v) for k, v in self.headers)
        return self.replace(headers=headers)

    def __repr__(self) -> str:
        sensitive = self.sensitive
        shown = [(k, REDACTED if k.lower() in sensitive else v) for k, v in self.headers]
        return (
            f"Request(method={self.method!r}, url={self.url!r}, headers={shown!r}, "
            f"body={None if self.body is None else len(self.body)!r} bytes, "
            f"stream={self.stream!r}, timeout={self.timeout!r}, result={self.result.name})"
        )


class Response(Frozen):
    """A response's status and headers, and its body once read.

    ``body`` is ``None`` while a stream's body is still open on the transport. Errors keep
    the response they were built from (``APIStatusError.response``). A driver also records
    how many retries came before this response and the seconds its attempt took (to the
    end of the body, or to the head of a stream left open), which raw responses report.
    """

    __slots__ = ("body", "elapsed", "headers", "retries_taken", "status")
    _fields = ("status", "headers", "body", "retries_taken", "elapsed")
    _compared = ("status", "headers", "body")

    status: int
    headers: Headers
    body: bytes | None
    retries_taken: int
    elapsed: float

    def __init__(
        self,
        status: int,
        headers: Headers,
        body: bytes | None,
        retries_taken: int = 0,
        elapsed: float = 0.0,
    ) -> None:
        self._fill(status, headers, body, retries_taken, elapsed)

    @property
    def request_id(self) -> str | None:
        """The server's ``x-request-id``, which support asks for."""
        return self.headers.get("x-request-id")

    @property
    def status_code(self) -> int:
        """``status``, under the name httpx's responses (and so the SDK's errors) use."""
        return self.status

    @property
    def content(self) -> bytes:
        """The body's bytes (empty while a stream's body is open)."""
        return self.body or b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self) -> Any:
        """The body parsed as JSON (raises ``ValueError`` if it is not JSON)."""
        import json  # not at import: trio's stack, for one, loads no json module

        return json.loads(self.content)
