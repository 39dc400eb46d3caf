"""Hundreds of concurrent streams all complete, and the command-line entry point serves."""

from __future__ import annotations

import asyncio

import httpx
from tests._helpers.emulator import AUTH, parse_sse
from tests._helpers.emulator_command import EmulatorCommand

from runs_emulator import start_in_thread
from runs_emulator.cli import main


def test_200_concurrent_streams_all_complete() -> None:
    async def one(client: httpx.AsyncClient, index: int) -> list[tuple[str, str]]:
        assistant = "asst_long" if index % 20 == 0 else "asst_text"
        body = {"assistant_id": assistant, "stream": True, "metadata": {"deltas": "20000"}}
        async with client.stream("POST", f"/threads/t_c{index}/runs", json=body) as response:
            assert response.status_code == 200
            return parse_sse(await response.aread())

    async def scenario(base_url: str) -> list[list[tuple[str, str]]]:
        limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
        async with httpx.AsyncClient(
            base_url=base_url, headers=AUTH, limits=limits, timeout=60
        ) as client:
            return await asyncio.gather(*(one(client, i) for i in range(200)))

    with start_in_thread() as emu:
        before = emu.stats.streams_completed
        results = asyncio.run(scenario(emu.base_url))
        assert emu.stats.streams_completed - before == 200
        assert emu.stats.streams_aborted == 0
        assert emu.stats.runs_created == 200
    assert all(events[-1] == ("done", "[DONE]") for events in results)
    assert all(events[-2][0] == "thread.run.completed" for events in results)
    long_ones = [events for i, events in enumerate(results) if i % 20 == 0]
    assert all(sum(n == "thread.message.delta" for n, _ in e) == 20000 for e in long_ones)


def test_module_entry_point_serves_until_interrupted() -> None:
    with EmulatorCommand("--api-key", "k") as command:
        assert command.first_line.startswith("runs emulator listening on http://127.0.0.1:")
        base_url = command.base_url
        response = httpx.get(base_url + "/threads/t/runs", headers={"Authorization": "Bearer k"})
        assert response.status_code == 200
        wrong = httpx.get(base_url + "/threads/t/runs", headers={"Authorization": "Bearer x"})
        assert wrong.status_code == 401
    assert "Traceback" not in command.interrupt()[1]


def test_cli_reports_a_port_it_cannot_bind() -> None:
    with start_in_thread() as emu:
        assert main(["--port", str(emu.port)]) == 1
