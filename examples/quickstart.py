"""Build a Job Preparation Task, check it, and print the JSON body the Batch REST API receives.

Run it after ``pip install .``::

    python examples/quickstart.py

The task pulls its tools image from a private Azure Container Registry with a user-assigned managed
identity (no password stored anywhere), downloads a setup script and some reference data, and unpacks
the data into the node's shared directory once per node, before any other task of the job starts there.
"""

from __future__ import annotations

import datetime
import json
import sys

from batchprep import (
    AutoUserScope,
    AutoUserSpecification,
    ComputeNodeIdentityReference,
    ContainerRegistry,
    ContainerWorkingDirectory,
    ElevationLevel,
    EnvironmentSetting,
    JobPreparationTask,
    ResourceFile,
    TaskConstraints,
    TaskContainerSettings,
    UserIdentity,
)

#: The pool's user-assigned managed identity: allowed to pull from the registry and read the storage account.
PULL_IDENTITY = ComputeNodeIdentityReference(
    resource_id=(
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batch-rg"
        "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/batch-pull"
    )
)

#: A read-only SAS URL for one blob. A real one comes from your storage account; ``sig`` is its secret.
SETUP_SCRIPT_URL = (
    "https://batchdata.blob.core.windows.net/tools/setup.sh"
    "?sv=2022-11-02&sr=b&sp=r&se=2030-01-01T00%3A00%3A00Z&sig=REPLACE-WITH-YOUR-SIGNATURE"
)


def build_task() -> JobPreparationTask:
    """The Job Preparation Task of a job whose tasks all read the same reference data."""
    return JobPreparationTask(
        id="prepare-node",
        # Not run in a shell by Batch: ask for one to get '&&' and variable expansion. Every step can run
        # again safely (mkdir -p, cp overwrites), because the service may rerun the task on the same node.
        command_line=(
            '/bin/sh -c "./setup.sh'
            ' && mkdir -p $AZ_BATCH_NODE_SHARED_DIR/refdata'
            ' && cp -r reference-data/. $AZ_BATCH_NODE_SHARED_DIR/refdata/"'
        ),
        container_settings=TaskContainerSettings(
            image_name="batchtools.azurecr.io/prep/refdata-tools:1.4",
            registry=ContainerRegistry(
                registry_server="batchtools.azurecr.io",
                identity_reference=PULL_IDENTITY,
            ),
            # Start in Batch's task directory, where the resource files below are downloaded.
            working_directory=ContainerWorkingDirectory.task_working_directory,
        ),
        resource_files=[
            ResourceFile(http_url=SETUP_SCRIPT_URL, file_path="setup.sh", file_mode="0755"),
            ResourceFile(
                storage_container_url="https://batchdata.blob.core.windows.net/reference",
                blob_prefix="genomes/2024-06/",
                file_path="reference-data",
                identity_reference=PULL_IDENTITY,
            ),
            # A container of the storage account linked to the Batch account ("auto-storage").
            ResourceFile(auto_storage_container_name="job-inputs", file_path="inputs"),
        ],
        environment_settings=[
            EnvironmentSetting(name="REFDATA_RELEASE", value="2024-06"),
            EnvironmentSetting(name="LC_ALL", value="C.UTF-8"),
        ],
        constraints=TaskConstraints(
            max_wall_clock_time=datetime.timedelta(minutes=30),
            retention_time=datetime.timedelta(days=1),
            max_task_retry_count=2,
        ),
        user_identity=UserIdentity(
            auto_user=AutoUserSpecification(scope=AutoUserScope.pool, elevation_level=ElevationLevel.admin),
        ),
        # No task of the job starts on a node until this one has exited with code 0 there.
        wait_for_success=True,
        # The data sits on the node's disk and survives a reboot: no need to copy it again.
        rerun_on_node_reboot_after_success=False,
    )


def main() -> int:
    task = build_task()
    problems = task.validate()
    if problems:
        print(f"{type(task).__name__} is not valid:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem.path}: {problem.message} [{problem.rule}]", file=sys.stderr)
        return 1
    print(json.dumps(task.serialize(), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
