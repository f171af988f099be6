"""msrest: azure-batch 14.2.0's models on the reference workload."""

from __future__ import annotations

from typing import Any

import azure.batch.models as m

NAME = "msrest"
IMPORT = "azure.batch.models"


def construct(v: dict[str, Any]) -> Any:
    cs = v["container_settings"]
    reg = cs["registry"]
    return m.JobPreparationTask(
        id=v["id"],
        command_line=v["command_line"],
        container_settings=m.TaskContainerSettings(
            container_run_options=cs["container_run_options"],
            image_name=cs["image_name"],
            registry=m.ContainerRegistry(
                registry_server=reg["registry_server"],
                identity_reference=m.ComputeNodeIdentityReference(**reg["identity_reference"]),
            ),
            working_directory=cs["working_directory"],
        ),
        resource_files=[m.ResourceFile(**f) for f in v["resource_files"]],
        environment_settings=[m.EnvironmentSetting(**s) for s in v["environment_settings"]],
        constraints=m.TaskConstraints(**v["constraints"]),
        user_identity=m.UserIdentity(auto_user=m.AutoUserSpecification(**v["user_identity"]["auto_user"])),
        wait_for_success=v["wait_for_success"],
        rerun_on_node_reboot_after_success=v["rerun_on_node_reboot_after_success"],
    )


def serialize(task: Any) -> dict[str, Any]:
    return task.serialize()


def deserialize(body: dict[str, Any]) -> Any:
    return m.JobPreparationTask.deserialize(body)


def validate(task: Any) -> Any:
    return task.validate()


def as_dict(task: Any) -> dict[str, Any]:
    return task.as_dict()


def from_dict(data: dict[str, Any]) -> Any:
    return m.JobPreparationTask.from_dict(data)
