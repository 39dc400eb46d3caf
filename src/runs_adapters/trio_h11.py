"""An :class:`~runs_adapters._transport.AsyncTransport` built from trio streams and h11.

It exists so trio users need no third-party HTTP client: h11 does the HTTP/1.1 framing
(content-length, chunked and close-delimited bodies), trio moves the bytes, and this module
only pools connections and turns trio, h11 and ssl failures into the core's
:class:`~runs_core.APIConnectionError` and :class:`~runs_core.APITimeoutError`.

Example::

    transport = TrioTransport()
    response = await transport.send(request)
    body = b"".join([chunk async for chunk in response.aiter_bytes()])
    await transport.aclose()
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Iterator
from typing import TypeVar
from urllib.parse import urlsplit

import h11
import trio

from runs_core import (
    NOT_GIVEN,
    APIConnectionError,
    APITimeoutError,
    Headers,
    InvalidRequestError,
    NotGiven,
    PoolLimits,
    Request,
)

from ._transport import unchained

__all__ = ["TrioResponse", "TrioTransport", "default_ssl_context"]

_Origin = tuple[str, str, int]
_T = TypeVar("_T")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# OSError covers socket and ssl errors; trio wraps most of them in BrokenResourceError.
_FAILURES = (OSError, trio.BrokenResourceError, trio.ClosedResourceError, h11.RemoteProtocolError)


def default_ssl_context(verify: bool = True) -> ssl.SSLContext:
    """A client context trusting certifi's CA bundle, or checking nothing if not ``verify``."""
    import certifi  # on first https use: loading it and its CA bundle is not free

    context = ssl.create_default_context(cafile=certifi.where())
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["http/1.1"])
    return context


@contextlib.contextmanager
def _io(request: Request) -> Iterator[None]:
    """Bound one connect, write or read by ``request.timeout`` and map its failures."""
    timeout = request.timeout
    with unchained():  # the errors name the request, not the library's exceptions
        try:
            with trio.fail_after(timeout) if timeout is not None else contextlib.nullcontext():
                yield
        except trio.TooSlowError:
            raise APITimeoutError(request=request) from None
        except _FAILURES as exc:
            detail = exc.__cause__ or exc  # the wrapped ssl/socket error says what went wrong
            raise APIConnectionError(f"Connection error: {detail!r}", request=request) from None


def _connection_error(exc: BaseException, request: Request) -> APIConnectionError:
    detail = exc.__cause__ or exc  # the wrapped ssl/socket error says what went wrong
    return APIConnectionError(f"Connection error: {detail!r}", request=request)


# How much earlier than ``timeout`` from now an exchange's deadline may be and still bound
# its next step (also at most 1% of the timeout): moving a deadline costs trio a context
# manager and a heap entry, about 2% of a plain call's CPU (benchmarks/profile_calls.py),
# so a step that follows another within this slack keeps the deadline already set.
_REARM_SLACK = 0.001


async def _bounded(
    step: Awaitable[_T], request: Request, scope: trio.CancelScope | None = None
) -> _T:
    """Await one socket read or write, bounded by ``request.timeout``, its failures mapped
    as :func:`_io` maps them; the same thing without a context manager around it, as
    every call makes a few of these.

    Given the ``scope`` an exchange runs in (entered with a deadline ``timeout`` ahead),
    the step moves that scope's deadline to ``timeout`` from now instead of entering a
    scope of its own (the exchange maps the scope's expiry to
    :class:`APITimeoutError`), unless the deadline is within ``_REARM_SLACK`` of that
    already: each step is still bounded alone, give or take a millisecond."""
    timeout = request.timeout
    try:
        if timeout is None:
            return await step
        if scope is not None:
            deadline = trio.current_time() + timeout
            if deadline - scope.deadline > min(_REARM_SLACK, timeout / 100):
                scope.deadline = deadline
            return await step
        with trio.CancelScope(deadline=trio.current_time() + timeout):
            return await step
    except _FAILURES as exc:
        error: APIConnectionError = _connection_error(exc, request)
    else:  # the scope's deadline passed and the scope caught its own cancellation
        error = APITimeoutError(request=request)
    raise error  # outside the except block: nothing chained (see ``unchained``)


def _require_trio() -> None:
    try:
        trio.lowlevel.current_task()
    except RuntimeError:
        raise RuntimeError(
            "the trio transport runs on trio, and no trio run is active "
            "(under asyncio, use transport='aiohttp' or transport='httpx')"
        ) from None


class _Connection:
    """One socket (TLS or not) plus the h11 state machine of its current request/response."""

    def __init__(self, origin: _Origin, stream: trio.abc.Stream, chunk_size: int) -> None:
        self.origin = origin
        self.stream = stream
        self.h11 = h11.Connection(h11.CLIENT)
        self.chunk_size = chunk_size
        self.reused = False  # served an earlier response, so the server may have dropped it
        self.got_bytes = False  # any response bytes this cycle: after that, no silent retry
        self.eof = False  # h11 reports DONE after a close-delimited body, yet the socket is dead
        self.closed = False  # discarded: no longer counted against the pool's bound

    async def write(
        self,
        events: tuple[h11.Event, ...],
        request: Request,
        scope: trio.CancelScope | None = None,
    ) -> None:
        """Send ``events`` (a request's head, body and end) in one write, one bounded step."""
        send = self.h11.send
        data = b"".join([send(event) or b"" for event in events])
        if data:
            await _bounded(self.stream.send_all(data), request, scope)

    async def next_event(
        self, request: Request, scope: trio.CancelScope | None = None
    ) -> h11.Event:
        """The next h11 event, reading from the socket (each read bounded) as needed.

        Only a read is bounded by the timeout: events h11 already holds (a small body
        usually arrives with its head) cost no cancel scope. The two sentinels are checked
        by identity: ``isinstance`` against h11's abstract ``Event`` is slow."""
        machine = self.h11
        while True:
            try:
                event = machine.next_event()
            except h11.RemoteProtocolError as exc:
                error = _connection_error(exc, request)
            else:
                if event is h11.NEED_DATA:
                    data = await _bounded(self.stream.receive_some(self.chunk_size), request, scope)
                    self.got_bytes = self.got_bytes or bool(data)
                    self.eof = not data
                    # h11 takes any bytes-like object; b"" tells it the peer closed.
                    machine.receive_data(data)  # type: ignore[arg-type]
                    continue
                if event is not h11.PAUSED:
                    return event  # type: ignore[return-value]
                # only after a complete response; a bug if reached
                error = _connection_error(
                    h11.RemoteProtocolError("response already complete"), request
                )
            raise error  # outside the except block: nothing chained (see ``unchained``)

    def reusable(self) -> bool:
        return not self.eof and self.h11.our_state is self.h11.their_state is h11.DONE

    async def discard(self) -> None:
        """Close the socket at once (no TLS goodbye), even inside a cancelled scope."""
        await trio.aclose_forcefully(self.stream)


class TrioResponse:
    """A response whose head has arrived; implements ``AsyncTransportResponse``.

    Reading the body to its end returns the connection to the pool; ``aclose`` before that
    closes the socket, so the server sees the client hang up.
    """

    def __init__(
        self, transport: TrioTransport, conn: _Connection, request: Request, head: h11.Response
    ) -> None:
        self._transport = transport
        self._conn: _Connection | None = conn
        self._request = request
        self._complete = False
        self.status: int = head.status_code
        self.headers: Headers = Headers.from_raw(head.headers.raw_items())

    def aiter_bytes(self) -> AsyncIterator[bytes]:
        """Yield body bytes as they arrive.

        Raises :class:`APIConnectionError` if the connection breaks before the body's end
        (a body shorter than its ``Content-Length`` included) or the response was closed
        first, and :class:`APITimeoutError` if one read outlasts the request's timeout.
        """
        return _Body(self)

    async def _next_chunk(self) -> bytes:
        """The next piece of the body; at its end the connection goes back to the pool."""
        conn = self._conn
        if conn is None:
            if self._complete:
                raise StopAsyncIteration
            raise APIConnectionError("Response was closed before its body was read.")
        try:
            event = await conn.next_event(self._request)
            if type(event) is h11.Data:
                data = event.data
                return data if type(data) is bytes else bytes(data)
            if type(event) is not h11.EndOfMessage:
                raise APIConnectionError(f"Unexpected {event!r}.", request=self._request)
        except BaseException:
            # Cancelled, broken or abandoned mid-body: the socket is in an unknown state.
            # (If aclose() already took the connection, it is not ours to close any more.)
            if self._conn is conn:
                self._conn = None
                await self._transport._discard(conn)
            raise
        self._conn = None
        self._complete = True
        await self._transport._release(conn)
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Release the connection: back to the pool if the body was all read, else closed."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        # The caller may have stopped at the last Data, before asking h11 for the
        # EndOfMessage already buffered: finishing that without I/O keeps the connection.
        with contextlib.suppress(h11.RemoteProtocolError):
            if conn.h11.their_state is h11.SEND_BODY:
                conn.h11.next_event()
        await self._transport._release(conn)  # pools it only if the exchange is complete


class _Body:
    """:meth:`TrioResponse.aiter_bytes` as a plain async iterator rather than an async
    generator: trio hooks every async generator it runs (a weak-set entry made and
    dropped), a cost each plain call would pay once. A body left half read is handled
    by :meth:`TrioResponse.aclose`, which every caller ends with."""

    __slots__ = ("_response",)

    def __init__(self, response: TrioResponse) -> None:
        self._response = response

    def __aiter__(self) -> _Body:
        return self

    def __anext__(self) -> Awaitable[bytes]:
        return self._response._next_chunk()


class TrioTransport:
    """HTTP/1.1 over trio sockets with keep-alive pooling; implements ``AsyncTransport``.

    ``ssl_context`` is used for https as given; otherwise a context trusting certifi's CA
    bundle is built, verifying certificates and hostnames unless ``verify=False``.
    ``max_connections`` (default 1,000, as the official SDK's; ``None``: no bound) bounds
    the connections open at once per (scheme, host, port), in use or idle; a request
    beyond it waits for one to be released, within its timeout (else
    :class:`APITimeoutError`), so concurrent streams share a bounded set of connections
    that the next round reuses. ``max_keepalive`` (default 100) is how many idle
    connections are kept per origin; more are closed when released.
    ``chunk_size`` is the most bytes read from the socket at once.
    ``connections_opened`` counts every connection made.
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        verify: bool = True,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
        chunk_size: int = 65536,
    ) -> None:
        limits = PoolLimits.of(max_connections, max_keepalive)
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise ValueError("chunk_size must be an integer >= 1")
        self._ssl_context = ssl_context
        self._verify = verify
        self._max_keepalive = limits.keepalive
        self._max_open = limits.max_connections
        self._chunk_size = chunk_size
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._open: dict[_Origin, int] = {}  # per origin: connecting, in use or idle
        self._waiting: dict[_Origin, trio.lowlevel.ParkingLot] = {}
        self._closed = False
        self.connections_opened = 0
        self._origins: dict[str, _Origin] = {}  # by scheme://authority, parsed once
        self._heads: dict[
            tuple[_Origin, tuple[tuple[str, str], ...]], tuple[list[tuple[bytes, bytes]], bool]
        ] = {}

    async def send(self, request: Request) -> TrioResponse:
        """Send ``request`` and return once the response head is in.

        A pooled connection that fails before any response byte arrives (the server closed
        it while idle) is replaced by one new connection, once, without surfacing an error.
        Raises :class:`APIConnectionError`, :class:`APITimeoutError`, or
        :class:`InvalidRequestError` for a URL that is not http(s).
        """
        if self._closed:
            raise RuntimeError("TrioTransport.send() called after aclose()")
        _require_trio()
        origin = self._origins.get(_authority(request.url))
        if origin is None:
            origin = _origin(request.url)
            if len(self._origins) < 64:  # a client talks to one or two servers
                self._origins[_authority(request.url)] = origin
        conn = await self._acquire(origin, request, fresh=False)
        while True:
            try:
                head = await self._exchange(conn, origin, request)
            except BaseException as exc:
                await self._discard(conn)
                stale = conn.reused and not conn.got_bytes
                if stale and type(exc) is APIConnectionError:
                    conn = await self._acquire(origin, request, fresh=True)
                    continue
                raise
            return TrioResponse(self, conn, request, head)

    async def sleep(self, seconds: float) -> None:
        """Sleep on trio's clock (used by the retry and polling logic)."""
        await trio.sleep(seconds)

    async def aclose(self) -> None:
        """Close every pooled connection; responses still being read keep theirs until done.

        Requests waiting for a connection raise ``RuntimeError``.
        """
        self._closed = True
        idle = [conn for conns in self._idle.values() for conn in conns]
        self._idle.clear()
        for conn in idle:
            await self._discard(conn)
        for lot in self._waiting.values():
            lot.unpark_all()

    async def _acquire(self, origin: _Origin, request: Request, *, fresh: bool) -> _Connection:
        """An idle pooled connection (unless ``fresh``), else a new one if the origin is
        under ``max_connections``, else wait (within the request's timeout) for one
        to be released."""
        if not fresh and not self._closed:
            idle = self._idle.get(origin)
            if idle:  # the usual case, before any clock reading
                return idle.pop()  # the most recently used is least likely stale
        deadline = None if request.timeout is None else trio.current_time() + request.timeout
        while True:
            if self._closed:
                raise RuntimeError("TrioTransport.send() called after aclose()")
            idle = self._idle.get(origin)
            if idle and not fresh:
                return idle.pop()  # the most recently used is least likely stale
            if self._max_open is None or self._open.get(origin, 0) < self._max_open:
                self._open[origin] = self._open.get(origin, 0) + 1
                try:
                    return await self._connect(origin, request)
                except BaseException:
                    self._forget(origin)
                    raise
            if idle:  # at the bound, wanting a new one: close an idle one to make room
                await self._discard(idle.pop(0))
                continue
            lot = self._waiting.setdefault(origin, trio.lowlevel.ParkingLot())
            with unchained():
                try:
                    with (
                        trio.fail_at(deadline) if deadline is not None else contextlib.nullcontext()
                    ):
                        await lot.park()
                except trio.TooSlowError:
                    raise APITimeoutError(request=request) from None

    def _forget(self, origin: _Origin) -> None:
        """One connection of ``origin`` is gone: let a waiting request open another."""
        self._open[origin] -= 1
        lot = self._waiting.get(origin)
        if lot is not None:
            lot.unpark()

    async def _discard(self, conn: _Connection) -> None:
        if not conn.closed:
            conn.closed = True
            self._forget(conn.origin)
        await conn.discard()

    async def _release(self, conn: _Connection) -> None:
        idle = self._idle.setdefault(conn.origin, [])
        if conn.reusable() and not self._closed and len(idle) < self._max_keepalive:
            conn.h11.start_next_cycle()
            conn.reused, conn.got_bytes = True, False
            idle.append(conn)
            lot = self._waiting.get(conn.origin)
            if lot is not None:
                lot.unpark()
        else:
            await self._discard(conn)

    async def _connect(self, origin: _Origin, request: Request) -> _Connection:
        scheme, host, port = origin
        with _io(request):
            stream: trio.abc.Stream = await trio.open_tcp_stream(host, port)
            if scheme == "https":
                if self._ssl_context is None:  # built on first use: loading CAs is not free
                    self._ssl_context = default_ssl_context(self._verify)
                # https_compatible: servers often close without a TLS close_notify.
                tls = trio.SSLStream(
                    stream, self._ssl_context, server_hostname=host, https_compatible=True
                )
                try:
                    await tls.do_handshake()
                except BaseException:
                    await trio.aclose_forcefully(stream)
                    raise
                stream = tls
        self.connections_opened += 1
        return _Connection(origin, stream, self._chunk_size)

    async def _exchange(self, conn: _Connection, origin: _Origin, request: Request) -> h11.Response:
        """Write the whole request, then read up to the final (non-1xx) response head:
        in one cancel scope, the write and each read bounded by the timeout in turn."""
        timeout = request.timeout
        if timeout is None:
            return await self._write_and_read_head(conn, origin, request, None)
        with trio.CancelScope(deadline=trio.current_time() + timeout) as scope:
            return await self._write_and_read_head(conn, origin, request, scope)
        raise APITimeoutError(request=request)  # the scope caught its own cancellation

    async def _write_and_read_head(
        self,
        conn: _Connection,
        origin: _Origin,
        request: Request,
        scope: trio.CancelScope | None,
    ) -> h11.Response:
        headers, framed = self._head_headers(origin, request.headers)
        body = request.body
        if body is not None and not framed:
            headers = [*headers, (b"Content-Length", b"%d" % len(body))]
        head = h11.Request(method=request.method, target=request.path, headers=headers)
        events: tuple[h11.Event, ...] = (
            (head, h11.Data(data=body), h11.EndOfMessage()) if body else (head, h11.EndOfMessage())
        )
        await conn.write(events, request, scope)
        while True:
            event = await conn.next_event(request, scope)
            if type(event) is h11.Response:
                return event
            if type(event) is not h11.InformationalResponse:
                raise APIConnectionError(
                    "Server closed the connection without a response.", request=request
                )

    def _head_headers(
        self, origin: _Origin, headers: tuple[tuple[str, str], ...]
    ) -> tuple[list[tuple[bytes, bytes]], bool]:
        """``headers`` as bytes with ``Host`` first unless given, and whether they already
        frame a body (``Content-Length`` or ``Transfer-Encoding``). A client sends the same
        header tuple on most calls, so the answer is kept per origin and tuple (up to 64).
        Text is encoded as h11 encodes it (ASCII), so a value it refuses fails the same way."""
        key = (origin, headers)
        found = self._heads.get(key)
        if found is None:
            names = {name.lower() for name, _ in headers}
            sent = [(name.encode("ascii"), value.encode("ascii")) for name, value in headers]
            if "host" not in names:
                sent.insert(0, (b"Host", _host_header(origin).encode("ascii")))
            found = (sent, bool(names & {"content-length", "transfer-encoding"}))
            if len(self._heads) < 64:
                self._heads[key] = found
        return found


def _origin(url: str) -> _Origin:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise InvalidRequestError(f"TrioTransport needs an http(s) URL with a host, got {url!r}")
    try:
        port = parts.port or _DEFAULT_PORTS[scheme]
    except ValueError as exc:
        raise InvalidRequestError(f"bad port in URL {url!r}") from exc
    return scheme, parts.hostname, port


def _authority(url: str) -> str:
    """``url`` up to its path: what :func:`_origin` reads, as a cache key."""
    start = url.find("://") + 3
    end = len(url)
    for mark in "/?#":
        found = url.find(mark, start)
        if 0 <= found < end:
            end = found
    return url[:end]


def _host_header(origin: _Origin) -> str:
    scheme, host, port = origin
    host = f"[{host}]" if ":" in host else host
    return host if port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
