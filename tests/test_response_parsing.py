"""parse_response: every example in the contract parses; anything else raises the right error."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tests._helpers.contract import spec

from runs_core import (
    APIResponseValidationError,
    ClientConfig,
    Headers,
    NotFoundError,
    Request,
    RequestBuilder,
    ResultKind,
    parse_response,
)
from runs_core.models import CursorPage, Run, RunStep

b = RequestBuilder(ClientConfig(api_key="k"))

REQUESTS: dict[str, Callable[[], Request]] = {
    "listRuns": lambda: b.list_runs("thread_abc123"),
    "createRun": lambda: b.create_run("thread_abc123", assistant_id="asst_abc123"),
    "getRun": lambda: b.retrieve_run("run_abc123", thread_id="thread_abc123"),
    "modifyRun": lambda: b.update_run("run_abc123", thread_id="thread_abc123"),
    "cancelRun": lambda: b.cancel_run("run_abc123", thread_id="thread_abc123"),
    "listRunSteps": lambda: b.list_run_steps("run_abc123", thread_id="thread_abc123"),
    "getRunStep": lambda: b.retrieve_run_step(
        "step_abc123", thread_id="thread_abc123", run_id="run_abc123"
    ),
    "submitToolOuputsToRun": lambda: b.submit_tool_outputs(
        "run_123", thread_id="thread_123", tool_outputs=[]
    ),
}


def json_examples() -> list[Any]:
    contract = spec()
    found = []
    for operations in contract["paths"].values():
        for operation in operations.values():
            examples = operation["x-oaiMeta"]["examples"]
            for example in examples if isinstance(examples, list) else [examples]:
                text = example["response"]
                if text.lstrip().startswith("{"):
                    name = f"{operation['operationId']}-{example.get('title') or 'default'}"
                    found.append(pytest.param(operation["operationId"], text, id=name))
    return found


EXAMPLES = json_examples()


def test_the_contract_has_a_json_example_for_every_operation() -> None:
    assert sorted({p.values[0] for p in EXAMPLES}) == sorted(REQUESTS)


@pytest.mark.parametrize(("operation", "text"), EXAMPLES)
def test_every_contract_example_parses_into_the_promised_type(operation: str, text: str) -> None:
    request = REQUESTS[operation]()
    parsed = parse_response(request, 200, Headers(), text.encode())
    expected = json.loads(text)
    expected_type = {
        ResultKind.RUN: Run,
        ResultKind.RUN_STEP: RunStep,
        ResultKind.RUN_PAGE: CursorPage,
        ResultKind.RUN_STEP_PAGE: CursorPage,
    }[request.result]
    assert isinstance(parsed, expected_type)
    if isinstance(parsed, CursorPage):
        item_type = Run if request.result is ResultKind.RUN_PAGE else RunStep
        assert all(isinstance(item, item_type) for item in parsed.data)
        assert [item.id for item in parsed.data] == [item["id"] for item in expected["data"]]
        assert (parsed.first_id, parsed.last_id, parsed.has_more) == (
            expected["first_id"],
            expected["last_id"],
            expected["has_more"],
        )
    else:
        assert (parsed.id, parsed.object, parsed.status) == (
            expected["id"],
            expected["object"],
            expected["status"],
        )


def test_a_non_2xx_response_raises_its_status_error() -> None:
    request = REQUESTS["getRun"]()
    body = b'{"error": {"message": "No run found", "type": "invalid_request_error"}}'
    with pytest.raises(NotFoundError) as caught:
        parse_response(request, 404, Headers({"x-request-id": "req_1"}), body)
    assert caught.value.message == "Error code: 404 - No run found"
    assert caught.value.request_id == "req_1"


def test_a_2xx_body_that_is_not_json_raises_a_validation_error_with_an_excerpt() -> None:
    request = REQUESTS["getRun"]()
    with pytest.raises(APIResponseValidationError) as caught:
        parse_response(request, 200, Headers({"x-request-id": "req_2"}), b"<html>oops</html>")
    error = caught.value
    assert "body starts: '<html>oops</html>'" in str(error)
    assert error.status_code == 200
    assert error.request_id == "req_2"
    assert error.body == b"<html>oops</html>"
    assert error.request == request.redacted()  # the key masked


def test_a_2xx_body_of_the_wrong_shape_names_the_field_and_shows_an_excerpt() -> None:
    request = REQUESTS["getRunStep"]()
    body = b'{"id": 5, "object": "thread.run.step"}'
    with pytest.raises(APIResponseValidationError) as caught:
        parse_response(request, 200, Headers(), body)
    message = str(caught.value)
    assert message.startswith("run_step response does not match the contract at ")
    assert message.endswith('body starts: \'{"id": 5, "object": "thread.run.step"}\'')


def test_a_page_body_that_is_a_bare_list_is_a_validation_error() -> None:
    with pytest.raises(APIResponseValidationError, match="run_page response"):
        parse_response(REQUESTS["listRuns"](), 200, Headers(), b"[]")


def test_an_empty_2xx_body_is_a_validation_error() -> None:
    with pytest.raises(APIResponseValidationError, match="body starts: ''"):
        parse_response(REQUESTS["cancelRun"](), 200, Headers(), b"")


def test_a_stream_request_is_not_parsed_as_a_plain_response() -> None:
    request = b.create_run("thread_1", assistant_id="asst_1", stream=True)
    with pytest.raises(ValueError, match="EVENT_STREAM responses are streams"):
        parse_response(request, 200, Headers(), b"event: done\ndata: [DONE]\n\n")
