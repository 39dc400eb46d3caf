"""RetryPolicy: what is retried, how long to wait, and when to stop."""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator

import pytest

from runs_core import Headers, RetryDecision, RetryPolicy
from runs_core._retry import retry_after_seconds

NOW = 1_700_000_000.0
policy = RetryPolicy()


def decide(status: int, headers: dict[str, str] | None = None, *, taken: int = 0) -> RetryDecision:
    return policy.decide_status(taken, status, Headers(headers or {}), now=NOW, jitter=0.0)


def test_default_policy_allows_two_retries() -> None:
    assert RetryPolicy().max_retries == 2


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retryable_statuses_are_retried(status: int) -> None:
    assert decide(status).retry is True


@pytest.mark.parametrize("status", [400, 401, 403, 404, 418, 422])
def test_client_error_statuses_are_not_retried(status: int) -> None:
    decision = decide(status)
    assert decision == RetryDecision(False, reason=f"status {status} is not retryable")


def test_connection_failures_and_timeouts_are_retried_with_backoff() -> None:
    assert policy.decide_failure(0, jitter=0.0) == RetryDecision(True, 0.5, "connection failed")


def test_connection_failures_stop_when_retries_are_exhausted() -> None:
    assert policy.decide_failure(2, jitter=0.0).retry is False


def test_statuses_stop_when_retries_are_exhausted() -> None:
    assert decide(503, taken=1).retry is True
    assert decide(503, taken=2) == RetryDecision(False, reason="retries exhausted")


def test_zero_max_retries_never_retries() -> None:
    none = RetryPolicy(max_retries=0)
    assert none.decide_status(0, 503, Headers(), now=NOW, jitter=0.0).retry is False
    assert none.decide_failure(0, jitter=0.0).retry is False


@pytest.mark.parametrize("value", ["true", "TRUE", " true "])
def test_x_should_retry_true_retries_a_status_that_is_not_retryable(value: str) -> None:
    assert decide(400, {"x-should-retry": value}).retry is True


def test_x_should_retry_false_stops_a_retryable_status() -> None:
    assert decide(503, {"X-Should-Retry": "false"}) == RetryDecision(
        False, reason="server said x-should-retry: false"
    )


def test_x_should_retry_true_still_respects_the_retry_budget() -> None:
    assert decide(400, {"x-should-retry": "true"}, taken=2).retry is False


def test_retry_after_ms_sets_the_delay() -> None:
    assert decide(429, {"retry-after-ms": "1500"}).delay == 1.5


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert decide(429, {"retry-after-ms": "250", "retry-after": "9"}).delay == 0.25


def test_retry_after_seconds_sets_the_delay() -> None:
    assert decide(503, {"retry-after": "3"}).delay == 3.0


def test_retry_after_http_date_is_relative_to_now() -> None:
    when = email.utils.formatdate(NOW + 7, usegmt=True)
    assert decide(503, {"retry-after": when}).delay == 7.0


def test_retry_after_zero_means_retry_at_once() -> None:
    assert decide(429, {"retry-after": "0"}).delay == 0.0


def test_retry_after_up_to_max_retry_after_is_honoured() -> None:
    assert decide(429, {"retry-after": "60"}).delay == 60.0


def test_retry_after_beyond_max_retry_after_falls_back_to_backoff() -> None:
    assert decide(429, {"retry-after": "61"}).delay == 0.5


def test_a_retry_after_date_in_the_past_falls_back_to_backoff() -> None:
    when = email.utils.formatdate(NOW - 30, usegmt=True)
    assert decide(503, {"retry-after": when}).delay == 0.5


@pytest.mark.parametrize("value", ["soon", "", "nan", "inf"])
def test_an_unreadable_retry_after_falls_back_to_backoff(value: str) -> None:
    assert decide(503, {"retry-after": value}).delay == 0.5


def test_an_unreadable_retry_after_ms_falls_back_to_retry_after() -> None:
    assert decide(503, {"retry-after-ms": "x", "retry-after": "2"}).delay == 2.0


def test_a_larger_max_retry_after_allows_longer_waits() -> None:
    patient = RetryPolicy(max_retry_after=120.0)
    assert (
        patient.decide_status(0, 429, Headers({"retry-after": "90"}), now=NOW, jitter=0).delay == 90
    )


def test_retry_after_seconds_without_headers_is_none() -> None:
    assert retry_after_seconds(Headers(), now=NOW) is None


@pytest.fixture
def local_time_not_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("local_time_not_utc")
def test_a_retry_after_date_in_zone_minus_0000_is_utc_not_local_time() -> None:
    when = email.utils.formatdate(NOW + 5)  # "..., 14 Nov 2023 22:13:25 -0000"
    assert when.endswith("-0000")
    assert retry_after_seconds(Headers({"retry-after": when}), now=NOW) == 5.0


@pytest.mark.parametrize(("taken", "delay"), [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0)])
def test_backoff_doubles_from_half_a_second(taken: int, delay: float) -> None:
    assert policy.backoff(taken, 0.0) == delay


def test_backoff_is_capped_at_max_delay() -> None:
    assert policy.backoff(10, 0.0) == 8.0


@pytest.mark.parametrize(("jitter", "delay"), [(0.0, 1.0), (0.5, 0.875), (1.0, 0.75)])
def test_jitter_takes_off_up_to_a_quarter_of_the_delay(jitter: float, delay: float) -> None:
    assert policy.backoff(1, jitter) == delay


@pytest.mark.parametrize(("jitter", "delay"), [(-3.0, 1.0), (7.0, 0.75)])
def test_jitter_outside_0_to_1_is_clamped(jitter: float, delay: float) -> None:
    assert policy.backoff(1, jitter) == delay


def test_a_status_retry_without_retry_after_uses_backoff_with_jitter() -> None:
    decision = policy.decide_status(1, 500, Headers(), now=NOW, jitter=0.5)
    assert decision == RetryDecision(True, 0.875, "status 500")
