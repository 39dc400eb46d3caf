"""The retry policy: a pure function of the attempt number and what happened.

Time and randomness are arguments (``now`` as a Unix timestamp for ``Retry-After`` dates,
``jitter`` in [0, 1)), so every decision can be checked by a test without a clock.

What is retried, and why: connection errors and timeouts (the request may never have
arrived), 408 and 409 (the API uses 409 for lock contention), 429 and every 5xx.
``x-should-retry: true|false`` from the server overrides the status rule. A server's
``retry-after-ms`` / ``retry-after`` (seconds or an HTTP date) is honoured when it is
between 0 and ``max_retry_after`` seconds; otherwise the delay is exponential backoff
with jitter, capped at ``max_delay``.
"""

from __future__ import annotations

import math

from ._frozen import Frozen
from ._headers import Headers

__all__ = ["RetryDecision", "RetryPolicy", "retry_after_seconds"]

RETRYABLE_STATUSES = frozenset({408, 409, 429})


class RetryDecision(Frozen):
    """Whether to try again, and how many seconds to wait first."""

    __slots__ = ("delay", "reason", "retry")
    _fields = _compared = ("retry", "delay", "reason")
    __match_args__ = ("retry", "delay", "reason")

    retry: bool
    delay: float
    reason: str

    def __init__(self, retry: bool, delay: float = 0.0, reason: str = "") -> None:
        object.__setattr__(self, "retry", retry)
        object.__setattr__(self, "delay", delay)
        object.__setattr__(self, "reason", reason)


def retry_after_seconds(headers: Headers, *, now: float) -> float | None:
    """The delay the server asked for, in seconds, or ``None`` if it asked for none we can read."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value):
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        import datetime  # only for an HTTP-date Retry-After: kept off the import path
        import email.utils  # costs ~7 ms at import

        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            # "-0000" (RFC 5322: UTC, zone unknown) parses as naive; .timestamp() would
            # otherwise read it in the machine's local time zone.
            when = when.replace(tzinfo=datetime.UTC)
        return when.timestamp() - now
    return value if math.isfinite(value) else None


class RetryPolicy(Frozen):
    """When to retry a failed attempt and how long to wait.

    ``retries_taken`` counts the retries already made (0 after the first attempt fails).
    """

    __slots__ = ("initial_delay", "max_delay", "max_retries", "max_retry_after")
    _fields = _compared = ("max_retries", "initial_delay", "max_delay", "max_retry_after")
    __match_args__ = ("max_retries", "initial_delay", "max_delay", "max_retry_after")

    max_retries: int
    initial_delay: float
    max_delay: float
    max_retry_after: float

    def __init__(
        self,
        max_retries: int = 2,
        initial_delay: float = 0.5,
        max_delay: float = 8.0,
        max_retry_after: float = 60.0,
    ) -> None:
        self._fill(max_retries, initial_delay, max_delay, max_retry_after)

    def decide_status(
        self, retries_taken: int, status: int, headers: Headers, *, now: float, jitter: float
    ) -> RetryDecision:
        """Decide for a response that arrived with a non-2xx ``status``."""
        if retries_taken >= self.max_retries:
            return RetryDecision(False, reason="retries exhausted")
        should = headers.get("x-should-retry", "").strip().lower()
        if should == "false":
            return RetryDecision(False, reason="server said x-should-retry: false")
        if should != "true" and status not in RETRYABLE_STATUSES and status < 500:
            return RetryDecision(False, reason=f"status {status} is not retryable")
        asked = retry_after_seconds(headers, now=now)
        if asked is not None and 0 <= asked <= self.max_retry_after:
            return RetryDecision(True, asked, reason=f"server asked to wait {asked:.3f}s")
        return RetryDecision(True, self.backoff(retries_taken, jitter), reason=f"status {status}")

    def decide_failure(self, retries_taken: int, *, jitter: float) -> RetryDecision:
        """Decide for a connection error or timeout (no response arrived)."""
        if retries_taken >= self.max_retries:
            return RetryDecision(False, reason="retries exhausted")
        return RetryDecision(True, self.backoff(retries_taken, jitter), reason="connection failed")

    def backoff(self, retries_taken: int, jitter: float) -> float:
        """Exponential delay for the next retry, reduced by up to 25% of jitter."""
        base = min(self.initial_delay * (2.0**retries_taken), self.max_delay)
        return base * (1.0 - 0.25 * min(max(jitter, 0.0), 1.0))
