"""Container settings of a task and the registry credentials behind them."""

from __future__ import annotations

from batchprep._fields import field
from batchprep.model import Model
from batchprep.models.enums import ContainerHostDataPath, ContainerWorkingDirectory

__all__ = ["ComputeNodeIdentityReference", "ContainerHostBatchBindMountEntry", "ContainerRegistry", "TaskContainerSettings"]


class ComputeNodeIdentityReference(Model):
    """A user-assigned managed identity of the pool, which the node uses instead of a password or SAS.

    Attributes:
        resource_id: The ARM resource ID of the user-assigned identity.
    """

    resource_id: str | None = field("resourceId", "str", default=None)


class ContainerRegistry(Model):
    """A private container registry and how to log in to it.

    Attributes:
        user_name: The user name to log in with (REST key ``username``).
        password: The password for ``user_name``. Never shown by ``repr()``.
        registry_server: The registry host; Docker Hub (``docker.io``) when omitted.
        identity_reference: A managed identity to log in with instead of a user name and password.
    """

    user_name: str | None = field("username", "str", default=None)
    password: str | None = field("password", "str", default=None, secret=True)
    registry_server: str | None = field("registryServer", "str", default=None)
    identity_reference: ComputeNodeIdentityReference | None = field(
        "identityReference", "ComputeNodeIdentityReference", default=None
    )


class ContainerHostBatchBindMountEntry(Model):
    """A Batch directory of the host to mount into the task's container (newer REST API versions).

    Attributes:
        source: Which host directory to mount.
        is_read_only: Mount it read-only. Some sources are always read-only or always writable on the
            service side whatever this says.
    """

    source: ContainerHostDataPath | str | None = field("source", "ContainerHostDataPath", default=None)
    is_read_only: bool | None = field("isReadOnly", "bool", default=None)


class TaskContainerSettings(Model):
    """Run the task inside a container.

    Every directory under the node's Batch root (``AZ_BATCH_NODE_ROOT_DIR``) and every task environment
    variable is mapped into the container. Files written elsewhere in the container may never reach the
    host disk, so the Batch file APIs cannot see them.

    Attributes:
        image_name: The image to run the task in, as ``docker pull`` takes it. Required. Without a tag,
            ``:latest`` is used.
        container_run_options: Extra options for the container create command, next to the ones Batch
            controls.
        registry: The private registry holding the image; not needed for an image already on the pool.
        working_directory: Where the task starts: Batch's task directory (the default) or the image's own.
        container_host_batch_bind_mounts: Batch host directories to mount into the container; when
            omitted, the whole Batch root is mapped.
    """

    container_run_options: str | None = field("containerRunOptions", "str", default=None)
    image_name: str = field("imageName", "str")
    registry: ContainerRegistry | None = field("registry", "ContainerRegistry", default=None)
    working_directory: ContainerWorkingDirectory | str | None = field(
        "workingDirectory", "ContainerWorkingDirectory", default=None
    )
    container_host_batch_bind_mounts: list[ContainerHostBatchBindMountEntry] | None = field(
        "containerHostBatchBindMounts", "[ContainerHostBatchBindMountEntry]", default=None
    )
