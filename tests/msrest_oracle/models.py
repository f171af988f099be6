"""msrest models that stand for batchprep's classes in the differential tests.

The classes azure-batch 14.2 already has are subclassed unchanged (same name, same
``_attribute_map`` and ``_validation``), except :class:`TaskContainerSettings`, which gains the
``container_host_batch_bind_mounts`` attribute of newer REST API versions.  The bind-mount entry and its
enum do not exist in azure-batch 14.2 and are written here from the REST API specification, as is
:class:`JobPreparationAndRelease`, the two task properties of a Job - Add body.

msrest finds the classes a model refers to by name, in the namespace of the *package* the model's module
lives in (``Model._infer_class_models``), so every class here is re-exported by ``msrest_oracle``.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from azure.batch import models as _azure
from azure.batch.models import (
    AutoUserScope,
    ContainerWorkingDirectory,
    ElevationLevel,
    ErrorCategory,
    JobPreparationTaskState,
    JobReleaseTaskState,
    TaskExecutionResult,
)
from msrest.serialization import Model

__all__ = [
    "AutoUserScope",
    "AutoUserSpecification",
    "ComputeNodeIdentityReference",
    "ContainerHostBatchBindMountEntry",
    "ContainerHostDataPath",
    "ContainerRegistry",
    "ContainerWorkingDirectory",
    "ElevationLevel",
    "EnvironmentSetting",
    "ErrorCategory",
    "JobPreparationAndRelease",
    "JobPreparationAndReleaseTaskExecutionInformation",
    "JobPreparationTask",
    "JobPreparationTaskExecutionInformation",
    "JobPreparationTaskState",
    "JobReleaseTask",
    "JobReleaseTaskExecutionInformation",
    "JobReleaseTaskState",
    "NameValuePair",
    "ResourceFile",
    "TaskConstraints",
    "TaskContainerExecutionInformation",
    "TaskContainerSettings",
    "TaskExecutionResult",
    "TaskFailureInformation",
    "UserIdentity",
]


class ContainerHostDataPath(str, Enum):
    """The Batch host directories a task's container can mount (REST API 2022-10-01 and later)."""

    shared = "Shared"
    startup = "Startup"
    vfs_mounts = "VfsMounts"
    task = "Task"
    job_prep = "JobPrep"
    applications = "Applications"


class ContainerHostBatchBindMountEntry(Model):
    """One Batch host directory mounted into the task's container."""

    _attribute_map = {
        "source": {"key": "source", "type": "ContainerHostDataPath"},
        "is_read_only": {"key": "isReadOnly", "type": "bool"},
    }

    def __init__(self, *, source: Any = None, is_read_only: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.source = source
        self.is_read_only = is_read_only


class TaskContainerSettings(_azure.TaskContainerSettings):
    """azure-batch 14.2's container settings plus ``container_host_batch_bind_mounts``."""

    _attribute_map = {
        **_azure.TaskContainerSettings._attribute_map,
        "container_host_batch_bind_mounts": {
            "key": "containerHostBatchBindMounts",
            "type": "[ContainerHostBatchBindMountEntry]",
        },
    }

    def __init__(self, *, container_host_batch_bind_mounts: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.container_host_batch_bind_mounts = container_host_batch_bind_mounts


class ComputeNodeIdentityReference(_azure.ComputeNodeIdentityReference):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class ContainerRegistry(_azure.ContainerRegistry):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class ResourceFile(_azure.ResourceFile):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class EnvironmentSetting(_azure.EnvironmentSetting):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class TaskConstraints(_azure.TaskConstraints):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class AutoUserSpecification(_azure.AutoUserSpecification):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class UserIdentity(_azure.UserIdentity):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class JobPreparationTask(_azure.JobPreparationTask):
    """azure-batch 14.2's class; its container settings resolve to this package's subclass."""


class JobReleaseTask(_azure.JobReleaseTask):
    """azure-batch 14.2's class; its container settings resolve to this package's subclass."""


class NameValuePair(_azure.NameValuePair):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class TaskFailureInformation(_azure.TaskFailureInformation):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class TaskContainerExecutionInformation(_azure.TaskContainerExecutionInformation):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class JobPreparationTaskExecutionInformation(_azure.JobPreparationTaskExecutionInformation):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class JobReleaseTaskExecutionInformation(_azure.JobReleaseTaskExecutionInformation):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class JobPreparationAndReleaseTaskExecutionInformation(_azure.JobPreparationAndReleaseTaskExecutionInformation):
    """azure-batch 14.2's class, resolved in this package's namespace."""


class JobPreparationAndRelease(Model):
    """The two task properties of a Job - Add body (``JobAddParameter``'s, under the same keys)."""

    _attribute_map = {
        "job_preparation_task": _azure.JobAddParameter._attribute_map["job_preparation_task"],
        "job_release_task": _azure.JobAddParameter._attribute_map["job_release_task"],
    }

    def __init__(self, *, job_preparation_task: Any = None, job_release_task: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.job_preparation_task = job_preparation_task
        self.job_release_task = job_release_task
