"""Choosing a transport by name, by instance, or from ``RUNS_TRANSPORT``.

Transports are imported only when chosen, so a deployment installs just the extra it
uses; a missing package fails with the ``pip install`` line that fixes it.
"""

from __future__ import annotations

import importlib
from typing import Any

from runs_core import RunsError

from ._transport import AsyncTransport, SyncTransport

__all__ = ["ASYNC_TRANSPORTS", "ENV_VAR", "SYNC_TRANSPORTS", "async_transport", "sync_transport"]

ENV_VAR = "RUNS_TRANSPORT"

# name -> (module, class, extra that installs its dependency)
SYNC_TRANSPORTS: dict[str, tuple[str, str, str]] = {
    "httpx": ("runs_adapters.httpx_sync", "HttpxTransport", "httpx"),
    "requests": ("runs_adapters.requests_transport", "RequestsTransport", "requests"),
}
ASYNC_TRANSPORTS: dict[str, tuple[str, str, str]] = {
    "httpx": ("runs_adapters.httpx_async", "HttpxAsyncTransport", "httpx"),
    # The name `runs demo --transport` uses, where it must tell the two httpx apart.
    "httpx-async": ("runs_adapters.httpx_async", "HttpxAsyncTransport", "httpx"),
    "aiohttp": ("runs_adapters.aiohttp_transport", "AiohttpTransport", "aiohttp"),
    "trio": ("runs_adapters.trio_h11", "TrioTransport", "trio"),
}


class TransportUnavailableError(RunsError):
    """The chosen transport is unknown, or its package is not installed."""


def _load(
    name: str, table: dict[str, tuple[str, str, str]], kind: str, limits: dict[str, Any]
) -> Any:
    if name not in table:
        other = ASYNC_TRANSPORTS if kind == "sync" else SYNC_TRANSPORTS
        hint = ""
        if name in other:
            flavour, client = (
                ("an async", "AsyncClient") if kind == "sync" else ("a blocking", "Client")
            )
            hint = f" ({name!r} is {flavour} transport: use {client})"
        raise TransportUnavailableError(
            f"unknown {kind} transport {name!r}; choose one of {', '.join(sorted(table))}{hint}"
        )
    module_name, class_name, extra = table[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise TransportUnavailableError(
            f"the {name!r} transport needs a package that is not installed ({error.name}); "
            f"install it with: pip install 'assistants-runs[{extra}]'"
        ) from error
    return getattr(module, class_name)(**limits)


def _given(choice: object, limits: dict[str, Any]) -> None:
    """A transport instance was passed: its pool is already built, so limits passed to the
    client as well are refused rather than silently ignored."""
    if limits:
        raise TypeError(
            f"pool limits ({', '.join(sorted(limits))}) apply to a transport the client creates; "
            f"configure the {type(choice).__name__} you passed instead"
        )


def _from_env(env_value: str | None, table: dict[str, tuple[str, str, str]]) -> str | None:
    # RUNS_TRANSPORT may name one transport per kind, e.g. "requests,aiohttp": each client
    # takes the first name that fits it, so one variable serves sync and async code.
    names = [n.strip() for n in (env_value or "").split(",") if n.strip()]
    for name in names:
        if name in table:
            return name
    return names[0] if names else None


def sync_transport(
    choice: str | SyncTransport | None, env_value: str | None, limits: dict[str, Any]
) -> SyncTransport:
    """The transport instance for a blocking client (default: httpx), its pool sized by
    ``limits`` (``max_connections``/``max_keepalive``, those the user gave)."""
    if choice is not None and not isinstance(choice, str):
        _given(choice, limits)
        return choice
    name = choice or _from_env(env_value, SYNC_TRANSPORTS) or "httpx"
    transport: SyncTransport = _load(name, SYNC_TRANSPORTS, "sync", limits)
    return transport


def async_transport(
    choice: str | AsyncTransport | None, env_value: str | None, limits: dict[str, Any]
) -> AsyncTransport:
    """The transport instance for an async client (default: httpx), its pool sized by
    ``limits`` as for :func:`sync_transport`."""
    if choice is not None and not isinstance(choice, str):
        _given(choice, limits)
        return choice
    name = choice or _from_env(env_value, ASYNC_TRANSPORTS) or "httpx"
    transport: AsyncTransport = _load(name, ASYNC_TRANSPORTS, "async", limits)
    return transport
