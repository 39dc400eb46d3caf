"""Event handlers and stream managers, compatible with the official SDK's stream helpers.

Subclass :class:`AssistantEventHandler` (or :class:`AsyncAssistantEventHandler`, whose
callbacks are ``async def``), override the callbacks you need, and open a stream with a
manager::

    with AssistantStreamManager(open_stream, event_handler=MyHandler()) as stream:
        stream.until_done()

All the bookkeeping (snapshots, which callbacks fire, in which order) lives in the core
(:class:`runs_core.HandlerDispatch`). ``docs/stream-helpers.md`` says where the order
differs from the official SDK and why. The same names are exported by
:mod:`runs_adapters`; this module is where the official SDK keeps them
(``openai.lib.streaming``), for code that imports them from one place.
"""

from __future__ import annotations

from ._async._primitives import AsyncEventStream
from ._async.handlers import AsyncAssistantEventHandler
from ._async.stream_manager import AsyncAssistantStreamManager
from ._sync._primitives import EventStream
from ._sync.handlers import AssistantEventHandler
from ._sync.stream_manager import AssistantStreamManager

__all__ = [
    "AssistantEventHandler",
    "AssistantStreamManager",
    "AsyncAssistantEventHandler",
    "AsyncAssistantStreamManager",
    "AsyncEventStream",
    "EventStream",
]
