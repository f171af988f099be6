"""Reading *List Preparation and Release Task Status*: list pages, the pages after them, the failures.

After a job starts, ``GET {account}/jobs/{jobId}/jobpreparationandreleasetaskstatus`` answers with one
entry per node where the job's preparation task ran, a page at a time (at most 1,000 entries each)::

    {"value": [{"poolId": ..., "nodeId": ..., "jobPreparationTaskExecutionInfo": {...}}, ...],
     "odata.nextLink": "https://...&$skiptoken=..."}

`read_status_page` reads one page (or a bare JSON array of entries) into models, strictly, reporting
every unreadable value with its path; `iter_status` and `iter_status_pages` follow ``odata.nextLink``
with a function of yours that fetches a page (batchprep has no HTTP client). `failures` lists the
nodes where a task failed: a failed preparation task leaves the job's tasks waiting (``active``) with
no other sign.

Examples:
    >>> page = read_status_page({"value": [{"nodeId": "tvm-1", "jobPreparationTaskExecutionInfo": {
    ...     "startTime": "2026-01-31T12:00:00.1234567Z", "state": "completed", "retryCount": 0,
    ...     "exitCode": 1, "result": "failure",
    ...     "failureInfo": {"category": "usererror", "code": "FailureExitCode"}}}]})
    >>> [(f.node_id, f.task, f.code, f.exit_code) for f in failures(page.value)]
    [('tvm-1', 'preparation', 'FailureExitCode', 1)]
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from typing import Any, NamedTuple

from batchprep._fields import field
from batchprep.errors import DeserializationError, ValidationError, excerpt
from batchprep.model import Model
from batchprep.models import (
    JobPreparationAndReleaseTaskExecutionInformation,
    JobPreparationTaskExecutionInformation,
    JobReleaseTaskExecutionInformation,
    TaskFailureInformation,
)

__all__ = ["StatusPage", "TaskFailure", "duration", "failed", "failures", "iter_status", "iter_status_pages", "read_status_page"]

#: What a fetch function may return: a parsed page, its JSON text, or its bytes.
Fetched = Any


class StatusPage(Model):
    """One page of a job's preparation and release task status list.

    Attributes:
        value: The entries of the page, one per node.
        next_link: The URL of the next page (``odata.nextLink``); none on the last page.
    """

    value: list[JobPreparationAndReleaseTaskExecutionInformation] | None = field(
        "value", "[JobPreparationAndReleaseTaskExecutionInformation]", default=None
    )
    next_link: str | None = field("odata\\.nextLink", "str", default=None)


def read_status_page(document: Any, *, content_type: str | None = None, single: bool = False) -> StatusPage:
    """Read one status list page, fast: a dict, its JSON text or bytes, or a bare JSON array of entries.

    A JSON object without a ``value`` array is refused, whatever else it holds: an error response of
    the service (``{"code": "JobNotFound", "message": {...}}``) read as a page would say that no task
    failed anywhere.

    Args:
        document: The response body (``{"value": [...], "odata.nextLink": ...}``), or a list of entries
            (then the page has no next link).
        content_type: As in `batchprep.Model.deserialize` (JSON unless it says XML).
        single: Also read one entry of the list (an object with ``nodeId``,
            ``jobPreparationTaskExecutionInfo``...) or one node's bare ``JobPreparationTaskExecutionInformation``
            (what ``batchprep run --format json`` prints) as a page of one entry.

    Returns:
        The page; properties it does not know (``odata.metadata``...) are in ``additional_properties``.

    Raises:
        DeserializationError: a value cannot be read; ``errors`` lists every one, with paths from the
            document's root (``/value/3/jobPreparationTaskExecutionInfo/startTime``, or ``/3/...``
            for an array). Also for a document that is no page (``/value`` is missing), saying what it
            looks like.
    """
    if isinstance(document, (str, bytes, bytearray)) or hasattr(document, "read"):
        document = _parse(document, content_type)
        if isinstance(document, str):  # JSON text holding a string: never read that string as JSON again
            message = "expected an object or an array, found a JSON string"
            found = ValidationError("type", "StatusPage", path="", message=message, expected="an object", found="string")
            raise DeserializationError("cannot read StatusPage", [found])
    if isinstance(document, dict) and document.get("value") is None:
        kind = _kind(document)
        if single and kind == "entry":
            return _entries([document], "/value/0", "a status entry")
        if single and kind == "execution":
            inside = "/value/0/jobPreparationTaskExecutionInfo"
            return _entries([{"jobPreparationTaskExecutionInfo": document}], inside, "an execution information")
        message = _missing_value(document, kind, single)
        missing = ValidationError("required", "StatusPage.value", path="/value", message=message)
        raise DeserializationError("cannot read StatusPage", [missing])
    if not isinstance(document, list):
        return StatusPage.deserialize(document, content_type=content_type)
    return _entries(document, "/value", "a list of status entries")


def _entries(entries: list[Any], inside: str, what: str) -> StatusPage:
    """A page of these entries; a problem's path is its place in the document, `inside` the page's."""
    try:
        return StatusPage.deserialize({"value": entries})
    except DeserializationError as err:  # the paths of the document start at its items, not at /value
        unwrapped = [e.with_path(e.path.removeprefix(inside)) for e in err.errors]
        raise DeserializationError(f"cannot read {what}", unwrapped) from None


def _parse(text: Any, content_type: str | None) -> Any:
    """Text or bytes as a document: a JSON array stays an array (deserialize() would refuse it)."""
    from batchprep.model import _unpack

    return _unpack(StatusPage, text, content_type)


#: Keys that tell what a JSON object that is no page is (REST names).
_ENTRY_KEYS = frozenset(
    {"poolId", "nodeId", "nodeUrl", "jobPreparationTaskExecutionInfo", "jobReleaseTaskExecutionInfo"}
)
_EXECUTION_KEYS = frozenset({"startTime", "state", "taskRootDirectory", "retryCount", "lastRetryTime", "result"})
_TASK_KEYS = frozenset({"commandLine", "resourceFiles", "environmentSettings", "constraints", "userIdentity"})
_JOB_KEYS = frozenset({"poolInfo", "jobPreparationTask", "jobReleaseTask", "jobManagerTask", "jobSpecification"})


def _kind(document: dict[Any, Any]) -> str:
    """What an object without a ``value`` array is: ``error``, ``entry``, ``execution``, ``task``, ``job``, ``other``."""
    keys = {key for key in document if isinstance(key, str)}
    if "code" in keys and ("message" in keys or "odata.metadata" in keys):
        return "error"
    if keys & _ENTRY_KEYS:
        return "entry"
    if keys & _JOB_KEYS:
        return "job"
    if keys & _TASK_KEYS:
        return "task"
    if keys & _EXECUTION_KEYS:
        return "execution"
    return "other"


def _missing_value(document: dict[Any, Any], kind: str, single: bool) -> str:
    """Why a JSON object is no status list page, saying what it looks like."""
    head = "is missing: this is not a List Preparation and Release Task Status page ({\"value\": [...]})"
    if kind == "error":
        return f"{head} but an error response of the Batch service: {_error_text(document)}"
    if kind in ("entry", "execution"):
        what = (
            "one entry of the list (one node's status)"
            if kind == "entry"
            else "one task's execution information (what batchprep run --format json prints)"
        )
        hint = "" if single else "; read_status_page(..., single=True) reads it as a page of one entry"
        return f"{head} but {what}{hint}"
    if kind == "job":
        return f"{head} but a job body (poolInfo, jobPreparationTask...): batchprep check reads those"
    if kind == "task":
        return f"{head} but a task body (commandLine...): batchprep check reads those"
    keys = [excerpt(str(key)) for key in list(document)[:5]]
    shown = ", ".join(keys) + (", ..." if len(document) > 5 else "")
    return f"{head}; it has {shown}" if keys else f"{head}; it is an empty object"


def _error_text(document: dict[Any, Any]) -> str:
    """``code: message`` of an error response: the message's first line (the rest is the request's ID and
    time), SAS signatures masked."""
    from batchprep.redact import mask_sas_signature

    code = document.get("code")
    message = document.get("message")
    if isinstance(message, dict):  # the Batch service: {"lang": "en-US", "value": "..."}
        message = message.get("value")
    text = str(code) if code is not None else "(no code)"
    if isinstance(message, str) and message.strip():
        text += ": " + message.strip().splitlines()[0]
    return mask_sas_signature(text)


def iter_status_pages(fetch: Callable[[str | None], Fetched]) -> Iterator[StatusPage]:
    """Every page of a status list, in order, each read as `read_status_page` reads it.

    Args:
        fetch: Called with ``None`` for the first page, then with each page's ``odata.nextLink``;
            returns the response body (a dict, JSON text or bytes). Authentication, retries and the
            HTTP client are yours.

    Raises:
        DeserializationError: a page cannot be read.
        ValueError: a page links to a page already read (the list would never end).
    """
    link: str | None = None
    seen: set[str] = set()
    while True:
        page = read_status_page(fetch(link))
        yield page
        link = page.next_link
        if not link:
            return
        if link in seen:
            raise ValueError(f"the status list links back to a page already read: {link}")
        seen.add(link)


def iter_status(fetch: Callable[[str | None], Fetched]) -> Iterator[JobPreparationAndReleaseTaskExecutionInformation]:
    """Every entry of a status list, page after page (see `iter_status_pages`).

    Examples:
        >>> pages = {None: {"value": [{"nodeId": "a"}], "odata.nextLink": "p2"}, "p2": '{"value": [{"nodeId": "b"}]}'}
        >>> [entry.node_id for entry in iter_status(pages.__getitem__)]
        ['a', 'b']
    """
    for page in iter_status_pages(fetch):
        yield from page.value or ()


# --- what went wrong where ---------------------------------------------------------------------------

_ExecutionInfo = JobPreparationTaskExecutionInformation | JobReleaseTaskExecutionInformation


def failed(info: _ExecutionInfo | None) -> bool:
    """Whether a task's run on a node failed: its result is ``failure``, or it has failure information."""
    if info is None:
        return False
    return info.failure_info is not None or str(getattr(info.result, "value", info.result)).lower() == "failure"


def duration(info: _ExecutionInfo | None) -> datetime.timedelta | None:
    """How long the task's latest run took (``endTime`` - ``startTime``), or ``None`` while it runs."""
    if info is None or info.start_time is None or info.end_time is None:
        return None
    try:
        return info.end_time - info.start_time
    except TypeError:  # one naive, one aware: the service writes both with a zone, a hand-made body may not
        return None


class TaskFailure(NamedTuple):
    """A task that failed on a node.

    Attributes:
        pool_id: The node's pool.
        node_id: The node.
        task: ``"preparation"`` or ``"release"``.
        exit_code: The command's exit code, when it ran.
        retry_count: How many times it was retried (preparation tasks only).
        failure_info: What the service says went wrong (``None`` when it gave no details).
    """

    pool_id: str | None
    node_id: str | None
    task: str
    exit_code: int | None
    retry_count: int | None
    failure_info: TaskFailureInformation | None

    @property
    def category(self) -> str | None:
        """``usererror`` or ``servererror`` (the failure's category as the service writes it)."""
        category = self.failure_info.category if self.failure_info else None
        return None if category is None else str(getattr(category, "value", category))

    @property
    def code(self) -> str | None:
        """The failure code, such as ``FailureExitCode`` or ``BlobNotFound``."""
        return self.failure_info.code if self.failure_info else None

    @property
    def message(self) -> str | None:
        """The service's message."""
        return self.failure_info.message if self.failure_info else None


def failures(entries: Iterable[JobPreparationAndReleaseTaskExecutionInformation]) -> list[TaskFailure]:
    """Every failed task of the entries, in order: a node's preparation task, then its release task."""
    found = []
    for entry in entries:
        for task, info in (
            ("preparation", entry.job_preparation_task_execution_info),
            ("release", entry.job_release_task_execution_info),
        ):
            if info is not None and failed(info):
                found.append(
                    TaskFailure(
                        entry.pool_id, entry.node_id, task, info.exit_code, getattr(info, "retry_count", None), info.failure_info
                    )
                )
    return found
