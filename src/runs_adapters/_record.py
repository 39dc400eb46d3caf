"""Recording a stream exactly as a client received it: what ``runs record`` writes and
``runs emulator --replay`` serves.

Benchmarks and tests are only as good as the streams they read, and the emulator's are
tidy; a production stream has its own chunking, line endings and event mix. A *capture*
keeps one streamed response in a file:

.. code-block:: text

    : runs-capture {"format": "runs-capture", "version": 1, "request": {...}, ...}
    event: thread.run.created
    data: {...}
    ...

The first line is ``: runs-capture `` and a one-line JSON header: the request's method
and path (no query: query strings are where gateways put keys), the response's status
and headers, and the names of the headers left out. Everything after the first ``\\n``
is the body, byte for byte (CRLF line endings, a missing final blank line, bytes after
``done``: all kept). The first line is an SSE comment, so tools that read the file as a
stream skip it; ``tail -n +2`` gives the body alone.

The header never holds a credential: headers that carry one (``Authorization``,
``api-key``, ``Set-Cookie``..., the client's ``sensitive_headers`` and any named by the
caller) are left out by name, any header whose value contains the request's credential
is left out too, and a body that contains the credential is refused rather than
written. Headers that describe the connection rather than the stream
(``Content-Length``, ``Transfer-Encoding``, ``Content-Encoding``...) are left out as
well: the body is recorded as the client read it, already decoded, and whoever serves
it again frames it anew.

Bytes are taken at the transport boundary (:class:`RecordingTransport`,
:class:`AsyncRecordingTransport` wrap any transport), so recording changes nothing the
client does: every chunk is handed on as it came, and a failure to write is kept for
:meth:`CaptureFile.commit` rather than raised into the client.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from secrets import token_hex
from types import TracebackType
from typing import Any, BinaryIO, Self

from runs_core import Headers, Request

from ._select import ENV_VAR, async_transport, sync_transport
from ._transport import (
    AsyncTransport,
    AsyncTransportResponse,
    SyncTransport,
    SyncTransportResponse,
)

__all__ = [
    "CAPTURE_PREFIX",
    "CAPTURE_VERSION",
    "SECRET_HEADERS",
    "AsyncRecordingTransport",
    "CaptureFile",
    "RecordingTransport",
    "capture_header",
    "header_line",
    "read_capture",
]

CAPTURE_PREFIX = b": runs-capture "
CAPTURE_VERSION = 1
# Response headers never written, whatever the server sends: credentials, cookies, and
# the organisation and project ids that name the account a stream came from.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "api-key",
        "openai-api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
    }
)
# How this connection carried the body, not what the body is (see the module docstring).
FRAMING_HEADERS = frozenset(
    {
        "connection",
        "content-encoding",
        "content-length",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# A credential this short is no secret worth searching for inside other text (it would
# match ordinary words); it is still left out where it is a header's whole value.
_MIN_SEARCHED = 8
_REDACTED = "<redacted>"


class _CaptureError(RuntimeError):
    """Why a capture was not written (nothing recorded, a body cut short, a credential in
    the body). A ``RuntimeError``, kept private: it is the recorder's, not the API's."""


def read_capture(path: str | os.PathLike[str]) -> tuple[dict[str, Any], bytes]:
    """The header and the body of a capture file, the body exactly as recorded.

    A file that does not start with the ``: runs-capture`` line is taken as a bare SSE
    body (any stream saved by another tool): its header is ``{}``. Raises ``ValueError``
    for a header line that is not a JSON object, ``OSError`` if the file cannot be read.
    """
    data = Path(path).read_bytes()
    if not data.startswith(CAPTURE_PREFIX):
        return {}, data
    end = data.find(b"\n")
    line, body = (data, b"") if end < 0 else (data[:end], data[end + 1 :])
    try:
        header = json.loads(line[len(CAPTURE_PREFIX) :].rstrip(b"\r"))
    except (ValueError, RecursionError):
        raise ValueError(f"{os.fspath(path)}: the runs-capture line is not JSON") from None
    if not isinstance(header, dict):
        raise ValueError(f"{os.fspath(path)}: the runs-capture line is not a JSON object")
    return header, body


def _secrets_of(request: Request, extra: Iterable[str]) -> set[str]:
    """The credential values a request carries (a header's whole value, and the part after
    a ``Bearer``-style scheme), and the ``extra`` ones the caller knows."""
    found = {value for value in extra if value}
    for name, value in request.headers:
        if name.lower() in request.sensitive and value.strip():
            found.add(value.strip())
            _scheme, space, rest = value.strip().partition(" ")
            if space and rest.strip():
                found.add(rest.strip())
    return found


def _leaks(text: str, secrets: Iterable[str]) -> bool:
    return any(
        text == secret or (len(secret) >= _MIN_SEARCHED and secret in text) for secret in secrets
    )


def capture_header(
    request: Request,
    status: int,
    headers: Headers,
    *,
    sensitive_headers: Iterable[str] = (),
    secrets: Iterable[str] = (),
) -> dict[str, Any]:
    """The JSON header of a capture of ``request``'s response: method and path (the query
    dropped, a credential in the path masked), status, and the headers safe to keep.

    Left out: :data:`SECRET_HEADERS`, the request's own secret header names (the client's
    ``sensitive_headers``), ``sensitive_headers``, the framing headers, and any header
    whose value holds a credential (the request's, or one of ``secrets``). The names
    left out are listed under ``omitted_headers``, their values nowhere.
    """
    known = _secrets_of(request, secrets)
    never = SECRET_HEADERS | request.sensitive | {name.lower() for name in sensitive_headers}
    path = request.path.split("?", 1)[0]
    for secret in known:
        if len(secret) >= _MIN_SEARCHED or path == secret:
            path = path.replace(secret, _REDACTED)
    kept: list[list[str]] = []
    omitted: set[str] = set()
    for name, value in headers.raw_items():
        lowered = name.lower()
        if lowered in never or lowered in FRAMING_HEADERS or _leaks(value, known):
            omitted.add(lowered)
        else:
            kept.append([name, value])
    return {
        "format": "runs-capture",
        "version": CAPTURE_VERSION,
        "recorded_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "request": {"method": request.method, "path": path},
        "response": {"status": status, "headers": kept},
        "omitted_headers": sorted(omitted),
    }


def header_line(header: dict[str, Any]) -> bytes:
    """The first line of a capture file for ``header``: ASCII, one line, ``\\n``-ended."""
    return CAPTURE_PREFIX + json.dumps(header, ensure_ascii=True).encode("ascii") + b"\n"


def _new_beside(path: Path) -> tuple[Path, int]:
    """A new temporary file in ``path``'s folder (so renaming it onto ``path`` is atomic),
    created with the permissions any new file gets (``tempfile``'s are owner-only)."""
    while True:
        temp = path.with_name(f".{path.name}.{token_hex(4)}.part")
        try:
            return temp, os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


class CaptureFile:
    """One capture being written to ``path``: the last streamed response a recording
    transport saw, header line first, then its body as the client reads it.

    The bytes go to a temporary file beside ``path``, which :meth:`commit` renames into
    place once the body was read to its end, so ``path`` never holds half a stream (and
    an existing file is replaced only by a whole one). Creating it fails at once
    (``OSError``) if that folder cannot be written, before anything is sent. Used with
    ``with``, it commits when the block ends normally and discards otherwise.

    A streamed request retried by the client (after a 429 or 5xx) starts the capture
    again: the response the client finally read is the one kept.
    ``sensitive_headers`` and ``secrets`` (such as the API key, for a server that echoes
    it somewhere unexpected) add to what :func:`capture_header` leaves out.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        sensitive_headers: Iterable[str] = (),
        secrets: Iterable[str] = (),
    ) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise IsADirectoryError(21, "Is a directory", str(self.path))
        self.sensitive_headers = tuple(sensitive_headers)
        self.secrets = tuple(secret for secret in secrets if secret)
        self._temp, handle = _new_beside(self.path)
        self._file: BinaryIO | None = os.fdopen(handle, "wb")
        self.header: dict[str, Any] | None = None
        """The header of the response being recorded (``None`` until one arrives)."""
        self.body_bytes = 0
        self.complete = False
        """Whether the body was read to its end (a client that stops early leaves a
        partial body, which is never committed)."""
        self._attempt = 0
        self._error: OSError | None = None
        self._searched: tuple[bytes, ...] = ()
        self._tail = b""
        self._leaked = False

    # -- called by the recording transports ------------------------------------------------

    def begin(self, request: Request, status: int, headers: Headers) -> int:
        """A streamed response's head arrived: start the capture over with its header.
        Returns the attempt number its body chunks are written under."""
        self._attempt += 1
        header = capture_header(
            request, status, headers,
            sensitive_headers=self.sensitive_headers, secrets=self.secrets,
        )  # fmt: skip
        self.header, self.body_bytes, self.complete = header, 0, False
        searched = _secrets_of(request, self.secrets)
        self._searched = tuple(s.encode() for s in searched if len(s) >= _MIN_SEARCHED)
        self._tail, self._leaked = b"", False
        self._guarded(self._restart, header_line(header))
        return self._attempt

    def write(self, attempt: int, chunk: bytes) -> None:
        """Append a body chunk of response ``attempt`` (a stale attempt's are ignored)."""
        if attempt != self._attempt:
            return
        self.body_bytes += len(chunk)
        if self._searched and not self._leaked:
            window = self._tail + bytes(chunk)
            self._leaked = any(secret in window for secret in self._searched)
            longest = max(len(secret) for secret in self._searched)
            self._tail = window[-(longest - 1) :] if longest > 1 else b""
        self._guarded(self._append, chunk)

    def finish(self, attempt: int) -> None:
        """Response ``attempt``'s body was read to its end."""
        if attempt == self._attempt:
            self.complete = True

    # -- called by whoever records -----------------------------------------------------------

    def commit(self) -> int:
        """Move the capture into place; returns the body's size in bytes.

        Raises ``RuntimeError`` if no streamed response was recorded, if its body was not
        read to its end, or if it contains a credential (nothing is written then), and
        ``OSError`` if writing failed.
        """
        try:
            if self._error is not None:
                raise self._error
            if self.header is None:
                raise _CaptureError("no streamed response was recorded")
            if not self.complete:
                raise _CaptureError("the stream was not read to its end: nothing written")
            if self._leaked:
                raise _CaptureError(
                    "the stream's body contains the API key (or another credential the "
                    "request carried): nothing written"
                )
            file, self._file = self._file, None
            if file is not None:
                file.close()
            os.replace(self._temp, self.path)
        except BaseException:
            self.discard()
            raise
        return self.body_bytes

    def discard(self) -> None:
        """Remove the temporary file; ``path`` is left as it was."""
        file, self._file = self._file, None
        if file is not None:
            file.close()
        self._temp.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if et is None:
            self.commit()
        else:
            self.discard()

    def _restart(self, line: bytes) -> None:
        assert self._file is not None
        self._file.seek(0)
        self._file.truncate()
        self._file.write(line)

    def _append(self, chunk: bytes) -> None:
        assert self._file is not None
        self._file.write(chunk)

    def _guarded(self, action: Any, data: bytes) -> None:
        """Run a file operation, keeping its failure for :meth:`commit`: the client goes on
        reading as if nobody were recording."""
        if self._error is not None:
            return
        if self._file is None:
            self._error = OSError("the capture was already committed or discarded")
            return
        try:
            action(data)
        except OSError as exc:
            self._error = exc


class _RecordingResponse:
    """A streamed response whose body chunks are copied into a capture as they are read."""

    def __init__(self, response: SyncTransportResponse, capture: CaptureFile, attempt: int) -> None:
        self._response = response
        self._capture = capture
        self._attempt = attempt
        self.status = response.status
        self.headers = response.headers

    def iter_bytes(self) -> Iterator[bytes]:
        capture, attempt = self._capture, self._attempt
        for chunk in self._response.iter_bytes():
            capture.write(attempt, chunk)
            yield chunk
        capture.finish(attempt)

    def close(self) -> None:
        self._response.close()


class _AsyncRecordingResponse:
    """The async twin of :class:`_RecordingResponse`."""

    def __init__(
        self, response: AsyncTransportResponse, capture: CaptureFile, attempt: int
    ) -> None:
        self._response = response
        self._capture = capture
        self._attempt = attempt
        self.status = response.status
        self.headers = response.headers

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        capture, attempt = self._capture, self._attempt
        async for chunk in self._response.aiter_bytes():
            capture.write(attempt, chunk)
            yield chunk
        capture.finish(attempt)

    async def aclose(self) -> None:
        await self._response.aclose()


class RecordingTransport:
    """A blocking transport that sends through ``transport`` (a name, an instance, or
    ``None`` for the default, as ``Client(transport=...)`` takes) and records each
    streamed response into ``capture``. Requests go out unchanged; responses that are not
    streams pass straight through. Closing it closes ``transport``.
    """

    def __init__(self, capture: CaptureFile, transport: str | SyncTransport | None = None):
        self.capture = capture
        self.transport = sync_transport(transport, os.environ.get(ENV_VAR), {})

    def send(self, request: Request) -> SyncTransportResponse:
        response = self.transport.send(request)
        if not request.stream:
            return response
        attempt = self.capture.begin(request, response.status, response.headers)
        return _RecordingResponse(response, self.capture, attempt)

    def sleep(self, seconds: float) -> None:
        self.transport.sleep(seconds)

    def close(self) -> None:
        self.transport.close()


class AsyncRecordingTransport:
    """The async twin of :class:`RecordingTransport` (``AsyncClient(transport=...)``).
    The capture is written with plain file calls, which take microseconds per chunk."""

    def __init__(self, capture: CaptureFile, transport: str | AsyncTransport | None = None):
        self.capture = capture
        self.transport = async_transport(transport, os.environ.get(ENV_VAR), {})

    async def send(self, request: Request) -> AsyncTransportResponse:
        response = await self.transport.send(request)
        if not request.stream:
            return response
        attempt = self.capture.begin(request, response.status, response.headers)
        return _AsyncRecordingResponse(response, self.capture, attempt)

    async def sleep(self, seconds: float) -> None:
        await self.transport.sleep(seconds)

    async def aclose(self) -> None:
        await self.transport.aclose()
