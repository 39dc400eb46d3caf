"""Starting and stopping the emulator: inside a running asyncio loop, or in its own thread.

Tests written with asyncio use `EmulatorServer` directly; synchronous tests (and other
event loops such as trio) use `start_in_thread`, which runs a private loop in a daemon
thread and hands back the bound port once the socket is listening.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

from ._api import Api
from ._faults import FaultCounter
from ._http import Context, HttpConnection
from ._stats import Stats
from ._store import Store

DEFAULT_STEP_MS = 10.0
DEFAULT_POLL_AFTER_MS = 20


class EmulatorServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        api_key: str | None = None,
        *,
        step_ms: float = DEFAULT_STEP_MS,
        poll_after_ms: int = DEFAULT_POLL_AFTER_MS,
        request_log_size: int = 1000,
    ) -> None:
        self.host = host
        self.port = port
        self.api_key = api_key
        self.stats = Stats(log_size=request_log_size)
        self.store = Store()
        self.api = Api(
            self.store, self.stats, self._spawn, step_ms=step_ms, poll_after_ms=poll_after_ms
        )
        self._ctx = Context(self.api, self.stats, FaultCounter(), api_key)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connections = 0

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    async def start(self) -> None:
        self._server = await asyncio.start_server(
            self._on_connection, self.host, self.port, backlog=2048
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1.0)
            self._server = None

    async def serve_forever(self) -> None:
        if self._server is None:
            await self.start()
        assert self._server is not None
        with contextlib.suppress(asyncio.CancelledError):
            await self._server.serve_forever()

    async def __aenter__(self) -> EmulatorServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._connections += 1
        self.stats.connections_accepted += 1
        self.stats.connections_open += 1
        try:
            await HttpConnection(self._ctx, reader, writer, self._connections).serve()
        except asyncio.CancelledError:
            writer.transport.abort()
        finally:
            self.stats.connections_open -= 1


class EmulatorThread:
    """An emulator running on its own event loop in a daemon thread, for synchronous code."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._main, name="runs-emulator", daemon=True)

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def stats(self) -> Stats:
        return self.server.stats

    def start(self) -> EmulatorThread:
        self._thread.start()
        self._ready.wait()
        if self._error is not None:
            raise self._error
        return self

    def _main(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self.server.start())
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self._loop.run_forever()
        self._loop.run_until_complete(self.server.stop())
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()

    def __enter__(self) -> EmulatorThread:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def start_in_thread(
    host: str = "127.0.0.1",
    port: int = 0,
    api_key: str | None = None,
    **options: Any,
) -> EmulatorThread:
    """Start an emulator on a background thread; returns once it is accepting connections."""
    return EmulatorThread(EmulatorServer(host, port, api_key, **options)).start()
