"""Check first: what `batchprep run` accepts, read and checked before anything runs or downloads.

A task file holds either the body of a Job Preparation Task, or a whole *Job - Add* body whose
`jobPreparationTask` (and `jobReleaseTask`, `commonEnvironmentSettings`, `id`) are used. Everything is
checked with `batchprep.lint`, as `batchprep check` checks it, and the problems carry JSON pointers
into the file as given (`/jobPreparationTask/commandLine` in a Job - Add body).

Seams for later: `check_job_document` is the one place that knows how a Job - Add body is checked, and
`_release_task` the one place that reads a `jobReleaseTask`; both switch to the models and linter rules
for whole jobs when those exist.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchprep._rules import pointer
from batchprep.errors import ValidationError
from batchprep.lint import LintWarning, check
from batchprep.models import (
    EnvironmentSetting,
    JobPreparationTask,
    ResourceFile,
    TaskContainerSettings,
    UserIdentity,
)
from batchprep.node._records import Record
from batchprep.node.layout import DEFAULT_RELEASE_ID
from batchprep.node.process import CommandLineError, split_command_line

__all__ = ["RELEASE_WALL_CLOCK_LIMIT", "JobDocument", "JobReport", "ReleaseTask", "check_job_document"]

#: The release task's default and longest `maxWallClockTime`: the service refuses a longer one (400).
RELEASE_WALL_CLOCK_LIMIT = datetime.timedelta(minutes=15)

#: The properties of a `jobReleaseTask` body (Batch REST API, Job - Add).
_RELEASE_KEYS = (
    "id",
    "commandLine",
    "containerSettings",
    "resourceFiles",
    "environmentSettings",
    "maxWallClockTime",
    "retentionTime",
    "userIdentity",
)


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


def _moved(found: ValidationError, path: str, target: str | None = None) -> ValidationError:
    return ValidationError(
        found.rule,
        target or found.target,
        found.value,
        path=path,
        message=found.message,
        expected=found.expected,
        found=found.found,
    )


def _command_line_problem(task: JobPreparationTask, path: str) -> list[ValidationError]:
    """A command line the node cannot split: it could never start, so it stops the run here."""
    try:
        split_command_line(task.command_line)
    except CommandLineError as err:
        return [_problem(path + "/commandLine", "command_line", str(err))]
    return []


def check_job_document(document: Any) -> JobReport:
    """Check a parsed task file: a Job Preparation Task body or a Job - Add body.

    Args:
        document: The file's content as `json.load` (or a YAML loader) returns it.

    Returns:
        The report: every problem (which stops the run) and warning, with JSON pointers into the
        document as given.
    """
    is_job = isinstance(document, dict) and ("jobPreparationTask" in document or "jobReleaseTask" in document)
    if not is_job:
        report = check(document)
        found = list(report.problems)
        if report.model is not None:
            assert isinstance(report.model, JobPreparationTask)
            found += _command_line_problem(report.model, "")
        if found:
            return JobReport(None, found, report.warnings)
        assert isinstance(report.model, JobPreparationTask)
        return JobReport(JobDocument(report.model), [], report.warnings)

    problems: list[ValidationError] = []
    warnings: list[LintWarning] = []
    preparation: JobPreparationTask | None = None
    if document.get("jobPreparationTask") is None:
        problems.append(
            _problem(
                "/jobPreparationTask",
                "required",
                "is required: the service accepts a jobReleaseTask only in a job that has a jobPreparationTask",
            )
        )
    else:
        report = check(document["jobPreparationTask"])
        problems += [_moved(p, "/jobPreparationTask" + p.path) for p in report.problems]
        warnings += [LintWarning("/jobPreparationTask" + w.path, w.rule, w.message) for w in report.warnings]
        if isinstance(report.model, JobPreparationTask):
            preparation = report.model
            problems += _command_line_problem(preparation, "/jobPreparationTask")

    release: ReleaseTask | None = None
    if document.get("jobReleaseTask") is not None:
        release, found, noted = _release_task(document["jobReleaseTask"])
        problems += found
        warnings += noted

    job_id = document.get("id")
    if job_id is not None and not isinstance(job_id, str):
        problems.append(_problem("/id", "type", "expected a string: the job's ID", "JobAddParameter"))
        job_id = None

    common: list[EnvironmentSetting] = []
    settings = document.get("commonEnvironmentSettings")
    if settings is not None:
        if not isinstance(settings, list):
            problems.append(
                _problem("/commonEnvironmentSettings", "type", "expected an array of {name, value}", "JobAddParameter")
            )
        else:
            for index, item in enumerate(settings):
                where = f"/commonEnvironmentSettings/{index}"
                report = check(item, EnvironmentSetting)
                problems += [_moved(p, where + p.path) for p in report.problems]
                warnings += [LintWarning(where + w.path, w.rule, w.message) for w in report.warnings]
                if isinstance(report.model, EnvironmentSetting):
                    common.append(report.model)

    if problems or preparation is None:
        return JobReport(None, problems, warnings)
    return JobReport(JobDocument(preparation, release, job_id, common, is_job=True), [], warnings)


def _release_task(body: Any) -> tuple[ReleaseTask | None, list[ValidationError], list[LintWarning]]:
    """Read and check a `jobReleaseTask` body.

    Its properties are those of a preparation task but for the constraints, which sit at the top
    (`maxWallClockTime`, `retentionTime`, no retry count) and for the missing `waitForSuccess` and
    `rerunOnNodeRebootAfterSuccess`. So the body is checked as a preparation task with its time limits
    moved under `constraints`, and the problems moved back to where they are in the file.
    """
    base = "/jobReleaseTask"
    if not isinstance(body, dict):
        found = check(body).problems  # the linter's own words for a body that is not an object
        return None, [_moved(p, base + p.path) for p in found], []
    as_preparation: dict[str, Any] = {k: v for k, v in body.items() if k in _RELEASE_KEYS}
    limits = {k: as_preparation.pop(k) for k in ("maxWallClockTime", "retentionTime") if k in as_preparation}
    if limits:
        as_preparation["constraints"] = limits
    report = check(as_preparation)

    def place(path: str) -> str:
        return base + (path.removeprefix("/constraints") if path.startswith("/constraints/") else path)

    problems = [
        _moved(p, place(p.path), p.target.replace("JobPreparationTask", "JobReleaseTask")) for p in report.problems
    ]
    warnings = [LintWarning(place(w.path), w.rule, w.message) for w in report.warnings]
    warnings += [
        LintWarning(
            base + pointer(key),
            "unknown",
            "is not a JobReleaseTask property: the service refuses it (a release task has no retry count, "
            "waitForSuccess or rerunOnNodeRebootAfterSuccess)",
        )
        for key in body
        if key not in _RELEASE_KEYS
    ]
    model = report.model
    if not isinstance(model, JobPreparationTask):
        return None, problems, warnings
    limit = model.constraints.max_wall_clock_time if model.constraints else None
    if limit is not None and limit > RELEASE_WALL_CLOCK_LIMIT:
        problems.append(
            _problem(
                base + "/maxWallClockTime",
                "maximum",
                "may be at most 15 minutes (PT15M) for a release task: the service refuses a longer one",
                "JobReleaseTask",
            )
        )
    try:
        split_command_line(model.command_line)
    except CommandLineError as err:
        problems.append(_problem(base + "/commandLine", "command_line", str(err), "JobReleaseTask"))
    if problems:
        return None, problems, warnings
    return (
        ReleaseTask(
            command_line=model.command_line,
            id=model.id or DEFAULT_RELEASE_ID,
            container_settings=model.container_settings,
            resource_files=list(model.resource_files or []),
            environment_settings=list(model.environment_settings or []),
            max_wall_clock_time=limit if limit is not None else RELEASE_WALL_CLOCK_LIMIT,
            retention_time=model.constraints.retention_time if model.constraints else None,
            user_identity=model.user_identity,
        ),
        problems,
        warnings,
    )
