"""The `emulator` command: serve the API until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys

from .server import DEFAULT_POLL_AFTER_MS, DEFAULT_STEP_MS, EmulatorServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runs emulator",
        description="Serve a local emulation of the Assistants Runs API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--api-key", default=None, help="accept only this key (default: any)")
    parser.add_argument("--step-ms", type=float, default=DEFAULT_STEP_MS)
    parser.add_argument("--poll-after-ms", type=int, default=DEFAULT_POLL_AFTER_MS)
    return parser


async def _serve(server: EmulatorServer) -> None:
    await server.start()
    print(f"runs emulator listening on {server.base_url}", flush=True)
    try:
        await server.serve_forever()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    server = EmulatorServer(
        args.host,
        args.port,
        args.api_key,
        step_ms=args.step_ms,
        poll_after_ms=args.poll_after_ms,
    )
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(server))
    except OSError as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 1
    return 0
