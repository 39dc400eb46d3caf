"""TrioTransport's pool: bounded per origin, and reused after concurrent streams end.

Before the bound, 2 rounds of N concurrent streams opened about 2N connections (all but
10 were closed when released); aiohttp and httpx, bounded at 100, open at most 100.
"""

from __future__ import annotations

import pytest
import trio

from runs_adapters import AsyncClient
from runs_adapters.trio_h11 import TrioTransport
from runs_core import APITimeoutError, Request, ResultKind
from runs_emulator import start_in_thread

STREAMS = 150


def _request(url: str, timeout: float = 10.0) -> Request:
    return Request(
        method="GET",
        url=url,
        headers=(("Authorization", "Bearer x"),),
        body=None,
        stream=False,
        timeout=timeout,
        result=ResultKind.RUN,
    )


def test_two_rounds_of_concurrent_streams_share_one_bounded_pool() -> None:
    with start_in_thread(step_ms=0) as emu:
        transport = TrioTransport(max_connections=100)
        counts: list[int] = []

        async def one(client: AsyncClient, index: int) -> None:
            stream = await client.runs.create(
                f"t_pool{index}", stream=True, assistant_id="asst_text"
            )
            n = 0
            async for _ in stream:
                n += 1
            counts.append(n)

        async def main() -> None:
            async with AsyncClient(
                api_key="x", base_url=emu.base_url, transport=transport, max_retries=0
            ) as client:
                for _ in range(2):
                    async with trio.open_nursery() as nursery:
                        for index in range(STREAMS):
                            nursery.start_soon(one, client, index)

        trio.run(main)
        accepted = emu.stats.connections_accepted
    assert len(counts) == 2 * STREAMS and len(set(counts)) == 1 and counts[0] > 10
    assert transport.connections_opened == accepted
    assert transport.connections_opened <= 100  # was 2 * STREAMS - 10 before the bound


def test_a_request_over_the_bound_waits_for_a_release() -> None:
    with start_in_thread() as emu:
        url = emu.base_url + "/threads/t/runs"

        async def main() -> None:
            transport = TrioTransport(max_connections=1)
            first = await transport.send(_request(url))
            order: list[str] = []

            async def second() -> None:
                response = await transport.send(_request(url))
                order.append("second sent")
                await response.aclose()

            async with trio.open_nursery() as nursery:
                nursery.start_soon(second)
                await trio.sleep(0.05)
                assert order == []  # still waiting for the one connection
                order.append("first released")
                _ = [chunk async for chunk in first.aiter_bytes()]
            assert order == ["first released", "second sent"]
            assert transport.connections_opened == 1
            await transport.aclose()

        trio.run(main)


def test_waiting_for_a_connection_is_bounded_by_the_timeout() -> None:
    with start_in_thread() as emu:
        url = emu.base_url + "/threads/t/runs"

        async def main() -> None:
            transport = TrioTransport(max_connections=1)
            held = await transport.send(_request(url))
            with pytest.raises(APITimeoutError):
                await transport.send(_request(url, timeout=0.1))
            await held.aclose()  # closed before its body: the slot frees, a new one opens
            again = await transport.send(_request(url))
            await again.aclose()
            assert transport.connections_opened == 2

        trio.run(main)


def test_aclose_wakes_requests_waiting_for_a_connection() -> None:
    with start_in_thread() as emu:
        url = emu.base_url + "/threads/t/runs"

        async def main() -> None:
            transport = TrioTransport(max_connections=1)
            held = await transport.send(_request(url))
            failures: list[BaseException] = []

            async def waiter() -> None:
                try:
                    await transport.send(_request(url))
                except RuntimeError as exc:
                    failures.append(exc)

            async with trio.open_nursery() as nursery:
                nursery.start_soon(waiter)
                await trio.sleep(0.05)
                await transport.aclose()
            assert len(failures) == 1
            await held.aclose()

        trio.run(main)


def test_pool_bounds_are_validated() -> None:
    with pytest.raises(ValueError):
        TrioTransport(max_connections=0)
    TrioTransport(max_connections=None)  # no bound, as before
