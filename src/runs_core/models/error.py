"""The error object (spec: ``Error``): the ``data`` of an ``error`` stream event.

``misalignment`` is not in the runs contract; the official SDK's shared ``ErrorObject``
declares it (a request blocked by a safety review), so it is declared here too, with
the same optional fields: a dump of an error lists the same keys as the SDK's.
"""

from __future__ import annotations

from typing import Literal

from ._base import RunsModel

__all__ = ["ErrorObject", "Misalignment", "MisalignmentSteer"]


class MisalignmentSteer(RunsModel):
    """An instruction for continuing after the block."""

    message: str


class Misalignment(RunsModel):
    """Why a safety review blocked the request; every field may be absent."""

    detailed_explanation: str | None = None
    error_type: (
        Literal[
            "potentially_unintended_data_transfer",
            "potentially_unintended_data_access",
            "potentially_unintended_destructive_activity",
            "other",
        ]
        | str
        | None
    ) = None
    review_target: str | None = None
    steer: MisalignmentSteer | None = None


class ErrorObject(RunsModel):
    code: str | None = None
    message: str
    param: str | None = None
    type: str
    misalignment: Misalignment | None = None
