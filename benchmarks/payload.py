"""The reference workload: a fully populated Job Preparation Task with N resource files and N
environment settings, as Python values (to construct models from) and as its REST body."""

from __future__ import annotations

import datetime
from typing import Any

HOUR = datetime.timedelta(hours=1)
WEEK = datetime.timedelta(days=7)


def values(n: int) -> dict[str, Any]:
    """Plain Python values for the tree, keyed like the Python attributes."""
    return {
        "id": "prepare-node",
        "command_line": "/bin/sh -c 'tar -xzf tools.tgz -C $AZ_BATCH_NODE_SHARED_DIR'",
        "container_settings": {
            "container_run_options": "--rm",
            "image_name": "contoso.azurecr.io/tools:2.4",
            "registry": {
                "registry_server": "contoso.azurecr.io",
                "identity_reference": {"resource_id": "/subscriptions/0/resourceGroups/rg/providers/id/pull"},
            },
            "working_directory": "taskWorkingDirectory",
        },
        "resource_files": [
            {
                "http_url": f"https://contoso.blob.core.windows.net/tools/file-{i}.bin?sv=2022-11-02&sig=c2ln",
                "file_path": f"tools/file-{i}.bin",
                "file_mode": "0755",
            }
            for i in range(n)
        ],
        "environment_settings": [{"name": f"SETTING_{i}", "value": f"value-{i}"} for i in range(n)],
        "constraints": {"max_wall_clock_time": HOUR, "retention_time": WEEK, "max_task_retry_count": 3},
        "user_identity": {"auto_user": {"scope": "pool", "elevation_level": "admin"}},
        "wait_for_success": True,
        "rerun_on_node_reboot_after_success": False,
    }


def body(n: int) -> dict[str, Any]:
    """The REST body of the same tree (what the service sends and accepts)."""
    v = values(n)
    return {
        "id": v["id"],
        "commandLine": v["command_line"],
        "containerSettings": {
            "containerRunOptions": "--rm",
            "imageName": "contoso.azurecr.io/tools:2.4",
            "registry": {
                "registryServer": "contoso.azurecr.io",
                "identityReference": {"resourceId": "/subscriptions/0/resourceGroups/rg/providers/id/pull"},
            },
            "workingDirectory": "taskWorkingDirectory",
        },
        "resourceFiles": [
            {"httpUrl": f["http_url"], "filePath": f["file_path"], "fileMode": "0755"} for f in v["resource_files"]
        ],
        "environmentSettings": [{"name": s["name"], "value": s["value"]} for s in v["environment_settings"]],
        "constraints": {"maxWallClockTime": "PT1H", "retentionTime": "P7D", "maxTaskRetryCount": 3},
        "waitForSuccess": True,
        "userIdentity": {"autoUser": {"scope": "pool", "elevationLevel": "admin"}},
        "rerunOnNodeRebootAfterSuccess": False,
    }


def build(models: Any, v: dict[str, Any]) -> Any:
    """Construct the tree from ``values()`` with a library's classes (found by their azure-batch names)."""
    cs = v["container_settings"]
    registry = cs["registry"]
    return models.JobPreparationTask(
        id=v["id"],
        command_line=v["command_line"],
        container_settings=models.TaskContainerSettings(
            container_run_options=cs["container_run_options"],
            image_name=cs["image_name"],
            registry=models.ContainerRegistry(
                registry_server=registry["registry_server"],
                identity_reference=models.ComputeNodeIdentityReference(**registry["identity_reference"]),
            ),
            working_directory=cs["working_directory"],
        ),
        resource_files=[models.ResourceFile(**f) for f in v["resource_files"]],
        environment_settings=[models.EnvironmentSetting(**s) for s in v["environment_settings"]],
        constraints=models.TaskConstraints(**v["constraints"]),
        user_identity=models.UserIdentity(auto_user=models.AutoUserSpecification(**v["user_identity"]["auto_user"])),
        wait_for_success=v["wait_for_success"],
        rerun_on_node_reboot_after_success=v["rerun_on_node_reboot_after_success"],
    )


#: The status list row: how many nodes the page lists (the service pages at 1,000; a saved or merged
#: list of a large pool has them all).
STATUS_NODES = 10_000
_STATUS_START = datetime.datetime(2026, 1, 31, 12, 0, 0)
_ACCOUNT = "https://contoso.westeurope.batch.azure.com"


def _service_time(moment: datetime.datetime, ticks: int) -> str:
    """A timestamp as the service writes it: UTC, seven fractional digits."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ticks % 10_000_000:07d}Z"


def status_page(n: int = STATUS_NODES) -> dict[str, Any]:
    """A List Preparation and Release Task Status page of ``n`` nodes, as the service writes it.

    Every node ran both tasks; one in fifty failed its preparation task (exit code 1, a retry, failure
    information with details). Each entry has five to six timestamps, all different.
    """
    entries = []
    for i in range(n):
        start = _STATUS_START + datetime.timedelta(seconds=i % 3600, minutes=i // 3600)
        node = f"tvm-1234567890_{i}-20260131t115500z"
        directory = "workitems/nightly/job-1/jobpreparation"
        failed = i % 50 == 7
        preparation: dict[str, Any] = {
            "startTime": _service_time(start, i * 7919),
            "endTime": _service_time(start + datetime.timedelta(seconds=40), i * 104729),
            "state": "completed",
            "taskRootDirectory": directory,
            "taskRootDirectoryUrl": f"{_ACCOUNT}/pools/nightly/nodes/{node}/files/{directory}",
            "exitCode": 1 if failed else 0,
            "retryCount": 1 if failed else 0,
            "result": "failure" if failed else "success",
        }
        if failed:
            preparation["lastRetryTime"] = _service_time(start + datetime.timedelta(seconds=20), i * 31)
            preparation["failureInfo"] = {
                "category": "usererror",
                "code": "FailureExitCode",
                "message": "The task exited with an exit code representing a failure",
                "details": [{"name": "Message", "value": "The task process exited with an unexpected exit code"}],
            }
        release = {
            "startTime": _service_time(start + datetime.timedelta(hours=2), i * 15485863),
            "endTime": _service_time(start + datetime.timedelta(hours=2, seconds=5), i * 32452843),
            "state": "completed",
            "taskRootDirectory": "workitems/nightly/job-1/jobrelease",
            "taskRootDirectoryUrl": f"{_ACCOUNT}/pools/nightly/nodes/{node}/files/workitems/nightly/job-1/jobrelease",
            "exitCode": 0,
            "result": "success",
        }
        entries.append(
            {
                "poolId": "nightly",
                "nodeId": node,
                "nodeUrl": f"{_ACCOUNT}/pools/nightly/nodes/{node}",
                "jobPreparationTaskExecutionInfo": preparation,
                "jobReleaseTaskExecutionInfo": release,
            }
        )
    return {
        "odata.metadata": f"{_ACCOUNT}/$metadata#jobpreparationandreleasetaskstatuslist",
        "value": entries,
    }
