"""Sans-I/O core of the runs library: requests, responses, errors, streams, no I/O."""

from ._builders import USER_AGENT, RequestBuilder
from ._config import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, ClientConfig
from ._errors import (
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
    PermissionDeniedError,
    RateLimitError,
    RunsError,
    SSEProtocolError,
    StreamError,
    StreamErrorEvent,
    StreamEventDecodeError,
    StreamIncompleteError,
    UnprocessableEntityError,
)
from ._headers import Headers
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "USER_AGENT",
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientConfig",
    "ConflictError",
    "Headers",
    "InternalServerError",
    "InvalidRequestError",
    "LimitExceededError",
    "NotFoundError",
    "NotGiven",
    "PermissionDeniedError",
    "RateLimitError",
    "Request",
    "RequestBuilder",
    "ResultKind",
    "RunsError",
    "SSEProtocolError",
    "StreamError",
    "StreamErrorEvent",
    "StreamEventDecodeError",
    "StreamIncompleteError",
    "UnprocessableEntityError",
    "__version__",
]
