"""Check first: what `batchprep run` accepts, read and checked before anything runs or downloads.

A task file holds the body of a Job Preparation Task, a whole *Job - Add* body whose
`jobPreparationTask` (and `jobReleaseTask`, `commonEnvironmentSettings`, `id`) are used, or a Job
Schedule body whose `jobSpecification` is such a job. The tasks are checked by `batchprep.lint.job`,
exactly as `batchprep check` checks them (the whole-job rules included; the behaviour rules, advice
that a run does not print, are left out), with JSON pointers into the file as given
(`/jobPreparationTask/commandLine` in a Job - Add body); the node adds what only a run needs:
command lines it can split, a job with a preparation task, and common environment settings.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchprep import service_rules
from batchprep.errors import ValidationError
from batchprep.lint import LintWarning, check
from batchprep.lint.job import check_body
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
from batchprep.node.layout import DEFAULT_RELEASE_ID
from batchprep.node.process import CommandLineError, split_command_line

__all__ = ["RELEASE_WALL_CLOCK_LIMIT", "JobDocument", "JobReport", "ReleaseTask", "check_job_document"]

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
        common_environment: The job's `commonEnvironmentSettings`, which every task of the job gets
            under its own settings.
        is_job: Whether the file was a Job - Add body.
    """

    preparation: JobPreparationTask
    release: ReleaseTask | None
    job_id: str | None
    common_environment: list[EnvironmentSetting]
    is_job: bool

    __slots__ = ("common_environment", "is_job", "job_id", "preparation", "release")

    def __init__(
        self,
        preparation: JobPreparationTask,
        release: ReleaseTask | None = None,
        job_id: str | None = None,
        common_environment: list[EnvironmentSetting] | None = None,
        is_job: bool = False,
    ) -> None:
        self.preparation = preparation
        self.release = release
        self.job_id = job_id
        self.common_environment = [] if common_environment is None else common_environment
        self.is_job = is_job


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


def _problem(path: str, rule: str, message: str, target: str = "JobPreparationTask") -> ValidationError:
    return ValidationError(rule, target, path=path, message=message)


def _command_line_problem(task: JobPreparationTask | JobReleaseTask, path: str) -> list[ValidationError]:
    """A command line the node cannot split: it could never start, so it stops the run here."""
    try:
        split_command_line(task.command_line)
    except CommandLineError as err:
        return [_problem(path + "/commandLine", "command_line", str(err), type(task).__name__)]
    return []


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
        if isinstance(model, JobPreparationTask):
            problems += _command_line_problem(model, "")
        if problems or not isinstance(model, JobPreparationTask):
            return JobReport(None, problems, warnings)
        return JobReport(JobDocument(model), [], warnings)

    prefix = "/jobSpecification" if report.kind == "schedule" else ""
    job = document.get("jobSpecification") if report.kind == "schedule" else document
    tasks = report.model if isinstance(report.model, JobPreparationAndRelease) else None
    if isinstance(job, dict) and job.get("jobPreparationTask") is None and not any(p.rule == "requires" for p in problems):
        problems.append(_problem(prefix + "/jobPreparationTask", "required", "is required: batchprep run runs a job's preparation task"))
    preparation = tasks.job_preparation_task if tasks is not None else None
    if preparation is not None:
        problems += _command_line_problem(preparation, prefix + "/jobPreparationTask")
    release: ReleaseTask | None = None
    if tasks is not None and tasks.job_release_task is not None:
        problems += _command_line_problem(tasks.job_release_task, prefix + "/jobReleaseTask")
        release = _release_task(tasks.job_release_task)
    job_id, common = _job_settings(job if isinstance(job, dict) else {}, prefix, problems, warnings)
    if problems or preparation is None:
        return JobReport(None, problems, warnings)
    return JobReport(JobDocument(preparation, release, job_id, common, is_job=True), [], warnings)


def _job_settings(
    job: dict[str, Any], prefix: str, problems: list[ValidationError], warnings: list[LintWarning]
) -> tuple[str | None, list[EnvironmentSetting]]:
    """The job's `id` and `commonEnvironmentSettings`, which `batchprep check` leaves to the service."""
    job_id = job.get("id")
    if job_id is not None and not isinstance(job_id, str):
        problems.append(_problem(prefix + "/id", "type", "expected a string: the job's ID", "JobAddParameter"))
        job_id = None
    common: list[EnvironmentSetting] = []
    settings = job.get("commonEnvironmentSettings")
    if settings is None:
        return job_id, common
    if not isinstance(settings, list):
        where = prefix + "/commonEnvironmentSettings"
        problems.append(_problem(where, "type", "expected an array of {name, value}", "JobAddParameter"))
        return job_id, common
    for index, item in enumerate(settings):
        where = f"{prefix}/commonEnvironmentSettings/{index}"
        report = check(item, EnvironmentSetting)
        problems += [p.with_path(where + p.path) for p in report.problems]
        warnings += [LintWarning(where + w.path, w.rule, w.message) for w in report.warnings]
        if isinstance(report.model, EnvironmentSetting):
            common.append(report.model)
    return job_id, common


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
