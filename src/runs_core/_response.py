"""Turning an HTTP response into a typed result or the right exception.

:func:`parse_response` is the receive path of a plain call: given the request and what
came back (status, headers, body bytes), it returns the model the operation promises or
raises. 2xx bodies are validated straight from the bytes by pydantic; a body that is not
JSON or not the contract's shape raises :class:`APIResponseValidationError` with an
excerpt, never a half-filled object.
"""

from __future__ import annotations

from typing import Any

import pydantic

from ._errors import APIResponseValidationError, InvalidRequestError
from ._headers import Headers
from ._request import Request, ResultKind
from ._status import status_error
from .models import CursorPage, Run, RunStep

__all__ = ["parse_response"]

_ADAPTERS: dict[ResultKind, pydantic.TypeAdapter[Any]] = {
    ResultKind.RUN: pydantic.TypeAdapter(Run),
    ResultKind.RUN_STEP: pydantic.TypeAdapter(RunStep),
    ResultKind.RUN_PAGE: pydantic.TypeAdapter(CursorPage[Run]),
    ResultKind.RUN_STEP_PAGE: pydantic.TypeAdapter(CursorPage[RunStep]),
}


def parse_response(request: Request, status: int, headers: Headers, body: bytes) -> Any:
    """The typed result of ``request`` (a Run, RunStep or CursorPage), or raise.

    Raises the :class:`APIStatusError` subclass for the status when it is not 2xx, and
    :class:`APIResponseValidationError` when a 2xx body does not fit the contract.
    """
    if not 200 <= status < 300:
        raise status_error(request, status, headers, body)
    adapter = _ADAPTERS.get(request.result)
    if adapter is None:
        raise InvalidRequestError(
            f"{request.result.name} responses are streams: decode them with AssistantStreamDecoder"
        )
    try:
        return adapter.validate_json(body)
    except pydantic.ValidationError as exc:
        errors = exc.errors(include_url=False)
        where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "body"
        what = errors[0]["msg"] if errors else "invalid"
        raise APIResponseValidationError(
            f"{request.result.value} response does not match the contract at {where}: {what}",
            status_code=status,
            headers=headers,
            body=body,
            request=request,
        ) from None
