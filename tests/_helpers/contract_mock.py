"""A tiny mock of the wire contract, in the manner of Prism (what the official SDK's
generated tests run against).

Every path and method of ``tests/contract/assistants.yaml`` (assistants, threads,
create-and-run, messages, and the runs and steps of ``runs.yaml``, which it holds
unchanged) answers its operation's example response, whatever the ids, query and body
(nothing is validated, so ``limit=0`` is answered like any other list, and a DELETE like
any other call). Where a literal segment and a path id could both match (``POST
/threads/runs`` and ``POST /threads/{thread_id}``), the literal wins, as in Prism. A
request whose JSON body has ``"stream": true``, to an operation the contract documents as
streaming (creating a run, creating a thread and running it, submitting tool outputs), is
answered with a short Assistants event stream built from the same example run
(``thread.run.created``, ``thread.run.queued``, then ``done``), sent with chunked transfer
encoding as the API sends it. Anything else is a 404 in the API's error shape.

The server speaks keep-alive HTTP/1.1 on 127.0.0.1 from a background thread, so pooling
clients reuse their connections. Each request is recorded (:attr:`ContractMock.requests`)
so a test can look at what went over the wire.

    with serve_contract() as mock:
        client = Client(base_url=mock.base_url, api_key="sk-test")
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

from tests._helpers.contract import full_spec

__all__ = ["ContractMock", "RecordedRequest", "Route", "serve_contract"]

PREFIX = "/v1"
"""The path of the contract's server URL (``https://api.openai.com/v1``)."""

STREAM_EVENTS = ("thread.run.created", "thread.run.queued")


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived: header names lowercased, query pairs in order."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    operation: str | None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Route:
    """One operation of the contract: what it matches and what it answers."""

    method: str
    pattern: re.Pattern[str]
    operation_id: str
    example: bytes
    """The example response, as compact JSON."""
    stream: bytes | None
    """The event stream answered for ``"stream": true``, if the operation streams."""


def _examples(operation: dict[str, Any]) -> list[str]:
    examples = operation["x-oaiMeta"]["examples"]
    return [e["response"] for e in (examples if isinstance(examples, list) else [examples])]


def _event_stream(run: dict[str, Any]) -> bytes:
    data = json.dumps(run, separators=(",", ":"))
    events = [f"event: {name}\ndata: {data}\n\n" for name in STREAM_EVENTS]
    events.append("event: done\ndata: [DONE]\n\n")
    return "".join(events).encode()


def _specificity(template: str) -> tuple[bool, ...]:
    """Sorts a path with a literal segment before one with an id at the same place."""
    return tuple(part.startswith("{") for part in template.split("/"))


def routes(contract: dict[str, Any] | None = None) -> list[Route]:
    """A route for every operation of the contract (by default the repository's whole
    copy, ``assistants.yaml``), the more literal paths first."""
    contract = full_spec() if contract is None else contract
    found = []
    for template in sorted(contract["paths"], key=_specificity):
        operations = contract["paths"][template]
        regex = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(PREFIX + template))
        for method, operation in operations.items():
            texts = _examples(operation)
            example = json.loads(next(t for t in texts if t.lstrip().startswith("{")))
            streams = any(t.lstrip().startswith("event:") for t in texts)
            found.append(
                Route(
                    method=method.upper(),
                    pattern=re.compile(regex + "/?"),
                    operation_id=operation["operationId"],
                    example=json.dumps(example, separators=(",", ":")).encode(),
                    stream=_event_stream(example) if streams else None,
                )
            )
    return found


def _not_found(method: str, path: str) -> bytes:
    error = {
        "message": f"Invalid URL ({method} {path})",
        "type": "invalid_request_error",
        "param": None,
        "code": None,
    }
    return json.dumps({"error": error}).encode()


def _wants_stream(body: bytes) -> bool:
    try:
        parsed = json.loads(body)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("stream") is True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10  # an idle keep-alive connection's thread ends after this
    disable_nagle_algorithm = True  # head and body go out in separate writes
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _answer(self) -> None:
        body = self._read_body()
        url = urlsplit(self.path)
        route = self.server.match(self.command, url.path)
        self.server.record(
            RecordedRequest(
                method=self.command,
                path=url.path,
                query=parse_qsl(url.query, keep_blank_values=True),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
                operation=route.operation_id if route else None,
            )
        )
        request_id = self.server.next_request_id()
        if route is None:
            self._send(404, "application/json", _not_found(self.command, url.path), request_id)
        elif route.stream is not None and _wants_stream(body):
            self._send_stream(route.stream, request_id)
        else:
            self._send(200, "application/json", route.example, request_id)

    def _send(self, status: int, content_type: str, payload: bytes, request_id: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-request-id", request_id)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _send_stream(self, payload: bytes, request_id: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("x-request-id", request_id)
        self.end_headers()
        try:
            for event in payload.split(b"\n\n")[:-1]:
                chunk = event + b"\n\n"
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:  # the client closed the stream early, as it may
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, table: list[Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.table = table
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping its connection (closing a stream early, a pool shutting
        # down) is ordinary here; anything else is still reported.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def match(self, method: str, path: str) -> Route | None:
        for route in self.table:
            if route.method == method and route.pattern.fullmatch(path):
                return route
        return None

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def next_request_id(self) -> str:
        with self._lock:
            return f"req_mock_{next(self._ids)}"


@dataclass
class ContractMock:
    """The mock server; use it as a context manager (or :func:`serve_contract`)."""

    contract: dict[str, Any] | None = None
    _server: _Server | None = field(default=None, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        assert self._server is not None, "the mock is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{PREFIX}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        assert self._server is not None, "the mock is not running"
        return self._server.requests

    def start(self) -> Self:
        self._server = _Server(routes(self.contract))
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="contract-mock",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


@contextlib.contextmanager
def serve_contract(contract: dict[str, Any] | None = None) -> Iterator[ContractMock]:
    """Run the mock for the duration of the ``with`` block."""
    with ContractMock(contract) as mock:
        yield mock
