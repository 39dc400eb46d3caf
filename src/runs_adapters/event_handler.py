"""Event handlers and stream managers, compatible with the official SDK's stream helpers.

Subclass :class:`AssistantEventHandler` (or :class:`AsyncAssistantEventHandler`, whose
callbacks are ``async def``), override the callbacks you need, and open a stream with a
manager::

    with AssistantStreamManager(open_stream, event_handler=MyHandler()) as stream:
        stream.until_done()

All the bookkeeping (snapshots, which callbacks fire, in which order) lives in the core
(:class:`runs_core._dispatch.HandlerDispatch`); the two handler classes only run its
callbacks, one loop each. ``docs/stream-helpers.md`` says where the order differs from
the official SDK and why.

The handlers live in :mod:`runs_adapters._handlers` and the managers in
:mod:`runs_adapters.stream_manager`; this module is where both are imported from.
"""

from __future__ import annotations

from ._handlers import (
    AssistantEventHandler,
    AsyncAssistantEventHandler,
    AsyncEventStream,
    EventStream,
)
from .stream_manager import AssistantStreamManager, AsyncAssistantStreamManager

__all__ = [
    "AssistantEventHandler",
    "AssistantStreamManager",
    "AsyncAssistantEventHandler",
    "AsyncAssistantStreamManager",
    "AsyncEventStream",
    "EventStream",
]
