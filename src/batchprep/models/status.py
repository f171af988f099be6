"""What the service reports per node about a job's preparation and release tasks.

These are the items of *List Preparation and Release Task Status* (``GET
/jobs/{jobId}/jobpreparationandreleasetaskstatus``): one entry per node where the job's preparation
task ran.  Timestamps are ``datetime`` values read and written as msrest reads and writes
``iso-8601``.  `batchprep.status` reads whole list pages and follows them.
"""

from __future__ import annotations

import datetime

from batchprep import service_rules
from batchprep._fields import field
from batchprep.model import Model
from batchprep.models.enums import ErrorCategory, JobPreparationTaskState, JobReleaseTaskState, TaskExecutionResult

__all__ = [
    "JobPreparationAndReleaseTaskExecutionInformation",
    "JobPreparationTaskExecutionInformation",
    "JobReleaseTaskExecutionInformation",
    "NameValuePair",
    "TaskContainerExecutionInformation",
    "TaskFailureInformation",
]

_INT32_NAMES = {"minimum": "int32", "maximum": "int32"}


class NameValuePair(Model):
    """A name and its value, as the details of a failure.

    Attributes:
        name: The name.
        value: The value.
    """

    name: str | None = field("name", "str", default=None)
    value: str | None = field("value", "str", default=None)


class TaskFailureInformation(Model):
    """Why a task failed: a non-zero exit code, or an error before or while starting it.

    Attributes:
        category: ``usererror`` (the task's author can fix it) or ``servererror``. Required.
        code: A code such as ``FailureExitCode``, ``BlobNotFound``, ``ContainerInvalidImage``,
            ``TaskEnded`` (the wall-clock limit) or ``CommandProgramNotFound``.
        message: What went wrong, in words.
        details: More facts about the failure, as name and value pairs.
    """

    category: ErrorCategory | str = field("category", "ErrorCategory")
    code: str | None = field("code", "str", default=None)
    message: str | None = field("message", "str", default=None)
    details: list[NameValuePair] | None = field("details", "[NameValuePair]", default=None)


class TaskContainerExecutionInformation(Model):
    """The container a task ran in, as the container engine reports it.

    Attributes:
        container_id: The container's ID.
        state: The container's state (the engine's word, such as ``exited``).
        error: The engine's detailed error, if any.
    """

    container_id: str | None = field("containerId", "str", default=None)
    state: str | None = field("state", "str", default=None)
    error: str | None = field("error", "str", default=None)


class JobPreparationTaskExecutionInformation(Model):
    """How the job's preparation task went on one node.

    Attributes:
        start_time: When the task last started (a retry or a restart after a reboot included).
            Required.
        end_time: When it completed; set only when ``state`` is ``completed``.
        state: ``running`` or ``completed``. Required.
        task_root_directory: The task's root directory on the node.
        task_root_directory_url: The URL of that directory, for the Batch file APIs.
        exit_code: The command's exit code; set only when ``state`` is ``completed``. When the process
            was killed (the wall-clock limit), the operating system may have chosen it.
        container_info: The container the task ran in, for a containerized task.
        failure_info: Why it failed; set only when it failed.
        retry_count: How many times the service retried it after a non-zero exit code (restarts after a
            node recovery do not count). Required.
        last_retry_time: When the latest retry started; set only when ``retry_count`` is not 0.
        result: ``success`` or ``failure``; set only when ``state`` is ``completed``.
    """

    start_time: datetime.datetime = field("startTime", "iso-8601")
    end_time: datetime.datetime | None = field("endTime", "iso-8601", default=None)
    state: JobPreparationTaskState | str = field("state", "JobPreparationTaskState")
    task_root_directory: str | None = field("taskRootDirectory", "str", default=None)
    task_root_directory_url: str | None = field("taskRootDirectoryUrl", "str", default=None)
    exit_code: int | None = field(
        "exitCode", "int", default=None, service_rules=service_rules.INT32, rule_names=_INT32_NAMES
    )
    container_info: TaskContainerExecutionInformation | None = field(
        "containerInfo", "TaskContainerExecutionInformation", default=None
    )
    failure_info: TaskFailureInformation | None = field("failureInfo", "TaskFailureInformation", default=None)
    retry_count: int = field("retryCount", "int", service_rules=service_rules.INT32, rule_names=_INT32_NAMES)
    last_retry_time: datetime.datetime | None = field("lastRetryTime", "iso-8601", default=None)
    result: TaskExecutionResult | str | None = field("result", "TaskExecutionResult", default=None)


class JobReleaseTaskExecutionInformation(Model):
    """How the job's release task went on one node (it is not retried: no retry count).

    Attributes:
        start_time: When the task last started (again after a reboot included). Required.
        end_time: When it completed; set only when ``state`` is ``completed``.
        state: ``running`` or ``completed``. Required.
        task_root_directory: The task's root directory on the node.
        task_root_directory_url: The URL of that directory, for the Batch file APIs.
        exit_code: The command's exit code; set only when ``state`` is ``completed``.
        container_info: The container the task ran in, for a containerized task.
        failure_info: Why it failed; set only when it failed.
        result: ``success`` or ``failure``; set only when ``state`` is ``completed``.
    """

    start_time: datetime.datetime = field("startTime", "iso-8601")
    end_time: datetime.datetime | None = field("endTime", "iso-8601", default=None)
    state: JobReleaseTaskState | str = field("state", "JobReleaseTaskState")
    task_root_directory: str | None = field("taskRootDirectory", "str", default=None)
    task_root_directory_url: str | None = field("taskRootDirectoryUrl", "str", default=None)
    exit_code: int | None = field(
        "exitCode", "int", default=None, service_rules=service_rules.INT32, rule_names=_INT32_NAMES
    )
    container_info: TaskContainerExecutionInformation | None = field(
        "containerInfo", "TaskContainerExecutionInformation", default=None
    )
    failure_info: TaskFailureInformation | None = field("failureInfo", "TaskFailureInformation", default=None)
    result: TaskExecutionResult | str | None = field("result", "TaskExecutionResult", default=None)


class JobPreparationAndReleaseTaskExecutionInformation(Model):
    """One node's entry in the job's preparation and release task status list.

    Attributes:
        pool_id: The pool the node belongs to.
        node_id: The node's ID.
        node_url: The node's URL.
        job_preparation_task_execution_info: How the preparation task went there.
        job_release_task_execution_info: How the release task went there; set only once it has run.
    """

    pool_id: str | None = field("poolId", "str", default=None)
    node_id: str | None = field("nodeId", "str", default=None)
    node_url: str | None = field("nodeUrl", "str", default=None)
    job_preparation_task_execution_info: JobPreparationTaskExecutionInformation | None = field(
        "jobPreparationTaskExecutionInfo", "JobPreparationTaskExecutionInformation", default=None
    )
    job_release_task_execution_info: JobReleaseTaskExecutionInformation | None = field(
        "jobReleaseTaskExecutionInfo", "JobReleaseTaskExecutionInformation", default=None
    )
