"""batchprep.status: status list pages, following them, and the failures in them."""

from __future__ import annotations

import datetime
import json
from typing import Any

import azure.batch.models as az
import pytest
from hypothesis import given
from hypothesis import strategies as st
from msrest.serialization import Deserializer

import batchprep as bp
from batchprep.status import StatusPage, duration, failed, failures, iter_status, iter_status_pages, read_status_page
from msrest_oracle import plain
from strategies import status_entries

UTC = datetime.timezone.utc
_AZURE = Deserializer({name: cls for name, cls in vars(az).items() if isinstance(cls, type)})


def entry(node: str, *, prep: dict[str, Any] | None = None, release: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"poolId": "pool", "nodeId": node, "nodeUrl": f"https://acct.westeurope.batch.azure.com/pools/pool/nodes/{node}"}
    if prep is not None:
        body["jobPreparationTaskExecutionInfo"] = {
            "startTime": "2026-01-31T12:00:00.1234567Z",
            "state": "completed",
            "retryCount": 0,
            **prep,
        }
    if release is not None:
        body["jobReleaseTaskExecutionInfo"] = {"startTime": "2026-01-31T13:00:00Z", "state": "completed", **release}
    return body


FAILED = {
    "endTime": "2026-01-31T12:01:30.1234567Z",
    "exitCode": 2,
    "retryCount": 3,
    "lastRetryTime": "2026-01-31T12:01:00Z",
    "result": "failure",
    "failureInfo": {
        "category": "usererror",
        "code": "FailureExitCode",
        "message": "The task exited with an exit code representing a failure",
        "details": [{"name": "Message", "value": "The task process exited with an unexpected exit code"}, {"name": "AdditionalErrorCode", "value": "FailureExitCode"}],
    },
}
PAGE = {
    "odata.metadata": "https://acct.westeurope.batch.azure.com/$metadata#jobpreparationandreleasetaskstatuslist",
    "value": [
        entry("tvm-1", prep={"endTime": "2026-01-31T12:00:12.6234567Z", "exitCode": 0, "result": "success"}),
        entry("tvm-2", prep=FAILED),
        entry("tvm-3", prep={"state": "running"}),
    ],
    "odata.nextLink": "https://acct.westeurope.batch.azure.com/jobs/job/jobpreparationandreleasetaskstatus?api-version=2024-07-01.20.0&$skiptoken=abc",
}


@pytest.mark.parametrize("form", ["dict", "text", "bytes"])
def test_a_page_is_read_whole(form: str) -> None:
    document: Any = PAGE if form == "dict" else json.dumps(PAGE) if form == "text" else json.dumps(PAGE).encode()
    page = read_status_page(document)
    assert isinstance(page, StatusPage)
    assert [e.node_id for e in page.value or []] == ["tvm-1", "tvm-2", "tvm-3"]
    assert page.next_link == PAGE["odata.nextLink"]
    assert page.additional_properties == {"odata.metadata": PAGE["odata.metadata"]}
    prep = page.value[1].job_preparation_task_execution_info  # type: ignore[index]
    assert prep is not None
    assert prep.start_time == datetime.datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=UTC)
    assert prep.state is bp.JobPreparationTaskState.completed and prep.result is bp.TaskExecutionResult.failure
    assert prep.failure_info is not None and prep.failure_info.category is bp.ErrorCategory.user_error
    assert page.serialize()["value"][1]["jobPreparationTaskExecutionInfo"]["failureInfo"] == FAILED["failureInfo"]


def test_a_bare_array_of_entries_is_a_page_without_a_next_link() -> None:
    page = read_status_page(json.dumps(PAGE["value"]))
    assert [e.node_id for e in page.value or []] == ["tvm-1", "tvm-2", "tvm-3"]
    assert page.next_link is None


def test_every_problem_of_a_page_is_reported_with_its_path() -> None:
    broken = json.loads(json.dumps(PAGE))
    broken["value"][0]["jobPreparationTaskExecutionInfo"]["startTime"] = "yesterday"
    broken["value"][2]["jobPreparationTaskExecutionInfo"]["retryCount"] = "3"
    with pytest.raises(bp.DeserializationError) as info:
        read_status_page(broken)
    assert [(e.rule, e.path) for e in info.value.errors] == [
        ("format", "/value/0/jobPreparationTaskExecutionInfo/startTime"),
        ("type", "/value/2/jobPreparationTaskExecutionInfo/retryCount"),
    ]
    with pytest.raises(bp.DeserializationError) as info:
        read_status_page(broken["value"])
    assert [e.path for e in info.value.errors] == [
        "/0/jobPreparationTaskExecutionInfo/startTime",
        "/2/jobPreparationTaskExecutionInfo/retryCount",
    ]
    with pytest.raises(bp.DeserializationError, match="not JSON"):
        read_status_page("{")
    with pytest.raises(bp.DeserializationError) as info:
        read_status_page({"value": {"nodeId": "x"}})
    assert [(e.rule, e.path) for e in info.value.errors] == [("type", "/value")]


#: What the service answers instead of a page when something is wrong (here, a job that does not exist).
ERROR_RESPONSE = {
    "odata.metadata": "https://acct.westeurope.batch.azure.com/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element",
    "code": "JobNotFound",
    "message": {"lang": "en-US", "value": "The specified job does not exist.\nRequestId:5e3c\nTime:2026-01-31T12:00:00.0000000Z"},
}


@pytest.mark.parametrize(
    ("document", "says"),
    [
        (ERROR_RESPONSE, "but an error response of the Batch service: JobNotFound: The specified job does not exist."),
        ({"code": "AuthenticationFailed", "message": {"value": "see https://a/b?sv=1&sig=SECRET"}}, "AuthenticationFailed: see https://a/b?sv=1&sig=***"),
        ({"commandLine": "/bin/true", "constraints": {}}, "but a task body (commandLine...): batchprep check reads those"),
        ({"id": "j", "poolInfo": {"poolId": "p"}}, "but a job body (poolInfo, jobPreparationTask...)"),
        (PAGE["value"][0], "but one entry of the list (one node's status); read_status_page(..., single=True) reads it"),
        ({}, "it is an empty object"),
        ({"value": None, "odata.nextLink": "x"}, "it has 'value', 'odata.nextLink'"),
    ],
)
def test_an_object_that_is_no_page_is_refused_saying_what_it_looks_like(document: dict[str, Any], says: str) -> None:
    for form in (document, json.dumps(document)):
        with pytest.raises(bp.DeserializationError) as info:
            read_status_page(form)
        [problem] = info.value.errors
        assert (problem.rule, problem.path) == ("required", "/value")
        assert problem.message.startswith(
            'is missing: this is not a List Preparation and Release Task Status page ({"value": [...]})'
        )
        assert says in problem.message
        assert "SECRET" not in str(info.value)


def test_an_empty_page_is_still_a_page() -> None:
    for form in ({"value": []}, '{"value": []}', b'{"value": [], "odata.metadata": "x"}', "[]"):
        page = read_status_page(form)
        assert page.value == [] and page.next_link is None


def test_json_text_holding_a_string_is_not_read_twice() -> None:
    # The text of a JSON string whose content is a page: a string, not a page.
    text = json.dumps(json.dumps({"value": [{"nodeId": "tvm-1"}]}))
    for form in (text, text.encode()):
        with pytest.raises(bp.DeserializationError) as info:
            read_status_page(form)
        assert [(e.rule, e.path, e.message) for e in info.value.errors] == [
            ("type", "", "expected an object or an array, found a JSON string")
        ]


def test_one_entry_or_one_execution_information_reads_as_a_page_of_one_when_asked() -> None:
    page = read_status_page(json.dumps(PAGE["value"][1]), single=True)
    assert [e.node_id for e in page.value or []] == ["tvm-2"]
    info = PAGE["value"][1]["jobPreparationTaskExecutionInfo"]
    alone = read_status_page(info, single=True)
    [entry] = alone.value or []
    assert entry.node_id is None and entry.job_preparation_task_execution_info is not None
    assert [(f.task, f.code) for f in failures([entry])] == [("preparation", "FailureExitCode")]
    # Problems are reported at their places in the document given, not in the page made of it.
    with pytest.raises(bp.DeserializationError) as problems:
        read_status_page({**info, "retryCount": "3"}, single=True)
    assert [(e.rule, e.path) for e in problems.value.errors] == [("type", "/retryCount")]
    with pytest.raises(bp.DeserializationError) as problems:
        read_status_page({**PAGE["value"][0], "nodeId": 5}, single=True)
    assert [(e.rule, e.path) for e in problems.value.errors] == [("type", "/nodeId")]
    # What is neither is still refused.
    with pytest.raises(bp.DeserializationError, match="error response of the Batch service: JobNotFound"):
        read_status_page(ERROR_RESPONSE, single=True)


def test_the_pager_stops_at_an_error_response() -> None:
    pages = {None: {"value": [{"nodeId": "a"}], "odata.nextLink": "p2"}, "p2": ERROR_RESPONSE}
    read = iter_status(pages.__getitem__)
    assert next(read).node_id == "a"
    with pytest.raises(bp.DeserializationError, match="JobNotFound"):
        next(read)


@given(st.lists(status_entries(), max_size=5), st.booleans())
def test_a_page_is_read_as_msrest_reads_its_entries(entries: list[bp.JobPreparationAndReleaseTaskExecutionInformation], more: bool) -> None:
    body = {"value": [e.serialize() for e in entries]}
    if more:
        body["odata.nextLink"] = "https://next"
    page = read_status_page(json.dumps(body))
    theirs = [_AZURE("JobPreparationAndReleaseTaskExecutionInformation", e) for e in body["value"]]
    assert plain(page.value) == plain(theirs)
    assert page.next_link == ("https://next" if more else None)


def test_the_pager_follows_the_next_links_with_the_callers_fetch() -> None:
    pages = {
        None: {"value": [entry("a")], "odata.nextLink": "https://x/2"},
        "https://x/2": json.dumps({"value": [entry("b"), entry("c")], "odata.nextLink": "https://x/3"}),
        "https://x/3": b'{"value": []}',
    }
    asked: list[str | None] = []

    def fetch(link: str | None) -> Any:
        asked.append(link)
        return pages[link]

    assert [e.node_id for e in iter_status(fetch)] == ["a", "b", "c"]
    assert asked == [None, "https://x/2", "https://x/3"]
    assert [len(p.value or []) for p in iter_status_pages(pages.__getitem__)] == [1, 2, 0]


def test_the_pager_reads_lazily_and_refuses_a_loop() -> None:
    loop = {None: {"value": [entry("a")], "odata.nextLink": "p2"}, "p2": {"value": [entry("b")], "odata.nextLink": "p2"}}
    seen = iter_status(loop.__getitem__)
    assert next(seen).node_id == "a"  # nothing fetched beyond the first page yet
    assert next(seen).node_id == "b"
    with pytest.raises(ValueError, match="^the status list links back to a page already read: p2$"):
        next(seen)


def test_a_page_that_cannot_be_read_stops_the_pager_with_its_problems() -> None:
    pages = {None: {"value": [entry("a")], "odata.nextLink": "p2"}, "p2": {"value": [{"nodeId": 7}]}}
    seen = iter_status(pages.__getitem__)
    assert next(seen).node_id == "a"
    with pytest.raises(bp.DeserializationError) as info:
        next(seen)
    assert info.value.path == "/value/0/nodeId"


def test_failures_are_found_on_both_tasks_and_in_order() -> None:
    entries = read_status_page(
        {
            "value": [
                entry("ok", prep={"exitCode": 0, "result": "success"}, release={"exitCode": 0, "result": "success"}),
                entry("prep-failed", prep=FAILED),
                entry("release-failed", prep={"result": "success"}, release={"exitCode": 1, "result": "Failure"}),
                entry("no-result-yet", prep={"state": "completed", "failureInfo": {"category": "servererror", "code": "Unknown"}}),
                entry("running", prep={"state": "running"}),
                entry("release-only"),
            ]
        }
    ).value or []
    found = failures(entries)
    assert [(f.node_id, f.task, f.category, f.code, f.exit_code, f.retry_count) for f in found] == [
        ("prep-failed", "preparation", "usererror", "FailureExitCode", 2, 3),
        ("release-failed", "release", None, None, 1, None),
        ("no-result-yet", "preparation", "servererror", "Unknown", None, 0),
    ]
    assert found[0].message == "The task exited with an exit code representing a failure"
    assert not failed(None) and failed(entries[1].job_preparation_task_execution_info)


def test_the_duration_of_a_run() -> None:
    page = read_status_page(PAGE)
    entries = page.value or []
    assert duration(entries[0].job_preparation_task_execution_info) == datetime.timedelta(seconds=12, microseconds=500000)
    assert duration(entries[2].job_preparation_task_execution_info) is None  # still running
    assert duration(None) is None
    mixed = bp.JobReleaseTaskExecutionInformation(
        start_time=datetime.datetime(2026, 1, 1, tzinfo=UTC), end_time=datetime.datetime(2026, 1, 1, 1), state="completed"
    )
    assert duration(mixed) is None  # a naive and an aware time cannot be subtracted


def test_what_a_node_reports_is_read_back_exactly() -> None:
    """The local node writes the REST JSON of JobPreparationTaskExecutionInformation: it reads back whole."""
    info = bp.JobPreparationTaskExecutionInformation(
        start_time=datetime.datetime(2026, 1, 31, 12, 0, 0, 123000, tzinfo=UTC),
        end_time=datetime.datetime(2026, 1, 31, 12, 0, 5, tzinfo=UTC),
        state=bp.JobPreparationTaskState.completed,
        task_root_directory="/mnt/batch/tasks/workitems/job/job-1/jobpreparation",
        exit_code=127,
        retry_count=1,
        last_retry_time=datetime.datetime(2026, 1, 31, 12, 0, 3, tzinfo=UTC),
        result=bp.TaskExecutionResult.failure,
        failure_info=bp.TaskFailureInformation(category=bp.ErrorCategory.user_error, code="CommandProgramNotFound"),
    )
    body = info.serialize()
    assert body["startTime"] == "2026-01-31T12:00:00.123Z"
    again = bp.JobPreparationTaskExecutionInformation.deserialize(json.dumps(body))
    assert again == info and again.serialize() == body


def test_module_doctests() -> None:
    import doctest

    import batchprep.status

    result = doctest.testmod(batchprep.status, report=True)
    assert result.attempted >= 3 and result.failed == 0
