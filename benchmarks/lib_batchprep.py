"""batchprep on the reference workload."""

from __future__ import annotations

from typing import Any

import batchprep as bp

NAME = "batchprep"
IMPORT = "batchprep"


def construct(v: dict[str, Any]) -> bp.JobPreparationTask:
    cs = v["container_settings"]
    reg = cs["registry"]
    return bp.JobPreparationTask(
        id=v["id"],
        command_line=v["command_line"],
        container_settings=bp.TaskContainerSettings(
            container_run_options=cs["container_run_options"],
            image_name=cs["image_name"],
            registry=bp.ContainerRegistry(
                registry_server=reg["registry_server"],
                identity_reference=bp.ComputeNodeIdentityReference(**reg["identity_reference"]),
            ),
            working_directory=cs["working_directory"],
        ),
        resource_files=[bp.ResourceFile(**f) for f in v["resource_files"]],
        environment_settings=[bp.EnvironmentSetting(**s) for s in v["environment_settings"]],
        constraints=bp.TaskConstraints(**v["constraints"]),
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(**v["user_identity"]["auto_user"])),
        wait_for_success=v["wait_for_success"],
        rerun_on_node_reboot_after_success=v["rerun_on_node_reboot_after_success"],
    )


def serialize(task: bp.JobPreparationTask) -> dict[str, Any]:
    return task.serialize()


def deserialize(body: dict[str, Any]) -> bp.JobPreparationTask:
    return bp.JobPreparationTask.deserialize(body)


def validate(task: bp.JobPreparationTask) -> Any:
    return task.validate()


def as_dict(task: bp.JobPreparationTask) -> dict[str, Any]:
    return task.as_dict()


def from_dict(data: dict[str, Any]) -> bp.JobPreparationTask:
    return bp.JobPreparationTask.from_dict(data)
