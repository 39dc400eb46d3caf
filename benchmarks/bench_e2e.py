"""End to end against the emulator in another process: client CPU per event, per call.

Every client here talks HTTP over loopback to ``python -m runs_emulator`` running as a
separate process, so ``time.process_time()`` around the consuming loop is the *client's*
CPU only. Cases:

* ``stream`` -- one long text stream (``asst_long``, ``metadata={"deltas": N}``), every
  event iterated: client CPU µs per event and events/s (wall clock);
* ``concurrent`` -- 20 such streams at once on one async client: the same two figures
  over all their events;
* ``retrieve`` -- ``runs.retrieve`` in a loop: client CPU µs per plain call.

Each is run ``repeats`` times after a warm-up (which also opens the pooled connection)
and the median is kept. Rows: our ``Client``/``AsyncClient`` on each transport, and the
official SDK (``openai.OpenAI`` / ``openai.AsyncOpenAI``, on its own httpx) as reference.
A transport or peer whose package is missing is reported and skipped.

Each of our transports also has a *floor* row for ``retrieve`` (``FLOORS``): the same
transport library doing the bare request our call makes (the same URL and headers, taken
from our client's own request, on a reused connection) and ``json.loads`` of the body,
after a status check. httpx, requests and aiohttp use their plain ``get``; the trio row
is h11 over one trio TCP stream, kept open, with one ``trio.fail_after`` around the
whole exchange (every other library applies a timeout too), and the ``Host`` header h11
needs. Ours and its floor are built side by side and timed in alternating repeats, so
drift on the machine falls on both.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import io
import json
import os
import pstats
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from _emulator_process import ROOT, median, progress

THREAD = "thread_bench"
WARM_DELTAS = 2000
LONG = "asst_long"

# name -> (kind, transport); kind: "sync" | "asyncio" | "trio" | "sdk-sync" | "sdk-async"
CLIENTS: dict[str, tuple[str, str]] = {
    "runs httpx": ("sync", "httpx"),
    "runs requests": ("sync", "requests"),
    "runs httpx-async": ("asyncio", "httpx"),
    "runs aiohttp": ("asyncio", "aiohttp"),
    "runs trio": ("trio", "trio"),
    "openai (sync)": ("sdk-sync", "httpx"),
    "openai (async)": ("sdk-async", "httpx"),
}
# our client -> the same transport library doing the bare request (retrieve case only)
FLOORS: dict[str, str] = {
    "runs httpx": "httpx (bare)",
    "runs requests": "requests (bare)",
    "runs httpx-async": "httpx-async (bare)",
    "runs aiohttp": "aiohttp (bare)",
    "runs trio": "trio+h11 (bare)",
}
FLOOR_TIMEOUT = 600.0  # seconds, as our client's default
WARM_CALLS = 20
SDK_SYNC = "openai (sync)"
SDK_ASYNC = "openai (async)"
OURS_HTTPX = "runs httpx"
TRANSPORT_NAMES = {"httpx", "requests", "httpx-async", "aiohttp", "trio", "openai"}


@dataclass
class E2EResult:
    case: str  # stream | concurrent | retrieve
    client: str
    kind: str
    units: int  # events (streams) or calls (retrieve) per repeat
    repeats: int
    cpu_s: float  # median client CPU seconds per repeat
    wall_s: float  # median wall seconds per repeat
    cpu_us_per_unit: float
    units_per_s: float


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The SDK marks the Assistants API deprecated; its warnings are not results."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def _meta(n: int) -> dict[str, str]:
    return {"deltas": str(n)}


def available(name: str) -> str | None:
    """``None`` if the client can be built here, else why not."""
    kind, transport = CLIENTS[name]
    modules = {
        "httpx": ["httpx"],
        "requests": ["requests"],
        "aiohttp": ["aiohttp"],
        "trio": ["trio", "h11"],
    }[transport]
    if kind.startswith("sdk"):
        modules = ["openai", "httpx"]
    for module in modules:
        try:
            __import__(module)
        except ImportError as exc:
            return f"not installed ({exc})"
    return None


# -- one measurement = (consume once) under process_time/perf_counter -------------------


def _timed_sync(
    fn: Callable[[], int], repeats: int, warm: Callable[[], int] | None = None
) -> list[tuple[int, float, float]]:
    (warm or fn)()  # warm-up: imports, connection pool, caches
    out = []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        units = fn()
        out.append((units, time.process_time() - c0, time.perf_counter() - w0))
    return out


async def _timed_async(
    fn: Callable[[], Awaitable[int]], repeats: int, warm: Callable[[], Awaitable[int]] | None = None
) -> list[tuple[int, float, float]]:
    await (warm or fn)()
    out = []
    for _ in range(repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        units = await fn()
        out.append((units, time.process_time() - c0, time.perf_counter() - w0))
    return out


def _sync_client(name: str, url: str) -> Any:
    kind, transport = CLIENTS[name]
    if kind == "sdk-sync":
        import openai

        return openai.OpenAI(api_key="x", base_url=url, max_retries=0)
    from runs_adapters import Client

    return Client(api_key="x", base_url=url, transport=transport, max_retries=0)


def _async_client(name: str, url: str) -> Any:
    kind, transport = CLIENTS[name]
    if kind == "sdk-async":
        import openai

        return openai.AsyncOpenAI(api_key="x", base_url=url, max_retries=0)
    from runs_adapters import AsyncClient

    return AsyncClient(api_key="x", base_url=url, transport=transport, max_retries=0)


def _runs(client: Any) -> Any:
    return client.beta.threads.runs


def _sync_case(
    name: str, url: str, case: str, n: int, repeats: int
) -> list[tuple[int, float, float]]:
    client = _sync_client(name, url)
    runs = _runs(client)
    try:
        with _quiet():
            if case == "stream":

                def once(deltas: int = n) -> int:
                    count = 0
                    for _ in runs.create(
                        THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)
                    ):
                        count += 1
                    return count

                return _timed_sync(once, repeats, warm=lambda: once(WARM_DELTAS))
            run = runs.create(THREAD, assistant_id="asst_text")

            def calls() -> int:
                for _ in range(n):
                    runs.retrieve(run.id, thread_id=THREAD)
                return n

            return _timed_sync(calls, repeats)
    finally:
        client.close()


async def _async_case(
    name: str, url: str, case: str, n: int, repeats: int, streams: int
) -> list[tuple[int, float, float]]:
    client = _async_client(name, url)
    runs = _runs(client)
    kind = CLIENTS[name][0]
    try:
        with _quiet():
            if case in ("stream", "concurrent"):

                async def one(deltas: int) -> int:
                    count = 0
                    stream = await runs.create(
                        THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)
                    )
                    async for _ in stream:
                        count += 1
                    return count

                if case == "stream":
                    return await _timed_async(
                        lambda: one(n), repeats, warm=lambda: one(WARM_DELTAS)
                    )

                async def many() -> int:
                    if kind == "trio":
                        import trio

                        counts: list[int] = []

                        async def keep() -> None:
                            counts.append(await one(n))

                        async with trio.open_nursery() as nursery:
                            for _ in range(streams):
                                nursery.start_soon(keep)
                        return sum(counts)
                    return sum(await asyncio.gather(*(one(n) for _ in range(streams))))

                return await _timed_async(many, repeats)
            run = await runs.create(THREAD, assistant_id="asst_text")

            async def calls() -> int:
                for _ in range(n):
                    await runs.retrieve(run.id, thread_id=THREAD)
                return n

            return await _timed_async(calls, repeats)
    finally:
        await client.close()


def measure(name: str, url: str, case: str, n: int, repeats: int, streams: int = 20) -> E2EResult:
    """Run one (client, case); ``n`` is deltas per stream or calls per repeat."""
    kind = CLIENTS[name][0]
    if kind in ("sync", "sdk-sync"):
        samples = _sync_case(name, url, case, n, repeats)
    elif kind == "trio":
        import trio

        samples = trio.run(_async_case, name, url, case, n, repeats, streams)
    else:
        samples = asyncio.run(_async_case(name, url, case, n, repeats, streams))
    units = samples[0][0]
    if any(s[0] != units for s in samples):
        raise RuntimeError(f"{name} {case}: unit counts differ between repeats: {samples}")
    cpu = median([s[1] for s in samples])
    wall = median([s[2] for s in samples])
    return E2EResult(
        case=case,
        client=name,
        kind=kind,
        units=units,
        repeats=repeats,
        cpu_s=cpu,
        wall_s=wall,
        cpu_us_per_unit=cpu / units * 1e6,
        units_per_s=units / wall,
    )


# -- plain calls: ours and its bare-transport floor, alternating ------------------------


def _status_ok(status: int) -> None:
    if status != 200:
        raise RuntimeError(f"bare request: HTTP {status}")


def _bare_sync(transport: str, url: str, headers: list[tuple[str, str]]) -> Any:
    """``(call, close)``: one bare GET + ``json.loads`` on a reused session."""
    if transport == "httpx":
        import httpx

        client = httpx.Client(timeout=FLOOR_TIMEOUT)

        def call() -> Any:
            r = client.get(url, headers=headers)
            _status_ok(r.status_code)
            return json.loads(r.content)

        return call, client.close
    import requests

    session = requests.Session()
    header_dict = dict(headers)

    def call_requests() -> Any:
        r = session.get(url, headers=header_dict, timeout=FLOOR_TIMEOUT)
        _status_ok(r.status_code)
        return json.loads(r.content)

    return call_requests, session.close


async def _bare_async(transport: str, url: str, headers: list[tuple[str, str]]) -> Any:
    """``(call, aclose)`` for the async transports, made inside the running loop."""
    if transport == "httpx":
        import httpx

        client = httpx.AsyncClient(timeout=FLOOR_TIMEOUT)

        async def call() -> Any:
            r = await client.get(url, headers=headers)
            _status_ok(r.status_code)
            return json.loads(r.content)

        return call, client.aclose
    if transport == "aiohttp":
        import aiohttp

        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=FLOOR_TIMEOUT))

        async def call_aiohttp() -> Any:
            async with session.get(url, headers=headers) as r:
                _status_ok(r.status)
                body = await r.read()
            return json.loads(body)

        return call_aiohttp, session.close
    return await _bare_trio(url, headers)


async def _bare_trio(url: str, headers: list[tuple[str, str]]) -> Any:
    """h11 over one trio TCP stream: what our trio transport is built from, bare."""
    from urllib.parse import urlsplit

    import h11
    import trio

    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    wire_headers = [("Host", f"{host}:{port}"), *headers]
    stream = await trio.open_tcp_stream(host, port)
    conn = h11.Connection(h11.CLIENT)

    async def call() -> Any:
        body = []
        with trio.fail_after(FLOOR_TIMEOUT):
            await stream.send_all(
                conn.send(h11.Request(method="GET", target=target, headers=wire_headers))
            )
            conn.send(h11.EndOfMessage())  # no body: nothing to write
            while True:
                event = conn.next_event()
                if event is h11.NEED_DATA:
                    conn.receive_data(await stream.receive_some(65536))
                elif type(event) is h11.Response:
                    _status_ok(event.status_code)
                elif type(event) is h11.Data:
                    body.append(event.data)
                elif type(event) is h11.EndOfMessage:
                    break
                else:
                    raise RuntimeError(f"bare trio: unexpected {event!r}")
        conn.start_next_cycle()
        return json.loads(b"".join(body))

    return call, stream.aclose


def _pair_result(name: str, kind: str, samples: list[tuple[int, float, float]]) -> E2EResult:
    cpu = median([s[1] for s in samples])
    wall = median([s[2] for s in samples])
    units = samples[0][0]
    return E2EResult(
        case="retrieve", client=name, kind=kind, units=units, repeats=len(samples), cpu_s=cpu,
        wall_s=wall, cpu_us_per_unit=cpu / units * 1e6, units_per_s=units / wall,
    )  # fmt: skip


def _timed_pair_sync(
    fns: dict[str, Callable[[], Any]], n: int, repeats: int
) -> dict[str, list[tuple[int, float, float]]]:
    for fn in fns.values():
        for _ in range(WARM_CALLS):
            fn()
    out: dict[str, list[tuple[int, float, float]]] = {key: [] for key in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(n):
                fn()
            out[key].append((n, time.process_time() - c0, time.perf_counter() - w0))
    return out


async def _timed_pair_async(
    fns: dict[str, Callable[[], Awaitable[Any]]], n: int, repeats: int
) -> dict[str, list[tuple[int, float, float]]]:
    for fn in fns.values():
        for _ in range(WARM_CALLS):
            await fn()
    out: dict[str, list[tuple[int, float, float]]] = {key: [] for key in fns}
    for _ in range(repeats):
        for key, fn in fns.items():
            c0, w0 = time.process_time(), time.perf_counter()
            for _ in range(n):
                await fn()
            out[key].append((n, time.process_time() - c0, time.perf_counter() - w0))
    return out


def _retrieve_request(client: Any, run_id: str) -> tuple[str, list[tuple[str, str]]]:
    """The URL and headers our client sends for this ``runs.retrieve``."""
    request = client._caller.builder.retrieve_run(run_id, thread_id=THREAD)
    return request.url, list(request.headers)


async def _async_pair(name: str, url: str, n: int, repeats: int) -> dict[str, Any]:
    client = _async_client(name, url)
    runs = _runs(client)
    try:
        run = await runs.create(THREAD, assistant_id="asst_text")
        call_url, headers = _retrieve_request(client, run.id)
        bare, close = await _bare_async(CLIENTS[name][1], call_url, headers)
        try:

            async def ours() -> Any:
                return await runs.retrieve(run.id, thread_id=THREAD)

            return await _timed_pair_async({"ours": ours, "bare": bare}, n, repeats)
        finally:
            await close()
    finally:
        await client.close()


def measure_pair(name: str, url: str, n: int, repeats: int) -> tuple[E2EResult, E2EResult]:
    """``runs.retrieve`` on our client ``name`` and the bare request on its transport's
    library (``FLOORS[name]``), timed in alternating repeats of ``n`` calls each."""
    kind, transport = CLIENTS[name]
    if kind == "sync":
        client = _sync_client(name, url)
        runs = _runs(client)
        try:
            run = runs.create(THREAD, assistant_id="asst_text")
            call_url, headers = _retrieve_request(client, run.id)
            bare, close = _bare_sync(transport, call_url, headers)
            try:
                samples = _timed_pair_sync(
                    {"ours": lambda: runs.retrieve(run.id, thread_id=THREAD), "bare": bare},
                    n,
                    repeats,
                )
            finally:
                close()
        finally:
            client.close()
    elif kind == "trio":
        import trio

        samples = trio.run(_async_pair, name, url, n, repeats)
    else:
        samples = asyncio.run(_async_pair(name, url, n, repeats))
    return _pair_result(name, kind, samples["ours"]), _pair_result(
        FLOORS[name], "bare", samples["bare"]
    )


def run_all(
    url: str,
    *,
    clients: list[str],
    deltas: int,
    concurrent_deltas: int,
    streams: int,
    calls: int,
    repeats: int,
    call_repeats: int = 9,
) -> tuple[list[E2EResult], dict[str, str]]:
    results: list[E2EResult] = []
    skipped: dict[str, str] = {}
    for name in clients:
        reason = available(name)
        if reason:
            skipped[name] = reason
            progress(f"e2e: skipped {name}: {reason}")
            continue
        kind = CLIENTS[name][0]
        progress(f"e2e: {name}: stream of {deltas:,} deltas x{repeats}")
        results.append(measure(name, url, "stream", deltas, repeats))
        if kind in ("asyncio", "trio", "sdk-async"):
            progress(f"e2e: {name}: {streams} concurrent streams of {concurrent_deltas:,} deltas")
            results.append(measure(name, url, "concurrent", concurrent_deltas, repeats, streams))
        if name in FLOORS:
            progress(f"e2e: {name}: {calls} x runs.retrieve, and the bare request, x{call_repeats}")
            results.extend(measure_pair(name, url, calls, call_repeats))
        else:
            progress(f"e2e: {name}: {calls} x runs.retrieve x{repeats}")
            results.append(measure(name, url, "retrieve", calls, repeats))
    return results, skipped


def profile_httpx_stream(url: str, deltas: int, top: int = 20) -> str:
    """cProfile of our httpx client consuming one long stream; the top functions by
    own time (tottime), as text."""
    from runs_adapters import Client

    with Client(api_key="x", base_url=url, transport="httpx", max_retries=0) as client:
        for _ in client.runs.create(THREAD, stream=True, assistant_id=LONG, metadata=_meta(100)):
            pass
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in client.runs.create(THREAD, stream=True, assistant_id=LONG, metadata=_meta(deltas)):
            pass
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    return _short_paths(out.getvalue())


def _short_paths(text: str) -> str:
    """``text`` with this machine's folders cut from file names: the checkout's (paths
    become relative to it), the installed packages' and the standard library's, so that a
    profile saved with the results names no folder outside the repository."""
    import sysconfig

    cuts = [  # the installed packages may lie inside the checkout (a .venv): first
        (sysconfig.get_paths()["purelib"] + os.sep, "<site-packages>/"),
        (sysconfig.get_paths()["stdlib"] + os.sep, "<stdlib>/"),
        (str(ROOT) + os.sep, ""),
    ]
    for folder, short in cuts:
        text = text.replace(folder, short)
    return text


if __name__ == "__main__":
    import sys

    import run

    raise SystemExit(run.main(["--only", "e2e", *sys.argv[1:]]))
