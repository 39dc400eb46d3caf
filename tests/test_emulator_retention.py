"""Retention: a long-lived emulator keeps a bounded number of runs (and of everything they
brought: messages, idempotency replays, streams, threads) however many it serves.

Most tests go through real HTTP with a tiny cap; the 100,000-run test drives the API
layer in-process (HTTP would take minutes) and measures what stays allocated with
``tracemalloc`` and ``sys.getallocatedblocks``, once with the cap and once without, so
the bound it asserts is shown to be one that an emulator without retention breaks.
"""

from __future__ import annotations

import asyncio
import gc
import json
import math
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests._helpers.emulator import AUTH, client_for, wait_for_status
from tests._helpers.emulator_command import EmulatorCommand

from runs_emulator import EmulatorServer, EmulatorThread, start_in_thread
from runs_emulator._faults import FaultCounter, parse_fault
from runs_emulator._responses import JsonResponse, Request, StreamResponse
from runs_emulator._retention import DEFAULT_MAX_RUNS, Retention
from runs_emulator.cli import main

TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}


def _finish(client: httpx.Client, thread_id: str, body: dict[str, Any]) -> dict[str, Any]:
    run = client.post(f"/threads/{thread_id}/runs", json=body).json()
    return wait_for_status(client, thread_id, run["id"], TERMINAL)


def _not_found(response: httpx.Response, run_id: str) -> None:
    assert response.status_code == 404, response.text
    assert response.json() == {
        "error": {
            "message": f"No run found with id '{run_id}'.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


def _stats(emu: EmulatorThread) -> dict[str, Any]:
    root = emu.base_url.removesuffix("/v1")
    return dict(httpx.get(root + "/_emulator/stats", headers=AUTH).json())


def _listed(client: httpx.Client, thread_id: str) -> list[str]:
    return [r["id"] for r in client.get(f"/threads/{thread_id}/runs?order=asc").json()["data"]]


def _submit(client: httpx.Client, thread_id: str, run: dict[str, Any]) -> None:
    call = run["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
    outputs = {"tool_outputs": [{"tool_call_id": call, "output": "sunny"}]}
    path = f"/threads/{thread_id}/runs/{run['id']}/submit_tool_outputs"
    assert client.post(path, json=outputs).status_code == 200


# -- the cap, over HTTP -----------------------------------------------------------------------


@pytest.fixture
def capped() -> Iterator[EmulatorThread]:
    with start_in_thread(step_ms=0, max_runs=3) as emu:
        yield emu


def test_the_oldest_finished_runs_go_first_and_are_404_after(capped: EmulatorThread) -> None:
    with client_for(capped) as client:
        weather = client.post("/threads/t1/runs", json={"assistant_id": "asst_weather"}).json()
        weather = wait_for_status(client, "t1", weather["id"], {"requires_action"})
        b = _finish(client, "t1", {"assistant_id": "asst_text"})
        c = _finish(client, "t1", {"assistant_id": "asst_fail"})
        # Created first, finished last: it outlives b and c.
        _submit(client, "t1", weather)
        wait_for_status(client, "t1", weather["id"], {"completed"})
        d = _finish(client, "t1", {"assistant_id": "asst_text"})
        assert _listed(client, "t1") == [weather["id"], c["id"], d["id"]]
        _not_found(client.get(f"/threads/t1/runs/{b['id']}"), b["id"])
        e = _finish(client, "t1", {"assistant_id": "asst_text"})
        assert _listed(client, "t1") == [weather["id"], d["id"], e["id"]]
        f = _finish(client, "t1", {"assistant_id": "asst_text"})
        assert _listed(client, "t1") == [d["id"], e["id"], f["id"]]
        for gone in (b, c, weather):
            _not_found(client.get(f"/threads/t1/runs/{gone['id']}"), gone["id"])
        stats = _stats(capped)
    assert stats["runs_stored"] == 3 and stats["runs_evicted"] == 3
    assert stats["runs_in_progress"] == 0 and stats["max_runs"] == 3
    assert stats["retain_s"] is None and stats["runs_created"] == 6
    assert capped.stats.stored()["runs_stored"] == 3 and capped.stats.runs_evicted == 3


def test_every_route_answers_404_for_an_evicted_run(capped: EmulatorThread) -> None:
    with client_for(capped) as client:
        gone = _finish(client, "t2", {"assistant_id": "asst_code"})
        step_id = client.get(f"/threads/t2/runs/{gone['id']}/steps").json()["data"][0]["id"]
        for _ in range(3):
            _finish(client, "t2", {"assistant_id": "asst_text"})
        base = f"/threads/t2/runs/{gone['id']}"
        outputs = {"tool_outputs": [{"tool_call_id": "call_x", "output": "x"}]}
        for response in (
            client.get(base),
            client.get(base + "/steps"),
            client.get(f"{base}/steps/{step_id}"),
            client.post(base, json={"metadata": {"a": "b"}}),
            client.post(base + "/cancel"),
            client.post(base + "/submit_tool_outputs", json=outputs),
        ):
            _not_found(response, gone["id"])


def test_runs_in_progress_are_never_evicted_even_over_the_cap() -> None:
    with start_in_thread(step_ms=0, max_runs=2) as emu, client_for(emu) as client:
        waiting = []
        for _ in range(4):
            run = client.post("/threads/t3/runs", json={"assistant_id": "asst_weather"}).json()
            waiting.append(wait_for_status(client, "t3", run["id"], {"requires_action"}))
        assert _stats(emu)["runs_stored"] == 4  # over the cap: none of them may go
        assert _stats(emu)["runs_in_progress"] == 4
        # Each is seen completed: a run that just finished is the newest finished one.
        for run in waiting:
            assert client.get(f"/threads/t3/runs/{run['id']}").status_code == 200
        for run in waiting:
            _submit(client, "t3", run)
            wait_for_status(client, "t3", run["id"], {"completed"})
        # The two that finished first went when the later two finished.
        assert _listed(client, "t3") == [waiting[2]["id"], waiting[3]["id"]]
        assert _stats(emu)["runs_evicted"] == 2


def test_messages_replays_and_streams_go_with_their_run(capped: EmulatorThread) -> None:
    with client_for(capped) as client:
        extra = [{"role": "user", "content": "from the first run"}]
        body = {
            "assistant_id": "asst_text",
            "stream": True,
            "additional_messages": extra,
            "metadata": {"run_id": "run_decoy"},  # the stream's owner is parsed, not guessed
        }
        key = {"Idempotency-Key": "first"}
        first = client.post("/threads/t4/runs", json=body, headers=key)
        run_id = json.loads(first.text.split("data: ", 1)[1].split("\n", 1)[0])["id"]
        texts = [m["content"][0]["text"]["value"] for m in _messages(client, "t4")]
        assert texts[0] == "from the first run" and len(texts) == 2
        stored = _stats(capped)
        assert stored["replays_stored"] == 1 and stored["streams_stored"] == 1
        for _ in range(3):
            _finish(client, "t4", {"assistant_id": "asst_text"})
        _not_found(client.get(f"/threads/t4/runs/{run_id}"), run_id)
        assert all(m["run_id"] != run_id for m in _messages(client, "t4"))
        assert "from the first run" not in json.dumps(_messages(client, "t4"))
        assert len(_messages(client, "t4")) == 3  # one reply per remaining run
        assert client.get(f"/threads/t4/messages?run_id={run_id}").json()["data"] == []
        stats = _stats(capped)
        assert stats["replays_stored"] == 0 and stats["streams_stored"] == 0
        assert stats["replays_evicted"] == 1 and stats["messages_evicted"] == 2
        # The key went with its run: a repeat is a new request, as after the API's
        # idempotency window (documented).
        again = client.post("/threads/t4/runs", json=body, headers=key)
        assert "idempotent-replayed" not in again.headers
        assert run_id not in again.text


def _messages(client: httpx.Client, thread_id: str) -> list[dict[str, Any]]:
    page = client.get(f"/threads/{thread_id}/messages?order=asc&limit=100").json()
    return list(page["data"])


def test_threads_without_runs_are_capped_like_runs(capped: EmulatorThread) -> None:
    with client_for(capped) as client:
        made = []
        for n in range(5):
            body = {"messages": [{"role": "user", "content": f"thread {n}"}]}
            made.append(client.post("/threads", json=body).json()["id"])
        assert _stats(capped)["threads_stored"] == 3
        assert _stats(capped)["threads_evicted"] == 2
        assert _messages(client, made[0]) == []  # its messages went with it
        assert _messages(client, made[4])[0]["content"][0]["text"]["value"] == "thread 4"
        # A thread with a run stays with its run; when its last run goes it waits with
        # the other threads that have none, and goes when it is the oldest of them.
        kept = made[4]
        _finish(client, kept, {"assistant_id": "asst_text"})
        for _ in range(3):
            _finish(client, "t5-other", {"assistant_id": "asst_text"})
        assert _listed(client, kept) == []
        assert _messages(client, kept)[0]["content"][0]["text"]["value"] == "thread 4"
        for n in range(3):
            client.post("/threads", json={"messages": [{"role": "user", "content": str(n)}]})
        assert _messages(client, kept) == []
        assert _stats(capped)["threads_stored"] == 3 + 1  # the newest idle ones, t5-other


def test_retain_s_drops_finished_runs_by_age_but_not_live_ones() -> None:
    with start_in_thread(step_ms=0, retain_s=0.2) as emu, client_for(emu) as client:
        waiting = client.post("/threads/t6/runs", json={"assistant_id": "asst_weather"}).json()
        waiting = wait_for_status(client, "t6", waiting["id"], {"requires_action"})
        done = _finish(client, "t6", {"assistant_id": "asst_text"})
        for _ in range(400):  # the housekeeping loop drops it within a few rounds
            if client.get(f"/threads/t6/runs/{done['id']}").status_code == 404:
                break
            time.sleep(0.01)
        _not_found(client.get(f"/threads/t6/runs/{done['id']}"), done["id"])
        assert client.get(f"/threads/t6/runs/{waiting['id']}").json()["status"] == (
            "requires_action"
        )
        stats = _stats(emu)
        assert stats["retain_s"] == 0.2 and stats["max_runs"] == DEFAULT_MAX_RUNS
        assert stats["runs_stored"] == 1 and stats["runs_evicted"] == 1


# -- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"max_runs": 0},
        {"max_runs": -5},
        {"max_runs": 2.5},
        {"max_runs": True},
        {"retain_s": 0},
        {"retain_s": -1.0},
        {"retain_s": math.nan},
        {"retain_s": "60"},
    ],
)
def test_bad_retention_options_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"max_runs|retain_s"):
        EmulatorServer(**bad)


def test_retention_defaults_bound_memory() -> None:
    assert Retention() == Retention(max_runs=DEFAULT_MAX_RUNS, retain_s=None)
    assert EmulatorServer().store.retention.max_runs == DEFAULT_MAX_RUNS == 10_000
    assert EmulatorServer(max_runs=None, retain_s=math.inf).store.retention.max_age_s is None


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--max-runs", "-1"], "--max-runs: -1 is below 0"),
        (["--max-runs", "ten"], "--max-runs: invalid int value: 'ten'"),
        (["--max-runs", "2.5"], "--max-runs: invalid int value: '2.5'"),
        (["--retain-s", "0"], "--retain-s: 0 is below 0.001"),
        (["--retain-s", "nan"], "--retain-s: nan is below 0.001"),
        (["--retain-s", "soon"], "--retain-s: invalid float value: 'soon'"),
    ],
)
def test_the_command_refuses_bad_values_without_a_traceback(
    args: list[str], complaint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--port", "0", *args])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert complaint in err and "Traceback" not in err


def _command_stats(*args: str) -> dict[str, Any]:
    """Start ``python -m runs_emulator`` with these options, read its stats, stop it."""
    with EmulatorCommand(*args) as command:
        url = command.base_url.removesuffix("/v1")
        stats = dict(httpx.get(url + "/_emulator/stats", headers=AUTH).json())
    assert "Traceback" not in command.interrupt()[1]
    return stats


def test_the_command_passes_the_policy_on() -> None:
    stats = _command_stats("--max-runs", "25", "--retain-s", "90")
    assert (stats["max_runs"], stats["retain_s"]) == (25, 90.0)
    stats = _command_stats("--max-runs", "0")  # 0: no cap
    assert (stats["max_runs"], stats["retain_s"]) == (None, None)
    assert _command_stats()["max_runs"] == DEFAULT_MAX_RUNS


def test_fault_counters_are_bounded_too() -> None:
    counter = FaultCounter(max_keys=3)
    once = [parse_fault(f"status=503; times=1; key=k{n}") for n in range(4)]
    assert all(counter.applies(fault) for fault in once)  # each key's first time
    assert list(counter.seen) == ["k1", "k2", "k3"]  # k0, least recently used, forgotten
    assert not counter.applies(once[3])


# -- durable mode -----------------------------------------------------------------------------


def test_with_a_database_evicted_runs_are_read_back_by_id(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    with start_in_thread(db_path=db, step_ms=0, max_runs=2) as emu, client_for(emu) as client:
        body = {"assistant_id": "asst_text", "stream": True}
        first = client.post("/threads/t7/runs", json=body, headers={"Idempotency-Key": "s"})
        run_id = json.loads(first.text.split("data: ", 1)[1].split("\n", 1)[0])["id"]
        plain = client.post(
            "/threads/t7/runs", json={"assistant_id": "asst_text"}, headers={"Idempotency-Key": "p"}
        ).json()
        wait_for_status(client, "t7", plain["id"], {"completed"})
        for _ in range(3):
            _finish(client, "t7", {"assistant_id": "asst_text"})
        stats = _stats(emu)
        assert stats["runs_stored"] == 2 and stats["runs_evicted"] == 3
        assert run_id not in _listed(client, "t7")  # lists show what memory holds
        # By id, from the database: the run, its steps, a change to it.
        assert client.get(f"/threads/t7/runs/{run_id}").json()["status"] == "completed"
        assert client.get(f"/threads/t7/runs/{run_id}/steps").json()["data"]
        changed = client.post(f"/threads/t7/runs/{run_id}", json={"metadata": {"k": "v"}})
        assert changed.json()["metadata"] == {"k": "v"}
        assert client.get(f"/threads/t7/runs/{run_id}").json()["metadata"] == {"k": "v"}
        _not_found(client.get(f"/threads/other/runs/{run_id}"), run_id)
        assert client.post(f"/threads/t7/runs/{run_id}/cancel").status_code == 400
        # Idempotency keys still answer with what they first produced, streams too.
        again = client.post("/threads/t7/runs", json=body, headers={"Idempotency-Key": "s"})
        assert again.headers["idempotent-replayed"] == "true"
        assert again.content == first.content
        replayed = client.post(
            "/threads/t7/runs", json={"assistant_id": "asst_text"}, headers={"Idempotency-Key": "p"}
        )
        assert replayed.json()["id"] == plain["id"]
        assert _stats(emu)["runs_stored"] == 2  # reading them back kept none in memory
        assert _stats(emu)["runs_created"] == 5


def test_startup_loads_at_most_the_cap_and_every_live_run(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    with start_in_thread(db_path=db, step_ms=0, max_runs=100) as emu, client_for(emu) as client:
        thread = client.post("/threads", json={"messages": [{"role": "user", "content": "hi"}]})
        thread_id = thread.json()["id"]
        waiting = client.post(f"/threads/{thread_id}/runs", json={"assistant_id": "asst_weather"})
        waiting_run = wait_for_status(client, thread_id, waiting.json()["id"], {"requires_action"})
        done = [_finish(client, thread_id, {"assistant_id": "asst_text"})["id"] for _ in range(12)]
        for n in range(6):
            client.post("/threads", json={"messages": [{"role": "user", "content": str(n)}]})
    with start_in_thread(db_path=db, step_ms=0, max_runs=4) as emu, client_for(emu) as client:
        stats = _stats(emu)
        assert stats["runs_stored"] == 5 and stats["runs_in_progress"] == 1
        # the live run and the four most recent finished ones; their thread, and the
        # most recent threads without runs up to the cap
        assert _listed(client, thread_id) == [waiting_run["id"], *done[-4:]]
        assert stats["threads_stored"] == 1 + 4
        assert stats["messages_stored"] == 1 + 4 + 4  # thread's own, replies, idle threads'
        assert client.get(f"/threads/{thread_id}/runs/{done[0]}").json()["status"] == "completed"
        _submit(client, thread_id, waiting_run)
        wait_for_status(client, thread_id, waiting_run["id"], {"completed"})


# -- in-process: many runs, and what stays allocated -------------------------------------------


class InProcess:
    """An emulator's API layer driven without sockets: what HTTP costs (parsing,
    connections) is left out, everything the store keeps is the same."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server

    def post(
        self, path: str, body: dict[str, Any], key: str | None = None
    ) -> JsonResponse | StreamResponse:
        headers = [("content-type", "application/json")]
        if key is not None:
            headers.append(("idempotency-key", key))
        target = "/v1" + path
        request = Request("POST", target, {}, headers, json.dumps(body).encode(), target)
        response = self.server.api.handle(request)
        if isinstance(response, StreamResponse):
            response.segment.detach_primary()  # nobody reads it: the run goes at full speed
        return response

    async def settle(self) -> None:
        """Let every run started so far finish (they never pause: ``step_ms=0``)."""
        while self.server.api.drivers:
            await asyncio.sleep(0)
        self.server.store.flush()

    async def serve(self, first: int, stop: int) -> None:
        """Runs ``first`` to ``stop`` of a CI-like mix: one in ten gets a thread of its own
        (created with a message), the others share twenty; one in five adds a user
        message; one in ten is streamed with an Idempotency-Key, one in ten more polled
        with one; one in fifty is followed by a refused request (a bad thread create,
        with a key)."""
        for n in range(first, stop):
            thread_id = f"thread_{n % 20}"
            if n % 10 == 0:
                made = self.post("/threads", {"messages": [{"role": "user", "content": "hi"}]})
                assert isinstance(made, JsonResponse)
                thread_id = made.body["id"]
            body: dict[str, Any] = {"assistant_id": "asst_text"}
            if n % 5 == 2:
                body["additional_messages"] = [{"role": "user", "content": f"question {n}"}]
            key = None
            if n % 10 == 5:
                body["stream"], key = True, f"stream-{n}"
            elif n % 10 == 7:
                key = f"poll-{n}"
            self.post(f"/threads/{thread_id}/runs", body, key)
            if n % 50 == 1:
                refused = self.post("/threads", {"messages": "nope"}, f"bad-{n}")
                assert isinstance(refused, JsonResponse) and refused.status == 400
            if n % 100 == 99:
                await self.settle()
        await self.settle()


async def _traced(emu: InProcess, first: int, stop: int) -> int:
    """Bytes allocated while serving runs ``first`` to ``stop`` and still held after."""
    gc.collect()
    tracemalloc.start()
    try:
        await emu.serve(first, stop)
        gc.collect()
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()


TOTAL = 100_000
CAP = 500
# What a run of this mix may weigh with its share of threads, messages and replays
# (measured: about 6 KiB), plus a fixed allowance for the server itself.
RUN_BUDGET = 8 * 1024
BOUND = CAP * RUN_BUDGET + 2 * 1024 * 1024
# Every queue the cap bounds is full by then (refused requests, one in fifty, fill theirs
# last, at 25,000): from there on the number of live allocations must stay flat.
STEADY = 30_000
# Traced for the last stretch only (tracemalloc makes every allocation ~5x dearer): it
# is eight caps long, so everything retained at the end was allocated inside it, and an
# emulator without retention would be holding eight caps' worth.
WINDOW = 8 * CAP


def test_100000_runs_stay_under_a_bound_derived_from_the_cap() -> None:
    async def go() -> tuple[EmulatorServer, int, int, int]:
        server = EmulatorServer(step_ms=0, max_runs=CAP)
        emu = InProcess(server)
        await emu.serve(0, STEADY)
        gc.collect()
        blocks_warm = sys.getallocatedblocks()
        await emu.serve(STEADY, TOTAL - WINDOW)
        gc.collect()
        blocks_late = sys.getallocatedblocks()
        retained = await _traced(emu, TOTAL - WINDOW, TOTAL)
        return server, blocks_warm, blocks_late, retained

    server, blocks_warm, blocks_late, retained = asyncio.run(go())
    assert retained < BOUND, f"{retained / 2**20:.1f} MiB held after {TOTAL} runs"
    # Flat across the untraced stretch too: as many live allocations after it as before
    # (a leak of one small object per run would be +66,000).
    assert blocks_late - blocks_warm < 10_000, (blocks_warm, blocks_late)
    stored, stats = server.stats.stored(), server.stats
    assert stats.runs_created == TOTAL and stored["runs_stored"] == CAP
    assert stats.runs_evicted == TOTAL - CAP and stored["runs_in_progress"] == 0
    # the twenty shared, those of their own whose run is kept, those with none (capped)
    assert stored["threads_stored"] <= 20 + CAP // 10 + CAP
    assert stored["replays_stored"] <= 2 * CAP  # the runs' own, and refused creates' (capped)
    assert stored["streams_stored"] <= CAP // 10 + 1
    assert stored["messages_stored"] <= 2 * CAP + CAP  # per run two, idle threads one
    assert len(server.store.replays) == stored["replays_stored"]
    assert not server.api.active and not server.api.drivers


def test_without_retention_the_same_runs_break_that_bound() -> None:
    """The sanity check of the test above: the bound is one an emulator keeping every
    run breaks, after the traced stretch alone."""

    async def go() -> int:
        return await _traced(InProcess(EmulatorServer(step_ms=0, max_runs=None)), 0, WINDOW)

    retained = asyncio.run(go())
    assert retained > 2 * BOUND, f"{retained / 2**20:.1f} MiB"


def test_with_a_database_startup_memory_is_bounded_by_the_cap(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    written = 3_000
    kept = 100

    async def fill() -> None:
        async with EmulatorServer(step_ms=0, db_path=db, max_runs=kept) as server:
            await InProcess(server).serve(0, written)
            assert server.stats.stored()["runs_stored"] == kept  # bounded while writing too

    async def start(max_runs: int | None) -> tuple[int, dict[str, Any]]:
        gc.collect()
        tracemalloc.start()
        try:
            server = EmulatorServer(step_ms=0, db_path=db, max_runs=max_runs)
            await server.start()
            gc.collect()
            held = tracemalloc.get_traced_memory()[0]
            stored = server.stats.stored()
            await server.stop()
            return held, stored
        finally:
            tracemalloc.stop()

    asyncio.run(fill())
    held, stored = asyncio.run(start(kept))
    everything, all_stored = asyncio.run(start(None))
    assert stored["runs_stored"] == kept and all_stored["runs_stored"] == written
    assert held < kept * RUN_BUDGET + 2 * 1024 * 1024, f"{held / 2**20:.1f} MiB"
    assert everything > 5 * held  # what loading it all would have cost
