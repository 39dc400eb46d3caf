"""The `emulator` command raises a low soft limit on open files, so its connection cap is
not set below the default by a limit the hard one would lift (1,000 concurrent streams
need more than the common soft limit of 1,024 allows with its 100 spare)."""

from __future__ import annotations

import resource
from collections.abc import Iterator

import pytest

from runs_emulator import cli
from runs_emulator.server import (
    FILE_SPARE,
    MAX_CONNECTIONS,
    EmulatorServer,
    default_max_connections,
    raise_file_limit,
)


@pytest.fixture
def low_soft_limit() -> Iterator[int]:
    """The soft limit set to 512 for the test (skipped if the hard one does not allow
    raising it back past the default cap), restored after."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = MAX_CONNECTIONS + FILE_SPARE
    if hard != resource.RLIM_INFINITY and hard < room:
        pytest.skip(f"hard limit on open files {hard} < {room}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (512, hard))
    try:
        yield 512
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_raises_the_soft_limit_within_the_hard_one(low_soft_limit: int) -> None:
    assert default_max_connections() == low_soft_limit - FILE_SPARE
    assert raise_file_limit(MAX_CONNECTIONS + FILE_SPARE) == MAX_CONNECTIONS + FILE_SPARE
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == MAX_CONNECTIONS + FILE_SPARE
    assert default_max_connections() == MAX_CONNECTIONS


def test_never_lowers_it(low_soft_limit: int) -> None:
    assert raise_file_limit(100) == low_soft_limit
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] == low_soft_limit


def test_the_command_raises_it_before_sizing_the_server(
    low_soft_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []

    async def fake_serve(server: EmulatorServer) -> None:
        seen.append(server.max_connections)

    monkeypatch.setattr(cli, "_serve", fake_serve)
    assert cli.main(["--port", "0"]) == 0
    assert seen == [MAX_CONNECTIONS]
