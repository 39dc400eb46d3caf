"""Writing a response body through h11, with the byte-level faults applied on the way out.

Every body byte passes through `BodyWriter`, so drip feeding and truncation work the
same for JSON and for streams, and backpressure is respected by draining after writes.
"""

from __future__ import annotations

import asyncio
from http import HTTPStatus

import h11

from ._faults import Fault


class Dropped(Exception):
    """The fault plan says the connection ends here, mid-body."""


class ClientGone(Exception):
    """The peer closed the connection while we were still writing to it."""


class BodyWriter:
    def __init__(self, conn: h11.Connection, writer: asyncio.StreamWriter, fault: Fault | None):
        self.conn = conn
        self.writer = writer
        self.fault = fault
        self.sent = 0

    def _put(self, event: h11.Event) -> None:
        if self.writer.transport.is_closing():
            raise ClientGone
        data = self.conn.send(event)
        if data:
            self.writer.write(data)

    async def _drain(self) -> None:
        try:
            await self.writer.drain()
        except (ConnectionError, RuntimeError) as exc:
            raise ClientGone from exc

    async def head(self, status: int, headers: list[tuple[str, str]]) -> None:
        try:
            reason = HTTPStatus(status).phrase.encode()
        except ValueError:
            reason = b""
        self._put(h11.Response(status_code=status, headers=headers, reason=reason))
        await self._drain()

    async def write(self, data: bytes) -> None:
        fault = self.fault
        drop = False
        if fault is not None and fault.drop_after_bytes is not None:
            room = fault.drop_after_bytes - self.sent
            if len(data) > room:
                data, drop = data[: max(room, 0)], True
        if fault is not None and fault.drip is not None:
            for start in range(0, len(data), fault.drip):
                self._put(h11.Data(data=data[start : start + fault.drip]))
                await self._drain()
                await asyncio.sleep(fault.drip_delay_ms / 1000)
        elif data:
            self._put(h11.Data(data=data))
            await self._drain()
        self.sent += len(data)
        if drop:
            raise Dropped

    async def end(self) -> None:
        self._put(h11.EndOfMessage())
        await self._drain()
