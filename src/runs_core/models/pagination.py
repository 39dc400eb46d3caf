"""One page of a cursor-paginated list (``ListRunsResponse``, ``ListRunStepsResponse``,
``ListAssistantsResponse``, ``ListMessagesResponse``).

To fetch the next page, pass ``last_id`` as ``after`` while ``has_more`` is true.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._base import RunsModel
from .assistant import Assistant
from .message import Message
from .run import Run
from .run_step import RunStep

__all__ = ["AssistantList", "CursorPage", "MessageList", "RunList", "RunStepList"]

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
    AssistantList = CursorPage[Assistant]
    MessageList = CursorPage[Message]
else:
    _ITEMS = {
        "RunList": Run,
        "RunStepList": RunStep,
        "AssistantList": Assistant,
        "MessageList": Message,
    }

    def __getattr__(name: str) -> Any:
        # Parametrizing a generic model builds its validator at once, even with
        # ``defer_build``: done on first access, so importing stays cheap (cold start).
        item = _ITEMS.get(name)
        if item is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        return CursorPage[item]
