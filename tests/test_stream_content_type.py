"""A 2xx answer to ``stream=True`` that is not an event stream says so, on every transport."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from tests._helpers.unified import make_client, run_scenario

from runs_core import APIResponseValidationError

BODY = b'{"id": "run_1", "object": "thread.run", "status": "queued"}'


class _JSONEverywhere(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("x-request-id", "req_json")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def json_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _JSONEverywhere)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_a_json_answer_to_a_stream_request_names_its_content_type(
    json_server: str, transport: tuple[str, str]
) -> None:
    caught: list[APIResponseValidationError] = []

    async def scenario() -> None:
        client = make_client(transport, json_server, max_retries=0)
        try:
            await client.runs.create("thread_1", assistant_id="asst_1", stream=True)
        except APIResponseValidationError as error:
            caught.append(error)
        finally:
            await client.close()

    run_scenario(transport, scenario)
    assert len(caught) == 1
    error = caught[0]
    assert "text/event-stream" in str(error) and "'application/json'" in str(error)
    assert '"object": "thread.run"' in str(error)  # the body's start
    assert (error.status_code, error.request_id) == (200, "req_json")
