"""Shared helpers of the benchmark suite: the emulator as a separate process, timing.

The emulator runs in its own process so that ``time.process_time()`` in the benchmark
process is the client's CPU only: the server's work (building and sending the stream)
is never billed to the library being measured.

Importing this module is the suite's one path setup: ``src/`` (the library, for a checkout
without an install), this directory (the other benchmark modules) and the repository root
(``tests._helpers.streams``, the stream generator shared with the tests).
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
SRC = ROOT / "src"
for _path in (str(ROOT), str(SRC), str(BENCH_DIR)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

__all__ = [
    "BENCH_DIR",
    "ROOT",
    "SRC",
    "emulator_process",
    "median",
    "progress",
    "subprocess_env",
]


def progress(message: str) -> None:
    """A progress line on stderr (stdout is kept for the results)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def subprocess_env() -> dict[str, str]:
    """The environment for child interpreters: ``src`` importable, no user site noise."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SRC), str(BENCH_DIR), env.get("PYTHONPATH", "")) if p
    )
    env.pop("RUNS_TRANSPORT", None)
    env["PYTHONWARNINGS"] = "ignore::DeprecationWarning"
    return env


@contextlib.contextmanager
def emulator_process(timeout: float = 20.0) -> Iterator[str]:
    """Start ``python -m runs_emulator --port 0`` and yield its base URL (``.../v1``).

    The emulator prints ``runs emulator listening on <url>`` once bound; the process is
    terminated (then killed if it lingers) on exit. Meanwhile a SIGTERM to this process
    (``kill``, ``timeout``) exits through this ``finally`` as Ctrl-C does, so the
    emulator is not left serving, unowned.
    """
    with _exit_on_sigterm():
        yield from _emulator(timeout)


@contextlib.contextmanager
def _exit_on_sigterm() -> Iterator[None]:
    """While inside: SIGTERM raises ``SystemExit(143)``, unless this is not the main
    thread or SIGTERM already has a handler (an outer ``emulator_process``, the caller's)."""
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return
    signal.signal(signal.SIGTERM, _exit)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _exit(signum: int, frame: object) -> None:
    sys.exit(128 + signum)


def _emulator(timeout: float) -> Iterator[str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "runs_emulator", "--port", "0", "--step-ms", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=subprocess_env(),
    )
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if "listening on" in line or not line:
                break
        if "listening on" not in line:
            raise RuntimeError(f"the emulator did not start (first line: {line!r})")
        yield line.split()[-1]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
