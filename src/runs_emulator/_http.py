"""One HTTP/1.1 connection: parse requests with h11, authenticate, inject faults, respond.

Owning the bytes (rather than using a web framework) is what lets the emulator cut a
body mid-way, stall, drip, or answer nothing at all, and count connections exactly.

It is also what bounds a connection: a request head must arrive within
``header_timeout``, its body within ``body_timeout`` and at most ``max_body_bytes`` long
(refused by its Content-Length before any of it is read, or counted as chunks arrive),
and a keep-alive connection idle for ``idle_timeout`` is closed. A refused request gets
the API's error body (408, 413, 431, 400) and the connection is closed after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from dataclasses import dataclass, field, replace
from hmac import compare_digest
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit

import h11

from ._api import Api
from ._auth import API_PREFIX, AZURE_PREFIX, AuthScheme, azure_not_found
from ._body import BodyWriter, ClientGone, Dropped
from ._channel import Segment
from ._durable import StorageError
from ._errors import ApiError, injected, redact_key
from ._faults import HEADER as FAULT_HEADER
from ._faults import Fault, FaultCounter, parse_fault
from ._ids import new_request_id
from ._replay import Capture, ReplayQueue
from ._responses import JsonResponse, Request, Response, StreamResponse
from ._sse import DONE, split_events
from ._stats import RequestRecord, Stats

log = logging.getLogger("runs_emulator")

READ_SIZE = 65536
BATCH_BYTES = 256 * 1024
MALFORMED_JSON = b'{"object": "thread.run", "id": <<this is not JSON>>'
MALFORMED_EVENT = b'event: thread.message.delta\ndata: {"id": "msg_broken", <<garbage\n\n'
ERROR_EVENT = (
    b'event: error\ndata: {"code": "server_error", "message": "The server had an error '
    b'while processing your request.", "param": null, "type": "server_error"}\n\n'
)
# Headers whose values are credentials: masked in the request log and everything served.
SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "api-key", "x-api-key", "openai-api-key", "cookie"}
)
ADMIN_PREFIX = "/_emulator"


@dataclass(frozen=True)
class Limits:
    """What one connection may cost the server (see the module docstring)."""

    max_body_bytes: int = 8 * 1024 * 1024
    header_timeout: float = 10.0
    body_timeout: float = 30.0
    idle_timeout: float = 60.0
    # After refusing a request whose body was not read: how long to keep reading (and
    # discarding) so the client is not reset before it can read the refusal.
    linger: float = 1.0


class _Close(Exception):
    """Stop serving this connection without another word."""


class _Refused(Exception):
    """The request is refused before it reaches the API; the connection closes after."""

    def __init__(self, error: ApiError) -> None:
        super().__init__(error.message)
        self.error = error


class _IdleTimeout(Exception):
    """A keep-alive connection sent nothing for ``idle_timeout``."""


def key_digest(key: str) -> bytes:
    """What the server keeps of its key: compared in constant time, never shown."""
    return hashlib.sha256(key.encode("utf-8")).digest()


def _mask_header(name: str, value: str, also: str | None = None) -> str:
    """A header's value as the request log shows it; ``also``: one more header to mask
    (a gateway's key header, named by ``auth_header``)."""
    if name not in SECRET_HEADERS and name != also:
        return value
    scheme, space, credential = value.partition(" ")
    if space and scheme.lower() in ("bearer", "basic", "token"):
        return f"{scheme} {redact_key(credential.strip())}"
    return redact_key(value)


@dataclass
class Context:
    api: Api
    stats: Stats
    faults: FaultCounter
    key_digest: bytes | None
    limits: Limits
    auth: AuthScheme = field(default_factory=AuthScheme)
    replay: ReplayQueue | None = None  # recorded streams to serve first (see ``_replay``)

    def flush(self) -> None:
        """Persist every change before answering (a no-op without a database)."""
        self.api.store.flush()


class HttpConnection:
    def __init__(
        self, ctx: Context, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ident: int
    ) -> None:
        self.ctx = ctx
        self.reader = reader
        self.writer = writer
        self.ident = ident
        self.conn = h11.Connection(h11.SERVER)
        # "idle" before a request's first byte, "head"/"body" while reading it, "busy" after
        self.phase = "idle"
        self.since = time.monotonic()
        self._deadline = 0.0
        # A read kept pending while a stream waits for events, so a client that hangs up
        # is noticed then (not at the next event, which may be minutes away).
        self._watch: asyncio.Future[bytes] | None = None

    def _enter(self, phase: str, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self.phase, self.since = phase, time.monotonic()
        self._deadline = loop.time() + timeout

    def evict(self) -> None:
        """Close this connection to make room for another (only done while it waits)."""
        self.writer.transport.abort()

    async def serve(self) -> None:
        limits = self.ctx.limits
        self._enter("idle", limits.idle_timeout)  # until the first byte of a request
        try:
            while True:
                request = await self._read_request()
                if request is None:
                    return
                self.phase = "busy"
                await self._respond(request)
                if self.conn.our_state is not h11.DONE or self.conn.their_state is not h11.DONE:
                    return
                self.conn.start_next_cycle()
                self._enter("idle", limits.idle_timeout)
        except (_Close, _IdleTimeout, ClientGone, Dropped, ConnectionError, h11.LocalProtocolError):
            return
        except h11.RemoteProtocolError as exc:
            # h11's own message quotes the offending bytes, which may hold a credential
            status = exc.error_status_hint
            message = (
                "Request header fields too large." if status == 431 else "Malformed HTTP request."
            )
            await self._refuse(ApiError(status, message))
        except _Refused as refused:
            await self._refuse(refused.error)
        finally:
            if self._watch is not None:
                self._watch.cancel()
            self.writer.close()

    async def _refuse(self, err: ApiError) -> None:
        """Answer a request that never reached the API, then close (after a short linger
        reading and discarding, so an unread body does not reset the answer away)."""
        if self.conn.our_state not in (h11.IDLE, h11.SEND_RESPONSE):
            return
        body = json.dumps(err.body()).encode()
        headers = [
            ("content-type", "application/json"),
            ("content-length", str(len(body))),
            ("connection", "close"),
            ("x-request-id", new_request_id()),
        ]
        try:
            if self.conn.our_state is h11.IDLE:  # no request head: h11 will not frame it
                self.writer.write(_raw_response(err.status, headers, body))
            else:
                writer = BodyWriter(self.conn, self.writer, None)
                await writer.head(err.status, headers)
                await writer.write(body)
                await writer.end()
            await linger(self.reader, self.writer, self.ctx.limits.linger)
        except (ClientGone, ConnectionError, h11.LocalProtocolError):
            pass

    async def _read(self) -> bytes:
        pending, self._watch = self._watch, None
        try:
            async with asyncio.timeout_at(self._deadline):
                if pending is not None:  # the read a stream left waiting
                    return await pending
                return await self.reader.read(READ_SIZE)
        except TimeoutError:
            if self.phase == "idle":
                raise _IdleTimeout from None
            what = "request head" if self.phase == "head" else "request body"
            raise _Refused(
                ApiError(408, f"Timed out waiting for the {what}.", code="request_timeout")
            ) from None

    async def _read_request(self) -> Request | None:
        limits = self.ctx.limits
        head: h11.Request | None = None
        body: list[bytes] = []
        size = 0
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                if self.conn.they_are_waiting_for_100_continue:
                    self._send(h11.InformationalResponse(status_code=100, headers=[]))
                data = await self._read()
                if self.phase == "idle" and data:
                    self._enter("head", limits.header_timeout)
                self.conn.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
                _check_declared_length(head, limits.max_body_bytes)
                self._enter("body", limits.body_timeout)
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size > limits.max_body_bytes:
                    raise _Refused(_too_large(limits.max_body_bytes, None))
                body.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                assert head is not None
                return _to_request(head, b"".join(body))
            elif isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return None

    def _send(self, event: h11.Event) -> None:
        data = self.conn.send(event)
        if data:
            self.writer.write(data)

    async def _respond(self, req: Request) -> None:
        request_id = new_request_id()
        started = time.monotonic()
        masked = self.ctx.auth.secret_header
        headers = tuple((name, _mask_header(name, value, masked)) for name, value in req.headers)
        self.ctx.stats.record(
            RequestRecord(req.method, req.target, headers, request_id, self.ident, time.time())
        )
        base = [("x-request-id", request_id), ("openai-version", "2020-10-01")]
        fault: Fault | None = None
        capture: Capture | None = None
        try:
            if req.path == ADMIN_PREFIX or req.path.startswith(ADMIN_PREFIX + "/"):
                if self.ctx.key_digest is not None:
                    self._authenticate(req)
                if req.method != "GET" or req.path.rstrip("/") != ADMIN_PREFIX + "/stats":
                    raise ApiError(404, f"Invalid URL ({req.method} {req.path})")
                await self._json(JsonResponse(200, self.ctx.stats.snapshot()), base, None)
                return
            if req.bad_target:
                raise ApiError(400, "Invalid request target: expected a path beginning with /.")
            self._authenticate(req)
            if self.ctx.auth.azure:
                req = self._azure(req)
            raw_fault = req.header(FAULT_HEADER)
            if raw_fault is not None:
                parsed = parse_fault(raw_fault)
                if self.ctx.faults.applies(parsed):
                    fault = parsed
                    self.ctx.stats.faults_injected += 1
            if fault is not None and fault.status is not None:
                failure = injected(fault.status)
                failure.headers = fault.error_headers()
                raise failure
            if self.ctx.replay is not None:
                capture = self.ctx.replay.take(req)
            if capture is None:
                response: Response = self.ctx.api.handle(req)
        except ApiError as err:
            response = JsonResponse(err.status, err.body(), err.headers)
        except Exception:
            log.exception("emulator handler failed for %s %s", req.method, req.path)
            bug = ApiError(
                500, "The server had an error processing your request.", type="server_error"
            )
            response = JsonResponse(500, bug.body())
        if fault is not None and fault.drop_response:
            raise _Close
        if capture is not None:
            await self._replay(capture, fault)
            return
        elapsed = int((time.monotonic() - started) * 1000)
        base.append(("openai-processing-ms", str(elapsed)))
        if isinstance(response, StreamResponse):
            await self._stream(response, base, fault)
        else:
            await self._json(response, base, fault)

    def _authenticate(self, req: Request) -> None:
        self.ctx.auth.check(req.header, self._key_matches)

    def _key_matches(self, key: str) -> bool:
        expected = self.ctx.key_digest
        if expected is None:
            return True
        # Header bytes arrive as latin-1 text: encoding it back gives the bytes sent.
        given = hashlib.sha256(key.encode("latin-1", "replace")).digest()
        return compare_digest(given, expected)

    def _azure(self, req: Request) -> Request:
        """An Azure OpenAI request (``/openai/...?api-version=...``) as the API routes it
        (``/v1/...``); anything else is Azure's 404 (the request log keeps what was sent)."""
        path = req.path
        if not path.startswith(AZURE_PREFIX + "/") or not req.query.get("api-version", "").strip():
            raise azure_not_found()
        return replace(req, path=API_PREFIX + path[len(AZURE_PREFIX) :])

    def _persisted(self) -> bool:
        try:
            self.ctx.flush()
        except StorageError as exc:
            log.error("emulator cannot save its state: %s", exc)
            return False
        return True

    async def _json(
        self, resp: JsonResponse, base: list[tuple[str, str]], fault: Fault | None
    ) -> None:
        if not self._persisted():
            err = ApiError(503, "The server could not save its state.", type="server_error")
            resp = JsonResponse(503, err.body())
        body = json.dumps(resp.body).encode()
        if fault is not None and fault.malformed_json:
            body = MALFORMED_JSON
        headers = [
            ("content-type", "application/json"),
            ("content-length", str(len(body))),
            *base,
            *resp.headers,
        ]
        writer = BodyWriter(self.conn, self.writer, fault)
        await writer.head(resp.status, headers)
        if fault is not None and fault.stall is not None:
            await asyncio.sleep(fault.stall)
        await writer.write(body)
        await writer.end()

    async def _stream(
        self, resp: StreamResponse, base: list[tuple[str, str]], fault: Fault | None
    ) -> None:
        stats, segment = self.ctx.stats, resp.segment
        headers = [
            ("content-type", "text/event-stream; charset=utf-8"),
            ("cache-control", "no-cache"),
            *base,
            *resp.headers,
        ]
        writer = BodyWriter(self.conn, self.writer, fault)
        stats.streams_started += 1
        pos = 0
        try:
            if not self._persisted():
                raise Dropped
            await writer.head(200, headers)
            events = _EventFaults(writer, fault) if fault and _needs_events(fault) else None
            if events is not None:
                await events.before_event()
            while True:
                await self._until_more(segment, pos)
                if pos >= len(segment.chunks):
                    break
                batch, size = [], 0
                while pos < len(segment.chunks) and size < BATCH_BYTES:
                    data = segment.chunks[pos][0]
                    batch.append(data)
                    size += len(data)
                    pos += 1
                if resp.primary:
                    segment.primary_progress(pos)
                if not self._persisted():
                    raise Dropped
                if events is None:
                    await writer.write(b"".join(batch))
                    # A fast reader never blocks drain(); yield so other streams get a turn.
                    await asyncio.sleep(0)
                else:
                    for data in batch:
                        for event in split_events(data):
                            await events.write(event)
            await writer.end()
            stats.streams_completed += 1
        except ClientGone:
            stats.streams_aborted += 1
            raise
        finally:
            if resp.primary:
                segment.detach_primary()

    async def _replay(self, capture: Capture, fault: Fault | None) -> None:
        """Serve a recorded stream: its status and headers, then its body byte for byte,
        in chunks (nothing of the emulator's own is added: the recording's headers are the
        ones a client would have seen). Byte-level faults (``drip``, ``drop-after-bytes``)
        apply as to any body."""
        stats, body = self.ctx.stats, capture.body
        writer = BodyWriter(self.conn, self.writer, fault)
        stats.streams_started += 1
        try:
            await writer.head(capture.status, list(capture.headers))
            for start in range(0, len(body), READ_SIZE):
                await writer.write(body[start : start + READ_SIZE])
                await asyncio.sleep(0)  # let other connections have a turn
            await writer.end()
            stats.streams_completed += 1
        except ClientGone:
            stats.streams_aborted += 1
            raise

    async def _until_more(self, segment: Segment, pos: int) -> None:
        """Wait for a chunk at ``pos`` (or the segment's end), or for the client to hang up
        (``ClientGone``). What it sends meanwhile is kept for its next request."""
        while pos >= len(segment.chunks) and not segment.closed:
            buffered = len(self.conn.trailing_data[0])
            if buffered > READ_SIZE:  # pipelining a lot: stop reading, let TCP push back
                await segment.wait_beyond(pos)
                return
            if self._watch is None:
                self._watch = asyncio.ensure_future(self.reader.read(READ_SIZE))
            watch = self._watch
            await asyncio.wait((segment.changed(), watch), return_when=asyncio.FIRST_COMPLETED)
            if watch.done():
                self._watch = None
                try:
                    data = watch.result()
                except ConnectionError as exc:
                    raise ClientGone from exc
                if not data:
                    raise ClientGone
                self.conn.receive_data(data)


def _needs_events(fault: Fault) -> bool:
    return (
        fault.drop_after_events is not None
        or fault.stall is not None
        or fault.malformed_sse
        or fault.no_done
        or fault.error_event
    )


class _EventFaults:
    """Applies the event-counting faults as a stream is written one event at a time."""

    def __init__(self, writer: BodyWriter, fault: Fault) -> None:
        self.writer = writer
        self.fault = fault
        self.count = 0
        self.stalled = False
        self.corrupted = False

    async def before_event(self) -> None:
        fault, count = self.fault, self.count
        if fault.drop_after_events is not None and count >= fault.drop_after_events:
            raise Dropped
        if fault.stall is not None and not self.stalled and count >= fault.stall_after_events:
            self.stalled = True
            await asyncio.sleep(fault.stall)
        if fault.malformed_sse and not self.corrupted and count >= fault.malformed_after_events:
            self.corrupted = True
            await self.writer.write(MALFORMED_EVENT)
        if fault.error_event and count >= fault.error_after_events:
            # As the real API does: an error event, then the stream stops (no done).
            await self.writer.write(ERROR_EVENT)
            raise Dropped

    async def write(self, event: bytes) -> None:
        if self.fault.no_done and event == DONE:
            return
        await self.before_event()
        await self.writer.write(event)
        self.count += 1


def _to_request(head: h11.Request, body: bytes) -> Request:
    raw = head.target.decode("latin-1")
    headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in head.headers]
    method = head.method.decode("ascii")
    if not raw.startswith("/"):  # absolute-form, authority-form or "*": not for this server
        return Request(method, raw, {}, headers, body, raw, bad_target=True)
    try:
        target = urlsplit(raw)
    except ValueError:
        return Request(method, raw, {}, headers, body, raw, bad_target=True)
    pairs = tuple(parse_qsl(target.query, keep_blank_values=True))
    query: dict[str, str] = {}
    for name, value in pairs:
        query.setdefault(name, value)
    return Request(method, target.path, query, headers, body, raw, pairs)


def _too_large(limit: int, declared: int | None) -> ApiError:
    size = f"{declared} bytes" if declared is not None else "more than that"
    return ApiError(
        413,
        f"Request body too large: the limit is {limit} bytes, this one is {size}.",
        code="request_too_large",
    )


def _check_declared_length(head: h11.Request, limit: int) -> None:
    """Refuse by Content-Length before reading a byte of the body (h11 checked it is a
    well-formed number). Both Content-Length and Transfer-Encoding: refused, as RFC 9112
    advises (the two framings disagreeing is how requests are smuggled)."""
    names = {name for name, _ in head.headers}
    if b"content-length" in names and b"transfer-encoding" in names:
        raise _Refused(
            ApiError(400, "Malformed HTTP request: both Content-Length and Transfer-Encoding.")
        )
    for name, value in head.headers:
        if name == b"content-length":
            declared = int(value)
            if declared > limit:
                raise _Refused(_too_large(limit, declared))


def _raw_response(status: int, headers: list[tuple[str, str]], body: bytes) -> bytes:
    reason = HTTPStatus(status).phrase
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1") + body


async def linger(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seconds: float
) -> None:
    """Flush what was written, stop sending, and read (discarding) until the peer closes
    or ``seconds`` pass: closing with unread input would reset the connection, and the
    peer could lose the answer it has not read yet. Memory stays one read's worth."""
    with contextlib.suppress(ConnectionError, RuntimeError):
        await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    with contextlib.suppress(TimeoutError, ConnectionError):
        async with asyncio.timeout_at(deadline):
            while await reader.read(READ_SIZE):
                pass


async def refuse_connection(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, seconds: float
) -> None:
    """Answer a connection over the cap with 503 before reading its request, and close."""
    err = ApiError(503, "Too many open connections; retry shortly.", type="server_error")
    body = json.dumps(err.body()).encode()
    headers = [
        ("content-type", "application/json"),
        ("content-length", str(len(body))),
        ("connection", "close"),
        ("retry-after", "1"),
        ("x-request-id", new_request_id()),
    ]
    try:
        writer.write(_raw_response(503, headers, body))
        await linger(reader, writer, seconds)
    finally:
        writer.close()
