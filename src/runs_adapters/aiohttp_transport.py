"""An :class:`~runs_adapters._transport.AsyncTransport` over :class:`aiohttp.ClientSession`.

aiohttp does the HTTP work (pooling, TLS, framing); this module hands it the core's
:class:`~runs_core.Request`, streams the body back and turns aiohttp's exceptions into
:class:`~runs_core.APITimeoutError` / :class:`~runs_core.APIConnectionError`.

Pass your own configured ``ClientSession`` to keep its connector, TLS settings and pool
limits; the transport then never closes it (``owns_client`` is ``False``). Without one
it creates a session on the first :meth:`~AiohttpTransport.send` (aiohttp wants a running
loop for that), its connector sized by ``max_connections``, and closes it in
:meth:`~AiohttpTransport.aclose`.

Example::

    transport = AiohttpTransport()
    response = await transport.send(request)
    body = b"".join([chunk async for chunk in response.aiter_bytes()])
    await response.aclose()
    await transport.aclose()
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import yarl

from runs_core import (
    NOT_GIVEN,
    APIConnectionError,
    APITimeoutError,
    Headers,
    NotGiven,
    PoolLimits,
    Request,
)

__all__ = ["AiohttpResponse", "AiohttpTransport"]

# Headers aiohttp would add on its own (its User-Agent, gzip, an octet-stream Content-Type
# for a bytes body); the core sends the ones it needs, so they are skipped on every request.
_SKIP_AUTO_HEADERS = ("Accept", "Accept-Encoding", "Content-Type", "User-Agent")


_FAILURES = (aiohttp.ClientError, OSError)


def _mapped(exc: BaseException, request: Request) -> APIConnectionError:
    """The core's error for one of aiohttp's failures (``_FAILURES``), while sending or
    while reading a body.

    aiohttp's own timeouts subclass ``asyncio.TimeoutError``, which is the builtin
    ``TimeoutError`` (an ``OSError``) on Python 3.11, so it is checked first. A truncated
    body is a ``ClientPayloadError``, so it raises rather than ending short. Callers raise
    the error after their ``except`` block, so nothing is chained to it: aiohttp's
    exceptions may hold its request_info, real headers included (see ``unchained``).
    Written as ``try``/``except`` at each site rather than a context manager, as every
    call passes through both.
    """
    if isinstance(exc, TimeoutError):
        return APITimeoutError(f"Request timed out: {exc!r}", request=request)
    return APIConnectionError(f"Connection error: {exc!r}", request=request)


def _timeout(seconds: float | None) -> aiohttp.ClientTimeout:
    """sock_read bounds each read, never the whole exchange: a long stream may run as long
    as it keeps delivering, while a stalled one times out. connect bounds the wait for a
    free pooled connection plus connecting."""
    return aiohttp.ClientTimeout(
        total=None, connect=seconds, sock_connect=seconds, sock_read=seconds
    )


def _require_asyncio() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise RuntimeError(
            "the aiohttp transport runs on asyncio, and no asyncio event loop is running "
            "(under trio, use transport='trio' or transport='httpx')"
        ) from None


class AiohttpResponse:
    """A response whose head has arrived; iterate :meth:`aiter_bytes` once for the body."""

    def __init__(self, response: aiohttp.ClientResponse, request: Request) -> None:
        self._response = response
        self._request = request
        self._complete = False
        self.status = response.status
        self.headers = Headers.from_raw(response.raw_headers)

    def aiter_bytes(self) -> AsyncIterator[bytes]:
        """The body as it arrives; raises :class:`APIConnectionError` if it is cut short."""
        return _Body(self)

    async def aclose(self) -> None:
        """Return the connection to the pool if the body was read in full, else drop it."""
        if self._complete:
            self._response.release()
        else:
            self._response.close()


class _Body:
    """:meth:`AiohttpResponse.aiter_bytes` as a plain async iterator over aiohttp's
    ``readany``: asyncio hooks every async generator it runs (a weak-set entry made and
    dropped), a cost each plain call would pay once. At the body's end the response is
    marked complete, so closing it returns the connection to the pool."""

    __slots__ = ("_read", "_response")

    def __init__(self, response: AiohttpResponse) -> None:
        self._response = response
        self._read = response._response.content.readany

    def __aiter__(self) -> _Body:
        return self

    async def __anext__(self) -> bytes:
        try:
            chunk = await self._read()
        except aiohttp.EofStream:  # how some of aiohttp's readers say "no more"
            chunk = b""
        except _FAILURES as exc:
            error = _mapped(exc, self._response._request)
            chunk = None
        if chunk:
            return chunk
        if chunk is not None:  # b"": the body's end
            self._response._complete = True
            raise StopAsyncIteration
        raise error  # outside the except block: nothing chained (see ``_mapped``)


class AiohttpTransport:
    """Sends :class:`~runs_core.Request` objects with an ``aiohttp.ClientSession``.

    Redirects are not followed: one call sends exactly one request. The URL goes out as the
    core built it (already percent-encoded), without yarl re-quoting it.

    ``max_connections`` (default 1,000) is the connector's ``limit``: connections open at
    once, in use or idle. aiohttp keeps no separate count of idle ones, so
    ``max_keepalive`` only chooses between keeping them (any positive number; idle ones
    then close after aiohttp's keep-alive timeout) and ``0``, closing each after its
    response.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession | None = None,
        *,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
    ) -> None:
        self.owns_client = session is None
        if session is not None:
            PoolLimits.refuse_for_given_client("ClientSession", max_connections, max_keepalive)
        self.limits = PoolLimits.of(max_connections, max_keepalive)
        self.session = session
        # A session made here skips aiohttp's automatic headers itself; a caller's session
        # is told to on every request.
        self._skip: tuple[str, ...] | None = _SKIP_AUTO_HEADERS
        self._timeouts: dict[float | None, aiohttp.ClientTimeout] = {}  # by request.timeout

    async def send(self, request: Request) -> AiohttpResponse:
        """Send ``request`` and return once the head is in; the body is read lazily."""
        _require_asyncio()
        if self.session is None:
            connector = aiohttp.TCPConnector(
                limit=self.limits.max_connections or 0,  # aiohttp's 0: no bound
                force_close=self.limits.keepalive == 0,
            )
            self.session = aiohttp.ClientSession(
                connector=connector, skip_auto_headers=_SKIP_AUTO_HEADERS
            )
            self._skip = None
        timeout = self._timeouts.get(request.timeout)
        if timeout is None:
            timeout = _timeout(request.timeout)
            if len(self._timeouts) < 16:  # a few distinct timeouts; not one per call
                self._timeouts[request.timeout] = timeout
        try:
            response = await self.session.request(
                request.method,
                yarl.URL(request.url, encoded=True),
                headers=list(request.headers),
                data=request.body,
                timeout=timeout,
                allow_redirects=False,
                skip_auto_headers=self._skip,
            )
        except _FAILURES as exc:
            error = _mapped(exc, request)
        else:
            return AiohttpResponse(response, request)
        raise error  # outside the except block: nothing chained (see ``_mapped``)

    async def sleep(self, seconds: float) -> None:
        """Pause on the running asyncio loop."""
        await asyncio.sleep(seconds)

    async def aclose(self) -> None:
        """Close the session if this transport created it; a caller's session stays open."""
        if self.owns_client and self.session is not None:
            await self.session.close()
