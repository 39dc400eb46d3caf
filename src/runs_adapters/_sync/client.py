# Generated from runs_adapters/_async/client.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""``Client``: the official SDK's Assistants API (``client.beta.assistants``,
``client.beta.threads`` with its ``runs`` and ``messages``; ``client.assistants``,
``client.threads`` and ``client.runs`` for short) on the transport of your choice.

The client shows only that API; its plumbing (settings, transport, driver) is one private
caller object, which is what its resources call.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Self, Unpack

from .._select import ENV_VAR, sync_transport
from .._settings import AzureClientOptions, ClientOptions, Settings
from .._transport import SyncTransport
from .assistants import Assistants
from .calls import Caller
from .resources import Runs
from .threads import Beta, Threads

__all__ = ["AzureClient", "Client"]


class Client:
    """A client for the Assistants API: assistants, threads, messages and runs.

    ``transport`` is a transport's name (``"httpx"``; for blocking code also
    ``"requests"``, for async code ``"aiohttp"`` and ``"trio"``) or an instance; by default
    ``RUNS_TRANSPORT`` or httpx. The other options are :class:`ClientOptions`.
    """

    runs: Runs
    threads: Threads
    assistants: Assistants
    beta: Beta

    def __init__(
        self, *, transport: str | SyncTransport | None = None, **options: Unpack[ClientOptions]
    ) -> None:
        self._setup(transport, Settings(type(self).__name__, options))

    def _setup(self, transport: str | SyncTransport | None, settings: Settings) -> None:
        chosen = sync_transport(transport, os.environ.get(ENV_VAR), settings.pool_limits)
        self._caller = Caller(settings, chosen)
        self.runs = Runs(self._caller)
        self.threads = Threads(self._caller, self.runs)
        self.assistants = Assistants(self._caller)
        self.beta = Beta(self.threads, self.assistants)

    @property
    def base_url(self) -> str:
        return self._caller.settings.config.base_url

    @property
    def timeout(self) -> float | None:
        return self._caller.settings.config.timeout

    @property
    def max_retries(self) -> int:
        return self._caller.settings.config.max_retries

    def close(self) -> None:
        """Release the transport's connections (a transport you passed in is yours to close)."""
        self._caller.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class AzureClient(Client):
    """The same client for an Azure OpenAI resource, with the official SDK's
    ``AzureOpenAI`` options (:class:`AzureClientOptions`): ``azure_endpoint``,
    ``api_version``, and ``api_key``, ``azure_ad_token`` or ``azure_ad_token_provider``.

    ``azure_ad_token_provider`` is called for every request, on the calling thread: it
    must be a plain function (with an asynchronous token source, refresh the token in the
    background and return the current one).
    """

    def __init__(
        self,
        *,
        transport: str | SyncTransport | None = None,
        **options: Unpack[AzureClientOptions],
    ) -> None:
        self._setup(transport, Settings(type(self).__name__, options, azure=True))
