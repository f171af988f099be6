"""The bodies a Job Preparation Task travels in: a bare Job Release Task, a whole job, a job schedule.

`batchprep check` takes any of them. `kind_of` tells them apart, `check_body` checks one:

- ``preparation``: a Job Preparation Task body (the ``jobPreparationTask`` object), as before;
- ``release``: a Job Release Task body (the ``jobReleaseTask`` object);
- ``job``: a Job - Add body, or a job schedule's ``jobSpecification`` on its own: its
  ``jobPreparationTask`` and ``jobReleaseTask`` are checked, with paths from the document's root
  (``/jobPreparationTask/resourceFiles/0/filePath``), together with the rules that tie the two, and
  the two job properties the node uses (``id``, ``commonEnvironmentSettings``, which every task of
  the job gets); the rest of the job is the service's business and is left alone;
- ``schedule``: a Job Schedule - Add body: the same inside its ``jobSpecification``
  (``/jobSpecification/jobReleaseTask/...``).

Problems of Batch service rules named in ``waive`` are left out (see `batchprep.service_rules`).
Besides the warnings of `batchprep.lint.document` (``size``, ``unknown``), a job with neither task
gets a ``job`` warning. When ``auto`` guesses a Job Release Task from the top-level time limits, a
``kind`` finding says so and why: an info, or a warning when the body has problems (it may be a
preparation task whose limits belong under ``constraints``). A body that has those limits and a
property only a preparation task has is read as one, with a ``kind`` error that names both.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from batchprep import service_rules
from batchprep._rules import pointer, rule_error, type_error
from batchprep.errors import ValidationError
from batchprep.limits import size_warnings
from batchprep.lint.document import LintWarning, Report, Unparsable, check, parse_text
from batchprep.model import Model
from batchprep.models import EnvironmentSetting, JobPreparationAndRelease, JobPreparationTask, JobReleaseTask
from batchprep.models.task import TASK_ID_MAX_LENGTH, TASK_ID_MESSAGES, TASK_ID_PATTERN

__all__ = ["KINDS", "BodyReport", "check_body", "check_body_text", "kind_of"]

#: What a document can be read as; ``auto`` asks `kind_of`.
KINDS = ("auto", "preparation", "release", "job", "schedule")
_TASK_KEYS = ("jobPreparationTask", "jobReleaseTask")
#: Properties only a Job Preparation Task has (a release task has its time limits at its top level).
_PREPARATION_ONLY = frozenset({"constraints", "waitForSuccess", "rerunOnNodeRebootAfterSuccess"})
_RELEASE_ONLY = frozenset({"maxWallClockTime", "retentionTime"})
#: Properties of a job (Job - Add, or a schedule's jobSpecification) that no task has.
_JOB_ONLY = frozenset({"poolInfo", "jobManagerTask", "onAllTasksComplete", "onTaskFailure", "usesTaskDependencies", *_TASK_KEYS})


def kind_of(document: Any) -> str:
    """What a parsed document is, as `check_body` reads it (``auto`` decides this way).

    A ``jobSpecification`` object makes a job schedule; ``jobPreparationTask``, ``jobReleaseTask``,
    ``poolInfo`` (or another property only a job has) make a job; ``maxWallClockTime`` or
    ``retentionTime`` at the top level, without ``constraints``, ``waitForSuccess`` or
    ``rerunOnNodeRebootAfterSuccess``, make a Job Release Task (a preparation task keeps its time
    limits under ``constraints``); anything else is read as a Job Preparation Task.
    """
    if not isinstance(document, dict):
        return "preparation"
    keys = {key for key in document if isinstance(key, str)}
    if isinstance(document.get("jobSpecification"), dict):
        return "schedule"
    if keys & _JOB_ONLY:
        return "job"
    if keys & _RELEASE_ONLY and not keys & _PREPARATION_ONLY:
        return "release"
    return "preparation"


@dataclass(frozen=True)
class BodyReport(Report):
    """What `check_body` found, and what it read the document as.

    Attributes:
        kind: ``preparation``, ``release``, ``job`` or ``schedule``.
        document: The parsed document.
        waived: The service rule names whose problems were left out.
    """

    kind: str = "preparation"
    document: Any = None
    waived: frozenset[str] = frozenset()

    def body(self, *, send_additional_properties: bool = False) -> Any:
        """The body batchprep would send: the canonical task(s), the rest of a job as it was.

        Raises:
            ValueError: the document has problems (`model` is ``None``).
        """
        if self.model is None:
            raise ValueError("a document with problems has no body to send")
        tasks = self.model.serialize(waive=self.waived, send_additional_properties=send_additional_properties or None)
        if self.kind == "job":
            return {**self.document, **tasks}
        if self.kind == "schedule":
            return {**self.document, "jobSpecification": {**self.document["jobSpecification"], **tasks}}
        return tasks


def check_body(
    document: Any,
    kind: str = "auto",
    *,
    waive: str | Iterable[str] | None = None,
    behaviour: bool = True,
    job_properties: bool | None = None,
) -> BodyReport:
    """Check a parsed document of any kind (see the module's documentation).

    Args:
        document: The body as `json.load` returns it.
        kind: One of `KINDS`.
        waive: Batch service rule names whose problems to leave out.
        behaviour: Also run the behaviour rules (see `batchprep.lint.document.check`).
        job_properties: In a job, also check its ``id`` and ``commonEnvironmentSettings``; as
            ``behaviour`` when not given (`batchprep run`, which runs no behaviour rule, reads and
            checks them itself).

    Raises:
        ValueError: ``kind`` is not one of `KINDS`, or ``waive`` names no service rule.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    names = service_rules.waived(waive)
    guessed = kind == "auto"
    if guessed:
        kind = kind_of(document)
    properties = behaviour if job_properties is None else job_properties
    if kind in ("preparation", "release"):
        cls = JobPreparationTask if kind == "preparation" else JobReleaseTask
        report: Report = check(document, cls, behaviour=behaviour)
    elif kind == "job":
        report = _check_job(document, "", behaviour, properties)
    else:
        job = document.get("jobSpecification") if isinstance(document, dict) else None
        report = _check_job(job, "/jobSpecification", behaviour, properties)
    found = [p for p in report.problems if p.service_rule not in names]
    if guessed and kind == "preparation":
        found = _mixed(document) + found
    model = report.model
    if model is None and not found and report.problems:  # every problem was waived: read it anyway
        model = _read_anyway(document, kind)
    warnings = report.warnings
    if guessed and kind == "release":  # say what it was read as, and why: it may be a preparation task
        warnings = [*warnings, _release_guess(document, bool(found))]
    return BodyReport(model, found, warnings, report.behaviour if not found else [], kind, document, names)


def _keys(document: dict[str, Any], names: frozenset[str]) -> str:
    return " and ".join(key for key in document if key in names)


def _release_guess(document: dict[str, Any], problems: bool) -> LintWarning:
    """The ``kind`` finding for a body read as a Job Release Task because of its top-level time limits."""
    limits = _keys(document, _RELEASE_ONLY)
    verb = "are" if " and " in limits else "is"
    message = f"read as a Job Release Task, since {limits} {verb} at its top level"
    if problems:  # perhaps a preparation task with misplaced limits
        return LintWarning(
            "",
            "kind",
            f"{message}; a Job Preparation Task keeps its time limits under constraints "
            "(--as preparation checks it as one)",
        )
    return LintWarning(
        "",
        "kind",
        f"{message}, where a Job Preparation Task has none (it keeps its time limits under constraints); "
        "--as release says so, --as preparation checks it as a preparation task",
        "info",
    )


def _belongs(keys: str) -> str:
    return "belong" if " and " in keys else "belongs"


def _mixed(document: Any) -> list[ValidationError]:
    """A ``kind`` error for a body with a release task's top-level time limits and a preparation task's property."""
    if not isinstance(document, dict) or not (document.keys() & _RELEASE_ONLY and document.keys() & _PREPARATION_ONLY):
        return []
    release, preparation = _keys(document, _RELEASE_ONLY), _keys(document, _PREPARATION_ONLY)
    return [
        ValidationError(
            "kind",
            "JobPreparationTask",
            path="",
            message=f"mixes the two tasks: {preparation} {_belongs(preparation)} to a Job Preparation Task, "
            f"{release} at the top level to a Job Release Task; it is read as a preparation task, whose time "
            "limits belong under constraints (--as release checks it as a release task)",
        )
    ]


def check_body_text(
    text: str | bytes, kind: str = "auto", *, syntax: str = "json", waive: str | Iterable[str] | None = None
) -> BodyReport:
    """`check_body` for the text of a document (JSON, or YAML with the ``yaml`` extra).

    Raises:
        ImportError: ``syntax`` is ``"yaml"`` and PyYAML is not installed.
        ValueError: as `check_body`, or ``syntax`` is neither ``"json"`` nor ``"yaml"``.
    """
    try:
        document = parse_text(text, _CLASSES.get(kind, JobPreparationTask), syntax=syntax)
    except Unparsable as err:
        return BodyReport(None, [err.problem], [], [], "preparation" if kind == "auto" else kind, None)
    return check_body(document, kind, waive=waive)


_CLASSES: dict[str, type[Model]] = {"release": JobReleaseTask, "job": JobPreparationAndRelease, "schedule": JobPreparationAndRelease}


def _check_job(job: Any, prefix: str, behaviour: bool, properties: bool) -> Report:
    """The two tasks of a job (a Job - Add body or a jobSpecification), with paths from the root, and
    (``properties``) the job's own properties the node uses."""
    if not isinstance(job, dict):
        return _moved(check(job, JobPreparationAndRelease, behaviour=behaviour), prefix)
    tasks = {key: job[key] for key in _TASK_KEYS if key in job}
    inner = check(tasks, JobPreparationAndRelease, behaviour=behaviour)
    warnings = [w for w in inner.warnings if w.rule != "size"] + _job_sizes(job, tasks)
    misspelt = _near_misses(job)
    if properties:
        own, notes = _job_properties(job)
        misspelt += own
        warnings += notes
    if not tasks and not misspelt:
        warnings.append(LintWarning("", "job", "has no jobPreparationTask and no jobReleaseTask: nothing to check"))
    model = None if misspelt else inner.model
    return _moved(replace(inner, model=model, problems=[*misspelt, *inner.problems], warnings=warnings), prefix)


def _job_properties(job: dict[str, Any]) -> tuple[list[ValidationError], list[LintWarning]]:
    """The problems of the job's ``id`` and ``commonEnvironmentSettings``: the service refuses a job with
    them, and `batchprep run` refuses to run it (the ID names the job's directory on the node, the
    settings reach every task)."""
    problems: list[ValidationError] = []
    warnings: list[LintWarning] = []
    job_id = job.get("id")
    if job_id is not None:
        if not isinstance(job_id, str):
            problems.append(type_error("/id", "JobAddParameter.id", "a string", job_id))
        else:
            if len(job_id) > TASK_ID_MAX_LENGTH:
                problems.append(rule_error("max_length", TASK_ID_MAX_LENGTH, "/id", "JobAddParameter.id", job_id))
            if not re.match(TASK_ID_PATTERN, job_id):
                sentence = TASK_ID_MESSAGES["pattern"]
                problems.append(rule_error("pattern", TASK_ID_PATTERN, "/id", "JobAddParameter.id", job_id, sentence))
    settings = job.get("commonEnvironmentSettings")
    if settings is None:
        return problems, warnings
    where = "/commonEnvironmentSettings"
    if not isinstance(settings, list):
        problems.append(type_error(where, "JobAddParameter.common_environment_settings", "an array", settings))
        return problems, warnings
    for index, item in enumerate(settings):
        report = check(item, EnvironmentSetting, behaviour=False)
        problems += [p.with_path(f"{where}/{index}{p.path}") for p in report.problems]
        warnings += [replace(w, path=f"{where}/{index}{w.path}") for w in report.warnings if w.rule != "size"]
    return problems, warnings


def _moved(report: Report, prefix: str) -> Report:
    if not prefix:
        return report
    return replace(
        report,
        problems=[p.with_path(prefix + p.path) for p in report.problems],
        warnings=[replace(w, path=prefix + w.path) for w in report.warnings],
        behaviour=[replace(f, path=prefix + f.path) for f in report.behaviour],
    )


def _job_sizes(job: dict[str, Any], tasks: dict[str, Any]) -> list[LintWarning]:
    """Size warnings: the whole job body, and each task's resource file list."""
    try:
        found = [LintWarning(w.path, "size", w.message) for w in size_warnings(job) if w.path == ""]
        for key, task in tasks.items():
            if isinstance(task, dict):
                found += [LintWarning(f"/{key}{w.path}", "size", w.message) for w in size_warnings(task) if w.path]
    except (TypeError, ValueError):  # values JSON cannot hold (a YAML date)
        return []
    return found


def _near_misses(job: dict[str, Any]) -> list[ValidationError]:
    """An error for a job property that looks like a misspelt jobPreparationTask or jobReleaseTask: that
    task would not be sent."""
    found = []
    for key in job:
        if not isinstance(key, str) or key in _TASK_KEYS:
            continue
        guess = next((k for k in _TASK_KEYS if k.lower() == key.lower()), None)
        guess = guess or next(iter(difflib.get_close_matches(key, _TASK_KEYS, n=1, cutoff=0.85)), None)
        if guess is not None:
            found.append(
                ValidationError(
                    "misspelt",
                    "JobAddParameter",
                    path=pointer(key),
                    message=f"is not a job property: the task in it will not be sent; write {guess!r}",
                )
            )
    return found


def _read_anyway(document: Any, kind: str) -> Model | None:
    """The model of a document whose only problems were waived (they are rules, so it reads)."""
    cls = _CLASSES.get(kind, JobPreparationTask)
    if kind == "job":
        document = {key: document[key] for key in _TASK_KEYS if key in document}
    elif kind == "schedule":
        spec = document["jobSpecification"]
        document = {key: spec[key] for key in _TASK_KEYS if key in spec}
    try:
        return cls.deserialize(document)
    except ValueError:
        return None

