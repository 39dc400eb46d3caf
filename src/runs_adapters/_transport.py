"""The boundary every transport implements: send one request, hand back status, headers and
an iterator of body bytes.

A transport moves bytes and maps its library's exceptions to the core's
:class:`~runs_core.APIConnectionError` / :class:`~runs_core.APITimeoutError`; retries,
parsing, pagination and stream decoding live elsewhere. Writing a new transport means
implementing these few methods (see ``docs/transports.md``).

Contract for implementers:

- ``send`` returns once the status line and headers are in; the body is not read yet.
- ``request.timeout`` (seconds, or ``None`` for no limit) bounds connecting and each
  individual read, so a stalled stream raises :class:`APITimeoutError` rather than hanging.
- Iterating the body yields raw bytes as they arrive (any chunking) and raises
  :class:`APIConnectionError` if the connection breaks before the body is complete.
- ``close``/``aclose`` on a response may be called at any time, more than once. Closing a
  response whose body was fully read returns the connection to the pool (when the
  transport pools); closing it early discards the connection.
- ``sleep`` uses the transport's own event loop or clock; the retry and polling logic asks
  for it so the core never has to know which loop is running.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Protocol, runtime_checkable

from runs_core import Headers, Request, RunsError

__all__ = ["AsyncTransport", "AsyncTransportResponse", "SyncTransport", "SyncTransportResponse"]


@contextlib.contextmanager
def unchained() -> Iterator[None]:
    """Let the core's errors raised in the block out without their ``__cause__`` and
    ``__context__``.

    A transport maps its library's exception to the core's error inside an ``except``
    block, so Python chains the library's exception to it (even with ``from None``, which
    only hides it), and those hold the request as the library built it: real headers,
    the API key included. The library's message stays in the error's own. The bare
    ``raise`` re-raises without chaining anew.
    """
    try:
        yield
    except RunsError as error:
        error.__cause__ = None
        error.__context__ = None
        raise


class SyncTransportResponse(Protocol):
    """A response whose head has arrived; the body is read by iterating ``iter_bytes``."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Headers: ...

    def iter_bytes(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


@runtime_checkable
class SyncTransport(Protocol):
    """Sends requests from blocking code (httpx.Client, requests)."""

    def send(self, request: Request) -> SyncTransportResponse: ...

    def sleep(self, seconds: float) -> None: ...

    def close(self) -> None: ...


class AsyncTransportResponse(Protocol):
    """The async twin of :class:`SyncTransportResponse`."""

    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Headers: ...

    def aiter_bytes(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends requests from async code (httpx.AsyncClient, aiohttp, trio + h11)."""

    async def send(self, request: Request) -> AsyncTransportResponse: ...

    async def sleep(self, seconds: float) -> None: ...

    async def aclose(self) -> None: ...
