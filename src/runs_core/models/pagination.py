"""One page of a cursor-paginated list (``ListRunsResponse``, ``ListRunStepsResponse``).

To fetch the next page, pass ``last_id`` as ``after`` while ``has_more`` is true.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from ._base import RunsModel
from .run import Run
from .run_step import RunStep

__all__ = ["CursorPage", "RunList", "RunStepList"]

T = TypeVar("T")


class CursorPage(RunsModel, Generic[T]):
    """``first_id``/``last_id`` are ``None`` on an empty page."""

    object: str
    data: list[T]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool


RunList = CursorPage[Run]
RunStepList = CursorPage[RunStep]
