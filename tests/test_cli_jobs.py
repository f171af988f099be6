"""The command line on the other bodies a task travels in, and on status lists, run as subprocesses.

`check` and `render` on whole Job - Add bodies, job schedules and bare Job Release Tasks; `status` on
saved List Preparation and Release Task Status pages; `example` and `schema` for the new bodies.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from batchprep import JobPreparationAndRelease, JobReleaseTask
from batchprep.example import example_body, example_json, example_yaml
from batchprep.schema import json_schema
from test_cli import ROOT, no_traceback, run

JOB = "examples/job.json"
RELEASE = "examples/job-release-task.json"
STATUS = "examples/status.json"


def write(tmp_path: Path, name: str, body: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(body), encoding="utf-8")
    return str(path)


def broken_job() -> dict[str, Any]:
    job = example_body("job")
    job["jobPreparationTask"]["resourceFiles"][0]["filePath"] = "tools/"
    job["jobPreparationTask"]["id"] = "jobrelease"
    del job["jobReleaseTask"]["id"]
    job["jobReleaseTask"]["maxWallClockTime"] = "PT1H"
    job["onAllTasksComplete"] = "terminatejob"  # the rest of the job is the service's business
    job["poolInfo"] = {"autoPoolSpecification": {"poolLifetimeOption": "job", "keepAlive": "nope"}}
    return job


# --- check: jobs, schedules, release tasks ---------------------------------------------------------------


def test_the_shipped_job_and_release_task_pass() -> None:
    done = run("check", JOB, RELEASE)
    assert (done.returncode, done.stderr) == (0, "checked 2 files: no problems, 2 info\n")
    # The behaviour rule BP305 about the preparation task's container source, and what the release
    # task file was read as (guessed from its properties).
    job, release = done.stdout.splitlines()
    assert job.startswith(f"{JOB}:27:9: /jobPreparationTask/resourceFiles/1/blobPrefix: ") and "[BP305 blob-prefix-layout]" in job
    assert release.startswith(f"{RELEASE}:1:1: /: read as a Job Release Task, since maxWallClockTime and retentionTime")
    assert run("check", "--as", "release", RELEASE).stderr == "checked 1 file: no problems\n"


def test_a_job_body_is_checked_with_paths_from_its_root(tmp_path: Path) -> None:
    path = write(tmp_path, "job.json", broken_job())
    done = run("check", path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{path}:1:141: /jobPreparationTask/id: is the Job Release Task's ID too (jobrelease, its default); the two IDs must differ (letter case aside) [unique]",
        f"{path}:1:855: /jobPreparationTask/resourceFiles/0/filePath: must name the file to write with httpUrl, not a directory (found 'tools/') [file_name]",
        f"{path}:1:1735: /jobReleaseTask/maxWallClockTime: must be at most 15 minutes (PT15M) for a Job Release Task; the service refuses longer [maximum]",
    ]
    assert done.stderr == "checked 1 file: 3 problems\n"


def test_a_release_task_without_a_preparation_task_is_refused(tmp_path: Path) -> None:
    job = example_body("job")
    del job["jobPreparationTask"]
    path = write(tmp_path, "job.json", job)
    done = run("check", "--format", "json", path)
    assert done.returncode == 1
    assert [(r["path"], r["rule"], r["severity"]) for r in json.loads(done.stdout)] == [("/jobReleaseTask", "requires", "error")]


def test_a_job_schedule_is_checked_inside_its_job_specification(tmp_path: Path) -> None:
    specification = broken_job()
    del specification["id"]
    schedule = {"id": "nightly", "schedule": {"recurrenceInterval": "P1D"}, "jobSpecification": specification}
    path = write(tmp_path, "schedule.json", schedule)
    done = run("check", "--quiet", "--format", "json", path)
    assert done.returncode == 1
    assert [r["path"] for r in json.loads(done.stdout)] == [
        "/jobSpecification/jobPreparationTask/id",
        "/jobSpecification/jobPreparationTask/resourceFiles/0/filePath",
        "/jobSpecification/jobReleaseTask/maxWallClockTime",
    ]
    # A jobSpecification saved on its own is a job: the same problems, from its root.
    alone = run("check", "--quiet", "--format", "json", write(tmp_path, "specification.json", specification))
    assert [r["path"] for r in json.loads(alone.stdout)] == [
        "/jobPreparationTask/id",
        "/jobPreparationTask/resourceFiles/0/filePath",
        "/jobReleaseTask/maxWallClockTime",
    ]


def test_a_bare_release_task_is_recognised(tmp_path: Path) -> None:
    release = {"commandLine": "/bin/sh -c 'rm -rf cache'", "maxWallClockTime": "PT20M"}
    path = write(tmp_path, "release.json", release)
    done = run("check", "--quiet", path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{path}:1:46: /maxWallClockTime: must be at most 15 minutes (PT15M) for a Job Release Task; the service refuses longer [maximum]",
        f"{path}:1:1: /: read as a Job Release Task, since maxWallClockTime is at its top level; "
        "a Job Preparation Task keeps its time limits under constraints (--as preparation checks it as one) [kind]",
    ]
    assert run("check", "--quiet", "--as", "release", path).stdout.count("[kind]") == 0  # said only when guessed
    # Read as a preparation task, maxWallClockTime at the top level is an unknown property.
    as_preparation = run("check", "--quiet", "--as", "preparation", path)
    assert as_preparation.returncode == 1 and "'maxWallClockTime' belongs under 'constraints'" in as_preparation.stdout
    # Valid, it is read as a release task all the same, and an info says so (the exit code stays 0).
    valid = write(tmp_path, "valid-release.json", {**release, "maxWallClockTime": "PT10M"})
    guessed = run("check", "--format", "json", valid)
    assert (guessed.returncode, guessed.stderr) == (0, "checked 1 file: no problems, 1 info\n")
    [(rule, severity, message)] = [(r["rule"], r["severity"], r["message"]) for r in json.loads(guessed.stdout)]
    assert (rule, severity) == ("kind", "info")
    assert message == (
        "read as a Job Release Task, since maxWallClockTime is at its top level, where a Job Preparation Task has none "
        "(it keeps its time limits under constraints); --as release says so, --as preparation checks it as a preparation task"
    )
    assert run("check", "--quiet", "--ignore", "kind", valid).stdout == ""
    # Without its time limits, a release body looks like a preparation task: --as release says what it is.
    short = write(tmp_path, "short.json", {"commandLine": "x", "id": "bad id"})
    forced = run("check", "--quiet", "--format", "json", "--as", "release", short)
    assert [(r["path"], r["rule"]) for r in json.loads(forced.stdout)] == [("/id", "pattern")]


@pytest.mark.parametrize(
    ("body", "keys"),
    [
        ({"commandLine": "x", "maxWallClockTime": "PT10M", "waitForSuccess": True}, ("waitForSuccess belongs", "maxWallClockTime")),
        (
            {"commandLine": "x", "retentionTime": "P1D", "constraints": {}, "rerunOnNodeRebootAfterSuccess": False},
            ("constraints and rerunOnNodeRebootAfterSuccess belong", "retentionTime"),
        ),
    ],
)
def test_a_body_with_both_tasks_properties_is_an_error(tmp_path: Path, body: dict[str, Any], keys: tuple[str, str]) -> None:
    done = run("check", "--quiet", "--format", "json", write(tmp_path, "mixed.json", body))
    assert done.returncode == 1
    records = json.loads(done.stdout)
    assert [(r["path"], r["rule"], r["severity"]) for r in records] == [("", "kind", "error"), (f"/{keys[1]}", "misplaced", "error")]
    assert records[0]["message"] == (
        f"mixes the two tasks: {keys[0]} to a Job Preparation Task, {keys[1]} at the top level to a Job Release Task; "
        "it is read as a preparation task, whose time limits belong under constraints (--as release checks it as a release task)"
    )
    # Said only when the kind is guessed.
    assert "[kind]" not in run("check", "--quiet", "--as", "preparation", write(tmp_path, "mixed.json", body)).stdout


def test_the_job_properties_the_node_uses_are_checked(tmp_path: Path) -> None:
    """The job's id and commonEnvironmentSettings: the service refuses them broken, batchprep run too."""
    job = {
        "id": "nightly run",
        "poolInfo": {"poolId": "p"},
        "commonEnvironmentSettings": [{"value": "x"}, {"name": "MODE", "valeu": "fast"}, 5],
        "jobPreparationTask": {"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}},
    }
    done = run("check", "--quiet", "--format", "json", write(tmp_path, "job.json", job))
    assert done.returncode == 1
    assert [(r["path"], r["rule"], r["message"]) for r in json.loads(done.stdout)] == [
        ("/id", "pattern", "may contain only letters A-Z and a-z, digits, '-' and '_' (at least one)"),
        ("/commonEnvironmentSettings/0/name", "required", "is required but missing"),
        (
            "/commonEnvironmentSettings/1/valeu",
            "misspelt",
            "is not an EnvironmentSetting property: the setting will not be sent; did you mean 'value'?",
        ),
        ("/commonEnvironmentSettings/2", "type", "expected an object (EnvironmentSetting), found number 5"),
    ]
    wrong = {"id": 7, "commonEnvironmentSettings": {"name": "A"}, "jobPreparationTask": {"commandLine": "x"}}
    done = run("check", "--quiet", "--format", "json", write(tmp_path, "wrong.json", wrong))
    assert [(r["path"], r["message"]) for r in json.loads(done.stdout) if r["severity"] == "error"] == [
        ("/id", "expected a string, found number 7"),
        ("/commonEnvironmentSettings", "expected an array, found object {'name': 'A'}"),
    ]
    # In a job schedule, from its root; batchprep run reports each problem once.
    spec = run("check", "--quiet", "--format", "json", write(tmp_path, "schedule.json", {"id": "s", "jobSpecification": job}))
    assert [r["path"] for r in json.loads(spec.stdout)][:2] == ["/jobSpecification/id", "/jobSpecification/commonEnvironmentSettings/0/name"]
    from batchprep.node.job import check_job_document

    assert [p.path for p in check_job_document(job).problems].count("/commonEnvironmentSettings/0/name") == 1


def test_a_job_without_tasks_has_nothing_to_check_and_a_misspelt_task_key_is_flagged(tmp_path: Path) -> None:
    job = {"id": "job", "poolInfo": {"poolId": "p"}, "jobPreparationtask": {"commandLine": "x"}}
    done = run("check", "--quiet", write(tmp_path, "job.json", job))
    assert done.returncode == 1  # the misspelt task would not be sent
    assert [line.split(": ", 1)[1] for line in done.stdout.splitlines()] == [
        "/jobPreparationtask: is not a job property: the task in it will not be sent; write 'jobPreparationTask' [misspelt]",
    ]
    nothing = run("check", "--quiet", write(tmp_path, "empty.json", {"id": "job", "poolInfo": {"poolId": "p"}}))
    assert nothing.returncode == 0
    assert [line.split(": ", 1)[1] for line in nothing.stdout.splitlines()] == [
        "/: has no jobPreparationTask and no jobReleaseTask: nothing to check [job]",
    ]


def test_a_waived_rule_lets_the_body_pass_and_render(tmp_path: Path) -> None:
    job = example_body("job")
    job["jobReleaseTask"]["maxWallClockTime"] = "PT30M"
    path = write(tmp_path, "job.json", job)
    assert run("check", "--quiet", path).returncode == 1
    done = run("check", "--waive", "release-wall-clock-limit", path)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "checked 1 file: no problems\n")
    rendered = run("render", "--waive", "release-wall-clock-limit", path)
    assert rendered.returncode == 0
    assert json.loads(rendered.stdout)["jobReleaseTask"]["maxWallClockTime"] == "PT30M"
    assert run("render", path).returncode == 1


def test_an_unknown_rule_name_is_a_usage_error() -> None:
    done = run("check", "--waive", "release-wall-clock", JOB)
    assert done.returncode == 2
    assert "Invalid value for '--waive'" in done.stderr
    assert "'release-wall-clock' is not the name of a Batch service rule (did you mean 'release-wall-clock-limit'?)" in done.stderr
    no_traceback(done)


def test_a_job_renders_whole_with_its_tasks_canonical(tmp_path: Path) -> None:
    job = example_body("job")
    job["jobReleaseTask"] = {"userIdentity": {"autoUser": {"scope": "POOL"}}, "commandLine": "x", "maxWallClockTime": "PT5M"}
    job["usesTaskDependencies"] = True
    done = run("render", write(tmp_path, "job.json", job))
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert list(body) == ["id", "poolInfo", "jobPreparationTask", "jobReleaseTask", "usesTaskDependencies"]
    assert body["jobReleaseTask"] == {"commandLine": "x", "maxWallClockTime": "PT5M", "userIdentity": {"autoUser": {"scope": "pool"}}}
    assert body["jobPreparationTask"] == example_body()


def test_stdin_is_read_for_a_dash() -> None:
    done = run("check", "-", stdin=json.dumps({"commandLine": "x", "maxWallClockTime": "PT16M"}))
    assert done.returncode == 1 and "/maxWallClockTime: must be at most 15 minutes" in done.stdout
    assert done.stdout.startswith("-:1:22: ")


def test_check_help_says_how_bodies_are_told_apart() -> None:
    text = " ".join(run("check", "--help").stdout.split())
    assert "a Job Release Task if it has maxWallClockTime or retentionTime at its top level" in text
    assert "--waive RULE" in text


# --- status ---------------------------------------------------------------------------------------------


STATUS_LINES = [
    "NODE                             PREPARATION  RESULT   EXIT  RETRIES  TOOK   RELEASE    RESULT",
    "tvmps_0f2d7c3b_20260131t120000z  completed    success  0     0        3m12s  completed  success",
    "tvmps_8a41e9d0_20260131t120000z  completed    failure  1     2        29.2s  -          -",
    "tvmps_c5b90f12_20260131t120000z  completed    failure  -     0        1s     -          -",
    "tvmps_77d3a2e4_20260131t120000z  running      -        -     0        -      -          -",
    "",
    "tvmps_8a41e9d0_20260131t120000z (pool genomics): the preparation task failed, exit code 1, 2 retries: usererror FailureExitCode",
    "  The task exited with an exit code representing a failure",
    "  Message: The task process exited with an unexpected exit code",
    "  AdditionalErrorCode: FailureExitCode",
    "tvmps_c5b90f12_20260131t120000z (pool genomics): the preparation task failed: usererror BlobNotFound",
    "  The specified blob does not exist.",
    "  FilePath: setup.sh",
    "  HttpUrl: https://batchdata.blob.core.windows.net/tools/setup.sh?sv=2022-11-02&sr=b&sp=r&sig=***",
]


def test_status_shows_a_line_per_node_then_every_failure() -> None:
    done = run("status", STATUS)
    assert done.returncode == 1
    assert done.stdout.splitlines() == STATUS_LINES
    assert done.stderr == "4 nodes: 2 with a failed task, 1 still preparing\n"
    assert "REPLACE-WITH-YOUR-SIGNATURE" not in done.stdout + done.stderr


def test_status_as_json() -> None:
    done = run("status", "--quiet", "--format", "json", STATUS)
    assert (done.returncode, done.stderr) == (1, "")
    report = json.loads(done.stdout)
    assert [node["failed"] for node in report["nodes"]] == [False, True, True, False]
    first = report["nodes"][0]["preparation"]
    assert first == {
        "state": "completed",
        "result": "success",
        "exitCode": 0,
        "startTime": "2026-01-31T12:00:04.123456Z",
        "endTime": "2026-01-31T12:03:16.623456Z",
        "duration": "PT3M12.5S",
        "failed": False,
        "retryCount": 0,
    }
    assert report["nodes"][0]["release"]["result"] == "success" and "retryCount" not in report["nodes"][0]["release"]
    assert report["nodes"][3]["preparation"]["endTime"] is None and report["nodes"][3]["release"] is None
    assert [(f["nodeId"][6:14], f["task"], f["category"], f["code"], f["exitCode"], f["retryCount"]) for f in report["failures"]] == [
        ("8a41e9d0", "preparation", "usererror", "FailureExitCode", 1, 2),
        ("c5b90f12", "preparation", "usererror", "BlobNotFound", None, 0),
    ]
    assert report["failures"][1]["details"][1]["value"].endswith("&sig=***")


def test_status_with_no_failure_exits_0_and_reads_an_array_from_stdin() -> None:
    page = json.loads((ROOT / STATUS).read_text(encoding="utf-8"))
    done = run("status", "-", stdin=json.dumps([page["value"][0], page["value"][3]]))
    assert done.returncode == 0
    assert len(done.stdout.splitlines()) == 3  # the header and two nodes, no failure section
    assert done.stderr == "2 nodes: no failed task, 1 still preparing\n"


def test_status_takes_the_pages_of_a_list_and_says_when_one_is_missing(tmp_path: Path) -> None:
    page = json.loads((ROOT / STATUS).read_text(encoding="utf-8"))
    first = write(tmp_path, "1.json", {"value": page["value"][:2], "odata.nextLink": "https://next/2"})
    second = write(tmp_path, "2.json", {"value": page["value"][2:]})
    both = run("status", first, second)
    assert both.stdout.splitlines() == STATUS_LINES
    only_first = run("status", "--quiet", first)
    assert only_first.returncode == 1
    assert only_first.stderr == "the last page links to another one (odata.nextLink); its nodes are not shown: https://next/2\n"


def test_status_of_a_release_failure(tmp_path: Path) -> None:
    entry = {
        "nodeId": "n1",
        "jobPreparationTaskExecutionInfo": {"startTime": "2026-01-31T12:00:00Z", "state": "completed", "retryCount": 0, "result": "success", "exitCode": 0},
        "jobReleaseTaskExecutionInfo": {
            "startTime": "2026-01-31T18:00:00Z",
            "endTime": "2026-01-31T18:15:00Z",
            "state": "completed",
            "exitCode": 137,
            "result": "failure",
            "failureInfo": {"category": "usererror", "code": "TaskEnded", "message": "The task was ended"},
        },
    }
    done = run("status", write(tmp_path, "s.json", {"value": [entry]}))
    assert done.returncode == 1
    assert done.stdout.splitlines()[1] == "n1    completed    success  0     0        -     completed  failure"
    assert done.stdout.splitlines()[3:] == ["n1: the release task failed, exit code 137: usererror TaskEnded", "  The task was ended"]


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        (
            {"value": [{"nodeId": 5, "jobPreparationTaskExecutionInfo": {"startTime": "noon", "state": "completed", "retryCount": 0}}]},
            [
                "/value/0/nodeId: expected a string, found number 5 [type]",
                "/value/0/jobPreparationTaskExecutionInfo/startTime: not an ISO 8601 date-time such as '2026-01-31T12:00:00Z': 'noon' [format]",
            ],
        ),
        ({"value": {"nodeId": "x"}}, ["/value: expected an array, found object {'nodeId': 'x'} [type]"]),
    ],
)
def test_a_status_file_that_cannot_be_read_exits_2_with_every_problem(tmp_path: Path, body: Any, lines: list[str]) -> None:
    path = write(tmp_path, "s.json", body)
    done = run("status", path)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.splitlines() == [f"{path}: {line}" for line in lines] + [f"{path} is not a status list page"]
    no_traceback(done)


def test_a_status_file_that_is_not_json_or_missing_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{", encoding="utf-8")
    done = run("status", str(path))
    assert done.returncode == 2 and "the text is not JSON" in done.stderr
    missing = run("status", str(tmp_path / "nowhere.json"))
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    no_traceback(done)
    no_traceback(missing)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (
            {
                "odata.metadata": "https://acct.westeurope.batch.azure.com/$metadata#Microsoft.Azure.Batch.Protocol.Entities.Container.errors/@Element",
                "code": "JobNotFound",
                "message": {"lang": "en-US", "value": "The specified job does not exist.\nRequestId:5e3c\nTime:2026-01-31T12:00:00Z"},
            },
            "but an error response of the Batch service: JobNotFound: The specified job does not exist. [required]",
        ),
        ({"commandLine": "/bin/true"}, "but a task body (commandLine...): batchprep check reads those [required]"),
        ({"id": "j", "poolInfo": {"poolId": "p"}}, "but a job body (poolInfo, jobPreparationTask...): batchprep check reads those [required]"),
    ],
)
def test_status_refuses_an_object_that_is_no_page(tmp_path: Path, body: Any, says: str) -> None:
    path = write(tmp_path, "s.json", body)
    done = run("status", path)
    assert (done.returncode, done.stdout) == (2, "")
    head = f'{path}: /value: is missing: this is not a List Preparation and Release Task Status page ({{"value": [...]}}) '
    assert done.stderr.splitlines() == [head + says, f"{path} is not a status list page"]
    no_traceback(done)


def test_status_reads_an_empty_page_and_refuses_a_json_string() -> None:
    empty = run("status", "-", stdin='{"value": []}')
    assert (empty.returncode, empty.stderr) == (0, "0 nodes: no failed task\n")
    text = run("status", "-", stdin=json.dumps(json.dumps({"value": []})))
    assert text.returncode == 2
    assert text.stderr.splitlines() == ["-: /: expected an object or an array, found a JSON string [type]", "- is not a status list page"]


def test_status_reads_one_entry_as_a_list_of_one(tmp_path: Path) -> None:
    page = json.loads((ROOT / STATUS).read_text(encoding="utf-8"))
    done = run("status", write(tmp_path, "entry.json", page["value"][1]))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert [line.split() for line in lines[:2]] == [STATUS_LINES[0].split(), STATUS_LINES[2].split()]
    assert lines[2:] == ["", *STATUS_LINES[6:10]]
    assert done.stderr == "1 node: 1 with a failed task\n"


# --- example and schema ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("flag", "kind", "path"), [("--release", "release", RELEASE), ("--job", "job", JOB)])
def test_the_new_examples_are_the_shipped_files_and_valid(flag: str, kind: str, path: str) -> None:
    done = run("example", flag)
    assert done.stdout == example_json(kind) + "\n" == (ROOT / path).read_text(encoding="utf-8")
    commented = run("example", flag, "--format", "yaml").stdout
    assert commented == example_yaml(kind) and yaml.safe_load(commented) == json.loads(done.stdout)
    assert run("check", "-", stdin=done.stdout).returncode == 0
    if kind == "release":
        assert JobReleaseTask.deserialize(done.stdout).validate() == []
    else:
        assert JobPreparationAndRelease.deserialize(done.stdout).validate() == []


@pytest.mark.parametrize("flags", [["--job", "--release"], ["--release", "--job"]])
def test_job_and_release_together_print_the_job_with_both_tasks(flags: list[str]) -> None:
    done = run("example", *flags)
    assert (done.returncode, done.stdout) == (0, example_json("job") + "\n")
    body = json.loads(done.stdout)
    assert body["jobPreparationTask"] and body["jobReleaseTask"]


@pytest.mark.parametrize(("flag", "cls"), [("--release", JobReleaseTask), ("--job", JobPreparationAndRelease)])
def test_the_schema_of_the_new_bodies(flag: str, cls: type) -> None:
    done = run("schema", flag)
    assert done.returncode == 0
    assert json.loads(done.stdout) == json_schema(cls)
