"""Connection limits: ``max_connections`` / ``max_keepalive`` on every transport, and calls
that stay bounded by their timeout however many wait for a connection.

The drill starts far more streams than the pool holds against an emulator that pauses
each run longer than the timeout. Before the fix, httpx's async pool starved the event
loop (1,000 waiting calls took 20 s with a 2 s timeout; 3,000 never ended) and aiohttp
waited for a pooled connection without any bound (3,000 calls on its default pool took
61 s with a 2 s timeout). Each call must now end, completed or with ``APITimeoutError``,
within a few timeouts: waiting for a connection, then each read, are bounded separately.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Coroutine, Iterator
from typing import Any

import httpx
import pytest
import trio
from tests._helpers.unified import make_client, run_scenario, sleep

from runs_adapters import AsyncClient, Client
from runs_adapters.aiohttp_transport import AiohttpTransport
from runs_adapters.httpx_async import HttpxAsyncTransport
from runs_adapters.httpx_sync import HttpxTransport
from runs_adapters.requests_transport import RequestsTransport
from runs_adapters.trio_h11 import TrioTransport
from runs_core import APITimeoutError, InvalidRequestError, PoolLimits
from runs_emulator import EmulatorThread, start_in_thread

ASYNC = [("httpx", "async"), ("aiohttp", "async"), ("trio", "async")]
EVERY = [("httpx", "sync"), ("requests", "sync"), *ASYNC]
IDS = [f"{name}-{kind}" for name, kind in EVERY]

CALLS = 1500
POOL = 8
TIMEOUT = 1.0
# A hang guard, not a speed claim: waiting for a connection, sending, then each read are
# each bounded by TIMEOUT, so no call may take more than a few of them. Before the fix
# the worst call took tens of seconds at this scale.
WORST_ALLOWED = 8 * TIMEOUT
SLOW = {"emulator_step_ms": "3000"}  # a run pauses 3 s between events: longer than TIMEOUT


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorThread]:
    with start_in_thread() as server:
        yield server


@pytest.mark.parametrize("transport", ASYNC, ids=[f"{n}-{k}" for n, k in ASYNC])
def test_thousands_of_calls_on_a_small_pool_each_end_within_their_timeout(
    emu: EmulatorThread, transport: tuple[str, str]
) -> None:
    outcomes: Counter[str] = Counter()
    worst = [0.0]

    async def one(client: Any, index: int) -> None:
        started = time.monotonic()
        try:
            if index % 2:  # half are slow streams: they hold their connection past the timeout
                stream = await client.runs.create(
                    f"thread_drill_{index}", stream=True, assistant_id="asst_text", metadata=SLOW
                )
                async for _ in stream:
                    pass
            else:  # half are quick calls, which complete once they get a connection
                await client.runs.list(f"thread_drill_{index}")
            outcomes["completed"] += 1
        except APITimeoutError:
            outcomes["timed out"] += 1
        except Exception as exc:  # anything else is a failure of the drill
            outcomes[f"{type(exc).__name__}: {exc}"] += 1
        worst[0] = max(worst[0], time.monotonic() - started)

    async def follow_up(client: Any) -> None:
        # Every slot came back: twice the pool's worth of calls at once all complete.
        async def quick(index: int) -> None:
            await client.runs.list(f"thread_after_{index}", timeout=30)
            outcomes["after"] += 1

        await gather(transport, [quick(i) for i in range(2 * POOL)])

    async def scenario() -> None:
        unified = make_client(
            transport, emu.base_url, max_retries=0, timeout=TIMEOUT, max_connections=POOL
        )
        try:
            await gather(transport, [one(unified.client, i) for i in range(CALLS)], guard=120)
            await follow_up(unified.client)
        finally:
            await unified.close()

    run_scenario(transport, scenario)
    assert set(outcomes) <= {"completed", "timed out", "after"}, outcomes
    assert outcomes["completed"] + outcomes["timed out"] == CALLS
    assert outcomes["completed"] > 0 and outcomes["timed out"] > 0, outcomes
    assert outcomes["after"] == 2 * POOL
    assert worst[0] < WORST_ALLOWED, f"a call took {worst[0]:.1f} s with a {TIMEOUT} s timeout"


async def gather(transport: tuple[str, str], calls: list[Any], guard: float = 60) -> None:
    """Run ``calls`` concurrently on the transport's loop; fail (not hang) past ``guard``."""
    if transport[0] == "trio":
        with trio.fail_after(guard):
            async with trio.open_nursery() as nursery:
                for call in calls:
                    nursery.start_soon(_awaiting, call)
    else:
        await asyncio.wait_for(asyncio.gather(*calls), guard)


async def _awaiting(call: Coroutine[Any, Any, None]) -> None:
    await call


def _peak_connections(emu: EmulatorThread, transport: tuple[str, str], **options: Any) -> int:
    """Streams held open at once, 6 of them, through a client built with ``options``:
    how many connections did the emulator see?"""
    before = emu.stats.connections_accepted
    held = {"emulator_step_ms": "300"}

    async def stream(client: Any, index: int) -> None:
        events = await client.runs.create(
            f"thread_peak_{index}", stream=True, assistant_id="asst_text", metadata=held
        )
        async for _ in events:
            pass

    async def scenario() -> None:
        unified = make_client(transport, emu.base_url, max_retries=0, timeout=30, **options)
        try:
            if unified.is_async:
                await gather(transport, [stream(unified.client, i) for i in range(6)])
            else:
                threads = [
                    threading.Thread(target=_drain, args=(unified.client, i)) for i in range(6)
                ]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(60)
        finally:
            await unified.close()

    run_scenario(transport, scenario)
    return emu.stats.connections_accepted - before


def _drain(client: Client, index: int) -> None:
    for _ in client.runs.create(
        f"thread_peak_{index}",
        stream=True,
        assistant_id="asst_text",
        metadata={"emulator_step_ms": "300"},
    ):
        pass


@pytest.mark.parametrize("transport", EVERY, ids=IDS)
def test_max_connections_bounds_the_connections_a_client_opens(
    emu: EmulatorThread, transport: tuple[str, str]
) -> None:
    assert _peak_connections(emu, transport, max_connections=2) <= 2
    assert _peak_connections(emu, transport) == 6  # the default pool holds them all


@pytest.mark.parametrize("transport", EVERY, ids=IDS)
def test_max_keepalive_zero_opens_a_connection_per_call(
    emu: EmulatorThread, transport: tuple[str, str]
) -> None:
    def sequential(**options: Any) -> int:
        before = emu.stats.connections_accepted

        async def scenario() -> None:
            client = make_client(transport, emu.base_url, max_retries=0, **options)
            runs: Any = client.runs
            try:
                for index in range(3):
                    await runs.list(f"thread_keep_{index}")
                    await sleep(transport, 0.01)
            finally:
                await client.close()

        run_scenario(transport, scenario)
        return emu.stats.connections_accepted - before

    assert sequential(max_keepalive=0) == 3
    assert sequential() == 1


@pytest.mark.parametrize(
    "options",
    [
        {"max_connections": 0},
        {"max_connections": -1},
        {"max_connections": "10"},
        {"max_connections": True},
        {"max_keepalive": -1},
        {"max_keepalive": 1.5},
    ],
    ids=lambda o: repr(o),
)
@pytest.mark.parametrize("transport", EVERY, ids=IDS)
def test_bad_limits_are_refused_when_the_client_is_built(
    transport: tuple[str, str], options: dict[str, Any]
) -> None:
    name, kind = transport
    cls = Client if kind == "sync" else AsyncClient
    with pytest.raises(InvalidRequestError) as caught:
        cls(api_key="x", base_url="http://127.0.0.1:9/v1", transport=name, **options)
    assert next(iter(options)) in str(caught.value)


def test_no_bound_is_allowed() -> None:
    assert PoolLimits.of(None).max_connections is None
    Client(api_key="x", base_url="http://127.0.0.1:9/v1", max_connections=None).close()


def test_limits_with_a_transport_instance_are_refused() -> None:
    transport = HttpxTransport()
    with pytest.raises(TypeError, match=r"max_keepalive.*HttpxTransport"):
        Client(api_key="x", base_url="http://127.0.0.1:9/v1", transport=transport, max_keepalive=3)
    transport.close()


@pytest.mark.parametrize(
    ("make", "own"),
    [
        (HttpxTransport, httpx.Client),
        (HttpxAsyncTransport, httpx.AsyncClient),
        (RequestsTransport, None),
        (AiohttpTransport, None),
    ],
    ids=["httpx", "httpx-async", "requests", "aiohttp"],
)
def test_limits_with_the_users_own_session_are_refused(make: Any, own: Any) -> None:
    if own is None:  # requests' session and aiohttp's need no loop to stand in for one
        own = object
    with pytest.raises(TypeError, match="set the limits on the"):
        make(own(), max_connections=5)


def test_trio_transport_takes_the_same_names() -> None:
    transport = TrioTransport(max_connections=3, max_keepalive=0)
    assert transport._max_open == 3 and transport._max_keepalive == 0
    with pytest.raises(InvalidRequestError):
        TrioTransport(max_connections=0)


def test_httpx_async_queues_as_many_calls_as_the_users_own_pool_allows() -> None:
    own = httpx.AsyncClient(limits=httpx.Limits(max_connections=7))
    assert HttpxAsyncTransport(own)._slots == 7
    assert HttpxAsyncTransport(max_connections=None)._slots is None
