"""An :class:`~runs_adapters._transport.AsyncTransport` over :class:`httpx.AsyncClient`.

The async twin of :mod:`runs_adapters.httpx_sync`, sharing its request building and error
mapping. httpx runs on asyncio and on trio (through anyio), and so does this transport:
its :meth:`~HttpxAsyncTransport.sleep` uses ``anyio.sleep``, which follows whichever loop
is running.

Pass your own configured ``httpx.AsyncClient`` to keep its proxies, TLS settings and pool
limits; the transport then never closes it (``owns_client`` is ``False``). Without one it
creates a client of its own and closes it in :meth:`HttpxAsyncTransport.aclose`.

Example::

    transport = HttpxAsyncTransport()
    response = await transport.send(request)
    body = b"".join([chunk async for chunk in response.aiter_bytes()])
    await response.aclose()
    await transport.aclose()
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import httpx

from runs_core import Headers, Request

from .httpx_sync import body_is_encoded, build_httpx_request, drop_default_headers, httpx_errors

__all__ = ["HttpxAsyncResponse", "HttpxAsyncTransport"]

_sleep: Callable[[float], Awaitable[None]]
try:  # anyio is a dependency of httpx, but a vendored or trimmed install may lack it
    from anyio import sleep as _sleep
except ImportError:  # pragma: no cover - asyncio is then the only loop httpx can run on
    from asyncio import sleep as _sleep


class HttpxAsyncResponse:
    """A response whose head has arrived; iterate :meth:`aiter_bytes` once for the body."""

    def __init__(self, response: httpx.Response, request: Request) -> None:
        self._response = response
        self._request = request
        self.status = response.status_code
        self.headers = Headers(response.headers.raw)

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
        await self._response.aclose()


class HttpxAsyncTransport:
    """Sends :class:`~runs_core.Request` objects with an ``httpx.AsyncClient``.

    Redirects are not followed: one call sends exactly one request.
    """

    def __init__(self, client: httpx.AsyncClient | None = None) -> None:
        self.owns_client = client is None
        if client is None:
            client = httpx.AsyncClient()
            drop_default_headers(client.headers)
        self.client = client

    async def send(self, request: Request) -> HttpxAsyncResponse:
        """Send ``request`` and return once the head is in; the body is read lazily."""
        with httpx_errors(request):
            built = build_httpx_request(self.client, request)
            response = await self.client.send(built, stream=True, follow_redirects=False)
        return HttpxAsyncResponse(response, request)

    async def sleep(self, seconds: float) -> None:
        """Pause on the running loop, asyncio or trio."""
        await _sleep(seconds)

    async def aclose(self) -> None:
        """Close the client if this transport created it; a caller's client stays open."""
        if self.owns_client:
            await self.client.aclose()
