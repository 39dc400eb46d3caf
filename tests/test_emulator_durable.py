"""``--db PATH``: state survives restarts and ``kill -9``, losing nothing already answered.

The crash test runs the command in a child process against one database file, drives
creates, streams, thread creation and modifications from several client threads, kills
the process with SIGKILL at a random moment, restarts it, and checks that everything a
client was answered is there and consistent with what it was told. Then it lets the
runs left in progress end (``--run-lifetime-s`` is short) and checks they ended as the
API ends them.
"""

from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests._helpers.emulator import AUTH, wait_for_status
from tests._helpers.emulator_command import EmulatorCommand

from runs_emulator import start_in_thread
from runs_emulator.cli import main

TERMINAL = {"completed", "failed", "cancelled", "expired", "incomplete"}
LIFETIME_S = 2


class Emulator(EmulatorCommand):
    """``python -m runs_emulator --db PATH`` in a child process, killed or terminated."""

    def __init__(self, db: Path, *extra: str) -> None:
        super().__init__("--db", str(db), *extra)

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, headers=AUTH, timeout=10)

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=10)

    def stop(self) -> None:
        """Terminate it (SIGTERM: no clean shutdown, so nothing is written on the way out)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.communicate(timeout=10)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "emulator.db"


# -- what clients were told -------------------------------------------------------------------


@dataclass
class Seen:
    """Everything the clients were answered, merged across threads and restarts."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)  # last run object seen
    steps: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # thread, run, status
    messages: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # thread, text, status
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)  # key -> thread, run id
    threads: dict[str, list[str]] = field(default_factory=dict)  # thread -> message texts
    metadata: dict[str, dict[str, str]] = field(default_factory=dict)  # run -> metadata set

    def run(self, run: dict[str, Any]) -> None:
        with self.lock:
            known = self.runs.get(run["id"])
            if known is None or known["status"] not in TERMINAL:
                self.runs[run["id"]] = run

    def event(self, name: str, data: dict[str, Any], texts: dict[str, str]) -> None:
        if name.startswith("thread.run.step.") and "status" in data:
            with self.lock:
                self.steps[data["id"]] = (data["thread_id"], data["run_id"], data["status"])
        elif name.startswith("thread.run.") and "status" in data:
            self.run(data)
        elif name == "thread.message.delta":
            texts[data["id"]] = texts.get(data["id"], "") + "".join(
                part["text"]["value"] for part in data["delta"]["content"]
            )
            with self.lock:
                thread_id = self.messages[data["id"]][0]
                self.messages[data["id"]] = (thread_id, texts[data["id"]], "in_progress")
        elif name.startswith("thread.message."):
            text = "".join(p["text"]["value"] for p in data["content"])
            with self.lock:
                self.messages[data["id"]] = (data["thread_id"], text, data["status"])


def _stream(client: httpx.Client, path: str, body: dict[str, Any], seen: Seen, key: str) -> None:
    texts: dict[str, str] = {}
    headers = {"Idempotency-Key": key}
    with client.stream("POST", path, json=body, headers=headers) as response:
        assert response.status_code == 200
        buffer = b""
        for chunk in response.iter_raw():
            buffer += chunk
            *blocks, buffer = buffer.split(b"\n\n")
            for block in blocks:
                name, _, data = block.decode().partition("\ndata: ")
                name = name.removeprefix("event: ")
                if name != "done":
                    seen.event(name, json.loads(data), texts)


def _traffic(base_url: str, seen: Seen, worker: int, stop: threading.Event) -> None:
    """One client thread: a random mix of requests until the server dies or ``stop``."""
    rng = random.Random(worker * 7919 + int(time.time() * 1000))
    with httpx.Client(base_url=base_url, headers=AUTH, timeout=10) as client:
        n = 0
        while not stop.is_set():
            n += 1
            key = f"w{worker}-{rng.random()}"
            thread_id = f"thread_crash_{worker}_{n % 3}"
            try:
                choice = rng.random()
                if choice < 0.35:
                    assistant = rng.choice(["asst_text", "asst_weather", "asst_code", "asst_fail"])
                    body = {"assistant_id": assistant, "metadata": {"n": str(n)}}
                    response = client.post(
                        f"/threads/{thread_id}/runs", json=body, headers={"Idempotency-Key": key}
                    )
                    assert response.status_code == 200, response.text
                    seen.run(response.json())
                    with seen.lock:
                        seen.keys[key] = (thread_id, response.json()["id"])
                elif choice < 0.7:
                    assistant = rng.choice(["asst_long", "asst_text", "asst_weather"])
                    body = {
                        "assistant_id": assistant,
                        "stream": True,
                        "metadata": {"deltas": "3000"},
                    }
                    _stream(client, f"/threads/{thread_id}/runs", body, seen, key)
                elif choice < 0.85:
                    texts = [f"hello {worker} {n}", f"again {n}"]
                    messages = [{"role": "user", "content": text} for text in texts]
                    response = client.post("/threads", json={"messages": messages})
                    assert response.status_code == 200
                    with seen.lock:
                        seen.threads[response.json()["id"]] = texts
                else:
                    with seen.lock:
                        mine = [r for r in seen.runs.values() if r["thread_id"] == thread_id]
                    if mine:
                        run = rng.choice(mine)
                        metadata = {"changed": str(n)}
                        path = f"/threads/{thread_id}/runs/{run['id']}"
                        response = client.post(path, json={"metadata": metadata})
                        assert response.status_code == 200
                        with seen.lock:
                            seen.metadata[run["id"]] = metadata
            except (httpx.TransportError, httpx.StreamError):
                return  # the server was killed under us


def _check(client: httpx.Client, seen: Seen) -> int:
    """Everything ``seen`` holds is there and consistent with what was answered."""
    checked = 0
    for run_id, told in seen.runs.items():
        response = client.get(f"/threads/{told['thread_id']}/runs/{run_id}")
        assert response.status_code == 200, (run_id, response.text)
        now = response.json()
        for name in ("assistant_id", "created_at", "thread_id", "model", "instructions"):
            assert now[name] == told[name], (run_id, name)
        assert now["expires_at"] in (told["expires_at"], None)  # None once it completes
        if told["status"] in TERMINAL:
            assert now["status"] == told["status"], run_id
        if run_id in seen.metadata:
            assert now["metadata"] == seen.metadata[run_id]
        checked += 1
    for step_id, (thread_id, run_id, status) in seen.steps.items():
        response = client.get(f"/threads/{thread_id}/runs/{run_id}/steps/{step_id}")
        assert response.status_code == 200, step_id
        if status in TERMINAL:
            assert response.json()["status"] == status
        checked += 1
    by_thread: dict[str, dict[str, Any]] = {}
    for message_id, (thread_id, text, status) in seen.messages.items():
        if thread_id not in by_thread:
            listing = client.get(f"/threads/{thread_id}/messages?limit=100&order=asc").json()
            by_thread[thread_id] = {m["id"]: m for m in listing["data"]}
            while listing["has_more"]:
                after = listing["last_id"]
                listing = client.get(
                    f"/threads/{thread_id}/messages?limit=100&order=asc&after={after}"
                ).json()
                by_thread[thread_id].update({m["id"]: m for m in listing["data"]})
        message = by_thread[thread_id].get(message_id)
        assert message is not None, message_id
        stored = "".join(p["text"]["value"] for p in message["content"])
        assert stored.startswith(text), (message_id, len(stored), len(text))
        if status == "completed":
            assert message["status"] == "completed" and stored == text
        checked += 1
    for thread_id, texts in seen.threads.items():
        listing = client.get(f"/threads/{thread_id}/messages?order=asc").json()["data"]
        assert [m["content"][0]["text"]["value"] for m in listing] == texts
        checked += 1
    for key, (thread_id, run_id) in seen.keys.items():
        body = {"assistant_id": "asst_text"}  # a repeat gets the first answer, whatever it sends
        again = client.post(
            f"/threads/{thread_id}/runs", json=body, headers={"Idempotency-Key": key}
        )
        assert again.json()["id"] == run_id and again.headers["idempotent-replayed"] == "true"
        checked += 1
    return checked


def test_kill_9_at_random_moments_loses_nothing_answered(db: Path) -> None:
    seen = Seen()
    rng = random.Random(9)
    rounds = 0
    for _ in range(10):
        emulator = Emulator(db, "--step-ms", "1", "--run-lifetime-s", str(LIFETIME_S))
        try:
            with emulator.client() as client:
                _check(client, seen)  # all that was answered before the last kill
            stop = threading.Event()
            workers = [
                threading.Thread(target=_traffic, args=(emulator.base_url, seen, i, stop))
                for i in range(6)
            ]
            for worker in workers:
                worker.start()
            time.sleep(rng.uniform(0.05, 0.3))
            emulator.kill()  # mid-create, mid-stream: whatever was in flight
            stop.set()
            for worker in workers:
                worker.join(timeout=20)
            rounds += 1
        finally:
            emulator.stop()
    assert len(seen.runs) > 30 and len(seen.steps) > 10 and len(seen.keys) > 10
    emulator = Emulator(db, "--step-ms", "1", "--run-lifetime-s", str(LIFETIME_S))
    try:
        with emulator.client() as client:
            assert _check(client, seen) > 100
            # The runs left unfinished end as the API ends them, by their expires_at.
            waiting = [r for r in seen.runs.values() if r["status"] == "requires_action"]
            pending = {
                run_id
                for run_id, run in seen.runs.items()
                if client.get(f"/threads/{run['thread_id']}/runs/{run_id}").json()["status"]
                not in TERMINAL
            }
            for _ in range(400):
                if not pending:
                    break
                time.sleep(0.02)
                for run_id in list(pending):
                    thread_id = seen.runs[run_id]["thread_id"]
                    now = client.get(f"/threads/{thread_id}/runs/{run_id}").json()
                    if now["status"] in TERMINAL:
                        pending.discard(run_id)
                        if now["status"] == "expired":
                            assert time.time() >= now["expires_at"]
                            _check_expired(client, now)
            assert pending == set()
            assert _check(client, seen) > 100
            assert waiting, "no run was seen waiting for tool outputs"
    finally:
        emulator.stop()
    assert rounds == 10


def _check_expired(client: httpx.Client, run: dict[str, Any]) -> None:
    path = f"/threads/{run['thread_id']}/runs/{run['id']}"
    assert run["required_action"] is None
    for step in client.get(f"{path}/steps").json()["data"]:
        assert step["status"] in {"completed", "expired"}
    for message in client.get(f"/threads/{run['thread_id']}/messages?limit=100").json()["data"]:
        if message["run_id"] == run["id"]:
            assert message["status"] in {"completed", "incomplete"}


# -- restarts, in process -----------------------------------------------------------------------


def test_a_restart_continues_where_it_stopped(db: Path) -> None:
    with start_in_thread(db_path=str(db), step_ms=0) as emu, _client(emu.base_url) as client:
        thread = client.post("/threads", json={"messages": [{"role": "user", "content": "hi"}]})
        thread_id = thread.json()["id"]
        done = client.post(f"/threads/{thread_id}/runs", json={"assistant_id": "asst_text"})
        weather = client.post(f"/threads/{thread_id}/runs", json={"assistant_id": "asst_weather"})
        wait_for_status(client, thread_id, done.json()["id"], {"completed"})
        waiting = wait_for_status(client, thread_id, weather.json()["id"], {"requires_action"})
        stream_body = {"assistant_id": "asst_text", "stream": True}
        first = client.post(
            f"/threads/{thread_id}/runs", json=stream_body, headers={"Idempotency-Key": "s1"}
        ).content
    with start_in_thread(db_path=str(db), step_ms=0) as emu, _client(emu.base_url) as client:
        runs = client.get(f"/threads/{thread_id}/runs?order=asc").json()["data"]
        assert [r["assistant_id"] for r in runs] == ["asst_text", "asst_weather", "asst_text"]
        assert client.get(f"/threads/{thread_id}/runs/{done.json()['id']}").json()["status"] == (
            "completed"
        )
        replay = client.post(
            f"/threads/{thread_id}/runs", json=stream_body, headers={"Idempotency-Key": "s1"}
        )
        assert replay.content == first and replay.headers["idempotent-replayed"] == "true"
        call = waiting["required_action"]["submit_tool_outputs"]["tool_calls"][0]["id"]
        outputs = {"tool_outputs": [{"tool_call_id": call, "output": "sunny"}]}
        path = f"/threads/{thread_id}/runs/{waiting['id']}"
        assert client.post(path + "/submit_tool_outputs", json=outputs).status_code == 200
        wait_for_status(client, thread_id, waiting["id"], {"completed"})
        texts = [
            m["content"][0]["text"]["value"]
            for m in client.get(f"/threads/{thread_id}/messages?order=asc").json()["data"]
        ]
        assert texts[0] == "hi" and texts[-1] == "The weather in Paris: sunny"
        assert len(client.get(f"/threads/{thread_id}/runs").json()["data"]) == 3


def test_a_run_interrupted_mid_script_expires_at_its_expires_at(db: Path) -> None:
    emulator = Emulator(db, "--run-lifetime-s", "2")
    try:
        with emulator.client() as client:
            body = {"assistant_id": "asst_long", "stream": True, "metadata": {"deltas": "50000"}}
            key = {"Idempotency-Key": "mid-1"}
            with client.stream("POST", "/threads/t_mid/runs", json=body, headers=key) as response:
                chunks = response.iter_raw()
                head = next(chunks)
                while head.count(b"thread.message.delta") < 3:
                    head += next(chunks)
                emulator.kill()  # the client saw the run in progress, mid-message
    finally:
        emulator.stop()
    run_id = json.loads(head.split(b"data: ", 1)[1].split(b"\n", 1)[0])["id"]
    emulator = Emulator(db, "--run-lifetime-s", "2")
    try:
        with emulator.client() as client:
            run = client.get(f"/threads/t_mid/runs/{run_id}").json()
            assert run["status"] == "in_progress"  # not ended before its time
            final = wait_for_status(client, "t_mid", run_id, {"expired"}, limit=1000)
            assert time.time() >= final["expires_at"] and final["required_action"] is None
            step = client.get(f"/threads/t_mid/runs/{run_id}/steps").json()["data"][0]
            assert step["status"] == "expired" and step["expired_at"] is not None
            message = client.get("/threads/t_mid/messages").json()["data"][0]
            assert message["status"] == "incomplete"
            assert message["incomplete_details"] == {"reason": "run_expired"}
            assert message["content"][0]["text"]["value"].startswith("HelloHello there!")
            # The stream, replayed for its key: what was sent before the kill, then the end.
            replay = client.post("/threads/t_mid/runs", json=body, headers=key)
            assert replay.headers["idempotent-replayed"] == "true"
            names = [line[7:] for line in replay.text.split("\n") if line.startswith("event: ")]
            assert names[:2] == ["thread.run.created", "thread.run.queued"]
            assert "thread.message.delta" in names
            assert names[-3:] == ["thread.run.step.expired", "thread.run.expired", "done"]
    finally:
        emulator.stop()


def test_runs_waiting_for_outputs_expire_when_nobody_answers() -> None:
    with start_in_thread(step_ms=0, run_lifetime_s=1) as emu, _client(emu.base_url) as client:
        run = client.post("/threads/t_exp/runs", json={"assistant_id": "asst_weather"}).json()
        assert run["expires_at"] - run["created_at"] == 1
        final = wait_for_status(client, "t_exp", run["id"], {"expired"}, limit=1000)
        assert final["required_action"] is None
        step = client.get(f"/threads/t_exp/runs/{run['id']}/steps").json()["data"][0]
        assert step["status"] == "expired"


def test_one_database_serves_one_emulator(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    emulator = Emulator(db)
    try:
        assert main(["--port", "0", "--db", str(db)]) == 1
        assert "locked" in capsys.readouterr().err
    finally:
        emulator.stop()
    not_a_db = db.with_suffix(".txt")
    not_a_db.write_text("hello, I am not a database " * 100)
    assert main(["--port", "0", "--db", str(not_a_db)]) == 1


def test_memory_stays_the_default(tmp_path: Path) -> None:
    before = set(os.listdir(tmp_path))
    with start_in_thread() as emu:
        assert emu.server.store.db is None
    assert set(os.listdir(tmp_path)) == before


def _client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers=AUTH, timeout=10)
