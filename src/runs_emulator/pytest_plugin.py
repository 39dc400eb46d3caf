"""A pytest plugin for testing your own Assistants code offline: the ``runs_emulator``
fixture.

Installed with the package (a ``pytest11`` entry point), so a test only names the
fixture. One emulator serves the whole test session on 127.0.0.1 (an ephemeral port, in
a background thread), which makes it usable from blocking tests and from asyncio, trio or
anyio tests alike; each test gets a :class:`RunsEmulator` handle on it::

    def test_reply(runs_emulator):
        client = runs_adapters.Client(**runs_emulator.client_options())
        run = client.runs.create_and_poll(thread_id="thread_1", assistant_id="asst_text")
        assert run.status == "completed"

The official SDK works the same way: ``openai.OpenAI(**runs_emulator.client_options())``.
``runs_emulator_azure`` is the same on an emulator in Azure OpenAI mode; its
``client_options()`` suit ``openai.AzureOpenAI`` and ``runs_adapters.AzureClient``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ._assistants import ASSISTANTS
from ._stats import RequestRecord, Stats
from .server import EmulatorThread, start_in_thread

__all__ = [
    "RunsEmulator",
    "runs_emulator",
    "runs_emulator_azure",
    "runs_emulator_azure_server",
    "runs_emulator_server",
]

API_KEY = "sk-emulator-test"
AZURE_API_VERSION = "2024-05-01-preview"  # any non-empty version is accepted


class RunsEmulator:
    """What a test needs from the emulator: where it is, which assistants it scripts, how
    to make the next request fail, and what it received."""

    def __init__(self, server: EmulatorThread) -> None:
        self._server = server
        self._requests_before = server.stats.requests

    @property
    def base_url(self) -> str:
        """The API's base URL (``http://127.0.0.1:<port>/v1``; ``.../openai`` in Azure
        mode)."""
        return self._server.base_url

    @property
    def endpoint(self) -> str:
        """The server's root (``http://127.0.0.1:<port>``): an Azure client's
        ``azure_endpoint``."""
        return self._server.endpoint

    @property
    def azure(self) -> bool:
        """Whether this emulator serves Azure OpenAI's way (``runs_emulator_azure``)."""
        return self._server.server.azure

    @property
    def api_key(self) -> str:
        """A key the emulator accepts (it accepts any non-empty key)."""
        return API_KEY

    @property
    def assistants(self) -> list[str]:
        """The ids of the scripted assistants (``asst_text``, ``asst_weather``, ...): each
        id drives a run with a fixed script; ``docs/emulator.md`` describes them."""
        return sorted(ASSISTANTS)

    @property
    def stats(self) -> Stats:
        """The server's counters (runs created, streams started or aborted, ...)."""
        return self._server.stats

    def client_options(self, **overrides: Any) -> dict[str, Any]:
        """Keyword arguments for ``runs_adapters.Client``/``AsyncClient`` (or the official
        SDK's ``OpenAI``/``AsyncOpenAI``) that point it at this emulator; in Azure mode,
        for ``runs_adapters.AzureClient`` (or ``openai.AzureOpenAI``)."""
        if self.azure:
            return {
                "azure_endpoint": self.endpoint,
                "api_key": self.api_key,
                "api_version": AZURE_API_VERSION,
                **overrides,
            }
        return {"base_url": self.base_url, "api_key": self.api_key, **overrides}

    @staticmethod
    def fault(spec: str) -> dict[str, str]:
        """Headers that make the emulator fail a request as ``spec`` says, e.g.
        ``fault("status=503; times=1")`` or ``fault("drop-after-events=3")``: pass them as a
        call's ``extra_headers`` (or a client's ``default_headers``)."""
        return {"X-Emulator-Fault": spec}

    def requests(self, method: str | None = None, path_contains: str = "") -> list[RequestRecord]:
        """The requests this test sent (credential headers masked), oldest first; the
        emulator keeps the most recent ones only (``log_size``)."""
        sent = self._server.stats.requests - self._requests_before
        records = list(self._server.stats.log)[-sent:] if sent > 0 else []
        return [
            record
            for record in records
            if (method is None or record.method == method) and path_contains in record.path
        ]


@pytest.fixture(scope="session")
def runs_emulator_server() -> Iterator[EmulatorThread]:
    """The session's emulator (started on first use, stopped at the end)."""
    with start_in_thread() as server:
        yield server


@pytest.fixture
def runs_emulator(runs_emulator_server: EmulatorThread) -> RunsEmulator:
    """A handle on the session's Assistants API emulator for this test."""
    return RunsEmulator(runs_emulator_server)


@pytest.fixture(scope="session")
def runs_emulator_azure_server() -> Iterator[EmulatorThread]:
    """The session's emulator in Azure OpenAI mode (started only if a test asks for it)."""
    with start_in_thread(azure=True) as server:
        yield server


@pytest.fixture
def runs_emulator_azure(runs_emulator_azure_server: EmulatorThread) -> RunsEmulator:
    """A handle on the session's Azure OpenAI-mode emulator for this test."""
    return RunsEmulator(runs_emulator_azure_server)
