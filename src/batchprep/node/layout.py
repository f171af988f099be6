"""Stage 1, layout and environment: the directories of a Linux Batch node and a task's variables.

A node's Batch root (`AZ_BATCH_NODE_ROOT_DIR`, `/mnt/batch/tasks` on most VM sizes) holds `shared/`,
`startup/`, `applications/`, `fsmounts/`, `volatile/` and `workitems/`; a job's tasks live in
`workitems/<job>/job-1/<task>/`, each with its working directory `wd/` (where resource files land and
the command starts) and `certs/`, and `stdout.txt`/`stderr.txt` beside `wd/`.

The environment is the node's, not the caller's: a short system `PATH` followed by the shared and
working directories, `HOME` and `PWD` at the working directory, the `AZ_BATCH_*` variables, then the
job's `commonEnvironmentSettings` and the task's `environmentSettings` on top.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from batchprep.models.task import TASK_ID_MAX_LENGTH, TASK_ID_PATTERN
from batchprep.node._records import Record

__all__ = [
    "DEFAULT_PREPARATION_ID",
    "DEFAULT_RELEASE_ID",
    "ID_RULE",
    "NodeLayout",
    "NodeSettings",
    "TaskDirectories",
    "check_id",
    "make_directory",
    "task_environment",
]

DEFAULT_PREPARATION_ID = "jobpreparation"
DEFAULT_RELEASE_ID = "jobrelease"

#: The Batch service's rule for the IDs of jobs and tasks (the models' TASK_ID_PATTERN and
#: TASK_ID_MAX_LENGTH), which name the node's directories: nothing else can reach outside them (`..`, `/`)
#: or break them (an empty name, a NUL character).
ID_RULE = "letters A-Z and a-z, digits, hyphens and underscores, at most 64 characters (the Batch service's rule for IDs)"

#: What a Linux node's task sees before the shared and working directories are appended (observed).
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#: The account name real nodes report in `AZ_BATCH_TASK_USER` and `USER` for auto-users (observed).
AUTO_USER_NAME = "_azbatch"


class NodeSettings(Record):
    """What a real node learns from the service and a local one cannot know: given, or made up.

    Attributes:
        account_name: `AZ_BATCH_ACCOUNT_NAME`.
        account_url: `AZ_BATCH_ACCOUNT_URL`, ending with `/` as on real nodes; by default
            `https://<account_name>.local.batch.azure.com/`.
        pool_id: `AZ_BATCH_POOL_ID`.
        node_id: `AZ_BATCH_NODE_ID`; by default `tvmps_<sha256 of the node directory>_d` (`_p` on a
            spot node), the shape real IDs have, and the same for the same directory.
        dedicated: `AZ_BATCH_NODE_IS_DEDICATED`: `false` for a spot (low-priority) node.
        reserved_disk_bytes: `AZ_BATCH_TASK_RESERVED_EPHEMERAL_DISK_SPACE_BYTES`.
    """

    account_name: str
    account_url: str | None
    pool_id: str
    node_id: str | None
    dedicated: bool
    reserved_disk_bytes: int

    __slots__ = ("account_name", "account_url", "dedicated", "node_id", "pool_id", "reserved_disk_bytes")

    def __init__(
        self,
        account_name: str = "local",
        account_url: str | None = None,
        pool_id: str = "local-pool",
        node_id: str | None = None,
        dedicated: bool = True,
        reserved_disk_bytes: int = 1000000000,
    ) -> None:
        self.account_name = account_name
        self.account_url = account_url
        self.pool_id = pool_id
        self.node_id = node_id
        self.dedicated = dedicated
        self.reserved_disk_bytes = reserved_disk_bytes

    def url(self) -> str:
        """The account URL, ending with `/`."""
        url = self.account_url or f"https://{self.account_name}.local.batch.azure.com/"
        return url if url.endswith("/") else url + "/"

    def node(self, root: Path) -> str:
        """The node's ID: the one given, or one derived from the node directory."""
        if self.node_id:
            return self.node_id
        digest = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()
        return f"tvmps_{digest}_{'d' if self.dedicated else 'p'}"


class TaskDirectories(Record):
    """One task's directories on the node.

    Attributes:
        task: The task directory (`AZ_BATCH_TASK_DIR`), holding `stdout.txt` and `stderr.txt`.
        working: Its working directory (`AZ_BATCH_TASK_WORKING_DIR`), `<task>/wd`.
        certificates: `AZ_BATCH_CERTIFICATES_DIR`, `<task>/certs`.
        relative: The task directory relative to the node root, as the service reports it in
            `taskRootDirectory` (`workitems/<job>/job-1/<task>`).
    """

    task: Path
    working: Path
    certificates: Path
    relative: str

    __slots__ = ("certificates", "relative", "task", "working")

    def __init__(self, task: Path, working: Path, certificates: Path, relative: str) -> None:
        self.task = task
        self.working = working
        self.certificates = certificates
        self.relative = relative

    @property
    def stdout(self) -> Path:
        return self.task / "stdout.txt"

    @property
    def stderr(self) -> Path:
        return self.task / "stderr.txt"


class NodeLayout(Record):
    """The directories of a node whose Batch root is `root`.

    Examples:
        >>> layout = NodeLayout(Path("/mnt/batch/tasks"))
        >>> layout.task("myjob", "jobpreparation").relative
        'workitems/myjob/job-1/jobpreparation'
        >>> str(layout.task("myjob", "jobpreparation").working)
        '/mnt/batch/tasks/workitems/myjob/job-1/jobpreparation/wd'
    """

    root: Path

    __slots__ = ("root",)

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def shared(self) -> Path:
        return self.root / "shared"

    @property
    def startup(self) -> Path:
        return self.root / "startup"

    @property
    def mounts(self) -> Path:
        return self.root / "fsmounts"

    @property
    def applications(self) -> Path:
        return self.root / "applications"

    @property
    def volatile(self) -> Path:
        """The agent's own directory: batchprep keeps the node's state in `volatile/batchprep/`."""
        return self.root / "volatile"

    def job(self, job_id: str) -> Path:
        """The job's directory; `ValueError` for an ID the service would refuse (see `check_id`)."""
        return self.root / "workitems" / check_id(job_id, "job ID") / "job-1"

    def task(self, job_id: str, task_id: str) -> TaskDirectories:
        """A task's directories; `ValueError` for an ID the service would refuse (see `check_id`)."""
        directory = self.job(job_id) / check_id(task_id, "task ID")
        relative = f"workitems/{job_id}/job-1/{task_id}"
        return TaskDirectories(directory, directory / "wd", directory / "certs", relative)

    def create(self) -> None:
        """Make the node's top-level directories; the shared one is writable by every task account."""
        for directory in (self.startup / "wd", self.mounts, self.applications, self.volatile, self.root / "workitems"):
            make_directory(directory)
        make_directory(self.shared)
        # Tasks of every account write here (that is what it is for); the sticky bit keeps them from
        # deleting each other's files. A choice: the service does not document the mode.
        os.chmod(self.shared, 0o1777)


def check_id(value: object, what: str) -> str:
    """`value` if it is a job or task ID the Batch service accepts.

    Raises:
        TypeError: It is not a string.
        ValueError: It breaks the service's rule (`ID_RULE`), which keeps it inside the node's directories.

    Examples:
        >>> check_id("job-1", "job_id")
        'job-1'
        >>> check_id("../x", "job_id")
        Traceback (most recent call last):
        ...
        ValueError: job_id '../x' is not a Batch ID: letters A-Z and a-z, digits, hyphens and underscores, at most 64 characters (the Batch service's rule for IDs)
    """
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a string, not {type(value).__name__}")
    if len(value) > TASK_ID_MAX_LENGTH or not re.match(TASK_ID_PATTERN, value):
        shown = repr(value) if len(value) <= 70 else f"{value[:60]!r}... ({len(value)} characters)"
        raise ValueError(f"{what} {shown} is not a Batch ID: {ID_RULE}")
    return value


def make_directory(path: Path) -> None:
    """Make a directory and its missing parents with mode 0755, whatever the umask.

    Task accounts other than batchprep's own must be able to enter the node's directories; a umask
    of 077 would shut them out.
    """
    missing = []
    here = path
    while not here.exists():
        missing.append(here)
        here = here.parent
    for directory in reversed(missing):
        directory.mkdir(exist_ok=True)
        os.chmod(directory, 0o755)


def task_environment(
    layout: NodeLayout,
    settings: NodeSettings,
    *,
    job_id: str,
    task_id: str,
    directories: TaskDirectories,
    user: str,
    user_identity: str,
    settings_on_top: Iterable[tuple[str, str]] = (),
    preparation: TaskDirectories | None = None,
    inherit: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The environment of a task's process, as a Linux node gives it.

    Args:
        layout: The node's directories.
        settings: The account, pool and node values.
        job_id: `AZ_BATCH_JOB_ID`.
        task_id: `AZ_BATCH_TASK_ID`.
        directories: The task's own directories.
        user: `AZ_BATCH_TASK_USER` and `USER`.
        user_identity: `AZ_BATCH_TASK_USER_IDENTITY` (`PoolNonAdmin`, `PoolAdmin`...).
        settings_on_top: The job's common environment settings, then the task's own, in order: a later
            one with the same name wins.
        preparation: The preparation task's directories, for the job's other tasks: sets
            `AZ_BATCH_JOB_PREP_DIR` and `AZ_BATCH_JOB_PREP_WORKING_DIR`. The preparation task itself
            does not get them.
        inherit: An environment to start from instead of an empty one (`--inherit-env`).

    Returns:
        The variables, as `subprocess` takes them.
    """
    env: dict[str, str] = dict(inherit or {})
    env.update(
        {
            "PATH": f"{SYSTEM_PATH}:{layout.shared}:{directories.working}",
            "HOME": str(directories.working),
            "PWD": str(directories.working),
            "USER": user,
            "AZ_BATCH_ACCOUNT_NAME": settings.account_name,
            "AZ_BATCH_ACCOUNT_URL": settings.url(),
            "AZ_BATCH_POOL_ID": settings.pool_id,
            "AZ_BATCH_NODE_ID": settings.node(layout.root),
            "AZ_BATCH_NODE_IS_DEDICATED": "true" if settings.dedicated else "false",
            "AZ_BATCH_NODE_ROOT_DIR": str(layout.root),
            "AZ_BATCH_NODE_SHARED_DIR": str(layout.shared),
            "AZ_BATCH_NODE_STARTUP_DIR": str(layout.startup),
            "AZ_BATCH_NODE_STARTUP_WORKING_DIR": str(layout.startup / "wd"),
            "AZ_BATCH_NODE_MOUNTS_DIR": str(layout.mounts),
            "AZ_BATCH_JOB_ID": job_id,
            "AZ_BATCH_TASK_ID": task_id,
            "AZ_BATCH_TASK_DIR": str(directories.task),
            "AZ_BATCH_TASK_WORKING_DIR": str(directories.working),
            "AZ_BATCH_CERTIFICATES_DIR": str(directories.certificates),
            "AZ_BATCH_TASK_RESERVED_EPHEMERAL_DISK_SPACE_BYTES": str(settings.reserved_disk_bytes),
            "AZ_BATCH_TASK_USER": user,
            "AZ_BATCH_TASK_USER_IDENTITY": user_identity,
        }
    )
    if preparation is not None:
        env["AZ_BATCH_JOB_PREP_DIR"] = str(preparation.task)
        env["AZ_BATCH_JOB_PREP_WORKING_DIR"] = str(preparation.working)
    else:
        # Also when inherited: a preparation task never sees them, and must not seem to.
        env.pop("AZ_BATCH_JOB_PREP_DIR", None)
        env.pop("AZ_BATCH_JOB_PREP_WORKING_DIR", None)
    for name, value in settings_on_top:
        env[name] = value
    return env
