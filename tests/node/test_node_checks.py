"""Check first: what the node refuses before anything touches its directory, from the command line and
from Python: IDs that would leave the node's layout, what is not a task, NUL characters and
environment variable names no process can have."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ADMIN, run_cli, run_node, write_json

from batchprep import EnvironmentSetting, JobPreparationTask, JobReleaseTask
from batchprep.node import JobDocument, Node, ReleaseTask, TaskCheckError, check_job_document

ID_RULE = (
    "letters A-Z and a-z, digits, hyphens and underscores, at most 64 characters (the Batch service's rule for IDs)"
)
NUL = (
    "the operating system takes none in an argument, a path or an environment variable, so the node cannot start "
    "the task [nul_character]"
)
EQUALS = (
    "in a process's environment a name ends at its first '=', so no process can have this variable; choose a name "
    "without '=' [environment_name]"
)


def ready() -> JobPreparationTask:
    return JobPreparationTask.deserialize({"commandLine": "/bin/true", "userIdentity": ADMIN})


# --- from Python -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("job_id", ["../x", "a/b", "", "a\0b", "x" * 65, "job.1", "jöb"])
def test_a_job_id_the_service_refuses_is_refused_before_the_node_is_touched(node_dir: Path, job_id: str) -> None:
    node = Node(node_dir)
    for call in (
        lambda: node.prepare(ready(), job_id),
        lambda: node.check_idempotent(ready(), job_id),
        lambda: node.run_task(ready(), job_id, "/bin/true"),
        lambda: node.record(job_id),
    ):
        with pytest.raises(ValueError, match=re.escape(f"job_id {job_id!r} is not a Batch ID: {ID_RULE}")):
            call()
    assert not node_dir.exists()
    assert not (node_dir.parent / "x").exists()


def test_a_job_id_of_64_characters_is_fine(node_dir: Path) -> None:
    assert Node(node_dir).prepare(ready(), "J_-9" * 16).succeeded


def test_a_task_id_the_service_refuses_is_refused(node_dir: Path) -> None:
    node = Node(node_dir)
    with pytest.raises(ValueError, match=re.escape(f"task_id '../t' is not a Batch ID: {ID_RULE}")):
        node.run_task(ready(), "job", "/bin/true", task_id="../t")
    with pytest.raises(TaskCheckError) as info:
        node.prepare(ready().replace(id="../t"), "job")
    assert [(e.path, e.rule) for e in info.value.errors] == [("/id", "pattern")]
    with pytest.raises(TypeError, match="job_id must be a string, not int"):
        node.prepare(ready(), 5)  # type: ignore[arg-type]
    assert not node_dir.exists()


@pytest.mark.parametrize(
    ("job", "says"),
    [
        (
            {"commandLine": "/bin/true"},
            "not dict: read a task body with batchprep.JobPreparationTask.deserialize(body), or a task file (a task "
            "or a Job - Add body) with batchprep.node.check_job_document(body).document",
        ),
        ('{"commandLine": "/bin/true"}', "not str: read a REST body with batchprep.JobPreparationTask.deserialize(body)"),
        (
            JobReleaseTask(command_line="/bin/true"),
            "not batchprep.models.release.JobReleaseTask: the node runs a release task only with its preparation task",
        ),
        (JobDocument({"commandLine": "/bin/true"}), "not dict: read a REST body"),  # type: ignore[arg-type]
    ],
)
def test_what_is_not_a_task_is_a_type_error_saying_what_to_pass(node_dir: Path, job: Any, says: str) -> None:
    with pytest.raises(TypeError) as info:
        Node(node_dir).prepare(job, "job")
    assert str(info.value).startswith("expected a batchprep.JobPreparationTask or a batchprep.node.JobDocument, ")
    assert says in str(info.value)
    assert not node_dir.exists()


def test_an_azure_batch_model_is_told_to_convert(node_dir: Path) -> None:
    import azure.batch.models as az

    with pytest.raises(TypeError, match=r"not azure\.batch\.models\..*JobPreparationTask: convert it with batchprep\.interop"):
        Node(node_dir).prepare(az.JobPreparationTask(command_line="/bin/true"), "job")  # type: ignore[arg-type]


def test_a_task_is_checked_as_check_does_before_the_node_is_touched(node_dir: Path) -> None:
    task = JobPreparationTask(
        command_line="/bin/sh -c 'echo \0'",
        constraints=None,
        environment_settings=[EnvironmentSetting(name="A=B", value="1"), EnvironmentSetting(name="", value="2")],
        wait_for_success="yes",  # type: ignore[arg-type]
    )
    with pytest.raises(TaskCheckError) as info:
        Node(node_dir).prepare(task, "job")
    assert isinstance(info.value, ValueError)
    assert [str(e) for e in info.value.errors] == [
        "/waitForSuccess: expected bool, found string 'yes' [type]",
        f"/commandLine: contains a NUL character (\\0) at column 18: {NUL}",
        f"/environmentSettings/0/name: contains '=' at column 2: {EQUALS}",
        "/environmentSettings/1/name: is empty: an environment variable needs a name [environment_name]",
    ]
    assert str(info.value).startswith("the task cannot run: nothing was run: 4 problems\n  /waitForSuccess")
    assert not node_dir.exists()


def test_a_document_made_in_python_is_checked_too(node_dir: Path) -> None:
    document = JobDocument(
        ready(),
        ReleaseTask(command_line="/bin/echo 'unbalanced", id="jobpreparation"),
        common_environment=[EnvironmentSetting(name="PATH", value="/bin\0")],
    )
    node = Node(node_dir)
    for call in (lambda: node.prepare(document, "job"), lambda: node.release(document, "job")):
        with pytest.raises(TaskCheckError) as info:
            call()
        assert [(e.path, e.rule) for e in info.value.errors] == [
            ("/jobReleaseTask/id", "unique"),
            ("/jobReleaseTask/commandLine", "command_line"),
            ("/commonEnvironmentSettings/0/value", "nul_character"),
        ]
    with pytest.raises(TypeError, match="JobDocument.common_environment\\[0\\] must be a batchprep.EnvironmentSetting, not dict"):
        node.prepare(JobDocument(ready(), common_environment=[{"name": "A"}]), "job")  # type: ignore[list-item]
    assert not node_dir.exists()


def test_a_task_command_line_that_cannot_run_is_refused(node_dir: Path) -> None:
    node = Node(node_dir)
    node.prepare(ready(), "job")
    for line, rule in (("/bin/echo a\0b", "nul_character"), ("/bin/echo 'a", "command_line"), ("  ", "command_line")):
        with pytest.raises(TaskCheckError) as info:
            node.run_task(ready(), "job", line)
        assert [(e.path, e.rule) for e in info.value.errors] == [("/commandLine", rule)]
    assert not (node_dir / "workitems" / "job" / "job-1" / "task-1").exists()


def test_a_checked_file_runs_as_before(node_dir: Path) -> None:
    found = check_job_document({"id": "j", "jobPreparationTask": {"commandLine": "/bin/true", "userIdentity": ADMIN}})
    assert found.document is not None
    assert Node(node_dir).prepare(found.document, "j").succeeded


# --- from the command line ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        ({"commandLine": "/bin/echo a\0b"}, [f":1:2: /commandLine: contains a NUL character (\\0) at column 12: {NUL}"]),
        (
            {"commandLine": "/bin/true", "environmentSettings": [{"name": "A\0", "value": "x"}, {"name": "B", "value": "\0"}]},
            [
                f":1:55: /environmentSettings/0/name: contains a NUL character (\\0) at column 2: {NUL}",
                f":1:103: /environmentSettings/1/value: contains a NUL character (\\0) at column 1: {NUL}",
            ],
        ),
        (
            {"commandLine": "/bin/true", "environmentSettings": [{"name": "A=B", "value": "x"}, {"name": "", "value": "y"}]},
            [
                f":1:55: /environmentSettings/0/name: contains '=' at column 2: {EQUALS}",
                ":1:86: /environmentSettings/1/name: is empty: an environment variable needs a name [environment_name]",
            ],
        ),
        (
            {"commandLine": "/bin/true", "containerSettings": {"imageName": "ubuntu", "containerRunOptions": "--rm \0"}},
            [f":1:75: /containerSettings/containerRunOptions: contains a NUL character (\\0) at column 6: {NUL}"],
        ),
    ],
)
def test_run_refuses_what_no_process_can_take_before_anything_runs(
    files_dir: Path, node_dir: Path, body: dict[str, Any], lines: list[str]
) -> None:
    task = write_json(files_dir / "task.json", body)
    done = run_node(task, node_dir, job="j")
    assert (done.returncode, done.stdout) == (1, "")
    assert [line.removeprefix(str(task)) for line in done.stderr.splitlines()] == [
        *lines,
        f": {len(lines)} problem{'s' if len(lines) > 1 else ''}: nothing was run",
    ]
    assert not node_dir.exists()


def test_run_refuses_them_in_a_job_body_at_their_paths(files_dir: Path, node_dir: Path) -> None:
    job = write_json(
        files_dir / "job.json",
        {
            "id": "j",
            "jobPreparationTask": {"commandLine": "/bin/true"},
            "jobReleaseTask": {"commandLine": "/bin/true", "environmentSettings": [{"name": "X=1"}]},
            "commonEnvironmentSettings": [{"name": "", "value": "\0"}],
        },
    )
    done = run_cli("run", job, "--node-dir", node_dir)
    assert done.returncode == 1
    paths = [line.split(": ")[1] for line in done.stderr.splitlines()[:-1]]
    assert paths == [
        "/jobReleaseTask/environmentSettings/0/name",
        "/commonEnvironmentSettings/0/name",
        "/commonEnvironmentSettings/0/value",
    ]
    assert not node_dir.exists()


@pytest.mark.parametrize(("job_id", "message"), [("../x", "is not a Batch ID"), (7, "expected a string: the job's ID")])
def test_a_job_id_in_the_file_is_a_problem_of_the_file(files_dir: Path, node_dir: Path, job_id: Any, message: str) -> None:
    job = write_json(files_dir / "job.json", {"id": job_id, "jobPreparationTask": {"commandLine": "/bin/true"}})
    done = run_cli("run", job, "--node-dir", node_dir)
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(f"{job}:1:2: /id: {message}")
    assert not node_dir.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--job-id", "../x"], f"Invalid value for '--job-id': '../x' is not a Batch ID: {ID_RULE}"),
        (["--job-id", "j", "--pool-id", "a/b"], "Invalid value for '--pool-id': 'a/b' is not a Batch ID"),
        (["--job-id", "j", "--task-id", ".."], "Invalid value for '--task-id': '..' is not a Batch ID"),
        (
            ["--job-id", "j", "--task", "/bin/echo 'hi"],
            "Invalid value for '--task': cannot be split into arguments: unbalanced quotes: the single quote (') at "
            "column 11 is never closed",
        ),
    ],
)
def test_ids_and_task_command_lines_in_options_are_usage_errors(
    files_dir: Path, node_dir: Path, args: list[str], message: str
) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/true"})
    done = run_cli("run", task, "--node-dir", node_dir, *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert not node_dir.exists()


def test_run_survives_a_script_nested_thousands_of_levels_deep(files_dir: Path, node_dir: Path) -> None:
    # The shell exits before it reaches the second line; the node must neither crash nor refuse it.
    deep = "echo " + "$(echo " * 5000 + "x" + ")" * 5000
    task = write_json(files_dir / "task.json", {"commandLine": f"/bin/sh -c 'echo ready; exit 0\n{deep}'", "userIdentity": ADMIN})
    done = run_node(task, node_dir, job="j")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (node_dir / "workitems" / "j" / "job-1" / "jobpreparation" / "stdout.txt").read_text() == "ready\n"
