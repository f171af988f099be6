"""batchprep.lint.job: telling bodies apart, and checking the tasks inside jobs and schedules."""

from __future__ import annotations

from typing import Any

import pytest

from batchprep import JobPreparationAndRelease, JobPreparationTask, JobReleaseTask
from batchprep.example import example_body
from batchprep.limits import size_warnings
from batchprep.lint import check_body, check_body_text, kind_of


@pytest.mark.parametrize(
    ("document", "kind"),
    [
        ({"commandLine": "x"}, "preparation"),
        ({"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}}, "preparation"),
        ({"commandLine": "x", "maxWallClockTime": "PT5M"}, "release"),
        ({"commandLine": "x", "retentionTime": "P1D"}, "release"),
        ({"commandLine": "x", "retentionTime": "P1D", "waitForSuccess": True}, "preparation"),  # a mix: the task's keys win
        ({"id": "job", "poolInfo": {"poolId": "p"}}, "job"),
        ({"jobReleaseTask": {"commandLine": "x"}}, "job"),
        ({"jobSpecification": {"poolInfo": {}}, "schedule": {}}, "schedule"),
        ({"jobSpecification": "not an object"}, "preparation"),
        ([{"commandLine": "x"}], "preparation"),
        ("text", "preparation"),
    ],
)
def test_bodies_are_told_apart(document: Any, kind: str) -> None:
    assert kind_of(document) == kind


def test_each_kind_reads_its_model() -> None:
    assert isinstance(check_body(example_body()).model, JobPreparationTask)
    assert isinstance(check_body(example_body("release")).model, JobReleaseTask)
    job = check_body(example_body("job"))
    assert (job.kind, job.ok, type(job.model)) == ("job", True, JobPreparationAndRelease)
    assert job.body() == example_body("job")


def test_a_schedule_keeps_everything_but_renders_its_tasks() -> None:
    spec = example_body("job")
    spec["jobReleaseTask"]["userIdentity"]["autoUser"]["scope"] = "POOL"
    report = check_body({"id": "nightly", "schedule": {"recurrenceInterval": "P1D"}, "jobSpecification": spec})
    assert report.kind == "schedule" and report.ok
    body = report.body()
    assert body["schedule"] == {"recurrenceInterval": "P1D"}
    assert body["jobSpecification"]["jobReleaseTask"]["userIdentity"]["autoUser"]["scope"] == "pool"
    assert body["jobSpecification"]["poolInfo"] == spec["poolInfo"]


def test_problems_of_a_schedule_are_placed_under_its_job_specification() -> None:
    report = check_body({"jobSpecification": {"jobReleaseTask": {"commandLine": 5}}}, "schedule")
    assert [(p.rule, p.path) for p in report.problems] == [
        ("requires", "/jobSpecification/jobReleaseTask"),  # a problem about an object comes before those inside it
        ("type", "/jobSpecification/jobReleaseTask/commandLine"),
    ]
    missing = check_body({"id": "nightly"}, "schedule")
    assert [(p.rule, p.path) for p in missing.problems] == [("type", "/jobSpecification")]


def test_size_warnings_point_into_the_task_they_are_about() -> None:
    files = [{"httpUrl": f"https://acct.blob.core.windows.net/c/{'x' * 90}/{i}", "filePath": f"f{i}"} for i in range(300)]
    job = {"poolInfo": {"poolId": "p"}, "jobPreparationTask": {"commandLine": "x", "resourceFiles": files}}
    report = check_body(job)
    assert report.ok
    assert [(w.path, w.rule) for w in report.warnings] == [("/jobPreparationTask/resourceFiles", "size")]


def test_a_task_is_measured_as_the_body_it_sends() -> None:
    """Size warnings of a valid task measure the body batchprep sends, as `size_warnings` of its model does."""
    files = [{"httpUrl": f"https://acct.blob.core.windows.net/c/{'x' * 90}/{i}", "filePath": f"f{i}"} for i in range(300)]
    task = {"commandLine": "x", "resourceFiles": files, "constraints": {"maxWallClockTime": "PT60M"}}
    report = check_body(task)
    assert report.ok and report.model is not None
    expected = [(w.path, w.message) for w in size_warnings(report.model)]
    assert [(w.path, w.message) for w in report.warnings if w.rule == "size"] == expected
    assert expected and expected[0][0] == "/resourceFiles"


@pytest.mark.parametrize("kind", ["preparation", "job"])
def test_the_behaviour_rules_run_unless_left_out(kind: str) -> None:
    task = {"commandLine": "/bin/sh -c 'curl $URL | tar x'", "constraints": {"maxTaskRetryCount": -1}}
    document = task if kind == "preparation" else {"id": "j", "jobPreparationTask": task}
    full, bare = check_body(document), check_body(document, behaviour=False)
    assert full.behaviour and full.ok
    assert bare.behaviour == []
    assert (bare.problems, bare.warnings, bare.model) == (full.problems, full.warnings, full.model)


def test_a_waived_problem_leaves_a_model_to_send() -> None:
    release = {"commandLine": "x", "maxWallClockTime": "PT1H"}
    assert check_body(release).model is None
    report = check_body(release, waive=["release-wall-clock-limit"])
    assert report.ok and report.body() == {"commandLine": "x", "maxWallClockTime": "PT1H"}
    with pytest.raises(ValueError, match="not the name of a Batch service rule"):
        check_body(release, waive=["no-such-rule"])
    with pytest.raises(ValueError, match="kind must be one of"):
        check_body(release, "task")


def test_text_that_is_not_json_is_one_document_problem() -> None:
    report = check_body_text("{", "job")
    assert [p.rule for p in report.problems] == ["document"] and report.model is None
    with pytest.raises(ValueError, match="no body"):
        report.body()
