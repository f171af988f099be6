"""batchprep on the reference workload."""

from __future__ import annotations

from typing import Any

import batchprep as bp

from benchmarks import payload

NAME = "batchprep"
IMPORT = "batchprep"


def construct(v: dict[str, Any]) -> bp.JobPreparationTask:
    return payload.build(bp, v)


def serialize(task: bp.JobPreparationTask) -> dict[str, Any]:
    return task.serialize()


def deserialize(body: dict[str, Any]) -> bp.JobPreparationTask:
    return bp.JobPreparationTask.deserialize(body)


def validate(task: bp.JobPreparationTask) -> Any:
    return task.validate()


def as_dict(task: bp.JobPreparationTask) -> dict[str, Any]:
    return task.as_dict()


def from_dict(data: dict[str, Any]) -> bp.JobPreparationTask:
    return bp.JobPreparationTask.from_dict(data)


def read_status(page: dict[str, Any]) -> list[bp.JobPreparationAndReleaseTaskExecutionInformation]:
    """The entries of a status list page (``read_status_page``, the compiled path when it is built)."""
    return bp.read_status_page(page).value or []
