"""The Batch service's own rules, checked before a request is sent.

msrest checks only what its ``_validation`` maps declare (for this family: three required values), so
a broken task reaches the service and comes back as a bare ``InvalidPropertyValue`` 400.  The checks
here are the rules the Batch REST API documents for these objects; docs/service-rules.md lists each
with its source.  Each check appends `batchprep.ValidationError` s to ``errors``; they run
inside ``validate()`` after the per-field checks, and must therefore cope with values of the wrong
type (those are reported already).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, NamedTuple

from batchprep._rules import pointer
from batchprep.durations import WireDuration
from batchprep.errors import ValidationError

__all__ = [
    "ENVIRONMENT_NAMES_UNIQUE",
    "NATIVE_OPERATIONS",
    "NON_NEGATIVE_DURATIONS",
    "RESOURCE_FILE_PATHS",
    "RESOURCE_FILE_SOURCE",
    "USER_IDENTITY_EXCLUSIVE",
    "ServiceRule",
]

#: The operations of a rule's ``native`` form: how many attribute names each takes, at least and at
#: most (None: any number). Checked when a model class is created.
NATIVE_OPERATIONS: dict[str, tuple[int, int | None]] = {
    "exactly_one": (1, None),
    "requires": (2, 2),
    "excludes": (2, 2),
    "relative_path": (1, None),
    "unique": (2, 2),
    "non_negative": (1, None),
}


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
            (``attr`` differs across the list ``items``) and ``("non_negative", a, ...)`` (a
            ``timedelta`` of zero or more). Together they must be at least as strict as ``holds``
            (tests/test_speedups.py checks it); a rule without them leaves its class on the Python path.
    """

    report: Callable[[Any, str, list[ValidationError]], None]
    holds: str
    names: dict[str, Any] = {}  # noqa: RUF012 - read only
    native: tuple[tuple[str, ...], ...] | None = None

_SOURCES = (
    ("auto_storage_container_name", "autoStorageContainerName"),
    ("storage_container_url", "storageContainerUrl"),
    ("http_url", "httpUrl"),
)
_WINDOWS_DRIVE = re.compile(r"\A[A-Za-z]:")


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
            )
        )
    if obj.http_url is not None and obj.file_path is None:
        errors.append(
            ValidationError(
                "required", "ResourceFile.file_path", True, path=path + "/filePath", message="is required with httpUrl"
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
            )
        )


def user_identity_exclusive(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """A task runs either as a named user or as an auto-user."""
    if obj.user_name is not None and obj.auto_user is not None:
        errors.append(
            ValidationError(
                "mutually_exclusive",
                "UserIdentity",
                ["username", "autoUser"],
                path=path,
                message="takes username or autoUser, not both",
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


def non_negative_durations(obj: Any, path: str, errors: list[ValidationError]) -> None:
    """Task time limits are not negative."""
    for name, key in (("max_wall_clock_time", "maxWallClockTime"), ("retention_time", "retentionTime")):
        if _negative(getattr(obj, name)):
            errors.append(
                ValidationError(
                    "minimum",
                    f"TaskConstraints.{name}",
                    "PT0S",
                    path=path + pointer(key),
                    message="must not be negative",
                )
            )


# --- the rules as the models declare them ------------------------------------------------------------

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
)
RESOURCE_FILE_PATHS = ServiceRule(
    resource_file_paths,
    "({o}.file_path is None or ('..' not in {o}.file_path and {o}.file_path[:1] not in _bp_path_roots"
    " and {o}.file_path[1:2] != ':'))",
    {"_bp_path_roots": ("/", "\\")},
    native=(("relative_path", "file_path"),),
)
USER_IDENTITY_EXCLUSIVE = ServiceRule(
    user_identity_exclusive,
    "({o}.user_name is None or {o}.auto_user is None)",
    native=(("excludes", "user_name", "auto_user"),),
)
ENVIRONMENT_NAMES_UNIQUE = ServiceRule(
    environment_names_unique,
    "({o}.environment_settings is None"
    " or len({{_bp_setting.name for _bp_setting in {o}.environment_settings}}) == len({o}.environment_settings))",
    native=(("unique", "environment_settings", "name"),),
)
NON_NEGATIVE_DURATIONS = ServiceRule(
    non_negative_durations,
    "(({o}.max_wall_clock_time is None or type({o}.max_wall_clock_time) in _bp_plain_durations"
    " and {o}.max_wall_clock_time >= _bp_no_time)"
    " and ({o}.retention_time is None or type({o}.retention_time) in _bp_plain_durations"
    " and {o}.retention_time >= _bp_no_time))",
    {"_bp_plain_durations": (datetime.timedelta, WireDuration), "_bp_no_time": datetime.timedelta(0)},
    native=(("non_negative", "max_wall_clock_time", "retention_time"),),
)
