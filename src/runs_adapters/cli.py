"""The ``runs`` command: ``demo``, ``stream``, ``record``, ``emulator`` and ``bench``.

``runs demo`` is what a new user runs first: it starts the embedded emulator, creates an
assistant with a weather function, a thread and a message, streams a run that calls the
function, runs it locally, streams the reply, prints a summary, and deletes what it
created. No API key, no network. ``runs stream`` does the same against any server.

``runs record`` streams one run from a server (or the embedded emulator) and writes what
arrived to a capture file (see :mod:`runs_adapters._record`), which
``runs emulator --replay`` serves back: the user's own streams, in their own tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import os
import sys
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from runs_core import AssistantStreamEvent, RunsError, StreamError, __version__, text_pieces
from runs_core.models import Run

from ._record import AsyncRecordingTransport, CaptureFile, RecordingTransport, _CaptureError
from ._select import ASYNC_TRANSPORTS, SYNC_TRANSPORTS

__all__ = ["main"]

TRANSPORT_CHOICES = ["httpx", "requests", "httpx-async", "aiohttp", "trio"]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string", "default": "Paris"}},
            "required": ["city"],
        },
    },
}


def get_weather(city: str = "Paris") -> dict[str, Any]:
    """The demo's local tool: deterministic, so the demo's output is too."""
    return {"city": city, "forecast": "sunny", "temperature_c": 21}


class _Printer:
    """Writes text deltas as they arrive and counts what streamed past."""

    def __init__(self, out: Any) -> None:
        self.out = out
        self.events = 0
        self.deltas = 0
        self.in_text = False

    def on_event(self, event: AssistantStreamEvent) -> None:
        self.events += 1
        name = event.event
        pieces = text_pieces(event)
        if pieces:
            if not self.in_text:
                self.out.write("assistant> ")
                self.in_text = True
            self.deltas += len(pieces)
            self.out.write("".join(pieces))
            self.out.flush()
        elif name == "thread.message.completed" and self.in_text:
            self.out.write("\n")
            self.in_text = False
        elif name == "thread.run.requires_action":
            self.out.write("  (run requires action: calling local tools)\n")
        elif name in ("thread.run.failed", "thread.run.expired", "thread.run.cancelled"):
            self.out.write(f"  ({name})\n")


def _traced_tool(out: Any) -> Any:
    def tool(**arguments: Any) -> dict[str, Any]:
        result = get_weather(**arguments)
        out.write(f"  tool  > get_weather({arguments}) -> {result}\n")
        return result

    return tool


def _split_transport(choice: str) -> tuple[str, bool]:
    if choice == "httpx-async":
        return "httpx", True
    return choice, choice in ASYNC_TRANSPORTS and choice not in SYNC_TRANSPORTS


async def _settled(value: Any) -> Any:
    """A blocking client's result as it is, an async client's awaited: one conversation
    serves both kinds of client (a command line can block its own loop)."""
    return await value if inspect.isawaitable(value) else value


async def _conversation(client: Any, args: argparse.Namespace, out: Any) -> Run:
    """Create an assistant, a thread and a message (or use the ids given), run the
    assistant with the local tool, then delete what was created."""
    printer = _Printer(out)
    functions = {"get_weather": _traced_tool(out)}
    beta = client.beta
    assistant_id, thread_id = args.assistant_id, args.thread_id
    if assistant_id is None:
        assistant = await _settled(beta.assistants.create(
            model=args.model, name="runs demo", instructions="Call get_weather, then report it.",
            tools=[WEATHER_TOOL],
        ))  # fmt: skip
        assistant_id = assistant.id
        out.write(f"created assistant {assistant_id} ({assistant.model})\n")
    if thread_id is None:
        thread = await _settled(beta.threads.create(metadata={"created_by": "runs demo"}))
        thread_id = thread.id
        out.write(f"created thread {thread_id}\n")
    question = "What is the weather in Paris?"
    await _settled(beta.threads.messages.create(thread_id, role="user", content=question))
    out.write(f"user     > {question}\n")
    try:
        run: Run = await _settled(client.runs.run_tools(
            thread_id=thread_id, assistant_id=assistant_id, functions=functions,
            on_event=printer.on_event,
        ))  # fmt: skip
    finally:
        if args.thread_id is None:
            await _settled(beta.threads.delete(thread_id))
        if args.assistant_id is None:
            await _settled(beta.assistants.delete(assistant_id))
    out.write(f"\n{printer.events} events, {printer.deltas} text deltas; deleted what it created\n")
    return run


def _run_conversation(args: argparse.Namespace, base_url: str, api_key: str, out: Any) -> int:
    name, is_async = _split_transport(args.transport)
    started = time.perf_counter()
    out.write(f"runs: {args.transport} transport, {base_url}\n")
    if not is_async:
        from ._sync.client import Client

        with Client(api_key=api_key, base_url=base_url, transport=name) as client:
            run = asyncio.run(_conversation(client, args, out))
    else:
        from ._async.client import AsyncClient

        async def go() -> Run:
            async with AsyncClient(api_key=api_key, base_url=base_url, transport=name) as client:
                return await _conversation(client, args, out)

        if name == "trio":
            import trio

            run = trio.run(go)
        else:
            run = asyncio.run(go())
    elapsed = time.perf_counter() - started
    usage = run.usage
    tokens = "n/a" if usage is None else f"{usage.total_tokens} ({usage.prompt_tokens} prompt)"
    out.write(f"run {run.id}: {run.status} | tokens {tokens} | {elapsed:.2f}s\n")
    return 0 if run.status == "completed" else 1


def _demo(args: argparse.Namespace) -> int:
    from runs_emulator import start_in_thread

    with start_in_thread() as emulator:
        return _run_conversation(args, emulator.base_url, "sk-demo", sys.stdout)


def _stream(args: argparse.Namespace) -> int:
    api_key = args.api_key or os.environ.get("OPENAI_API_KEY")
    if not api_key:
        print("runs stream: no API key (use --api-key or OPENAI_API_KEY)", file=sys.stderr)
        return 2
    # An empty --base-url (an unset shell variable) is refused by the client, never
    # replaced by the default: the key would go to a server the user did not name.
    base_url = args.base_url
    if base_url is None:
        base_url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
    return _run_conversation(args, base_url, api_key, sys.stdout)


RECORD_MESSAGE = "Hello!"  # the user message of a thread `runs record` creates


def _json_object(text: str) -> dict[str, Any]:
    """``--body``: a JSON object of request fields (``stream`` is the recorder's own)."""
    try:
        value = json.loads(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError('must be a JSON object, e.g. \'{"model": "gpt-4o"}\'')
    if "stream" in value:
        raise argparse.ArgumentTypeError("'stream' is set by runs record (always true)")
    return value


async def _each(stream: Any) -> AsyncIterator[AssistantStreamEvent]:
    """The events of a blocking client's stream or of an async client's, alike."""
    if hasattr(stream, "__aiter__"):
        async for event in stream:
            yield event
    else:
        for event in stream:
            yield event


class _Recorded:
    """What ``runs record`` saw of the stream, for its summary."""

    def __init__(self) -> None:
        self.events = 0
        self.run: Run | None = None
        self.problem: StreamError | None = None
        self.cancelled = False


async def _record_conversation(client: Any, args: argparse.Namespace) -> _Recorded:
    """Stream one run (on ``--thread-id``, or on a new thread holding ``--message``) and
    read it to its end; a run left waiting for tool outputs is cancelled, so the thread
    can take another run."""
    seen = _Recorded()
    extra = args.body or None
    if args.thread_id is not None:
        more: dict[str, Any] = {}
        if args.message is not None:
            more["additional_messages"] = [{"role": "user", "content": args.message}]
        opened = client.runs.create(
            args.thread_id, assistant_id=args.assistant_id, stream=True, extra_body=extra, **more
        )
    else:
        thread = {"messages": [{"role": "user", "content": args.message or RECORD_MESSAGE}]}
        opened = client.beta.threads.create_and_run(
            assistant_id=args.assistant_id, thread=thread, stream=True, extra_body=extra
        )
    stream = await _settled(opened)
    try:
        async for event in _each(stream):
            seen.events += 1
            if isinstance(event.data, Run):
                seen.run = event.data
    except StreamError as error:
        # The body may still have been read to its end (a stream without ``done``, an
        # event that does not parse): that is a faithful capture of an odd stream, and
        # the caller decides by ``complete`` whether to keep it.
        seen.problem = error
    run = seen.run
    if run is not None and run.status == "requires_action":
        with contextlib.suppress(RunsError):
            await _settled(client.runs.cancel(run.id, thread_id=run.thread_id))
            seen.cancelled = True
    return seen


def _record_with(
    args: argparse.Namespace, base_url: str, api_key: str, capture: CaptureFile
) -> _Recorded:
    name, is_async = _split_transport(args.transport)
    if not is_async:
        from ._sync.client import Client

        transport = RecordingTransport(capture, name)
        with Client(api_key=api_key, base_url=base_url, transport=transport) as client:
            print(f"runs record: {args.transport} transport, {client.base_url}")
            return asyncio.run(_record_conversation(client, args))
    from ._async.client import AsyncClient

    async def go() -> _Recorded:
        transport = AsyncRecordingTransport(capture, name)
        async with AsyncClient(api_key=api_key, base_url=base_url, transport=transport) as client:
            print(f"runs record: {args.transport} transport, {client.base_url}")
            return await _record_conversation(client, args)

    if name == "trio":
        import trio

        result: _Recorded = trio.run(go)
        return result
    return asyncio.run(go())


def _record(args: argparse.Namespace) -> int:
    with contextlib.ExitStack() as stack:
        if args.emulator:
            from runs_emulator import start_in_thread

            base_url, api_key = stack.enter_context(start_in_thread()).base_url, "sk-emulator"
            assistant_id = args.assistant_id or "asst_text"
        else:
            api_key = args.api_key or os.environ.get("OPENAI_API_KEY") or ""
            if not api_key:
                print("runs record: no API key (use --api-key or OPENAI_API_KEY)", file=sys.stderr)
                return 2
            if args.assistant_id is None:
                print(
                    "runs record: --assistant-id is required (or --emulator to try it offline)",
                    file=sys.stderr,
                )
                return 2
            assistant_id = args.assistant_id
            # As for `runs stream`: an empty value is refused by the client, not replaced.
            base_url = args.base_url
            if base_url is None:
                base_url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
        args.assistant_id = assistant_id
        try:
            capture = CaptureFile(
                args.out, sensitive_headers=args.sensitive_header, secrets=[api_key]
            )
        except OSError as error:
            print(
                f"runs record: cannot write {args.out}: {error.strerror or error}", file=sys.stderr
            )
            return 1
        stack.callback(capture.discard)  # a no-op once committed
        seen = _record_with(args, base_url, api_key, capture)
        if not capture.complete:
            raise seen.problem or _CaptureError("the stream was not read to its end")
        size = capture.commit()
    header = capture.header or {}
    response = header.get("response", {})
    run = seen.run
    state = "no run event" if run is None else f"run {run.id} {run.status}"
    if seen.cancelled:
        state += ", then cancelled"
    print(f"recorded {size:,} bytes ({seen.events} events, {state}) to {args.out}")
    omitted = ", ".join(header.get("omitted_headers", [])) or "none"
    kept = len(response.get("headers", []))
    print(f"status {response.get('status')}; {kept} response headers kept; left out: {omitted}")
    if seen.problem is not None:
        print(
            f"runs record: note: the stream is not a clean one "
            f"({type(seen.problem).__name__}: {seen.problem}); recorded as it came",
            file=sys.stderr,
        )
    return 0


def _emulator(argv: list[str]) -> int:
    from runs_emulator.cli import main as emulator_main

    return emulator_main(argv)


def _bench(argv: list[str]) -> int:
    bench_dir = Path(__file__).resolve().parents[2] / "benchmarks"
    if not (bench_dir / "run.py").exists():
        print("runs bench needs a source checkout (benchmarks/run.py not found)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(bench_dir))
    import run as bench_run  # type: ignore[import-not-found]

    code: int = bench_run.main(argv)
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runs",
        description="runs: the Assistants Runs API client, its emulator and benchmarks.",
    )
    parser.add_argument(
        "--version", action="version", version=f"runs {__version__} (assistants-runs)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command, helptext in (
        ("demo", "stream a tool-calling run against the embedded emulator (no key needed)"),
        ("stream", "the same conversation against any compatible server"),
    ):
        p = sub.add_parser(command, help=helptext, description=helptext)
        p.add_argument("--transport", choices=TRANSPORT_CHOICES, default="httpx")
        p.add_argument("--assistant-id", help="an existing assistant (default: create one)")
        p.add_argument("--thread-id", help="an existing thread (default: create one)")
        p.add_argument("--model", default="gpt-4o", help="of the created assistant")
        if command == "stream":
            p.add_argument("--base-url", help="default: OPENAI_BASE_URL or api.openai.com")
            p.add_argument("--api-key", help="default: OPENAI_API_KEY")
    _record_parser(sub)
    sub.add_parser("emulator", help="serve the Assistants API emulator", add_help=False)
    sub.add_parser("bench", help="run the benchmark suite (see benchmarks/)", add_help=False)
    return parser


def _record_parser(sub: Any) -> None:
    helptext = "stream one run and write the bytes that arrived to a file (for --replay)"
    p = sub.add_parser(
        "record",
        help=helptext,
        description=helptext + ". The file holds a one-line JSON header (method, path, "
        "status, headers; never the key or secret headers), then the body byte for byte.",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="the capture file to write")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--base-url", help="default: OPENAI_BASE_URL or api.openai.com")
    where.add_argument(
        "--emulator",
        action="store_true",
        help="record from the embedded emulator (no server, no key; assistant asst_text)",
    )
    p.add_argument("--api-key", help="default: OPENAI_API_KEY (never written to the file)")
    p.add_argument("--assistant-id", help="the assistant to run (required with a server)")
    p.add_argument(
        "--thread-id",
        help="run on this existing thread (default: a new thread holding --message)",
    )
    p.add_argument(
        "--message",
        help=f"a user message for the run (default on a new thread: {RECORD_MESSAGE!r})",
    )
    p.add_argument(
        "--body",
        type=_json_object,
        metavar="JSON",
        help='more request fields, e.g. \'{"model": "gpt-4o-mini", "temperature": 0}\'',
    )
    p.add_argument("--transport", choices=TRANSPORT_CHOICES, default="httpx")
    p.add_argument(
        "--sensitive-header",
        action="append",
        default=[],
        metavar="NAME",
        help="also leave this response header out of the file (repeatable)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] == "emulator":
        return _emulator(arguments[1:])
    if arguments and arguments[0] == "bench":
        return _bench(arguments[1:])
    args = _parser().parse_args(arguments)
    if args.command == "record":
        return _record_main(args)
    try:
        return _demo(args) if args.command == "demo" else _stream(args)
    except RunsError as error:
        print(f"\nruns {args.command}: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _record_main(args: argparse.Namespace) -> int:
    """``runs record`` with every failure as one line on stderr: the file is left as it
    was (a capture is renamed into place only once whole)."""
    try:
        return _record(args)
    except RunsError as error:
        reason = f"{type(error).__name__}: {error}"
    except _CaptureError as error:  # the capture's own refusals (see CaptureFile.commit)
        reason = str(error)
    except OSError as error:
        reason = f"cannot write {args.out}: {error.strerror or error}"
    except KeyboardInterrupt:
        return 130
    one_line = " ".join(reason.split())
    print(f"runs record: {one_line}; nothing written", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
