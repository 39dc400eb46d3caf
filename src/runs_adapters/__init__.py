"""Clients, event handlers, pages, errors and transports for the Assistants API.

``Client`` / ``AsyncClient`` give the official SDK's Assistants API
(``client.beta.assistants``, ``client.beta.threads`` with its ``runs`` and ``messages``;
``client.assistants``, ``client.threads`` and ``client.runs`` for short) on any
transport: pick one by name (``transport="aiohttp"``), pass your own configured
instance, or set ``RUNS_TRANSPORT``.
Every name a user needs is here, the errors (from :mod:`runs_core`) included, so moving
from the official SDK is a change of imports.

Exports are lazy: a name's module is imported on first use, so building a client loads
neither the response models nor a transport you did not choose.
"""

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from runs_core import (
        NOT_GIVEN,
        APIConnectionError,
        APIError,
        APIResponseValidationError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        InternalServerError,
        InvalidRequestError,
        LimitExceededError,
        NotFoundError,
        NotGiven,
        PermissionDeniedError,
        RateLimitError,
        RunsError,
        SSEProtocolError,
        StreamError,
        StreamErrorEvent,
        StreamEventDecodeError,
        StreamIncompleteError,
        ToolCallError,
        UnprocessableEntityError,
    )

    from ._async._primitives import (
        AsyncEventStream,
        AsyncPaginator,
    )
    from ._async.assistants import (
        AsyncAssistants,
    )
    from ._async.client import (
        AsyncAzureClient,
        AsyncClient,
    )
    from ._async.handlers import (
        AsyncAssistantEventHandler,
    )
    from ._async.messages import (
        AsyncMessages,
    )
    from ._async.pages import (
        AsyncCursorPage,
    )
    from ._async.raw import (
        AsyncResponseContextManager,
        AsyncStreamedResponse,
    )
    from ._async.resources import (
        AsyncRuns,
        AsyncRunsWithRawResponse,
        AsyncRunsWithStreamingResponse,
        AsyncSteps,
        AsyncStepsWithRawResponse,
        AsyncStepsWithStreamingResponse,
    )
    from ._async.stream_manager import (
        AsyncAssistantStreamManager,
    )
    from ._async.streams import (
        AsyncStream,
    )
    from ._async.threads import (
        AsyncThreads,
    )
    from ._responses import (
        RawResponse,
    )
    from ._select import (
        TransportUnavailableError,
    )
    from ._settings import (
        AzureClientOptions,
        ClientOptions,
    )
    from ._sync._primitives import (
        EventStream,
    )
    from ._sync.assistants import (
        Assistants,
    )
    from ._sync.client import (
        AzureClient,
        Client,
    )
    from ._sync.handlers import (
        AssistantEventHandler,
    )
    from ._sync.messages import (
        Messages,
    )
    from ._sync.pages import (
        SyncCursorPage,
    )
    from ._sync.raw import (
        ResponseContextManager,
        StreamedResponse,
    )
    from ._sync.resources import (
        Runs,
        RunsWithRawResponse,
        RunsWithStreamingResponse,
        Steps,
        StepsWithRawResponse,
        StepsWithStreamingResponse,
    )
    from ._sync.stream_manager import (
        AssistantStreamManager,
    )
    from ._sync.streams import (
        Stream,
    )
    from ._sync.threads import (
        Threads,
    )
    from ._transport import (
        AsyncTransport,
        AsyncTransportResponse,
        SyncTransport,
        SyncTransportResponse,
    )
    from .aiohttp_transport import (
        AiohttpTransport,
    )
    from .httpx_async import (
        HttpxAsyncTransport,
    )
    from .httpx_sync import (
        HttpxTransport,
    )
    from .requests_transport import (
        RequestsTransport,
    )
    from .trio_h11 import (
        TrioTransport,
    )

__all__ = [
    "NOT_GIVEN",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AiohttpTransport",
    "AssistantEventHandler",
    "AssistantStreamManager",
    "Assistants",
    "AsyncAssistantEventHandler",
    "AsyncAssistantStreamManager",
    "AsyncAssistants",
    "AsyncAzureClient",
    "AsyncClient",
    "AsyncCursorPage",
    "AsyncEventStream",
    "AsyncMessages",
    "AsyncPaginator",
    "AsyncResponseContextManager",
    "AsyncRuns",
    "AsyncRunsWithRawResponse",
    "AsyncRunsWithStreamingResponse",
    "AsyncSteps",
    "AsyncStepsWithRawResponse",
    "AsyncStepsWithStreamingResponse",
    "AsyncStream",
    "AsyncStreamedResponse",
    "AsyncThreads",
    "AsyncTransport",
    "AsyncTransportResponse",
    "AuthenticationError",
    "AzureClient",
    "AzureClientOptions",
    "BadRequestError",
    "Client",
    "ClientOptions",
    "ConflictError",
    "EventStream",
    "HttpxAsyncTransport",
    "HttpxTransport",
    "InternalServerError",
    "InvalidRequestError",
    "LimitExceededError",
    "Messages",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "RawResponse",
    "RequestsTransport",
    "ResponseContextManager",
    "Runs",
    "RunsError",
    "RunsWithRawResponse",
    "RunsWithStreamingResponse",
    "SSEProtocolError",
    "Steps",
    "StepsWithRawResponse",
    "StepsWithStreamingResponse",
    "Stream",
    "StreamError",
    "StreamErrorEvent",
    "StreamEventDecodeError",
    "StreamIncompleteError",
    "StreamedResponse",
    "SyncCursorPage",
    "SyncTransport",
    "SyncTransportResponse",
    "Threads",
    "ToolCallError",
    "TransportUnavailableError",
    "TrioTransport",
    "UnprocessableEntityError",
]

_EXPORTS: dict[str, tuple[str, ...]] = {
    "._async.assistants": ("AsyncAssistants",),
    "._async.client": ("AsyncAzureClient", "AsyncClient"),
    "._async.handlers": ("AsyncAssistantEventHandler",),
    "._async.messages": ("AsyncMessages",),
    "._async.pages": ("AsyncCursorPage",),
    "._async._primitives": (
        "AsyncEventStream",
        "AsyncPaginator",
    ),
    "._async.raw": (
        "AsyncResponseContextManager",
        "AsyncStreamedResponse",
    ),
    "._async.resources": (
        "AsyncRuns",
        "AsyncRunsWithRawResponse",
        "AsyncRunsWithStreamingResponse",
        "AsyncSteps",
        "AsyncStepsWithRawResponse",
        "AsyncStepsWithStreamingResponse",
    ),
    "._async.stream_manager": ("AsyncAssistantStreamManager",),
    "._async.streams": ("AsyncStream",),
    "._async.threads": ("AsyncThreads",),
    "._responses": ("RawResponse",),
    "._select": ("TransportUnavailableError",),
    "._settings": ("AzureClientOptions", "ClientOptions"),
    "._sync.assistants": ("Assistants",),
    "._sync.client": ("AzureClient", "Client"),
    "._sync.handlers": ("AssistantEventHandler",),
    "._sync.messages": ("Messages",),
    "._sync.pages": ("SyncCursorPage",),
    "._sync._primitives": ("EventStream",),
    "._sync.raw": (
        "ResponseContextManager",
        "StreamedResponse",
    ),
    "._sync.resources": (
        "Runs",
        "RunsWithRawResponse",
        "RunsWithStreamingResponse",
        "Steps",
        "StepsWithRawResponse",
        "StepsWithStreamingResponse",
    ),
    "._sync.stream_manager": ("AssistantStreamManager",),
    "._sync.streams": ("Stream",),
    "._sync.threads": ("Threads",),
    "._transport": (
        "AsyncTransport",
        "AsyncTransportResponse",
        "SyncTransport",
        "SyncTransportResponse",
    ),
    ".aiohttp_transport": ("AiohttpTransport",),
    ".httpx_async": ("HttpxAsyncTransport",),
    ".httpx_sync": ("HttpxTransport",),
    ".requests_transport": ("RequestsTransport",),
    ".trio_h11": ("TrioTransport",),
    "runs_core": (
        "NOT_GIVEN",
        "NotGiven",
        "APIConnectionError",
        "APIError",
        "APIResponseValidationError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ConflictError",
        "InternalServerError",
        "InvalidRequestError",
        "LimitExceededError",
        "NotFoundError",
        "PermissionDeniedError",
        "RateLimitError",
        "RunsError",
        "SSEProtocolError",
        "StreamError",
        "StreamErrorEvent",
        "StreamEventDecodeError",
        "StreamIncompleteError",
        "ToolCallError",
        "UnprocessableEntityError",
    ),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str) -> object:
    """Import the module of an exported name on first use, then keep the name here."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name], __name__), name)
    globals()[name] = value
    return value
