"""`batchprep run` as users run it: check first, the environment, the report, exit codes, the extras."""

from __future__ import annotations

import json
import os
import pty
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ADMIN, ROOT, run_cli, run_node, write_json

EXAMPLE = "examples/local-node/job.json"
ENV_DUMP = "/bin/sh -c 'env > env.txt'"


def env_of(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


def prep_dir(node_dir: Path, job: str = "job", task: str = "jobpreparation") -> Path:
    return node_dir / "workitems" / job / "job-1" / task


# --- the shipped example, as the README shows it ---------------------------------------------------------


def _readme_run_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Run a task on a local node", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, flags=re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.startswith("batchprep run ")]


def test_the_readme_commands_work_as_a_newcomer_types_them(node_dir: Path) -> None:
    commands = _readme_run_commands()
    assert len(commands) >= 3
    outputs = []
    for command in commands:
        # Typed into a real shell; the README's node directory moved to this test's own.
        line = command.replace("/tmp/batchprep-node", shlex.quote(str(node_dir)))
        line = line.replace("batchprep run ", f"{shlex.quote(sys.executable)} -m batchprep run ", 1)
        done = subprocess.run(
            ["/bin/bash", "-c", line], check=False, cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr
        outputs.append(done.stdout)
    assert outputs[0].startswith("preparation task 'prepare-node' of job 'local-demo': completed, success\n")
    readme = prep_dir(node_dir, "local-demo", "task-1") / "stdout.txt"
    assert readme.read_text() == "reference data for demo-2024-06\n"


def test_check_first_stops_a_broken_task_before_anything_runs(node_dir: Path) -> None:
    done = run_cli("run", "examples/broken-job-preparation-task.json", "--node-dir", node_dir, "--job-id", "j")
    assert done.returncode == 1
    assert done.stdout == ""
    assert "examples/broken-job-preparation-task.json:2:3: /id: may contain only letters" in done.stderr
    assert done.stderr.splitlines()[-1] == "examples/broken-job-preparation-task.json: 5 problems: nothing was run"
    assert not node_dir.exists()


def test_a_job_body_has_its_problems_where_they_are(files_dir: Path, node_dir: Path) -> None:
    job = write_json(
        files_dir / "job.json",
        {
            "id": "j",
            "jobPreparationTask": {"commandLine": "/bin/sh -c 'unbalanced", "constraints": {"maxTaskRetryCount": "2"}},
            "jobReleaseTask": {"commandLine": "true", "maxWallClockTime": "PT1H", "waitForSuccess": True},
            "commonEnvironmentSettings": [{"value": "x"}],
        },
    )
    done = run_cli("run", job, "--node-dir", node_dir)
    assert done.returncode == 1
    lines = [line.removeprefix(str(job)) for line in done.stderr.splitlines()]
    assert lines == [
        ":1:93: /jobPreparationTask/constraints/maxTaskRetryCount: expected an integer, found string '2' [type]",
        (
            ":1:163: /jobReleaseTask/maxWallClockTime: must be at most 15 minutes (PT15M) for a Job Release Task; "
            "the service refuses longer [maximum]"
        ),
        (
            ":1:191: /jobReleaseTask/waitForSuccess: is not a JobReleaseTask property: the setting will not be sent;"
            " 'waitForSuccess' belongs under 'jobPreparationTask' (/jobPreparationTask/waitForSuccess): move it there"
            " [misplaced]"
        ),
        ":1:246: /commonEnvironmentSettings/0/name: is required but missing [required]",
        ": 4 problems: nothing was run",
    ]


def test_an_unbalanced_quote_is_a_problem_before_running(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'echo hi"})
    done = run_node(task, node_dir, job="j")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0] == (
        f"{task}:1:2: /commandLine: cannot be split into arguments: unbalanced quotes: the single quote (') at "
        "column 12 is never closed [command_line]"
    )


def test_a_release_task_needs_a_preparation_task(files_dir: Path, node_dir: Path) -> None:
    job = write_json(files_dir / "job.json", {"id": "j", "jobReleaseTask": {"commandLine": "true"}})
    done = run_cli("run", job, "--node-dir", node_dir)
    assert done.returncode == 1
    assert "/jobReleaseTask: needs a jobPreparationTask in the same job" in done.stderr and "[requires]" in done.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give --job-id: the task file is not a Job - Add body with an 'id'"),
        (["--job-id", "has space"], "Invalid value for '--job-id': 'has space' is not a Batch ID: letters A-Z"),
        (["--job-id", "j", "--reboot", "--reimage"], "give --reboot or --reimage, not both"),
        (["--job-id", "j", "--release"], "--release needs a Job - Add body with a jobReleaseTask"),
    ],
)
def test_usage_errors_exit_2(files_dir: Path, node_dir: Path, args: list[str], message: str) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "true"})
    done = run_cli("run", task, "--node-dir", node_dir, *args)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr


def test_a_missing_file_exits_2(node_dir: Path) -> None:
    done = run_cli("run", "nowhere.json", "--node-dir", node_dir, "--job-id", "j")
    assert (done.returncode, done.stderr) == (2, "Error: cannot read nowhere.json: No such file or directory\n")


# --- environment ---------------------------------------------------------------------------------------


def test_the_environment_is_a_nodes_not_yours(files_dir: Path, node_dir: Path) -> None:
    job = write_json(
        files_dir / "job.json",
        {
            "id": "j",
            "commonEnvironmentSettings": [{"name": "SHARED", "value": "job"}, {"name": "OVERRIDE", "value": "job"}],
            "jobPreparationTask": {
                "commandLine": ENV_DUMP,
                "environmentSettings": [{"name": "OVERRIDE", "value": "task"}],
            },
        },
    )
    done = run_cli(
        "run",
        job,
        "--node-dir",
        node_dir,
        "--pool-id",
        "p1",
        "--account-name",
        "acct",
        "--spot",
        env={"MY_DEV_SECRET": "x"},
    )
    assert done.returncode == 0, done.stderr
    wd = prep_dir(node_dir, "j") / "wd"
    env = env_of(wd / "env.txt")
    assert "MY_DEV_SECRET" not in env
    assert (env["SHARED"], env["OVERRIDE"]) == ("job", "task")
    assert env["AZ_BATCH_ACCOUNT_URL"] == "https://acct.local.batch.azure.com/"
    assert (env["AZ_BATCH_POOL_ID"], env["AZ_BATCH_NODE_IS_DEDICATED"]) == ("p1", "false")
    assert re.fullmatch(r"tvmps_[0-9a-f]{64}_p", env["AZ_BATCH_NODE_ID"])
    assert env["AZ_BATCH_TASK_ID"] == "jobpreparation" and env["AZ_BATCH_JOB_ID"] == "j"
    assert env["HOME"] == str(wd) and env["PATH"].endswith(f":{node_dir}/shared:{wd}")
    assert "AZ_BATCH_JOB_PREP_DIR" not in env and "AZ_BATCH_JOB_PREP_WORKING_DIR" not in env


@pytest.mark.parametrize(
    ("pool_info", "args", "pool"),
    [
        ({"poolId": "genomics"}, [], "genomics"),
        ({"poolId": "genomics"}, ["--pool-id", "mine"], "mine"),
        ({"poolId": "genomics"}, ["--pool-id", "local-pool"], "local-pool"),  # given, though it is the default
        ({"autoPoolSpecification": {"poolLifetimeOption": "job"}}, [], "local-pool"),  # the service names it
        (None, [], "local-pool"),
    ],
)
def test_the_pool_is_the_jobs_unless_the_option_says_otherwise(
    files_dir: Path, node_dir: Path, pool_info: dict[str, Any] | None, args: list[str], pool: str
) -> None:
    body: dict[str, Any] = {"id": "j", "jobPreparationTask": {"commandLine": ENV_DUMP}}
    if pool_info is not None:
        body["poolInfo"] = pool_info
    job = write_json(files_dir / "job.json", body)
    done = run_cli("run", job, "--node-dir", node_dir, "--node-id", "n1", "--format", "json", *args)
    assert done.returncode == 0, done.stderr
    assert env_of(prep_dir(node_dir, "j") / "wd" / "env.txt")["AZ_BATCH_POOL_ID"] == pool
    assert json.loads(done.stdout)["taskRootDirectoryUrl"].startswith(
        f"https://local.local.batch.azure.com/pools/{pool}/nodes/n1/files/"
    )


def test_a_pool_id_the_service_refuses_is_a_problem_of_the_file(files_dir: Path, node_dir: Path) -> None:
    job = write_json(files_dir / "job.json", {"id": "j", "poolInfo": {"poolId": "a/b"}, "jobPreparationTask": {"commandLine": "true"}})
    done = run_cli("run", job, "--node-dir", node_dir)
    assert done.returncode == 1
    assert f"{job}:1:26: /poolInfo/poolId: is not a Batch ID: letters A-Z and a-z" in done.stderr
    assert not node_dir.exists()


def test_inherit_env_brings_yours_in(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": ENV_DUMP})
    done = run_node(task, node_dir, "--inherit-env", env={"MY_DEV_VAR": "here"}, job="j")
    assert done.returncode == 0, done.stderr
    assert env_of(prep_dir(node_dir, "j") / "wd" / "env.txt")["MY_DEV_VAR"] == "here"


# --- the report and exit codes -----------------------------------------------------------------------------


def test_json_is_the_rest_body_of_the_execution_information(files_dir: Path, node_dir: Path) -> None:
    task = write_json(
        files_dir / "task.json",
        {"commandLine": "/bin/sh -c 'exit 7'", "id": "prep", "constraints": {"maxTaskRetryCount": 1}},
    )
    done = run_node(task, node_dir, "--format", "json", "--node-id", "n1", job="j")
    assert done.returncode == 1
    info = json.loads(done.stdout)
    assert list(info) == [
        "startTime",
        "endTime",
        "state",
        "taskRootDirectory",
        "taskRootDirectoryUrl",
        "exitCode",
        "failureInfo",
        "retryCount",
        "lastRetryTime",
        "result",
    ]
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"
    assert all(re.fullmatch(stamp, info[k]) for k in ("startTime", "endTime", "lastRetryTime"))
    assert (info["state"], info["result"], info["exitCode"], info["retryCount"]) == ("completed", "failure", 7, 1)
    assert info["taskRootDirectory"] == "workitems/j/job-1/prep"
    assert info["taskRootDirectoryUrl"] == (
        "https://local.local.batch.azure.com/pools/local-pool/nodes/n1/files/workitems/j/job-1/prep"
    )
    assert info["failureInfo"]["code"] == "FailureExitCode"
    # The same body comes back when the node does not run it again.
    again = run_node(task, node_dir, "--format", "json", "--node-id", "n1", job="j")
    assert (again.returncode, json.loads(again.stdout)) == (1, info)


def test_what_run_prints_as_json_is_read_by_status(files_dir: Path, node_dir: Path) -> None:
    job = write_json(
        files_dir / "job.json",
        {
            "id": "j",
            "poolInfo": {"poolId": "p"},
            "jobPreparationTask": {"commandLine": "/bin/sh -c 'exit 4'"},
            "jobReleaseTask": {"commandLine": "/bin/true"},
        },
    )
    alone = run_cli("run", job, "--node-dir", node_dir, "--format", "json", "--node-id", "n1")
    read = run_cli("status", "-", input=alone.stdout)
    assert read.returncode == 1, read.stderr
    assert read.stdout.splitlines()[1].split()[:5] == ["-", "completed", "failure", "4", "0"]  # no node ID in it
    assert read.stderr == "1 node: 1 with a failed task\n"
    with_release = run_cli("run", job, "--node-dir", node_dir, "--format", "json", "--node-id", "n1", "--release")
    read = run_cli("status", "-", input=with_release.stdout)
    assert read.returncode == 1, read.stderr
    row = read.stdout.splitlines()[1].split()
    assert row[:5] + row[6:] == ["n1", "completed", "failure", "4", "0", "completed", "success"]


def test_the_human_summary(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'exit 3'"})
    done = run_node(task, node_dir, job="j")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "preparation task 'jobpreparation' of job 'j': completed, failure"
    assert re.fullmatch(r"  exit code 3, 0 retries, \d+ ms", lines[1])
    assert (
        lines[2] == "  failure: FailureExitCode (usererror): the task process exited with an unexpected exit code (3)"
    )
    assert lines[3] == f"  output: {prep_dir(node_dir, 'j')}/stdout.txt (and stderr.txt beside it)"
    assert "\x1b[" not in done.stdout  # no colour in a pipe


def test_follow_puts_the_output_on_the_terminal(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'echo to-out; echo to-err >&2'"})
    done = run_node(task, node_dir, "--follow", job="j")
    assert done.stdout.startswith("to-out\n") and "to-err\n" in done.stderr
    as_json = run_node(task, node_dir, "--follow", "--format", "json", job="k")
    assert json.loads(as_json.stdout)["result"] == "success"  # stdout stays pure JSON
    assert "to-out" in as_json.stderr


def test_a_progress_bar_only_on_a_terminal(files_dir: Path, node_dir: Path, http: Any) -> None:
    url = http.add("/big.bin", b"x" * (2 << 20))
    task = write_json(
        files_dir / "task.json",
        {"commandLine": "true", "userIdentity": ADMIN, "resourceFiles": [{"httpUrl": url, "filePath": "big.bin"}]},
    )
    piped = run_node(task, node_dir, job="a")
    assert piped.returncode == 0 and "[#" not in piped.stderr + piped.stdout
    assert "resource files: 1 file (2.1 MB) in " in piped.stdout
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "batchprep", "run", str(task), "--node-dir", str(node_dir), "--job-id", "b"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    process.communicate(timeout=60)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    assert process.returncode == 0
    assert b"big.bin  [########################] 100%  2.1 MB of 2.1 MB" in seen


# --- beyond the node -------------------------------------------------------------------------------------


def test_check_idempotent_reports_what_changed(files_dir: Path, node_dir: Path) -> None:
    task = write_json(
        files_dir / "task.json", {"commandLine": "/bin/sh -c 'date +%N >> $AZ_BATCH_NODE_SHARED_DIR/log'"}
    )
    done = run_node(task, node_dir, "--check-idempotent", job="j")
    assert done.returncode == 0, done.stderr
    assert "run again on the same node, the preparation task succeeded" in done.stdout
    assert f"  {node_dir}/shared: changed by the second run:\n    ~ log\n" in done.stdout


def test_check_idempotent_fails_when_the_rerun_fails(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'mkdir $AZ_BATCH_NODE_SHARED_DIR/once'"})
    done = run_node(task, node_dir, "--check-idempotent", job="j")
    assert done.returncode == 1
    assert "run again on the same node, the preparation task failed" in done.stdout


def test_check_idempotent_labels_each_run_with_its_own_result_and_output(files_dir: Path, node_dir: Path) -> None:
    # Succeeds the first time, fails the second: each run must be reported as what it was.
    line = "/bin/sh -c 'test -e $AZ_BATCH_NODE_SHARED_DIR/once && { echo second; exit 3; }; touch $AZ_BATCH_NODE_SHARED_DIR/once; echo first'"
    task = write_json(files_dir / "task.json", {"commandLine": line})
    done = run_node(task, node_dir, "--check-idempotent", job="j")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    prep = prep_dir(node_dir, "j")
    assert lines[0] == "first run: preparation task 'jobpreparation' of job 'j': completed, success"
    assert re.fullmatch(r"  exit code 0, 0 retries, \d+ ms", lines[1])
    assert lines[2] == f"  output: {prep}/stdout.1.txt (and stderr.1.txt beside it)"
    assert lines[3] == "second run, as after a reboot: preparation task 'jobpreparation' of job 'j': completed, failure"
    assert re.fullmatch(r"  exit code 3, 0 retries, \d+ ms", lines[4])
    assert lines[5].startswith("  failure: FailureExitCode (usererror): ")
    assert lines[6] == f"  output: {prep}/stdout.txt (and stderr.txt beside it)"
    assert lines[7] == "run again on the same node, the preparation task failed"
    assert ((prep / "stdout.1.txt").read_text(), (prep / "stdout.txt").read_text()) == ("first\n", "second\n")
    # The JSON body is the node's latest run, as the service would report it.
    again = run_node(task, node_dir, "--check-idempotent", "--reimage", "--format", "json", job="j")
    assert json.loads(again.stdout)["exitCode"] == 3
    said = again.stderr.splitlines()
    assert said.index("first run: preparation task 'jobpreparation' of job 'j': completed, success") < said.index(
        "second run, as after a reboot: preparation task 'jobpreparation' of job 'j': completed, failure"
    )


def test_check_idempotent_shows_only_the_first_run_when_it_failed(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'exit 5'"})
    done = run_node(task, node_dir, "--check-idempotent", job="j")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "first run: preparation task 'jobpreparation' of job 'j': completed, failure"
    assert lines[-1] == "the first run failed: fix it before checking that it can run again"
    assert not any(line.startswith("second run") for line in lines)


def test_interrupt_after_kills_the_first_run_and_reruns(files_dir: Path, node_dir: Path) -> None:
    line = "/bin/sh -c 'test -e started && exit 0; touch started; sleep 20'"
    task = write_json(files_dir / "task.json", {"commandLine": line})
    done = run_node(task, node_dir, "--interrupt-after", "0.5", job="j")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the first run was interrupted part-way, as by a reboot, and the node ran the task again" in done.stdout
    lines = done.stdout.splitlines()
    assert lines[0] == "first run, interrupted as by a reboot: preparation task 'jobpreparation' of job 'j': running"
    assert "second run, as after a reboot: preparation task 'jobpreparation' of job 'j': completed, success" in lines


def test_task_runs_after_the_preparation_with_its_directories(files_dir: Path, node_dir: Path) -> None:
    job = write_json(files_dir / "job.json", {"id": "j", "jobPreparationTask": {"commandLine": ENV_DUMP}})
    done = run_cli("run", job, "--node-dir", node_dir, "--task", ENV_DUMP, "--task-id", "t1")
    assert done.returncode == 0, done.stderr
    assert "task 't1' of job 'j': completed, success" in done.stdout
    env = env_of(prep_dir(node_dir, "j", "t1") / "wd" / "env.txt")
    assert env["AZ_BATCH_JOB_PREP_DIR"] == str(prep_dir(node_dir, "j"))
    assert env["AZ_BATCH_JOB_PREP_WORKING_DIR"] == str(prep_dir(node_dir, "j") / "wd")
    assert env["AZ_BATCH_TASK_ID"] == "t1"


def test_no_task_after_a_failed_preparation_that_waits_for_success(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "false"})
    done = run_node(task, node_dir, "--task", "true", job="j")
    assert done.returncode == 2
    assert "waitForSuccess is true: Batch runs no task of this job here" in done.stderr
    lenient = write_json(files_dir / "lenient.json", {"commandLine": "false", "waitForSuccess": False})
    done = run_node(lenient, node_dir, "--task", "true", job="k")
    assert done.returncode == 1  # the preparation failed; the task ran and succeeded
    assert "task 'task-1' of job 'k': completed, success" in done.stdout


def test_release_runs_at_job_end_and_ends_the_job(files_dir: Path, node_dir: Path) -> None:
    job = write_json(
        files_dir / "job.json",
        {
            "id": "j",
            "jobPreparationTask": {"commandLine": "true"},
            "jobReleaseTask": {"commandLine": ENV_DUMP},
        },
    )
    done = run_cli("run", job, "--node-dir", node_dir, "--release", "--format", "json", "--node-id", "n1")
    assert done.returncode == 0, done.stderr
    item = json.loads(done.stdout)
    assert list(item) == [
        "poolId",
        "nodeId",
        "nodeUrl",
        "jobPreparationTaskExecutionInfo",
        "jobReleaseTaskExecutionInfo",
    ]
    assert item["nodeUrl"] == "https://local.local.batch.azure.com/pools/local-pool/nodes/n1"
    release = item["jobReleaseTaskExecutionInfo"]
    assert release["taskRootDirectory"] == "workitems/j/job-1/jobrelease"
    assert "retryCount" not in release and release["result"] == "success"
    env = env_of(prep_dir(node_dir, "j", "jobrelease") / "wd" / "env.txt")
    assert env["AZ_BATCH_JOB_PREP_WORKING_DIR"] == str(prep_dir(node_dir, "j") / "wd")
    again = run_cli("run", job, "--node-dir", node_dir)
    assert again.returncode == 2
    assert "job 'j' has ended on this node (its release task ran): use another --job-id, or --reimage" in again.stderr


def test_the_release_limit_defaults_to_15_minutes(tmp_path: Path) -> None:
    from batchprep.node import check_job_document

    found = check_job_document({"jobPreparationTask": {"commandLine": "a"}, "jobReleaseTask": {"commandLine": "b"}})
    assert found.document is not None and found.document.release is not None
    assert found.document.release.max_wall_clock_time.total_seconds() == 900
    assert found.document.release.id == "jobrelease"


def test_reboot_and_reimage_from_the_command_line(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "/bin/sh -c 'echo x >> $AZ_BATCH_NODE_SHARED_DIR/n'"})
    for flags in ([], [], ["--reboot"], ["--reimage"]):
        assert run_node(task, node_dir, *flags, job="j").returncode == 0
    assert (node_dir / "shared" / "n").read_text() == "x\n"  # wiped by the reimage, then one run
    again = run_node(task, node_dir, job="j")
    assert "(remembered by the node, not run now)" in again.stdout.splitlines()[0]


def test_help_has_examples() -> None:
    done = run_cli("run", "--help")
    assert done.returncode == 0 and "Examples:" in done.stdout and "--check-idempotent" in done.stdout


#: What `batchprep run` of a task without resource files has no use for: the behaviour rules and the
#: shell-script reader under them, the other commands, the schema, TOML settings, the HTTP and TLS
#: stack and the storage client (resource files only), the time parser strptime imports, and shutil
#: with the compression modules it imports (container engines and reimages only).
NOT_FOR_RUN = (
    "batchprep.lint.rules",
    "batchprep.cmdline.script",
    "batchprep.cmdline.shell",
    "batchprep.cli.check",
    "batchprep.cli.render",
    "batchprep.cli.rules",
    "batchprep.cli.schema",
    "batchprep.cli.status",
    "batchprep.schema",
    "jsonschema",
    "tomllib",
    "urllib.request",
    "http.client",
    "ssl",
    "azure.storage.blob",
    "_strptime",
    "shutil",
)


def test_run_imports_only_what_the_task_needs(files_dir: Path, node_dir: Path) -> None:
    task = write_json(files_dir / "task.json", {"commandLine": "true"})
    code = (
        "import sys\n"
        "from batchprep.cli import cli\n"
        f"code = cli.main({['run', str(task), '--node-dir', str(node_dir), '--job-id', 'j']!r}, standalone_mode=False)\n"
        f"print(code, [m for m in {NOT_FOR_RUN!r} if m in sys.modules])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "preparation task 'jobpreparation' of job 'j': completed, success"
    assert done.stdout.splitlines()[-1] == "0 []"
