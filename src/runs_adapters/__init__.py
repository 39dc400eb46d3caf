"""Transport adapters and the user-facing clients of runs.

``Client`` / ``AsyncClient`` give the seed page's API (``client.runs``,
``client.runs.steps``, ``client.beta.threads.runs``) on any transport: pick one by name
(``transport="aiohttp"``), pass your own configured instance, or set ``RUNS_TRANSPORT``.

Exports are lazy (see ``runs_core._lazy``): a name's module is imported on first use.
"""

from typing import TYPE_CHECKING

from runs_core._lazy import lazy_exports

if TYPE_CHECKING:
    from ._client import AsyncClient, Client
    from ._pages import AsyncCursorPage, AsyncPaginator, SyncCursorPage
    from ._raw import AsyncStreamedResponse, RawResponse, StreamedResponse
    from ._runs_async import (
        AsyncRuns,
        AsyncRunsWithRawResponse,
        AsyncRunsWithStreamingResponse,
        AsyncSteps,
        AsyncStepsWithRawResponse,
        AsyncStepsWithStreamingResponse,
    )
    from ._runs_sync import (
        Runs,
        RunsWithRawResponse,
        RunsWithStreamingResponse,
        Steps,
        StepsWithRawResponse,
        StepsWithStreamingResponse,
    )
    from ._select import TransportUnavailableError
    from ._streams import AsyncStream, Stream
    from ._transport import (
        AsyncTransport,
        AsyncTransportResponse,
        SyncTransport,
        SyncTransportResponse,
    )
    from .event_handler import (
        AssistantEventHandler,
        AssistantStreamManager,
        AsyncAssistantEventHandler,
        AsyncAssistantStreamManager,
    )

__all__ = [
    "AssistantEventHandler",
    "AssistantStreamManager",
    "AsyncAssistantEventHandler",
    "AsyncAssistantStreamManager",
    "AsyncClient",
    "AsyncCursorPage",
    "AsyncPaginator",
    "AsyncRuns",
    "AsyncRunsWithRawResponse",
    "AsyncRunsWithStreamingResponse",
    "AsyncSteps",
    "AsyncStepsWithRawResponse",
    "AsyncStepsWithStreamingResponse",
    "AsyncStream",
    "AsyncStreamedResponse",
    "AsyncTransport",
    "AsyncTransportResponse",
    "Client",
    "RawResponse",
    "Runs",
    "RunsWithRawResponse",
    "RunsWithStreamingResponse",
    "Steps",
    "StepsWithRawResponse",
    "StepsWithStreamingResponse",
    "Stream",
    "StreamedResponse",
    "SyncCursorPage",
    "SyncTransport",
    "SyncTransportResponse",
    "TransportUnavailableError",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "._client": (
            "AsyncClient",
            "Client",
        ),
        "._pages": (
            "AsyncCursorPage",
            "AsyncPaginator",
            "SyncCursorPage",
        ),
        "._raw": (
            "AsyncStreamedResponse",
            "RawResponse",
            "StreamedResponse",
        ),
        "._runs_async": (
            "AsyncRuns",
            "AsyncRunsWithRawResponse",
            "AsyncRunsWithStreamingResponse",
            "AsyncSteps",
            "AsyncStepsWithRawResponse",
            "AsyncStepsWithStreamingResponse",
        ),
        "._runs_sync": (
            "Runs",
            "RunsWithRawResponse",
            "RunsWithStreamingResponse",
            "Steps",
            "StepsWithRawResponse",
            "StepsWithStreamingResponse",
        ),
        "._select": ("TransportUnavailableError",),
        "._streams": (
            "AsyncStream",
            "Stream",
        ),
        "._transport": (
            "AsyncTransport",
            "AsyncTransportResponse",
            "SyncTransport",
            "SyncTransportResponse",
        ),
        ".event_handler": (
            "AssistantEventHandler",
            "AssistantStreamManager",
            "AsyncAssistantEventHandler",
            "AsyncAssistantStreamManager",
        ),
    },
)
