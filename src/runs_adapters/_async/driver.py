"""The driver that performs the core's effects: a flow's ``Send`` becomes a transport
call and a ``Sleep`` a real pause on the transport's clock.

Everything that could be shared (retry decisions, status mapping, body limits, log
lines) lives in ``runs_core``; this is the only place that awaits a transport.
"""

from __future__ import annotations

import time
from typing import TypeVar

from runs_core import (
    DEFAULT_MAX_BODY_BYTES,
    APIConnectionError,
    BodyBuffer,
    Failure,
    Flow,
    Outcome,
    Response,
    Send,
    Sleep,
    keeps_body_open,
    log_exchange,
    not_an_event_stream,
)

from .._transport import AsyncTransport, AsyncTransportResponse

__all__ = ["AsyncDriver"]

_T = TypeVar("_T")


class AsyncDriver:
    """Runs flows on one transport."""

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
        request_id = headers.get("x-request-id")
        log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                     status=status, request_id=request_id)  # fmt: skip
        if keeps_body_open(request, status, headers):
            elapsed = time.monotonic() - started
            return Response(status, headers, None, effect.attempt, elapsed), response
        buffer = BodyBuffer(self.max_body_bytes, request=request, request_id=request_id)
        try:
            async for chunk in response.aiter_bytes():
                buffer.feed(chunk)
        except APIConnectionError as error:
            return Failure(error.after_head(request_id)), None
        finally:
            await response.aclose()
        elapsed = time.monotonic() - started
        answer = Response(status, headers, buffer.getvalue(), effect.attempt, elapsed)
        if request.stream and 200 <= status < 300:
            raise not_an_event_stream(request, answer)
        return answer, None
