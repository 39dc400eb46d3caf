# Generated from runs_adapters/_async/streams.py by scripts/unasync.py: do not edit.
# Change the async source and run `python scripts/unasync.py`.
"""The stream that ``create(stream=True)`` and ``submit_tool_outputs(stream=True)`` return.

Iterating yields typed events until ``done`` (which is consumed, not yielded). After
``done`` the rest of the body is read (the decoder bounds how much), so a pooling
transport can reuse the connection; leaving early (``close()``, ``break`` inside
``with``) closes the connection instead. A body that stops before ``done`` raises
:class:`~runs_core.StreamIncompleteError`; every stream error carries the request and the
response's ``x-request-id``.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Self

from runs_core import APIConnectionError, Headers, Request

from .._transport import SyncTransportResponse

if TYPE_CHECKING:
    from runs_core import AssistantStreamDecoder, AssistantStreamEvent

__all__ = ["Stream"]


class Stream:
    """An iterator of typed Assistants stream events over an open response."""

    def __init__(
        self,
        response: SyncTransportResponse,
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

    def __iter__(self) -> Iterator[AssistantStreamEvent]:
        return self._iterator

    def __next__(self) -> AssistantStreamEvent:
        return self._iterator.__next__()

    def _events(self) -> Generator[AssistantStreamEvent, None, None]:
        from runs_core import DoneEvent

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
        except APIConnectionError as error:
            raise error.after_head(self.request_id) from error
        finally:
            self.response.close()
            self.is_closed = True

    def close(self) -> None:
        """Stop reading; closes the connection unless the body was already complete."""
        self._iterator.close()
        self.response.close()
        self.is_closed = True

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
