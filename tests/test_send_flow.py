"""send_with_retries driven by hand: effects out, outcomes in, no network."""

from __future__ import annotations

import json

import pytest

from runs_core import (
    APIConnectionError,
    APITimeoutError,
    ClientConfig,
    Failure,
    Flow,
    Headers,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    Request,
    RequestBuilder,
    Response,
    RetryPolicy,
    Send,
    Sleep,
    send_with_retries,
)

REQUEST: Request = RequestBuilder(ClientConfig(api_key="k")).retrieve_run("run_1", thread_id="t")
OK = Response(200, Headers({"content-type": "application/json"}), b'{"id": "run_1"}')
UNAVAILABLE = Response(503, Headers({"x-request-id": "req_503"}), b"")
ERROR_BODY = json.dumps(
    {"error": {"message": "Overloaded", "type": "server_error", "param": None, "code": "busy"}}
).encode()


def start(policy: RetryPolicy | None = None, *, jitter: float = 0.0) -> Flow[Response]:
    return send_with_retries(
        REQUEST, policy or RetryPolicy(), now=lambda: 1_000.0, jitter=lambda: jitter
    )


def finish(flow: Flow[Response], outcome: Response) -> Response:
    with pytest.raises(StopIteration) as stop:
        flow.send(outcome)
    result: Response = stop.value.value
    return result


def test_a_2xx_answer_to_the_first_send_is_returned() -> None:
    flow = start()
    assert next(flow) == Send(REQUEST, 0)
    assert finish(flow, OK) is OK


def test_a_503_sleeps_then_sends_again_and_returns_the_200() -> None:
    flow = start()
    assert next(flow) == Send(REQUEST, 0)
    assert flow.send(UNAVAILABLE) == Sleep(0.5)
    assert flow.send(None) == Send(REQUEST, 1)
    assert finish(flow, OK) is OK


def test_the_sleep_uses_the_jitter_passed_in() -> None:
    flow = start(jitter=1.0)
    next(flow)
    assert flow.send(UNAVAILABLE) == Sleep(0.375)


def test_the_sleep_honours_retry_after_ms() -> None:
    flow = start()
    next(flow)
    assert flow.send(Response(429, Headers({"retry-after-ms": "1200"}), b"")) == Sleep(1.2)


def test_successive_sleeps_back_off_exponentially() -> None:
    flow = start(RetryPolicy(max_retries=3))
    next(flow)
    sleeps = []
    for attempt in (1, 2, 3):
        sleep = flow.send(UNAVAILABLE)
        assert isinstance(sleep, Sleep)
        sleeps.append(sleep.seconds)
        assert flow.send(None) == Send(REQUEST, attempt)
    assert sleeps == [0.5, 1.0, 2.0]


def test_exhausted_retries_raise_the_status_error_with_its_details() -> None:
    flow = start()
    next(flow)
    flow.send(UNAVAILABLE)
    flow.send(None)
    flow.send(UNAVAILABLE)
    flow.send(None)
    last = Response(503, Headers({"x-request-id": "req_last", "x-extra": "1"}), ERROR_BODY)
    with pytest.raises(InternalServerError) as caught:
        flow.send(last)
    error = caught.value
    assert error.status_code == 503
    assert error.request_id == "req_last"
    assert error.headers["X-Extra"] == "1"
    assert error.message == "Error code: 503 - Overloaded"
    assert (error.type, error.param, error.code) == ("server_error", None, "busy")
    assert error.request == REQUEST.redacted()  # the key masked


def test_the_attempt_count_is_bounded_by_max_retries() -> None:
    flow = start()
    sends = [next(flow)]
    with pytest.raises(InternalServerError):
        while True:
            assert isinstance(flow.send(UNAVAILABLE), Sleep)
            sends.append(flow.send(None))
    assert sends == [Send(REQUEST, 0), Send(REQUEST, 1), Send(REQUEST, 2)]


def test_a_429_that_is_never_lifted_raises_rate_limit_error() -> None:
    flow = start(RetryPolicy(max_retries=1))
    next(flow)
    flow.send(Response(429, Headers(), b""))
    flow.send(None)
    with pytest.raises(RateLimitError):
        flow.send(Response(429, Headers({"x-request-id": "req_429"}), b""))


def test_a_404_is_raised_at_once_without_sleeping() -> None:
    flow = start()
    next(flow)
    with pytest.raises(NotFoundError) as caught:
        flow.send(Response(404, Headers({"x-request-id": "req_404"}), b""))
    assert caught.value.request_id == "req_404"


def test_x_should_retry_false_raises_at_once() -> None:
    flow = start()
    next(flow)
    with pytest.raises(InternalServerError):
        flow.send(Response(500, Headers({"x-should-retry": "false"}), b""))


def test_a_timeout_is_retried_then_the_200_is_returned() -> None:
    flow = start()
    next(flow)
    assert flow.send(Failure(APITimeoutError(request=REQUEST))) == Sleep(0.5)
    assert flow.send(None) == Send(REQUEST, 1)
    assert finish(flow, OK) is OK


def test_a_timeout_on_the_last_attempt_is_re_raised_as_is() -> None:
    flow = start()
    next(flow)
    flow.send(Failure(APITimeoutError(request=REQUEST)))
    flow.send(None)
    flow.send(Failure(APIConnectionError(request=REQUEST)))
    flow.send(None)
    last = APITimeoutError(request=REQUEST)
    with pytest.raises(APITimeoutError) as caught:
        flow.send(Failure(last))
    assert caught.value is last


def test_with_no_retries_a_connection_error_is_raised_at_once() -> None:
    flow = start(RetryPolicy(max_retries=0))
    next(flow)
    error = APIConnectionError(request=REQUEST)
    with pytest.raises(APIConnectionError) as caught:
        flow.send(Failure(error))
    assert caught.value is error


def test_an_opened_stream_answer_without_a_body_is_returned() -> None:
    opened = Response(200, Headers({"content-type": "text/event-stream"}), None)
    flow = start()
    next(flow)
    assert finish(flow, opened) is opened


def test_a_response_exposes_its_request_id() -> None:
    assert UNAVAILABLE.request_id == "req_503"
    assert OK.request_id is None
