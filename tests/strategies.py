"""Hypothesis strategies for batchprep model trees and for the documents the differential tests read.

Trees:

* :func:`job_preparation_tasks` and :func:`model_trees` build random batchprep trees using every class
  and field.  Optional fields are randomly ``None``; enum fields get a member, its exact value or a
  re-cased value.
* By default a tree keeps the Batch service rules that batchprep's ``validate()`` adds to msrest's
  (task ID, resource file sources...), so both libraries accept it; ``service_rules=False`` drops them
  (for ``as_dict()`` and reading, which do not check them).
* ``complete=False`` lets the required fields (``command_line``, ``image_name``, ``name``) be ``None``
  too, for comparing ``validate()``.
* ``bind_mounts=False`` leaves out ``container_host_batch_bind_mounts``, which azure-batch 14.2 lacks.

Documents: :func:`reshaped` re-cases the keys or enum values of a body, or adds unknown keys or nulls,
at every level; :func:`extractor_names` draws the key extractor lists for ``from_dict``.

The strategy factories are cached: building (and validating) hypothesis strategies anew for every
draw would cost more than the tests themselves.
"""

from __future__ import annotations

import datetime
import enum
import functools
from dataclasses import dataclass
from typing import Any, Literal

from hypothesis import strategies as st

import batchprep as bp
from msrest_oracle import EXTRACTORS

__all__ = [
    "MODEL_CLASSES",
    "SDK_CLASSES",
    "durations",
    "enum_values",
    "extractor_names",
    "file_modes",
    "job_preparation_tasks",
    "json_values",
    "model_class",
    "moments",
    "model_trees",
    "recased",
    "relative_paths",
    "reshaped",
    "task_ids",
    "texts",
    "timestamp_near_misses",
    "timestamp_texts",
    "timestamps",
    "unknown_members",
    "utc_offsets",
]

#: Every model class of the family.
MODEL_CLASSES: tuple[type[bp.Model], ...] = (
    bp.JobPreparationTask,
    bp.TaskContainerSettings,
    bp.ContainerRegistry,
    bp.ComputeNodeIdentityReference,
    bp.ResourceFile,
    bp.EnvironmentSetting,
    bp.TaskConstraints,
    bp.UserIdentity,
    bp.AutoUserSpecification,
    bp.ContainerHostBatchBindMountEntry,
    bp.JobReleaseTask,
    bp.JobPreparationAndRelease,
    bp.JobPreparationAndReleaseTaskExecutionInformation,
    bp.JobPreparationTaskExecutionInformation,
    bp.JobReleaseTaskExecutionInformation,
    bp.TaskContainerExecutionInformation,
    bp.TaskFailureInformation,
    bp.NameValuePair,
)
#: The classes the official SDK has too (both generations): all but batchprep's JobPreparationAndRelease.
SDK_CLASSES: tuple[type[bp.Model], ...] = tuple(cls for cls in MODEL_CLASSES if cls is not bp.JobPreparationAndRelease)

_TASK_ID = r"\A[A-Za-z0-9_-]{1,64}\Z"
_FILE_MODE = r"\A[0-7]{3,4}\Z"
_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
_DAY = datetime.timedelta(days=1)
_INT32 = 2**31


# --- scalars ----------------------------------------------------------------------------------------


@functools.cache
def texts(max_size: int = 12) -> st.SearchStrategy[str]:
    """Arbitrary unicode text without surrogates (control characters included)."""
    return st.text(st.characters(exclude_categories=_SURROGATES), max_size=max_size)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


@functools.cache
def recased(text: str) -> st.SearchStrategy[str]:
    """``text`` with each character randomly upper- or lower-cased."""
    return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
        lambda flags: "".join(c.upper() if up else c.lower() for c, up in zip(text, flags))
    )


@functools.cache
def enum_values(enum_cls: type[enum.Enum]) -> st.SearchStrategy[Any]:
    """A member of ``enum_cls``, its exact string value or its value in random letter case."""
    values = [member.value for member in enum_cls]
    return st.one_of(
        st.sampled_from(list(enum_cls)),
        st.sampled_from(values),
        st.sampled_from(values).flatmap(recased),
    )


@functools.cache
def durations(non_negative: bool = False) -> st.SearchStrategy[datetime.timedelta]:
    """Durations within ±10,000 days: zero, sub-second and whole days included; negative ones unless told."""
    special = [
        datetime.timedelta(0),
        datetime.timedelta(microseconds=1),
        datetime.timedelta(seconds=59, microseconds=999_999),
        datetime.timedelta(hours=1),
        _DAY,
        7 * _DAY,
        3650 * _DAY + datetime.timedelta(microseconds=10),
    ]
    low = datetime.timedelta(0)
    if not non_negative:
        special += [datetime.timedelta(microseconds=-1), -_DAY, -7 * _DAY - datetime.timedelta(seconds=1)]
        low = -10_000 * _DAY
    return st.one_of(
        st.sampled_from(special),
        st.timedeltas(min_value=low, max_value=10_000 * _DAY),
        st.timedeltas(min_value=max(low, -_DAY), max_value=_DAY),
    )


@functools.cache
def task_ids() -> st.SearchStrategy[str]:
    """IDs the Batch service accepts: 1 to 64 of ``A-Z a-z 0-9 _ -``."""
    return st.from_regex(_TASK_ID)


@functools.cache
def timestamps() -> st.SearchStrategy[datetime.datetime]:
    """Date-times with microseconds, in UTC, at an offset, or naive (msrest writes those as UTC)."""
    zones = st.sampled_from(
        [
            None,
            datetime.timezone.utc,
            datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
            datetime.timezone(-datetime.timedelta(hours=8)),
        ]
    )
    return st.datetimes(min_value=datetime.datetime(1900, 1, 2), max_value=datetime.datetime(9998, 12, 30), timezones=zones)


@functools.cache
def utc_offsets() -> st.SearchStrategy[datetime.timedelta]:
    """Offsets within a day, down to the minute (ISO 8601 text has no seconds in an offset)."""
    return st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda minutes: datetime.timedelta(minutes=minutes))


@functools.cache
def moments() -> st.SearchStrategy[datetime.datetime]:
    """Naive date-times a day inside the years 1 to 9999 (so that any offset keeps them in range)."""
    return st.datetimes(min_value=datetime.datetime(1, 1, 2), max_value=datetime.datetime(9999, 12, 30))


def _zone_text(offset: datetime.timedelta, form: str) -> str:
    sign = "-" if offset < datetime.timedelta(0) else "+"
    hours, minutes = divmod(abs(offset) // datetime.timedelta(minutes=1), 60)
    return {"colon": f"{sign}{hours:02}:{minutes:02}", "plain": f"{sign}{hours:02}{minutes:02}", "hours": f"{sign}{hours:02}"}[form]


@st.composite
def timestamp_texts(draw: st.DrawFn) -> str:
    """ISO 8601 date-time text in the forms a service or a person writes."""
    moment = draw(moments())
    text = moment.strftime("%Y-%m-%d") + draw(st.sampled_from("Tt")) + moment.strftime("%H:%M:%S")
    digits = draw(st.integers(0, 9))
    if digits:
        text += "." + draw(st.text("0123456789", min_size=digits, max_size=digits))
    zone = draw(st.sampled_from(["", "Z", "z", "colon", "colon", "plain", "hours"]))
    if zone in ("colon", "plain", "hours"):
        text += _zone_text(draw(utc_offsets()), zone)
    else:
        text += zone
    return text


@st.composite
def timestamp_near_misses(draw: st.DrawFn) -> str:
    """Valid timestamp text with one to three characters changed, dropped or added."""
    chars = list(draw(timestamp_texts()))
    for _ in range(draw(st.integers(1, 3))):
        where = draw(st.integers(0, len(chars)))
        what = draw(st.sampled_from(["0", "9", "-", ":", ".", "T", "Z", "+", " ", "x", "\u0663", "24", "60", ""]))
        if draw(st.booleans()) and where < len(chars):
            chars[where] = what
        else:
            chars.insert(where, what)
    return "".join(chars)


@functools.cache
def json_values() -> st.SearchStrategy[Any]:
    """Any JSON value (no NaN or infinities, which do not compare equal to themselves or survive JSON)."""
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-(2**53), 2**53)
        | st.floats(allow_nan=False, allow_infinity=False)
        | texts(8)
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts(6), inner, max_size=3),
        max_leaves=6,
    )


# --- model trees ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """What a tree must respect: required values present; batchprep's Batch service rules; 14.2 fields only."""

    complete: bool
    service_rules: bool
    bind_mounts: bool

    def required(self, strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return strategy if self.complete else optional(strategy)


def _lists(strategy: st.SearchStrategy[Any], **unique: Any) -> st.SearchStrategy[Any]:
    return optional(st.lists(strategy, max_size=4, **unique))


@functools.cache
def _identity_references() -> st.SearchStrategy[bp.ComputeNodeIdentityReference]:
    return st.builds(bp.ComputeNodeIdentityReference, resource_id=optional(texts()))


@functools.cache
def _registries() -> st.SearchStrategy[bp.ContainerRegistry]:
    return st.builds(
        bp.ContainerRegistry,
        user_name=optional(texts()),
        password=optional(texts()),
        registry_server=optional(texts()),
        identity_reference=optional(_identity_references()),
    )


@functools.cache
def _bind_mounts() -> st.SearchStrategy[bp.ContainerHostBatchBindMountEntry]:
    return st.builds(
        bp.ContainerHostBatchBindMountEntry,
        source=optional(enum_values(bp.ContainerHostDataPath)),
        is_read_only=optional(st.booleans()),
    )


@functools.cache
def _container_settings(kind: _Kind) -> st.SearchStrategy[bp.TaskContainerSettings]:
    return st.builds(
        bp.TaskContainerSettings,
        image_name=kind.required(texts()),
        container_run_options=optional(texts()),
        registry=optional(_registries()),
        working_directory=optional(enum_values(bp.ContainerWorkingDirectory)),
        container_host_batch_bind_mounts=_lists(_bind_mounts()) if kind.bind_mounts else st.none(),
    )


@functools.cache
def relative_paths() -> st.SearchStrategy[str]:
    """File paths that stay inside a task's working directory (no ``..``, not absolute, no drive)."""
    return texts().filter(
        lambda path: ".." not in path and not path.startswith(("/", "\\")) and not (len(path) > 1 and path[1] == ":")
    )


@functools.cache
def file_names() -> st.SearchStrategy[str]:
    """Relative paths that name a file (what ``filePath`` must be with ``httpUrl``)."""
    return relative_paths().filter(lambda path: path.replace("\\", "/").rsplit("/", 1)[-1] not in ("", ".", ".."))


@functools.cache
def file_modes() -> st.SearchStrategy[str]:
    """Unix permission bits in octal (``644``, ``0755``)."""
    return st.from_regex(_FILE_MODE)


@st.composite
def _lawful_resource_files(draw: st.DrawFn) -> bp.ResourceFile:
    """A resource file the Batch service accepts: one source, and only the fields that go with it."""
    source = draw(st.sampled_from(["auto_storage_container_name", "storage_container_url", "http_url"]))
    container = source != "http_url"
    by_url = source != "auto_storage_container_name"
    chosen: dict[str, Any] = {source: draw(texts())}
    return bp.ResourceFile(
        **chosen,
        blob_prefix=draw(optional(texts())) if container else None,
        file_path=draw(file_names() if source == "http_url" else optional(relative_paths())),
        file_mode=draw(optional(file_modes())),
        identity_reference=draw(optional(_identity_references())) if by_url else None,
    )


@functools.cache
def _resource_files(kind: _Kind) -> st.SearchStrategy[bp.ResourceFile]:
    if kind.service_rules:
        return _lawful_resource_files()
    return st.builds(
        bp.ResourceFile,
        auto_storage_container_name=optional(texts()),
        storage_container_url=optional(texts()),
        http_url=optional(texts()),
        blob_prefix=optional(texts()),
        file_path=optional(texts()),
        file_mode=optional(texts()),
        identity_reference=optional(_identity_references()),
    )


@functools.cache
def _environment_settings(kind: _Kind) -> st.SearchStrategy[bp.EnvironmentSetting]:
    return st.builds(bp.EnvironmentSetting, name=kind.required(texts()), value=optional(texts()))


@functools.cache
def _constraints(kind: _Kind) -> st.SearchStrategy[bp.TaskConstraints]:
    lawful = kind.service_rules
    duration = durations(non_negative=lawful)
    return st.builds(
        bp.TaskConstraints,
        max_wall_clock_time=optional(duration),
        retention_time=optional(duration),
        max_task_retry_count=optional(st.integers(-1, _INT32 - 1) if lawful else st.integers(-(2**40), 2**40)),
    )


@functools.cache
def _auto_users() -> st.SearchStrategy[bp.AutoUserSpecification]:
    return st.builds(
        bp.AutoUserSpecification,
        scope=optional(enum_values(bp.AutoUserScope)),
        elevation_level=optional(enum_values(bp.ElevationLevel)),
    )


@functools.cache
def _user_identities(kind: _Kind) -> st.SearchStrategy[bp.UserIdentity]:
    both = st.builds(bp.UserIdentity, user_name=optional(texts()), auto_user=optional(_auto_users()))
    if not kind.service_rules:
        return both
    return st.one_of(
        st.builds(bp.UserIdentity, user_name=texts()),
        st.builds(bp.UserIdentity, auto_user=_auto_users()),
    )


@functools.cache
def _job_preparation_tasks(kind: _Kind) -> st.SearchStrategy[bp.JobPreparationTask]:
    unique_names: dict[str, Any] = {"unique_by": lambda setting: setting.name} if kind.service_rules else {}
    return st.builds(
        bp.JobPreparationTask,
        id=optional(task_ids() if kind.service_rules else texts(70)),
        command_line=kind.required(texts()),
        container_settings=optional(_container_settings(kind)),
        resource_files=_lists(_resource_files(kind)),
        environment_settings=_lists(_environment_settings(kind), **unique_names),
        constraints=optional(_constraints(kind)),
        wait_for_success=optional(st.booleans()),
        user_identity=optional(_user_identities(kind)),
        rerun_on_node_reboot_after_success=optional(st.booleans()),
    )


@functools.cache
def _release_tasks(kind: _Kind) -> st.SearchStrategy[bp.JobReleaseTask]:
    unique_names: dict[str, Any] = {"unique_by": lambda setting: setting.name} if kind.service_rules else {}
    limit = st.timedeltas(min_value=datetime.timedelta(0), max_value=datetime.timedelta(minutes=15))
    return st.builds(
        bp.JobReleaseTask,
        id=optional(task_ids() if kind.service_rules else texts(70)),
        command_line=kind.required(texts()),
        container_settings=optional(_container_settings(kind)),
        resource_files=_lists(_resource_files(kind)),
        environment_settings=_lists(_environment_settings(kind), **unique_names),
        max_wall_clock_time=optional(limit if kind.service_rules else durations()),
        retention_time=optional(durations(non_negative=kind.service_rules)),
        user_identity=optional(_user_identities(kind)),
    )


@functools.cache
def _jobs(kind: _Kind) -> st.SearchStrategy[bp.JobPreparationAndRelease]:
    jobs = st.builds(
        bp.JobPreparationAndRelease,
        job_preparation_task=optional(_job_preparation_tasks(kind)),
        job_release_task=optional(_release_tasks(kind)),
    )
    if not kind.service_rules:
        return jobs
    from batchprep.service_rules import task_ids_differ

    return jobs.filter(
        lambda job: job.job_release_task is None
        or (job.job_preparation_task is not None and task_ids_differ(job.job_preparation_task, job.job_release_task))
    )


def _counts(kind: _Kind) -> st.SearchStrategy[int]:
    """int32 values when the service rules are kept, any integer otherwise."""
    return st.integers(-_INT32, _INT32 - 1) if kind.service_rules else st.integers(-(2**40), 2**40)


@functools.cache
def _pairs() -> st.SearchStrategy[bp.NameValuePair]:
    return st.builds(bp.NameValuePair, name=optional(texts()), value=optional(texts()))


@functools.cache
def _failures(kind: _Kind) -> st.SearchStrategy[bp.TaskFailureInformation]:
    return st.builds(
        bp.TaskFailureInformation,
        category=kind.required(enum_values(bp.ErrorCategory)),
        code=optional(texts()),
        message=optional(texts()),
        details=_lists(_pairs()),
    )


@functools.cache
def _container_infos() -> st.SearchStrategy[bp.TaskContainerExecutionInformation]:
    return st.builds(
        bp.TaskContainerExecutionInformation, container_id=optional(texts()), state=optional(texts()), error=optional(texts())
    )


@functools.cache
def _execution_infos(kind: _Kind, release: bool) -> st.SearchStrategy[Any]:
    common: dict[str, Any] = {
        "start_time": kind.required(timestamps()),
        "end_time": optional(timestamps()),
        "task_root_directory": optional(texts()),
        "task_root_directory_url": optional(texts()),
        "exit_code": optional(_counts(kind)),
        "container_info": optional(_container_infos()),
        "failure_info": optional(_failures(kind)),
        "result": optional(enum_values(bp.TaskExecutionResult)),
    }
    if release:
        return st.builds(bp.JobReleaseTaskExecutionInformation, state=kind.required(enum_values(bp.JobReleaseTaskState)), **common)
    return st.builds(
        bp.JobPreparationTaskExecutionInformation,
        state=kind.required(enum_values(bp.JobPreparationTaskState)),
        retry_count=kind.required(_counts(kind)),
        last_retry_time=optional(timestamps()),
        **common,
    )


@functools.cache
def _status_entries(kind: _Kind) -> st.SearchStrategy[bp.JobPreparationAndReleaseTaskExecutionInformation]:
    return st.builds(
        bp.JobPreparationAndReleaseTaskExecutionInformation,
        pool_id=optional(texts()),
        node_id=optional(texts()),
        node_url=optional(texts()),
        job_preparation_task_execution_info=optional(_execution_infos(kind, False)),
        job_release_task_execution_info=optional(_execution_infos(kind, True)),
    )


@functools.cache
def status_entries(*, complete: bool = True, service_rules: bool = True) -> st.SearchStrategy[bp.JobPreparationAndReleaseTaskExecutionInformation]:
    """Entries of a preparation and release task status list (the arguments are those of `model_trees`)."""
    return _status_entries(_Kind(complete, service_rules, True))


@functools.cache
def release_tasks(*, complete: bool = True, service_rules: bool = True, bind_mounts: bool = True) -> st.SearchStrategy[bp.JobReleaseTask]:
    """Job Release Task trees (the arguments are those of `job_preparation_tasks`)."""
    return _release_tasks(_Kind(complete, service_rules, bind_mounts))


@functools.cache
def job_preparation_tasks(
    *, complete: bool = True, service_rules: bool = True, bind_mounts: bool = True
) -> st.SearchStrategy[bp.JobPreparationTask]:
    """Job Preparation Task trees reaching every class and field of the family.

    Args:
        complete: Required values (``command_line``, ``image_name``, ``name``) are never ``None``.
        service_rules: The tree keeps the Batch service rules batchprep checks and msrest does not
            (task ID, resource file sources and paths, file modes, exactly one identity, unique
            environment names, retry count from -1 to the int32 maximum, non-negative durations).  With ``False``, any value of the
            right Python type.
        bind_mounts: ``container_host_batch_bind_mounts`` may be set (azure-batch 14.2 lacks it).
    """
    return _job_preparation_tasks(_Kind(complete, service_rules, bind_mounts))


@functools.cache
def model_trees(
    *,
    complete: bool = True,
    service_rules: bool = True,
    bind_mounts: bool = True,
    roots: tuple[type[bp.Model], ...] = MODEL_CLASSES,
) -> st.SearchStrategy[bp.Model]:
    """A tree rooted at a class of the family: half of the time a whole body (a Job Preparation Task,
    a Job Release Task, the two in a job, or a status entry), else one of the parts.

    Args:
        complete: As in :func:`job_preparation_tasks`.
        service_rules: As in :func:`job_preparation_tasks`.
        bind_mounts: As in :func:`job_preparation_tasks`.
        roots: The classes a tree may be rooted at (the others can still appear inside).
    """
    kind = _Kind(complete, service_rules, bind_mounts)
    by_root: dict[type[bp.Model], st.SearchStrategy[Any]] = {
        bp.JobPreparationTask: _job_preparation_tasks(kind),
        bp.JobReleaseTask: _release_tasks(kind),
        bp.JobPreparationAndRelease: _jobs(kind),
        bp.JobPreparationAndReleaseTaskExecutionInformation: _status_entries(kind),
        bp.TaskContainerSettings: _container_settings(kind),
        bp.ContainerRegistry: _registries(),
        bp.ComputeNodeIdentityReference: _identity_references(),
        bp.ResourceFile: _resource_files(kind),
        bp.EnvironmentSetting: _environment_settings(kind),
        bp.TaskConstraints: _constraints(kind),
        bp.UserIdentity: _user_identities(kind),
        bp.AutoUserSpecification: _auto_users(),
        bp.ContainerHostBatchBindMountEntry: _bind_mounts(),
        bp.JobPreparationTaskExecutionInformation: _execution_infos(kind, False),
        bp.JobReleaseTaskExecutionInformation: _execution_infos(kind, True),
        bp.TaskContainerExecutionInformation: _container_infos(),
        bp.TaskFailureInformation: _failures(kind),
        bp.NameValuePair: _pairs(),
    }
    if not bind_mounts:
        roots = tuple(root for root in roots if root is not bp.ContainerHostBatchBindMountEntry)
    bodies = [by_root[root] for root in _BODIES if root in roots]
    parts = [by_root[root] for root in roots if root not in _BODIES]
    if not bodies or not parts:
        return st.one_of(bodies or parts)
    # (``a | b`` would flatten the union and give the whole bodies a tenth of the draws only.)
    return st.booleans().flatmap(lambda whole: st.one_of(bodies) if whole else st.one_of(parts))


#: The classes whose trees are whole REST bodies.
_BODIES = (
    bp.JobPreparationTask,
    bp.JobReleaseTask,
    bp.JobPreparationAndRelease,
    bp.JobPreparationAndReleaseTaskExecutionInformation,
)


# --- documents --------------------------------------------------------------------------------------


def model_class(type_text: str) -> type[bp.Model] | None:
    """The batchprep model class an ``_attribute_map`` type names (``'[ResourceFile]'`` included)."""
    found = getattr(bp, type_text.strip("[]{}"), None)
    return found if isinstance(found, type) and issubclass(found, bp.Model) else None


@functools.cache
def _known_keys(cls: type[bp.Model]) -> dict[str, dict[str, Any]]:
    """Attribute names and REST keys of ``cls``, each with its ``_attribute_map`` entry."""
    known: dict[str, dict[str, Any]] = {}
    for name, desc in cls._attribute_map.items():
        known[name] = desc
        known[desc["key"]] = desc
    return known


@functools.cache
def unknown_members(cls: type[bp.Model]) -> st.SearchStrategy[dict[str, Any]]:
    """Up to three members whose keys match none of ``cls``'s attribute names or REST keys in any case."""
    taken = {key.lower() for key in _known_keys(cls)}
    keys = texts(8).filter(lambda key: key.lower() not in taken)
    return st.dictionaries(keys, json_values(), max_size=3)


@dataclass(frozen=True)
class _Changes:
    """What :func:`reshaped` does to a body."""

    recase_keys: bool
    recase_enums: bool
    extras: bool
    nulls: bool


def _enum_class(type_text: str) -> type[enum.Enum] | None:
    found = getattr(bp, type_text, None)
    return found if isinstance(found, type) and issubclass(found, enum.Enum) else None


def _reshape(draw: st.DrawFn, body: dict[str, Any], cls: type[bp.Model], changes: _Changes) -> dict[str, Any]:
    known = _known_keys(cls)
    out: dict[str, Any] = {}
    for key, value in body.items():
        desc = known.get(key)
        nested = model_class(desc["type"]) if desc else None
        if nested is not None and isinstance(value, list):
            value = [_reshape(draw, item, nested, changes) for item in value]
        elif nested is not None and isinstance(value, dict):
            value = _reshape(draw, value, nested, changes)
        elif changes.recase_enums and desc and _enum_class(desc["type"]) and isinstance(value, str):
            value = draw(recased(value))
        out[draw(recased(key)) if changes.recase_keys and desc else key] = value
    if changes.nulls:
        for name, desc in cls._attribute_map.items():
            if name not in body and desc["key"] not in body and draw(st.booleans()):
                out[desc["key"]] = None
    if changes.extras:
        out.update(draw(unknown_members(cls)))
    return out


@st.composite
def reshaped(
    draw: st.DrawFn,
    body: dict[str, Any],
    cls: type[bp.Model],
    *,
    recase_keys: bool = False,
    recase_enums: bool = False,
    extras: bool = False,
    nulls: bool = False,
) -> dict[str, Any]:
    """``body`` (keyed by attribute names or REST keys, as ``cls`` reads it), changed at every level.

    Args:
        body: An ``as_dict()`` or ``serialize()`` output.
        cls: The batchprep class ``body`` describes.
        recase_keys: Write each known key in random letter case.
        recase_enums: Write each enum value in random letter case.
        extras: Add up to three unknown keys with arbitrary JSON values to each object.
        nulls: Add ``null`` under the REST key of some of the attributes ``body`` leaves out.
    """
    return _reshape(draw, body, cls, _Changes(recase_keys, recase_enums, extras, nulls))


@functools.cache
def extractor_names() -> st.SearchStrategy[list[str]]:
    """One to three key extractor names (repeats allowed), for ``from_dict(key_extractors=...)``."""
    return st.lists(st.sampled_from(sorted(EXTRACTORS)), min_size=1, max_size=3)
