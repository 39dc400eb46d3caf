"""A :class:`~runs_adapters._transport.SyncTransport` over :class:`requests.Session`.

requests and urllib3 do the HTTP work (pooling, TLS, proxies, framing); this module hands
them the core's :class:`~runs_core.Request`, streams the body back and turns their
exceptions into :class:`~runs_core.APITimeoutError` / :class:`~runs_core.APIConnectionError`.

The body is read from urllib3 directly rather than through ``iter_content``: that wrapper
reports a read timeout as a ``ConnectionError``, and with no chunk size it waits for the
whole of a body that is not chunk-encoded; ``read1`` hands over bytes as they arrive.

Pass your own configured ``Session`` to keep its proxies, TLS settings and adapters; the
transport then never closes it (``owns_client`` is ``False``). Without one it creates a
session of its own, keeping ``max_keepalive`` idle connections per host, and closes it in
:meth:`RequestsTransport.close`.

Example::

    transport = RequestsTransport()
    response = transport.send(request)
    body = b"".join(response.iter_bytes())
    response.close()
    transport.close()
"""

from __future__ import annotations

import contextlib
import http.client
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import requests
import urllib3.exceptions
from requests.adapters import HTTPAdapter

from runs_core import (
    NOT_GIVEN,
    APIConnectionError,
    APITimeoutError,
    Headers,
    NotGiven,
    PoolLimits,
    Request,
)

from ._transport import unchained

__all__ = ["RequestsResponse", "RequestsTransport"]

_READ_SIZE = 65536  # an upper bound per read; read1 returns whatever has arrived

_TIMEOUTS = (requests.Timeout, urllib3.exceptions.TimeoutError, TimeoutError)
_BROKEN = (
    requests.ConnectionError,  # also covers requests' wrapped SSL and proxy errors
    requests.exceptions.ChunkedEncodingError,
    requests.exceptions.ContentDecodingError,
    urllib3.exceptions.HTTPError,  # ProtocolError (incomplete body), DecodeError, SSLError
    http.client.HTTPException,
    OSError,
)


@contextlib.contextmanager
def _requests_errors(request: Request) -> Iterator[None]:
    """Map requests' and urllib3's failures to the core's errors (timeouts checked first)."""
    with unchained():  # requests' exceptions hold its request and response: real headers
        try:
            yield
        except _TIMEOUTS as exc:
            raise APITimeoutError(f"Request timed out: {exc!r}", request=request) from None
        except _BROKEN as exc:
            raise APIConnectionError(f"Connection error: {exc!r}", request=request) from None


def _keep_authorization(prepared: requests.PreparedRequest) -> requests.PreparedRequest:
    """An auth hook that changes nothing: passing it stops requests from replacing the
    core's ``Authorization`` header with credentials found in ``~/.netrc``."""
    return prepared


def _keep_target(prepared: requests.PreparedRequest, request: Request) -> None:
    """Put the core's path back into ``prepared.url``, byte for byte.

    requests "requotes" a URL while preparing it, decoding every percent-encoded
    unreserved character, so the core's ``%2E%2E`` (an id ``..`` kept as one literal
    segment) would go out as ``..``: a dot segment that servers and proxies resolve
    (``/threads/../runs`` is ``/runs``). urllib3 sends the target it is given unchanged.
    What requests prepared around the path stays: the scheme and host (IDNA), and the
    query, where the core never encodes an unreserved character and a session's
    ``params`` are added.
    """
    prepared_url = urlsplit(prepared.url or request.url)
    path = urlsplit(request.url).path
    prepared.url = urlunsplit(prepared_url._replace(path=path))


class RequestsResponse:
    """A response whose head has arrived; iterate :meth:`iter_bytes` once for the body."""

    def __init__(
        self, response: requests.Response, request: Request, slot: threading.Semaphore | None
    ) -> None:
        self._response = response
        self._request = request
        self._slot = slot
        self.status = response.status_code
        self.headers = Headers(response.raw.headers.items())

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it arrives; raises :class:`APIConnectionError` if it is cut short.

        urllib3 enforces Content-Length and chunk framing, so a short body raises here.
        """
        raw = self._response.raw
        with _requests_errors(self._request):
            while chunk := raw.read1(_READ_SIZE, decode_content=True):
                yield chunk

    def close(self) -> None:
        """Return the connection to the pool if the body was read in full, else drop it."""
        slot, self._slot = self._slot, None
        try:
            self._response.close()
        finally:
            if slot is not None:
                slot.release()


class RequestsTransport:
    """Sends :class:`~runs_core.Request` objects with a ``requests.Session``.

    Redirects are not followed: one call sends exactly one request.

    ``max_connections`` (default 1,000) bounds the calls in flight at once, from however
    many threads: a call beyond it waits for one to finish, at most its timeout, then
    raises :class:`APITimeoutError`. ``max_keepalive`` (default 100) is how many idle
    connections per host a session created here keeps (urllib3's ``pool_maxsize``).
    """

    def __init__(
        self,
        session: requests.Session | None = None,
        *,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
    ) -> None:
        self.owns_client = session is None
        if session is None:
            limits = PoolLimits.of(max_connections, max_keepalive)
            session = requests.Session()
            # requests' defaults (its User-Agent, gzip, */*, keep-alive); the core sends
            # the headers it needs, so a session created here adds none of its own.
            session.headers.clear()
            # urllib3 refuses a pool of size 0; with nothing kept, each connection closes.
            adapter = HTTPAdapter(pool_maxsize=max(limits.keepalive, 1))
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._keep_none = limits.keepalive == 0
        else:
            PoolLimits.refuse_for_given_client("requests.Session", max_connections, max_keepalive)
            limits = PoolLimits()
            self._keep_none = False
        self.session = session
        self._slots = limits.max_connections
        self._gate = None if self._slots is None else threading.Semaphore(self._slots)

    def send(self, request: Request) -> RequestsResponse:
        """Send ``request`` and return once the head is in; the body is read lazily.

        This is ``Session.request`` taken apart so the request target can be restored
        after requests has prepared it (see :func:`_keep_target`).
        """
        slot = self._take_slot(request)
        try:
            return RequestsResponse(self._send(request), request, slot)
        except BaseException:
            if slot is not None:
                slot.release()
            raise

    def _take_slot(self, request: Request) -> threading.Semaphore | None:
        """One of ``max_connections`` slots for this call, waited for within its timeout."""
        gate = self._gate
        if gate is not None and not gate.acquire(timeout=request.timeout):
            raise APITimeoutError(
                "Request timed out waiting for a free connection "
                f"({self._slots} in use; see max_connections)",
                request=request,
            )
        return gate

    def _send(self, request: Request) -> requests.Response:
        has_auth = request.header("Authorization") is not None
        session = self.session
        headers = dict(request.headers)
        if self._keep_none:
            headers["Connection"] = "close"
        with _requests_errors(request):
            prepared = session.prepare_request(
                requests.Request(
                    request.method,
                    request.url,
                    headers=headers,
                    data=request.body,
                    auth=_keep_authorization if has_auth else None,
                )
            )
            _keep_target(prepared, request)
            # Proxies, TLS verification and client certificates from the environment, as
            # ``Session.request`` would apply them.
            settings = session.merge_environment_settings(prepared.url, {}, True, None, None)
            response = session.send(
                prepared,
                # (connect, read): each read is bounded, never the whole exchange.
                timeout=(request.timeout, request.timeout),
                allow_redirects=False,
                **settings,
            )
        return response

    def sleep(self, seconds: float) -> None:
        """Block the calling thread (the sync driver's retry and polling pauses)."""
        time.sleep(seconds)

    def close(self) -> None:
        """Close the session if this transport created it; a caller's session stays open."""
        if self.owns_client:
            _close_pools(self.session)
            self.session.close()


def _close_pools(session: requests.Session) -> None:
    """Close every connection pool of ``session`` now, idle connections included.

    ``Session.close`` only forgets the pools (urllib3 2.8 no longer closes them when its
    ``PoolManager`` is cleared), so a pool still referenced, by a response for instance,
    would keep its idle keep-alive sockets open until garbage collection.
    """
    for adapter in session.adapters.values():
        manager = getattr(adapter, "poolmanager", None)
        if manager is None:
            continue
        for key in list(manager.pools.keys()):
            pool = manager.pools.get(key)
            if pool is not None:
                pool.close()
