"""The `X-Emulator-Fault` request header: per-request failures for reliability tests.

Grammar: directives separated by `;`, each `name=value` or a bare flag, e.g.
`status=503; retry-after-ms=20; times=2; key=create-1`. A malformed header is answered
with 400 so a typo in a test cannot silently disable the fault it meant to inject.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from ._errors import ApiError

HEADER = "x-emulator-fault"
MAX_SECONDS = 3600.0  # the longest stall or drip delay a fault may ask for

_INTS = {
    "status": "status",
    "times": "times",
    "drop-after-bytes": "drop_after_bytes",
    "drop-after-events": "drop_after_events",
    "stall-after-events": "stall_after_events",
    "malformed-after-events": "malformed_after_events",
    "error-after-events": "error_after_events",
    "drip": "drip",
}
_FLOATS = {"stall": "stall", "drip-delay-ms": "drip_delay_ms"}
_STRINGS = {
    "retry-after": "retry_after",
    "retry-after-ms": "retry_after_ms",
    "should-retry": "should_retry",
    "key": "key",
}
_FLAGS = {
    "malformed-sse": "malformed_sse",
    "error-event": "error_event",
    "malformed-json": "malformed_json",
    "no-done": "no_done",
    "drop-response": "drop_response",
}


@dataclass
class Fault:
    status: int | None = None
    retry_after: str | None = None
    retry_after_ms: str | None = None
    should_retry: str | None = None
    times: int | None = None
    key: str | None = None
    drop_after_bytes: int | None = None
    drop_after_events: int | None = None
    stall: float | None = None
    stall_after_events: int = 0
    malformed_sse: bool = False
    malformed_after_events: int = 1
    error_event: bool = False
    error_after_events: int = 1
    malformed_json: bool = False
    no_done: bool = False
    drip: int | None = None
    drip_delay_ms: float = 0.0
    drop_response: bool = False
    raw: str = field(default="", repr=False)

    def error_headers(self) -> list[tuple[str, str]]:
        pairs = [
            ("retry-after", self.retry_after),
            ("retry-after-ms", self.retry_after_ms),
            ("x-should-retry", self.should_retry),
        ]
        return [(name, value) for name, value in pairs if value is not None]


def _bad(message: str) -> ApiError:
    return ApiError(400, f"Invalid X-Emulator-Fault header: {message}", param="X-Emulator-Fault")


def parse_fault(header: str) -> Fault:
    fault = Fault(raw=header.strip())
    for part in header.split(";"):
        directive = part.strip()
        if not directive:
            continue
        name, has_value, value = (s.strip() for s in directive.partition("="))
        name = name.lower()
        if name in _FLAGS and not has_value:
            setattr(fault, _FLAGS[name], True)
        elif not has_value or not value:
            raise _bad(f"directive '{name}' needs a value")
        elif name in _INTS:
            try:
                number = int(value)
            except ValueError:
                raise _bad(f"'{name}' expects an integer, got '{value}'") from None
            if number < 0:
                raise _bad(f"'{name}' must not be negative")
            setattr(fault, _INTS[name], number)
        elif name in _FLOATS:
            try:
                seconds = float(value)
            except ValueError:
                raise _bad(f"'{name}' expects a number, got '{value}'") from None
            if not 0 <= seconds <= MAX_SECONDS * (1000 if name.endswith("-ms") else 1):
                raise _bad(f"'{name}' must be a finite number from 0 to {MAX_SECONDS} seconds")
            setattr(fault, _FLOATS[name], seconds)
        elif name in _STRINGS:
            setattr(fault, _STRINGS[name], value)
        else:
            raise _bad(f"unknown directive '{name}'")
    if fault.status is not None and not 400 <= fault.status <= 599:
        raise _bad("'status' must be between 400 and 599")
    if fault.drip == 0:
        raise _bad("'drip' must be at least 1")
    return fault


MAX_FAULT_KEYS = 10_000


class FaultCounter:
    """Counts requests per fault key so `times=N` lets the (N+1)-th attempt through.

    At most ``MAX_FAULT_KEYS`` keys are counted (the least recently used is forgotten,
    and would start again at zero): a long-lived server whose clients use a fresh key
    per test must not keep one counter per test forever.
    """

    def __init__(self, max_keys: int = MAX_FAULT_KEYS) -> None:
        self.seen: OrderedDict[str, int] = OrderedDict()
        self.max_keys = max_keys

    def applies(self, fault: Fault) -> bool:
        if fault.times is None:
            return True
        key = fault.key if fault.key is not None else fault.raw
        count = self.seen.pop(key, 0) + 1
        self.seen[key] = count
        if len(self.seen) > self.max_keys:
            self.seen.popitem(last=False)
        return count <= fault.times
