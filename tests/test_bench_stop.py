"""A benchmark stopped with SIGTERM (``kill``, ``timeout``) takes its emulator with it.

The bench, like every benchmark script, runs the emulator in a child process through
``emulator_process``; a bench killed without running its ``finally`` blocks left that
process serving on a port, unowned. The test starts the bench, reads the emulator's pid
while it runs, stops the bench with SIGTERM and checks that both are gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()]


def _gone(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return True
    return "\nState:\tZ" in status  # exited, waiting to be reaped by init


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="needs /proc/PID/task/PID/children (Linux)",
)
def test_sigterm_stops_the_bench_and_its_emulator() -> None:
    bench = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--only", "e2e"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    emulators: list[int] = []
    try:
        assert bench.stderr is not None
        for line in bench.stderr:
            if "(separate process)" in line:  # the emulator is serving
                break
        emulators = _children(bench.pid)
        assert emulators, "the bench runs its emulator in a child process"
        bench.send_signal(signal.SIGTERM)
        assert bench.wait(timeout=30) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 10
        while not all(map(_gone, emulators)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(map(_gone, emulators)), f"left running: {emulators}"
    finally:
        if bench.poll() is None:
            bench.kill()
            bench.wait()
        for pid in emulators:  # a failed run leaves nothing behind either
            if not _gone(pid):
                os.kill(pid, signal.SIGKILL)
