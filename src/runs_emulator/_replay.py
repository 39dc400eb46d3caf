"""Serving recorded streams: ``runs emulator --replay FILE`` and ``EmulatorServer(replay=...)``.

A capture (what ``runs record`` writes) is one streamed response: a first line
``: runs-capture {JSON}`` saying what was asked and what came back (method and path; status
and headers), then the body exactly as the server delivered it. The first line is an SSE
comment, so the file still reads as a stream; a file without that line is taken as a bare
SSE body (status 200, ``text/event-stream``), so a stream saved by any other tool replays too.

The emulator answers the next stream request of the same kind (``"stream": true`` on
create run, create thread and run, or submit tool outputs: ids never have to match) with
the capture's status, headers and body, byte for byte: no line ending is rewritten and
no missing blank line added, so a client meets the production stream's quirks as they
were. The format is parsed here rather than shared with the library: the emulator never
imports the code it tests, and a reader written twice is a check that the format is as
simple as its documentation says.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import h11

from ._responses import Request

__all__ = ["PREFIX", "Capture", "ReplayQueue", "load_capture", "stream_kind"]

PREFIX = b": runs-capture "
VERSION = 1
DEFAULT_HEADERS = (("content-type", "text/event-stream; charset=utf-8"),)
# How the body is framed is the serving connection's business, not the recording's: h11
# frames the replay (chunked) itself, so these are never sent from a file.
FRAMING = frozenset(
    {
        "connection",
        "content-length",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
# The stream requests a capture can answer, by the end of their path (a gateway or Azure
# prefix before ``/threads`` does not matter, nor do the ids).
_KINDS = (
    ("submit_tool_outputs", re.compile(r"/threads/[^/]+/runs/[^/]+/submit_tool_outputs/?$")),
    ("create_thread_and_run", re.compile(r"/threads/runs/?$")),
    ("create_run", re.compile(r"/threads/[^/]+/runs/?$")),
)
PathLike = str | os.PathLike[str]


def stream_kind(method: str, path: str) -> str | None:
    """Which stream request ``method path`` is (``create_run``, ``create_thread_and_run``,
    ``submit_tool_outputs``), or ``None`` if it is none of them. The query is ignored."""
    if method.upper() != "POST":
        return None
    path = path.split("?", 1)[0]
    for kind, pattern in _KINDS:
        if pattern.search(path):
            return kind
    return None


@dataclass(frozen=True)
class Capture:
    """One recorded response, ready to serve. ``kind`` is the stream request it answers
    (``None``: any of them, for a capture that does not say)."""

    source: str
    kind: str | None
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


def _bad(source: str, why: str) -> ValueError:
    return ValueError(f"replay file {source}: {why}")


def _header_of(source: str, line: bytes) -> dict[str, Any]:
    try:
        header = json.loads(line[len(PREFIX) :].rstrip(b"\r"))
    except (ValueError, RecursionError):
        raise _bad(source, "the runs-capture line is not JSON") from None
    if not isinstance(header, dict):
        raise _bad(source, "the runs-capture line is not a JSON object")
    version = header.get("version", VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _bad(source, f"unknown capture version {version!r}")
    if version > VERSION:
        raise _bad(source, f"capture version {version} is newer than this emulator reads")
    return header


def _kind_of(source: str, request: object) -> str | None:
    if request is None:
        return None
    if not isinstance(request, dict):
        raise _bad(source, '"request" is not an object')
    method, path = request.get("method", "POST"), request.get("path")
    if not isinstance(method, str) or not isinstance(path, str):
        raise _bad(source, '"request" needs a "path" (and "method") as strings')
    kind = stream_kind(method, path)
    if kind is None:
        raise _bad(
            source,
            f"{method} {path} is not a stream request the emulator can replay (create run, "
            "create thread and run, submit tool outputs)",
        )
    return kind


def _response_of(source: str, response: object) -> tuple[int, tuple[tuple[str, str], ...]]:
    if response is None:
        return 200, DEFAULT_HEADERS
    if not isinstance(response, dict):
        raise _bad(source, '"response" is not an object')
    status = response.get("status", 200)
    raw = response.get("headers", [])
    if not isinstance(status, int) or isinstance(status, bool) or not 200 <= status <= 599:
        raise _bad(source, f"status {status!r} is not one a stream can be served with (200-599)")
    if status in (204, 304):
        raise _bad(source, f"status {status} has no body to replay")
    pairs: list[tuple[str, str]] = []
    if not isinstance(raw, list):
        raise _bad(source, '"headers" is not a list of [name, value] pairs')
    for item in raw:
        if not (
            isinstance(item, list | tuple)
            and len(item) == 2
            and all(isinstance(part, str) for part in item)
        ):
            raise _bad(source, f"header {item!r} is not a [name, value] pair of strings")
        name, value = item[0].lower(), item[1]
        if name not in FRAMING:
            pairs.append((name, value))
    if not any(name == "content-type" for name, _ in pairs):
        pairs.extend(DEFAULT_HEADERS)
    try:  # h11 checks names and values now, rather than failing mid-test on a bad edit
        h11.Response(status_code=status, headers=pairs)
    except (h11.LocalProtocolError, UnicodeEncodeError) as exc:
        raise _bad(source, f"a header cannot be sent: {exc}") from None
    return status, tuple(pairs)


def load_capture(path: PathLike) -> Capture:
    """Read a capture, checking everything that could stop it being served: an unreadable
    file, a header that is not what ``runs record`` writes, a status or header HTTP cannot
    carry. Raises ``ValueError`` saying which file and what is wrong."""
    source = os.fspath(path)
    try:
        with open(source, "rb") as file:
            data = file.read()
    except OSError as exc:
        raise _bad(source, exc.strerror or str(exc)) from None
    if not data.startswith(PREFIX):
        return Capture(source, None, 200, DEFAULT_HEADERS, data)
    end = data.find(b"\n")
    line, body = (data, b"") if end < 0 else (data[:end], data[end + 1 :])
    header = _header_of(source, line)
    kind = _kind_of(source, header.get("request"))
    status, headers = _response_of(source, header.get("response"))
    return Capture(source, kind, status, headers, body)


@dataclass
class _Entry:
    capture: Capture
    left: int  # servings still due (unused when serving forever)


class ReplayQueue:
    """The captures still to serve, in order.

    Each capture answers ``times`` matching requests (``0``: forever, the captures taking
    turns), then the next one in the queue answers; a request that no capture fits, or
    any request once the queue is empty, gets the emulator's usual answer. A request is
    served the first capture in the queue whose kind fits it, so a create-run capture
    followed by a submit-tool-outputs one replays a whole tool loop.
    """

    def __init__(self, captures: Sequence[Capture], times: int = 1) -> None:
        if isinstance(times, bool) or not isinstance(times, int) or times < 0:
            raise ValueError("replay_times must be an integer >= 0 (0: forever)")
        self.times = times
        self._queue = [_Entry(capture, times) for capture in captures]
        self.served = 0

    @classmethod
    def load(cls, paths: PathLike | Sequence[PathLike], times: int = 1) -> ReplayQueue:
        """A queue of the captures in ``paths`` (one path or several), read now, so a bad
        file is reported when the server is built, not when a test first streams."""
        many = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
        return cls([load_capture(path) for path in many], times)

    @property
    def remaining(self) -> int | None:
        """How many more requests will be answered from captures (``None``: no end)."""
        if self.times == 0 and self._queue:
            return None
        return sum(entry.left for entry in self._queue)

    def take(self, req: Request) -> Capture | None:
        """The capture that answers ``req``, if it is a stream request one fits (and the
        capture is used up by it); ``None`` to answer as usual."""
        if not self._queue:
            return None
        kind = stream_kind(req.method, req.path)
        if kind is None or not _asks_to_stream(req.body):
            return None
        for index, entry in enumerate(self._queue):
            if entry.capture.kind is not None and entry.capture.kind != kind:
                continue
            self.served += 1
            if self.times == 0:  # forever: to the back, so the captures take turns
                self._queue.append(self._queue.pop(index))
            else:
                entry.left -= 1
                if entry.left == 0:
                    del self._queue[index]
            return entry.capture
        return None


def _asks_to_stream(body: bytes) -> bool:
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return False
    return isinstance(parsed, dict) and parsed.get("stream") is True
