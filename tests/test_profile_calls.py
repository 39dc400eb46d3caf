"""benchmarks/profile_calls.py times a plain call's parts apart: each part must be the
work it names, on the same answer, or the profile in docs/benchmarks.md explains nothing."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trio

from runs_adapters import AsyncClient
from runs_emulator import start_in_thread

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import profile_calls as prof


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    emulator = start_in_thread()
    try:
        yield emulator.base_url
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def recorded(url: str) -> tuple[prof.Answer, str]:
    return asyncio.run(prof.record_answer(url))


def test_the_memory_transport_answers_as_the_server_did(
    url: str, recorded: tuple[prof.Answer, str]
) -> None:
    answer, run_id = recorded
    assert answer.status == 200 and json.loads(answer.body)["id"] == run_id
    memory = AsyncClient(base_url=url, api_key="k", transport=prof.MemoryTransport(answer))
    run = prof.finish(memory.beta.threads.runs.retrieve(run_id, thread_id=prof.THREAD))

    async def real() -> Any:
        async with AsyncClient(base_url=url, api_key="k", transport="aiohttp") as client:
            return await client.beta.threads.runs.retrieve(run_id, thread_id=prof.THREAD)

    assert run == asyncio.run(real())


def test_finish_refuses_a_coroutine_that_waits() -> None:
    with pytest.raises(RuntimeError, match="event loop"):
        prof.finish(asyncio.sleep(0.01))


def test_our_steps_are_timed_on_that_answer(recorded: tuple[prof.Answer, str]) -> None:
    answer, run_id = recorded
    rows = dict(prof.our_steps(answer, run_id, calls=20, repeats=1))
    assert len(rows) == 6 and all(us > 0 for us in rows.values())
    assert rows["the whole call (runs.retrieve)"] > rows["building the request"]


def test_every_aiohttp_and_trio_variant_gets_the_same_run(
    url: str, recorded: tuple[prof.Answer, str]
) -> None:
    answer, run_id = recorded
    seen: list[object] = []
    original = prof.loads

    def loads(body: bytes) -> object:
        parsed = original(body)
        seen.append(parsed)
        return parsed

    prof.loads = loads  # the profile's own name for json.loads, not the json module's
    try:
        aio = asyncio.run(prof.aiohttp_steps(url, run_id, calls=2, repeats=1))
        tri = trio.run(prof.trio_steps, url, run_id, 2, 1)
    finally:
        prof.loads = original
    assert len(aio) == 8 and len(tri) == 4
    assert (
        [label for label, _ in aio[-2:]]
        == [label for label, _ in tri[-2:]]
        == [
            "our transport and json.loads",
            "the whole call (runs.retrieve)",
        ]
    )
    expected = original(answer.body)
    # 10 rows through json.loads (all but the whole calls, which parse with pydantic)
    # x (20 warm-up + 2 timed) calls, each parsing the recorded run
    assert len(seen) == 10 * 22 and all(parsed == expected for parsed in seen)


def test_the_rows_on_the_wire_get_the_recorded_run(
    url: str, recorded: tuple[prof.Answer, str]
) -> None:
    answer, run_id = recorded
    expected = json.loads(answer.body)

    async def both() -> tuple[object, Any]:
        async with AsyncClient(base_url=url, api_key="k", transport="aiohttp") as client:
            rows = prof.ours_on_the_wire(client, run_id)
            return (
                await rows["our transport and json.loads"](),
                await rows["the whole call (runs.retrieve)"](),
            )

    parsed, run = asyncio.run(both())
    assert parsed == expected
    assert run.model_dump(mode="json", exclude_unset=True) == expected
