"""The emulator refuses what the real API refuses, with the right 4xx, and never a 5xx.

Bodies and queries are checked against the contract (``tests/contract/assistants.yaml``,
which holds ``runs.yaml``); the emulator carries its own copy of the request schemas,
which must equal the contract's.
HTTP-level probes go over raw sockets, so the bytes are exactly the ones named.
"""

from __future__ import annotations

import copy
import json
import logging
import random
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import jsonschema
import pytest
from tests._helpers.contract import full_spec
from tests._helpers.emulator import (
    AUTH,
    rewrite_nullable,
    spec,
    wait_for_status,
)

from runs_emulator import EmulatorThread
from runs_emulator._assistants import MAX_LONG_DELTAS
from runs_emulator._contract import OPERATIONS, SCHEMAS
from runs_emulator._validate import MAX_DEPTH

VALID: dict[str, Any] = {
    "assistant_id": "asst_text",
    "model": "gpt-4o",
    "reasoning_effort": "low",
    "instructions": "Be brief.",
    "additional_instructions": None,
    "additional_messages": [
        {"role": "user", "content": "hi", "metadata": {"k": "v"}},
        {"role": "assistant", "content": [{"type": "text", "text": "earlier"}]},
        {
            "role": "user",
            "content": [{"type": "image_url", "image_url": {"url": "https://x/y.png"}}],
            "attachments": [{"file_id": "file-1", "tools": [{"type": "file_search"}]}],
        },
    ],
    "tools": [
        {"type": "code_interpreter"},
        {"type": "file_search", "file_search": {"max_num_results": 5}},
        {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}},
    ],
    "metadata": {"a": "b"},
    "temperature": 0.5,
    "top_p": 1,
    "stream": False,
    "max_prompt_tokens": 1000,
    "max_completion_tokens": 512.0,
    "truncation_strategy": {"type": "last_messages", "last_messages": 3},
    "tool_choice": {"type": "function", "function": {"name": "f"}},
    "parallel_tool_calls": False,
    "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {}}},
}

# (body change, the param the 400 must name): wrong types, values out of range or enum,
# unknown and missing fields, at the top level and nested.
BAD_CREATE: list[tuple[dict[str, Any], str]] = [
    ({"assistant_id": 5}, "assistant_id"),
    ({"assistant_id": None}, "assistant_id"),
    ({"model": 4}, "model"),
    ({"model": ["gpt-4o"]}, "model"),
    ({"reasoning_effort": "extreme"}, "reasoning_effort"),
    ({"reasoning_effort": 1}, "reasoning_effort"),
    ({"instructions": 1}, "instructions"),
    ({"instructions": {"text": "x"}}, "instructions"),
    ({"additional_instructions": False}, "additional_instructions"),
    ({"additional_messages": 5}, "additional_messages"),
    ({"additional_messages": True}, "additional_messages"),
    ({"additional_messages": {"role": "user"}}, "additional_messages"),
    ({"additional_messages": [1]}, "additional_messages[0]"),
    ({"additional_messages": [{"role": "user"}]}, "additional_messages[0].content"),
    ({"additional_messages": [{"content": "x"}]}, "additional_messages[0].role"),
    ({"additional_messages": [{"role": "system", "content": "x"}]}, "additional_messages[0].role"),
    (
        {"additional_messages": [{"role": "user", "content": "x", "bogus": 1}]},
        "additional_messages[0].bogus",
    ),
    ({"additional_messages": [{"role": "user", "content": 7}]}, "additional_messages[0].content"),
    ({"additional_messages": [{"role": "user", "content": []}]}, "additional_messages[0].content"),
    (
        {"additional_messages": [{"role": "user", "content": [{"type": "text"}]}]},
        "additional_messages[0].content[0].text",
    ),
    (
        {"additional_messages": [{"role": "user", "content": [{"type": "video"}]}]},
        "additional_messages[0].content[0].type",
    ),
    (
        {"additional_messages": [{"role": "user", "content": "x", "metadata": {"k": 1}}]},
        "additional_messages[0].metadata.k",
    ),
    ({"tools": [1]}, "tools[0]"),
    ({"tools": "code_interpreter"}, "tools"),
    ({"tools": [{}]}, "tools[0].type"),
    ({"tools": [{"type": "browser"}]}, "tools[0].type"),
    ({"tools": [{"type": "function"}]}, "tools[0].function"),
    ({"tools": [{"type": "function", "function": {}}]}, "tools[0].function.name"),
    ({"tools": [{"type": "function", "function": {"name": 3}}]}, "tools[0].function.name"),
    (
        {"tools": [{"type": "file_search", "file_search": {"max_num_results": 51}}]},
        "tools[0].file_search.max_num_results",
    ),
    ({"tools": [{"type": "code_interpreter"}] * 21}, "tools"),
    ({"metadata": "x"}, "metadata"),
    ({"metadata": {"k": 1}}, "metadata.k"),
    ({"metadata": {str(i): "v" for i in range(17)}}, "metadata"),
    ({"metadata": {"k" * 65: "v"}}, "metadata"),
    ({"metadata": {"k": "v" * 513}}, "metadata.k"),
    ({"temperature": "hot"}, "temperature"),
    ({"temperature": 2.5}, "temperature"),
    ({"temperature": -1}, "temperature"),
    ({"temperature": True}, "temperature"),
    ({"top_p": 1.5}, "top_p"),
    ({"stream": "yes"}, "stream"),
    ({"stream": 1}, "stream"),
    ({"max_prompt_tokens": 100}, "max_prompt_tokens"),
    ({"max_prompt_tokens": "1000"}, "max_prompt_tokens"),
    ({"max_completion_tokens": True}, "max_completion_tokens"),
    ({"max_completion_tokens": 300.5}, "max_completion_tokens"),
    ({"truncation_strategy": 5}, "truncation_strategy"),
    ({"truncation_strategy": {}}, "truncation_strategy.type"),
    ({"truncation_strategy": {"type": "first"}}, "truncation_strategy.type"),
    (
        {"truncation_strategy": {"type": "last_messages", "last_messages": 0}},
        "truncation_strategy.last_messages",
    ),
    ({"tool_choice": "yes"}, "tool_choice"),
    ({"tool_choice": 1}, "tool_choice"),
    ({"tool_choice": {"type": "magic"}}, "tool_choice.type"),
    ({"tool_choice": {"type": "function", "function": {}}}, "tool_choice.function.name"),
    ({"parallel_tool_calls": "yes"}, "parallel_tool_calls"),
    ({"parallel_tool_calls": None}, "parallel_tool_calls"),
    ({"response_format": []}, "response_format"),
    ({"response_format": "json"}, "response_format"),
    ({"response_format": {"type": "xml"}}, "response_format.type"),
    ({"response_format": {"type": "json_schema"}}, "response_format.json_schema"),
    ({"bogus": 1}, "bogus"),
]

ROOT_RUN = "/threads/t_strict/runs"


@pytest.fixture(autouse=True)
def no_emulator_errors(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Whatever a probe sends, the emulator logs no error (no traceback, no crash)."""
    with caplog.at_level(logging.WARNING, logger="runs_emulator"):
        yield
    errors = [r for r in caplog.records if r.name.startswith("runs_emulator")]
    assert errors == [], [r.getMessage() for r in errors]


def _run_ids(client: httpx.Client) -> list[str]:
    return [run["id"] for run in client.get(ROOT_RUN, params={"limit": 100}).json()["data"]]


def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"message", "type", "param", "code"}
    error: dict[str, Any] = body["error"]
    return error


# -- the emulator's copy of the contract ------------------------------------------------------


def _strip(node: Any, names: bool = False) -> Any:
    """Drop annotations; ``names``: ``node`` maps property names (an assistant's
    ``description`` is a field, not an annotation) to schemas, so only those are stripped."""
    dropped = {"description", "example", "examples", "title", "default", "summary", "format"}
    if isinstance(node, list):
        return [_strip(item) for item in node]
    if not isinstance(node, dict):
        return node
    if names:
        return {k: _strip(v) for k, v in node.items()}
    return {
        k: _strip(v, names=k == "properties")
        for k, v in node.items()
        if k not in dropped and not k.startswith("x-")
    }


def test_the_emulators_request_schemas_are_the_contracts() -> None:
    contract = full_spec()  # every operation served: assistants, threads, messages, runs
    schemas = contract["components"]["schemas"]
    assert {name: rewrite_nullable(_strip(schemas[name])) for name in SCHEMAS} == SCHEMAS
    operations = {}
    for item in contract["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody", {})
            ref = body.get("content", {}).get("application/json", {}).get("schema", {})
            operations[operation["operationId"]] = {
                "query": {
                    p["name"]: rewrite_nullable(_strip(p["schema"]))
                    for p in operation.get("parameters", [])
                    if p["in"] == "query"
                },
                "body": ref["$ref"].rsplit("/", 1)[1] if "$ref" in ref else None,
                "body_required": body.get("required", False),
            }
    assert operations == OPERATIONS
    # ...and it covers every schema the request bodies reference
    text = json.dumps(SCHEMAS)
    refs = {part.split('"')[0] for part in text.split("#/components/schemas/")[1:]}
    assert refs <= set(SCHEMAS)


# -- bodies -----------------------------------------------------------------------------------


def test_a_body_using_every_field_is_accepted(client: httpx.Client) -> None:
    response = client.post(ROOT_RUN, json=VALID)
    assert response.status_code == 200, response.text
    run = response.json()
    assert run["max_completion_tokens"] == 512 and isinstance(run["max_completion_tokens"], int)
    assert run["tool_choice"] == VALID["tool_choice"] and run["tools"] == VALID["tools"]


@pytest.mark.parametrize(("change", "param"), BAD_CREATE, ids=[p for _, p in BAD_CREATE])
def test_a_wrong_create_run_field_is_a_400_naming_it(
    client: httpx.Client, change: dict[str, Any], param: str
) -> None:
    body = {"assistant_id": "asst_text", **change}
    before = _run_ids(client)
    response = client.post(ROOT_RUN, json=body)
    assert response.status_code == 400, response.text
    error = _error(response)
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"
    assert error["code"] in {
        "invalid_type", "invalid_value", "missing_required_parameter", "unknown_parameter",
        "decimal_above_max_value", "decimal_below_min_value", "integer_above_max_value",
        "integer_below_min_value", "array_above_max_length", "empty_array",
        "object_above_max_properties", "string_above_max_length",
    }  # fmt: skip
    assert param in error["message"] or "Supported values" in error["message"]
    assert _run_ids(client) == before  # no run was made


def test_messages_name_the_expected_and_the_received_types(client: httpx.Client) -> None:
    tools = _error(client.post(ROOT_RUN, json={"assistant_id": "a", "tools": [1]}))
    assert tools["message"] == (
        "Invalid type for 'tools[0]': expected an object, but got an integer instead."
    )
    choice = _error(client.post(ROOT_RUN, json={"assistant_id": "a", "tool_choice": "yes"}))
    assert choice["message"] == (
        "Invalid value: 'yes'. Supported values are: 'none', 'auto', and 'required'."
    )
    temperature = _error(client.post(ROOT_RUN, json={"assistant_id": "a", "temperature": 3}))
    assert temperature["code"] == "decimal_above_max_value"
    assert temperature["message"] == (
        "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 "
        "instead."
    )


@pytest.mark.parametrize(
    "raw",
    [
        b'{"assistant_id": "a", "temperature": NaN}',
        b'{"assistant_id": "a", "temperature": Infinity}',
        b'{"assistant_id": "a", "temperature": -Infinity}',
        b'{"assistant_id": "a", "temperature": 1e400}',
        b'{"assistant_id": "a", "top_p": -1e400}',
        b'{"assistant_id": "a", "metadata": {"k": "\\ud800"}}',
        b'{"assistant_id": "a", "max_prompt_tokens": ' + b"9" * 5000 + b"}",
        b'{"assistant_id": "a"',
        b'{"assistant_id": "\xff\xfe"}',
        b"[]",
        b'"assistant_id"',
        b"null",
        b"",
    ],
    ids=lambda raw: raw[:48].decode("latin-1"),
)
def test_bodies_that_are_not_strict_json_objects_are_refused(
    client: httpx.Client, raw: bytes
) -> None:
    response = client.post(ROOT_RUN, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert _error(response)["message"].startswith("We could not parse the JSON body")


@pytest.mark.parametrize("opener", [b"[", b'{"a":'])
@pytest.mark.parametrize("depth", [MAX_DEPTH, 1000, 100_000])
def test_deep_nesting_is_a_400_never_a_crash(
    client: httpx.Client, opener: bytes, depth: int
) -> None:
    closer = b"]" if opener == b"[" else b"}"
    nested = opener * depth + b"1" + closer * depth
    raw = b'{"assistant_id": "a", "tools": [{"type": "function", "function": {"name": "f", '
    raw += b'"parameters": {"deep": ' + nested + b"}}}]}"
    response = client.post(ROOT_RUN, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "nested too deeply" in _error(response)["message"]
    shallow = opener * 8 + b"1" + closer * 8
    ok = raw.replace(nested, shallow)
    assert client.post(ROOT_RUN, content=ok).status_code == 200


def test_other_bodies_are_checked_too(client: httpx.Client) -> None:
    run = client.post("/threads/t_other/runs", json={"assistant_id": "asst_weather"}).json()
    path = f"/threads/t_other/runs/{run['id']}"
    cases: list[tuple[str, Any, str | None]] = [
        (path, {"metadata": 5}, "metadata"),
        (path, {"metadata": {"a": "b"}, "status": "completed"}, "status"),
        (path + "/cancel", {"reason": "x"}, "reason"),
        (path + "/submit_tool_outputs", {"tool_outputs": "x"}, "tool_outputs"),
        (path + "/submit_tool_outputs", {"tool_outputs": [1]}, "tool_outputs[0]"),
        (
            path + "/submit_tool_outputs",
            {"tool_outputs": [{"output": 5}]},
            "tool_outputs[0].output",
        ),
        (path + "/submit_tool_outputs", {}, "tool_outputs"),
        (path + "/submit_tool_outputs", {"tool_outputs": [], "stream": "no"}, "stream"),
        ("/threads", {"messages": [{"role": "user"}]}, "messages[0].content"),
        ("/threads", {"messages": 3}, "messages"),
        ("/threads", {"metadata": {"k": 1}}, "metadata.k"),
        ("/threads", {"tool_resources": 1}, "tool_resources"),
        ("/threads", {"assistant_id": "x"}, "assistant_id"),
    ]
    for target, body, param in cases:
        response = client.post(target, json=body)
        assert response.status_code == 400, (target, body, response.text)
        assert _error(response)["param"] == param, (target, body)
    assert client.post(path + "/cancel", content=b"").status_code == 200  # no body is fine


# -- queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("limit=abc", "limit"),
        ("limit=1.5", "limit"),
        ("limit=%D9%A5", "limit"),  # an Arabic-Indic 5: int() would take it, the API does not
        ("limit=", "limit"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=99999999999999999999999", "limit"),
        ("order=ASC", "order"),
        ("order=", "order"),
    ],
)
def test_bad_list_queries_are_400s_naming_the_parameter(
    client: httpx.Client, query: str, param: str
) -> None:
    for path in ("/threads/t_q/runs", "/threads/t_q/messages"):
        response = client.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query)
        assert _error(response)["param"] == param


def test_include_takes_only_the_contracts_values(client: httpx.Client) -> None:
    run = client.post("/threads/t_inc/runs", json={"assistant_id": "asst_text"}).json()
    good = "step_details.tool_calls[*].file_search.results[*].content"
    steps = f"/threads/t_inc/runs/{run['id']}/steps"
    for target, method in [
        (steps, "GET"),
        (steps + "/step_x", "GET"),
        ("/threads/t_inc/runs", "POST"),
    ]:
        body = {"assistant_id": "asst_text"} if method == "POST" else None
        bad = client.request(
            method, target, params=[("include[]", good), ("include[]", "x")], json=body
        )
        assert bad.status_code == 400 and _error(bad)["param"] == "include[]", target
        fine = client.request(method, target, params={"include[]": good}, json=body)
        assert fine.status_code in (200, 404), target  # 404: step_x does not exist
    unknown = client.get("/threads/t_inc/runs?trace=on&limit=1")  # unknown names: ignored
    assert unknown.status_code == 200


# -- the differential check: accepted exactly when the contract says so ----------------------

_MUTATIONS: list[Any] = [None, True, 0, -1, 1.5, 10**6, "", "x", [], [1], {}, {"type": "x"}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _mutate(body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    out = copy.deepcopy(body)
    for _ in range(rng.choice([1, 1, 2])):
        path = rng.choice([p for p in _paths(out) if p and p[0] != "metadata"])
        parent = out
        for step in path[:-1]:
            parent = parent[step]
        if isinstance(parent, dict) and rng.random() < 0.15:
            del parent[path[-1]]
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(_MUTATIONS))
    return out


def test_accepts_exactly_the_bodies_the_contract_accepts(client: httpx.Client) -> None:
    validator = jsonschema.Draft202012Validator(
        dict(spec(), **{"$ref": "#/components/schemas/CreateRunRequest"})
    )
    rng = random.Random(15)
    seen = {True: 0, False: 0}
    for _ in range(400):
        body = _mutate(VALID, rng)
        valid = validator.is_valid(body)
        response = client.post("/threads/t_diff/runs", json=body)
        assert response.status_code == (200 if valid else 400), (body, response.text)
        seen[valid] += 1
    assert seen[True] > 20 and seen[False] > 200  # both sides were really exercised


def test_random_bytes_never_get_a_5xx(client: httpx.Client) -> None:
    rng = random.Random(1515)
    base = json.dumps(VALID).encode()
    statuses = set()
    for _ in range(300):
        raw = bytearray(base)
        for _ in range(rng.randint(1, 6)):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
        response = client.post("/threads/t_bytes/runs", content=bytes(raw))
        statuses.add(response.status_code)
    assert statuses <= {200, 400}


def test_fault_header_values_that_are_not_finite_are_refused(client: httpx.Client) -> None:
    for header in ("stall=nan", "stall=inf", "stall=-1", "drip-delay-ms=1e400", "status=abc"):
        response = client.get("/threads/t_f/runs", headers={"X-Emulator-Fault": header})
        assert response.status_code == 400, header
        assert _error(response)["param"] == "X-Emulator-Fault"


def test_script_knobs_in_metadata_are_clamped(client: httpx.Client) -> None:
    huge = {"assistant_id": "asst_long", "metadata": {"deltas": "9" * 30, "emulator_step_ms": "0"}}
    never = {"assistant_id": "asst_text", "metadata": {"emulator_step_ms": "inf"}}
    runs = [client.post("/threads/t_knob/runs", json=body).json() for body in (huge, never)]
    for run in runs:  # neither asks for forever: both end
        wait_for_status(client, "t_knob", run["id"], {"completed"}, limit=1000)
    steps = client.get(f"/threads/t_knob/runs/{runs[0]['id']}/steps").json()["data"]
    assert steps[0]["usage"]["completion_tokens"] == MAX_LONG_DELTAS


# -- raw HTTP ---------------------------------------------------------------------------------


def _exchange(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(raw)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def _status(reply: bytes) -> int:
    assert reply.startswith(b"HTTP/1.1 "), reply[:80]
    return int(reply.split(b" ", 2)[1])


AUTH_LINE = f"Authorization: {AUTH['Authorization']}\r\n".encode()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", 400),
        (b"GET /v1/threads/t/runs HTTP/1.1\r\n\r\n", 400),  # no Host
        (b"GET http://[::1/v1/threads/t/runs HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n", 400),
        (b"GET * HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n", 400),
        (
            b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n",
            431,
        ),
        (b"POST /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400),
        (b"POST /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400),
        (
            b"POST /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400,
        ),
        (
            b"POST /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"zz\r\n",
            400,
        ),
        (b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400),
        (b"GET /v1/threads/\xff\xfe/runs HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n", 400),
        (
            b"GET /v1/threads/t/runs HTTP/1.1\r\nHost: x\r\nAuthorization : Bearer sk-no\r\n\r\n",
            400,
        ),
        (b"GET /v1/threads/t/runs?limit=%ff HTTP/1.1\r\nHost: x\r\n" + AUTH_LINE + b"\r\n", 400),
    ],
    ids=lambda v: repr(v)[:40] if isinstance(v, bytes) else str(v),
)
def test_malformed_http_gets_a_4xx_and_the_server_goes_on(
    emu: EmulatorThread, client: httpx.Client, raw: bytes, status: int
) -> None:
    reply = _exchange(emu.port, raw)
    assert _status(reply) == status
    body = reply.partition(b"\r\n\r\n")[2]
    assert set(json.loads(body)["error"]) == {"message", "type", "param", "code"}
    assert b"sk-no" not in reply  # h11 quotes bad header lines: never served back
    assert client.get("/threads/t_after/runs").status_code == 200
