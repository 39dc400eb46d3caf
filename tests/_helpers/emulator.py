"""Helpers for the emulator tests: the contract as JSON Schema, an SSE parser, polling."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from functools import cache
from typing import Any

import httpx
import jsonschema
from tests._helpers.contract import spec as contract_spec

from runs_emulator import EmulatorThread, start_in_thread

KEY = "sk-emulator-test"
AUTH = {"Authorization": f"Bearer {KEY}"}


def rewrite_nullable(node: Any) -> Any:
    """Turn OpenAPI 3.0 `nullable: true` into JSON Schema's "this schema or null"."""
    if isinstance(node, list):
        return [rewrite_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = dict(node)
    nullable = node.pop("nullable", False) is True
    if "allOf" in node:
        kept = []
        for member in node["allOf"]:
            if isinstance(member, dict) and set(member) == {"nullable"}:
                nullable = nullable or member["nullable"] is True
            else:
                kept.append(member)
        node["allOf"] = kept
    node = {key: rewrite_nullable(value) for key, value in node.items()}
    if nullable:
        return {"anyOf": [node, {"type": "null"}]}
    return node


@cache
def spec() -> dict[str, Any]:
    return rewrite_nullable(copy.deepcopy(contract_spec()))


def validator(pointer: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(dict(spec(), **{"$ref": pointer}))


def validate(schema: str, instance: Any) -> None:
    validator(f"#/components/schemas/{schema}").validate(instance)


@cache
def event_pointers() -> dict[str, str]:
    """Each stream event name mapped to the schema of its `{event, data}` pair."""
    schemas = spec()["components"]["schemas"]
    pointers: dict[str, str] = {}
    for ref in schemas["AssistantStreamEvent"]["oneOf"]:
        name = ref["$ref"].rsplit("/", 1)[1]
        variants = schemas[name].get("oneOf")
        if variants is None:
            event = schemas[name]["properties"]["event"]["enum"][0]
            pointers[event] = f"#/components/schemas/{name}"
            continue
        for index, variant in enumerate(variants):
            event = variant["properties"]["event"]["enum"][0]
            pointers[event] = f"#/components/schemas/{name}/oneOf/{index}"
    return pointers


def validate_event(event: str, data: Any) -> None:
    pointer = event_pointers().get(event)
    assert pointer is not None, f"event {event!r} is not in the contract"
    validator(pointer).validate({"event": event, "data": data})


def parse_sse(raw: bytes) -> list[tuple[str, str]]:
    """Split a complete SSE body into (event, data) pairs."""
    events = []
    for block in raw.decode().split("\n\n"):
        if not block.strip():
            continue
        name, data = "message", []
        for line in block.split("\n"):
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
        events.append((name, "\n".join(data)))
    return events


def decoded(events: list[tuple[str, str]]) -> list[tuple[str, Any]]:
    return [(name, data if name == "done" else json.loads(data)) for name, data in events]


def wait_for_status(
    client: httpx.Client, thread_id: str, run_id: str, statuses: set[str], limit: int = 2000
) -> dict[str, Any]:
    """Poll until the run reaches one of `statuses` (bounded by attempts, not by time)."""
    for _ in range(limit):
        run = client.get(f"/threads/{thread_id}/runs/{run_id}").json()
        if run["status"] in statuses:
            return dict(run)
        time.sleep(0.005)
    raise AssertionError(f"run {run_id} never reached {statuses}; last: {run['status']}")


def emulator_thread(**options: Any) -> Iterator[EmulatorThread]:
    """For fixtures: `yield from emulator_thread()` runs an emulator for the fixture's scope."""
    with start_in_thread(**options) as emu:
        yield emu


def client_for(emu: EmulatorThread, **headers: str) -> httpx.Client:
    return httpx.Client(base_url=emu.base_url, headers={**AUTH, **headers}, timeout=30)
