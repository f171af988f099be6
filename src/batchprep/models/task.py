"""The Job Preparation Task and the pieces of a task it is made of."""

from __future__ import annotations

import datetime

from batchprep import service_rules
from batchprep._fields import field
from batchprep.model import Model
from batchprep.models.container import ComputeNodeIdentityReference, TaskContainerSettings
from batchprep.models.enums import AutoUserScope, ElevationLevel
from batchprep.redact import mask_text

__all__ = [
    "AutoUserSpecification",
    "EnvironmentSetting",
    "JobPreparationTask",
    "ResourceFile",
    "TaskConstraints",
    "UserIdentity",
]

#: The Batch service's rule for task IDs: 1 to 64 of these ASCII characters.
TASK_ID_PATTERN = r"\A[A-Za-z0-9_-]+\Z"
TASK_ID_MAX_LENGTH = 64
#: The declaration of a task ID's service rules, shared by the Job Preparation and Job Release Tasks.
TASK_ID_RULES = {"max_length": TASK_ID_MAX_LENGTH, "pattern": TASK_ID_PATTERN}
TASK_ID_RULE_NAMES = {"max_length": "task-id-length", "pattern": "task-id-characters"}
TASK_ID_MESSAGES = {"pattern": "may contain only letters A-Z and a-z, digits, '-' and '_' (at least one)"}
#: Unix permission bits in octal, as ``chmod`` takes them (``644``, ``0755``).
FILE_MODE_PATTERN = r"\A[0-7]{3,4}\Z"


class ResourceFile(Model):
    """A file, or a blob container's files, that Batch downloads to the node before the task runs.

    Exactly one source is given: ``auto_storage_container_name``, ``storage_container_url`` or
    ``http_url``.

    Attributes:
        auto_storage_container_name: A container of the Batch account's auto-storage account.
        storage_container_url: A blob container URL the node can read (a SAS, public access or a
            managed identity). The ``sig`` of a SAS is masked in ``repr()``.
        http_url: The URL of one file the node can read. The ``sig`` of a SAS is masked in ``repr()``.
        blob_prefix: With a container source, only blobs whose names start with this are downloaded.
        file_path: Where to put the file(s), relative to the task's working directory. Required with
            ``http_url``; it may not leave the working directory (no ``..``).
        file_mode: The octal permission bits (e.g. ``'0755'``) for Linux nodes; ignored on Windows.
        identity_reference: The managed identity used to read ``storage_container_url`` or ``http_url``.
    """

    auto_storage_container_name: str | None = field("autoStorageContainerName", "str", default=None)
    storage_container_url: str | None = field(
        "storageContainerUrl", "str", default=None, redact=mask_text
    )
    http_url: str | None = field("httpUrl", "str", default=None, redact=mask_text)
    blob_prefix: str | None = field("blobPrefix", "str", default=None)
    file_path: str | None = field("filePath", "str", default=None)
    file_mode: str | None = field(
        "fileMode",
        "str",
        default=None,
        service_rules={"pattern": FILE_MODE_PATTERN},
        rule_names={"pattern": "resource-file-mode-octal"},
        messages={"pattern": "must be permission bits in octal, such as '0755'"},
    )
    identity_reference: ComputeNodeIdentityReference | None = field(
        "identityReference", "ComputeNodeIdentityReference", default=None
    )

    _bp_checks = (service_rules.RESOURCE_FILE_SOURCE, service_rules.RESOURCE_FILE_PATHS, service_rules.RESOURCE_FILE_NAME)


class EnvironmentSetting(Model):
    """One environment variable of the task's process.

    Attributes:
        name: The variable's name. Required.
        value: The variable's value.
    """

    name: str = field("name", "str")
    value: str | None = field("value", "str", default=None)


class TaskConstraints(Model):
    """Time and retry limits of a task.

    Attributes:
        max_wall_clock_time: The longest the task may run, counted from its start; the service stops it
            after that, retries or not. Unlimited when omitted.
        retention_time: How long the task's directory is kept on the node after the task finishes;
            7 days when omitted (or until the job is deleted).
        max_task_retry_count: How many times a failed run (non-zero exit code) is retried: 0 means no
            retry, -1 retries without limit. Retries after node recovery operations do not count.
    """

    max_wall_clock_time: datetime.timedelta | None = field("maxWallClockTime", "duration", default=None)
    retention_time: datetime.timedelta | None = field("retentionTime", "duration", default=None)
    max_task_retry_count: int | None = field(
        "maxTaskRetryCount",
        "int",
        default=None,
        service_rules={"minimum": -1, "maximum": service_rules.INT32["maximum"]},
        rule_names={"minimum": "retry-count-minimum", "maximum": "int32"},
    )

    _bp_checks = (service_rules.DURATION_SPANS,)


class AutoUserSpecification(Model):
    """An account Batch creates on the node to run the task.

    Attributes:
        scope: ``pool`` shares one account across the pool's tasks on a node; ``task`` makes one per task.
        elevation_level: ``nonadmin`` (the default) or ``admin``.
    """

    scope: AutoUserScope | str | None = field("scope", "AutoUserScope", default=None)
    elevation_level: ElevationLevel | str | None = field("elevationLevel", "ElevationLevel", default=None)


class UserIdentity(Model):
    """The account the task runs as: a named user of the pool, or an auto-user (exactly one of the two).

    Attributes:
        user_name: A user account defined on the pool (REST key ``username``).
        auto_user: An auto-user account to run as instead.
    """

    user_name: str | None = field("username", "str", default=None)
    auto_user: AutoUserSpecification | None = field("autoUser", "AutoUserSpecification", default=None)

    _bp_checks = (service_rules.USER_IDENTITY_EXCLUSIVE,)


class JobPreparationTask(Model):
    """The task Batch runs on a node before any other task of the job runs there.

    Typical uses: download resource files every task of the job needs (to the node's shared directory),
    or start a service the job's tasks talk to. The task can run more than once on the same node (after a
    reboot, a reimage, or a recovery retry that does not count against ``max_task_retry_count``), so write
    its command to be idempotent. If it fails for good, the node takes no task of this job until it is
    reimaged, but stays available to other jobs.

    Attributes:
        command_line: What to run. Required. It does not run in a shell: to use shell features, call one
            (``/bin/sh -c "..."`` or ``cmd /c ...``). Refer to files by paths relative to the task's
            working directory or through Batch's environment variables.
        id: The task's ID: at most 64 characters of ``A-Z a-z 0-9 _ -``. The service uses
            ``jobpreparation`` when omitted; no other task of the job may use the same ID
            (``TaskIdSameAsJobPreparationTask``, HTTP 409).
        container_settings: Run the task in a container.
        resource_files: Files to download into the working directory first. The list has a size limit
            (``RequestEntityTooLarge``); use zip files, application packages or containers to stay under.
        environment_settings: Environment variables of the task.
        constraints: Time and retry limits.
        wait_for_success: Wait for this task to exit with code 0 before any other task of the job starts
            on the node (the default, ``True``), retrying up to ``constraints.max_task_retry_count``. With
            ``False`` the job's tasks may start while it runs, even if it fails.
        user_identity: The account to run as; by default a non-admin user unique to the task (Windows)
            or to the pool (Linux).
        rerun_on_node_reboot_after_success: Run the task again after a node reboot even though it
            succeeded before (the default, ``True``). It always runs again after a reimage, or if it had
            not finished.
    """

    id: str | None = field(
        "id",
        "str",
        default=None,
        service_rules=TASK_ID_RULES,
        rule_names=TASK_ID_RULE_NAMES,
        messages=TASK_ID_MESSAGES,
    )
    command_line: str = field("commandLine", "str")
    container_settings: TaskContainerSettings | None = field(
        "containerSettings", "TaskContainerSettings", default=None
    )
    resource_files: list[ResourceFile] | None = field("resourceFiles", "[ResourceFile]", default=None)
    environment_settings: list[EnvironmentSetting] | None = field(
        "environmentSettings", "[EnvironmentSetting]", default=None
    )
    constraints: TaskConstraints | None = field("constraints", "TaskConstraints", default=None)
    wait_for_success: bool | None = field("waitForSuccess", "bool", default=None)
    user_identity: UserIdentity | None = field("userIdentity", "UserIdentity", default=None)
    rerun_on_node_reboot_after_success: bool | None = field("rerunOnNodeRebootAfterSuccess", "bool", default=None)

    _bp_checks = (service_rules.ENVIRONMENT_NAMES_UNIQUE,)
