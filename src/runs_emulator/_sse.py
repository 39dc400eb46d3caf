"""Server-sent event encoding, including the pre-encoded blocks the benchmark stream reuses.

The long stream is a benchmark source: re-serialising half a million identical-shaped
deltas would make the emulator, not the client, the bottleneck, so text deltas are built
once from a byte template and a whole block of them is shared by reference.
"""

from __future__ import annotations

import json
from typing import Any

DONE = b"event: done\ndata: [DONE]\n\n"

# Words cycle with this period; a block is a whole number of periods, so every block of
# one message is byte-identical and can be reused without re-encoding.
WORDS = (
    "Hello",
    " there!",
    " This",
    " is",
    " the",
    " emulator",
    " speaking,",
    " one",
    " small",
    " delta",
    " at",
    " a",
    " time.",
)
BLOCK_PERIODS = 40


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def encode(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {dumps(data)}\n\n".encode()


def text_delta(message_id: str, value: str, *, first: bool = False) -> dict[str, Any]:
    text: dict[str, Any] = {"value": value}
    if first:
        text["annotations"] = []
    return {
        "id": message_id,
        "object": "thread.message.delta",
        "delta": {"content": [{"index": 0, "type": "text", "text": text}]},
    }


def _delta_prefix(message_id: str) -> bytes:
    head = (
        '{"id":'
        + dumps(message_id)
        + ',"object":"thread.message.delta","delta":{"content":[{"index":0,"type":"text",'
        + '"text":{"value":'
    )
    return b"event: thread.message.delta\ndata: " + head.encode()


_DELTA_SUFFIX = b"}}]}}\n\n"


def word_delta_bytes(message_id: str, words: tuple[str, ...]) -> bytes:
    """Encode one delta per word (no annotations key: only a message's first delta has it)."""
    prefix = _delta_prefix(message_id)
    return b"".join(prefix + dumps(word).encode() + _DELTA_SUFFIX for word in words)


def word_block(message_id: str) -> tuple[bytes, int, str]:
    """One reusable block: its bytes, how many events it holds, and the text it adds."""
    words = WORDS * BLOCK_PERIODS
    return word_delta_bytes(message_id, words), len(words), "".join(words)


def split_events(data: bytes) -> list[bytes]:
    """Split encoded events apart again; safe because JSON data lines never hold raw newlines."""
    parts = data.split(b"\n\n")
    return [part + b"\n\n" for part in parts if part]
