"""Fuzzing the receive paths (bounded for CI): only the library's own errors escape.

The targets live in ``tests/_helpers/fuzz.py``; ``fuzz/fuzz_decoders.py``'s command-line
run feeds them a million inputs (results in ``docs/hardening.md``); here hypothesis feeds
them a few hundred, both as plain binary (which shrinks well) and through the fuzzer's own
mutator of real streams. The regression tests pin inputs the fuzzer found.
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests._helpers import fuzz
from tests._helpers.fuzz import Input, target_response, target_sse, target_stream

import runs_core
from runs_core import AssistantStreamDecoder, Headers, Request, ResultKind, RunsError

CI = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CORPUS = fuzz.seeds()

cuts = st.lists(st.integers(min_value=0, max_value=4096), max_size=6).map(tuple)
sizes = st.sampled_from([1, 64, 4096, 1 << 16])
statuses = st.one_of(st.sampled_from([200, 201, 400, 401, 404, 429, 500]), st.integers(0, 999))


def _only_runs_errors(target: Callable[[Input], None], case: Input) -> None:
    with contextlib.suppress(RunsError):
        target(case)


@CI
@given(data=st.binary(max_size=2048), cuts=cuts, size=sizes)
def test_sse_decoder_raises_only_runs_errors_on_random_bytes(
    data: bytes, cuts: tuple[int, ...], size: int
) -> None:
    _only_runs_errors(target_sse, Input(data=data, cuts=cuts, max_event_size=size))


@CI
@given(data=st.binary(max_size=2048), cuts=cuts, size=sizes, trailing=st.sampled_from([0, 64]))
def test_stream_decoder_raises_only_runs_errors_on_random_bytes(
    data: bytes, cuts: tuple[int, ...], size: int, trailing: int
) -> None:
    case = Input(data=data, cuts=cuts, max_event_size=size, max_trailing_bytes=trailing)
    _only_runs_errors(target_stream, case)


@CI
@given(data=st.binary(max_size=2048), status=statuses, kind=st.sampled_from(list(ResultKind)))
def test_parse_response_raises_only_runs_errors_on_random_bytes(
    data: bytes, status: int, kind: ResultKind
) -> None:
    _only_runs_errors(target_response, Input(data=data, status=status, kind=kind))


@CI
@given(rng=st.randoms(use_true_random=False))
def test_every_target_raises_only_runs_errors_on_mutated_real_streams(
    rng: random.Random,
) -> None:
    case = fuzz.generate(rng, CORPUS)
    _only_runs_errors(target_sse, case)
    _only_runs_errors(target_stream, case)
    _only_runs_errors(target_response, case)


def test_unmutated_seed_streams_decode_to_done() -> None:
    # The corpus must hold real, valid streams, or the mutations exercise nothing useful.
    decoder = AssistantStreamDecoder()
    events = decoder.feed(CORPUS[0])
    assert decoder.done and events[-1].event == "done"


def test_deeply_nested_error_event_is_a_stream_error_event() -> None:
    # Found by fuzz/fuzz_decoders.py: json.loads raised RecursionError out of feed().
    decoder = AssistantStreamDecoder()
    with pytest.raises(runs_core.StreamErrorEvent) as caught:
        decoder.feed(b"event: error\ndata: " + b"[" * 100_000 + b"\n\n")
    assert caught.value.error == "[" * 100_000


def _request() -> Request:
    return Request(
        method="GET",
        url="https://api.example.test/v1/threads/t/runs/r",
        headers=(),
        body=None,
        stream=False,
        timeout=1.0,
        result=ResultKind.RUN,
    )


def test_deeply_nested_error_body_is_a_status_error() -> None:
    # Found by fuzz/fuzz_decoders.py: json.loads raised RecursionError out of status_error.
    with pytest.raises(runs_core.InternalServerError):
        runs_core.parse_response(_request(), 500, Headers(), b"[" * 100_000)


def test_deeply_nested_success_body_is_a_validation_error() -> None:
    with pytest.raises(runs_core.APIResponseValidationError):
        runs_core.parse_response(_request(), 200, Headers(), b"[" * 100_000)


def test_fuzz_script_reports_no_escapes_for_a_short_run() -> None:
    summary = fuzz.run(300, seed=1, track_memory=True, report_every=0)
    assert summary["escaped"] == {}
    assert summary["tracemalloc_peak_bytes"] < 16 * 1024 * 1024
