"""The Batch service's rules that batchprep checks before a request (docs/service-rules.md)."""

from __future__ import annotations

import datetime

import pytest

import batchprep as bp
from batchprep import ComputeNodeIdentityReference, JobPreparationTask, ResourceFile, TaskConstraints, UserIdentity
from batchprep import service_rules
from batchprep.service_rules import escapes_working_directory

URL = "https://acct.blob.core.windows.net/c/f"
CONTAINER = "https://acct.blob.core.windows.net/c"


def problems(model: bp.Model) -> list[tuple[str, str, str]]:
    return [(e.rule, e.path, e.message) for e in model.validate()]


@pytest.mark.parametrize(
    "resource_file",
    [
        ResourceFile(http_url=URL, file_path="f.txt"),
        ResourceFile(http_url=URL, file_path="bin/tool", file_mode="0755", identity_reference=ComputeNodeIdentityReference(resource_id="/id")),
        ResourceFile(storage_container_url=CONTAINER, blob_prefix="2026/", identity_reference=ComputeNodeIdentityReference(resource_id="/id")),
        ResourceFile(auto_storage_container_name="inputs", blob_prefix="a/", file_path="data", file_mode="644"),
        ResourceFile(auto_storage_container_name="inputs", file_path="a/../b"),
        ResourceFile(auto_storage_container_name="inputs", file_path="scripts\\setup.cmd"),
    ],
)
def test_valid_resource_files_pass(resource_file: ResourceFile) -> None:
    assert resource_file.validate() == []


@pytest.mark.parametrize(
    ("resource_file", "expected"),
    [
        (ResourceFile(file_path="f"), [("exactly_one_source", "", "needs exactly one of autoStorageContainerName, storageContainerUrl, httpUrl (found none)")]),
        (ResourceFile(http_url=URL, storage_container_url=CONTAINER, file_path="f"), [("exactly_one_source", "", "needs exactly one of autoStorageContainerName, storageContainerUrl, httpUrl (found storageContainerUrl and httpUrl)")]),
        (ResourceFile(http_url=URL), [("required", "/filePath", "is required with httpUrl")]),
        (ResourceFile(http_url=URL, file_path="f", blob_prefix="p"), [("container_source_only", "/blobPrefix", "applies only to autoStorageContainerName or storageContainerUrl sources")]),
        (ResourceFile(auto_storage_container_name="c", identity_reference=ComputeNodeIdentityReference(resource_id="/id")), [("url_source_only", "/identityReference", "applies only to storageContainerUrl or httpUrl sources")]),
        (ResourceFile(http_url=URL, file_path="f", file_mode="rwxr-xr-x"), [("pattern", "/fileMode", "must be permission bits in octal, such as '0755'")]),
        (ResourceFile(http_url=URL, file_path="f", file_mode="0855"), [("pattern", "/fileMode", "must be permission bits in octal, such as '0755'")]),
        (ResourceFile(http_url=URL, file_path="../etc/passwd"), [("relative_path", "/filePath", "must be a path relative to the task's working directory that does not climb out of it")]),
    ],
)
def test_broken_resource_files_are_reported(resource_file: ResourceFile, expected: list[tuple[str, str, str]]) -> None:
    assert problems(resource_file) == expected


@pytest.mark.parametrize(
    ("path", "escapes"),
    [
        ("file.txt", False),
        ("a/b/c", False),
        ("a/../b", False),
        ("./x", False),
        ("a\\b", False),
        ("../x", True),
        ("a/../../x", True),
        ("a\\..\\..\\x", True),
        ("/etc/passwd", True),
        ("\\\\server\\share", True),
        ("C:\\Windows", True),
        ("c:relative", True),
    ],
)
def test_file_paths_stay_in_the_working_directory(path: str, escapes: bool) -> None:
    assert escapes_working_directory(path) is escapes


def test_a_user_identity_is_a_name_or_an_auto_user() -> None:
    assert UserIdentity(user_name="batch").validate() == []
    assert UserIdentity(auto_user=bp.AutoUserSpecification(scope="pool")).validate() == []
    assert UserIdentity(auto_user=bp.AutoUserSpecification()).validate() == []  # an empty auto-user is one
    both = UserIdentity(user_name="batch", auto_user=bp.AutoUserSpecification())
    assert problems(both) == [("mutually_exclusive", "", "takes username or autoUser, not both")]


def test_a_user_identity_with_neither_is_refused() -> None:
    """The service needs one of the two; an empty userIdentity used to pass."""
    [problem] = UserIdentity().validate()
    assert (problem.rule, problem.path, problem.service_rule) == ("exactly_one", "", "user-identity-exactly-one")
    assert problem.message == "needs username or autoUser (found neither); leave userIdentity out for the default user"
    task = JobPreparationTask(command_line="x", user_identity=UserIdentity())
    assert [(e.rule, e.path) for e in task.validate()] == [("exactly_one", "/userIdentity")]
    with pytest.raises(bp.SerializationError):
        task.serialize()
    assert problems(JobPreparationTask.deserialize({"commandLine": "x", "userIdentity": {"username": None}})) == [
        ("exactly_one", "/userIdentity", problem.message)
    ]


@pytest.mark.parametrize(
    ("file_path", "names_a_file"),
    [
        ("f", True),
        ("setup.sh", True),
        (".hidden", True),
        ("dir/f", True),
        ("dir\\f.cmd", True),
        ("a..b", True),
        ("", False),
        (".", False),
        ("dir/", False),
        ("dir\\", False),
        ("dir/.", False),
        ("dir/..", False),
    ],
)
def test_with_http_url_the_file_path_names_a_file(file_path: str, names_a_file: bool) -> None:
    found = [(e.rule, e.path, e.service_rule) for e in ResourceFile(http_url=URL, file_path=file_path).validate()]
    assert found == ([] if names_a_file else [("file_name", "/filePath", "resource-file-path-names-file")])
    # A container source's filePath is a directory: the same paths are fine there.
    assert ResourceFile(storage_container_url=CONTAINER, file_path=file_path).validate() == []


def test_the_file_name_message_says_what_was_found() -> None:
    [problem] = ResourceFile(http_url=URL, file_path="tools/").validate()
    assert problem.message == "must name the file to write with httpUrl, not a directory (found 'tools/')"


@pytest.mark.parametrize(
    ("count", "rules"),
    [
        (-1, []),
        (0, []),
        (2**31 - 1, []),
        (-2, [("minimum", "retry-count-minimum")]),
        (2**31, [("maximum", "int32")]),
        (99999999999, [("maximum", "int32")]),
    ],
)
def test_the_retry_count_is_an_int32_of_minus_one_or_more(count: int, rules: list[tuple[str, str]]) -> None:
    errors = TaskConstraints(max_task_retry_count=count).validate()
    assert [(e.rule, e.service_rule) for e in errors] == rules
    assert all(e.path == "/maxTaskRetryCount" for e in errors)


@pytest.mark.parametrize(("value", "fits"), [(-(2**31), True), (0, True), (2**31 - 1, True), (-(2**31) - 1, False), (2**31, False)])
def test_the_status_counters_are_int32_values(value: int, fits: bool) -> None:
    now = datetime.datetime(2026, 1, 31, tzinfo=datetime.timezone.utc)
    info = bp.JobPreparationTaskExecutionInformation(start_time=now, state="completed", retry_count=value, exit_code=value)
    expected = [] if fits else [("/exitCode", "int32"), ("/retryCount", "int32")]
    assert [(e.path, e.service_rule) for e in info.validate()] == expected


def test_environment_variable_names_are_unique_within_the_task() -> None:
    task = JobPreparationTask(
        command_line="x",
        environment_settings=[bp.EnvironmentSetting(name=n) for n in ("A", "B", "A", "a", "A")],
    )
    assert problems(task) == [
        ("unique", "/environmentSettings/2/name", "repeats a name already set at /environmentSettings/0/name"),
        ("unique", "/environmentSettings/4/name", "repeats a name already set at /environmentSettings/0/name"),
    ]


def test_constraints_are_not_negative_and_retries_at_least_minus_one() -> None:
    assert TaskConstraints(max_wall_clock_time=datetime.timedelta(0), max_task_retry_count=-1).validate() == []
    bad = TaskConstraints(
        max_wall_clock_time=-datetime.timedelta(seconds=1), retention_time=-datetime.timedelta(days=1), max_task_retry_count=-2
    )
    assert problems(bad) == [
        ("minimum", "/maxTaskRetryCount", "must be at least -1"),
        ("minimum", "/maxWallClockTime", "must not be negative"),
        ("minimum", "/retentionTime", "must not be negative"),
    ]


@pytest.mark.parametrize(
    ("task_id", "rules"),
    [
        ("jobpreparation", []),
        ("a" * 64, []),
        ("A-z_09", []),
        ("a" * 65, ["max_length"]),
        ("", ["pattern"]),
        ("has space", ["pattern"]),
        ("ünicode", ["pattern"]),
        ("dot.ted", ["pattern"]),
        ("trailing-newline\n", ["pattern"]),
    ],
)
def test_task_id_is_up_to_64_ascii_letters_digits_hyphens_underscores(task_id: str, rules: list[str]) -> None:
    errors = JobPreparationTask(command_line="x", id=task_id).validate()
    assert [e.rule for e in errors] == rules
    assert all(e.path == "/id" and e.target == "JobPreparationTask.id" for e in errors)


def test_service_rules_make_serialize_refuse_and_paths_point_into_the_body() -> None:
    task = JobPreparationTask(command_line="x", resource_files=[ResourceFile(http_url=URL, file_path="ok"), ResourceFile(http_url=URL)])
    with pytest.raises(bp.SerializationError) as info:
        task.serialize()
    assert [(e.rule, e.path) for e in info.value.errors] == [("required", "/resourceFiles/1/filePath")]


def test_size_warnings_are_advice_not_errors() -> None:
    files = [ResourceFile(http_url=f"{URL}/{'x' * 90}/{i}", file_path=f"f{i}") for i in range(300)]
    task = JobPreparationTask(command_line="x", resource_files=files)
    assert task.validate() == []
    assert task.serialize()  # never refused for its size
    warnings = bp.size_warnings(task)
    assert [(w.path, w.limit) for w in warnings] == [("/resourceFiles", 32768)]
    assert str(warnings[0]).startswith("/resourceFiles: the resource file list is ")
    assert "over the limit of 32,768 that older service versions enforce" in str(warnings[0])
    assert bp.size_warnings(JobPreparationTask(command_line="x")) == []
    huge = JobPreparationTask(command_line="x" * 1_000_000)
    assert [(w.path, w.limit) for w in bp.size_warnings(huge.serialize())] == [("", 1024 * 1024)]
    assert "at 95% of the limit of 1,048,576" in str(bp.size_warnings(huge)[0])


# --- the Job Release Task and the job --------------------------------------------------------------

MINUTE = datetime.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("limit", "names"),
    [
        (None, []),
        (datetime.timedelta(0), []),
        (15 * MINUTE, []),
        (bp.parse_duration("PT900S"), []),
        (15 * MINUTE + datetime.timedelta(microseconds=1), ["release-wall-clock-limit"]),
        (datetime.timedelta(hours=1), ["release-wall-clock-limit"]),
        (bp.parse_duration("P1M"), ["durations-fixed-span", "release-wall-clock-limit"]),
        (-MINUTE, ["durations-non-negative"]),
    ],
)
def test_a_release_task_runs_15_minutes_at_most(limit: datetime.timedelta | None, names: list[str]) -> None:
    release = bp.JobReleaseTask(command_line="x", max_wall_clock_time=limit, retention_time=datetime.timedelta(days=7))
    errors = release.validate()
    assert [e.service_rule for e in errors] == names
    assert all(e.path == "/maxWallClockTime" for e in errors)


def test_the_release_limit_message_and_target() -> None:
    [problem] = bp.JobReleaseTask(command_line="x", max_wall_clock_time=datetime.timedelta(hours=1)).validate()
    assert (problem.rule, problem.target, problem.value) == ("maximum", "JobReleaseTask.max_wall_clock_time", "PT15M")
    assert str(problem) == (
        "/maxWallClockTime: must be at most 15 minutes (PT15M) for a Job Release Task; the service refuses longer [maximum]"
    )


def test_a_release_task_id_follows_the_task_id_rules() -> None:
    assert bp.JobReleaseTask(command_line="x", id="a" * 64).validate() == []
    errors = bp.JobReleaseTask(command_line="x", id="clean up!" + "a" * 60).validate()
    assert [(e.rule, e.target, e.service_rule) for e in errors] == [
        ("max_length", "JobReleaseTask.id", "task-id-length"),
        ("pattern", "JobReleaseTask.id", "task-id-characters"),
    ]


PREPARATION = JobPreparationTask(command_line="prep")
RELEASE = bp.JobReleaseTask(command_line="clean")


@pytest.mark.parametrize(
    ("preparation", "release", "expected"),
    [
        (None, None, []),
        (PREPARATION, None, []),
        (PREPARATION, RELEASE, []),
        (None, RELEASE, [("requires", "/jobReleaseTask", "release-needs-preparation")]),
    ],
)
def test_a_release_task_needs_a_preparation_task(
    preparation: JobPreparationTask | None, release: bp.JobReleaseTask | None, expected: list[tuple[str, str, str]]
) -> None:
    job = bp.JobPreparationAndRelease(job_preparation_task=preparation, job_release_task=release)
    assert [(e.rule, e.path, e.service_rule) for e in job.validate()] == expected


@pytest.mark.parametrize(
    ("preparation_id", "release_id", "where", "message"),
    [
        (None, None, None, ""),
        ("prep", "clean", None, ""),
        ("jobrelease", "jobpreparation", None, ""),
        ("same", "same", "/jobReleaseTask/id", "is the Job Preparation Task's ID too (same)"),
        ("Same", "sAME", "/jobReleaseTask/id", "is the Job Preparation Task's ID too (Same)"),
        (None, "jobpreparation", "/jobReleaseTask/id", "is the Job Preparation Task's ID too (jobpreparation, its default)"),
        ("JobRelease", None, "/jobPreparationTask/id", "is the Job Release Task's ID too (jobrelease, its default)"),
    ],
)
def test_the_two_task_ids_differ_defaults_included(
    preparation_id: str | None, release_id: str | None, where: str | None, message: str
) -> None:
    job = bp.JobPreparationAndRelease(
        job_preparation_task=JobPreparationTask(command_line="prep", id=preparation_id),
        job_release_task=bp.JobReleaseTask(command_line="clean", id=release_id),
    )
    errors = job.validate()
    if where is None:
        assert errors == []
        return
    [problem] = errors
    assert (problem.rule, problem.path, problem.service_rule) == ("unique", where, "job-task-ids-distinct")
    assert problem.message == message + "; the two IDs must differ (letter case aside)"


def test_a_job_body_is_read_with_paths_from_its_root_and_keeps_the_rest() -> None:
    body = {
        "id": "job",
        "poolInfo": {"poolId": "pool"},
        "jobPreparationTask": {"commandLine": "prep", "resourceFiles": [{"httpUrl": URL}]},
        "jobReleaseTask": {"commandLine": "clean", "maxWallClockTime": "PT1H"},
    }
    job = bp.JobPreparationAndRelease.deserialize(body)
    assert job.additional_properties == {"id": "job", "poolInfo": {"poolId": "pool"}}
    assert [(e.path, e.service_rule) for e in job.validate()] == [
        ("/jobPreparationTask/resourceFiles/0/filePath", "resource-file-path-required"),
        ("/jobReleaseTask/maxWallClockTime", "release-wall-clock-limit"),
    ]


# --- the escape hatch ------------------------------------------------------------------------------


def _too_long_release() -> bp.JobReleaseTask:
    return bp.JobReleaseTask(command_line="clean", max_wall_clock_time=datetime.timedelta(minutes=30))


def test_a_named_rule_can_be_waived_for_one_call() -> None:
    release = _too_long_release()
    with pytest.raises(bp.SerializationError) as info:
        release.serialize()
    assert [e.service_rule for e in info.value.errors] == ["release-wall-clock-limit"]
    assert release.validate(waive=["release-wall-clock-limit"]) == []
    assert release.validate(waive="release-wall-clock-limit") == []  # one name alone
    assert release.serialize(waive={"release-wall-clock-limit"}) == {"commandLine": "clean", "maxWallClockTime": "PT30M"}
    # Only for that call: the next one checks the rule again.
    assert [e.service_rule for e in release.validate()] == ["release-wall-clock-limit"]
    with pytest.raises(bp.SerializationError):
        release.serialize()


def test_waiving_one_rule_leaves_the_others() -> None:
    release = _too_long_release()
    release.id = "bad id"
    assert [e.service_rule for e in release.validate(waive=["release-wall-clock-limit"])] == ["task-id-characters"]
    with pytest.raises(bp.SerializationError) as info:
        release.serialize(waive=["release-wall-clock-limit"])
    assert [e.path for e in info.value.errors] == ["/id"]
    assert release.serialize(waive=["release-wall-clock-limit", "task-id-characters"])["id"] == "bad id"


def test_type_checks_and_msrest_rules_cannot_be_waived() -> None:
    every = sorted(service_rules.known_names())
    release = bp.JobReleaseTask(command_line=None, max_wall_clock_time="PT1H")  # type: ignore[arg-type]
    assert [(e.rule, e.service_rule) for e in release.validate(waive=every)] == [("required", ""), ("type", "")]
    with pytest.raises(bp.SerializationError):
        release.serialize(waive=every)


def test_waive_works_with_the_other_serialize_options() -> None:
    release = _too_long_release()
    release.additional_properties = {"newer": 1}
    body = release.serialize(waive=["release-wall-clock-limit"], send_additional_properties=True)
    assert body == {"commandLine": "clean", "maxWallClockTime": "PT30M", "newer": 1}
    keyed = release.serialize(waive=["release-wall-clock-limit"], key_transformer=bp.attribute_transformer)
    assert keyed == {"command_line": "clean", "max_wall_clock_time": "PT30M"}
    for nothing in ([], None):
        with pytest.raises(bp.SerializationError):
            release.serialize(waive=nothing)  # nothing waived


@pytest.mark.parametrize(
    ("waive", "error", "message"),
    [
        (["release-wall-clock"], ValueError, "'release-wall-clock' is not the name of a Batch service rule (did you mean 'release-wall-clock-limit'?)"),
        (["nothing-like-it-at-all"], ValueError, "'nothing-like-it-at-all' is not the name of a Batch service rule (docs/service-rules.md lists them)"),
        (["maximum"], ValueError, "'maximum' is not the name of a Batch service rule"),
        ([15], TypeError, "waive= takes service rule names (strings), got 15"),
    ],
)
def test_an_unknown_name_is_refused_with_a_hint(waive: list[object], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as info:
        _too_long_release().validate(waive=waive)  # type: ignore[arg-type]
    assert message in str(info.value)
    with pytest.raises(error):
        _too_long_release().serialize(waive=waive)


def test_the_names_of_a_model_of_your_own_can_be_waived() -> None:
    class Quota(bp.Model):
        cores: int | None = bp.field("cores", "int", default=None, service_rules={"maximum": 64})
        slots: int | None = bp.field("slots", "int", default=None, service_rules={"maximum": 8}, rule_names={"maximum": "quota-slots"})

    quota = Quota(cores=100, slots=9)
    assert [e.service_rule for e in quota.validate()] == ["Quota.cores.maximum", "quota-slots"]
    assert quota.validate(waive=["Quota.cores.maximum", "quota-slots"]) == []
    assert "quota-slots" in service_rules.known_names()


def test_every_service_rule_name_has_its_row_in_the_docs() -> None:
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "service-rules.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| ") and "---" not in line][1:]
    documented = {cell.strip().strip("`") for row in rows for cell in row.split("|")[3:4]}
    ours = {name for name, owners in service_rules.known_names().items() if any(o in dir(bp) for o in owners)}
    assert ours <= documented, sorted(ours - documented)
    assert documented <= ours, sorted(documented - ours)
