"""Messages of a thread: ``client.beta.threads.messages``, with the official SDK's
``with_raw_response`` / ``with_streaming_response`` tables.

A run reads its thread's messages and adds its answers there; ``list(run_id=...)``
gives the messages one run wrote.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from typing import TYPE_CHECKING, Literal, Unpack

from runs_core import NOT_GIVEN, NotGiven

from ._primitives import AsyncPaginator
from .raw import raw_method, raw_page_method, streaming_method
from .resources import _Resource

if TYPE_CHECKING:
    from runs_core import MessageCreateParams, RequestOptions
    from runs_core.models import Message, MessageDeleted

__all__ = [
    "AsyncMessages",
    "AsyncMessagesWithRawResponse",
    "AsyncMessagesWithStreamingResponse",
]


class AsyncMessages(_Resource):
    """The messages of a thread."""

    def create(self, thread_id: str, **params: Unpack[MessageCreateParams]) -> Awaitable[Message]:
        """Add a message to a thread (``content`` and ``role`` are required)."""
        request = self._builder.create_message(
            thread_id, idempotency_key=self._calls.idempotency_key(), **params
        )
        return self._calls.model(request)

    def retrieve(
        self, message_id: str, *, thread_id: str, **options: Unpack[RequestOptions]
    ) -> Awaitable[Message]:
        """Retrieves a message."""
        return self._calls.model(
            self._builder.retrieve_message(message_id, thread_id=thread_id, **options)
        )

    def update(
        self,
        message_id: str,
        *,
        thread_id: str,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        **options: Unpack[RequestOptions],
    ) -> Awaitable[Message]:
        """Modifies a message (its metadata)."""
        return self._calls.model(self._builder.update_message(
            message_id, thread_id=thread_id, metadata=metadata,
            idempotency_key=self._calls.idempotency_key(), **options))  # fmt: skip

    def list(
        self,
        thread_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN,
        run_id: str | NotGiven = NOT_GIVEN,
        **options: Unpack[RequestOptions],
    ) -> AsyncPaginator[Message]:
        """Returns a thread's messages (only one run's, with ``run_id``): the first page,
        or every message when iterated."""
        return self._calls.page(self._builder.list_messages(
            thread_id, after=after, before=before, limit=limit, order=order, run_id=run_id,
            **options))  # fmt: skip

    def delete(
        self, message_id: str, *, thread_id: str, **options: Unpack[RequestOptions]
    ) -> Awaitable[MessageDeleted]:
        """Deletes a message."""
        return self._calls.model(
            self._builder.delete_message(message_id, thread_id=thread_id, **options)
        )

    @property
    def with_raw_response(self) -> AsyncMessagesWithRawResponse:
        return AsyncMessagesWithRawResponse(self)

    @property
    def with_streaming_response(self) -> AsyncMessagesWithStreamingResponse:
        return AsyncMessagesWithStreamingResponse(self)


class AsyncMessagesWithRawResponse:
    """``client.beta.threads.messages.with_raw_response``."""

    def __init__(self, messages: AsyncMessages) -> None:
        moded = AsyncMessages(messages._calls.raw_calls())
        self.create = raw_method(moded.create)
        self.retrieve = raw_method(moded.retrieve)
        self.update = raw_method(moded.update)
        self.list = raw_page_method(moded.list)
        self.delete = raw_method(moded.delete)


class AsyncMessagesWithStreamingResponse:
    """``client.beta.threads.messages.with_streaming_response``."""

    def __init__(self, messages: AsyncMessages) -> None:
        moded = AsyncMessages(messages._calls.streaming_calls())
        self.create = streaming_method(moded.create)
        self.retrieve = streaming_method(moded.retrieve)
        self.update = streaming_method(moded.update)
        self.list = streaming_method(moded.list)
        self.delete = streaming_method(moded.delete)
