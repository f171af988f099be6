"""msgspec Structs of the same REST shape (camelCase names, defaults omitted)."""

from __future__ import annotations

import datetime
from typing import Any, Literal

import msgspec

NAME = "msgspec"
IMPORT = "msgspec"


class _Base(msgspec.Struct, rename="camel", omit_defaults=True, kw_only=True):
    pass


class IdentityReference(_Base, kw_only=True):
    resource_id: str | None = None


class Registry(_Base, kw_only=True):
    user_name: str | None = msgspec.field(default=None, name="username")
    password: str | None = None
    registry_server: str | None = None
    identity_reference: IdentityReference | None = None


class ContainerSettings(_Base, kw_only=True):
    container_run_options: str | None = None
    image_name: str
    registry: Registry | None = None
    working_directory: Literal["taskWorkingDirectory", "containerImageDefault"] | None = None


class ResourceFile(_Base, kw_only=True):
    auto_storage_container_name: str | None = None
    storage_container_url: str | None = None
    http_url: str | None = None
    blob_prefix: str | None = None
    file_path: str | None = None
    file_mode: str | None = None
    identity_reference: IdentityReference | None = None


class EnvironmentSetting(_Base, kw_only=True):
    name: str
    value: str | None = None


class Constraints(_Base, kw_only=True):
    max_wall_clock_time: datetime.timedelta | None = None
    retention_time: datetime.timedelta | None = None
    max_task_retry_count: int | None = None


class AutoUser(_Base, kw_only=True):
    scope: Literal["task", "pool"] | None = None
    elevation_level: Literal["nonadmin", "admin"] | None = None


class UserIdentity(_Base, kw_only=True):
    user_name: str | None = msgspec.field(default=None, name="username")
    auto_user: AutoUser | None = None


class JobPreparationTask(_Base, kw_only=True):
    id: str | None = None
    command_line: str
    container_settings: ContainerSettings | None = None
    resource_files: list[ResourceFile] | None = None
    environment_settings: list[EnvironmentSetting] | None = None
    constraints: Constraints | None = None
    wait_for_success: bool | None = None
    user_identity: UserIdentity | None = None
    rerun_on_node_reboot_after_success: bool | None = None


def construct(v: dict[str, Any]) -> JobPreparationTask:
    cs = v["container_settings"]
    reg = cs["registry"]
    return JobPreparationTask(
        id=v["id"],
        command_line=v["command_line"],
        container_settings=ContainerSettings(
            container_run_options=cs["container_run_options"],
            image_name=cs["image_name"],
            registry=Registry(registry_server=reg["registry_server"], identity_reference=IdentityReference(**reg["identity_reference"])),
            working_directory=cs["working_directory"],
        ),
        resource_files=[ResourceFile(**f) for f in v["resource_files"]],
        environment_settings=[EnvironmentSetting(**s) for s in v["environment_settings"]],
        constraints=Constraints(**v["constraints"]),
        user_identity=UserIdentity(auto_user=AutoUser(**v["user_identity"]["auto_user"])),
        wait_for_success=v["wait_for_success"],
        rerun_on_node_reboot_after_success=v["rerun_on_node_reboot_after_success"],
    )


def serialize(task: JobPreparationTask) -> dict[str, Any]:
    return msgspec.to_builtins(task)  # type: ignore[no-any-return]


def deserialize(body: dict[str, Any]) -> JobPreparationTask:
    return msgspec.convert(body, type=JobPreparationTask)


validate = None
as_dict = None
from_dict = None
