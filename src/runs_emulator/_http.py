"""One HTTP/1.1 connection: parse requests with h11, authenticate, inject faults, respond.

Owning the bytes (rather than using a web framework) is what lets the emulator cut a
body mid-way, stall, drip, or answer nothing at all, and count connections exactly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

import h11

from ._api import Api
from ._body import BodyWriter, ClientGone, Dropped
from ._errors import ApiError, injected, missing_key, wrong_key
from ._faults import HEADER as FAULT_HEADER
from ._faults import Fault, FaultCounter, parse_fault
from ._ids import new_request_id
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


class _Close(Exception):
    """Stop serving this connection without another word."""


@dataclass
class Context:
    api: Api
    stats: Stats
    faults: FaultCounter
    api_key: str | None


class HttpConnection:
    def __init__(
        self, ctx: Context, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ident: int
    ) -> None:
        self.ctx = ctx
        self.reader = reader
        self.writer = writer
        self.ident = ident
        self.conn = h11.Connection(h11.SERVER)

    async def serve(self) -> None:
        try:
            while True:
                request = await self._read_request()
                if request is None:
                    return
                await self._respond(request)
                if self.conn.our_state is not h11.DONE or self.conn.their_state is not h11.DONE:
                    return
                self.conn.start_next_cycle()
        except (_Close, ClientGone, Dropped, ConnectionError, h11.LocalProtocolError):
            return
        except h11.RemoteProtocolError as exc:
            await self._protocol_error(exc)
        finally:
            self.writer.close()

    async def _protocol_error(self, exc: h11.RemoteProtocolError) -> None:
        if self.conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
            err = ApiError(exc.error_status_hint, f"Malformed HTTP request: {exc}")
            body = json.dumps(err.body()).encode()
            headers = [
                ("content-type", "application/json"),
                ("connection", "close"),
                ("x-request-id", new_request_id()),
            ]
            writer = BodyWriter(self.conn, self.writer, None)
            headers.append(("content-length", str(len(body))))
            try:
                await writer.head(err.status, headers)
                await writer.write(body)
                await writer.end()
            except (ClientGone, h11.LocalProtocolError):
                pass

    async def _read_request(self) -> Request | None:
        head: h11.Request | None = None
        body: list[bytes] = []
        while True:
            event = self.conn.next_event()
            if event is h11.NEED_DATA:
                if self.conn.they_are_waiting_for_100_continue:
                    self._send(h11.InformationalResponse(status_code=100, headers=[]))
                data = await self.reader.read(READ_SIZE)
                self.conn.receive_data(data)
            elif isinstance(event, h11.Request):
                head = event
            elif isinstance(event, h11.Data):
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
        self.ctx.stats.record(
            RequestRecord(
                req.method, req.target, tuple(req.headers), request_id, self.ident, time.time()
            )
        )
        base = [("x-request-id", request_id), ("openai-version", "2020-10-01")]
        fault: Fault | None = None
        try:
            if req.path.rstrip("/") == "/_emulator/stats":
                await self._json(JsonResponse(200, self.ctx.stats.snapshot()), base, None)
                return
            self._authenticate(req)
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
        elapsed = int((time.monotonic() - started) * 1000)
        base.append(("openai-processing-ms", str(elapsed)))
        if isinstance(response, StreamResponse):
            await self._stream(response, base, fault)
        else:
            await self._json(response, base, fault)

    def _authenticate(self, req: Request) -> None:
        auth = req.header("authorization") or ""
        scheme, _, key = auth.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            raise missing_key()
        if self.ctx.api_key is not None and key != self.ctx.api_key:
            raise wrong_key(key)

    async def _json(
        self, resp: JsonResponse, base: list[tuple[str, str]], fault: Fault | None
    ) -> None:
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
            await writer.head(200, headers)
            events = _EventFaults(writer, fault) if fault and _needs_events(fault) else None
            if events is not None:
                await events.before_event()
            while True:
                await segment.wait_beyond(pos)
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
    target = urlsplit(raw)
    query: dict[str, str] = {}
    for name, value in parse_qsl(target.query, keep_blank_values=True):
        query.setdefault(name, value)
    headers = [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in head.headers]
    return Request(head.method.decode("ascii"), target.path, query, headers, body, raw)
