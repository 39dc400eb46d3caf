"""One page of a cursor-paginated list (``ListRunsResponse``, ``ListRunStepsResponse``).

To fetch the next page, pass ``last_id`` as ``after`` while ``has_more`` is true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

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


if TYPE_CHECKING:
    RunList = CursorPage[Run]
    RunStepList = CursorPage[RunStep]
else:

    def __getattr__(name: str) -> Any:
        # Parametrizing a generic model builds its validator at once, even with
        # ``defer_build``: done on first access, so importing stays cheap (cold start).
        if name == "RunList":
            return CursorPage[Run]
        if name == "RunStepList":
            return CursorPage[RunStep]
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
