"""next_page_request: continue a cursor-paged list in the direction it started."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

from runs_core import ClientConfig, Request, RequestBuilder, next_page_request
from runs_core.models import CursorPage

builder = RequestBuilder(ClientConfig(api_key="k", base_url="https://api.example.test/v1"))


def page(*ids: str, has_more: bool = True) -> CursorPage[dict[str, Any]]:
    return CursorPage[dict[str, Any]](
        object="list",
        data=[{"id": i} for i in ids],
        first_id=ids[0] if ids else None,
        last_id=ids[-1] if ids else None,
        has_more=has_more,
    )


def query_of(request: Request | None) -> list[tuple[str, str]]:
    assert request is not None
    return parse_qsl(urlsplit(request.url).query, keep_blank_values=True)


def test_a_first_page_without_cursor_continues_after_its_last_id() -> None:
    first = builder.list_runs("thread_1")
    following = next_page_request(first, page("run_1", "run_2"))
    assert following is not None
    assert following.url == "https://api.example.test/v1/threads/thread_1/runs?after=run_2"


def test_an_after_cursor_is_replaced_by_the_pages_last_id() -> None:
    first = builder.list_runs("thread_1", after="run_0")
    assert query_of(next_page_request(first, page("run_1", "run_2"))) == [("after", "run_2")]


def test_a_before_cursor_goes_backward_from_the_pages_first_id() -> None:
    first = builder.list_runs("thread_1", before="run_9")
    assert query_of(next_page_request(first, page("run_7", "run_8"))) == [("before", "run_7")]


def test_limit_order_and_extra_query_are_kept() -> None:
    first = builder.list_run_steps(
        "run_1", thread_id="thread_1", limit=2, order="asc", extra_query={"trace": "on"}
    )
    following = next_page_request(first, page("step_1", "step_2"))
    assert query_of(following) == [
        ("limit", "2"),
        ("order", "asc"),
        ("trace", "on"),
        ("after", "step_2"),
    ]


def test_include_is_kept_on_the_next_page_of_steps() -> None:
    include = "step_details.tool_calls[*].file_search.results[*].content"
    first = builder.list_run_steps("run_1", thread_id="thread_1", include=[include])
    assert query_of(next_page_request(first, page("step_1"))) == [
        ("include[]", include),
        ("after", "step_1"),
    ]


def test_backward_paging_keeps_the_rest_of_the_query() -> None:
    first = builder.list_runs("thread_1", before="run_9", limit=3, order="desc")
    assert query_of(next_page_request(first, page("run_6", "run_8"))) == [
        ("limit", "3"),
        ("order", "desc"),
        ("before", "run_6"),
    ]


def test_the_next_request_differs_from_the_first_only_in_its_url() -> None:
    first = builder.list_runs("thread_1", limit=5, extra_headers={"X-Trace": "1"}, timeout=3.0)
    following = next_page_request(first, page("run_1"))
    assert following is not None
    assert (following.method, following.headers, following.body, following.timeout) == (
        first.method,
        first.headers,
        first.body,
        first.timeout,
    )
    assert following.result is first.result
    assert following.path == "/v1/threads/thread_1/runs?limit=5&after=run_1"


def test_a_cursor_with_url_characters_is_encoded() -> None:
    first = builder.list_runs("thread_1")
    following = next_page_request(first, page("run&x=1 y"))
    assert following is not None
    assert following.url.endswith("?after=run%26x%3D1%20y")
    assert query_of(following) == [("after", "run&x=1 y")]


def test_paging_stops_when_has_more_is_false() -> None:
    assert next_page_request(builder.list_runs("thread_1"), page("run_1", has_more=False)) is None


def test_paging_stops_on_an_empty_page_even_if_it_claims_more() -> None:
    assert next_page_request(builder.list_runs("thread_1"), page(has_more=True)) is None


def test_paging_stops_when_the_page_has_no_cursor_to_continue_from() -> None:
    no_cursor = CursorPage[dict[str, Any]](object="list", data=[{"id": "run_1"}], has_more=True)
    assert next_page_request(builder.list_runs("thread_1"), no_cursor) is None


def test_a_page_keeps_fields_it_does_not_know() -> None:
    parsed = CursorPage[dict[str, Any]].model_validate(
        {"object": "list", "data": [], "has_more": False, "total": 7}
    )
    assert parsed.model_extra == {"total": 7}
