"""The `emulator` command: serve the API until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
from collections.abc import Callable

from ._durable import StorageError
from ._http import Limits
from ._model import RUN_LIFETIME_S
from ._retention import DEFAULT_MAX_RUNS
from .server import (
    DEFAULT_POLL_AFTER_MS,
    DEFAULT_STEP_MS,
    FILE_SPARE,
    MAX_CONNECTIONS,
    EmulatorServer,
    is_loopback,
    open_to_all_warning,
    raise_file_limit,
)

KEY_ENV = "RUNS_EMULATOR_API_KEY"


def _port(text: str) -> int:
    port = int(text)
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535; 0 picks a free one)")
    return port


def _at_least(minimum: float, kind: type[int] | type[float] = float) -> Callable[[str], float]:
    def convert(text: str) -> float:
        value = kind(text)
        if not value >= minimum:  # ``not >=`` also refuses NaN
            raise argparse.ArgumentTypeError(f"{text} is below {minimum:g}")
        return value

    convert.__name__ = kind.__name__  # argparse names the type in its messages
    return convert


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runs emulator",
        description="Serve a local emulation of the Assistants Runs API.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=8080, help="0 picks a free port")
    parser.add_argument(
        "--api-key",
        default=None,
        help=f"accept only this key (default: ${KEY_ENV} if set, else any non-empty key)",
    )
    parser.add_argument("--step-ms", type=_at_least(0), default=DEFAULT_STEP_MS)
    parser.add_argument("--poll-after-ms", type=_at_least(0, int), default=DEFAULT_POLL_AFTER_MS)
    parser.add_argument(
        "--db",
        default=None,
        metavar="PATH",
        help="keep state in this SQLite file (default: memory)",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_at_least(1, int),
        default=Limits.max_body_bytes,
        help="larger request bodies get 413 (default: %(default)s)",
    )
    parser.add_argument(
        "--header-timeout",
        type=_at_least(0.001),
        default=Limits.header_timeout,
        help="seconds to send a request head, from its first byte (default: %(default)s)",
    )
    parser.add_argument(
        "--body-timeout",
        type=_at_least(0.001),
        default=Limits.body_timeout,
        help="seconds to send a request body, after its head (default: %(default)s)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_at_least(0.001),
        default=Limits.idle_timeout,
        help="seconds a connection may wait before its next request (default: %(default)s)",
    )
    parser.add_argument(
        "--max-connections",
        type=_at_least(1, int),
        default=None,
        help="open connections at most (default: 4096, or fewer if the hard limit on open "
        "files is lower; the soft limit is raised to fit)",
    )
    parser.add_argument(
        "--run-lifetime-s",
        type=_at_least(0.001),
        default=RUN_LIFETIME_S,
        help="a run expires this long after its creation (default: %(default)s)",
    )
    parser.add_argument(
        "--max-runs",
        type=_at_least(0, int),
        default=DEFAULT_MAX_RUNS,
        metavar="N",
        help="finished runs kept in memory at most, oldest finished out first; runs in "
        "progress are always kept (0: no cap; default: %(default)s)",
    )
    parser.add_argument(
        "--retain-s",
        type=_at_least(0.001),
        default=None,
        metavar="SECONDS",
        help="also drop finished runs this long after they finished (default: only the cap)",
    )
    parser.add_argument(
        "--azure",
        action="store_true",
        help="serve as Azure OpenAI does: under /openai, api-version required, the key as "
        "'api-key: <key>' or 'Authorization: Bearer <token>'",
    )
    parser.add_argument(
        "--auth-header",
        default=None,
        metavar="NAME",
        help="expect the key in this header (e.g. X-Api-Key), as a gateway would, instead "
        "of 'Authorization: Bearer <key>'",
    )
    parser.add_argument(
        "--auth-scheme",
        default=None,
        metavar="WORD",
        help="with --auth-header: the word before the key in that header (default: none)",
    )
    parser.add_argument(
        "--replay",
        action="append",
        default=None,
        metavar="FILE",
        help="answer the next stream request of the same kind with this recorded stream "
        "(from `runs record`), byte for byte; repeat for several, served in order",
    )
    parser.add_argument(
        "--replay-times",
        type=_at_least(0, int),
        default=1,
        metavar="N",
        help="serve each --replay file N times before the next (0: forever, taking turns; "
        "default: %(default)s)",
    )
    return parser


async def _serve(server: EmulatorServer) -> None:
    await server.start()
    where = f"runs emulator listening on {server.base_url}"
    if server.azure:
        where += f" (Azure OpenAI mode: azure_endpoint={server.endpoint})"
    if server.replay is not None:
        left = server.replay.remaining
        where += f" (replaying {'forever' if left is None else f'{left} recorded stream(s)'})"
    print(where, flush=True)
    try:
        await server.serve_forever()
    finally:
        await server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    api_key = args.api_key if args.api_key is not None else os.environ.get(KEY_ENV) or None
    # Room for the connection cap (the default's 4,096, or the one asked for) plus spare
    # files, so a low default soft limit does not cap the emulator below it.
    raise_file_limit((args.max_connections or MAX_CONNECTIONS) + FILE_SPARE)
    try:
        server = EmulatorServer(
            args.host,
            args.port,
            api_key,
            step_ms=args.step_ms,
            poll_after_ms=args.poll_after_ms,
            max_body_bytes=args.max_body_bytes,
            header_timeout=args.header_timeout,
            body_timeout=args.body_timeout,
            idle_timeout=args.idle_timeout,
            max_connections=args.max_connections,
            db_path=args.db,
            run_lifetime_s=args.run_lifetime_s,
            max_runs=args.max_runs or None,  # 0: no cap
            retain_s=args.retain_s,
            azure=args.azure,
            auth_header=args.auth_header,
            auth_scheme=args.auth_scheme,
            replay=args.replay,
            replay_times=args.replay_times,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if api_key is None and not is_loopback(args.host):
        banner = "!" * 78
        print(f"{banner}\n{open_to_all_warning(args.host)}\n{banner}", file=sys.stderr, flush=True)
        server.warn_if_open = False  # said already, louder
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(server))
    except (OSError, OverflowError, StorageError) as exc:
        print(f"emulator: {exc}", file=sys.stderr)
        return 1
    return 0
