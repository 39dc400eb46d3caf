"""``asst_long`` streams its deltas from shared pre-encoded bytes: whole blocks, then the
rest as whole word periods (one shared bytes object) and a last partial period. Whatever
the count, the stream must hold exactly that many deltas, in order, adding up to the
message's stored text."""

from __future__ import annotations

import json

import httpx
import pytest

from runs_emulator import EmulatorThread
from runs_emulator._sse import BLOCK_PERIODS, WORDS

BLOCK = len(WORDS) * BLOCK_PERIODS


@pytest.mark.parametrize(
    "deltas", [1, 2, len(WORDS), len(WORDS) + 2, BLOCK, BLOCK + 1, 2 * BLOCK + 40, 2000]
)
def test_long_stream_holds_every_delta(
    emu: EmulatorThread, client: httpx.Client, deltas: int
) -> None:
    thread = client.post("/threads", json={}).json()["id"]
    body = {"assistant_id": "asst_long", "stream": True, "metadata": {"deltas": str(deltas)}}
    values: list[str] = []
    with client.stream("POST", f"/threads/{thread}/runs", json=body) as response:
        raw = response.read()
    for block in raw.split(b"\n\n"):
        event, _, data = block.partition(b"\ndata: ")
        if event == b"event: thread.message.delta":
            values.append(json.loads(data)["delta"]["content"][0]["text"]["value"])
    # The first delta is a message's own (it starts the text); the rest cycle the words.
    assert values == [WORDS[0], *(WORDS[i % len(WORDS)] for i in range(deltas - 1))]
    messages = client.get(f"/threads/{thread}/messages").json()["data"]
    assert messages[0]["content"][0]["text"]["value"] == "".join(values)
