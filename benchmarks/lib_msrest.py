"""msrest: azure-batch 14.2.0's models on the reference workload."""

from __future__ import annotations

from typing import Any

import azure.batch.models as m

from benchmarks import payload

NAME = "msrest"
IMPORT = "azure.batch.models"


def construct(v: dict[str, Any]) -> Any:
    return payload.build(m, v)


def serialize(task: Any) -> dict[str, Any]:
    return task.serialize()


def deserialize(body: dict[str, Any]) -> Any:
    return m.JobPreparationTask.deserialize(body)


def validate(task: Any) -> Any:
    return task.validate()


def as_dict(task: Any) -> dict[str, Any]:
    return task.as_dict()


def from_dict(data: dict[str, Any]) -> Any:
    return m.JobPreparationTask.from_dict(data)


def read_status(page: dict[str, Any]) -> list[Any]:
    """The entries of a status list page, read as azure-batch 14.2 reads each one."""
    entry = m.JobPreparationAndReleaseTaskExecutionInformation
    return [entry.deserialize(item) for item in page["value"]]
