"""RequestBuilder: every operation's method, path, query, headers and body, and bad input."""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runs_core import (
    NOT_GIVEN,
    USER_AGENT,
    ClientConfig,
    InvalidRequestError,
    Request,
    RequestBuilder,
    ResultKind,
    __version__,
)

BASE = "https://api.example.test/v1"
KEY = "sk-test-0123456789"
INCLUDE = "step_details.tool_calls[*].file_search.results[*].content"


def builder(**config: Any) -> RequestBuilder:
    settings: dict[str, Any] = {"api_key": KEY, "base_url": BASE, **config}
    return RequestBuilder(ClientConfig(**settings))


def path_of(request: Request) -> str:
    return urlsplit(request.url).path


def query_of(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def body_of(request: Request) -> Any:
    assert request.body is not None
    return json.loads(request.body)


# Every builder, called with the least it needs; used for the "on every builder" checks.
OPERATIONS: dict[str, Callable[..., Request]] = {
    "create_run": lambda b, **kw: b.create_run("thread_1", assistant_id="asst_1", **kw),
    "list_runs": lambda b, **kw: b.list_runs("thread_1", **kw),
    "retrieve_run": lambda b, **kw: b.retrieve_run("run_1", thread_id="thread_1", **kw),
    "update_run": lambda b, **kw: b.update_run("run_1", thread_id="thread_1", **kw),
    "cancel_run": lambda b, **kw: b.cancel_run("run_1", thread_id="thread_1", **kw),
    "submit_tool_outputs": lambda b, **kw: b.submit_tool_outputs(
        "run_1", thread_id="thread_1", tool_outputs=[], **kw
    ),
    "list_run_steps": lambda b, **kw: b.list_run_steps("run_1", thread_id="thread_1", **kw),
    "retrieve_run_step": lambda b, **kw: b.retrieve_run_step(
        "step_1", thread_id="thread_1", run_id="run_1", **kw
    ),
}
every_operation = pytest.mark.parametrize("operation", sorted(OPERATIONS))


# -- each operation: method, path, query, body, result kind -----------------------------


def test_create_run_posts_the_assistant_id_to_the_threads_runs_path() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1")
    assert request.method == "POST"
    assert request.url == f"{BASE}/threads/thread_1/runs"
    assert body_of(request) == {"assistant_id": "asst_1"}
    assert request.stream is False
    assert request.result is ResultKind.RUN


def test_create_run_sends_every_given_field() -> None:
    request = builder().create_run(
        "thread_1",
        assistant_id="asst_1",
        additional_instructions="be brief",
        additional_messages=[{"role": "user", "content": "hi"}],
        instructions="you are a bot",
        max_completion_tokens=300,
        max_prompt_tokens=400,
        metadata={"k": "v"},
        model="gpt-4o",
        parallel_tool_calls=False,
        reasoning_effort="low",
        response_format={"type": "json_object"},
        temperature=0.5,
        tool_choice="none",
        tools=[{"type": "code_interpreter"}],
        top_p=0.9,
        truncation_strategy={"type": "last_messages", "last_messages": 3},
    )
    assert body_of(request) == {
        "assistant_id": "asst_1",
        "additional_instructions": "be brief",
        "additional_messages": [{"role": "user", "content": "hi"}],
        "instructions": "you are a bot",
        "max_completion_tokens": 300,
        "max_prompt_tokens": 400,
        "metadata": {"k": "v"},
        "model": "gpt-4o",
        "parallel_tool_calls": False,
        "reasoning_effort": "low",
        "response_format": {"type": "json_object"},
        "temperature": 0.5,
        "tool_choice": "none",
        "tools": [{"type": "code_interpreter"}],
        "top_p": 0.9,
        "truncation_strategy": {"type": "last_messages", "last_messages": 3},
    }


def test_create_run_with_stream_true_is_an_event_stream_request() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", stream=True)
    assert body_of(request) == {"assistant_id": "asst_1", "stream": True}
    assert request.stream is True
    assert request.result is ResultKind.EVENT_STREAM
    assert request.header("Accept") == "text/event-stream"


def test_create_run_with_stream_false_sends_false_and_expects_a_run() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", stream=False)
    assert body_of(request) == {"assistant_id": "asst_1", "stream": False}
    assert request.stream is False
    assert request.result is ResultKind.RUN
    assert request.header("Accept") == "application/json"


def test_create_run_include_goes_in_the_query_as_include_brackets() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", include=[INCLUDE])
    assert path_of(request) == "/v1/threads/thread_1/runs"
    assert query_of(request) == [("include[]", INCLUDE)]


def test_include_given_as_a_bare_string_is_sent_as_the_sdk_sends_it() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", include=INCLUDE)
    assert query_of(request) == [("include", INCLUDE)]


def test_list_runs_gets_the_runs_path_with_cursor_query() -> None:
    request = builder().list_runs("thread_1", after="run_a", before="run_b", limit=5, order="asc")
    assert request.method == "GET"
    assert path_of(request) == "/v1/threads/thread_1/runs"
    assert query_of(request) == [
        ("after", "run_a"),
        ("before", "run_b"),
        ("limit", "5"),
        ("order", "asc"),
    ]
    assert request.body is None
    assert request.result is ResultKind.RUN_PAGE


def test_list_runs_without_arguments_has_no_query() -> None:
    request = builder().list_runs("thread_1")
    assert request.url == f"{BASE}/threads/thread_1/runs"


def test_retrieve_run_gets_the_run_path() -> None:
    request = builder().retrieve_run("run_1", thread_id="thread_1")
    assert (request.method, request.url, request.body) == (
        "GET",
        f"{BASE}/threads/thread_1/runs/run_1",
        None,
    )
    assert request.result is ResultKind.RUN


def test_update_run_posts_metadata_to_the_run_path() -> None:
    request = builder().update_run("run_1", thread_id="thread_1", metadata={"a": "b"})
    assert (request.method, request.url) == ("POST", f"{BASE}/threads/thread_1/runs/run_1")
    assert body_of(request) == {"metadata": {"a": "b"}}
    assert request.result is ResultKind.RUN


def test_update_run_without_metadata_posts_an_empty_object() -> None:
    request = builder().update_run("run_1", thread_id="thread_1")
    assert request.body == b"{}"


def test_update_run_metadata_none_is_sent_as_null() -> None:
    request = builder().update_run("run_1", thread_id="thread_1", metadata=None)
    assert body_of(request) == {"metadata": None}


def test_cancel_run_posts_to_the_cancel_path() -> None:
    request = builder().cancel_run("run_1", thread_id="thread_1")
    assert (request.method, request.url) == ("POST", f"{BASE}/threads/thread_1/runs/run_1/cancel")
    assert request.body == b""
    assert request.result is ResultKind.RUN


def test_submit_tool_outputs_posts_the_outputs() -> None:
    outputs = [{"tool_call_id": "call_1", "output": "42"}]
    request = builder().submit_tool_outputs("run_1", thread_id="thread_1", tool_outputs=outputs)
    assert (request.method, request.url) == (
        "POST",
        f"{BASE}/threads/thread_1/runs/run_1/submit_tool_outputs",
    )
    assert body_of(request) == {"tool_outputs": outputs}
    assert request.result is ResultKind.RUN
    assert request.stream is False


def test_submit_tool_outputs_with_stream_true_is_an_event_stream_request() -> None:
    request = builder().submit_tool_outputs(
        "run_1", thread_id="thread_1", tool_outputs=[], stream=True
    )
    assert body_of(request) == {"tool_outputs": [], "stream": True}
    assert request.stream is True
    assert request.result is ResultKind.EVENT_STREAM
    assert request.header("Accept") == "text/event-stream"


@pytest.mark.parametrize("outputs", [None, "output", {"tool_call_id": "c", "output": "o"}])
def test_submit_tool_outputs_that_are_not_a_list_go_to_the_server(outputs: Any) -> None:
    request = builder().submit_tool_outputs("run_1", thread_id="thread_1", tool_outputs=outputs)
    assert body_of(request) == {"tool_outputs": outputs}


def test_list_run_steps_gets_the_steps_path_with_cursor_and_include() -> None:
    request = builder().list_run_steps(
        "run_1",
        thread_id="thread_1",
        after="step_a",
        limit=100,
        order="desc",
        include=[INCLUDE],
    )
    assert request.method == "GET"
    assert path_of(request) == "/v1/threads/thread_1/runs/run_1/steps"
    assert query_of(request) == [
        ("after", "step_a"),
        ("limit", "100"),
        ("order", "desc"),
        ("include[]", INCLUDE),
    ]
    assert request.body is None
    assert request.result is ResultKind.RUN_STEP_PAGE


def test_retrieve_run_step_gets_the_step_path_with_include() -> None:
    request = builder().retrieve_run_step(
        "step_1", thread_id="thread_1", run_id="run_1", include=[INCLUDE]
    )
    assert request.method == "GET"
    assert path_of(request) == "/v1/threads/thread_1/runs/run_1/steps/step_1"
    assert query_of(request) == [("include[]", INCLUDE)]
    assert request.result is ResultKind.RUN_STEP


def test_request_carries_the_configured_max_retries() -> None:
    assert builder(max_retries=5).list_runs("thread_1").max_retries == 5


# -- NOT_GIVEN vs None --------------------------------------------------------------------


def test_omitted_arguments_are_left_out_of_the_body() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", model=NOT_GIVEN)
    assert body_of(request) == {"assistant_id": "asst_1"}


def test_instructions_none_is_sent_as_null() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", instructions=None)
    assert request.body == b'{"assistant_id":"asst_1","instructions":null}'


@pytest.mark.parametrize(
    "field",
    [
        "additional_instructions",
        "additional_messages",
        "instructions",
        "max_completion_tokens",
        "max_prompt_tokens",
        "metadata",
        "model",
        "reasoning_effort",
        "response_format",
        "temperature",
        "tool_choice",
        "tools",
        "top_p",
        "truncation_strategy",
    ],
)
def test_nullable_create_fields_accept_none_as_null(field: str) -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", **{field: None})
    assert body_of(request) == {"assistant_id": "asst_1", field: None}


def test_parallel_tool_calls_none_is_sent_as_null_for_the_server_to_judge() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", parallel_tool_calls=None)  # type: ignore[arg-type]
    assert body_of(request) == {"assistant_id": "asst_1", "parallel_tool_calls": None}


def test_a_value_that_is_not_json_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="object"):
        builder().create_run("thread_1", assistant_id="asst_1", metadata={"k": object()})  # type: ignore[dict-item]


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_a_float_json_cannot_carry_is_refused(number: float) -> None:
    with pytest.raises(InvalidRequestError, match="JSON"):
        builder().create_run("thread_1", assistant_id="asst_1", temperature=number)


# -- bad ids, limits, orders ------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", None])
def test_an_empty_thread_id_is_refused(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="non-empty value for `thread_id`"):
        builder().list_runs(bad)


def test_a_non_string_thread_id_is_written_as_text() -> None:
    assert path_of(builder().list_runs(7)) == "/v1/threads/7/runs"  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", None])
def test_an_empty_run_id_is_refused(bad: Any) -> None:
    with pytest.raises(InvalidRequestError, match="non-empty value for `run_id`"):
        builder().retrieve_run(bad, thread_id="thread_1")


def test_an_empty_step_id_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="non-empty value for `step_id`"):
        builder().retrieve_run_step("", thread_id="thread_1", run_id="run_1")


def test_an_empty_assistant_id_goes_to_the_server() -> None:
    request = builder().create_run("thread_1", assistant_id="")
    assert body_of(request) == {"assistant_id": ""}


def test_an_empty_cursor_is_sent_and_a_none_cursor_left_out() -> None:
    assert query_of(builder().list_runs("thread_1", after="")) == [("after", "")]
    assert query_of(builder().list_runs("thread_1", after=None)) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("limit", "text"),
    [
        (0, "0"),
        (101, "101"),
        (-1, "-1"),
        (True, "true"),
        (False, "false"),
        ("5", "5"),
        (5.0, "5.0"),
    ],
)
def test_a_limit_outside_1_to_100_or_not_an_int_goes_to_the_server(limit: Any, text: str) -> None:
    assert query_of(builder().list_runs("thread_1", limit=limit)) == [("limit", text)]


@pytest.mark.parametrize("limit", [1, 100])
def test_the_limit_bounds_themselves_are_accepted(limit: int) -> None:
    request = builder().list_run_steps("run_1", thread_id="thread_1", limit=limit)
    assert query_of(request) == [("limit", str(limit))]


@pytest.mark.parametrize("order", ["ascending", "ASC", ""])
def test_an_unknown_order_goes_to_the_server(order: Any) -> None:
    request = builder().list_run_steps("run_1", thread_id="thread_1", order=order)
    assert query_of(request) == [("order", order)]


def test_a_none_order_is_left_out() -> None:
    assert query_of(builder().list_run_steps("run_1", thread_id="thread_1", order=None)) == []  # type: ignore[arg-type]


# -- path parameters are percent-encoded ------------------------------------------------


@pytest.mark.parametrize(
    ("thread_id", "encoded"),
    [
        ("../assistants", "..%2Fassistants"),
        ("a/b?x=1", "a%2Fb%3Fx%3D1"),
        ("a#b", "a%23b"),
        ("100%", "100%25"),
        ("sp ace", "sp%20ace"),
        ("é", "%C3%A9"),
        ("..", "%2E%2E"),
        (".", "%2E"),
    ],
)
def test_thread_id_is_one_percent_encoded_path_segment(thread_id: str, encoded: str) -> None:
    request = builder().list_runs(thread_id)
    assert request.url == f"{BASE}/threads/{encoded}/runs"


def test_a_dot_dot_run_id_cannot_climb_out_of_the_runs_path() -> None:
    request = builder().retrieve_run("..", thread_id="..")
    assert path_of(request) == "/v1/threads/%2E%2E/runs/%2E%2E"


ids = st.text(min_size=1)


def segments(request: Request) -> list[str]:
    path = path_of(request)
    assert path.startswith("/v1/")
    return path.removeprefix("/v1/").split("/")


@given(thread_id=ids, run_id=ids, step_id=ids)
def test_any_ids_stay_inside_their_own_path_segments(
    thread_id: str, run_id: str, step_id: str
) -> None:
    request = builder().retrieve_run_step(step_id, thread_id=thread_id, run_id=run_id)
    parts = segments(request)
    assert len(parts) == 6
    assert parts[0::2] == ["threads", "runs", "steps"]
    assert [unquote(p) for p in parts[1::2]] == [thread_id, run_id, step_id]
    assert all(p not in (".", "..") for p in parts)
    assert urlsplit(request.url).query == ""
    assert urlsplit(request.url).fragment == ""


@given(thread_id=ids, after=ids)
def test_any_ids_and_cursors_never_add_query_keys(thread_id: str, after: str) -> None:
    request = builder().list_runs(thread_id, after=after, limit=3)
    parts = segments(request)
    assert len(parts) == 3
    assert unquote(parts[1]) == thread_id
    assert query_of(request) == [("after", after), ("limit", "3")]


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(extra=st.dictionaries(st.text().filter(lambda k: k != "assistant_id"), json_values))
def test_any_json_extra_body_round_trips_through_the_body_bytes(extra: dict[str, Any]) -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1", extra_body=extra)
    assert body_of(request) == {"assistant_id": "asst_1", **extra}


@given(metadata=st.dictionaries(st.text(), st.text()))
def test_any_metadata_round_trips_through_the_body_bytes(metadata: dict[str, str]) -> None:
    request = builder().update_run("run_1", thread_id="thread_1", metadata=metadata)
    assert body_of(request) == {"metadata": metadata}


# -- extra_headers / extra_query / extra_body / timeout on every builder ----------------


@every_operation
def test_every_builder_sends_extra_headers(operation: str) -> None:
    request = OPERATIONS[operation](builder(), extra_headers={"X-Trace": "t-1"})
    assert request.header("x-trace") == "t-1"


@every_operation
def test_every_builder_appends_extra_query(operation: str) -> None:
    request = OPERATIONS[operation](builder(), extra_query={"debug": "1"})
    assert query_of(request)[-1] == ("debug", "1")


@every_operation
def test_every_builder_merges_extra_body(operation: str) -> None:
    plain = OPERATIONS[operation](builder())
    request = OPERATIONS[operation](builder(), extra_body={"x_new": [1, None]})
    base = json.loads(plain.body) if plain.body else {}
    assert body_of(request) == {**base, "x_new": [1, None]}
    assert request.header("Content-Type") == "application/json"


@every_operation
def test_every_builder_takes_a_per_call_timeout(operation: str) -> None:
    assert OPERATIONS[operation](builder(timeout=30.0), timeout=2.5).timeout == 2.5
    assert OPERATIONS[operation](builder(timeout=30.0), timeout=None).timeout is None


@every_operation
def test_every_builder_defaults_to_the_configured_timeout(operation: str) -> None:
    assert OPERATIONS[operation](builder(timeout=30.0)).timeout == 30.0


def test_extra_body_overrides_a_built_field() -> None:
    request = builder().create_run(
        "thread_1", assistant_id="asst_1", model="a", extra_body={"model": "b"}
    )
    assert body_of(request) == {"assistant_id": "asst_1", "model": "b"}


def test_extra_query_replaces_a_built_parameter_of_the_same_name() -> None:
    request = builder().list_runs("thread_1", limit=10, extra_query={"limit": "20"})
    assert query_of(request) == [("limit", "20")]


def test_default_query_comes_first_and_is_kept() -> None:
    request = builder(default_query=(("api-version", "2"),)).list_runs("thread_1", limit=3)
    assert query_of(request) == [("api-version", "2"), ("limit", "3")]


# -- headers ----------------------------------------------------------------------------


def test_default_headers_of_a_plain_get() -> None:
    request = builder().retrieve_run("run_1", thread_id="thread_1")
    assert request.headers == (
        ("Authorization", f"Bearer {KEY}"),
        ("OpenAI-Beta", "assistants=v2"),
        ("Accept", "application/json"),
        ("User-Agent", f"runs-python/{__version__}"),
    )


def test_user_agent_names_the_library_and_version() -> None:
    assert f"runs-python/{__version__}" == USER_AGENT


@every_operation
def test_content_type_is_sent_only_with_a_body(operation: str) -> None:
    request = OPERATIONS[operation](builder())
    expected = "application/json" if request.body else None
    assert request.header("Content-Type") == expected


def test_get_requests_have_no_body_and_no_content_type() -> None:
    request = builder().list_runs("thread_1")
    assert request.body is None
    assert request.header("content-type") is None


def test_organization_and_project_headers_when_configured() -> None:
    request = builder(organization="org_1", project="proj_1").list_runs("thread_1")
    assert request.header("OpenAI-Organization") == "org_1"
    assert request.header("OpenAI-Project") == "proj_1"


def test_no_organization_or_project_headers_when_not_configured() -> None:
    request = builder().list_runs("thread_1")
    assert request.header("OpenAI-Organization") is None
    assert request.header("OpenAI-Project") is None


@pytest.mark.parametrize(
    "make",
    [
        lambda b: b.create_run("t", assistant_id="a", idempotency_key="idem-1"),
        lambda b: b.update_run("r", thread_id="t", idempotency_key="idem-1"),
        lambda b: b.cancel_run("r", thread_id="t", idempotency_key="idem-1"),
        lambda b: b.submit_tool_outputs(
            "r", thread_id="t", tool_outputs=[], idempotency_key="idem-1"
        ),
    ],
)
def test_idempotency_key_header_when_given(make: Callable[[RequestBuilder], Request]) -> None:
    assert make(builder()).header("Idempotency-Key") == "idem-1"


def test_no_idempotency_key_header_when_not_given() -> None:
    assert builder().cancel_run("r", thread_id="t").header("Idempotency-Key") is None


def test_extra_headers_override_defaults_whatever_their_case() -> None:
    request = builder().list_runs(
        "thread_1", extra_headers={"openai-beta": "assistants=v3", "user-agent": "mine/1"}
    )
    names = [name.lower() for name, _ in request.headers]
    assert names.count("openai-beta") == 1
    assert names.count("user-agent") == 1
    assert request.header("OpenAI-Beta") == "assistants=v3"
    assert request.header("User-Agent") == "mine/1"


def test_extra_headers_override_default_headers() -> None:
    b = builder(default_headers=(("X-Team", "a"),))
    assert b.list_runs("thread_1").header("x-team") == "a"
    assert b.list_runs("thread_1", extra_headers={"x-TEAM": "b"}).header("X-Team") == "b"


@pytest.mark.parametrize("value", ["a\r\nInjected: 1", "a\nb", "a\rb", "a\0b"])
def test_an_extra_header_value_with_cr_or_lf_is_refused(value: str) -> None:
    with pytest.raises(InvalidRequestError, match="contains CR, LF or NUL"):
        builder().list_runs("thread_1", extra_headers={"X-Trace": value})


def test_an_extra_header_name_with_a_newline_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="contains CR, LF or NUL"):
        builder().list_runs("thread_1", extra_headers={"X-A\nB": "v"})


@pytest.mark.parametrize("name", ["", "X A", "X:A"])
def test_an_invalid_header_name_is_refused(name: str) -> None:
    with pytest.raises(InvalidRequestError, match="invalid header name"):
        builder().list_runs("thread_1", extra_headers={name: "v"})


def test_a_default_header_value_with_lf_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="contains CR, LF or NUL"):
        builder(default_headers=(("X-Team", "a\nb"),)).list_runs("thread_1")


def test_an_idempotency_key_with_lf_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="contains CR, LF or NUL"):
        builder().cancel_run("r", thread_id="t", idempotency_key="k\n")


def test_an_api_key_with_a_newline_is_refused_without_showing_the_key() -> None:
    secret = "sk-secret-value\nX-Evil: 1"
    with pytest.raises(InvalidRequestError) as caught:
        builder(api_key=secret).list_runs("thread_1")
    message = str(caught.value)
    assert "Authorization" in message
    assert "sk-secret-value" not in message
    assert "X-Evil" not in message


def test_request_repr_never_shows_the_api_key() -> None:
    request = builder().create_run("thread_1", assistant_id="asst_1")
    text = repr(request)
    assert KEY not in text
    assert "<redacted>" in text
    assert "'POST'" in text


def test_request_header_lookup_ignores_case() -> None:
    request = builder().list_runs("thread_1")
    assert request.header("oPeNaI-bEtA") == "assistants=v2"
    assert request.header("X-Missing") is None


def test_request_path_is_the_path_and_query() -> None:
    request = builder().list_runs("thread_1", limit=2)
    assert request.path == "/v1/threads/thread_1/runs?limit=2"


def test_base_url_trailing_slash_is_not_doubled() -> None:
    config = ClientConfig.from_env({}, api_key=KEY, base_url="http://127.0.0.1:8080/v1/")
    request = RequestBuilder(config).list_runs("thread_1")
    assert request.url == "http://127.0.0.1:8080/v1/threads/thread_1/runs"


def test_an_id_made_of_url_characters_is_sent_literally() -> None:
    request = builder().list_runs(string.punctuation)
    assert unquote(segments(request)[1]) == string.punctuation


def test_extra_query_none_removes_a_default_query_key() -> None:
    builder = RequestBuilder(ClientConfig(api_key="k", default_query=(("region", "eu"),)))
    request = builder.list_runs("t", extra_query={"region": None, "flag": True})
    assert request.url.endswith("/threads/t/runs?flag=true")


@pytest.mark.parametrize("timeout", [0, -1.0])
def test_a_non_positive_per_call_timeout_is_refused(timeout: float) -> None:
    builder = RequestBuilder(ClientConfig(api_key="k"))
    with pytest.raises(InvalidRequestError, match="timeout"):
        builder.retrieve_run("r", thread_id="t", timeout=timeout)
