"""Choosing a transport: by name, by instance, from RUNS_TRANSPORT, and failing clearly."""

from __future__ import annotations

import builtins
from typing import Any

import httpx
import pytest

from runs_adapters import AsyncClient, Client, TransportUnavailableError
from runs_adapters.aiohttp_transport import AiohttpTransport
from runs_adapters.httpx_async import HttpxAsyncTransport
from runs_adapters.httpx_sync import HttpxTransport
from runs_adapters.requests_transport import RequestsTransport
from runs_adapters.trio_h11 import TrioTransport


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNS_TRANSPORT", raising=False)


def test_defaults_are_httpx() -> None:
    assert isinstance(Client(api_key="k")._caller.transport, HttpxTransport)
    assert isinstance(AsyncClient(api_key="k")._caller.transport, HttpxAsyncTransport)


@pytest.mark.parametrize(
    ("name", "cls"), [("httpx", HttpxTransport), ("requests", RequestsTransport)]
)
def test_sync_by_name(name: str, cls: type) -> None:
    assert isinstance(Client(api_key="k", transport=name)._caller.transport, cls)


@pytest.mark.parametrize(
    ("name", "cls"),
    [("httpx", HttpxAsyncTransport), ("aiohttp", AiohttpTransport), ("trio", TrioTransport)],
)
def test_async_by_name(name: str, cls: type) -> None:
    assert isinstance(AsyncClient(api_key="k", transport=name)._caller.transport, cls)


def test_an_instance_wrapping_the_users_own_client_is_used_as_is() -> None:
    own = httpx.Client(timeout=3)
    transport = HttpxTransport(own)
    client = Client(api_key="k", transport=transport)
    assert client._caller.transport is transport and transport.client is own
    client.close()
    assert not own.is_closed  # the caller's client stays the caller's
    own.close()


def test_runs_transport_env_picks_the_first_name_that_fits_each_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("RUNS_TRANSPORT", "requests,aiohttp")
    assert isinstance(Client(api_key="k")._caller.transport, RequestsTransport)
    assert isinstance(AsyncClient(api_key="k")._caller.transport, AiohttpTransport)


def test_an_explicit_choice_beats_the_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNS_TRANSPORT", "requests")
    assert isinstance(Client(api_key="k", transport="httpx")._caller.transport, HttpxTransport)


def test_an_unknown_name_lists_the_choices() -> None:
    with pytest.raises(TransportUnavailableError, match="choose one of httpx, requests"):
        Client(api_key="k", transport="aiohttp")


def test_a_missing_package_names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_aiohttp(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "aiohttp" or name.startswith("aiohttp."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real_import(name, *args, **kwargs)

    import sys

    monkeypatch.delitem(sys.modules, "runs_adapters.aiohttp_transport")
    monkeypatch.setattr(builtins, "__import__", no_aiohttp)
    fix = r"pip install 'assistants-runs\[aiohttp\]'"
    with pytest.raises(TransportUnavailableError, match=fix):
        AsyncClient(api_key="k", transport="aiohttp")
