"""The Job Preparation Task family: the task, its release twin, their parts, and the status per node."""

from batchprep.models.container import (
    ComputeNodeIdentityReference,
    ContainerHostBatchBindMountEntry,
    ContainerRegistry,
    TaskContainerSettings,
)
from batchprep.models.enums import (
    AutoUserScope,
    ContainerHostDataPath,
    ContainerWorkingDirectory,
    ElevationLevel,
    ErrorCategory,
    JobPreparationTaskState,
    JobReleaseTaskState,
    RestEnum,
    TaskExecutionResult,
)
from batchprep.models.job import JobPreparationAndRelease
from batchprep.models.release import JobReleaseTask
from batchprep.models.status import (
    JobPreparationAndReleaseTaskExecutionInformation,
    JobPreparationTaskExecutionInformation,
    JobReleaseTaskExecutionInformation,
    NameValuePair,
    TaskContainerExecutionInformation,
    TaskFailureInformation,
)
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
    "ErrorCategory",
    "JobPreparationAndRelease",
    "JobPreparationAndReleaseTaskExecutionInformation",
    "JobPreparationTask",
    "JobPreparationTaskExecutionInformation",
    "JobPreparationTaskState",
    "JobReleaseTask",
    "JobReleaseTaskExecutionInformation",
    "JobReleaseTaskState",
    "RestEnum",
    "NameValuePair",
    "ResourceFile",
    "TaskConstraints",
    "TaskContainerExecutionInformation",
    "TaskContainerSettings",
    "TaskExecutionResult",
    "TaskFailureInformation",
    "UserIdentity",
]
