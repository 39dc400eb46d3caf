"""The wire contract (``tests/contract/``), read from one place.

``SPEC_PATH`` is the runs part (``runs.yaml``) and ``FULL_SPEC_PATH`` the whole
Assistants cut it comes from (``assistants.yaml``: assistants, threads, messages,
create-and-run, and runs), both kept in this repository (origin in
``tests/contract/README.md``); ``spec()`` and ``full_spec()`` parse each once per session.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

__all__ = ["FULL_SPEC_PATH", "SPEC_PATH", "full_spec", "spec"]

SPEC_PATH = Path(__file__).resolve().parent.parent / "contract" / "runs.yaml"
FULL_SPEC_PATH = SPEC_PATH.with_name("assistants.yaml")


@functools.cache
def spec() -> dict[str, Any]:
    """The parsed contract (shared: do not mutate it)."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


@functools.cache
def full_spec() -> dict[str, Any]:
    """The parsed whole contract, runs included (shared: do not mutate it)."""
    loaded: dict[str, Any] = yaml.safe_load(FULL_SPEC_PATH.read_text())
    return loaded
