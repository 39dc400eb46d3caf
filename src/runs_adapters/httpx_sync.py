"""A :class:`~runs_adapters._transport.SyncTransport` over :class:`httpx.Client`.

httpx does the HTTP work (pooling, TLS, proxies, framing); this module only hands it the
core's :class:`~runs_core.Request`, streams the body back and turns httpx's exceptions
into :class:`~runs_core.APITimeoutError` / :class:`~runs_core.APIConnectionError`.

Pass your own configured ``httpx.Client`` to keep its proxies, TLS settings and pool
limits; the transport then never closes it (``owns_client`` is ``False``). Without one it
creates a client of its own, with ``max_connections``/``max_keepalive`` as its
``httpx.Limits``, and closes it in :meth:`HttpxTransport.close`.

Example::

    transport = HttpxTransport()
    response = transport.send(request)
    body = b"".join(response.iter_bytes())
    response.close()
    transport.close()
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator

import httpx

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

__all__ = ["HttpxResponse", "HttpxTransport"]

# httpx adds these to every request from a client's defaults; the core already sends the
# ones it needs, so a client created here drops them to put only the core's headers on the wire.
_CLIENT_DEFAULTS = ("Accept", "Accept-Encoding", "Connection", "User-Agent")


def drop_default_headers(headers: httpx.Headers) -> None:
    """Strip httpx's default headers from a client this package creates (in place).

    Shared with :mod:`runs_adapters.httpx_async`, as are the other helpers here.
    """
    for name in _CLIENT_DEFAULTS:
        headers.pop(name, None)


def new_limits(
    max_connections: int | NotGiven | None,
    max_keepalive: int | NotGiven,
    given: str | None = None,
) -> httpx.Limits:
    """httpx's pool limits for a client this package creates; with the user's own client
    (``given`` names its class) the limits must be set on it, so passing them is refused."""
    if given is not None:
        PoolLimits.refuse_for_given_client(given, max_connections, max_keepalive)
    limits = PoolLimits.of(max_connections, max_keepalive)
    return httpx.Limits(
        max_connections=limits.max_connections, max_keepalive_connections=limits.keepalive
    )


def pool_size(client: httpx.Client | httpx.AsyncClient) -> int | None:
    """How many connections ``client``'s default pool may open (``None``: no bound, or a
    custom transport whose pool cannot be seen)."""
    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    size = getattr(pool, "_max_connections", None)
    if isinstance(size, bool) or not isinstance(size, int) or size >= sys.maxsize:
        return None  # httpx's ``max_connections=None`` is sys.maxsize in its pool
    return size


@contextlib.contextmanager
def httpx_errors(request: Request) -> Iterator[None]:
    """Map httpx's failures, while sending or while reading a body, to the core's errors.

    A truncated body surfaces in httpx as ``RemoteProtocolError`` (a ``TransportError``), so
    it becomes :class:`APIConnectionError` rather than a silently short body.
    """
    with unchained():  # httpx's exceptions hold its request, real headers included
        try:
            yield
        except httpx.TimeoutException as exc:
            raise APITimeoutError(f"Request timed out: {exc!r}", request=request) from None
        except httpx.InvalidURL as exc:
            raise InvalidRequestError(f"httpx cannot send to {request.url!r}: {exc}") from None
        except (httpx.HTTPError, httpx.StreamError) as exc:
            # Transport, decoding and protocol errors, and a body that cannot be streamed.
            raise APIConnectionError(f"Connection error: {exc!r}", request=request) from None


def build_httpx_request(
    client: httpx.Client | httpx.AsyncClient, request: Request
) -> httpx.Request:
    """The httpx request for ``request``; the core's headers win over the client's defaults.

    One timeout bounds connecting, each write, each read and the wait for a pooled
    connection, never the whole exchange, so a long stream can run as long as it delivers.
    """
    return client.build_request(
        request.method,
        request.url,
        headers=list(request.headers),
        content=request.body,
        timeout=httpx.Timeout(request.timeout),
    )


def body_is_encoded(response: httpx.Response) -> bool:
    """Whether the body must come through httpx's decoded iterator rather than as raw
    bytes: it is compressed (gzip...), or it is already in memory (a response built with
    ``content=``, as ``httpx.MockTransport`` handlers and respx return)."""
    return "content-encoding" in response.headers or response.is_stream_consumed


class HttpxResponse:
    """A response whose head has arrived; iterate :meth:`iter_bytes` once for the body."""

    def __init__(self, response: httpx.Response, request: Request) -> None:
        self._response = response
        self._request = request
        self.status = response.status_code
        self.headers = Headers.from_raw(response.headers.raw)

    def iter_bytes(self) -> Iterator[bytes]:
        """The body as it arrives; raises :class:`APIConnectionError` if it is cut short."""
        response = self._response
        with httpx_errors(self._request):
            # Raw chunks skip httpx's per-chunk decoder; only an encoded body needs it.
            chunks = response.iter_bytes() if body_is_encoded(response) else response.iter_raw()
            yield from chunks

    def close(self) -> None:
        """Return the connection to the pool if the body was read in full, else drop it."""
        self._response.close()


class HttpxTransport:
    """Sends :class:`~runs_core.Request` objects with an ``httpx.Client``.

    Redirects are not followed: one call sends exactly one request. ``max_connections``
    (default 1,000) and ``max_keepalive`` (default 100) size the pool of a client created
    here; a call waiting for a connection waits at most its timeout.
    """

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
    ) -> None:
        self.owns_client = client is None
        if client is None:
            client = httpx.Client(limits=new_limits(max_connections, max_keepalive))
            drop_default_headers(client.headers)
        else:
            new_limits(max_connections, max_keepalive, given="httpx.Client")
        self.client = client

    def send(self, request: Request) -> HttpxResponse:
        """Send ``request`` and return once the head is in; the body is read lazily."""
        with httpx_errors(request):
            built = build_httpx_request(self.client, request)
            response = self.client.send(built, stream=True, follow_redirects=False)
        return HttpxResponse(response, request)

    def sleep(self, seconds: float) -> None:
        """Block the calling thread (the sync driver's retry and polling pauses)."""
        time.sleep(seconds)

    def close(self) -> None:
        """Close the client if this transport created it; a caller's client stays open."""
        if self.owns_client:
            self.client.close()
