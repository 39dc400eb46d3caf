"""Request builders for a thread's messages: create, retrieve, modify, list and delete.

A mixin of ``RequestBuilder``; the rules (what is left out, sent as ``null`` or refused)
are those of every builder, described in ``_builders``. Argument names, their order in
the body and query, and the empty-id errors (``thread_id`` checked before
``message_id``) are the official SDK's ``client.beta.threads.messages``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ._build_base import BuilderBase, Order, Timeout, body_of, jsonable, query_text, segment
from ._request import Request, ResultKind
from ._types import NOT_GIVEN, NotGiven

if TYPE_CHECKING:
    from .models import CursorPage, Message, MessageDeleted

__all__ = ["MessageRequests"]


class MessageRequests(BuilderBase):
    """The ``/threads/{thread_id}/messages`` operations of ``RequestBuilder``."""

    __slots__ = ()

    def create_message(
        self,
        thread_id: str,
        *,
        content: str | Iterable[Mapping[str, object]],
        role: str,
        attachments: Iterable[Mapping[str, object]] | NotGiven | None = NOT_GIVEN,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Message]:
        """``POST /threads/{thread_id}/messages``.

        ``content`` goes as given: text, or a list of parts (``text``, ``image_file``,
        ``image_url``, or a kind newer than this library), which the server judges.
        """
        path = self._messages_path(thread_id)
        body = {"content": jsonable(content), "role": jsonable(role)}
        body.update(body_of({"attachments": attachments, "metadata": metadata}))
        return self._build(
            "POST",
            path,
            query=[],
            body=body,
            result=ResultKind.MESSAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def retrieve_message(
        self,
        message_id: str,
        *,
        thread_id: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[Message]:
        """``GET /threads/{thread_id}/messages/{message_id}``."""
        return self._build(
            "GET",
            self._message_path(thread_id, message_id),
            query=[],
            body=None,
            result=ResultKind.MESSAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def update_message(
        self,
        message_id: str,
        *,
        thread_id: str,
        metadata: Mapping[str, str] | NotGiven | None = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
        idempotency_key: str | None = None,
    ) -> Request[Message]:
        """``POST /threads/{thread_id}/messages/{message_id}``: modify its metadata
        (``{}`` when not given, as the SDK sends it)."""
        path = self._message_path(thread_id, message_id)
        return self._build(
            "POST",
            path,
            query=[],
            body=body_of({"metadata": metadata}),
            result=ResultKind.MESSAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
            idempotency_key=idempotency_key,
        )

    def list_messages(
        self,
        thread_id: str,
        *,
        after: str | NotGiven = NOT_GIVEN,
        before: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN,
        order: Order | NotGiven = NOT_GIVEN,
        run_id: str | NotGiven = NOT_GIVEN,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[CursorPage[Message]]:
        """``GET /threads/{thread_id}/messages``: one page of messages, only those one run
        created when ``run_id`` is given (``None`` leaves it out, as for the cursors)."""
        path = self._messages_path(thread_id)
        query = self._cursor(after=after, before=before, limit=limit, order=order)
        if run_id is not None and not isinstance(run_id, NotGiven):
            query.append(("run_id", query_text(run_id)))
        return self._build(
            "GET",
            path,
            query=query,
            body=None,
            result=ResultKind.MESSAGE_PAGE,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    def delete_message(
        self,
        message_id: str,
        *,
        thread_id: str,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, object] | None = None,
        extra_body: Mapping[str, object] | None = None,
        timeout: Timeout = NOT_GIVEN,
    ) -> Request[MessageDeleted]:
        """``DELETE /threads/{thread_id}/messages/{message_id}``, without a body unless
        ``extra_body`` gives one."""
        return self._build(
            "DELETE",
            self._message_path(thread_id, message_id),
            query=[],
            body=None,
            result=ResultKind.MESSAGE_DELETED,
            extra_headers=extra_headers,
            extra_query=extra_query,
            extra_body=extra_body,
            timeout=timeout,
        )

    @staticmethod
    def _messages_path(thread_id: str) -> str:
        return f"/threads/{segment('thread_id', thread_id)}/messages"

    @classmethod
    def _message_path(cls, thread_id: str, message_id: str) -> str:
        # The thread first, then the message: the SDK's order for empty-id errors.
        return f"{cls._messages_path(thread_id)}/{segment('message_id', message_id)}"
