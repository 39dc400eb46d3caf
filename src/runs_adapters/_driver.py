"""The two drivers that perform the core's effects: one blocking, one async.

They are the only place where a flow's ``Send`` becomes a transport call and a ``Sleep``
becomes a real pause, and they are deliberately mirror images: everything that could be
shared (retry decisions, status mapping, body limits, log lines) lives in ``runs_core``.
"""

from __future__ import annotations

import random
import time
from typing import TypeVar

from runs_core import APIConnectionError, Headers, LimitExceededError, Request
from runs_core._flow import Failure, Flow, Outcome, Response, Send, Sleep
from runs_core._log import log_exchange
from runs_core._status import DEFAULT_MAX_BODY_BYTES, BodyBuffer

from ._transport import AsyncTransport, AsyncTransportResponse, SyncTransport, SyncTransportResponse

__all__ = ["AsyncDriver", "SyncDriver", "jitter", "now"]

_T = TypeVar("_T")

now = time.time
jitter = random.random


def _tag(error: LimitExceededError, request: Request, headers: Headers) -> None:
    """A body over the limit raises as is (no retry), carrying what a caller reports."""
    error.request = request
    error.request_id = headers.get("x-request-id")  # type: ignore[attr-defined]


class SyncDriver:
    """Runs flows on a :class:`SyncTransport`."""

    def __init__(self, transport: SyncTransport, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        self.transport = transport
        self.max_body_bytes = max_body_bytes

    def run(self, flow: Flow[_T]) -> tuple[_T, SyncTransportResponse | None]:
        """Drive ``flow`` to its end; also return the response left open for a stream."""
        opened: SyncTransportResponse | None = None
        outcome: Outcome = None
        try:
            while True:
                effect = flow.send(outcome)
                if isinstance(effect, Send):
                    outcome, opened = self._send(effect)
                else:
                    assert isinstance(effect, Sleep)
                    self.transport.sleep(effect.seconds)
                    outcome = None
        except StopIteration as stop:
            return stop.value, opened
        except BaseException:
            if opened is not None:
                opened.close()
            raise

    def _send(self, effect: Send) -> tuple[Outcome, SyncTransportResponse | None]:
        request = effect.request
        started = time.monotonic()
        try:
            response = self.transport.send(request)
        except APIConnectionError as error:
            log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                         error=error)  # fmt: skip
            return Failure(error), None
        status, headers = response.status, response.headers
        log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                     status=status, request_id=headers.get("x-request-id"))  # fmt: skip
        if request.stream and 200 <= status < 300:
            return Response(status, headers, None), response
        buffer = BodyBuffer(self.max_body_bytes)
        try:
            for chunk in response.iter_bytes():
                buffer.feed(chunk)
        except APIConnectionError as error:
            error.request_id = headers.get("x-request-id")
            return Failure(error), None
        except LimitExceededError as error:
            _tag(error, request, headers)
            raise
        finally:
            response.close()
        return Response(status, headers, buffer.getvalue()), None


class AsyncDriver:
    """Runs flows on an :class:`AsyncTransport` (asyncio or trio, whichever it uses)."""

    def __init__(self, transport: AsyncTransport, *, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES):
        self.transport = transport
        self.max_body_bytes = max_body_bytes

    async def run(self, flow: Flow[_T]) -> tuple[_T, AsyncTransportResponse | None]:
        """Drive ``flow`` to its end; also return the response left open for a stream."""
        opened: AsyncTransportResponse | None = None
        outcome: Outcome = None
        try:
            while True:
                effect = flow.send(outcome)
                if isinstance(effect, Send):
                    outcome, opened = await self._send(effect)
                else:
                    assert isinstance(effect, Sleep)
                    await self.transport.sleep(effect.seconds)
                    outcome = None
        except StopIteration as stop:
            return stop.value, opened
        except BaseException:
            if opened is not None:
                await opened.aclose()
            raise

    async def _send(self, effect: Send) -> tuple[Outcome, AsyncTransportResponse | None]:
        request = effect.request
        started = time.monotonic()
        try:
            response = await self.transport.send(request)
        except APIConnectionError as error:
            log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                         error=error)  # fmt: skip
            return Failure(error), None
        status, headers = response.status, response.headers
        log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                     status=status, request_id=headers.get("x-request-id"))  # fmt: skip
        if request.stream and 200 <= status < 300:
            return Response(status, headers, None), response
        buffer = BodyBuffer(self.max_body_bytes)
        try:
            async for chunk in response.aiter_bytes():
                buffer.feed(chunk)
        except APIConnectionError as error:
            error.request_id = headers.get("x-request-id")
            return Failure(error), None
        except LimitExceededError as error:
            _tag(error, request, headers)
            raise
        finally:
            await response.aclose()
        return Response(status, headers, buffer.getvalue()), None
