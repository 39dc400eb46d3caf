"""The stream that ``create(stream=True)`` and ``submit_tool_outputs(stream=True)`` return.

Iterating yields typed events until ``done`` (which is consumed, not yielded). After
``done`` the rest of the body is read (the decoder bounds how much), so a pooling
transport can reuse the connection; leaving early (``close()``, ``break`` inside
``with``) closes the connection instead. A body that stops before ``done`` raises
:class:`~runs_core.StreamIncompleteError`; every stream error carries the request and the
response's ``x-request-id``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from types import TracebackType
from typing import TYPE_CHECKING, Self

from runs_core import APIConnectionError, Headers, Request

from .._transport import AsyncTransportResponse

if TYPE_CHECKING:
    from runs_core import AssistantStreamDecoder, AssistantStreamEvent

__all__ = ["AsyncStream"]


class AsyncStream:
    """An iterator of typed Assistants stream events over an open response."""

    def __init__(
        self,
        response: AsyncTransportResponse,
        request: Request,
        *,
        decoder: AssistantStreamDecoder | None = None,
    ) -> None:
        if decoder is None:
            from runs_core import AssistantStreamDecoder

            decoder = AssistantStreamDecoder(
                request=request, request_id=response.headers.get("x-request-id")
            )
        self.response = response
        self.request = request
        self.decoder = decoder
        self.is_closed = False
        """Whether the connection is released (read to its end, failed, or closed)."""
        self._iterator = self._events()

    @property
    def status_code(self) -> int:
        return self.response.status

    @property
    def headers(self) -> Headers:
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        return self._iterator

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._iterator.__anext__()

    async def _events(self) -> AsyncGenerator[AssistantStreamEvent, None]:
        from runs_core import DoneEvent

        decoder = self.decoder
        chunks = self.response.aiter_bytes()
        try:
            async for chunk in chunks:
                for event in decoder.iter_feed(chunk):
                    if event.__class__ is DoneEvent:
                        break
                    yield event
                if decoder.done:
                    async for rest in chunks:
                        decoder.feed(rest)
                    return
            decoder.end()
        except APIConnectionError as error:
            raise error.after_head(self.request_id) from error
        finally:
            await self.response.aclose()
            self.is_closed = True

    async def close(self) -> None:
        """Stop reading; closes the connection unless the body was already complete."""
        await self._iterator.aclose()
        await self.response.aclose()
        self.is_closed = True

    aclose = close  # async only

    async def until_done(self) -> None:
        """Read the stream to its end, discarding events."""
        async for _ in self:
            pass

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
