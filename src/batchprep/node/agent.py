"""The agent: runs a job's tasks on a local node, stage by stage, as the Batch node agent does.

`Node` is the Python API behind `batchprep run`. For one task, in order: the account it runs as
(`identity`), the container engine if it needs one (`containers`), the checks that the downloads can
be attempted, the task's directories and variables (`layout`), the resource files (`resources`), the
process with its limits and retries (`process`), and the report (`report`), with the node's memory
(`state`) updated at each step so that an interrupted run is seen as one.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from batchprep.models import EnvironmentSetting, JobPreparationTask, ResourceFile, TaskContainerSettings, UserIdentity
from batchprep.node import containers, identity, process, report, resources, state
from batchprep.node._records import Record
from batchprep.node.changes import Changes, snapshot
from batchprep.node.job import (
    JobDocument,
    ReleaseTask,
    TaskCheckError,
    as_document,
    check_document,
    command_line_problems,
)
from batchprep.node.layout import (
    DEFAULT_PREPARATION_ID,
    NodeLayout,
    NodeSettings,
    TaskDirectories,
    check_id,
    make_directory,
    task_environment,
)

__all__ = ["IdempotenceReport", "Node", "NodeError", "RunOptions", "TaskResult"]


class NodeError(Exception):
    """Something about the node or this machine stops the run before the task starts (exit 2)."""


class RunOptions(Record):
    """How the local node runs tasks.

    Attributes:
        inherit_env: Start the task's environment from batchprep's own instead of an empty one.
        unlimited_retry_cap: How many retries `maxTaskRetryCount: -1` gets.
        no_container: Run tasks with `containerSettings` on the host instead (with a note).
        nonadmin_account: The local account non-admin tasks run as when batchprep runs as root.
        downloads: Timeouts, the auto-storage account and a progress callback for resource files.
        follow: Called with `("stdout" | "stderr", bytes)` as a task writes output.
        notify: Called with each note (what is approximated, what happens next) as it arises.
    """

    inherit_env: bool
    unlimited_retry_cap: int
    no_container: bool
    nonadmin_account: str
    downloads: resources.DownloadOptions
    follow: Callable[[str, bytes], None] | None
    notify: Callable[[str], None] | None

    __slots__ = (
        "downloads",
        "follow",
        "inherit_env",
        "no_container",
        "nonadmin_account",
        "notify",
        "unlimited_retry_cap",
    )

    def __init__(
        self,
        inherit_env: bool = False,
        unlimited_retry_cap: int = 10,
        no_container: bool = False,
        nonadmin_account: str = identity.DEFAULT_NONADMIN_ACCOUNT,
        downloads: resources.DownloadOptions | None = None,
        follow: Callable[[str, bytes], None] | None = None,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        self.inherit_env = inherit_env
        self.unlimited_retry_cap = unlimited_retry_cap
        self.no_container = no_container
        self.nonadmin_account = nonadmin_account
        self.downloads = resources.DownloadOptions() if downloads is None else downloads
        self.follow = follow
        self.notify = notify


class TaskResult(Record):
    """What happened to one task on the node.

    Attributes:
        kind: `preparation`, `release` or `task` (an ordinary task of the job).
        task_id: The task's ID.
        directories: Its directories on the node.
        info: Its execution information, as the REST body the service reports (`report.information`).
        ran: `False` when the node did not run it and `info` is what it remembered.
        attempts: The attempts this invocation made.
        downloads: The resource files that arrived.
        notes: What the node said about the run (reruns, what is not emulated...).
        capped: Whether unlimited retries were stopped at the cap.
        output: The file with its last attempt's standard output (its standard error is beside it,
            named alike): `directories.stdout`, unless a later run of the task kept it under the
            attempt's number (`stdout.1.txt`), as the second run of `check_idempotent` does.
    """

    kind: str
    task_id: str
    directories: TaskDirectories
    info: dict[str, Any]
    ran: bool
    attempts: list[process.Attempt]
    downloads: list[resources.Downloaded]
    notes: list[str]
    capped: bool
    output: Path

    __slots__ = (
        "attempts",
        "capped",
        "directories",
        "downloads",
        "info",
        "kind",
        "notes",
        "output",
        "ran",
        "task_id",
    )

    def __init__(
        self,
        kind: str,
        task_id: str,
        directories: TaskDirectories,
        info: dict[str, Any],
        ran: bool = True,
        attempts: list[process.Attempt] | None = None,
        downloads: list[resources.Downloaded] | None = None,
        notes: list[str] | None = None,
        capped: bool = False,
        output: Path | None = None,
    ) -> None:
        self.kind = kind
        self.task_id = task_id
        self.directories = directories
        self.info = info
        self.ran = ran
        self.attempts = [] if attempts is None else attempts
        self.downloads = [] if downloads is None else downloads
        self.notes = [] if notes is None else notes
        self.capped = capped
        self.output = directories.stdout if output is None else output

    @property
    def succeeded(self) -> bool:
        return self.info.get("result") == "success"

    @property
    def completed(self) -> bool:
        return self.info.get("state") == "completed"

    @property
    def duration(self) -> datetime.timedelta | None:
        if "endTime" not in self.info:
            return None
        return report.parse_time(self.info["endTime"]) - report.parse_time(self.info["startTime"])

    @property
    def information(self) -> Any:
        """The execution information as the service would report it for this node: a
        `batchprep.JobPreparationTaskExecutionInformation` (or `JobReleaseTaskExecutionInformation`)."""
        return report.as_model(self.info, release=self.kind == "release")


class IdempotenceReport(Record):
    """The outcome of running the preparation task twice on the same node.

    Attributes:
        first: The first run (interrupted with `interrupt_after`).
        second: The run again, as after a reboot; `None` when the first failed.
        interrupted: Whether the first run was killed part-way.
        changes: What the second run changed in the working and shared directories.
    """

    first: TaskResult
    second: TaskResult | None
    interrupted: bool
    changes: list[Changes]

    __slots__ = ("changes", "first", "interrupted", "second")

    def __init__(
        self, first: TaskResult, second: TaskResult | None, interrupted: bool, changes: list[Changes] | None = None
    ) -> None:
        self.first = first
        self.second = second
        self.interrupted = interrupted
        self.changes = [] if changes is None else changes

    @property
    def ok(self) -> bool:
        return self.second is not None and self.second.succeeded


class _Spec(Record):
    """What the agent needs to run any task: a preparation, release or ordinary one."""

    kind: str
    task_id: str
    command_line: str
    directories: TaskDirectories
    container_settings: TaskContainerSettings | None
    resource_files: tuple[ResourceFile, ...]
    environment: tuple[EnvironmentSetting, ...]
    user_identity: UserIdentity | None
    wall_clock: datetime.timedelta | None
    max_retries: int
    preparation: TaskDirectories | None

    __slots__ = (
        "command_line",
        "container_settings",
        "directories",
        "environment",
        "kind",
        "max_retries",
        "preparation",
        "resource_files",
        "task_id",
        "user_identity",
        "wall_clock",
    )

    def __init__(
        self,
        kind: str,
        task_id: str,
        command_line: str,
        directories: TaskDirectories,
        container_settings: TaskContainerSettings | None = None,
        resource_files: tuple[ResourceFile, ...] = (),
        environment: tuple[EnvironmentSetting, ...] = (),
        user_identity: UserIdentity | None = None,
        wall_clock: datetime.timedelta | None = None,
        max_retries: int = 0,
        preparation: TaskDirectories | None = None,
    ) -> None:
        self.kind = kind
        self.task_id = task_id
        self.command_line = command_line
        self.directories = directories
        self.container_settings = container_settings
        self.resource_files = resource_files
        self.environment = environment
        self.user_identity = user_identity
        self.wall_clock = wall_clock
        self.max_retries = max_retries
        self.preparation = preparation


def _document(job: JobDocument | JobPreparationTask) -> JobDocument:
    """The task file, checked as `batchprep run` checks one, before anything touches the node.

    Raises:
        TypeError: `job` is not a task or a `JobDocument`.
        TaskCheckError: The task has problems; `errors` lists them.
    """
    document = as_document(job)
    problems = check_document(document)
    if problems:
        raise TaskCheckError("the task cannot run: nothing was run", problems)
    return document


def _digest(task: JobPreparationTask) -> str:
    """A digest of the task, to tell when the task file changed since the node ran it.

    Made from the model's `repr` (secrets masked): cheap, and the same for the same task.
    """
    return hashlib.sha256(repr(task).encode()).hexdigest()[:16]


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Node:
    """A Linux Batch node in a local directory, which persists between uses.

    Args:
        root: The node's `AZ_BATCH_NODE_ROOT_DIR`: a new or empty directory, or one a `Node` made.
        settings: The account, pool and node values the node reports.
        options: How tasks are run.

    Examples:
        >>> import tempfile
        >>> from batchprep import AutoUserSpecification, JobPreparationTask, UserIdentity
        >>> admin = UserIdentity(auto_user=AutoUserSpecification(elevation_level="admin"))
        >>> node = Node(Path(tempfile.mkdtemp()) / "node")
        >>> done = node.prepare(JobPreparationTask(command_line="/bin/true", user_identity=admin), "job-1")
        >>> done.info["state"], done.info["result"], done.info["exitCode"], done.ran
        ('completed', 'success', 0, True)
        >>> node.prepare(JobPreparationTask(command_line="/bin/true", user_identity=admin), "job-1").ran
        False
    """

    def __init__(
        self, root: str | os.PathLike[str], settings: NodeSettings | None = None, options: RunOptions | None = None
    ) -> None:
        self.root = Path(os.path.abspath(root))
        self.layout = NodeLayout(self.root)
        self.settings = settings or NodeSettings()
        self.options = options or RunOptions()

    @property
    def node_id(self) -> str:
        return self.settings.node(self.root)

    def _note(self, notes: list[str], text: str) -> None:
        notes.append(text)
        if self.options.notify is not None:
            self.options.notify(text)

    @contextlib.contextmanager
    def _state(self) -> Iterator[state.NodeState]:
        """The node's state, under its lock."""
        try:
            opened = state.open_node(self.root)
            node = opened.__enter__()
        except (state.NotANode, state.NodeBusy) as err:
            raise NodeError(str(err)) from None
        try:
            yield node
        finally:
            opened.__exit__(None, None, None)

    # --- what happens to the whole node ------------------------------------------------------------------

    def reboot(self) -> list[str]:
        """Reboot the node: what the tasks left running ends, and the next run knows a reboot happened.

        Returns:
            Notes on what was ended.
        """
        with self._state() as node:
            notes = self._end_processes(node)
            node.boot += 1
            node.save()
            return notes

    def reimage(self) -> list[str]:
        """Reimage the node: everything on it is wiped, and every job's tasks run again."""
        with self._state() as node:
            notes = self._end_processes(node)
            node.reimage()
            return notes

    def _end_processes(self, node: state.NodeState) -> list[str]:
        alive = process.leftover_groups(self.root, node.process_groups())
        for group in alive:
            process.kill_group(group)
        for job in node.jobs.values():
            for record in job.values():
                if isinstance(record, dict):
                    record["process_groups"] = []
        return (
            [f"ended {len(alive)} process group{'s' if len(alive) != 1 else ''} the tasks had left running"]
            if alive
            else []
        )

    def record(self, job_id: str) -> dict[str, Any] | None:
        """The preparation task's execution information as this node remembers it, if it ever ran."""
        check_id(job_id, "job_id")
        with self._state() as node:
            found = node.record(job_id, "preparation")
            return found.info if found is not None else None

    # --- the preparation task ---------------------------------------------------------------------------

    def prepare(
        self,
        job: JobDocument | JobPreparationTask,
        job_id: str,
        *,
        rerun: bool = False,
        interrupt_after: float | None = None,
    ) -> TaskResult:
        """Run the job's preparation task on this node, unless the node would not run it again.

        The node runs it if it never ran here, if its last run did not complete, or after a reboot unless
        `rerunOnNodeRebootAfterSuccess` is false; otherwise it returns what it remembers, with `ran`
        false (docs/local-node.md has the table).

        Args:
            job: The task file read by `check_job_document`, or a preparation task alone: a
                `batchprep.JobPreparationTask` (`JobPreparationTask.deserialize(body)` reads a REST body).
                It is checked as `batchprep run` checks a file before anything touches the node.
            job_id: The job's ID: letters, digits, hyphens and underscores, at most 64 characters, as
                the Batch service requires (it names the job's directory on the node).
            rerun: Run it again whatever the node remembers (as a recovery retry would).
            interrupt_after: Kill it after this many seconds, as a reboot would; it stays not completed.

        Raises:
            TypeError: `job` is neither a task nor a `JobDocument` (a dict, say), or `job_id` is no string.
            ValueError: `job_id` breaks the service's rule for IDs.
            TaskCheckError: The task has problems (a `ValueError`; `errors` lists them): nothing ran.
            NodeError: The node or this machine cannot run it (exit 2).
        """
        check_id(job_id, "job_id")
        document = _document(job)
        task = document.preparation
        task_id = task.id or DEFAULT_PREPARATION_ID
        with self._state() as node:
            if node.ended(job_id):
                raise NodeError(
                    f"job {job_id!r} has ended on this node (its release task ran): use another --job-id, or --reimage"
                )
            notes: list[str] = []
            directories = self.layout.task(job_id, task_id)
            known = node.record(job_id, "preparation")
            digest = _digest(task)
            reason = self._rerun_reason(known, node.boot, task, rerun)
            if known is not None and reason is None:
                assert known is not None
                if known.boot != node.boot:
                    known.boot = node.boot
                    node.put(job_id, "preparation", known)
                when = known.info.get("endTime", known.info["startTime"])
                if known.succeeded:
                    self._note(notes, f"the preparation task already succeeded on this node ({when}): not run again")
                else:
                    self._note(
                        notes,
                        f"the preparation task failed on this node ({when}): the node takes no task of this job "
                        "until it is reimaged (--reimage runs it again)",
                    )
                if known.digest and known.digest != digest:
                    self._note(notes, "the task has changed since that run: --reimage (or --reboot) runs the new one")
                return TaskResult("preparation", task_id, directories, known.info, ran=False, notes=notes)
            if reason:
                self._note(notes, reason)
            spec = _Spec(
                "preparation",
                task_id,
                task.command_line,
                directories,
                container_settings=task.container_settings,
                resource_files=tuple(task.resource_files or ()),
                environment=(*document.common_environment, *(task.environment_settings or ())),
                user_identity=task.user_identity,
                wall_clock=task.constraints.max_wall_clock_time if task.constraints else None,
                max_retries=(task.constraints.max_task_retry_count or 0) if task.constraints else 0,
            )
            previous = known.attempts if known is not None else 0
            record = state.TaskRecord({}, digest, node.boot, previous)
            return self._run(node, job_id, spec, record, notes, interrupt_after=interrupt_after)

    @staticmethod
    def _rerun_reason(known: state.TaskRecord | None, boot: int, task: JobPreparationTask, rerun: bool) -> str | None:
        """Why the node runs the preparation task again; `None` when it does not (or never ran it)."""
        if known is None:
            return None
        if not known.completed:
            return "the last run did not complete (interrupted, or batchprep was stopped): it runs again"
        if rerun:
            return "running it again on the same node, as a reboot or a recovery retry would"
        if known.boot < boot:
            # Not completed is handled above; a completed task, success or failure, follows the setting.
            if task.rerun_on_node_reboot_after_success is not False:
                return "the node rebooted since the last run: it runs again (rerunOnNodeRebootAfterSuccess)"
            return None
        return None

    # --- an ordinary task and the release task ------------------------------------------------------------

    def run_task(
        self, job: JobDocument | JobPreparationTask, job_id: str, command_line: str, *, task_id: str = "task-1"
    ) -> TaskResult:
        """Run one ordinary task of the job on this node, after its preparation task.

        It gets `AZ_BATCH_JOB_PREP_DIR` and `AZ_BATCH_JOB_PREP_WORKING_DIR`, the job's common environment
        settings, and runs as a non-admin auto-user in a fresh directory.

        Raises:
            TypeError, ValueError, TaskCheckError: As `prepare` raises them; also for a `task_id` that
                breaks the service's rule for IDs, or a command line that cannot run.
            NodeError: The preparation task never ran here, or failed with `waitForSuccess` (Batch
                would not schedule the task on this node).
        """
        check_id(job_id, "job_id")
        check_id(task_id, "task_id")
        document = _document(job)
        problems = command_line_problems(command_line)
        if problems:
            raise TaskCheckError("the task cannot run: nothing was run", problems)
        prep_id = document.preparation.id or DEFAULT_PREPARATION_ID
        with self._state() as node:
            known = node.record(job_id, "preparation")
            notes: list[str] = []
            if known is None or not known.completed:
                raise NodeError(
                    f"the preparation task of job {job_id!r} has not completed on this node: no task runs yet"
                )
            if not known.succeeded:
                if document.preparation.wait_for_success is not False:
                    raise NodeError(
                        "the preparation task failed on this node and waitForSuccess is true: Batch runs no task of "
                        "this job here"
                    )
                self._note(notes, "the preparation task failed, but waitForSuccess is false: the task runs anyway")
            directories = self.layout.task(job_id, task_id)
            if directories.task.exists():
                state._remove(directories.task)
            spec = _Spec(
                "task",
                task_id,
                command_line,
                directories,
                environment=tuple(document.common_environment),
                preparation=self.layout.task(job_id, prep_id),
            )
            return self._run(node, job_id, spec, None, notes)

    def release(self, job: JobDocument, job_id: str) -> TaskResult:
        """Run the job's release task on this node at job end; then the job has ended here.

        Raises:
            TypeError, ValueError, TaskCheckError: As `prepare` raises them.
            NodeError: The job has no release task, its preparation task never ran on this node (Batch
                runs the release task only where it did), or the job has ended here already.
        """
        check_id(job_id, "job_id")
        job = _document(job)
        if job.release is None:
            raise NodeError("the task file has no jobReleaseTask: --release needs a Job - Add body with one")
        release: ReleaseTask = job.release
        prep_id = job.preparation.id or DEFAULT_PREPARATION_ID
        with self._state() as node:
            if node.ended(job_id):
                raise NodeError(f"job {job_id!r} has ended on this node already: its release task ran")
            if node.record(job_id, "preparation") is None:
                raise NodeError(
                    f"the preparation task of job {job_id!r} never ran on this node: Batch runs the release task "
                    "only on nodes that ran it"
                )
            spec = _Spec(
                "release",
                release.id,
                release.command_line,
                self.layout.task(job_id, release.id),
                container_settings=release.container_settings,
                resource_files=tuple(release.resource_files),
                environment=(*job.common_environment, *release.environment_settings),
                user_identity=release.user_identity,
                wall_clock=release.max_wall_clock_time,
                preparation=self.layout.task(job_id, prep_id),
            )
            known = node.record(job_id, "release")
            record = state.TaskRecord({}, "", node.boot, known.attempts if known is not None else 0)
            result = self._run(node, job_id, spec, record, [])
            if result.completed:
                node.end(job_id)
            return result

    # --- checking idempotence ---------------------------------------------------------------------------

    def check_idempotent(
        self, job: JobDocument | JobPreparationTask, job_id: str, *, interrupt_after: float | None = None
    ) -> IdempotenceReport:
        """Run the preparation task, then again as after a reboot, and say what the second run changed.

        Args:
            job: The checked task file, or a preparation task alone.
            job_id: The job's ID.
            interrupt_after: Kill the first run after this many seconds, as a reboot during the task would.
        """
        first = self.prepare(job, job_id, interrupt_after=interrupt_after)
        interrupted = first.ran and first.attempts[-1:] != [] and first.attempts[-1].outcome == "interrupted"
        if interrupt_after is not None and not interrupted:
            self._note(first.notes, f"the first run ended before the interruption at {interrupt_after:g} s")
        if first.completed and not first.succeeded:
            return IdempotenceReport(first, None, interrupted)
        places = [first.directories.working, self.layout.shared]
        before = [snapshot(place) for place in places]
        first.notes.extend(self.reboot())
        with self._state() as node:
            known = node.record(job_id, "preparation")
            kept = known.attempts if known is not None else 0  # the number the first run's output is kept under
        second = self.prepare(job, job_id, rerun=True)
        if first.ran and first.attempts and second.attempts and kept:
            first.output = first.directories.task / f"stdout.{kept}.txt"
        after = [snapshot(place) for place in places]
        found = [Changes.between(place, b, a) for place, b, a in zip(places, before, after)]
        return IdempotenceReport(first, second, interrupted, found)

    # --- running one task ---------------------------------------------------------------------------------

    def _run(
        self,
        node: state.NodeState,
        job_id: str,
        spec: _Spec,
        record: state.TaskRecord | None,
        notes: list[str],
        *,
        interrupt_after: float | None = None,
    ) -> TaskResult:
        """Run a task through every stage; `record` is where the node remembers it (`None`: it does not)."""
        options = self.options
        try:
            account = identity.choose_account(spec.user_identity, nonadmin_account=options.nonadmin_account)
            identity.reachable(self.root, account)
        except identity.IdentityError as err:
            raise NodeError(str(err)) from None
        for note in account.notes:
            self._note(notes, note)
        engine: containers.Engine | None = None
        if spec.container_settings is not None:
            if options.no_container:
                self._note(notes, "--no-container: the command runs on the host, not in its container image")
            else:
                found = containers.find_engine()
                if found is None:
                    raise NodeError(
                        "the task has containerSettings but there is no container engine (docker or podman) on PATH: "
                        "install one, or run the command on the host with --no-container"
                    )
                engine = containers.Engine(found)
        downloads = options.downloads.replace(owner=(account.uid, account.gid) if account.switches else None)
        try:
            for note in resources.preflight(spec.resource_files, downloads):
                self._note(notes, note)
        except resources.ResourceSetupError as err:
            raise NodeError(str(err)) from None

        directories = spec.directories
        for directory in (directories.task, directories.working, directories.certificates):
            make_directory(directory)
            if account.switches:
                os.chown(directory, account.uid, account.gid)  # type: ignore[arg-type]
        start = _now()
        url = f"{self.settings.url().rstrip('/')}/pools/{self.settings.pool_id}/nodes/{self.node_id}/files/{directories.relative}"
        running = report.Execution(spec.kind == "release", start, "running", directories.relative, url)

        def remember(execution: report.Execution) -> dict[str, Any]:
            body = report.information(execution)
            if record is not None:
                record.info = body
                node.put(job_id, spec.kind, record)
            return body

        def finish(**values: Any) -> TaskResult:
            execution = running.replace(state="completed", end_time=_now(), **values)
            return TaskResult(spec.kind, spec.task_id, directories, remember(execution), notes=notes)

        remember(running)
        try:
            arrived = resources.download_all(spec.resource_files, directories.working, downloads)
        except resources.ResourceFailure as err:
            return finish(failure=report.Failure(err.code, err.message, "usererror", tuple(err.details)))

        env = task_environment(
            self.layout,
            self.settings,
            job_id=job_id,
            task_id=spec.task_id,
            directories=directories,
            user=account.task_user,
            user_identity=account.identity,
            settings_on_top=[(s.name, s.value or "") for s in spec.environment],
            preparation=spec.preparation,
            inherit=os.environ if options.inherit_env else None,
        )
        args = process.split_command_line(spec.command_line)
        outcome, container_info, failure = self._execute(
            spec, record, node, job_id, env, args, account, engine, interrupt_after, notes
        )
        last = outcome.last if outcome.attempts else None
        values: dict[str, Any] = {
            "retry_count": outcome.retry_count,
            "last_retry_time": outcome.last_retry_time,
            "container_info": container_info,
        }
        if failure is not None:
            result = finish(failure=failure, **values)
        elif last is not None and last.outcome == "interrupted":
            body = remember(running.replace(**values))
            result = TaskResult(spec.kind, spec.task_id, directories, body, notes=notes)
        elif last is not None and last.outcome == "exited" and last.exit_code == 0:
            result = finish(exit_code=0, **values)
        else:
            assert last is not None
            result = finish(exit_code=last.exit_code, failure=_attempt_failure(last, spec, outcome), **values)
        result.attempts = outcome.attempts
        result.downloads = arrived
        result.capped = outcome.capped
        if outcome.capped:
            self._note(
                notes,
                f"maxTaskRetryCount is -1 (retry without limit): stopped after {outcome.retry_count} "
                "retries here (--retry-cap)",
            )
        return result

    def _execute(
        self,
        spec: _Spec,
        record: state.TaskRecord | None,
        node: state.NodeState,
        job_id: str,
        env: dict[str, str],
        args: list[str],
        account: identity.Account,
        engine: containers.Engine | None,
        interrupt_after: float | None,
        notes: list[str],
    ) -> tuple[process.ProcessOutcome, dict[str, str], report.Failure | None]:
        """The process stage, on the host or through the container engine."""
        directories = spec.directories
        names = containers.passed_variables(env, [s.name for s in spec.environment])
        # The engine runs as batchprep does, with its PATH and HOME; the container gets the task's values.
        engine_env = {**os.environ, **{name: env[name] for name in names}}
        created: list[str] = []

        def before(number: int) -> None:
            if record is not None:
                if record.attempts:
                    process.keep_output(directories.task, record.attempts)
                record.attempts += 1

        def started(group: int) -> None:
            if record is not None:
                record.process_groups = [*record.process_groups[-7:], group]
                node.put(job_id, spec.kind, record)

        def launch(number: int) -> process.Launch:
            if engine is None or spec.container_settings is None:
                return process.Launch(
                    args, directories.working, env, directories.stdout, directories.stderr, account.uid, account.gid
                )
            create = engine.create_args(
                spec.container_settings, self.layout, directories, names, args, spec.preparation
            )
            created.append(engine.create(create, engine_env))
            return process.Launch(
                engine.start_args(created[-1]), directories.working, engine_env, directories.stdout, directories.stderr
            )

        def killed() -> None:
            if engine is not None and created:
                engine.kill(created[-1], engine_env)

        outcome = process.ProcessOutcome()
        try:
            if engine is not None and spec.container_settings is not None and spec.container_settings.registry:
                for note in engine.login(spec.container_settings.registry, engine_env):
                    self._note(notes, note)
            outcome = process.run_with_retries(
                launch,
                max_task_retry_count=spec.max_retries,
                unlimited_cap=self.options.unlimited_retry_cap,
                wall_clock=spec.wall_clock,
                interrupt_after=interrupt_after,
                follow=self.options.follow,
                on_start=started,
                on_kill=killed,
                before_attempt=before,
            )
        except containers.ContainerFailure as err:
            return outcome, {"containerId": created[-1]} if created else {}, report.Failure(err.code, err.message)
        info: dict[str, str] = {}
        if engine is not None and created:
            info = engine.inspect(created[-1], engine_env)
            for container_id in created:
                engine.remove(container_id, engine_env)
        return outcome, info, None


def _attempt_failure(attempt: process.Attempt, spec: _Spec, outcome: process.ProcessOutcome) -> report.Failure:
    """The failure information for a run whose last attempt did not exit with 0."""
    if attempt.outcome == "not_found":
        return report.Failure("CommandProgramNotFound", attempt.message)
    if attempt.outcome == "launch_failed":
        return report.Failure("CommandLaunchFailed", attempt.message)
    if attempt.outcome == "timed_out":
        assert spec.wall_clock is not None
        from batchprep.durations import format_duration

        return report.Failure(
            "TaskEnded",
            f"the task ran longer than its maxWallClockTime ({format_duration(spec.wall_clock)}) and was ended: its "
            "whole process group was killed",
        )
    retries = (
        f" after {outcome.retry_count} retr{'y' if outcome.retry_count == 1 else 'ies'}" if outcome.retry_count else ""
    )
    return report.Failure(
        "FailureExitCode",
        f"the task process exited with an unexpected exit code ({attempt.exit_code}){retries}",
        details=(("Message", f"the command exited with {attempt.exit_code}"),),
    )
