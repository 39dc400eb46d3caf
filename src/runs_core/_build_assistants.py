"""Request builders for assistants: create, retrieve, modify, list and delete.

A mixin of ``RequestBuilder``; the rules (what is left out, sent as ``null`` or refused)
are those of every builder, described in ``_builders``. Argument names, their order in
the body and the empty-id errors are the official SDK's ``client.beta.assistants``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ._build_base import BuilderBase, Order, Timeout, body_of, jsonable, segment
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from .models import Assistant, AssistantDeleted, CursorPage

__all__ = ["AssistantRequests"]


class AssistantRequests(BuilderBase):
    """The ``/assistants`` operations of ``RequestBuilder``."""

    __slots__ = ()

    def create_assistant(
        self,
        *,
        model: str,
        description: str | NotGiven | None = NOT_GIVEN,
        instructions: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        reasoning_effort: str | NotGiven | None = NOT_GIVEN,
        response_format: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        tool_resources: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        tools: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Assistant]:
        """``POST /assistants``: ``model`` is always sent, the other fields when given."""
        body = {"model": jsonable(model)}
        body.update(
            body_of(
                {
                    "description": description,
                    "instructions": instructions,
                    "metadata": metadata,
                    "name": name,
                    "reasoning_effort": reasoning_effort,
                    "response_format": response_format,
                    "temperature": temperature,
                    "tool_resources": tool_resources,
                    "tools": tools,
                    "top_p": top_p,
                }
            )
        )
        return self._build(
            "POST",
            "/assistants",
            query=[],
            body=body,
            result=ResultKind.ASSISTANT,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def retrieve_assistant(
        self,
        assistant_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[Assistant]:
        """``GET /assistants/{assistant_id}``."""
        return self._build(
            "GET",
            self._assistant_path(assistant_id),
            query=[],
            body=None,
            result=ResultKind.ASSISTANT,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def update_assistant(
        self,
        assistant_id: str,
        *,
        model: str | NotGiven | None = NOT_GIVEN,
        description: str | NotGiven | None = NOT_GIVEN,
        instructions: str | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        name: str | NotGiven | None = NOT_GIVEN,
        reasoning_effort: str | NotGiven | None = NOT_GIVEN,
        response_format: str | Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        temperature: float | NotGiven | None = NOT_GIVEN,
        tool_resources: Mapping[str, object] | NotGiven | None = NOT_GIVEN,
        tools: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        top_p: float | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Assistant]:
        """``POST /assistants/{assistant_id}``: only the given fields change (``{}`` when
        none is given, as the SDK sends it)."""
        path = self._assistant_path(assistant_id)
        body = body_of(
            {
                "model": model,
                "description": description,
                "instructions": instructions,
                "metadata": metadata,
                "name": name,
                "reasoning_effort": reasoning_effort,
                "response_format": response_format,
                "temperature": temperature,
                "tool_resources": tool_resources,
                "tools": tools,
                "top_p": top_p,
            }
        )
        return self._build(
            "POST",
            path,
            query=[],
            body=body,
            result=ResultKind.ASSISTANT,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def list_assistants(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[CursorPage[Assistant]]:
        """``GET /assistants``: one page of assistants."""
        return self._build(
            "GET",
            "/assistants",
            query=self._cursor(after=after, before=before, limit=limit, order=order),
            body=None,
            result=ResultKind.ASSISTANT_PAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def delete_assistant(
        self,
        assistant_id: str,
        *,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[AssistantDeleted]:
        """``DELETE /assistants/{assistant_id}``, without a body unless ``extra_body``
        gives one."""
        return self._build(
            "DELETE",
            self._assistant_path(assistant_id),
            query=[],
            body=None,
            result=ResultKind.ASSISTANT_DELETED,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    @staticmethod
    def _assistant_path(assistant_id: str) -> str:
        return f"/assistants/{segment('assistant_id', assistant_id)}"
