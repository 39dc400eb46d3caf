"""Identifiers in the real API's formats, so clients that inspect prefixes behave normally."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def new_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(24))


def new_request_id() -> str:
    return "req_" + secrets.token_hex(16)
