"""Drop-in fidelity on the wire: what a server receives from us is what it receives from
the official SDK (``openai``), and the SDK's own conventions work unchanged.

The requests are observed where it counts, on the server's side of a real socket: a small
HTTP/1.1 server (h11 over threads) records each request line, header and body exactly as
they arrive, for every transport (httpx sync and async, requests, aiohttp, trio). Where
the SDK is the reference, it is run through ``httpx.MockTransport`` with the same
arguments and its request is compared with ours.
"""

from __future__ import annotations

import json
import socket
import threading
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import h11
import httpx
import openai
import pytest
from tests._helpers.unified import make_client, run_scenario

from runs_adapters import AsyncClient, BadRequestError, Client
from runs_core import (
    NOT_GIVEN,
    ClientConfig,
    InvalidRequestError,
    NotGiven,
    Request,
    RequestBuilder,
)
from runs_emulator import EmulatorThread

RUN = {
    "id": "run_1",
    "object": "thread.run",
    "created_at": 1,
    "thread_id": "thread_1",
    "assistant_id": "asst_1",
    "status": "completed",
    "model": "gpt-4o",
    "instructions": "",
    "tools": [],
    "parallel_tool_calls": True,
}
PAGE = {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False}
CANCEL_PATH = "/v1/threads/thread_1/runs/run_1/cancel"

# The SDK's sentinels, in every spelling it exports.
SDK_SENTINELS = [openai.NOT_GIVEN, openai.not_given, openai.omit, openai.Omit()]
SENTINEL_IDS = ["NOT_GIVEN", "not_given", "omit", "Omit()"]


# -- a server that records what arrives -------------------------------------------------


@dataclass(frozen=True)
class Received:
    """One request as the server read it off the socket."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)


Responder = Callable[[Received], tuple[int, Any]]


def answer_like_the_api(received: Received) -> tuple[int, Any]:
    """A run for run paths, an empty page for list paths; 400 for a limit outside 1..100."""
    path, _, query = received.target.partition("?")
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if name == "limit" and not (value.isdigit() and 1 <= int(value) <= 100):
            message = f"Invalid 'limit': expected an integer from 1 to 100, got {value!r}."
            error = {"message": message, "type": "invalid_request_error", "param": "limit"}
            return 400, {"error": error}
    if received.method == "GET" and path.endswith(("/runs", "/steps")):
        return 200, PAGE
    return 200, RUN


class WireServer:
    """An HTTP/1.1 server on 127.0.0.1 that keeps every request it is sent."""

    def __init__(self, respond: Responder = answer_like_the_api) -> None:
        self.respond = respond
        self.received: list[Received] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        host, port = self._listener.getsockname()[:2]
        self.base_url = f"http://{host}:{port}/v1"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._connections.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock: socket.socket) -> None:
        conn = h11.Connection(h11.SERVER)
        head: h11.Request | None = None
        body = b""
        try:
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(sock.recv(65536))
                elif isinstance(event, h11.Request):
                    head, body = event, b""
                elif isinstance(event, h11.Data):
                    body += bytes(event.data)
                elif isinstance(event, h11.EndOfMessage) and head is not None:
                    received = Received(
                        method=head.method.decode(),
                        target=head.target.decode("latin-1"),
                        headers=tuple((k.decode(), v.decode("latin-1")) for k, v in head.headers),
                        body=body,
                    )
                    with self._lock:
                        self.received.append(received)
                    status, payload = self.respond(received)
                    sock.sendall(self._answer(conn, status, json.dumps(payload).encode()))
                    conn.start_next_cycle()
                else:  # ConnectionClosed, or anything this server does not speak
                    return
        except (OSError, h11.ProtocolError):
            return
        finally:
            sock.close()

    @staticmethod
    def _answer(conn: h11.Connection, status: int, data: bytes) -> bytes:
        length = str(len(data))
        headers = [("content-type", "application/json"), ("content-length", length)]
        events = [h11.Response(status_code=status, headers=headers), h11.Data(data=data)]
        return b"".join(conn.send(event) or b"" for event in [*events, h11.EndOfMessage()])

    def last(self) -> Received:
        with self._lock:
            return self.received[-1]

    def close(self) -> None:
        self._listener.close()
        with self._lock:
            for sock in self._connections:
                sock.close()


@pytest.fixture
def wire() -> Iterator[WireServer]:
    server = WireServer()
    try:
        yield server
    finally:
        server.close()


# -- the SDK as the reference -----------------------------------------------------------


def _sdk_call(call: Callable[[Any], Any]) -> list[httpx.Request]:
    """Run ``call(client.beta.threads.runs)`` on the SDK; the requests it sent."""
    seen: list[httpx.Request] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        listing = request.method == "GET" and request.url.path.endswith(("/runs", "/steps"))
        return httpx.Response(200, json=PAGE if listing else RUN)

    http_client = httpx.Client(transport=httpx.MockTransport(respond))
    sdk = openai.OpenAI(
        api_key="sk-x", base_url="http://sdk.test/v1", max_retries=0, http_client=http_client
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            call(sdk.beta.threads.runs)
    finally:
        sdk.close()
    return seen


def sdk_request(call: Callable[[Any], Any]) -> httpx.Request:
    """The request the SDK sends for ``call(client.beta.threads.runs)``."""
    return _sdk_call(call)[-1]


def sdk_error(call: Callable[[Any], Any]) -> Exception | None:
    """What the SDK raises for ``call`` before sending anything, or ``None``."""
    try:
        _sdk_call(call)
    except Exception as error:
        return error
    return None


def builder() -> RequestBuilder:
    return RequestBuilder(ClientConfig(api_key="sk-x", base_url="http://ours.test/v1"))


def ours(call: Callable[[RequestBuilder], Request]) -> Request:
    return call(builder())


def query_of(url: str) -> str:
    return urlsplit(url).query


def json_of(body: bytes | None) -> Any:
    return None if not body else json.loads(body)


# -- 1. cancel sends no body ------------------------------------------------------------


def test_cancel_builds_a_request_without_a_body() -> None:
    request = builder().cancel_run("run_1", thread_id="thread_1")
    assert request.method == "POST"
    assert request.body == b""
    assert request.header("Content-Type") is None


def test_cancel_body_is_the_sdks_and_extra_body_still_sends_json() -> None:
    theirs = sdk_request(lambda runs: runs.cancel("run_1", thread_id="thread_1"))
    mine = builder().cancel_run("run_1", thread_id="thread_1")
    assert theirs.content == mine.body == b""
    assert theirs.method == mine.method
    theirs = sdk_request(lambda r: r.cancel("run_1", thread_id="thread_1", extra_body={"a": 1}))
    mine = builder().cancel_run("run_1", thread_id="thread_1", extra_body={"a": 1})
    assert json_of(mine.body) == json_of(theirs.content) == {"a": 1}
    assert mine.header("Content-Type") == "application/json"


def test_cancel_arrives_without_a_body_on_every_transport(
    wire: WireServer, transport: tuple[str, str]
) -> None:
    async def scenario() -> None:
        client = make_client(transport, wire.base_url, max_retries=0)
        try:
            run = await client.runs.cancel("run_1", thread_id="thread_1")
            assert run.id == "run_1"
        finally:
            await client.close()

    run_scenario(transport, scenario)
    received = wire.last()
    assert (received.method, received.target) == ("POST", CANCEL_PATH)
    assert received.body == b""
    assert received.header("content-type") is None
    assert received.header("content-length") == "0"  # as the SDK sends it
    assert received.header("transfer-encoding") is None


# -- 2. dot segments stay encoded on the wire -------------------------------------------


@pytest.mark.parametrize(
    ("thread_id", "run_id", "target"),
    [
        ("..", "run_1", "/v1/threads/%2E%2E/runs/run_1"),
        (".", "..", "/v1/threads/%2E/runs/%2E%2E"),
        ("thread_1", ".", "/v1/threads/thread_1/runs/%2E"),
    ],
)
def test_dot_segment_ids_arrive_encoded_on_every_transport(
    wire: WireServer, transport: tuple[str, str], thread_id: str, run_id: str, target: str
) -> None:
    async def scenario() -> None:
        client = make_client(transport, wire.base_url, max_retries=0)
        try:
            await client.runs.retrieve(run_id, thread_id=thread_id)
            await client.runs.create(thread_id, assistant_id="asst_1")
            await client.runs.list(thread_id, limit=1)
        finally:
            await client.close()

    run_scenario(transport, scenario)
    lines = [(r.method, r.target) for r in wire.received]
    thread_path = target.rsplit("/runs/", 1)[0] + "/runs"
    assert lines == [("GET", target), ("POST", thread_path), ("GET", thread_path + "?limit=1")]


# -- 3. the SDK's sentinels mean "not given" --------------------------------------------


@pytest.mark.parametrize("sentinel", SDK_SENTINELS, ids=SENTINEL_IDS)
def test_sdk_sentinels_count_as_not_given(sentinel: Any) -> None:
    """Every ``isinstance(x, NotGiven)`` check (builders, clients) recognises them."""
    assert isinstance(sentinel, NotGiven)
    assert isinstance(NOT_GIVEN, NotGiven)
    assert not any(isinstance(value, NotGiven) for value in (None, 0, "", False, [], {}))


CREATE_FIELDS = [
    "additional_instructions", "additional_messages", "instructions", "max_completion_tokens",
    "max_prompt_tokens", "metadata", "model", "parallel_tool_calls", "reasoning_effort",
    "response_format", "temperature", "tool_choice", "tools", "top_p", "truncation_strategy",
    "include", "stream", "timeout",
]  # fmt: skip


@pytest.mark.parametrize("sentinel", SDK_SENTINELS, ids=SENTINEL_IDS)
def test_sdk_sentinels_leave_every_argument_out(sentinel: Any) -> None:
    b = builder()
    s: dict[str, Any] = dict.fromkeys(CREATE_FIELDS, sentinel)
    assert b.create_run("t", assistant_id="a", **s) == b.create_run("t", assistant_id="a")
    cursor: dict[str, Any] = {"after": sentinel, "before": sentinel, "limit": sentinel}
    cursor.update(order=sentinel, timeout=sentinel)
    assert b.list_runs("t", **cursor) == b.list_runs("t")
    assert b.list_run_steps("r", thread_id="t", include=sentinel, **cursor) == b.list_run_steps(
        "r", thread_id="t"
    )
    assert b.retrieve_run_step(
        "s", thread_id="t", run_id="r", include=sentinel, timeout=sentinel
    ) == b.retrieve_run_step("s", thread_id="t", run_id="r")
    assert b.update_run("r", thread_id="t", metadata=sentinel) == b.update_run("r", thread_id="t")
    outputs = [{"tool_call_id": "c", "output": "o"}]
    assert b.submit_tool_outputs(
        "r", thread_id="t", tool_outputs=outputs, stream=sentinel
    ) == b.submit_tool_outputs("r", thread_id="t", tool_outputs=outputs)


@pytest.mark.parametrize("sentinel", SDK_SENTINELS, ids=SENTINEL_IDS)
def test_sdk_sentinels_in_extra_mappings_leave_the_key_out(sentinel: Any) -> None:
    """As in the SDK: a sentinel removes a header (even a default one), a query key or a
    body key; ``None`` in ``extra_body`` is still sent as ``null``."""
    request = builder().update_run(
        "r",
        thread_id="t",
        extra_headers={"OpenAI-Beta": sentinel, "X-Kept": "1"},
        extra_query={"gone": sentinel, "kept": "1"},
        extra_body={"gone": sentinel, "null": None},
    )
    assert request.header("OpenAI-Beta") is None and request.header("X-Kept") == "1"
    assert query_of(request.url) == "kept=1"
    assert json_of(request.body) == {"null": None}
    theirs = sdk_request(
        lambda runs: runs.update(
            "r",
            thread_id="t",
            extra_headers={"OpenAI-Beta": sentinel, "X-Kept": "1"},
            extra_query={"gone": sentinel, "kept": "1"},
            extra_body={"gone": sentinel, "null": None},
        )
    )
    assert "openai-beta" not in theirs.headers
    assert theirs.url.query.decode() == query_of(request.url)
    assert json_of(theirs.content) == json_of(request.body)


def test_sdk_sentinels_work_through_the_clients(wire: WireServer) -> None:
    """Sync and async clients: list, retrieve and poll with the SDK's sentinels."""
    with Client(api_key="sk-x", base_url=wire.base_url, max_retries=0) as client:
        client.runs.list("thread_1", limit=openai.omit, order=openai.NOT_GIVEN)
        client.runs.retrieve("run_1", thread_id="thread_1", timeout=openai.not_given)
        done = client.runs.poll("run_1", "thread_1", poll_interval_ms=openai.omit)
        assert done.status == "completed"

    async def scenario() -> None:
        async with AsyncClient(api_key="sk-x", base_url=wire.base_url, max_retries=0) as client:
            await client.runs.list("thread_1", limit=openai.Omit(), after=openai.omit)
            await client.runs.retrieve("run_1", thread_id="thread_1", timeout=openai.omit)
            done = await client.runs.poll("run_1", "thread_1", poll_interval_ms=openai.omit)
            assert done.status == "completed"

    run_scenario(("httpx", "async"), scenario)
    targets = [r.target for r in wire.received]
    assert targets[0] == targets[3] == "/v1/threads/thread_1/runs"
    assert all(t == "/v1/threads/thread_1/runs/run_1" for t in targets[1:3] + targets[4:])


# -- 3b. timeout accepts an httpx.Timeout -----------------------------------------------


def _timeout_classes() -> list[Any]:
    classes: list[Any] = [httpx.Timeout]
    try:
        import httpx2  # the SDK's own httpx fork, where installed

        classes.append(httpx2.Timeout)
    except ImportError:  # pragma: no cover - depends on the SDK's version
        pass
    return classes


@pytest.mark.parametrize("timeout_class", _timeout_classes())
@pytest.mark.parametrize(
    ("arguments", "seconds"),
    [
        ({"timeout": 30.0}, 30.0),
        ({"timeout": 30.0, "connect": 2.0}, 30.0),
        ({"timeout": 5.0, "read": 45.0}, 45.0),
        ({"timeout": 5.0, "read": None}, None),
        ({"timeout": None}, None),
    ],
)
def test_an_httpx_timeout_gives_its_read_timeout(
    timeout_class: Any, arguments: dict[str, Any], seconds: float | None
) -> None:
    timeout = timeout_class(**arguments)
    request = builder().retrieve_run("r", thread_id="t", timeout=timeout)
    assert request.timeout == seconds
    config = ClientConfig.from_env({}, api_key="sk-x", timeout=timeout)
    assert config.timeout == seconds


def test_an_httpx_timeout_with_a_non_positive_read_is_refused() -> None:
    with pytest.raises(InvalidRequestError, match="timeout"):
        builder().retrieve_run("r", thread_id="t", timeout=httpx.Timeout(5.0, read=0))


def test_clients_accept_an_httpx_timeout(wire: WireServer) -> None:
    timeout = httpx.Timeout(20.0, connect=3.0)
    with Client(api_key="sk-x", base_url=wire.base_url, timeout=timeout) as client:
        assert client.timeout == 20.0
        client.runs.retrieve("run_1", thread_id="thread_1", timeout=httpx.Timeout(7.0))

    async def scenario() -> None:
        async with AsyncClient(api_key="sk-x", base_url=wire.base_url, timeout=timeout) as client:
            assert client.timeout == 20.0
            await client.runs.retrieve("run_1", thread_id="thread_1", timeout=httpx.Timeout(7.0))

    run_scenario(("httpx", "async"), scenario)
    assert len(wire.received) == 2


# -- 4. path ids: the SDK's exact ValueError --------------------------------------------

# (our builder call, the SDK call) for each operation, with the ids given as arguments.
PathCall = Callable[[Any, Any, Any, Any], Any]
PATH_OPERATIONS: dict[str, tuple[PathCall, PathCall]] = {
    "create": (
        lambda b, t, r, s: b.create_run(t, assistant_id="a"),
        lambda runs, t, r, s: runs.create(t, assistant_id="a"),
    ),
    "list": (lambda b, t, r, s: b.list_runs(t), lambda runs, t, r, s: runs.list(t)),
    "retrieve": (
        lambda b, t, r, s: b.retrieve_run(r, thread_id=t),
        lambda runs, t, r, s: runs.retrieve(r, thread_id=t),
    ),
    "update": (
        lambda b, t, r, s: b.update_run(r, thread_id=t),
        lambda runs, t, r, s: runs.update(r, thread_id=t),
    ),
    "cancel": (
        lambda b, t, r, s: b.cancel_run(r, thread_id=t),
        lambda runs, t, r, s: runs.cancel(r, thread_id=t),
    ),
    "submit": (
        lambda b, t, r, s: b.submit_tool_outputs(r, thread_id=t, tool_outputs=[]),
        lambda runs, t, r, s: runs.submit_tool_outputs(r, thread_id=t, tool_outputs=[]),
    ),
    "steps.list": (
        lambda b, t, r, s: b.list_run_steps(r, thread_id=t),
        lambda runs, t, r, s: runs.steps.list(r, thread_id=t),
    ),
    "steps.retrieve": (
        lambda b, t, r, s: b.retrieve_run_step(s, thread_id=t, run_id=r),
        lambda runs, t, r, s: runs.steps.retrieve(s, thread_id=t, run_id=r),
    ),
}
# The path ids each operation takes (the others are ignored by its calls above).
TAKES = {"create": 1, "list": 1, "steps.retrieve": 3}  # 1: thread; 2: thread, run; 3: all
BAD_IDS = {  # the ids, and how many leading ids an operation must take to see a bad one
    "thread-empty": (("", "run_1", "step_1"), 1),
    "thread-None": ((None, "run_1", "step_1"), 1),
    "all-empty": (("", "", ""), 1),
    "run-empty": (("thread_1", "", "step_1"), 2),
    "run-None": (("thread_1", None, "step_1"), 2),
    "run-zero": (("thread_1", 0, "step_1"), 2),
    "step-empty": (("thread_1", "run_1", ""), 3),
}
BAD_ID_CASES = [
    pytest.param(operation, ids, id=f"{operation}-{name}")
    for operation in sorted(PATH_OPERATIONS)
    for name, (ids, needed) in BAD_IDS.items()
    if TAKES.get(operation, 2) >= needed
]


@pytest.mark.parametrize(("operation", "ids"), BAD_ID_CASES)
def test_a_bad_path_id_raises_the_sdks_value_error(operation: str, ids: tuple[Any, ...]) -> None:
    """The same ``ValueError`` text as the SDK, for the same (first) bad id."""
    mine, theirs = PATH_OPERATIONS[operation]
    expected = sdk_error(lambda runs: theirs(runs, *ids))
    assert isinstance(expected, ValueError)
    with pytest.raises(InvalidRequestError) as caught:
        mine(builder(), *ids)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == str(expected)


def test_the_message_is_the_sdks_text() -> None:
    with pytest.raises(ValueError) as caught:
        builder().retrieve_run("run_1", thread_id="")
    assert str(caught.value) == "Expected a non-empty value for `thread_id` but received ''"


@pytest.mark.parametrize(
    "ids", [(5, 7, 9), (True, "run_1", "step_1"), ("thread_1", 42, "step_1")], ids=str
)
def test_a_non_string_path_id_is_formatted_like_the_sdk(ids: tuple[Any, ...]) -> None:
    for operation in ("retrieve", "steps.retrieve", "cancel"):
        mine, theirs = PATH_OPERATIONS[operation]
        expected = sdk_request(lambda runs, call=theirs: call(runs, *ids))  # type: ignore[misc]
        request = ours(lambda b, call=mine: call(b, *ids))  # type: ignore[misc]
        assert urlsplit(request.url).path == expected.url.raw_path.decode()


# -- 5. values only the server can judge go to the server -------------------------------

SERVER_JUDGED: dict[str, tuple[Callable[[Any], Any], Callable[[RequestBuilder], Request]]] = {
    "limit=0": (lambda r: r.list("t", limit=0), lambda b: b.list_runs("t", limit=0)),
    "limit=101": (lambda r: r.list("t", limit=101), lambda b: b.list_runs("t", limit=101)),
    "limit=-1": (
        lambda r: r.steps.list("r", thread_id="t", limit=-1),
        lambda b: b.list_run_steps("r", thread_id="t", limit=-1),
    ),
    "limit='5'": (lambda r: r.list("t", limit="5"), lambda b: b.list_runs("t", limit="5")),  # type: ignore[arg-type]
    "limit=True": (lambda r: r.list("t", limit=True), lambda b: b.list_runs("t", limit=True)),
    "limit=1.5": (lambda r: r.list("t", limit=1.5), lambda b: b.list_runs("t", limit=1.5)),  # type: ignore[arg-type]
    "limit=None": (lambda r: r.list("t", limit=None), lambda b: b.list_runs("t", limit=None)),  # type: ignore[arg-type]
    "order=sideways": (
        lambda r: r.list("t", order="sideways"),
        lambda b: b.list_runs("t", order="sideways"),  # type: ignore[arg-type]
    ),
    "order=None": (lambda r: r.list("t", order=None), lambda b: b.list_runs("t", order=None)),  # type: ignore[arg-type]
    "after=''": (lambda r: r.list("t", after=""), lambda b: b.list_runs("t", after="")),
    "before=None": (lambda r: r.list("t", before=None), lambda b: b.list_runs("t", before=None)),  # type: ignore[arg-type]
    "include=str": (
        lambda r: r.steps.list("r", thread_id="t", include="x"),
        lambda b: b.list_run_steps("r", thread_id="t", include="x"),
    ),
    "include=None": (
        lambda r: r.steps.retrieve("s", thread_id="t", run_id="r", include=None),
        lambda b: b.retrieve_run_step("s", thread_id="t", run_id="r", include=None),  # type: ignore[arg-type]
    ),
    "assistant_id=''": (
        lambda r: r.create("t", assistant_id=""),
        lambda b: b.create_run("t", assistant_id=""),
    ),
    "assistant_id=None": (
        lambda r: r.create("t", assistant_id=None),
        lambda b: b.create_run("t", assistant_id=None),  # type: ignore[arg-type]
    ),
    "parallel_tool_calls=None": (
        lambda r: r.create("t", assistant_id="a", parallel_tool_calls=None),
        lambda b: b.create_run("t", assistant_id="a", parallel_tool_calls=None),  # type: ignore[arg-type]
    ),
    "tool_outputs=str": (
        lambda r: r.submit_tool_outputs("r", thread_id="t", tool_outputs="x"),
        lambda b: b.submit_tool_outputs("r", thread_id="t", tool_outputs="x"),
    ),
    "tool_outputs=None": (
        lambda r: r.submit_tool_outputs("r", thread_id="t", tool_outputs=None),
        lambda b: b.submit_tool_outputs("r", thread_id="t", tool_outputs=None),  # type: ignore[arg-type]
    ),
}


@pytest.mark.parametrize("case", sorted(SERVER_JUDGED))
def test_a_value_only_the_server_can_judge_is_sent_as_the_sdk_sends_it(case: str) -> None:
    sdk_call, our_call = SERVER_JUDGED[case]
    theirs = sdk_request(sdk_call)
    mine = ours(our_call)
    assert (mine.method, urlsplit(mine.url).path) == (theirs.method, theirs.url.path)
    assert query_of(mine.url) == theirs.url.query.decode()
    assert json_of(mine.body) == json_of(theirs.content)


@pytest.mark.parametrize("limit", [0, 101])
def test_a_limit_the_server_refuses_surfaces_as_bad_request_on_every_transport(
    wire: WireServer, transport: tuple[str, str], limit: int
) -> None:
    async def scenario() -> None:
        client = make_client(transport, wire.base_url, max_retries=0)
        try:
            with pytest.raises(BadRequestError) as caught:
                await client.runs.list("thread_1", limit=limit)
            assert caught.value.status_code == 400
        finally:
            await client.close()

    run_scenario(transport, scenario)
    assert wire.last().target == f"/v1/threads/thread_1/runs?limit={limit}"


@pytest.mark.parametrize("limit", [0, 101])
def test_the_emulator_judges_the_limit_for_sync_and_async_clients(
    emulator: EmulatorThread, limit: int
) -> None:
    thread = f"thread_limit_{limit}"
    with Client(api_key="sk-x", base_url=emulator.base_url, max_retries=0) as client:
        run = client.runs.create(thread, assistant_id="asst_text")
        with pytest.raises(BadRequestError) as caught:
            client.runs.list(thread, limit=limit)
        assert caught.value.status_code == 400

    async def scenario() -> None:
        async with AsyncClient(api_key="sk-x", base_url=emulator.base_url, max_retries=0) as c:
            with pytest.raises(BadRequestError) as caught:
                await c.runs.steps.list(run.id, thread_id=thread, limit=limit)
            assert caught.value.status_code == 400

    run_scenario(("httpx", "async"), scenario)
