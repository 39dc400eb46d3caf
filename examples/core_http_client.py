"""Drive the runs core with nothing but the standard library's http.client.

The core builds a complete request (method, URL, headers, body bytes) and parses the
reply; this file only moves bytes. It creates a run, fetches it again and lists the
thread's runs.

    OPENAI_BASE_URL=http://127.0.0.1:8080/v1 OPENAI_API_KEY=sk-... \\
        python examples/core_http_client.py [THREAD_ID] [ASSISTANT_ID]

Without OPENAI_BASE_URL it talks to the local emulator at http://127.0.0.1:8080/v1 (and,
there only, makes up a key if OPENAI_API_KEY is unset).
"""

from __future__ import annotations

import http.client
import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from runs_core import ClientConfig, Headers, Request, RequestBuilder, parse_response
from runs_core.models import CursorPage, Run

EMULATOR_URL = "http://127.0.0.1:8080/v1"


def send(request: Request) -> tuple[int, Headers, bytes]:
    """Send ``request`` over a fresh connection; return status, headers and the whole body."""
    url = urlsplit(request.url)
    secure = url.scheme == "https"
    connection_class = http.client.HTTPSConnection if secure else http.client.HTTPConnection
    connection = connection_class(url.netloc, timeout=request.timeout)
    try:
        connection.request(
            request.method, request.path, body=request.body, headers=dict(request.headers)
        )
        response = connection.getresponse()
        return response.status, Headers(response.getheaders()), response.read()
    finally:
        connection.close()


def call(request: Request) -> Any:
    """One round trip: the typed result, or the matching runs_core exception."""
    status, headers, body = send(request)
    return parse_response(request, status, headers, body)


def run_example(
    environ: Mapping[str, str], thread_id: str, assistant_id: str
) -> tuple[Run, Run, list[str]]:
    """Create a run, retrieve it, list the thread's runs; return what came back."""
    base_url = environ.get("OPENAI_BASE_URL") or EMULATOR_URL
    api_key = environ.get("OPENAI_API_KEY") or ("sk-emulator" if base_url == EMULATOR_URL else None)
    builder = RequestBuilder(ClientConfig.from_env(environ, api_key=api_key, base_url=base_url))

    create = builder.create_run(thread_id, assistant_id=assistant_id, metadata={"via": "core"})
    created: Run = call(create)
    fetched: Run = call(builder.retrieve_run(created.id, thread_id=thread_id))
    page: CursorPage[Run] = call(builder.list_runs(thread_id, limit=10))
    return created, fetched, [run.id for run in page.data]


def main(argv: Sequence[str] = sys.argv[1:]) -> int:
    thread_id = argv[0] if argv else "thread_abc123"
    assistant_id = argv[1] if len(argv) > 1 else "asst_abc123"
    created, fetched, listed = run_example(os.environ, thread_id, assistant_id)
    print(f"created {created.id} ({created.status}); now {fetched.status}")
    print(f"runs on {thread_id}: {', '.join(listed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
