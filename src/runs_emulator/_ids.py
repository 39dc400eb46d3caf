"""Identifiers in the real API's formats, so clients that inspect prefixes behave normally."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits
_LENGTH = 24
# One read of the system's randomness per id, mapped onto the 62 characters by a byte
# table (not one ``secrets.choice`` per character: that was half the cost of a run).
# Bytes from 248 up are dropped first, so every character stays equally likely.
_TABLE = bytes(ord(_ALPHABET[i % len(_ALPHABET)]) for i in range(256))
_UNEVEN = bytes(range(256 - 256 % len(_ALPHABET), 256))


def new_id(prefix: str) -> str:
    while True:
        raw = secrets.token_bytes(_LENGTH + 8).translate(_TABLE, _UNEVEN)
        if len(raw) >= _LENGTH:  # fewer only if over 8 of 32 bytes were dropped: ~1e-6
            return prefix + "_" + raw[:_LENGTH].decode("ascii")


def new_request_id() -> str:
    return "req_" + secrets.token_hex(16)
