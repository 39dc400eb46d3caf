"""How much the emulator keeps in memory, and which run or thread each stored object is
freed with.

A long-lived emulator (one per CI machine, serving every job) must not grow with the
number of runs it has served. So finished runs are kept up to a cap (and, optionally,
for an age), oldest finished first out; everything that exists because of a run (its
steps, its messages, the idempotency replays of requests about it, the streams those
replay) is freed with it. Runs still in progress are never dropped and are not counted:
memory holds at most the cap's worth of finished runs plus whatever is running, and a
run that has just finished stays readable until ``max_runs`` newer runs have finished
(counting live runs too would drop each run the moment it finished whenever more than
``max_runs`` were running, so its pollers would never see it complete). Threads with no
run left in memory are capped the same way, so a client that makes a thread per run is
bounded too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from ._channel import Segment, run_id_of

# 10,000 finished runs hold 30 MiB (polled text runs, ~3.2 KiB each) to 135 MiB (streamed
# with an Idempotency-Key, ~13.5 KiB: the events are kept for replays): small next to a
# CI machine, and far more runs than any client still reads after they finish.
DEFAULT_MAX_RUNS = 10_000


@dataclass(frozen=True)
class Retention:
    """``max_runs``: finished runs held in memory at most (None: no cap), the oldest
    finished dropped first, runs in progress always kept on top; also threads with no run
    in memory, and replays about nothing stored. ``retain_s``: a finished run (or a
    thread with no run) is dropped this long after it finished (None: no age limit)."""

    max_runs: int | None = DEFAULT_MAX_RUNS
    retain_s: float | None = None

    def __post_init__(self) -> None:
        cap = self.max_runs
        if cap is not None and (isinstance(cap, bool) or not isinstance(cap, int) or cap < 1):
            raise ValueError("max_runs must be an integer >= 1, or None for no cap")
        age = self.retain_s
        if age is not None and (isinstance(age, bool) or not isinstance(age, int | float)):
            raise ValueError("retain_s must be a number of seconds > 0, or None")
        if age is not None and not age > 0:  # ``not >`` also refuses NaN
            raise ValueError("retain_s must be a number of seconds > 0, or None")

    @property
    def max_age_s(self) -> float | None:
        """``retain_s``, with infinity meaning no age limit at all."""
        if self.retain_s is None or math.isinf(self.retain_s):
            return None
        return float(self.retain_s)


_RUN_PATH = re.compile(r"^/v1/threads/([^/]+)/runs/([^/]+)(?:/.*)?$")
_RUNS_PATH = re.compile(r"^/v1/threads/([^/]+)/runs$")
_THREAD_PATH = re.compile(r"^/v1/threads/([^/]+)(?:/.*)?$")


def replay_owner(path: str, body: Any, segment: Segment | None) -> tuple[str | None, str | None]:
    """The run and thread an idempotency replay is about, so it is freed with them.

    A request under a run's path is that run's; a create is the run it created (from
    its answer, or from its stream's first event); anything else under a thread's path
    is the thread's, and a thread create is the thread it created. (None, None): about
    nothing stored, such as a refused thread create; those are capped on their own.
    """
    match = _RUN_PATH.match(path)
    if match:
        return unquote(match[2]), unquote(match[1])
    match = _RUNS_PATH.match(path)
    if match:
        run_id: str | None = None
        if isinstance(body, dict) and body.get("object") == "thread.run":
            run_id = str(body.get("id"))
        elif segment is not None:
            run_id = run_id_of(segment)
        return run_id, unquote(match[1])
    if path == "/v1/threads/runs":  # create-and-run: the run it made (on a new thread)
        if isinstance(body, dict) and body.get("object") == "thread.run":
            return str(body.get("id")), str(body.get("thread_id"))
        return (run_id_of(segment) if segment is not None else None), None
    match = _THREAD_PATH.match(path)
    if match:
        return None, unquote(match[1])
    if path == "/v1/threads" and isinstance(body, dict) and body.get("object") == "thread":
        return None, str(body.get("id"))
    return None, None
