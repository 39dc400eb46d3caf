# Generated from runs_adapters/_async/driver.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
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

from .._transport import SyncTransport, SyncTransportResponse

__all__ = ["Driver"]

_T = TypeVar("_T")


class Driver:
    """Runs flows on one transport."""

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
        request_id = headers.get("x-request-id")
        log_exchange(request, attempt=effect.attempt, elapsed=time.monotonic() - started,
                     status=status, request_id=request_id)  # fmt: skip
        if keeps_body_open(request, status, headers):
            elapsed = time.monotonic() - started
            return Response(status, headers, None, effect.attempt, elapsed), response
        buffer = BodyBuffer(self.max_body_bytes, request=request, request_id=request_id)
        try:
            for chunk in response.iter_bytes():
                buffer.feed(chunk)
        except APIConnectionError as error:
            return Failure(error.after_head(request_id)), None
        finally:
            response.close()
        elapsed = time.monotonic() - started
        answer = Response(status, headers, buffer.getvalue(), effect.attempt, elapsed)
        if request.stream and 200 <= status < 300:
            raise not_an_event_stream(request, answer)
        return answer, None
