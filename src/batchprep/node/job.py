"""Check first: what `batchprep run` accepts, read and checked before anything runs or downloads.

A task file holds the body of a Job Preparation Task, a whole *Job - Add* body whose
`jobPreparationTask` (and `jobReleaseTask`, `commonEnvironmentSettings`, `id`) are used, or a Job
Schedule body whose `jobSpecification` is such a job. The tasks are checked by `batchprep.lint.job`,
exactly as `batchprep check` checks them (the whole-job rules included; the behaviour rules, advice
that a run does not print, are left out), with JSON pointers into the file as given
(`/jobPreparationTask/commandLine` in a Job - Add body); the node adds what only a run needs:
command lines it can split, no NUL character anywhere (no argument, path or environment variable can
hold one), environment variable names a process can have (not empty, no `=`), a job with a
preparation task, the job's ID and pool, and common environment settings.

`check_document` checks a `JobDocument` (or a task) made in Python the same way: the agent calls it
before it touches the node's directory.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchprep import service_rules
from batchprep._rules import pointer
from batchprep.cmdline.split import where
from batchprep.errors import ValidationError, _ErrorList
from batchprep.lint import LintWarning, check
from batchprep.lint.job import check_body
from batchprep.model import Model
from batchprep.models import (
    EnvironmentSetting,
    JobPreparationAndRelease,
    JobPreparationTask,
    JobReleaseTask,
    ResourceFile,
    TaskContainerSettings,
    UserIdentity,
)
from batchprep.node._records import Record
from batchprep.node.layout import DEFAULT_RELEASE_ID, ID_RULE, check_id
from batchprep.node.process import CommandLineError, split_command_line

__all__ = [
    "RELEASE_WALL_CLOCK_LIMIT",
    "JobDocument",
    "JobReport",
    "ReleaseTask",
    "TaskCheckError",
    "as_document",
    "check_document",
    "check_job_document",
    "command_line_problems",
]

#: The release task's default and longest `maxWallClockTime`: the service refuses a longer one (400).
RELEASE_WALL_CLOCK_LIMIT = service_rules.RELEASE_WALL_CLOCK_MAX


class ReleaseTask(Record):
    """A job's release task, read from the `jobReleaseTask` of a Job - Add body.

    Attributes:
        id: The task ID; `jobrelease` when the body has none.
        command_line: What to run.
        container_settings: The container to run it in.
        resource_files: Files downloaded first.
        environment_settings: Its environment variables.
        max_wall_clock_time: Its time limit: 15 minutes when the body has none, never more.
        retention_time: How long the node keeps its directory.
        user_identity: The account it runs as (a non-admin auto-user when omitted).
    """

    command_line: str
    id: str
    container_settings: TaskContainerSettings | None
    resource_files: list[ResourceFile]
    environment_settings: list[EnvironmentSetting]
    max_wall_clock_time: datetime.timedelta
    retention_time: datetime.timedelta | None
    user_identity: UserIdentity | None

    __slots__ = (
        "command_line",
        "container_settings",
        "environment_settings",
        "id",
        "max_wall_clock_time",
        "resource_files",
        "retention_time",
        "user_identity",
    )

    def __init__(
        self,
        command_line: str,
        id: str = DEFAULT_RELEASE_ID,
        container_settings: TaskContainerSettings | None = None,
        resource_files: list[ResourceFile] | None = None,
        environment_settings: list[EnvironmentSetting] | None = None,
        max_wall_clock_time: datetime.timedelta = RELEASE_WALL_CLOCK_LIMIT,
        retention_time: datetime.timedelta | None = None,
        user_identity: UserIdentity | None = None,
    ) -> None:
        self.command_line = command_line
        self.id = id
        self.container_settings = container_settings
        self.resource_files = [] if resource_files is None else resource_files
        self.environment_settings = [] if environment_settings is None else environment_settings
        self.max_wall_clock_time = max_wall_clock_time
        self.retention_time = retention_time
        self.user_identity = user_identity


class JobDocument(Record):
    """What a task file gives the node.

    Attributes:
        preparation: The Job Preparation Task.
        release: The Job Release Task, when the file is a Job - Add body that has one.
        job_id: The `id` of a Job - Add body, if it has one.
        pool_id: The `poolInfo.poolId` of a Job - Add body, if it has one: the pool the job runs on
            (`batchprep run` makes it the node's `AZ_BATCH_POOL_ID` unless `--pool-id` is given).
        common_environment: The job's `commonEnvironmentSettings`, which every task of the job gets
            under its own settings.
        is_job: Whether the file was a Job - Add body.
    """

    preparation: JobPreparationTask
    release: ReleaseTask | None
    job_id: str | None
    common_environment: list[EnvironmentSetting]
    is_job: bool
    pool_id: str | None

    __slots__ = ("common_environment", "is_job", "job_id", "pool_id", "preparation", "release")

    def __init__(
        self,
        preparation: JobPreparationTask,
        release: ReleaseTask | None = None,
        job_id: str | None = None,
        common_environment: list[EnvironmentSetting] | None = None,
        is_job: bool = False,
        pool_id: str | None = None,
    ) -> None:
        self.preparation = preparation
        self.release = release
        self.job_id = job_id
        self.common_environment = [] if common_environment is None else common_environment
        self.is_job = is_job
        self.pool_id = pool_id


class JobReport(Record):
    """What checking a task file found: the document when it has no problem, else `None`."""

    document: JobDocument | None
    problems: list[ValidationError]
    warnings: list[LintWarning]

    __slots__ = ("document", "problems", "warnings")

    def __init__(
        self,
        document: JobDocument | None,
        problems: list[ValidationError] | None = None,
        warnings: list[LintWarning] | None = None,
    ) -> None:
        self.document = document
        self.problems = [] if problems is None else problems
        self.warnings = [] if warnings is None else warnings

    @property
    def ok(self) -> bool:
        return not self.problems


class TaskCheckError(_ErrorList):
    """A task given to `batchprep.node.Node` in Python has problems: nothing ran, the node was not touched.

    ``errors`` lists every problem, with JSON pointers into the task's REST body, as `batchprep run`
    reports them for a file.
    """


def _problem(path: str, rule: str, message: str, target: str = "JobPreparationTask") -> ValidationError:
    return ValidationError(rule, target, path=path, message=message)


def _command_line_problem(task: JobPreparationTask | JobReleaseTask, path: str) -> list[ValidationError]:
    """A command line the node cannot split: it could never start, so it stops the run here."""
    if not isinstance(task.command_line, str):  # a wrong type, which the check reports
        return []
    try:
        split_command_line(task.command_line)
    except CommandLineError as err:
        return [_problem(path + "/commandLine", "command_line", str(err), type(task).__name__)]
    return []


def command_line_problems(command_line: Any, path: str = "/commandLine") -> list[ValidationError]:
    """Why the node could not start an ordinary task's command line (`--task`): it is no string, holds a
    NUL character, or cannot be split."""
    target = "TaskAddParameter"
    if not isinstance(command_line, str):
        return [_problem(path, "type", f"expected a string, found {type(command_line).__name__}", target)]
    try:
        split_command_line(command_line)
    except CommandLineError as err:
        return [*_nul_problems(command_line, path, target), _problem(path, "command_line", str(err), target)]
    return _nul_problems(command_line, path, target)


_NUL = (
    "contains a NUL character (\\0) at {where}: the operating system takes none in an argument, a path or "
    "an environment variable, so the node cannot start the task"
)


def _nul_problems(model: Any, path: str, target: str) -> list[ValidationError]:
    """Every string value of a model (and the models in it) that holds a NUL character; none is quoted."""
    found = []
    stack = [(path, model)]
    while stack:
        place, value = stack.pop()
        if isinstance(value, str):
            at = value.find("\0")
            if at >= 0:
                found.append(_problem(place, "nul_character", _NUL.format(where=where(value, at)), target))
        elif isinstance(value, Model):  # its fields, at their REST keys; additional properties are not sent
            fields = type(value)._attribute_map.items()
            stack.extend((place + pointer(field["key"]), getattr(value, name, None)) for name, field in reversed(fields))
        elif isinstance(value, (list, tuple)):
            stack.extend((f"{place}/{index}", item) for index, item in reversed(list(enumerate(value))))
        elif isinstance(value, dict):
            stack.extend((place + pointer(key), item) for key, item in reversed(value.items()))
    return found


def _environment_problems(settings: Any, path: str, target: str) -> list[ValidationError]:
    """Environment variable names no process can have: empty, or with an `=` (where a name ends)."""
    found = []
    for index, setting in enumerate(settings if isinstance(settings, list) else []):
        found += _name_problems(setting, f"{path}/{index}", target)
    return found


def _name_problems(setting: Any, path: str, target: str) -> list[ValidationError]:
    name = setting.name if isinstance(setting, EnvironmentSetting) else None
    if name == "":
        return [_problem(path + "/name", "environment_name", "is empty: an environment variable needs a name", target)]
    if isinstance(name, str) and "=" in name:
        message = (
            f"contains '=' at {where(name, name.index('='))}: in a process's environment a name ends at its "
            "first '=', so no process can have this variable; choose a name without '='"
        )
        return [_problem(path + "/name", "environment_name", message, target)]
    return []


def _run_problems(task: JobPreparationTask | JobReleaseTask | None, path: str) -> list[ValidationError]:
    """What stops the node from starting a task that the check finds valid (`None`: a task not read)."""
    if task is None:
        return []
    target = type(task).__name__
    problems = _command_line_problem(task, path) + _nul_problems(task, path, target)
    return problems + _environment_problems(task.environment_settings, path + "/environmentSettings", target)


def check_job_document(document: Any) -> JobReport:
    """Check a parsed task file: a Job Preparation Task, a Job - Add or a Job Schedule body.

    Args:
        document: The file's content as `json.load` (or a YAML loader) returns it.

    Returns:
        The report: every problem (which stops the run) and warning, with JSON pointers into the
        document as given.
    """
    report = check_body(document, behaviour=False)
    problems, warnings = list(report.problems), list(report.warnings)
    if report.kind == "release":
        problems.append(
            _problem(
                "",
                "kind",
                "reads as a Job Release Task alone: batchprep run takes a Job Preparation Task, or a job with one "
                "(a Job - Add body, whose jobReleaseTask runs with --release)",
            )
        )
        return JobReport(None, problems, warnings)
    if report.kind == "preparation":
        model = report.model
        problems += _run_problems(model if isinstance(model, JobPreparationTask) else None, "")
        if problems or not isinstance(model, JobPreparationTask):
            return JobReport(None, problems, warnings)
        return JobReport(JobDocument(model), [], warnings)

    prefix = "/jobSpecification" if report.kind == "schedule" else ""
    job = document.get("jobSpecification") if report.kind == "schedule" else document
    job = job if isinstance(job, dict) else {}
    tasks = report.model if isinstance(report.model, JobPreparationAndRelease) else None
    if job.get("jobPreparationTask") is None and not any(p.rule == "requires" for p in problems):
        problems.append(_problem(prefix + "/jobPreparationTask", "required", "is required: batchprep run runs a job's preparation task"))
    preparation = tasks.job_preparation_task if tasks is not None else None
    released = tasks.job_release_task if tasks is not None else None
    problems += _run_problems(preparation, prefix + "/jobPreparationTask")
    problems += _run_problems(released, prefix + "/jobReleaseTask")
    release = _release_task(released) if released is not None else None
    job_id, pool_id, common = _job_settings(job, prefix, problems, warnings)
    if problems or preparation is None:
        return JobReport(None, problems, warnings)
    return JobReport(JobDocument(preparation, release, job_id, common, is_job=True, pool_id=pool_id), [], warnings)


def _job_settings(
    job: dict[str, Any], prefix: str, problems: list[ValidationError], warnings: list[LintWarning]
) -> tuple[str | None, str | None, list[EnvironmentSetting]]:
    """The job's `id`, `poolInfo.poolId` and `commonEnvironmentSettings`, which `batchprep check` leaves
    to the service."""
    job_id = _an_id(job.get("id"), prefix + "/id", "the job's ID", problems)
    pool_info = job.get("poolInfo")
    pool_id = None
    if isinstance(pool_info, dict):  # an autoPoolSpecification instead: the service names that pool
        pool_id = _an_id(pool_info.get("poolId"), prefix + "/poolInfo/poolId", "the pool's ID", problems)
    common: list[EnvironmentSetting] = []
    settings = job.get("commonEnvironmentSettings")
    if settings is None:
        return job_id, pool_id, common
    where_ = prefix + "/commonEnvironmentSettings"
    if not isinstance(settings, list):
        problems.append(_problem(where_, "type", "expected an array of {name, value}", "JobAddParameter"))
        return job_id, pool_id, common
    for index, item in enumerate(settings):
        report = check(item, EnvironmentSetting)
        problems += [p.with_path(f"{where_}/{index}{p.path}") for p in report.problems]
        warnings += [LintWarning(f"{where_}/{index}{w.path}", w.rule, w.message) for w in report.warnings]
        if isinstance(report.model, EnvironmentSetting):
            problems += _name_problems(report.model, f"{where_}/{index}", "JobAddParameter")
            problems += _nul_problems(report.model, f"{where_}/{index}", "JobAddParameter")
            common.append(report.model)
    return job_id, pool_id, common


def _an_id(value: Any, path: str, what: str, problems: list[ValidationError]) -> str | None:
    """A job's or pool's ID from the body, or `None`; a problem when it is one the service would refuse."""
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(_problem(path, "type", f"expected a string: {what}", "JobAddParameter"))
        return None
    try:
        return check_id(value, what)
    except ValueError:
        problems.append(_problem(path, "pattern", f"is not a Batch ID: {ID_RULE}", "JobAddParameter"))
        return None


def check_document(job: Any) -> list[ValidationError]:
    """Check a task made in Python as `batchprep run` checks a file, before the node runs it.

    Args:
        job: A `batchprep.JobPreparationTask`, or a `JobDocument` (a task file read by
            `check_job_document`, or one made in Python).

    Returns:
        Every problem that stops the run, with JSON pointers into the task's REST body
        (`/jobPreparationTask/...`, `/jobReleaseTask/...` in a document with a release task).

    Raises:
        TypeError: `job` is neither (a dict, or an azure-batch model, say); the message says what to pass.
    """
    document = as_document(job)
    preparation = document.preparation
    release = _release_model(document.release) if document.release is not None else None
    prefix = "/jobPreparationTask" if document.is_job or release is not None else ""
    if release is None:
        problems = [p.with_path(prefix + p.path) for p in check(preparation, behaviour=False).problems]
    else:
        both = JobPreparationAndRelease(job_preparation_task=preparation, job_release_task=release)
        problems = list(check(both, behaviour=False).problems)
    problems += _run_problems(preparation, prefix)
    if release is not None:
        problems += _run_problems(release, "/jobReleaseTask")
    where_ = "/commonEnvironmentSettings"
    for index, setting in enumerate(document.common_environment):
        found = check(setting, EnvironmentSetting, behaviour=False).problems
        problems += [p.with_path(f"{where_}/{index}{p.path}") for p in found]
        problems += _name_problems(setting, f"{where_}/{index}", "JobAddParameter")
        problems += _nul_problems(setting, f"{where_}/{index}", "JobAddParameter")
    return problems


def as_document(job: Any) -> JobDocument:
    """`job` as a `JobDocument`: a task alone makes one; anything else is a `TypeError` saying what to pass."""
    if isinstance(job, JobDocument) and isinstance(job.preparation, JobPreparationTask):
        if job.release is not None and not isinstance(job.release, ReleaseTask):
            raise TypeError(
                f"JobDocument.release must be a batchprep.node.ReleaseTask, not {type(job.release).__name__}"
            )
        for index, setting in enumerate(job.common_environment):
            if not isinstance(setting, EnvironmentSetting):
                raise TypeError(
                    f"JobDocument.common_environment[{index}] must be a batchprep.EnvironmentSetting, not "
                    f"{type(setting).__name__}"
                )
        return job
    if isinstance(job, JobPreparationTask):
        return JobDocument(job)
    found = type(job.preparation if isinstance(job, JobDocument) else job)
    name = found.__name__ if found.__module__ == "builtins" else f"{found.__module__}.{found.__qualname__}"
    hint = "read a REST body with batchprep.JobPreparationTask.deserialize(body)"
    if isinstance(job, dict):
        hint = (
            "read a task body with batchprep.JobPreparationTask.deserialize(body), or a task file (a task or a "
            "Job - Add body) with batchprep.node.check_job_document(body).document"
        )
    elif found.__module__.startswith("azure.batch"):
        hint = "convert it with batchprep.interop.from_msrest_model() (azure-batch 14.x) or from_batch_v15() (15.x)"
    elif isinstance(job, JobReleaseTask):
        hint = "the node runs a release task only with its preparation task: pass a JobDocument with both"
    raise TypeError(f"expected a batchprep.JobPreparationTask or a batchprep.node.JobDocument, not {name}: {hint}")


def _release_model(task: ReleaseTask) -> JobReleaseTask:
    """The REST model of a release task the node runs."""
    return JobReleaseTask(
        id=task.id,
        command_line=task.command_line,
        container_settings=task.container_settings,
        resource_files=list(task.resource_files) or None,
        environment_settings=list(task.environment_settings) or None,
        max_wall_clock_time=task.max_wall_clock_time,
        retention_time=task.retention_time,
        user_identity=task.user_identity,
    )


def _release_task(task: JobReleaseTask) -> ReleaseTask:
    """What the node runs for a job's release task: the service's defaults filled in."""
    return ReleaseTask(
        command_line=task.command_line,
        id=task.id or DEFAULT_RELEASE_ID,
        container_settings=task.container_settings,
        resource_files=list(task.resource_files or []),
        environment_settings=list(task.environment_settings or []),
        max_wall_clock_time=task.max_wall_clock_time or RELEASE_WALL_CLOCK_LIMIT,
        retention_time=task.retention_time,
        user_identity=task.user_identity,
    )
