"""One debug line per HTTP exchange, under the ``runs`` logger, that never shows a secret.

The drivers measure time (the core has no clock) and call :func:`log_exchange`; the line
holds method, path (no query: it may carry caller data), status or error class, request
id, attempt and milliseconds. Headers are never logged, so neither is the API key.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from ._request import Request

__all__ = ["LOG_ENV_VAR", "configure_logging", "log_exchange", "logger"]

logger = logging.getLogger("runs")
LOG_ENV_VAR = "RUNS_LOG"


def log_exchange(
    request: Request,
    *,
    attempt: int,
    elapsed: float,
    status: int | None = None,
    request_id: str | None = None,
    error: BaseException | None = None,
) -> None:
    """Record one attempt of ``request`` at debug level (cheap when debug is off)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    outcome = str(status) if error is None else type(error).__name__
    path = request.path.split("?", 1)[0]
    logger.debug(
        "%s %s -> %s request_id=%s attempt=%d time_ms=%.1f",
        request.method,
        path,
        outcome,
        request_id or "-",
        attempt,
        elapsed * 1000.0,
    )


def configure_logging(environ: Mapping[str, str]) -> None:
    """Turn on logging for ``RUNS_LOG=debug|info`` in ``environ`` (the client passes
    ``os.environ``: the core reads no environment of its own)."""
    value = environ.get(LOG_ENV_VAR)
    if not value:
        return
    level = logging.getLevelName(value.strip().upper())
    if not isinstance(level, int):
        return
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
