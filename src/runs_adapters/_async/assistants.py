"""Assistants: ``client.beta.assistants`` (also ``client.assistants``), with the official
SDK's ``with_raw_response`` / ``with_streaming_response`` tables.

Each method builds its request with the core's ``RequestBuilder`` and hands it to the
resource's caller, like the runs resources (see ``resources.py``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Literal, Unpack

from runs_core import NOT_GIVEN, NotGiven

from ._primitives import AsyncPaginator
from .raw import raw_method, raw_page_method, streaming_method
from .resources import _Resource

if TYPE_CHECKING:
    from runs_core import AssistantCreateParams, AssistantUpdateParams, RequestOptions
    from runs_core.models import Assistant, AssistantDeleted

__all__ = [
    "AsyncAssistants",
    "AsyncAssistantsWithRawResponse",
    "AsyncAssistantsWithStreamingResponse",
]


class AsyncAssistants(_Resource):
    """Assistants: their model, instructions and tools, which a run follows."""

    def create(self, **params: Unpack[AssistantCreateParams]) -> Awaitable[Assistant]:
        """Create an assistant (``model`` is required)."""
        request = self._builder.create_assistant(
            idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.model(request)

    def retrieve(
        self, assistant_id: str, **options: Unpack[RequestOptions]
    ) -> Awaitable[Assistant]:
        """Retrieves an assistant."""
        return self._calls.model(self._builder.retrieve_assistant(assistant_id, **options))

    def update(
        self, assistant_id: str, **params: Unpack[AssistantUpdateParams]
    ) -> Awaitable[Assistant]:
        """Modifies an assistant: only the fields given change."""
        request = self._builder.update_assistant(
            assistant_id, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.model(request)

    def list(
        self,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Assistant]:
        """Returns a list of assistants: the first page, or every one when iterated."""
        return self._calls.page(self._builder.list_assistants(
            after=after, before=before, limit=limit, order=order, **options))  # fmt: skip

    def delete(
        self, assistant_id: str, **options: Unpack[RequestOptions]
    ) -> Awaitable[AssistantDeleted]:
        """Deletes an assistant; a later retrieve is a ``NotFoundError``."""
        return self._calls.model(self._builder.delete_assistant(assistant_id, **options))

    @property
    def with_raw_response(self) -> AsyncAssistantsWithRawResponse:
        return AsyncAssistantsWithRawResponse(self)

    @property
    def with_streaming_response(self) -> AsyncAssistantsWithStreamingResponse:
        return AsyncAssistantsWithStreamingResponse(self)


class AsyncAssistantsWithRawResponse:
    """``client.beta.assistants.with_raw_response``: the methods return a ``RawResponse``."""

    def __init__(self, assistants: AsyncAssistants) -> None:
        moded = AsyncAssistants(assistants._calls.raw_calls())
        self.create = raw_method(moded.create)
        self.retrieve = raw_method(moded.retrieve)
        self.update = raw_method(moded.update)
        self.list = raw_page_method(moded.list)
        self.delete = raw_method(moded.delete)


class AsyncAssistantsWithStreamingResponse:
    """``client.beta.assistants.with_streaming_response``: the methods return a context
    manager whose response body is read only when asked."""

    def __init__(self, assistants: AsyncAssistants) -> None:
        moded = AsyncAssistants(assistants._calls.streaming_calls())
        self.create = streaming_method(moded.create)
        self.retrieve = streaming_method(moded.retrieve)
        self.update = streaming_method(moded.update)
        self.list = streaming_method(moded.list)
        self.delete = streaming_method(moded.delete)
