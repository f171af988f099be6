"""Stage 7, the execution-information report: what the service would say about this node's run.

The report is the REST JSON body the Batch service returns for a node (Job - List Preparation and
Release Task Status): `JobPreparationTaskExecutionInformation` for the preparation task,
`JobReleaseTaskExecutionInformation` (the same without `retryCount` and `lastRetryTime`) for the
release task, with the keys in the service's order, absent values left out, and timestamps as ISO 8601
UTC text (`2024-06-01T12:00:00.123456Z`).

`information` is the one function that builds these bodies and `as_model` reads them into the
execution-information models; nothing else in the node knows the REST keys.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchprep.node._records import Record

__all__ = ["Execution", "Failure", "as_model", "information", "node_information", "parse_time", "timestamp"]


def timestamp(moment: datetime.datetime) -> str:
    """A UTC timestamp as the service writes it.

    Examples:
        >>> timestamp(datetime.datetime(2024, 6, 1, 12, 0, 5, 120000, tzinfo=datetime.timezone.utc))
        '2024-06-01T12:00:05.120000Z'
    """
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime.datetime:
    """Read a timestamp `timestamp` wrote.

    Examples:
        >>> parse_time("2024-06-01T12:00:05.120000Z")
        datetime.datetime(2024, 6, 1, 12, 0, 5, 120000, tzinfo=datetime.timezone.utc)
    """
    # Not strptime: its first use imports _strptime and compiles its patterns for the locale.
    return datetime.datetime.fromisoformat(text)


class Failure(Record):
    """`failureInfo`: why a task failed.

    Attributes:
        code: The service's failure code (`FailureExitCode`, `BlobNotFound`, `TaskEnded`...).
        message: What happened, in words.
        category: `usererror` or `servererror`.
        details: Name/value pairs.
    """

    code: str
    message: str
    category: str
    details: tuple[tuple[str, str], ...]

    __slots__ = ("category", "code", "details", "message")

    def __init__(
        self, code: str, message: str, category: str = "usererror", details: tuple[tuple[str, str], ...] = ()
    ) -> None:
        self.code = code
        self.message = message
        self.category = category
        self.details = details


class Execution(Record):
    """One run of a preparation or release task on the node, in Python values.

    Attributes:
        release: Whether this is the release task (no retry count in its report).
        start_time: The latest start (a rerun after a reboot starts it again).
        state: `running` or `completed`.
        task_root_directory: The task directory relative to the node root.
        task_root_directory_url: Its URL in the Batch file API.
        end_time: When it completed.
        exit_code: The last attempt's exit code, when the command ran.
        container_info: `containerId`, `state`, `error` as the engine reported them.
        failure: Why it failed.
        retry_count: Retries made.
        last_retry_time: When the last retry started.
    """

    release: bool
    start_time: datetime.datetime
    state: str
    task_root_directory: str
    task_root_directory_url: str
    end_time: datetime.datetime | None
    exit_code: int | None
    container_info: dict[str, str]
    failure: Failure | None
    retry_count: int
    last_retry_time: datetime.datetime | None

    __slots__ = (
        "container_info",
        "end_time",
        "exit_code",
        "failure",
        "last_retry_time",
        "release",
        "retry_count",
        "start_time",
        "state",
        "task_root_directory",
        "task_root_directory_url",
    )

    def __init__(
        self,
        release: bool,
        start_time: datetime.datetime,
        state: str,
        task_root_directory: str,
        task_root_directory_url: str,
        end_time: datetime.datetime | None = None,
        exit_code: int | None = None,
        container_info: dict[str, str] | None = None,
        failure: Failure | None = None,
        retry_count: int = 0,
        last_retry_time: datetime.datetime | None = None,
    ) -> None:
        self.release = release
        self.start_time = start_time
        self.state = state
        self.task_root_directory = task_root_directory
        self.task_root_directory_url = task_root_directory_url
        self.end_time = end_time
        self.exit_code = exit_code
        self.container_info = {} if container_info is None else container_info
        self.failure = failure
        self.retry_count = retry_count
        self.last_retry_time = last_retry_time

    @property
    def result(self) -> str | None:
        if self.state != "completed":
            return None
        return "failure" if self.failure is not None else "success"


def information(execution: Execution) -> dict[str, Any]:
    """The REST body of `JobPreparationTaskExecutionInformation` (or the release variant)."""
    body: dict[str, Any] = {"startTime": timestamp(execution.start_time)}
    if execution.end_time is not None:
        body["endTime"] = timestamp(execution.end_time)
    body["state"] = execution.state
    body["taskRootDirectory"] = execution.task_root_directory
    body["taskRootDirectoryUrl"] = execution.task_root_directory_url
    if execution.exit_code is not None:
        body["exitCode"] = execution.exit_code
    if execution.container_info:
        body["containerInfo"] = {
            key: execution.container_info[key]
            for key in ("containerId", "state", "error")
            if key in execution.container_info
        }
    if execution.failure is not None:
        failure = execution.failure
        body["failureInfo"] = {"category": failure.category, "code": failure.code, "message": failure.message}
        if failure.details:
            body["failureInfo"]["details"] = [{"name": name, "value": value} for name, value in failure.details]
    if not execution.release:
        body["retryCount"] = execution.retry_count
        if execution.retry_count > 0 and execution.last_retry_time is not None:
            body["lastRetryTime"] = timestamp(execution.last_retry_time)
    if execution.result is not None:
        body["result"] = execution.result
    return body


def node_information(
    pool_id: str, node_id: str, node_url: str, preparation: dict[str, Any] | None, release: dict[str, Any] | None
) -> dict[str, Any]:
    """One item of Job - List Preparation and Release Task Status: both tasks' reports for a node."""
    body: dict[str, Any] = {"poolId": pool_id, "nodeId": node_id, "nodeUrl": node_url}
    if preparation is not None:
        body["jobPreparationTaskExecutionInfo"] = preparation
    if release is not None:
        body["jobReleaseTaskExecutionInfo"] = release
    return body


def as_model(body: dict[str, Any], *, release: bool = False) -> Any:
    """The report read into its model: a `batchprep.JobPreparationTaskExecutionInformation`, or with
    ``release`` a `batchprep.JobReleaseTaskExecutionInformation` (what `batchprep status` reads too)."""
    from batchprep.models import JobPreparationTaskExecutionInformation, JobReleaseTaskExecutionInformation

    cls = JobReleaseTaskExecutionInformation if release else JobPreparationTaskExecutionInformation
    return cls.deserialize(body)
