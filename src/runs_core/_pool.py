"""How many connections a client may hold: the ``max_connections`` / ``max_keepalive``
options every transport accepts, resolved and checked once here.

The defaults are the official SDK's (1,000 connections, 100 kept alive), so a program
moved from it keeps its concurrency. Each transport maps the two numbers onto its own
library (``httpx.Limits``, aiohttp's connector ``limit``, requests' pool size, the trio
transport's own pool); what they mean there is in ``docs/transports.md``.
"""

from __future__ import annotations

from ._errors import InvalidRequestError
from ._frozen import Frozen
from ._types import NOT_GIVEN, NotGiven

__all__ = ["PoolLimits"]


def _count(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidRequestError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return value


class PoolLimits(Frozen):
    """The connection limits of one client (per server: a client talks to one).

    ``max_connections`` bounds the connections open at once, in use or idle (``None``: no
    bound). A call beyond it waits for one to be free, and that wait counts against the
    call's ``timeout`` like any other, ending in :class:`APITimeoutError`.
    ``max_keepalive`` is how many idle connections are kept for reuse; ``0`` closes each
    connection after its response.
    """

    __slots__ = ("max_connections", "max_keepalive")
    _fields = _compared = ("max_connections", "max_keepalive")
    __match_args__ = ("max_connections", "max_keepalive")

    max_connections: int | None
    max_keepalive: int

    def __init__(self, max_connections: int | None = 1000, max_keepalive: int = 100) -> None:
        object.__setattr__(self, "max_connections", max_connections)
        object.__setattr__(self, "max_keepalive", max_keepalive)
        if max_connections is not None:
            _count("max_connections", max_connections, 1)
        _count("max_keepalive", max_keepalive, 0)

    @classmethod
    def of(
        cls,
        max_connections: int | NotGiven | None = NOT_GIVEN,
        max_keepalive: int | NotGiven = NOT_GIVEN,
    ) -> PoolLimits:
        """The limits from a transport's or client's keyword arguments; the ones not
        given keep their defaults."""
        default = cls()
        return cls(
            default.max_connections if isinstance(max_connections, NotGiven) else max_connections,
            default.max_keepalive if isinstance(max_keepalive, NotGiven) else max_keepalive,
        )

    @property
    def keepalive(self) -> int:
        """Idle connections kept: never more than may be open at once."""
        if self.max_connections is None:
            return self.max_keepalive
        return min(self.max_keepalive, self.max_connections)

    @staticmethod
    def refuse_for_given_client(what: str, max_connections: object, max_keepalive: object) -> None:
        """A transport handed a configured client of the user's cannot also apply limits:
        that client's pool is already built. Say where the limits go instead."""
        if not (isinstance(max_connections, NotGiven) and isinstance(max_keepalive, NotGiven)):
            raise TypeError(
                f"max_connections/max_keepalive configure the {what} a transport creates; "
                f"set the limits on the {what} you passed instead"
            )
