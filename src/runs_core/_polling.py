"""Polling a run until it needs the caller: a flow shared by every client.

``create_and_poll``, ``poll`` and ``submit_tool_outputs_and_poll`` all end here. The run
is fetched until its status is terminal or ``requires_action``; between fetches the flow
sleeps for the caller's interval, else the server's ``openai-poll-after-ms`` hint, else
one second. An optional deadline (on the driver's monotonic clock) raises
:class:`APITimeoutError` instead of sleeping past it.
"""

from __future__ import annotations

from collections.abc import Callable

from ._builders import RequestBuilder
from ._errors import APITimeoutError
from ._flow import Flow, Response, Sleep, send_with_retries
from ._request import Request
from ._response import parse_response
from ._retry import RetryPolicy
from .models import Run

__all__ = ["DEFAULT_POLL_INTERVAL", "STOP_STATUSES", "poll_interval", "poll_run", "send_and_poll"]

DEFAULT_POLL_INTERVAL = 1.0
STOP_STATUSES = frozenset(
    {"requires_action", "cancelled", "completed", "failed", "expired", "incomplete"}
)


def poll_interval(response: Response, requested: float | None) -> float:
    """Seconds to wait before the next fetch: the caller's choice wins over the server's."""
    if requested is not None:
        return requested
    hint = response.headers.get("openai-poll-after-ms")
    if hint is not None:
        try:
            return max(int(hint), 0) / 1000.0
        except ValueError:
            pass
    return DEFAULT_POLL_INTERVAL


def _fetch(
    request: Request, *, now: Callable[[], float], jitter: Callable[[], float]
) -> Flow[tuple[Run, Response]]:
    policy = RetryPolicy(max_retries=request.max_retries)
    response = yield from send_with_retries(request, policy, now=now, jitter=jitter)
    run: Run = parse_response(request, response.status, response.headers, response.body or b"")
    return run, response


def poll_run(
    builder: RequestBuilder,
    run: Run,
    response: Response,
    *,
    interval: float | None,
    deadline: float | None,
    now: Callable[[], float],
    monotonic: Callable[[], float],
    jitter: Callable[[], float],
) -> Flow[Run]:
    """Fetch ``run`` until it stops; ``response`` is the one that delivered it."""
    while run.status not in STOP_STATUSES:
        delay = poll_interval(response, interval)
        if deadline is not None and monotonic() + delay > deadline:
            raise APITimeoutError(
                f"run {run.id} was still {run.status!r} when the polling deadline passed"
            )
        yield Sleep(delay)
        request = builder.retrieve_run(run.id, thread_id=run.thread_id)
        run, response = yield from _fetch(request, now=now, jitter=jitter)
    return run


def send_and_poll(
    builder: RequestBuilder,
    request: Request,
    *,
    interval: float | None,
    timeout: float | None,
    now: Callable[[], float],
    monotonic: Callable[[], float],
    jitter: Callable[[], float],
) -> Flow[Run]:
    """Send ``request`` (a create, create-and-run, submit or retrieve returning a run),
    then poll it where the run says it lives (its ``thread_id``: for a create-and-run,
    the thread the server just created).

    ``timeout`` is the overall deadline in seconds for the whole operation, or ``None``.
    """
    deadline = None if timeout is None else monotonic() + timeout
    run, response = yield from _fetch(request, now=now, jitter=jitter)
    return (
        yield from poll_run(
            builder, run, response, interval=interval, deadline=deadline,
            now=now, monotonic=monotonic, jitter=jitter,
        )
    )  # fmt: skip
