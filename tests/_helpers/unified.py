"""Make a blocking client look async, so one scenario runs on every transport.

Calls on the wrapped object return awaitables that are already resolved; iterables the
sync client returns (streams, pages) also support ``async for``. Nothing is mocked: the
sync client still does its real, blocking I/O against the emulator.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import trio

from runs_adapters import AsyncClient, Client


class _Done:
    """An awaitable holding a value (or exception) computed eagerly by a sync call."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        try:
            self._value, self._error = _wrap(fn()), None
        except BaseException as error:
            self._value, self._error = None, error

    def __await__(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value
        yield  # pragma: no cover - makes this a generator

    def __aiter__(self) -> Any:
        # Mirrors AsyncPaginator: ``async for`` straight over the call's result.
        if self._error is not None:
            raise self._error
        return self._value.__aiter__()


class _SyncIterable:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return _wrap(getattr(self._inner, name))

    def __iter__(self) -> Any:
        return iter(self._inner)

    async def __aiter__(self) -> AsyncIterator[Any]:
        for item in self._inner:
            yield item

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)

    async def __aenter__(self) -> Any:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._inner.__exit__(*exc)


class _Proxy:
    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return _wrap(getattr(self._inner, name))

    def __call__(self, *args: Any, **kwargs: Any) -> _Done:
        return _Done(lambda: self._inner(*args, **kwargs))


def _wrap(value: Any) -> Any:
    from runs_adapters import (
        Runs,
        RunsWithRawResponse,
        Steps,
        StepsWithRawResponse,
        Stream,
        SyncCursorPage,
    )

    if isinstance(value, Stream | SyncCursorPage):
        return _SyncIterable(value)
    if callable(value) or isinstance(
        value, Runs | Steps | RunsWithRawResponse | StepsWithRawResponse
    ):
        return _Proxy(value)
    return value


class Unified:
    """The async-looking face of any client."""

    def __init__(self, client: Client | AsyncClient) -> None:
        self.client = client
        self.is_async = isinstance(client, AsyncClient)
        self.runs = client.runs if self.is_async else _Proxy(client.runs)

    async def close(self) -> None:
        if isinstance(self.client, AsyncClient):
            await self.client.close()
        else:
            self.client.close()


def make_client(transport: tuple[str, str], base_url: str, **options: Any) -> Unified:
    name, kind = transport
    options.setdefault("api_key", "sk-test")
    if kind == "sync":
        return Unified(Client(base_url=base_url, transport=name, **options))
    return Unified(AsyncClient(base_url=base_url, transport=name, **options))


def run_scenario(
    transport: tuple[str, str], scenario: Callable[[], Coroutine[Any, Any, None]]
) -> None:
    """Run ``scenario`` on the event loop the transport needs."""
    if transport[0] == "trio":
        trio.run(scenario)
    else:
        asyncio.run(scenario())


async def sleep(transport: tuple[str, str], seconds: float) -> None:
    if transport[0] == "trio":
        await trio.sleep(seconds)
    else:
        await asyncio.sleep(seconds)


Awaited = Awaitable[Any]
