"""Stage 6, node state: what the node remembers between invocations, per job.

The state lives in `volatile/batchprep/node.json` under the node root (the agent's own corner of a
node), written whole and renamed so that it is never half written, and guarded by a lock so that two
`batchprep run` on the same node directory cannot interleave. It holds the node's boot count (a
`--reboot` adds one) and, per job, the last execution information of its preparation and release
tasks, with the boot it ran in, a digest of the task it ran, how many attempts have written output in
its directory, and the process groups it started (a reboot ends them).

A directory becomes a node the first time it is used, and only if it is missing or empty; `reimage`
empties it again, and refuses a directory that is not a node.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from batchprep.node._records import Record
from batchprep.node.layout import NodeLayout, make_directory

__all__ = ["NodeBusy", "NodeState", "NotANode", "TaskRecord", "open_node"]

_VERSION = 1


class NotANode(Exception):
    """The directory is not a node and is not empty: batchprep will not take it over (or wipe it)."""


class NodeBusy(Exception):
    """Another `batchprep run` is using the node."""


class TaskRecord(Record):
    """What the node remembers of a job's preparation or release task.

    Attributes:
        info: The execution information as the service would report it (the REST body).
        digest: A digest of the task body that ran, to tell the user when the file has changed since.
        boot: The node's boot count when it last started.
        attempts: How many attempts have written output in its task directory.
        process_groups: The process groups it started, which a reboot or reimage ends.
    """

    info: dict[str, Any]
    digest: str
    boot: int
    attempts: int
    process_groups: list[int]

    __slots__ = ("attempts", "boot", "digest", "info", "process_groups")

    def __init__(
        self,
        info: dict[str, Any],
        digest: str = "",
        boot: int = 0,
        attempts: int = 0,
        process_groups: list[int] | None = None,
    ) -> None:
        self.info = info
        self.digest = digest
        self.boot = boot
        self.attempts = attempts
        self.process_groups = [] if process_groups is None else process_groups

    @property
    def completed(self) -> bool:
        return self.info.get("state") == "completed"

    @property
    def succeeded(self) -> bool:
        return self.completed and self.info.get("result") == "success"


class NodeState(Record):
    """The state of one node, loaded under its lock (see `open_node`)."""

    layout: NodeLayout
    boot: int
    jobs: dict[str, dict[str, Any]]

    __slots__ = ("boot", "jobs", "layout")

    def __init__(self, layout: NodeLayout, boot: int = 0, jobs: dict[str, dict[str, Any]] | None = None) -> None:
        self.layout = layout
        self.boot = boot
        self.jobs = {} if jobs is None else jobs

    @property
    def _file(self) -> Path:
        return self.layout.volatile / "batchprep" / "node.json"

    def record(self, job_id: str, kind: str) -> TaskRecord | None:
        """The job's `preparation` or `release` record, if the task ever started on this node."""
        raw = self.jobs.get(job_id, {}).get(kind)
        return TaskRecord(**raw) if isinstance(raw, dict) else None

    def put(self, job_id: str, kind: str, record: TaskRecord) -> None:
        """Store a record and save the state at once: a crash afterwards must not lose it."""
        self.jobs.setdefault(job_id, {})[kind] = record.fields()
        self.save()

    def ended(self, job_id: str) -> bool:
        """Whether the job has ended on this node (its release task ran)."""
        return bool(self.jobs.get(job_id, {}).get("ended"))

    def end(self, job_id: str) -> None:
        self.jobs.setdefault(job_id, {})["ended"] = True
        self.save()

    def process_groups(self) -> list[int]:
        return [
            g
            for job in self.jobs.values()
            for kind in job.values()
            if isinstance(kind, dict)
            for g in kind.get("process_groups", [])
        ]

    def save(self) -> None:
        make_directory(self._file.parent)
        text = json.dumps({"version": _VERSION, "boot": self.boot, "jobs": self.jobs}, indent=2)
        partial = self._file.with_suffix(".partial")
        partial.write_text(text + "\n", encoding="utf-8")
        os.replace(partial, self._file)

    def reimage(self) -> None:
        """Wipe the node: every directory and file under the root but the state's own lock, and the state."""
        keep = self.layout.volatile / "batchprep" / "lock"
        for entry in self.layout.root.iterdir():
            if entry == self.layout.volatile:
                for inner in entry.iterdir():
                    if inner != keep.parent:
                        _remove(inner)
                for inner in keep.parent.iterdir():
                    if inner != keep:
                        _remove(inner)
            else:
                _remove(entry)
        self.boot, self.jobs = 0, {}
        self.layout.create()
        self.save()


def _remove(path: Path) -> None:
    """Remove a file or a tree, whatever modes the task left on it."""
    import shutil  # with the compression modules it loads: only for a reimage or a task run again

    if path.is_dir() and not path.is_symlink():
        for directory, _, _ in os.walk(path):
            with contextlib.suppress(OSError):
                os.chmod(directory, 0o700)
        shutil.rmtree(path)
    else:
        path.unlink()


@contextlib.contextmanager
def open_node(root: Path) -> Iterator[NodeState]:
    """Open (or make) the node at `root`, holding its lock until the block ends.

    Raises:
        NotANode: `root` exists, is not empty, and is not a node.
        NodeBusy: Another batchprep holds the node.
    """
    layout = NodeLayout(root)
    state_file = layout.volatile / "batchprep" / "node.json"
    if root.exists() and not root.is_dir():
        raise NotANode(f"{root} is a file, not a directory")
    if root.is_dir() and not state_file.exists() and any(root.iterdir()):
        raise NotANode(
            f"{root} is not empty and is not a batchprep node: give --node-dir a new or empty directory "
            "(batchprep makes the node's layout there, and --reimage wipes it)"
        )
    lock_file = layout.volatile / "batchprep" / "lock"
    make_directory(lock_file.parent)
    with open(lock_file, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise NodeBusy(f"another batchprep run is using the node {root}; wait for it to end") from None
        state = NodeState(layout)
        if state_file.exists():
            saved = json.loads(state_file.read_text(encoding="utf-8"))
            state.boot, state.jobs = int(saved.get("boot", 0)), dict(saved.get("jobs", {}))
        else:
            layout.create()
            state.save()
        yield state
