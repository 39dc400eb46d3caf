"""The error object (spec: ``Error``): the ``data`` of an ``error`` stream event."""

from __future__ import annotations

from ._base import RunsModel

__all__ = ["ErrorObject"]


class ErrorObject(RunsModel):
    message: str
    type: str
    code: str | None = None
    param: str | None = None
