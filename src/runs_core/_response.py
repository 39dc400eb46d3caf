"""Turning an HTTP response into a typed result or the right exception.

:func:`parse_response` is the receive path of a plain call: given the request and what
came back (status, headers, body bytes), it returns the model the operation promises or
raises. 2xx bodies are validated straight from the bytes by pydantic; a body that is not
JSON or not the contract's shape raises :class:`APIResponseValidationError` with an
excerpt, never a half-filled object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydantic

from ._errors import APIResponseValidationError, InvalidRequestError
from ._headers import Headers
from ._request import Request, Response, ResultKind
from ._status import status_error
from .models import (
    Assistant,
    AssistantDeleted,
    CursorPage,
    Message,
    MessageDeleted,
    Run,
    RunStep,
    Thread,
    ThreadDeleted,
)

__all__ = ["parse_response"]

_RESULT_TYPES: dict[ResultKind, Callable[[], Any]] = {
    ResultKind.RUN: lambda: Run,
    ResultKind.RUN_STEP: lambda: RunStep,
    ResultKind.RUN_PAGE: lambda: CursorPage[Run],
    ResultKind.RUN_STEP_PAGE: lambda: CursorPage[RunStep],
    ResultKind.ASSISTANT: lambda: Assistant,
    ResultKind.ASSISTANT_PAGE: lambda: CursorPage[Assistant],
    ResultKind.ASSISTANT_DELETED: lambda: AssistantDeleted,
    ResultKind.THREAD: lambda: Thread,
    ResultKind.THREAD_DELETED: lambda: ThreadDeleted,
    ResultKind.MESSAGE: lambda: Message,
    ResultKind.MESSAGE_PAGE: lambda: CursorPage[Message],
    ResultKind.MESSAGE_DELETED: lambda: MessageDeleted,
}
# Built on the first response of each kind, not at import (cold start, docs/benchmarks.md):
# each kind's ``validate_json``, taken from its ``TypeAdapter``'s validator, since the
# adapter's own method adds a Python-level check to every call.
_ADAPTERS: dict[ResultKind, Callable[[bytes], Any]] = {}


def _adapter(kind: ResultKind) -> Callable[[bytes], Any] | None:
    validate = _ADAPTERS.get(kind)
    if validate is None:
        result_type = _RESULT_TYPES.get(kind)
        if result_type is None:
            return None
        validate = _ADAPTERS[kind] = pydantic.TypeAdapter(result_type()).validator.validate_json
    return validate


def parse_response(request: Request, status: int, headers: Headers, body: bytes) -> Any:
    """The typed result of ``request`` (the model its ``ResultKind`` names), or raise.

    Raises the :class:`APIStatusError` subclass for the status when it is not 2xx, and
    :class:`APIResponseValidationError` when a 2xx body does not fit the contract.
    """
    if not 200 <= status < 300:
        raise status_error(request, status, headers, body)
    validate = _adapter(request.result)
    if validate is None:
        raise InvalidRequestError(
            f"{request.result.name} responses are streams: decode them with AssistantStreamDecoder"
        )
    try:
        return validate(body)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False)
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "body"
        what = errors[0]["msg"] if errors else "invalid"
        raise APIResponseValidationError(
            f"{request.result.value} response does not match the contract at {where}: {what}",
            response=Response(status, headers, body),
            request=request,
        ) from None
