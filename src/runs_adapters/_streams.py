"""Stream objects returned by ``create(stream=True)`` and ``submit_tool_outputs(stream=True)``.

Iterating yields typed events until ``done`` (which is consumed, not yielded). After
``done`` the rest of the body is read (the decoder bounds how much), so a pooling
transport can reuse the connection; leaving early (``close()``, ``break`` inside
``with``) closes the connection instead. A body that stops before ``done`` raises
:class:`~runs_core.StreamIncompleteError`; every stream error carries the response's
``x-request-id``.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Self

from runs_core import Headers, Request, RunsError

from ._transport import AsyncTransportResponse, SyncTransportResponse

if TYPE_CHECKING:
    from runs_core._events import AssistantStreamEvent
    from runs_core._stream_decoder import AssistantStreamDecoder

__all__ = ["AsyncStream", "Stream"]


def _tag(error: RunsError, request: Request, request_id: str | None) -> None:
    if getattr(error, "request", None) is None:
        error.request = request  # type: ignore[attr-defined]
    if getattr(error, "request_id", None) is None:
        error.request_id = request_id  # type: ignore[attr-defined]


def _default_decoder() -> AssistantStreamDecoder:
    from runs_core._stream_decoder import AssistantStreamDecoder

    return AssistantStreamDecoder()


class _StreamBase:
    def __init__(
        self,
        response: SyncTransportResponse | AsyncTransportResponse,
        request: Request,
        decoder: AssistantStreamDecoder,
    ) -> None:
        self.response = response
        self.request = request
        self.decoder = decoder

    @property
    def status_code(self) -> int:
        return self.response.status

    @property
    def headers(self) -> Headers:
        return self.response.headers

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")


class Stream(_StreamBase):
    """A blocking iterator of typed Assistants stream events."""

    response: SyncTransportResponse

    def __init__(
        self,
        response: SyncTransportResponse,
        request: Request,
        *,
        decoder: AssistantStreamDecoder | None = None,
    ) -> None:
        super().__init__(response, request, decoder or _default_decoder())
        self._iterator = self._events()

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        return self._iterator

    def __next__(self) -> AssistantStreamEvent:
        return next(self._iterator)

    def _events(self) -> Generator[AssistantStreamEvent, None, None]:
        from runs_core._events import DoneEvent

        decoder = self.decoder
        chunks = self.response.iter_bytes()
        try:
            for chunk in chunks:
                for event in decoder.iter_feed(chunk):
                    if event.__class__ is DoneEvent:
                        break
                    yield event
                if decoder.done:
                    for rest in chunks:
                        decoder.feed(rest)
                    return
            decoder.end()
        except RunsError as error:
            _tag(error, self.request, self.request_id)
            raise
        finally:
            self.response.close()

    def close(self) -> None:
        """Stop reading; closes the connection unless the body was already complete."""
        self._iterator.close()
        self.response.close()

    def until_done(self) -> None:
        """Read the stream to its end, discarding events."""
        for _ in self:
            pass

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncStream(_StreamBase):
    """An async iterator of typed Assistants stream events (asyncio or trio)."""

    response: AsyncTransportResponse

    def __init__(
        self,
        response: AsyncTransportResponse,
        request: Request,
        *,
        decoder: AssistantStreamDecoder | None = None,
    ) -> None:
        super().__init__(response, request, decoder or _default_decoder())
        self._iterator = self._events()

    def __aiter__(self) -> AsyncIterator[AssistantStreamEvent]:
        return self._iterator

    async def __anext__(self) -> AssistantStreamEvent:
        return await self._iterator.__anext__()

    async def _events(self) -> AsyncGenerator[AssistantStreamEvent, None]:
        from runs_core._events import DoneEvent

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
        except RunsError as error:
            _tag(error, self.request, self.request_id)
            raise
        finally:
            await self.response.aclose()

    async def close(self) -> None:
        """Stop reading; closes the connection unless the body was already complete."""
        await self._iterator.aclose()
        await self.response.aclose()

    aclose = close

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
