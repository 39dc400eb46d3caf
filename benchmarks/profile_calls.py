"""Where a plain call's CPU goes: our steps apart, and what each thing we ask of aiohttp
and trio costs alone, in µs per ``runs.retrieve``.

Run: ``python benchmarks/profile_calls.py [--calls N] [--repeats N]`` (``runs bench
--only e2e`` gives the per-call ratios to the bare libraries; this gives their make-up).

The e2e table compares our call with the transport library doing the bare request and
``json.loads``. This script takes the difference apart:

* **Our steps, no network.** A transport kept in memory answers every request with the
  bytes the emulator sent for a ``runs.retrieve``, so what is timed is our code alone:
  the whole call; that transport and ``json.loads`` (what the bare row does after the
  library); building the request; the send flow on the driver (retry decisions, the log
  line, the body limit, the ``Response``); parsing the ``Run`` against ``json.loads``.
* **aiohttp, over loopback to the emulator in another process.** The bare request (the
  floor row), then the same request with one thing our transport asks of aiohttp added:
  only our headers on the wire (``skip_auto_headers``); a timeout per read instead of
  one for the whole exchange; the URL handed over already encoded; the body read as it
  arrives.
* **trio + h11, the same way.** The bare exchange (one ``fail_after``), then with the
  deadline moved before the read, as bounding each read alone needs.
* **Our layers on the wire.** For both: our transport alone (send, read the body,
  ``json.loads``), then our whole call, on the same loop and server as the bare rows, so
  what our code costs inside a real event loop sits beside its cost in memory.

Every figure is the fastest of ``--repeats`` CPU timings (``time.process_time``), taken
in alternation so drift on the machine falls on every row alike; figures from one run
compare. Steps timed apart do not add up exactly to the whole.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _emulator_process  # noqa: F401  (puts src/ and the repo root on sys.path)

# isort: split
from _emulator_process import emulator_process
from runs_adapters import AsyncClient
from runs_core import Headers, Request, Response

THREAD = "thread_profile"
loads: Callable[[bytes], Any] = __import__("json").loads
"""json.loads, under a name of this module's own (a test counts the calls through it)."""
Rows = list[tuple[str, float]]


class Answer:
    """A recorded response: status, raw header pairs and body, as a transport hands them."""

    def __init__(self, status: int, raw_headers: list[tuple[bytes, bytes]], body: bytes):
        self.status = status
        self.raw_headers = raw_headers
        self.body = body


class _MemoryResponse:
    __slots__ = ("_body", "headers", "status")

    def __init__(self, answer: Answer) -> None:
        self.status = answer.status
        self.headers = Headers.from_raw(answer.raw_headers)
        self._body = answer.body

    async def aiter_bytes(self) -> AsyncIterator[bytes]:
        yield self._body

    async def aclose(self) -> None:
        return None


class MemoryTransport:
    """An ``AsyncTransport`` answering every request with one recorded answer."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer

    async def send(self, request: Request) -> _MemoryResponse:
        return _MemoryResponse(self.answer)

    async def sleep(self, seconds: float) -> None:
        return None

    async def aclose(self) -> None:
        return None


def finish(awaitable: Awaitable[Any]) -> Any:
    """Run a coroutine that never waits (the memory transport's) to its end, loop-free."""
    try:
        awaitable.__await__().send(None)
    except StopIteration as stop:
        return stop.value
    raise RuntimeError("the coroutine waited: it needs an event loop")


def best_us(fns: dict[str, Callable[[], object]], calls: int, repeats: int) -> Rows:
    """The fastest of ``repeats`` CPU timings of ``calls`` calls of each, in alternation."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for label, fn in fns.items():
            start = time.process_time()
            for _ in range(calls):
                fn()
            best[label] = min(best[label], time.process_time() - start)
    return [(label, seconds / calls * 1e6) for label, seconds in best.items()]


async def best_us_async(
    fns: dict[str, Callable[[], Awaitable[object]]], calls: int, repeats: int
) -> Rows:
    """:func:`best_us` for calls awaited on the running loop (after a warm-up)."""
    for fn in fns.values():
        for _ in range(20):
            await fn()
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(repeats):
        for label, fn in fns.items():
            start = time.process_time()
            for _ in range(calls):
                await fn()
            best[label] = min(best[label], time.process_time() - start)
    return [(label, seconds / calls * 1e6) for label, seconds in best.items()]


async def record_answer(url: str) -> tuple[Answer, str]:
    """A finished run made on the emulator, and the exact answer to its ``runs.retrieve``."""
    import aiohttp

    async with AsyncClient(base_url=url, api_key="sk-profile", transport="aiohttp") as client:
        # polled to its end, so every later answer for it is the same bytes
        run = await client.beta.threads.runs.create_and_poll(
            thread_id=THREAD, assistant_id="asst_text"
        )
        request = client._caller.builder.retrieve_run(run.id, thread_id=THREAD)
    async with (
        aiohttp.ClientSession() as session,
        session.get(request.url, headers=list(request.headers)) as response,
    ):
        body = await response.read()
        answer = Answer(response.status, list(response.raw_headers), body)
    return answer, run.id


def transport_and_loads(transport: Any, request: Request) -> Callable[[], Awaitable[object]]:
    """Our transport alone: send ``request``, read the body, ``json.loads`` it."""

    async def call() -> object:
        sent = await transport.send(request)
        body = b"".join([chunk async for chunk in sent.aiter_bytes()])
        await sent.aclose()
        return loads(body)

    return call


def ours_on_the_wire(client: AsyncClient, run_id: str) -> dict[str, Callable[[], Awaitable[Any]]]:
    """The rows that time our layers in a real event loop, over the wire: our transport
    alone, then the whole call on the same client."""
    request = client._caller.builder.retrieve_run(run_id, thread_id=THREAD)
    runs = client.beta.threads.runs

    async def whole() -> object:
        return await runs.retrieve(run_id, thread_id=THREAD)

    return {
        "our transport and json.loads": transport_and_loads(client._caller.transport, request),
        "the whole call (runs.retrieve)": whole,
    }


def our_steps(answer: Answer, run_id: str, calls: int, repeats: int) -> Rows:
    client = AsyncClient(
        base_url="http://127.0.0.1:9/v1", api_key="sk-profile", transport=MemoryTransport(answer)
    )
    caller = client._caller
    builder, settings, runs = caller.builder, caller.settings, client.beta.threads.runs
    request = builder.retrieve_run(run_id, thread_id=THREAD)
    response = Response(answer.status, Headers.from_raw(answer.raw_headers), answer.body)
    in_memory = transport_and_loads(caller.transport, request)
    return best_us(
        {
            "the whole call (runs.retrieve)": lambda: finish(
                runs.retrieve(run_id, thread_id=THREAD)
            ),
            "the transport and json.loads (the bare row's share)": lambda: finish(in_memory()),
            "building the request": lambda: builder.retrieve_run(run_id, thread_id=THREAD),
            "the send flow on the driver, transport included": lambda: finish(
                caller.driver.run(settings.send_flow(request))
            ),
            "parsing the Run": lambda: settings.parse(request, response),
            "json.loads of the same body": lambda: loads(answer.body),
        },
        calls,
        repeats,
    )


def _aiohttp_variant(session: Any, url: str, headers: list[tuple[str, str]], **asked: Any) -> Any:
    import yarl

    encoded, stream, skip, timeout = (
        asked.get("encoded", False),
        asked.get("stream", False),
        asked.get("skip"),
        asked.get("timeout"),
    )

    async def call() -> object:
        target = yarl.URL(url, encoded=True) if encoded else url
        options: dict[str, Any] = {"allow_redirects": False}
        if skip is not None:
            options["skip_auto_headers"] = skip
        if timeout is not None:
            options["timeout"] = timeout
        response = await session.request("GET", target, headers=headers, **options)
        if stream:
            body = b"".join([chunk async for chunk in response.content.iter_any()])
        else:
            body = await response.read()
        response.release()
        return loads(body)

    return call


async def aiohttp_steps(url: str, run_id: str, calls: int, repeats: int) -> Rows:
    import aiohttp

    from runs_adapters import aiohttp_transport

    client = AsyncClient(base_url=url, api_key="sk-profile", transport="aiohttp")
    request = client._caller.builder.retrieve_run(run_id, thread_id=THREAD)
    headers = list(request.headers)
    per_read = aiohttp.ClientTimeout(total=None, sock_connect=600.0, sock_read=600.0)
    async with client, aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=600.0)) as session:
        # the name is private: the profile must time what the transport really skips
        skip = aiohttp_transport._SKIP_AUTO_HEADERS

        def variant(**asked: Any) -> Any:
            return _aiohttp_variant(session, request.url, headers, **asked)

        return await best_us_async(
            {
                "bare request and json.loads (the floor row)": variant(),
                "+ only our headers (skip_auto_headers)": variant(skip=skip),
                "+ a timeout per read": variant(timeout=per_read),
                "+ the URL handed over encoded": variant(encoded=True),
                "+ the body read as it arrives": variant(stream=True),
                "all four (what our transport asks)": variant(
                    skip=skip, timeout=per_read, encoded=True, stream=True
                ),
                **ours_on_the_wire(client, run_id),
            },
            calls,
            repeats,
        )


async def trio_steps(url: str, run_id: str, calls: int, repeats: int) -> Rows:
    from urllib.parse import urlsplit

    import h11
    import trio

    client = AsyncClient(base_url=url, api_key="sk-profile", transport="trio")
    request = client._caller.builder.retrieve_run(run_id, thread_id=THREAD)
    parts = urlsplit(request.url)
    host, port = parts.hostname or "", parts.port or 80
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    wire = [("Host", f"{host}:{port}"), *request.headers]
    closers = []

    async def exchange(rearm: bool) -> Callable[[], Awaitable[object]]:
        stream = await trio.open_tcp_stream(host, port)
        closers.append(stream.aclose)
        conn = h11.Connection(h11.CLIENT)

        async def call() -> object:
            body = []
            with trio.fail_after(600.0) as scope:
                await stream.send_all(
                    conn.send(h11.Request(method="GET", target=target, headers=wire))
                )
                conn.send(h11.EndOfMessage())
                if rearm:  # each read bounded alone: the deadline moves before it
                    scope.deadline = trio.current_time() + 600.0
                while True:
                    event = conn.next_event()
                    if event is h11.NEED_DATA:
                        conn.receive_data(await stream.receive_some(65536))
                    elif type(event) is h11.Data:
                        body.append(event.data)
                    elif type(event) is h11.EndOfMessage:
                        break
            conn.start_next_cycle()
            return loads(b"".join(body))

        return call

    try:
        return await best_us_async(
            {
                "bare exchange and json.loads (the floor row)": await exchange(False),
                "+ the deadline moved before the read": await exchange(True),
                **ours_on_the_wire(client, run_id),
            },
            calls,
            repeats,
        )
    finally:
        for close in closers:
            await close()
        await client.close()


def _print(title: str, rows: Rows, *, added: bool = True) -> None:
    print(title)
    base = rows[0][1]
    for label, us in rows:
        print(f"  {label:<56}{us:>8.2f}" + (f"  {us - base:>+7.2f}" if added else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1000, help="calls per timing (default 1000)")
    ap.add_argument("--repeats", type=int, default=15, help="timings per row (default 15)")
    args = ap.parse_args(argv)
    import trio

    with emulator_process() as url:
        answer, run_id = asyncio.run(record_answer(url))
        _print(
            "our steps, in-memory transport (µs per call)",
            our_steps(answer, run_id, args.calls * 10, args.repeats),
            added=False,
        )
        _print(
            "aiohttp over loopback (µs per call; second column: added to the floor)",
            asyncio.run(aiohttp_steps(url, run_id, args.calls, args.repeats)),
        )
        _print(
            "trio + h11 over loopback (µs per call; second column: added to the floor)",
            trio.run(trio_steps, url, run_id, args.calls, args.repeats),
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
