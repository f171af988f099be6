"""The Batch service's own rules, checked before a request is sent.

msrest checks only what its ``_validation`` maps declare (for this family: a few required values), so
a broken task reaches the service and comes back as a bare ``InvalidPropertyValue`` 400.  The checks
here are the rules the Batch REST API documents for these objects; docs/service-rules.md lists each
with its name and its source.  Each check appends `batchprep.ValidationError` s to ``errors``; they
run inside ``validate()`` after the per-field checks, and must therefore cope with values of the wrong
type (those are reported already).

Every problem a service rule reports carries the rule's name as ``service_rule``.  Rules age (a newer
API version may relax one), so a caller can let named rules pass for one call:
``validate(waive=...)`` and ``serialize(waive=...)`` (`waived` reads the names).  Type and format
problems, and msrest's own rules, have no name and cannot be waived.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from batchprep import durations
from batchprep._lazy import lazy_pattern
from batchprep._registry import every_model
from batchprep._rules import pointer
from batchprep.durations import WireDuration
from batchprep.errors import ValidationError

__all__ = [
    "DURATION_SPANS",
    "ENVIRONMENT_NAMES_UNIQUE",
    "INT32",
    "JOB_TASK_IDS_DISTINCT",
    "NATIVE_OPERATIONS",
    "NativeOperation",
    "RELEASE_NEEDS_PREPARATION",
    "RELEASE_WALL_CLOCK_LIMIT",
    "RESOURCE_FILE_NAME",
    "RESOURCE_FILE_PATHS",
    "RESOURCE_FILE_SOURCE",
    "USER_IDENTITY_EXCLUSIVE",
    "ServiceRule",
    "known_names",
    "waived",
]


class NativeOperation(NamedTuple):
    """What one operation of a rule's ``native`` form takes: ``(operation, *parameters, *names)``.

    Attributes:
        least: The fewest attribute names it takes.
        most: The most attribute names it takes (None: any number).
        parameters: How many values come between the operation and the names.
        check: For an operation with parameters: ``check(parameters)`` says what is wrong with them, or
            returns None when they are right.
    """

    least: int
    most: int | None
    parameters: int = 0
    check: Callable[[tuple[Any, ...]], str | None] | None = None


def _duration_limits(limits: tuple[Any, ...]) -> str | None:
    """What is wrong with the (minimum, maximum) of a ``duration_range`` form, or None."""
    if not all(limit is None or type(limit) is datetime.timedelta for limit in limits):
        return "takes a minimum and a maximum that are each a datetime.timedelta or None"
    low, high = limits
    if low is None and high is None:
        return "takes a minimum, a maximum or both (not two Nones)"
    if low is not None and high is not None and low > high:
        return "has a minimum above its maximum"
    return None


#: The operations of a rule's ``native`` form, with what each takes. Checked when a model class is created.
NATIVE_OPERATIONS: dict[str, NativeOperation] = {
    "exactly_one": NativeOperation(1, None),
    "requires": NativeOperation(2, 2),
    "excludes": NativeOperation(2, 2),
    "relative_path": NativeOperation(1, None),
    "unique": NativeOperation(2, 2),
    "non_negative": NativeOperation(1, None),
    "duration_range": NativeOperation(1, None, parameters=2, check=_duration_limits),
    "file_name": NativeOperation(2, 2),
}

#: The range of the REST API's ``int32`` values (``maxTaskRetryCount``, ``exitCode``, ``retryCount``).
INT32 = {"minimum": -(2**31), "maximum": 2**31 - 1}
#: The longest ``maxWallClockTime`` the service takes for a Job Release Task (also its default).
RELEASE_WALL_CLOCK_MAX = datetime.timedelta(minutes=15)
#: The IDs the service gives the two tasks when a body leaves them out.
DEFAULT_PREPARATION_ID = "jobpreparation"
DEFAULT_RELEASE_ID = "jobrelease"


class ServiceRule(NamedTuple):
    """A rule spanning several fields of one object.

    Attributes:
        report: ``report(obj, path, errors)`` appends a `ValidationError` for each breach.
        holds: A Python expression over ``{o}`` (the object, whose fields already passed their own
            checks) that is true when the rule holds. The fast validity check inlines it; it may be
            stricter than ``report`` (then ``report`` decides) but never more lenient.
        names: Values the expression refers to, by name.
        native: The same rule for the compiled fast path (``batchprep._speedups``), as operations
            over attribute names: ``("exactly_one", a, b, ...)`` (exactly one is not None),
            ``("requires", a, b)`` (b is given when a is), ``("excludes", a, b)`` (b is not given when
            a is), ``("relative_path", a)`` (the test of ``holds``), ``("unique", items, attr)``
            (``attr`` differs across the list ``items``), ``("duration_range", minimum, maximum, a,
            ...)`` (each given value is a plain ``timedelta`` within the limits, each a ``timedelta``
            or None for no limit), ``("non_negative", a, ...)`` (the same from zero, with no maximum)
            and ``("file_name", a, b)`` (when a is given, b is not given or names a file: see
            `names_a_file`). Values that are not plain make the walk give up to the Python function.
            Together the operations must be at least as strict as ``holds``
            (tests/test_speedups.py checks it); a rule without them leaves its class on the Python
            path. `NATIVE_OPERATIONS` lists what each takes.
        rule_names: The names of the service rules ``report`` can report (each problem's
            ``service_rule``).
    """

    report: Callable[[Any, str, list[ValidationError]], None]
    holds: str
    names: dict[str, Any] = {}  # noqa: RUF012 - read only
    native: tuple[tuple[Any, ...], ...] | None = None
    rule_names: tuple[str, ...] = ()


# --- resource files ----------------------------------------------------------------------------------

_SOURCES = (
    ("auto_storage_container_name", "autoStorageContainerName"),
    ("storage_container_url", "storageContainerUrl"),
    ("http_url", "httpUrl"),
)
_WINDOWS_DRIVE = lazy_pattern(r"\A[A-Za-z]:")


def resource_file_source(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """A resource file names exactly one source; what goes with each source goes with it only."""
    given = [key for name, key in _SOURCES if getattr(obj, name) is not None]
    if len(given) != 1:
        found = " and ".join(given) if given else "none"
        errors.append(
            ValidationError(
                "exactly_one_source",
                "ResourceFile",
                [key for _, key in _SOURCES],
                path=path,
                message=f"needs exactly one of autoStorageContainerName, storageContainerUrl, httpUrl (found {found})",
                service_rule="resource-file-one-source",
            )
        )
    if obj.http_url is not None and obj.file_path is None:
        errors.append(
            ValidationError(
                "required",
                "ResourceFile.file_path",
                True,
                path=path + "/filePath",
                message="is required with httpUrl",
                service_rule="resource-file-path-required",
            )
        )
    if obj.blob_prefix is not None and obj.auto_storage_container_name is None and obj.storage_container_url is None:
        errors.append(
            ValidationError(
                "container_source_only",
                "ResourceFile.blob_prefix",
                ["autoStorageContainerName", "storageContainerUrl"],
                path=path + "/blobPrefix",
                message="applies only to autoStorageContainerName or storageContainerUrl sources",
                service_rule="resource-file-blob-prefix",
            )
        )
    if obj.identity_reference is not None and obj.storage_container_url is None and obj.http_url is None:
        errors.append(
            ValidationError(
                "url_source_only",
                "ResourceFile.identity_reference",
                ["storageContainerUrl", "httpUrl"],
                path=path + "/identityReference",
                message="applies only to storageContainerUrl or httpUrl sources",
                service_rule="resource-file-identity",
            )
        )


def escapes_working_directory(file_path: str) -> bool:
    """Whether a resource file path is absolute or climbs above the task's working directory."""
    if file_path.startswith(("/", "\\")) or _WINDOWS_DRIVE.match(file_path):
        return True
    depth = 0
    for part in re.split(r"[\\/]", file_path):
        if part == "..":
            depth -= 1
            if depth < 0:
                return True
        elif part not in ("", "."):
            depth += 1
    return False


def resource_file_paths(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """``filePath`` stays inside the task's working directory."""
    file_path = obj.file_path
    if isinstance(file_path, str) and escapes_working_directory(file_path):
        errors.append(
            ValidationError(
                "relative_path",
                "ResourceFile.file_path",
                "relative",
                path=path + "/filePath",
                message="must be a path relative to the task's working directory that does not climb out of it",
                service_rule="resource-file-path-relative",
            )
        )


def names_a_file(file_path: str) -> bool:
    """Whether a path ends in a file name: not empty, and its last part is not ``.`` or ``..`` or empty.

    ``/`` and ``\\`` both separate parts (Linux and Windows nodes).
    """
    return re.split(r"[\\/]", file_path)[-1] not in ("", ".", "..")


def resource_file_name(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """With ``httpUrl``, ``filePath`` is where the one file goes, so it names a file, not a directory."""
    file_path = obj.file_path
    if obj.http_url is not None and isinstance(file_path, str) and not names_a_file(file_path):
        errors.append(
            ValidationError(
                "file_name",
                "ResourceFile.file_path",
                "a file name",
                path=path + "/filePath",
                message=f"must name the file to write with httpUrl, not a directory (found {file_path!r})",
                service_rule="resource-file-path-names-file",
            )
        )


# --- identities, environments, time limits ----------------------------------------------------------


def user_identity_exclusive(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """A task runs either as a named user or as an auto-user: one of the two, not both, not neither."""
    if obj.user_name is not None and obj.auto_user is not None:
        errors.append(
            ValidationError(
                "mutually_exclusive",
                "UserIdentity",
                ["username", "autoUser"],
                path=path,
                message="takes username or autoUser, not both",
                service_rule="user-identity-exactly-one",
            )
        )
    elif obj.user_name is None and obj.auto_user is None:
        errors.append(
            ValidationError(
                "exactly_one",
                "UserIdentity",
                ["username", "autoUser"],
                path=path,
                message="needs username or autoUser (found neither); leave userIdentity out for the default user",
                service_rule="user-identity-exactly-one",
            )
        )


def environment_names_unique(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """Each environment variable is set once per task."""
    settings = obj.environment_settings
    if not isinstance(settings, (list, tuple)):
        return
    first: dict[str, int] = {}
    for index, setting in enumerate(settings):
        name = getattr(setting, "name", None)
        if not isinstance(name, str):
            continue
        if name in first:
            errors.append(
                ValidationError(
                    "unique",
                    "EnvironmentSetting.name",
                    True,
                    path=f"{path}/environmentSettings/{index}/name",
                    message=f"repeats a name already set at {path}/environmentSettings/{first[name]}/name",
                    service_rule="environment-names-unique",
                )
            )
        else:
            first[name] = index


def _negative(value: Any) -> bool:
    if isinstance(value, datetime.timedelta):
        return value < datetime.timedelta(0)
    if hasattr(value, "tdelta"):  # isodate.Duration
        return bool(value.years < 0 or value.months < 0 or value.tdelta < datetime.timedelta(0))
    return False


def _plural(count: float, word: str) -> str:
    number = f"{count:g}"
    return f"{number} {word}{'' if number == '1' else 's'}"


def calendar_message(text: str, years: float, months: float) -> str:
    """What to say of a time limit with years or months: ``P30M`` is very likely ``PT30M``.

    Examples:
        >>> calendar_message("P30M", 0, 30)
        'P30M is 30 months; did you mean PT30M (30 minutes)? The Batch service measures time limits as a fixed span: use days, e.g. P30D'
        >>> calendar_message("P1Y", 1, 0)
        'P1Y is 1 year; the Batch service measures time limits as a fixed span: use days, e.g. P365D'
    """
    if not years and re.fullmatch(r"[+]?P[0-9]+M", text):
        minutes = text.replace("P", "PT", 1)
        return (
            f"{text} is {_plural(months, 'month')}; did you mean {minutes} ({_plural(months, 'minute')})? "
            "The Batch service measures time limits as a fixed span: use days, e.g. P30D"
        )
    counted = " and ".join(
        part for part in (_plural(years, "year") if years else "", _plural(months, "month") if months else "") if part
    )
    days = round(365 * years + 30 * months) or 30
    return f"{text} is {counted}; the Batch service measures time limits as a fixed span: use days, e.g. P{days}D"


def duration_spans(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """Task time limits are spans the service takes: not negative, no years or months, at most
    .NET's ``TimeSpan.MaxValue`` (the constraints of a task, the limits of a release task)."""
    for name, key in (("max_wall_clock_time", "maxWallClockTime"), ("retention_time", "retentionTime")):
        value = getattr(obj, name)
        target, where = f"{type(obj).__name__}.{name}", path + pointer(key)
        calendar = durations.calendar_text(value)
        if calendar is not None:
            years, months = _calendar_counts(value)
            errors.append(
                ValidationError(
                    "fixed_span",
                    target,
                    "days",
                    path=where,
                    message=calendar_message(calendar, years, months),
                    service_rule="durations-fixed-span",
                )
            )
        elif _negative(value):
            errors.append(
                ValidationError(
                    "minimum",
                    target,
                    "PT0S",
                    path=where,
                    message="must not be negative",
                    service_rule="durations-non-negative",
                )
            )
        elif isinstance(value, datetime.timedelta) and not durations.within_span_max(value):
            errors.append(
                ValidationError(
                    "maximum",
                    target,
                    durations.SPAN_MAX_TEXT,
                    path=where,
                    message=(
                        f"is longer than the longest span the service takes ({durations.SPAN_MAX_TEXT}, about "
                        "29,227 years); leave the limit out for no limit"
                    ),
                    service_rule="durations-maximum",
                )
            )


def _calendar_counts(value: Any) -> tuple[float, float]:
    if isinstance(value, durations.CalendarDuration):
        return value.years, value.months
    return float(value.years), float(value.months)  # an isodate.Duration


def span_ok(value: Any) -> bool:
    """The fast test of `duration_spans` for one value (None, or a fixed span in the service's range)."""
    return value is None or (
        type(value) in _PLAIN_DURATIONS and datetime.timedelta(0) <= value and durations.within_span_max(value)
    )


_PLAIN_DURATIONS = (datetime.timedelta, WireDuration)
def _longer_than(value: Any, limit: datetime.timedelta) -> bool:
    if isinstance(value, datetime.timedelta):
        return value > limit
    if hasattr(value, "tdelta"):  # isodate.Duration: any positive year or month is longer
        months = value.years * 12 + value.months
        return bool(months > 0 or (months == 0 and value.tdelta > limit))
    return False


def release_wall_clock_limit(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """A Job Release Task runs for 15 minutes at most: the service refuses a longer limit (400)."""
    if _longer_than(obj.max_wall_clock_time, RELEASE_WALL_CLOCK_MAX):
        errors.append(
            ValidationError(
                "maximum",
                f"{type(obj).__name__}.max_wall_clock_time",
                "PT15M",
                path=path + "/maxWallClockTime",
                message="must be at most 15 minutes (PT15M) for a Job Release Task; the service refuses longer",
                service_rule="release-wall-clock-limit",
            )
        )


# --- the two tasks of a job ----------------------------------------------------------------------------


def _effective_id(task: Any, default: str) -> Any:
    return default if task.id is None else task.id


def task_ids_differ(preparation: Any, release: Any) -> bool:
    """Whether the two tasks have different IDs once the service's defaults fill the missing ones.

    Task IDs within a job ignore letter case, so ``JobRelease`` and ``jobrelease`` are the same.
    """
    first, second = _effective_id(preparation, DEFAULT_PREPARATION_ID), _effective_id(release, DEFAULT_RELEASE_ID)
    if not (isinstance(first, str) and isinstance(second, str)):
        return True  # a wrong type is reported by the field's own check
    return first.lower() != second.lower()


def release_needs_preparation(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """A job may have a Job Release Task only if it has a Job Preparation Task."""
    if obj.job_release_task is not None and obj.job_preparation_task is None:
        errors.append(
            ValidationError(
                "requires",
                f"{type(obj).__name__}.job_release_task",
                "jobPreparationTask",
                path=path + "/jobReleaseTask",
                message="needs a jobPreparationTask in the same job: the service refuses a Job Release Task without one",
                service_rule="release-needs-preparation",
            )
        )


def job_task_ids_distinct(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """The Job Preparation Task and the Job Release Task of a job have different IDs (defaults included)."""
    preparation, release = obj.job_preparation_task, obj.job_release_task
    if preparation is None or release is None or task_ids_differ(preparation, release):
        return
    if release.id is not None:
        where, other = "/jobReleaseTask/id", "the Job Preparation Task's"
        shown = preparation.id if preparation.id is not None else f"{DEFAULT_PREPARATION_ID}, its default"
    else:
        where, other = "/jobPreparationTask/id", "the Job Release Task's"
        shown = f"{DEFAULT_RELEASE_ID}, its default"
    errors.append(
        ValidationError(
            "unique",
            f"{type(release if where.startswith('/jobRelease') else preparation).__name__}.id",
            True,
            path=path + where,
            message=f"is {other} ID too ({shown}); the two IDs must differ (letter case aside)",
            service_rule="job-task-ids-distinct",
        )
    )


# --- the rules as the models declare them ------------------------------------------------------------

_PLAIN = {"_bp_plain_durations": (datetime.timedelta, WireDuration), "_bp_no_time": datetime.timedelta(0)}

RESOURCE_FILE_SOURCE = ServiceRule(
    resource_file_source,
    # exactly one source; then: filePath with httpUrl, blobPrefix not with httpUrl, identity not with auto storage
    "(({o}.auto_storage_container_name is not None) + ({o}.storage_container_url is not None)"
    " + ({o}.http_url is not None) == 1"
    " and ({o}.http_url is None or ({o}.file_path is not None and {o}.blob_prefix is None))"
    " and ({o}.identity_reference is None or {o}.auto_storage_container_name is None))",
    native=(
        ("exactly_one", "auto_storage_container_name", "storage_container_url", "http_url"),
        ("requires", "http_url", "file_path"),
        ("excludes", "http_url", "blob_prefix"),
        ("excludes", "identity_reference", "auto_storage_container_name"),
    ),
    rule_names=(
        "resource-file-one-source",
        "resource-file-path-required",
        "resource-file-blob-prefix",
        "resource-file-identity",
    ),
)
RESOURCE_FILE_PATHS = ServiceRule(
    resource_file_paths,
    "({o}.file_path is None or ('..' not in {o}.file_path and {o}.file_path[:1] not in _bp_path_roots"
    " and {o}.file_path[1:2] != ':'))",
    {"_bp_path_roots": ("/", "\\")},
    native=(("relative_path", "file_path"),),
    rule_names=("resource-file-path-relative",),
)
RESOURCE_FILE_NAME = ServiceRule(
    resource_file_name,
    "({o}.http_url is None or {o}.file_path is None or _bp_names_a_file({o}.file_path))",
    {"_bp_names_a_file": names_a_file},
    native=(("file_name", "http_url", "file_path"),),
    rule_names=("resource-file-path-names-file",),
)
USER_IDENTITY_EXCLUSIVE = ServiceRule(
    user_identity_exclusive,
    "(({o}.user_name is None) != ({o}.auto_user is None))",
    native=(("exactly_one", "user_name", "auto_user"),),
    rule_names=("user-identity-exactly-one",),
)
ENVIRONMENT_NAMES_UNIQUE = ServiceRule(
    environment_names_unique,
    "({o}.environment_settings is None"
    " or len({{_bp_setting.name for _bp_setting in {o}.environment_settings}}) == len({o}.environment_settings))",
    native=(("unique", "environment_settings", "name"),),
    rule_names=("environment-names-unique",),
)
DURATION_SPANS = ServiceRule(
    duration_spans,
    "(_bp_span_ok({o}.max_wall_clock_time) and _bp_span_ok({o}.retention_time))",
    {"_bp_span_ok": span_ok},
    # zero to the service's longest span; the walk gives up on anything else (a CalendarDuration, the
    # service's own text for the longest span, which Python's timedelta rounds up) and Python decides
    native=(("duration_range", datetime.timedelta(0), durations.SPAN_MAX, "max_wall_clock_time", "retention_time"),),
    rule_names=("durations-non-negative", "durations-fixed-span", "durations-maximum"),
)
RELEASE_WALL_CLOCK_LIMIT = ServiceRule(
    release_wall_clock_limit,
    "({o}.max_wall_clock_time is None or type({o}.max_wall_clock_time) in _bp_plain_durations"
    " and {o}.max_wall_clock_time <= _bp_release_limit)",
    {**_PLAIN, "_bp_release_limit": RELEASE_WALL_CLOCK_MAX},
    native=(("duration_range", None, RELEASE_WALL_CLOCK_MAX, "max_wall_clock_time"),),
    rule_names=("release-wall-clock-limit",),
)
RELEASE_NEEDS_PREPARATION = ServiceRule(
    release_needs_preparation,
    "({o}.job_release_task is None or {o}.job_preparation_task is not None)",
    native=(("requires", "job_release_task", "job_preparation_task"),),
    rule_names=("release-needs-preparation",),
)
JOB_TASK_IDS_DISTINCT = ServiceRule(
    job_task_ids_distinct,
    "({o}.job_preparation_task is None or {o}.job_release_task is None"
    " or _bp_task_ids_differ({o}.job_preparation_task, {o}.job_release_task))",
    {"_bp_task_ids_differ": task_ids_differ},
    rule_names=("job-task-ids-distinct",),
)


# --- names, and letting named rules pass ------------------------------------------------------------


def known_names() -> dict[str, list[str]]:
    """Every service rule name the model classes defined so far can report, with the classes reporting it.

    Names come from the fields' ``service_rules`` (see `batchprep.field`'s ``rule_names``) and from
    the classes' rules spanning several fields (`ServiceRule.rule_names`).
    """
    found: dict[str, list[str]] = {}
    for cls in sorted(list(every_model), key=lambda c: (c.__module__, c.__qualname__)):
        names = [f.service_rule_name(rule) for f in getattr(cls, "_bp_fields", ()) for rule in f.service_rules]
        names += [name for check in getattr(cls, "_bp_checks", ()) for name in check.rule_names]
        for name in names:
            owners = found.setdefault(name, [])
            if cls.__name__ not in owners:
                owners.append(cls.__name__)
    return found


def waived(names: str | Iterable[str] | None) -> frozenset[str]:
    """The service rule names of a ``waive=`` argument, each checked against the known names.

    Args:
        names: One name, or any iterable of names; ``None`` or empty for none.

    Raises:
        ValueError: a name is not a known service rule name (with the closest known one).
        TypeError: a name is not a string.
    """
    if names is None:
        return frozenset()
    chosen = [names] if isinstance(names, str) else list(names)
    for name in chosen:
        if not isinstance(name, str):
            raise TypeError(f"waive= takes service rule names (strings), got {name!r}")
    unknown = [name for name in chosen if name not in _names_seen]
    if unknown:
        _names_seen.update(known_names())
    for name in unknown:
        if name not in _names_seen:
            import difflib  # only for a misspelt name: not on the import path

            hint = difflib.get_close_matches(name, list(_names_seen), n=1)
            more = f" (did you mean {hint[0]!r}?)" if hint else " (docs/service-rules.md lists them)"
            raise ValueError(f"waive=: {name!r} is not the name of a Batch service rule{more}")
    return frozenset(chosen)


#: Names known to exist: filled on the first waive= call, and again when a name is not found in it.
_names_seen: dict[str, list[str]] = {}
