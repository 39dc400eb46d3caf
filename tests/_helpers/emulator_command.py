"""``python -m runs_emulator`` in a child process, for every test of the command: started,
its first line read, stopped the way a user stops it (Ctrl-C).

The tests of the command read what it prints and check that it exits cleanly. If it does
not exit in time, the failure carries every thread's stack, taken with ``faulthandler``
before the child is killed, so that a stop that hangs says where.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from types import TracebackType

STOP_TIMEOUT_S = 10.0


class EmulatorCommand:
    """The command with ``args`` (after ``--port 0``), started and its first line read.

    ``first_line`` is the "listening on" line; ``base_url`` the URL in it. Leaving the
    ``with`` block interrupts the command if ``interrupt`` was not called.
    """

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-X", "faulthandler", "-m", "runs_emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdout is not None
        self.first_line = self.proc.stdout.readline()
        self.output: tuple[str, str] | None = None

    @property
    def base_url(self) -> str:
        """The API's base URL the command printed (``http://127.0.0.1:PORT/v1``)."""
        assert "listening on " in self.first_line, self.first_line
        return self.first_line.split("listening on ", 1)[1].split()[0]

    def interrupt(self) -> tuple[str, str]:
        """Send SIGINT (Ctrl-C) and wait for the command to exit: all it printed, as
        (stdout, stderr), the first line included."""
        if self.output is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                out, err = self.proc.communicate(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGABRT)  # faulthandler: every thread's stack
                _, err = self.proc.communicate()
                raise AssertionError(
                    f"the emulator did not exit within {STOP_TIMEOUT_S} s of SIGINT; "
                    f"its stderr, ending with its threads' stacks:\n{err}"
                ) from None
            self.output = (self.first_line + out, err)
        return self.output

    def __enter__(self) -> EmulatorCommand:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.interrupt()
        elif self.proc.poll() is None:  # the test failed already: do not hide why
            self.proc.kill()
            self.proc.communicate()
