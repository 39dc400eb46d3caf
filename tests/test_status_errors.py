"""status_error maps each status class to its exception; BodyBuffer bounds a body; Headers."""

from __future__ import annotations

import json

import pytest

from runs_core import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AssistantStreamDecoder,
    AuthenticationError,
    BadRequestError,
    BodyBuffer,
    ConflictError,
    Headers,
    InternalServerError,
    InvalidRequestError,
    LimitExceededError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    Request,
    Response,
    ResultKind,
    RunsError,
    StreamErrorEvent,
    StreamEventDecodeError,
    StreamIncompleteError,
    UnprocessableEntityError,
    status_class,
    status_error,
)

ERROR_BODY = json.dumps(
    {
        "error": {
            "message": "No run found with id 'run_x'.",
            "type": "invalid_request_error",
            "param": "run_id",
            "code": "not_found",
        }
    }
).encode()


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
    ],
)
def test_each_status_maps_to_its_exception_class(status: int, cls: type[APIStatusError]) -> None:
    error = status_error(None, status, Headers(), b"")
    assert type(error) is cls
    assert error.status_code == status


@pytest.mark.parametrize("status", [418, 405, 410, 451, 302])
def test_any_other_status_is_the_api_status_error_base(status: int) -> None:
    assert type(status_error(None, status, Headers(), b"")) is APIStatusError


def test_the_error_body_fields_are_copied_onto_the_exception() -> None:
    error = status_error(None, 404, Headers({"X-Request-Id": "req_123"}), ERROR_BODY)
    assert str(error) == "Error code: 404 - No run found with id 'run_x'."
    assert error.message == "Error code: 404 - No run found with id 'run_x'."
    assert error.type == "invalid_request_error"
    assert error.param == "run_id"
    assert error.code == "not_found"
    assert error.request_id == "req_123"
    assert error.body == json.loads(ERROR_BODY)["error"]  # the inner object, as the SDK's
    assert error.error == json.loads(ERROR_BODY)["error"]


def test_the_response_headers_are_kept_on_the_exception() -> None:
    error = status_error(None, 429, Headers({"Retry-After": "3"}), b"")
    assert error.headers["retry-after"] == "3"


SDK_CASES = [
    (404, ERROR_BODY),
    (500, b""),
    (502, b"<html>Bad gateway</html>"),
    (429, json.dumps({"message": "slow down", "type": "rate_limit", "code": None}).encode()),
    (400, b'{"error": "bad thing"}'),
    (400, json.dumps({"error": {"message": "x" * 2000}}).encode()),
    (400, json.dumps({"error": {"message": "", "code": 7}}).encode()),
    (409, b"  [1, 2]  "),
    (503, b'{"error": null}'),
]


@pytest.mark.parametrize(("status", "body"), SDK_CASES)
def test_status_errors_match_the_sdks(status: int, body: bytes) -> None:
    import httpx
    import openai

    sdk = openai.OpenAI(api_key="x", base_url="http://test/v1")
    request = httpx.Request("GET", "http://test/v1/threads/t/runs/r")
    theirs = sdk._make_status_error_from_response(
        httpx.Response(status, content=body, request=request)
    )
    ours = status_error(None, status, Headers(), body)
    assert type(ours).__name__ == type(theirs).__name__
    assert (str(ours), ours.message, ours.body) == (str(theirs), theirs.message, theirs.body)
    assert (ours.code, ours.param, ours.type) == (theirs.code, theirs.param, theirs.type)
    assert ours.status_code == theirs.status_code == status


def test_the_request_is_attached_to_the_exception() -> None:
    from runs_core import ClientConfig, RequestBuilder

    request = RequestBuilder(ClientConfig(api_key="k")).list_runs("thread_1")
    attached = status_error(request, 404, Headers(), b"").request
    assert attached == request.redacted()  # a copy with the key masked
    assert attached is not None and attached.header("Authorization") == "<redacted>"


# -- whose fault: the hierarchy ---------------------------------------------------------


@pytest.mark.parametrize(
    "cls",
    [
        BadRequestError,
        AuthenticationError,
        PermissionDeniedError,
        NotFoundError,
        ConflictError,
        UnprocessableEntityError,
        RateLimitError,
        InternalServerError,
    ],
)
def test_every_status_error_is_an_api_status_error(cls: type[APIStatusError]) -> None:
    assert issubclass(cls, APIStatusError)
    assert issubclass(cls, APIError)
    assert issubclass(cls, RunsError)


def test_timeouts_are_connection_errors() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, APIError)


def test_invalid_request_is_the_callers_fault_and_a_value_error() -> None:
    assert issubclass(InvalidRequestError, ValueError)
    assert issubclass(InvalidRequestError, RunsError)
    assert not issubclass(InvalidRequestError, APIError)


def test_a_validation_error_shows_an_excerpt_of_the_body() -> None:
    response = Response(200, Headers({"x-request-id": "req_9"}), b"y" * 300)
    error = APIResponseValidationError("not JSON", response=response)
    assert str(error) == "not JSON; body starts: '" + "y" * 200 + "... (300 chars)'"
    assert error.request_id == "req_9"
    assert error.response is response and error.status_code == 200 and error.body == b"y" * 300


# -- errors that describe themselves ---------------------------------------------------

STATUS_CLASSES = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


@pytest.mark.parametrize(("status", "cls"), sorted(STATUS_CLASSES.items()))
def test_each_status_class_declares_its_status_as_a_literal(status: int, cls: type) -> None:
    import inspect
    import typing

    annotation = inspect.get_annotations(cls)["status_code"]
    assert typing.get_origin(annotation) is typing.Literal
    assert typing.get_args(annotation) == (status,)
    assert status_class(status) is cls


FALLBACKS = [(500, InternalServerError), (503, InternalServerError), (418, APIStatusError)]


@pytest.mark.parametrize(("status", "cls"), FALLBACKS)
def test_statuses_without_a_literal_fall_back_by_range(status: int, cls: type) -> None:
    assert status_class(status) is cls


def test_a_new_literal_status_class_joins_the_table() -> None:
    # The table is read from the classes' declarations, so it cannot drift from them.
    from runs_core import _errors

    assert _errors._literal_statuses() == STATUS_CLASSES


def test_a_status_error_keeps_its_response_and_request() -> None:
    request = Request("GET", "https://x/v1/threads/t/runs/r", (), None, False, 1.0, ResultKind.RUN)
    headers = Headers({"x-request-id": "req_1"})
    error = status_error(request, 404, headers, ERROR_BODY)
    assert isinstance(error, NotFoundError)
    assert error.request is request and error.request_id == "req_1"
    assert error.response == Response(404, headers, ERROR_BODY)
    assert (error.status_code, error.headers, error.code) == (404, headers, "not_found")


def test_every_api_error_declares_request_request_id_and_body() -> None:
    for name in ("message", "request", "request_id", "body"):
        assert name in inspect_annotations(APIError), name
    for name in ("response", "status_code", "headers"):
        assert name in inspect_annotations(APIStatusError), name
        assert name in inspect_annotations(APIResponseValidationError), name


def inspect_annotations(cls: type) -> dict[str, object]:
    import inspect

    return inspect.get_annotations(cls)


def test_a_connection_error_seen_after_the_head_gains_the_request_id() -> None:
    cut = APITimeoutError("Request timed out.")
    seen = cut.after_head("req_7")
    assert type(seen) is APITimeoutError and seen.request_id == "req_7"
    assert seen.message == cut.message and seen.__cause__ is cut and cut.request_id is None


def test_a_decoder_given_its_request_names_it_in_every_error() -> None:
    request = Request("POST", "https://x/v1/threads/t/runs", (), b"{}", True, 1.0,
                      ResultKind.EVENT_STREAM)  # fmt: skip
    cases = [
        (b"event: thread.run.created\ndata: {not json\n\n", StreamEventDecodeError),
        (b'event: error\ndata: {"message": "boom"}\n\n', StreamErrorEvent),
        (b"data: " + b"x" * 64 + b"\n\n", LimitExceededError),
        (b"", StreamIncompleteError),
    ]
    for body, cls in cases:
        decoder = AssistantStreamDecoder(max_event_size=32, request=request, request_id="req_3")
        with pytest.raises(cls) as caught:
            decoder.feed(body)
            decoder.end()
        assert caught.value.request is request and caught.value.request_id == "req_3", cls
        bare = AssistantStreamDecoder(max_event_size=32)
        with pytest.raises(cls) as caught:
            bare.feed(body)
            bare.end()
        assert caught.value.request is None and caught.value.request_id is None, cls


# -- BodyBuffer -------------------------------------------------------------------------


def test_body_buffer_joins_chunks_of_any_bytes_like_type() -> None:
    buffer = BodyBuffer(limit=100)
    buffer.feed(b"ab")
    buffer.feed(bytearray(b"cd"))
    buffer.feed(memoryview(b"ef"))
    assert buffer.getvalue() == b"abcdef"


def test_body_buffer_accepts_exactly_the_limit() -> None:
    buffer = BodyBuffer(limit=4)
    buffer.feed(b"ab")
    buffer.feed(b"cd")
    assert buffer.getvalue() == b"abcd"


def test_body_buffer_refuses_one_byte_past_the_limit() -> None:
    buffer = BodyBuffer(limit=4)
    buffer.feed(b"abcd")
    with pytest.raises(LimitExceededError, match="exceeds the limit of 4 bytes"):
        buffer.feed(b"e")


def test_body_buffer_default_limit_is_32_mib() -> None:
    assert BodyBuffer().limit == 32 * 1024 * 1024


# -- Headers ----------------------------------------------------------------------------


def test_headers_lookup_ignores_case() -> None:
    headers = Headers({"X-Request-Id": "req_1"})
    assert headers["x-request-id"] == "req_1"
    assert headers.get("X-REQUEST-ID") == "req_1"
    assert "x-Request-ID" in headers


def test_headers_accept_byte_pairs_as_h11_gives_them() -> None:
    headers = Headers([(b"Content-Type", b"application/json")])
    assert headers["content-type"] == "application/json"


def test_repeated_headers_are_joined_with_a_comma() -> None:
    headers = Headers([("Vary", "a"), ("vary", "b")])
    assert headers["VARY"] == "a, b"
    assert len(headers) == 1
    assert headers.raw_items() == (("Vary", "a"), ("vary", "b"))


def test_headers_repr_redacts_credentials() -> None:
    headers = Headers({"Authorization": "Bearer sk-secret", "api-key": "sk-two", "X-A": "1"})
    text = repr(headers)
    assert "sk-secret" not in text
    assert "sk-two" not in text
    assert "'x-a': '1'" in text
