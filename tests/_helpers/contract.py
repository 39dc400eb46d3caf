"""The wire contract (``tests/contract/runs.yaml``), read from one place.

``SPEC_PATH`` is the copy kept in this repository (origin in ``tests/contract/README.md``);
``spec()`` parses it once per test session.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

__all__ = ["SPEC_PATH", "spec"]

SPEC_PATH = Path(__file__).resolve().parent.parent / "contract" / "runs.yaml"


@functools.cache
def spec() -> dict[str, Any]:
    """The parsed contract (shared: do not mutate it)."""
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded
