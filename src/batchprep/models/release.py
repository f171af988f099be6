"""The Job Release Task: the Job Preparation Task's twin, run on each node when the job ends."""

from __future__ import annotations

import datetime

from batchprep import service_rules
from batchprep._fields import field
from batchprep.model import Model
from batchprep.models.container import TaskContainerSettings
from batchprep.models.task import (
    TASK_ID_MESSAGES,
    TASK_ID_RULE_NAMES,
    TASK_ID_RULES,
    EnvironmentSetting,
    ResourceFile,
    UserIdentity,
)

__all__ = ["JobReleaseTask"]


class JobReleaseTask(Model):
    """The task Batch runs on a node when the job ends, on each node that ran the job's preparation task.

    It runs when the job is terminated or deleted, reaches its own wall-clock limit, or ends with its
    job manager; usually to undo what the Job Preparation Task did (delete shared files, stop a
    service, upload logs). A job may have one only if it has a Job Preparation Task, and the two IDs
    must differ. It runs in the background, taking no task slot, and again if the node reboots while
    it runs; the job completes only when every release task is done, but a failed release task does
    not fail the job. A node reimaged after its preparation task ran, and given no task of the job
    since, does not run it.

    Attributes:
        id: The task's ID: at most 64 characters of ``A-Z a-z 0-9 _ -``. The service uses
            ``jobrelease`` when omitted; no other task of the job may use the same ID
            (``TaskIdSameAsJobReleaseTask``).
        command_line: What to run. Required. It does not run in a shell: to use shell features, call one
            (``/bin/sh -c "..."`` or ``cmd /c ...``).
        container_settings: Run the task in a container.
        resource_files: Files to download into the working directory first.
        environment_settings: Environment variables of the task.
        max_wall_clock_time: The longest the task may run on a node, counted from its start; the service
            stops it then. At most 15 minutes, which is also the default: the service refuses a longer
            limit (400).
        retention_time: How long the task's directory is kept on the node after the task finishes;
            7 days when omitted (or until the node is removed).
        user_identity: The account to run as; by default a non-admin auto-user.
    """

    id: str | None = field(
        "id", "str", default=None, service_rules=TASK_ID_RULES, rule_names=TASK_ID_RULE_NAMES, messages=TASK_ID_MESSAGES
    )
    command_line: str = field("commandLine", "str")
    container_settings: TaskContainerSettings | None = field(
        "containerSettings", "TaskContainerSettings", default=None
    )
    resource_files: list[ResourceFile] | None = field("resourceFiles", "[ResourceFile]", default=None)
    environment_settings: list[EnvironmentSetting] | None = field(
        "environmentSettings", "[EnvironmentSetting]", default=None
    )
    max_wall_clock_time: datetime.timedelta | None = field("maxWallClockTime", "duration", default=None)
    retention_time: datetime.timedelta | None = field("retentionTime", "duration", default=None)
    user_identity: UserIdentity | None = field("userIdentity", "UserIdentity", default=None)

    _bp_checks = (
        service_rules.ENVIRONMENT_NAMES_UNIQUE,
        service_rules.DURATION_SPANS,
        service_rules.RELEASE_WALL_CLOCK_LIMIT,
    )
