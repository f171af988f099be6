"""The Job Preparation Task model family."""

from batchprep.models.container import (
    ComputeNodeIdentityReference,
    ContainerHostBatchBindMountEntry,
    ContainerRegistry,
    TaskContainerSettings,
)
from batchprep.models.enums import AutoUserScope, ContainerHostDataPath, ContainerWorkingDirectory, ElevationLevel
from batchprep.models.task import (
    AutoUserSpecification,
    EnvironmentSetting,
    JobPreparationTask,
    ResourceFile,
    TaskConstraints,
    UserIdentity,
)

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
    "JobPreparationTask",
    "ResourceFile",
    "TaskConstraints",
    "TaskContainerSettings",
    "UserIdentity",
]
