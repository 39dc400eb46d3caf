"""The shortcuts a plain call takes (docs/benchmarks.md, "Calls and cold start") give
the answers the long way gives: headers decoded on first use, records filled through
their slots' setters, trio's exchange deadline moved only when it is out of date."""

from __future__ import annotations

import copy
import pickle

import pytest
import trio
import trio.testing

from runs_adapters import trio_h11
from runs_core import Headers, Request, Response, ResultKind

RAW = (
    (b"Content-Type", b"application/json"),
    (b"X-Request-Id", b"req_123"),
    (b"Set-Cookie", b"a=1"),
    (b"set-cookie", b"b=2"),
    (b"X-Latin", "caf\u00e9".encode("latin-1")),
)


def test_raw_headers_answer_get_before_and_after_decoding_as_eager_ones_do() -> None:
    eager = Headers(list(RAW))
    names = ["x-request-id", "X-REQUEST-ID", "set-cookie", "x-latin", "missing", "caf\u00e9"]
    for name in names:
        lazy = Headers.from_raw(RAW)
        assert lazy.get(name) == eager.get(name)  # answered from the raw pairs
        assert lazy.get(name, "dflt") == eager.get(name, "dflt")
    lazy = Headers.from_raw(RAW)
    assert lazy.get("set-cookie") == "a=1, b=2"
    assert lazy == eager and dict(lazy) == dict(eager)  # decodes them
    for name in names:
        assert lazy.get(name) == eager.get(name)  # now from the index
    assert lazy.raw_items() == eager.raw_items()
    assert ("X-Latin", "caf\u00e9") in lazy.raw_items()


@pytest.mark.parametrize("first", ["getitem", "contains", "iter", "len", "raw", "repr"])
def test_raw_headers_decode_on_any_first_use(first: str) -> None:
    headers = Headers.from_raw(RAW)
    use = {
        "getitem": lambda: headers["x-request-id"],
        "contains": lambda: "X-Request-Id" in headers,
        "iter": lambda: list(headers),
        "len": lambda: len(headers),
        "raw": headers.raw_items,
        "repr": lambda: repr(headers),
    }[first]
    use()
    assert headers["X-Request-Id"] == "req_123" and len(headers) == 4
    assert list(headers) == ["content-type", "x-request-id", "set-cookie", "x-latin"]


def test_raw_headers_of_text_pairs_and_secrets_in_repr() -> None:
    headers = Headers.from_raw([("Authorization", "Bearer sk-secret"), ("X-A", "1")])
    assert headers.get("authorization") == "Bearer sk-secret"
    assert "sk-secret" not in repr(headers) and headers["x-a"] == "1"


def test_raw_headers_pickle_and_copy_as_decoded_ones() -> None:
    lazy = Headers.from_raw(RAW)
    for clone in (pickle.loads(pickle.dumps(lazy)), copy.deepcopy(lazy), copy.copy(lazy)):
        assert clone == Headers(list(RAW)) and clone.raw_items() == lazy.raw_items()


def test_a_record_given_the_wrong_number_of_fields_refuses() -> None:
    with pytest.raises(TypeError, match="5 fields"):
        Response(200, Headers(), b"")._fill(200)
    request = Request("GET", "http://x/y", (), None, False, 1.0, ResultKind.RUN)
    assert (request.method, request.url, request.max_retries) == ("GET", "http://x/y", 2)


def _request(timeout: float) -> Request:
    return Request("GET", "http://x/", (), None, False, timeout, ResultKind.RUN)


async def _rearmed_after(jump: float, timeout: float) -> bool:
    """Whether a step ``jump`` seconds into an exchange moves the exchange's deadline."""
    clock = trio.lowlevel.current_clock()
    assert isinstance(clock, trio.testing.MockClock)
    with trio.CancelScope(deadline=trio.current_time() + timeout) as scope:
        first = scope.deadline
        clock.jump(jump)
        await trio_h11._bounded(trio.lowlevel.checkpoint(), _request(timeout), scope)
        moved = scope.deadline != first
        if moved:
            assert scope.deadline == trio.current_time() + timeout
    return moved


@pytest.mark.parametrize(
    ("jump", "timeout", "moved"),
    [
        (0.0, 600.0, False),
        (0.0009, 600.0, False),  # within the millisecond of slack
        (0.002, 600.0, True),
        (0.00005, 0.01, False),  # a short timeout: slack is 1% of it
        (0.0002, 0.01, True),
    ],
)
def test_an_exchange_deadline_moves_only_when_more_than_the_slack_out_of_date(
    jump: float, timeout: float, moved: bool
) -> None:
    assert trio.run(_rearmed_after, jump, timeout, clock=trio.testing.MockClock()) is moved


def test_a_step_still_times_out_within_the_slack_of_its_timeout() -> None:
    async def stalled_step() -> tuple[float, float]:
        clock = trio.lowlevel.current_clock()
        assert isinstance(clock, trio.testing.MockClock)
        timeout = 5.0
        with trio.CancelScope(deadline=trio.current_time() + timeout) as scope:
            clock.jump(0.0009)  # a first step took most of the slack
            step_start = trio.current_time()
            await trio_h11._bounded(trio.sleep_forever(), _request(timeout), scope)
        assert scope.cancelled_caught  # what the exchange reports as APITimeoutError
        return step_start, trio.current_time()

    step_start, ended = trio.run(stalled_step, clock=trio.testing.MockClock(autojump_threshold=0))
    assert 5.0 - 0.001 <= ended - step_start <= 5.0
