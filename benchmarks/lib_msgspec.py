"""msgspec Structs of the same REST shape (camelCase names, defaults omitted)."""

from __future__ import annotations

import datetime
import sys
from typing import Any, Literal

import msgspec

from benchmarks import payload


NAME = "msgspec"
IMPORT = "msgspec"


class _Base(msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True):
    pass


class ComputeNodeIdentityReference(_Base, kw_only=True):
    resource_id: str | None = None


class ContainerRegistry(_Base, kw_only=True):
    user_name: str | None = msgspec.field(default=None, name="username")
    password: str | None = None
    registry_server: str | None = None
    identity_reference: ComputeNodeIdentityReference | None = None


class TaskContainerSettings(_Base, kw_only=True):
    container_run_options: str | None = None
    image_name: str
    registry: ContainerRegistry | None = None
    working_directory: Literal["taskWorkingDirectory", "containerImageDefault"] | None = None


class ResourceFile(_Base, kw_only=True):
    auto_storage_container_name: str | None = None
    storage_container_url: str | None = None
    http_url: str | None = None
    blob_prefix: str | None = None
    file_path: str | None = None
    file_mode: str | None = None
    identity_reference: ComputeNodeIdentityReference | None = None


class EnvironmentSetting(_Base, kw_only=True):
    name: str
    value: str | None = None


class TaskConstraints(_Base, kw_only=True):
    max_wall_clock_time: datetime.timedelta | None = None
    retention_time: datetime.timedelta | None = None
    max_task_retry_count: int | None = None


class AutoUserSpecification(_Base, kw_only=True):
    scope: Literal["task", "pool"] | None = None
    elevation_level: Literal["nonadmin", "admin"] | None = None


class UserIdentity(_Base, kw_only=True):
    user_name: str | None = msgspec.field(default=None, name="username")
    auto_user: AutoUserSpecification | None = None


class JobPreparationTask(_Base, kw_only=True):
    id: str | None = None
    command_line: str
    container_settings: TaskContainerSettings | None = None
    resource_files: list[ResourceFile] | None = None
    environment_settings: list[EnvironmentSetting] | None = None
    constraints: TaskConstraints | None = None
    wait_for_success: bool | None = None
    user_identity: UserIdentity | None = None
    rerun_on_node_reboot_after_success: bool | None = None


class NameValuePair(_Base, kw_only=True):
    name: str | None = None
    value: str | None = None


class TaskFailureInformation(_Base, kw_only=True):
    category: Literal["usererror", "servererror"]
    code: str | None = None
    message: str | None = None
    details: list[NameValuePair] | None = None


class TaskContainerExecutionInformation(_Base, kw_only=True):
    container_id: str | None = None
    state: str | None = None
    error: str | None = None


class _TaskExecutionInformation(_Base, kw_only=True):
    """What the two tasks' execution information share."""

    start_time: datetime.datetime
    end_time: datetime.datetime | None = None
    state: Literal["running", "completed"]
    task_root_directory: str | None = None
    task_root_directory_url: str | None = None
    exit_code: int | None = None
    container_info: TaskContainerExecutionInformation | None = None
    failure_info: TaskFailureInformation | None = None
    result: Literal["success", "failure"] | None = None


class JobPreparationTaskExecutionInformation(_TaskExecutionInformation, kw_only=True):
    retry_count: int
    last_retry_time: datetime.datetime | None = None


class JobReleaseTaskExecutionInformation(_TaskExecutionInformation, kw_only=True):
    pass


class JobPreparationAndReleaseTaskExecutionInformation(_Base, kw_only=True):
    pool_id: str | None = None
    node_id: str | None = None
    node_url: str | None = None
    job_preparation_task_execution_info: JobPreparationTaskExecutionInformation | None = None
    job_release_task_execution_info: JobReleaseTaskExecutionInformation | None = None


class StatusPage(msgspec.Struct, kw_only=True):
    value: list[JobPreparationAndReleaseTaskExecutionInformation]
    next_link: str | None = msgspec.field(default=None, name="odata.nextLink")


def construct(v: dict[str, Any]) -> JobPreparationTask:
    return payload.build(sys.modules[__name__], v)


def serialize(task: JobPreparationTask) -> dict[str, Any]:
    return msgspec.to_builtins(task)


def deserialize(body: dict[str, Any]) -> JobPreparationTask:
    return msgspec.convert(body, type=JobPreparationTask)


def read_status(page: dict[str, Any]) -> list[JobPreparationAndReleaseTaskExecutionInformation]:
    return msgspec.convert(page, type=StatusPage).value


validate = None
as_dict = None
from_dict = None
