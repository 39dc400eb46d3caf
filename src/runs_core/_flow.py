"""Multi-step call logic written once, as generators of effects.

A flow is a generator that yields small frozen *effects* (:class:`Send`, :class:`Sleep`)
and receives their outcomes (:class:`Response` or :class:`Failure` for a ``Send``,
``None`` for a ``Sleep``). The sync and async drivers in ``runs_adapters`` are the only
code that performs effects, so retries, polling and the tool loop behave identically on
every transport, and a test can drive a flow by hand with no network at all::

    flow = send_with_retries(request, policy, now=lambda: 0.0, jitter=lambda: 0.0)
    effect = next(flow)                 # Send(request, attempt=0)
    effect = flow.send(Response(503, Headers(), b"{}"))   # Sleep(0.5)
    ...

Flows compose with ``yield from``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

from ._errors import APIConnectionError
from ._frozen import Frozen
from ._request import Request, Response
from ._retry import RetryPolicy
from ._status import status_error

__all__ = ["Effect", "Failure", "Flow", "Outcome", "Response", "Send", "Sleep", "send_with_retries"]


class Send(Frozen):
    """Send ``request``. For a stream request with a 2xx answer the driver keeps the body
    open and replies with ``Response(body=None)``; otherwise it reads the whole body."""

    __slots__ = ("attempt", "request")
    _fields = _compared = ("request", "attempt")
    __match_args__ = ("request", "attempt")

    request: Request
    attempt: int

    def __init__(self, request: Request, attempt: int = 0) -> None:
        object.__setattr__(self, "request", request)
        object.__setattr__(self, "attempt", attempt)


class Sleep(Frozen):
    """Wait ``seconds`` using the transport's clock."""

    __slots__ = ("seconds",)
    _fields = _compared = ("seconds",)
    __match_args__ = ("seconds",)

    seconds: float

    def __init__(self, seconds: float) -> None:
        object.__setattr__(self, "seconds", seconds)


class Failure(Frozen):
    """The transport raised instead of answering (connection error or timeout)."""

    __slots__ = ("error",)
    _fields = _compared = ("error",)
    __match_args__ = ("error",)

    error: APIConnectionError

    def __init__(self, error: APIConnectionError) -> None:
        object.__setattr__(self, "error", error)


Effect = Send | Sleep
Outcome = Response | Failure | None
_T = TypeVar("_T")
Flow = Generator[Effect, Outcome, _T]


def send_with_retries(
    request: Request,
    policy: RetryPolicy,
    *,
    now: Callable[[], float],
    jitter: Callable[[], float],
) -> Flow[Response]:
    """Send ``request`` until it gets a 2xx response or the policy gives up.

    Returns the 2xx :class:`Response`. Raises the matching :class:`APIStatusError` subclass
    for a final non-2xx answer, or the transport's :class:`APIConnectionError` /
    :class:`APITimeoutError` when the last attempt failed to get an answer. A stream is
    only ever retried before any of its body reached the caller, since the flow ends as
    soon as a 2xx head arrives.
    """
    retries = 0
    while True:
        outcome = yield Send(request, retries)
        if isinstance(outcome, Response):
            if 200 <= outcome.status < 300:
                return outcome
            decision = policy.decide_status(
                retries, outcome.status, outcome.headers, now=now(), jitter=jitter()
            )
            if not decision.retry:
                raise status_error(request, outcome.status, outcome.headers, outcome.body or b"")
        elif isinstance(outcome, Failure):
            decision = policy.decide_failure(retries, jitter=jitter())
            if not decision.retry:
                raise outcome.error
        else:  # pragma: no cover - a driver bug, not a server problem
            raise TypeError(f"a Send effect must be answered with Response or Failure: {outcome!r}")
        yield Sleep(decision.delay)
        retries += 1
