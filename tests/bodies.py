"""Hypothesis strategies for REST bodies of a Job Preparation Task and of status entries, as the service
would send them.

Bodies are valid for the service's rules, use the wire forms a service may write (durations with seven
fractional digits, weeks, years and months; enum values batchprep does not know yet), and can carry
unknown properties at every level.
"""

from __future__ import annotations

import datetime
from typing import Any

from hypothesis import strategies as st

from strategies import timestamp_texts

#: Any text a JSON string can carry, control characters and astral-plane characters included.
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
json_leaves = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.floats(allow_nan=False, allow_infinity=False) | texts
json_values = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3), max_leaves=10)

_digits = st.integers(0, 10**6).map(str)
_fraction = st.integers(0, 9_999_999).map(lambda n: f"{n:07d}".rstrip("0") or "0")


@st.composite
def durations(draw: st.DrawFn) -> str:
    """Non-negative ISO 8601 duration text in the forms the service and people write.

    No years or months: the service measures time limits as a fixed span, and batchprep refuses them
    (tests/test_durations.py reads them).
    """
    form = draw(st.sampled_from(["dhms", "weeks", "zero"]))
    if form == "weeks":
        return f"P{draw(st.integers(0, 5000))}W"
    if form == "zero":
        return draw(st.sampled_from(["PT0S", "P0D", "PT0.0000000S"]))
    days = draw(st.none() | st.integers(0, 10**6).map(str))
    hours = draw(st.none() | st.integers(0, 99).map(str))
    minutes = draw(st.none() | st.integers(0, 999).map(str))
    seconds = draw(st.none() | st.tuples(st.integers(0, 99), st.none() | _fraction).map(lambda t: f"{t[0]}.{t[1]}" if t[1] else str(t[0])))
    time = "".join(f"{v}{u}" for v, u in ((hours, "H"), (minutes, "M"), (seconds, "S")) if v is not None)
    if days is None and not time:
        time = "0S"
    return "P" + (f"{days}D" if days is not None else "") + (f"T{time}" if time else "")


task_ids = st.from_regex(r"\A[A-Za-z0-9_-]{1,64}\Z")


def enum_or_unknown(*known: str) -> st.SearchStrategy[str]:
    """A known enum value as the service writes it, or a value from a newer service."""
    folded = {k.lower() for k in known}
    newer = st.from_regex(r"\A[a-zA-Z]{3,12}\Z").filter(lambda v: v.lower() not in folded)
    return st.sampled_from(known) | newer


def _with_extras(strategy: st.SearchStrategy[dict[str, Any]], known: set[str], extras: bool) -> st.SearchStrategy[dict[str, Any]]:
    if not extras:
        return strategy
    unknown = st.dictionaries(texts.filter(lambda k: k not in known), json_values, max_size=2)
    return st.builds(lambda body, more: {**more, **body}, strategy, unknown)


def _obj(required: dict[str, Any], optional: dict[str, Any], extras: bool) -> st.SearchStrategy[dict[str, Any]]:
    return _with_extras(st.fixed_dictionaries(required, optional=optional), set(required) | set(optional), extras)


relative_paths = st.lists(st.from_regex(r"\A[A-Za-z0-9_.-]{1,10}\Z").filter(lambda p: p not in (".", "..")), min_size=1, max_size=3).map("/".join)


@st.composite
def resource_files(draw: st.DrawFn, extras: bool = False) -> dict[str, Any]:
    source = draw(st.sampled_from(["autoStorageContainerName", "storageContainerUrl", "httpUrl"]))
    required: dict[str, Any] = {source: texts if source == "autoStorageContainerName" else st.just("https://a.blob.core.windows.net/c?sv=1&sig=x")}
    optional: dict[str, Any] = {"fileMode": st.from_regex(r"\A[0-7]{3,4}\Z")}
    if source == "httpUrl":
        required["filePath"] = relative_paths
    else:
        optional["filePath"] = relative_paths
        optional["blobPrefix"] = texts
    if source != "autoStorageContainerName":
        optional["identityReference"] = identities(extras)
    return draw(_obj(required, optional, extras))


def identities(extras: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    return _obj({}, {"resourceId": texts}, extras)


def container_settings(extras: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    registry = _obj({}, {"username": texts, "password": texts, "registryServer": texts, "identityReference": identities(extras)}, extras)
    mount = _obj({}, {"source": enum_or_unknown("Shared", "Startup", "VfsMounts", "Task", "JobPrep", "Applications"), "isReadOnly": st.booleans()}, extras)
    return _obj(
        {"imageName": texts},
        {
            "containerRunOptions": texts,
            "registry": registry,
            "workingDirectory": enum_or_unknown("taskWorkingDirectory", "containerImageDefault"),
            "containerHostBatchBindMounts": st.lists(mount, max_size=3),
        },
        extras,
    )


def user_identities(extras: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    auto_user = _obj({}, {"scope": enum_or_unknown("task", "pool"), "elevationLevel": enum_or_unknown("nonadmin", "admin")}, extras)
    return _obj({"username": texts}, {}, extras) | _obj({"autoUser": auto_user}, {}, extras)


def job_preparation_tasks(extras: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """REST bodies of a JobPreparationTask; with ``extras``, unknown properties at every level."""
    settings = st.lists(
        _obj({"name": texts}, {"value": texts}, extras), max_size=4, unique_by=lambda s: s["name"]
    )
    constraints = _obj(
        {},
        {"maxWallClockTime": durations(), "retentionTime": durations(), "maxTaskRetryCount": st.integers(-1, 2**31 - 1)},
        extras,
    )
    return _obj(
        {"commandLine": texts},
        {
            "id": task_ids,
            "containerSettings": container_settings(extras),
            "resourceFiles": st.lists(resource_files(extras), max_size=4),
            "environmentSettings": settings,
            "constraints": constraints,
            "waitForSuccess": st.booleans(),
            "userIdentity": user_identities(extras),
            "rerunOnNodeRebootAfterSuccess": st.booleans(),
        },
        extras,
    )


_moments = st.datetimes(min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2099, 12, 31))
#: The service's own form: UTC, seven fractional digits (``2026-01-31T12:00:00.1234567Z``).
service_timestamps = st.tuples(_moments, st.integers(0, 9_999_999)).map(
    lambda t: t[0].strftime("%Y-%m-%dT%H:%M:%S") + f".{t[1]:07d}Z"
)
#: What a status body may hold: mostly the service's form, sometimes another form people write.
timestamps = service_timestamps | service_timestamps | timestamp_texts()


def _execution_infos(release: bool, extras: bool) -> st.SearchStrategy[dict[str, Any]]:
    failure = _obj(
        {"category": enum_or_unknown("usererror", "servererror")},
        {"code": texts, "message": texts, "details": st.lists(_obj({}, {"name": texts, "value": texts}, extras), max_size=3)},
        extras,
    )
    container = _obj({}, {"containerId": texts, "state": texts, "error": texts}, extras)
    required: dict[str, Any] = {"startTime": timestamps, "state": enum_or_unknown("running", "completed")}
    optional: dict[str, Any] = {
        "endTime": timestamps,
        "taskRootDirectory": texts,
        "taskRootDirectoryUrl": texts,
        "exitCode": st.integers(-(2**31), 2**31 - 1),
        "containerInfo": container,
        "failureInfo": failure,
        "result": enum_or_unknown("success", "failure"),
    }
    if not release:
        required["retryCount"] = st.integers(0, 2**31 - 1)
        optional["lastRetryTime"] = timestamps
    return _obj(required, optional, extras)


def status_entries(extras: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """Entries of a List Preparation and Release Task Status page, as the service writes them."""
    return _obj(
        {"nodeId": texts},
        {
            "poolId": texts,
            "nodeUrl": texts,
            "jobPreparationTaskExecutionInfo": _execution_infos(False, extras),
            "jobReleaseTaskExecutionInfo": _execution_infos(True, extras),
        },
        extras,
    )
