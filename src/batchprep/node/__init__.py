"""A Linux Batch node on your machine: run a job's preparation task as the node agent would.

`batchprep run` and this package emulate what a Batch node does with a Job Preparation Task, so that
its mistakes show on a laptop instead of on a pool. The package has one module per stage, in the order
the agent runs them, each usable and testable on its own:

| module | stage |
|---|---|
| `job` | check first: the task file (a task body or a Job - Add body) read and checked as `batchprep check` does |
| `layout` | the node's directories and the task's environment variables |
| `resources` | resource files downloaded into the working directory (HTTP, blob containers, auto-storage) |
| `process` | the command line split and started without a shell; wall-clock limit, retries, output files |
| `identity` | the account the command runs as (an unprivileged one unless the task is admin) |
| `containers` | tasks with `containerSettings` run through `docker` or `podman` |
| `state` | what the node remembers between runs: per job, whether the task completed and how |
| `report` | the execution information, as the REST body the service reports |
| `changes` | what a rerun changed in a directory (`--check-idempotent`) |
| `agent` | `Node`: the stages put together, as the Batch agent runs them |

docs/local-node.md is the manual, with the table of what is emulated faithfully, what is approximated
and what is not emulated.

Examples:
    >>> import tempfile
    >>> from batchprep import AutoUserSpecification, JobPreparationTask, UserIdentity
    >>> from batchprep.node import Node
    >>> task = JobPreparationTask(
    ...     command_line="/bin/sh -c 'echo ready > $AZ_BATCH_NODE_SHARED_DIR/ready'",
    ...     user_identity=UserIdentity(auto_user=AutoUserSpecification(elevation_level="admin")),
    ... )
    >>> node = Node(tempfile.mkdtemp())
    >>> result = node.prepare(task, "my-job")
    >>> result.succeeded, (node.layout.shared / "ready").read_text()
    (True, 'ready\\n')
"""

from batchprep.node.agent import IdempotenceReport, Node, NodeError, RunOptions, TaskResult
from batchprep.node.job import JobDocument, JobReport, ReleaseTask, TaskCheckError, check_document, check_job_document
from batchprep.node.layout import NodeLayout, NodeSettings, TaskDirectories
from batchprep.node.resources import DownloadOptions

__all__ = [
    "DownloadOptions",
    "IdempotenceReport",
    "JobDocument",
    "JobReport",
    "Node",
    "NodeError",
    "NodeLayout",
    "NodeSettings",
    "ReleaseTask",
    "RunOptions",
    "TaskCheckError",
    "TaskDirectories",
    "TaskResult",
    "check_document",
    "check_job_document",
]
