"""Starting and stopping the emulator: inside a running asyncio loop, or in its own thread.

Tests written with asyncio use `EmulatorServer` directly; synchronous tests (and other
event loops such as trio) use `start_in_thread`, which runs a private loop in a daemon
thread and hands back the bound port once the socket is listening.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import resource
import threading
import time
from collections.abc import Coroutine, Sequence
from types import TracebackType
from typing import Any

from ._api import Api
from ._auth import API_PREFIX, AZURE_PREFIX, AuthScheme
from ._durable import Durable
from ._faults import FaultCounter
from ._http import Context, HttpConnection, Limits, key_digest, refuse_connection
from ._model import RUN_LIFETIME_S
from ._replay import PathLike, ReplayQueue
from ._retention import DEFAULT_MAX_RUNS, Retention
from ._stats import Stats
from ._store import Store

DEFAULT_STEP_MS = 10.0
DEFAULT_POLL_AFTER_MS = 20
FLUSH_EVERY_S = 0.1  # with a database: background changes are written at least this often
EXPIRY_CHECK_S = 0.25
log = logging.getLogger("runs_emulator")


MAX_CONNECTIONS = 4096  # the default cap on open connections
FILE_SPARE = 100  # files kept free for everything but connections


def default_max_connections() -> int:
    """4096, or fewer if the process may not open that many files (leaving 100 spare)."""
    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (OSError, ValueError):  # pragma: no cover - always available on Linux/macOS
        return 1000
    if soft == resource.RLIM_INFINITY:
        return MAX_CONNECTIONS
    return max(16, min(MAX_CONNECTIONS, soft - FILE_SPARE))


def raise_file_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files toward ``wanted`` (never above the
    hard limit, never lowering it); the soft limit after, as :func:`default_max_connections`
    will see it.

    Each connection is a file: with the common default soft limit of 1,024 (256 on macOS)
    the emulator would cap itself at 924 connections and evict live ones, although the
    hard limit usually allows far more. The `emulator` command calls this at start."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            if target > soft:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft = target
    except (OSError, ValueError):  # pragma: no cover - not permitted: keep the limit
        soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return int(soft)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def open_to_all_warning(host: str) -> str:
    return (
        f"WARNING: the runs emulator listens on {host} without --api-key: anyone who can "
        "reach this port can use it with any key, read its request log and change its "
        "state. Pass --api-key (or listen on 127.0.0.1)."
    )


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
        max_body_bytes: int = Limits.max_body_bytes,
        header_timeout: float = Limits.header_timeout,
        body_timeout: float = Limits.body_timeout,
        idle_timeout: float = Limits.idle_timeout,
        max_connections: int | None = None,
        db_path: str | None = None,
        run_lifetime_s: float = RUN_LIFETIME_S,
        max_runs: int | None = DEFAULT_MAX_RUNS,
        retain_s: float | None = None,
        azure: bool = False,
        auth_header: str | None = None,
        auth_scheme: str | None = None,
        replay: PathLike | Sequence[PathLike] | None = None,
        replay_times: int = 1,
    ) -> None:
        """``azure``: serve Azure OpenAI's way (under ``/openai``, ``api-version`` required,
        the key as ``api-key`` or a bearer token); ``auth_header`` (and ``auth_scheme``):
        expect the key in that header, as a gateway would. See ``_auth``.

        ``replay``: one capture file (what ``runs record`` writes) or several, served in
        order as the answers to the next stream requests of their kind, each
        ``replay_times`` times (``0``: forever, taking turns); then the usual behaviour.
        The files are read here: a missing or malformed one is a ``ValueError`` now.
        See ``_replay``."""
        if max_body_bytes < 0 or min(header_timeout, body_timeout, idle_timeout) <= 0:
            raise ValueError("max_body_bytes must be >= 0 and every timeout > 0")
        if max_connections is not None and max_connections < 1:
            raise ValueError("max_connections must be >= 1")
        if run_lifetime_s <= 0:
            raise ValueError("run_lifetime_s must be > 0")
        self.host = host
        self.port = port
        retention = Retention(max_runs, retain_s)  # ValueError for a bad value
        self.stats = Stats(log_size=request_log_size)
        self.db_path = db_path
        self.store = Store(retention=retention, stats=self.stats)
        self.stats.storage = self.store.counts
        self.api = Api(
            self.store,
            self.stats,
            self._spawn,
            step_ms=step_ms,
            poll_after_ms=poll_after_ms,
            run_lifetime_s=run_lifetime_s,
        )
        self.limits = Limits(max_body_bytes, header_timeout, body_timeout, idle_timeout)
        self.max_connections = max_connections or default_max_connections()
        digest = key_digest(api_key) if api_key is not None else None
        self.auth = AuthScheme.of(azure=azure, header=auth_header, scheme=auth_scheme)
        self.replay = None if replay is None else ReplayQueue.load(replay, replay_times)
        """The recorded streams still to serve (``served``, ``remaining``), if any."""
        self._ctx = Context(
            self.api, self.stats, FaultCounter(), digest, self.limits, auth=self.auth,
            replay=self.replay,
        )  # fmt: skip
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._connections = 0
        self._live: dict[int, HttpConnection] = {}  # open connections, oldest first
        self._requires_key = api_key is not None
        self.warn_if_open = True  # log a warning when reachable by others without a key

    @property
    def base_url(self) -> str:
        """The API's base URL: ``.../v1``, or ``.../openai`` in Azure mode (what the
        official ``AzureOpenAI`` client builds from ``azure_endpoint``)."""
        return self.endpoint + (AZURE_PREFIX if self.auth.azure else API_PREFIX)

    @property
    def endpoint(self) -> str:
        """The server's root (``http://127.0.0.1:PORT``), for ``AzureOpenAI(azure_endpoint=)``."""
        return f"http://{self.host}:{self.port}"

    @property
    def azure(self) -> bool:
        return self.auth.azure

    async def start(self) -> None:
        if self.db_path is not None and self.store.db is None:
            db = Durable(self.db_path)
            self.store.db = db
            self.store.load(db.load(self.store.retention))
            self.api.restore()
            self.store.flush()
        if self.warn_if_open and not self._requires_key and not is_loopback(self.host):
            log.warning(open_to_all_warning(self.host))
        self._server = await asyncio.start_server(
            self._on_connection, self.host, self.port, backlog=2048
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._spawn(self._housekeeping())

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
        if self.store.db is not None:
            with contextlib.suppress(Exception):
                self.store.flush()
            self.store.db.close()
            self.store.db = None

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

    async def _housekeeping(self) -> None:
        """Expire runs past their ``expires_at``, drop what is older than ``retain_s``;
        with a database, write background changes."""
        last_expiry = 0.0
        while True:
            await asyncio.sleep(FLUSH_EVERY_S if self.store.durable else EXPIRY_CHECK_S)
            now = time.monotonic()
            if now - last_expiry >= EXPIRY_CHECK_S:
                last_expiry = now
                self.api.expire_due(time.time())
                self.store.expire_old(time.time())
            if self.store.durable:
                try:
                    self.store.flush()
                except Exception as exc:  # StorageError: retried at the next flush
                    log.error("emulator cannot save its state: %s", exc)

    def _make_room(self) -> bool:
        """At the connection cap: close the connection that has waited longest without
        sending a request (idle first, then one still sending its head). False if every
        connection is busy answering."""
        for phase in ("idle", "head"):
            waiting = [c for c in self._live.values() if c.phase == phase]
            if waiting:
                victim = min(waiting, key=lambda c: c.since)
                del self._live[victim.ident]
                self.stats.connections_evicted += 1
                victim.evict()
                return True
        return False

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._connections += 1
        self.stats.connections_accepted += 1
        if len(self._live) >= self.max_connections and not self._make_room():
            self.stats.connections_refused += 1
            try:
                await refuse_connection(reader, writer, 0.25)
            except (asyncio.CancelledError, Exception):
                writer.transport.abort()
            return
        self.stats.connections_open += 1
        connection = HttpConnection(self._ctx, reader, writer, self._connections)
        self._live[connection.ident] = connection
        try:
            await connection.serve()
        except asyncio.CancelledError:
            writer.transport.abort()
        except Exception:
            # A bug, not a client's doing: the connection ends, the server goes on.
            log.exception("emulator connection %d failed", connection.ident)
            writer.transport.abort()
        finally:
            self._live.pop(connection.ident, None)
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
        """``http://127.0.0.1:PORT/v1``, or ``.../openai`` in Azure mode."""
        return self.server.base_url

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: what ``AzureOpenAI(azure_endpoint=...)`` takes."""
        return self.server.endpoint

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
