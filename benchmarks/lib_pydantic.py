"""pydantic v2 models of the same REST shape (aliases, exclude_none, JSON mode)."""

from __future__ import annotations

import datetime
import sys
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from benchmarks import payload


NAME = "pydantic"
IMPORT = "pydantic"


class _Base(BaseModel):
    model_config = ConfigDict(populate_by_name=True, extra="allow")


class ComputeNodeIdentityReference(_Base):
    resource_id: str | None = Field(None, alias="resourceId")


class ContainerRegistry(_Base):
    user_name: str | None = Field(None, alias="username")
    password: str | None = None
    registry_server: str | None = Field(None, alias="registryServer")
    identity_reference: ComputeNodeIdentityReference | None = Field(None, alias="identityReference")


class TaskContainerSettings(_Base):
    container_run_options: str | None = Field(None, alias="containerRunOptions")
    image_name: str = Field(alias="imageName")
    registry: ContainerRegistry | None = None
    working_directory: Literal["taskWorkingDirectory", "containerImageDefault"] | None = Field(None, alias="workingDirectory")


class ResourceFile(_Base):
    auto_storage_container_name: str | None = Field(None, alias="autoStorageContainerName")
    storage_container_url: str | None = Field(None, alias="storageContainerUrl")
    http_url: str | None = Field(None, alias="httpUrl")
    blob_prefix: str | None = Field(None, alias="blobPrefix")
    file_path: str | None = Field(None, alias="filePath")
    file_mode: str | None = Field(None, alias="fileMode")
    identity_reference: ComputeNodeIdentityReference | None = Field(None, alias="identityReference")


class EnvironmentSetting(_Base):
    name: str
    value: str | None = None


class TaskConstraints(_Base):
    max_wall_clock_time: datetime.timedelta | None = Field(None, alias="maxWallClockTime")
    retention_time: datetime.timedelta | None = Field(None, alias="retentionTime")
    max_task_retry_count: int | None = Field(None, alias="maxTaskRetryCount")


class AutoUserSpecification(_Base):
    scope: Literal["task", "pool"] | None = None
    elevation_level: Literal["nonadmin", "admin"] | None = Field(None, alias="elevationLevel")


class UserIdentity(_Base):
    user_name: str | None = Field(None, alias="username")
    auto_user: AutoUserSpecification | None = Field(None, alias="autoUser")


class JobPreparationTask(_Base):
    id: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    command_line: str = Field(alias="commandLine")
    container_settings: TaskContainerSettings | None = Field(None, alias="containerSettings")
    resource_files: list[ResourceFile] | None = Field(None, alias="resourceFiles")
    environment_settings: list[EnvironmentSetting] | None = Field(None, alias="environmentSettings")
    constraints: TaskConstraints | None = None
    wait_for_success: bool | None = Field(None, alias="waitForSuccess")
    user_identity: UserIdentity | None = Field(None, alias="userIdentity")
    rerun_on_node_reboot_after_success: bool | None = Field(None, alias="rerunOnNodeRebootAfterSuccess")


def construct(v: dict[str, Any]) -> JobPreparationTask:
    return payload.build(sys.modules[__name__], v)


def serialize(task: JobPreparationTask) -> dict[str, Any]:
    return task.model_dump(mode="json", by_alias=True, exclude_none=True)


def deserialize(body: dict[str, Any]) -> JobPreparationTask:
    return JobPreparationTask.model_validate(body)


validate = None  # pydantic validates on construction
as_dict = None
from_dict = None
