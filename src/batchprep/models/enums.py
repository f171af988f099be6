"""The string enums of the Job Preparation Task family, with the REST API's values.

Member names are azure-batch 14.x's (``ErrorCategory.user_error``); azure-batch 15.x spells them in
capitals (``BatchErrorSourceCategory.USER_ERROR``), see docs/interop.md.

Every field typed with one of these also takes the plain string; unknown strings (from a newer
service) are kept and sent back as they are.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from batchprep._registry import register_enum

__all__ = [
    "RestEnum",
    "AutoUserScope",
    "ContainerHostDataPath",
    "ContainerWorkingDirectory",
    "ElevationLevel",
    "ErrorCategory",
    "JobPreparationTaskState",
    "JobReleaseTaskState",
    "TaskExecutionResult",
]


class RestEnum(str, Enum):
    """A string enum of REST values, as the Batch service spells them.

    ``str()`` and ``format()`` give the REST value (``"admin"``), as for `enum.StrEnum`, and looking
    a member up by value ignores letter case, as the service does: ``ElevationLevel("Admin")`` is
    ``ElevationLevel.admin``. A model field typed with one of these stores the member whenever it
    is given a known value in any letter case (other text, from a newer service, is kept as it is).
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            folded = value.lower()
            for member in cls:
                if member.value.lower() == folded:
                    return member
        return None


@register_enum
class ContainerWorkingDirectory(RestEnum):
    """Where a containerized task starts."""

    #: Batch's own task working directory, where the resource files were downloaded.
    task_working_directory = "taskWorkingDirectory"
    #: The working directory the container image defines; resource files are not there.
    container_image_default = "containerImageDefault"


@register_enum
class ElevationLevel(RestEnum):
    """Whether the auto-user runs with administrator rights."""

    #: A standard user without elevated access.
    non_admin = "nonadmin"
    #: A user with elevated (administrator/root) access.
    admin = "admin"


@register_enum
class AutoUserScope(RestEnum):
    """How widely an auto-user account is shared on a node."""

    #: A new account for this task only.
    task = "task"
    #: The account shared by every task of the pool on that node.
    pool = "pool"


@register_enum
class ContainerHostDataPath(RestEnum):
    """Batch directories on the host that can be mounted into a task's container."""

    #: The directory shared by every task on the node.
    shared = "Shared"
    #: The start task's directory.
    startup = "Startup"
    #: The directory with the node's virtual file system mounts.
    vfs_mounts = "VfsMounts"
    #: The task's own directory.
    task = "Task"
    #: The Job Preparation Task's directory.
    job_prep = "JobPrep"
    #: The directory where application packages are installed.
    applications = "Applications"


@register_enum
class JobPreparationTaskState(RestEnum):
    """Where a Job Preparation Task is on one node."""

    #: It is running (a retry or a restart after a reboot included).
    running = "running"
    #: It exited, with success or failure (see ``result``), or could not start.
    completed = "completed"


@register_enum
class JobReleaseTaskState(RestEnum):
    """Where a Job Release Task is on one node."""

    #: It is running (again after a reboot included).
    running = "running"
    #: It exited, with success or failure (see ``result``), or could not start.
    completed = "completed"


@register_enum
class TaskExecutionResult(RestEnum):
    """How a task's run ended."""

    #: It exited with code 0.
    success = "success"
    #: It failed: a non-zero exit code, or it could not start (see ``failure_info``).
    failure = "failure"


@register_enum
class ErrorCategory(RestEnum):
    """Whose side a task failure is on."""

    #: Something the task's author can fix: the command, a resource file's URL, an image name...
    user_error = "usererror"
    #: A problem of the Batch service or the node.
    server_error = "servererror"
