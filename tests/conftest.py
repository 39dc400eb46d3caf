"""Shared fixtures: one emulator per session, and a client for every transport.

``any_client`` is parametrized over all five transports. Sync clients are wrapped by
:class:`tests._helpers.unified.Unified` so one ``async def`` scenario drives sync and async
clients alike; scenarios for the trio transport run under trio, the rest under asyncio.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from tests._helpers.emulator import client_for, emulator_thread

from runs_emulator import EmulatorThread, start_in_thread

TRANSPORTS = [
    ("httpx", "sync"),
    ("requests", "sync"),
    ("httpx", "async"),
    ("aiohttp", "async"),
    ("trio", "async"),
]
TRANSPORT_IDS = [f"{name}-{kind}" for name, kind in TRANSPORTS]


@pytest.fixture(scope="session")
def emulator() -> Iterator[EmulatorThread]:
    with start_in_thread() as server:
        yield server


@pytest.fixture(params=TRANSPORTS, ids=TRANSPORT_IDS)
def transport(request: pytest.FixtureRequest) -> tuple[str, str]:
    value: tuple[str, str] = request.param
    return value


@pytest.fixture(scope="module")
def emu() -> Iterator[EmulatorThread]:
    """An emulator of the test module's own, so its state and stats start empty."""
    yield from emulator_thread()


@pytest.fixture
def client(emu: EmulatorThread) -> Iterator[httpx.Client]:
    """A plain httpx client on ``emu``, for probing the wire directly."""
    with client_for(emu) as c:
        yield c
