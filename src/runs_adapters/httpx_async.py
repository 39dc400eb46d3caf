"""An :class:`~runs_adapters._transport.AsyncTransport` over :class:`httpx.AsyncClient`.

The async twin of :mod:`runs_adapters.httpx_sync`, sharing its request building and error
mapping. httpx runs on asyncio and on trio (through anyio), and so does this transport:
its :meth:`~HttpxAsyncTransport.sleep` uses ``anyio.sleep``, which follows whichever loop
is running.

Pass your own configured ``httpx.AsyncClient`` to keep its proxies, TLS settings and pool
limits; the transport then never closes it (``owns_client`` is ``False``). Without one it
creates a client of its own, with ``max_connections``/``max_keepalive`` as its
``httpx.Limits``, and closes it in :meth:`HttpxAsyncTransport.aclose`.

Calls queue for a connection here, not in httpx's pool: that pool rescans every waiting
request whenever a connection frees up, so with thousands waiting the event loop spends
its time there and even timeouts stop firing. Here a call takes one of ``max_connections``
slots first, waiting at most its timeout (then :class:`~runs_core.APITimeoutError`), so
httpx never has more requests than connections.

Example::

    transport = HttpxAsyncTransport()
    response = await transport.send(request)
    body = b"".join([chunk async for chunk in response.aiter_bytes()])
    await response.aclose()
    await transport.aclose()
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import httpx

from runs_core import NOT_GIVEN, APITimeoutError, Headers, NotGiven, Request

from ._transport import unchained
from .httpx_sync import (
    body_is_encoded,
    build_httpx_request,
    drop_default_headers,
    httpx_errors,
    new_limits,
    pool_size,
)

__all__ = ["HttpxAsyncResponse", "HttpxAsyncTransport"]


class HttpxAsyncResponse:
    """A response whose head has arrived; iterate :meth:`aiter_bytes` once for the body."""

    def __init__(
        self, response: httpx.Response, request: Request, slot: anyio.Semaphore | None
    ) -> None:
        self._response = response
        self._request = request
        self._slot = slot
        self.status = response.status_code
        self.headers = Headers.from_raw(response.headers.raw)

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives; raises :class:`APIConnectionError` if it is cut short."""
        response = self._response
        with httpx_errors(self._request):
            # Raw chunks skip httpx's per-chunk decoder; only an encoded body needs it.
            chunks = response.aiter_bytes() if body_is_encoded(response) else response.aiter_raw()
            async for chunk in chunks:
                yield chunk

    async def aclose(self) -> None:
        """Return the connection to the pool if the body was read in full, else drop it."""
        slot, self._slot = self._slot, None
        try:
            await self._response.aclose()
        finally:
            if slot is not None:
                slot.release()


class HttpxAsyncTransport:
    """Sends :class:`~runs_core.Request` objects with an ``httpx.AsyncClient``.

    Redirects are not followed: one call sends exactly one request. ``max_connections``
    (default 1,000) and ``max_keepalive`` (default 100) size the pool of a client created
    here; with your own client, calls in flight are bounded by its pool's size.
    """

    def __init__(
        self,
        client: httpx.AsyncClient | None = None,
        *,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
    ) -> None:
        self.owns_client = client is None
        if client is None:
            limits = new_limits(max_connections, max_keepalive)
            client = httpx.AsyncClient(limits=limits)
            drop_default_headers(client.headers)
        else:
            new_limits(max_connections, max_keepalive, given="httpx.AsyncClient")
        self.client = client
        self._slots = pool_size(client)
        self._gate: anyio.Semaphore | None = None  # made on first use, inside a loop

    async def send(self, request: Request) -> HttpxAsyncResponse:
        """Send ``request`` and return once the head is in; the body is read lazily."""
        slot = await self._take_slot(request)
        try:
            with httpx_errors(request):
                built = build_httpx_request(self.client, request)
                response = await self.client.send(built, stream=True, follow_redirects=False)
        except BaseException:
            if slot is not None:
                slot.release()
            raise
        return HttpxAsyncResponse(response, request, slot)

    async def _take_slot(self, request: Request) -> anyio.Semaphore | None:
        """One of the pool's connections for this call, waited for within its timeout."""
        if self._slots is None:
            return None
        gate = self._gate
        if gate is None:
            gate = self._gate = anyio.Semaphore(self._slots)
        try:
            gate.acquire_nowait()
        except anyio.WouldBlock:
            with unchained():
                try:
                    with anyio.fail_after(request.timeout):
                        await gate.acquire()
                except TimeoutError:
                    raise APITimeoutError(
                        "Request timed out waiting for a free connection "
                        f"({self._slots} in use; see max_connections)",
                        request=request,
                    ) from None
        return gate

    async def sleep(self, seconds: float) -> None:
        """Pause on the running loop, asyncio or trio."""
        await anyio.sleep(seconds)

    async def aclose(self) -> None:
        """Close the client if this transport created it; a caller's client stays open."""
        if self.owns_client:
            await self.client.aclose()
