"""The core's records (requests, responses, effects, configuration, limits) are plain
slotted classes, no longer ``attrs`` ones (import time, docs/benchmarks.md). What users
could rely on must hold: immutable, compared and hashed by value over the fields that
mean something, picklable and copyable, ``replace`` running the checks again."""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest

from runs_core import (
    APIConnectionError,
    ClientConfig,
    Failure,
    Headers,
    InvalidRequestError,
    PoolLimits,
    Request,
    RequestBuilder,
    Response,
    ResultKind,
    RetryDecision,
    RetryPolicy,
    Send,
    Sleep,
)


def request(**changes: Any) -> Request[Any]:
    fields: dict[str, Any] = {
        "method": "GET",
        "url": "https://api.example.test/v1/threads/t/runs/r",
        "headers": (("Authorization", "Bearer sk-secret"), ("Accept", "application/json")),
        "body": None,
        "stream": False,
        "timeout": 30.0,
        "result": ResultKind.RUN,
    }
    return Request(**{**fields, **changes})


def config(**changes: Any) -> ClientConfig:
    return ClientConfig(**{"api_key": "sk-secret", **changes})


# (a record, an equal one built anew, one differing in a compared field)
CASES: list[tuple[str, Any, Any, Any]] = [
    ("Request", request(), request(), request(url="https://api.example.test/v1/x")),
    (
        "Response",
        Response(200, Headers({"x-request-id": "req_1"}), b"{}"),
        Response(200, Headers({"x-request-id": "req_1"}), b"{}"),
        Response(404, Headers({"x-request-id": "req_1"}), b"{}"),
    ),
    ("ClientConfig", config(), config(), config(timeout=5.0)),
    ("RetryPolicy", RetryPolicy(), RetryPolicy(), RetryPolicy(max_retries=5)),
    ("RetryDecision", RetryDecision(True, 0.5), RetryDecision(True, 0.5), RetryDecision(False)),
    ("PoolLimits", PoolLimits(), PoolLimits(), PoolLimits(max_connections=8)),
    ("Send", Send(request()), Send(request()), Send(request(), attempt=1)),
    ("Sleep", Sleep(1.5), Sleep(1.5), Sleep(2.0)),
]


@pytest.mark.parametrize(("name", "record", "same", "other"), CASES, ids=[c[0] for c in CASES])
def test_compared_and_hashed_by_value(name: str, record: Any, same: Any, other: Any) -> None:
    assert record == same
    if name != "Response":  # its Headers, a mapping, are not hashable (nor were they)
        assert hash(record) == hash(same)
    assert record != other
    assert record.__ne__(same) is False
    assert record != object() and record.__eq__(object()) is NotImplemented


@pytest.mark.parametrize(("name", "record", "same", "other"), CASES, ids=[c[0] for c in CASES])
def test_immutable(name: str, record: Any, same: Any, other: Any) -> None:
    field = record._fields[0]
    with pytest.raises(AttributeError, match="immutable"):
        setattr(record, field, None)
    with pytest.raises(AttributeError, match="immutable"):
        delattr(record, field)
    with pytest.raises(AttributeError):
        record.not_a_field = 1  # slotted: no instance dict
    assert record == same


@pytest.mark.parametrize(("name", "record", "same", "other"), CASES, ids=[c[0] for c in CASES])
def test_pickled_and_copied_records_are_equal(
    name: str, record: Any, same: Any, other: Any
) -> None:
    for twin in (pickle.loads(pickle.dumps(record)), copy.copy(record), copy.deepcopy(record)):
        assert twin == record and twin is not record
        assert type(twin) is type(record)
        assert [getattr(twin, f) for f in record._fields] == [
            getattr(record, f) for f in record._fields
        ]


@pytest.mark.parametrize(("name", "record", "same", "other"), CASES, ids=[c[0] for c in CASES])
def test_repr_names_the_class_and_its_fields(name: str, record: Any, same: Any, other: Any) -> None:
    shown = repr(record)
    assert shown.startswith(f"{name}(")
    assert "sk-secret" not in shown  # requests and configuration mask the key


def test_fields_that_mean_nothing_to_equality_are_left_out() -> None:
    assert request() == request(sensitive=frozenset({"x-other"}))
    headers = Headers({})
    assert Response(200, headers, b"", retries_taken=2, elapsed=1.0) == Response(200, headers, b"")
    assert config() == config(token_provider=lambda: "token")


def test_replace_changes_a_copy_and_runs_the_checks_again() -> None:
    original = config()
    changed = original.replace(timeout=5.0)
    assert changed.timeout == 5.0 and original.timeout != 5.0
    assert changed.api_key == original.api_key
    with pytest.raises(InvalidRequestError, match="no API key"):
        original.replace(api_key="")
    with pytest.raises(ValueError):
        PoolLimits().replace(max_connections=0)
    assert request().replace(stream=True).stream is True


def test_records_of_errors_and_builders() -> None:
    error = APIConnectionError("Connection error: boom", request=request())
    assert Failure(error) == Failure(error)
    assert pickle.loads(pickle.dumps(Sleep(0.25))) == Sleep(0.25)
    builder = RequestBuilder(config())
    assert builder.config == config()
    with pytest.raises(AttributeError, match="immutable"):
        builder.config = config(timeout=1.0)  # type: ignore[misc]
