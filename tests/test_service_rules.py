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


# --- the escape hatch ------------------------------------------------------------------------------


def test_a_named_rule_can_be_waived_for_one_call() -> None:
    constraints = TaskConstraints(max_task_retry_count=2**31)
    assert [e.service_rule for e in constraints.validate()] == ["int32"]
    assert constraints.validate(waive=["int32"]) == []
    assert constraints.serialize(waive="int32") == {"maxTaskRetryCount": 2**31}
    with pytest.raises(bp.SerializationError):
        constraints.serialize()
