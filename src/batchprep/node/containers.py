"""Stage 5, containers: a task with `containerSettings` runs through a container engine.

As Batch runs it: the container is created with the node root mapped in at the same path (or, with
`containerHostBatchBindMounts`, the task's directory and the listed ones), every task variable passed,
the working directory set to the task's (`taskWorkingDirectory`, the default) or left to the image
(`containerImageDefault`), and `containerRunOptions` added to the create command. Then it is started
attached, so its output lands in `stdout.txt` and `stderr.txt`, and inspected for `containerInfo`.

The engine is `docker`, or `podman` when there is no `docker` on `PATH`. Variables are passed by name
(`-e NAME`, the value coming from the engine's environment), so no value shows in a process list.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Iterable, Mapping

from batchprep.cmdline.split import split_command_line
from batchprep.models import ContainerRegistry, TaskContainerSettings
from batchprep.node._records import Record
from batchprep.node.layout import NodeLayout, TaskDirectories
from batchprep.redact import mask_secrets

__all__ = ["ContainerFailure", "Engine", "find_engine", "passed_variables"]

#: Where each `containerHostBatchBindMounts` source is on the node.
_SOURCES = {
    "shared": "shared",
    "startup": "startup",
    "vfsmounts": "fsmounts",
    "applications": "applications",
}

_ENGINE_TIMEOUT = 600.0


class ContainerFailure(Exception):
    """The container could not be created or started; `code` is the service's failure code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def find_engine() -> str | None:
    """The container engine on `PATH`: `docker`, else `podman`, else `None`."""
    import shutil  # with the compression modules it loads: only for tasks with containerSettings

    return shutil.which("docker") or shutil.which("podman")


def passed_variables(env: Mapping[str, str], settings: Iterable[str]) -> list[str]:
    """The names of the variables a container gets: the node's `AZ_BATCH_*` ones and the task's settings.

    Args:
        env: The task's environment.
        settings: The names of the job's and the task's environment settings.

    The host's own `PATH`, `HOME`, `PWD` and `USER`, and what `--inherit-env` brought in, stay outside:
    the image keeps its own (I: the service documents only that the task's variables are passed).
    """
    named = set(settings)
    return [name for name in env if name.startswith("AZ_BATCH_") or name in named]


def _failure_code(text: str) -> str:
    lowered = text.lower()
    if "unauthorized" in lowered or "authentication required" in lowered or "denied: " in lowered:
        return "ContainerInvalidRegistry"
    if "pull access denied" in lowered or "manifest unknown" in lowered or "no such image" in lowered:
        return "ContainerInvalidImage"
    if "invalid reference format" in lowered or "repository does not exist" in lowered:
        return "ContainerInvalidImage"
    if "unknown flag" in lowered or "invalid argument" in lowered or "unknown shorthand flag" in lowered:
        return "ContainerInvalidSettings"
    return "ContainerMiscError"


class Engine(Record):
    """A container engine to run tasks with.

    Attributes:
        path: The engine's executable.
    """

    path: str

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def _call(
        self, args: list[str], env: Mapping[str, str], stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [self.path, *args],
            input=stdin,
            env=dict(env),
            capture_output=True,
            text=True,
            timeout=_ENGINE_TIMEOUT,
            check=False,
        )

    def login(self, registry: ContainerRegistry, env: Mapping[str, str]) -> list[str]:
        """Log in to a private registry with its user name and password (given on stdin, never argv).

        Returns:
            Notes on what was not emulated (a managed identity).

        Raises:
            ContainerFailure: `ContainerInvalidRegistry` when the engine refuses the login.
        """
        server = registry.registry_server or "docker.io"
        if registry.identity_reference is not None:
            return [
                (
                    f"logging in to {server} with a managed identity is not emulated: log in yourself first "
                    f"({shlex.quote(self.path)} login {server})"
                )
            ]
        if not registry.user_name:
            return []
        done = self._call(
            ["login", "--username", registry.user_name, "--password-stdin", server], env, stdin=registry.password or ""
        )
        if done.returncode != 0:
            raise ContainerFailure(
                "ContainerInvalidRegistry",
                f"the engine could not log in to {server} as {registry.user_name!r}: {_last_line(done.stderr)}",
            )
        return []

    def create_args(
        self,
        settings: TaskContainerSettings,
        layout: NodeLayout,
        directories: TaskDirectories,
        variables: list[str],
        command: list[str],
        preparation: TaskDirectories | None = None,
    ) -> list[str]:
        """The arguments of the engine's `create` command for a task (without the engine itself)."""
        args = ["create"]
        mounts = settings.container_host_batch_bind_mounts
        if mounts is None:
            args += ["-v", f"{layout.root}:{layout.root}"]
        else:
            # The newer API mounts the task's own directory and only the listed ones.
            args += ["-v", f"{directories.task}:{directories.task}"]
            for mount in mounts:
                source = str(getattr(mount.source, "value", mount.source) or "").lower()
                if source == "task":
                    continue
                if source == "jobprep":
                    where = str((preparation or directories).task)
                elif source in _SOURCES:
                    where = str(layout.root / _SOURCES[source])
                else:
                    raise ContainerFailure("ContainerInvalidSettings", f"unknown bind mount source {mount.source!r}")
                args += ["-v", f"{where}:{where}{':ro' if mount.is_read_only else ''}"]
        working = str(getattr(settings.working_directory, "value", settings.working_directory) or "")
        if working != "containerImageDefault":
            args += ["-w", str(directories.working)]
        for name in variables:
            args += ["-e", name]
        if settings.container_run_options:
            try:
                args += split_command_line(settings.container_run_options)  # split as the command line is
            except ValueError:
                raise ContainerFailure(
                    "ContainerInvalidSettings", "containerRunOptions has an opening quote without its closing quote"
                ) from None
        args.append(settings.image_name)
        return args + command

    def create(self, args: list[str], env: Mapping[str, str]) -> str:
        """Create the container and return its ID.

        Raises:
            ContainerFailure: The engine refused (bad image, registry or options).
        """
        done = self._call(args, env)
        container_id = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
        if done.returncode != 0 or not container_id:
            text = done.stderr.strip() or done.stdout.strip() or f"exit code {done.returncode}"
            raise ContainerFailure(_failure_code(text), f"the container could not be created: {_last_line(text)}")
        return container_id

    def start_args(self, container_id: str) -> list[str]:
        """The command that runs the container attached: its output is the task's output."""
        return [self.path, "start", "--attach", container_id]

    def inspect(self, container_id: str, env: Mapping[str, str]) -> dict[str, str]:
        """`containerInfo`: the container's ID, and its state and error as the engine reports them."""
        info = {"containerId": container_id}
        done = self._call(["inspect", "--format", "{{json .State}}", container_id], env)
        try:
            state = json.loads(done.stdout) if done.returncode == 0 else {}
        except ValueError:
            state = {}
        if isinstance(state, dict):
            if state.get("Status"):
                info["state"] = str(state["Status"])
            if state.get("Error"):
                info["error"] = str(mask_secrets(str(state["Error"])))
        return info

    def kill(self, container_id: str, env: Mapping[str, str]) -> None:
        self._call(["kill", container_id], env)

    def remove(self, container_id: str, env: Mapping[str, str]) -> None:
        self._call(["rm", "--force", container_id], env)


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return str(mask_secrets(lines[-1] if lines else text.strip()))
