"""Body bytes to text, lines or fixed-size chunks, incrementally: what a lazily read
response's ``iter_text()``, ``iter_lines()`` and ``iter_bytes(chunk_size)`` need.

Sans-I/O like the rest of the core: feed what arrived, take what is complete, and
``flush()`` at the end of the body.
"""

from __future__ import annotations

import codecs

__all__ = ["ByteChunker", "LineDecoder", "TextDecoder"]


class TextDecoder:
    """UTF-8 bytes to text across chunk edges (a character split between chunks is
    decoded once its last byte arrives; invalid bytes become U+FFFD)."""

    __slots__ = ("_decoder",)

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, data: bytes) -> str:
        return self._decoder.decode(data)

    def flush(self) -> str:
        return self._decoder.decode(b"", final=True)


class LineDecoder:
    """Text to lines, without their endings; ``\\n``, ``\\r\\n`` and ``\\r`` all end a line,
    including a ``\\r\\n`` split across two pieces of text."""

    __slots__ = ("_after_cr", "_pending")

    def __init__(self) -> None:
        self._pending = ""
        self._after_cr = False

    def feed(self, text: str) -> list[str]:
        if self._after_cr and text.startswith("\n"):
            text = text[1:]  # the second half of a "\r\n" that ended the last line
        self._after_cr = False
        if not text:
            return []
        lines = (self._pending + text).splitlines()
        ends_line = text[-1] in "\r\n"
        self._after_cr = text[-1] == "\r"
        self._pending = "" if ends_line else lines.pop()
        return lines

    def flush(self) -> list[str]:
        pending, self._pending = self._pending, ""
        return [pending] if pending else []


class ByteChunker:
    """Bytes as they arrive to chunks of ``size`` bytes (the last one may be shorter);
    ``size=None`` passes chunks through as they came."""

    __slots__ = ("_buffer", "size")

    def __init__(self, size: int | None) -> None:
        if size is not None and size < 1:
            raise ValueError(f"chunk_size must be at least 1, got {size}")
        self.size = size
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        if self.size is None:
            return [data] if data else []
        self._buffer += data
        cut = len(self._buffer) - len(self._buffer) % self.size
        chunks = [bytes(self._buffer[i : i + self.size]) for i in range(0, cut, self.size)]
        del self._buffer[:cut]
        return chunks

    def flush(self) -> list[bytes]:
        rest, self._buffer = bytes(self._buffer), bytearray()
        return [rest] if rest else []
