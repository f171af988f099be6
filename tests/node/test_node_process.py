"""The process stage: splitting, executing without a shell, output files, retries, the wall-clock limit."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from node_helpers import ADMIN

from batchprep import JobPreparationTask
from batchprep.node import Node, RunOptions
from batchprep.node.process import CommandLineError, split_command_line


def task(command_line: str, **body: object) -> JobPreparationTask:
    return JobPreparationTask.deserialize({"commandLine": command_line, "userIdentity": ADMIN, **body})


# --- splitting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "args"),
    [
        ("/bin/echo $HOME ~ *.txt", ["/bin/echo", "$HOME", "~", "*.txt"]),
        ("/bin/bash -c 'set -e; echo a && echo b'", ["/bin/bash", "-c", "set -e; echo a && echo b"]),
        ('run "two words" three\\ four', ["run", "two words", "three four"]),
        ("a 'b''c' \"d\\\"e\"", ["a", "bc", 'd"e']),
        ("prog # not a comment", ["prog", "#", "not", "a", "comment"]),
    ],
)
def test_split_is_posix_without_expansion(line: str, args: list[str]) -> None:
    assert split_command_line(line) == args


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/bin/sh -c 'echo", "cannot be split into arguments: unbalanced quotes: the single quote (') at column 12 is never closed"),
        ("   ", "has nothing to run"),
    ],
)
def test_split_refuses_what_cannot_run(line: str, message: str) -> None:
    with pytest.raises(CommandLineError) as caught:
        split_command_line(line)
    assert str(caught.value) == message


def test_a_backslash_at_the_end_is_a_word_as_a_shell_reads_it() -> None:
    # dash and bash give `echo` a lone backslash here too: the node's splitting is batchprep check's.
    assert split_command_line("echo \\") == ["echo", "\\"]


# --- running ------------------------------------------------------------------------------------------


def test_no_shell_runs_the_command_literally(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("/bin/echo $AZ_BATCH_JOB_ID '*' && true"), "job")
    assert result.succeeded
    assert result.directories.stdout.read_text() == "$AZ_BATCH_JOB_ID * && true\n"


def test_stdout_and_stderr_land_in_the_task_directory(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("/bin/sh -c 'echo out; echo err >&2; pwd'"), "job")
    task_dir = node_dir / "workitems" / "job" / "job-1" / "jobpreparation"
    assert result.directories.task == task_dir
    assert (task_dir / "stdout.txt").read_text() == f"out\n{task_dir / 'wd'}\n"
    assert (task_dir / "stderr.txt").read_text() == "err\n"
    assert not (task_dir / "wd" / "stdout.txt").exists()


def test_a_script_in_the_working_directory_runs_by_bare_name(node_dir: Path) -> None:
    # PATH ends with the working directory, as on a node.
    prepared = task("/bin/sh -c 'printf \"#!/bin/sh\\necho found me\\n\" > tool.sh && chmod +x tool.sh && tool.sh'")
    result = Node(node_dir).prepare(prepared, "job")
    assert result.succeeded, result.info
    assert result.directories.stdout.read_text() == "found me\n"


def test_a_missing_program_is_command_program_not_found(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("no-such-program --flag"), "job")
    failure = result.info["failureInfo"]
    assert (result.info["state"], result.info["result"], failure["code"], failure["category"]) == (
        "completed",
        "failure",
        "CommandProgramNotFound",
        "usererror",
    )
    assert "exitCode" not in result.info
    assert failure["message"].startswith("the program 'no-such-program' was not found")
    assert result.info["retryCount"] == 0


def test_a_file_that_is_not_executable_is_command_launch_failed(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("/etc/hostname", constraints={"maxTaskRetryCount": 3}), "job")
    assert result.info["failureInfo"]["code"] == "CommandLaunchFailed"
    assert result.info["retryCount"] == 0  # a launch failure is not retried: only exit codes are


def test_non_zero_exits_are_retried_in_the_same_directory_and_every_output_is_kept(node_dir: Path) -> None:
    # Fails twice, then succeeds: counts its attempts in a file of the working directory.
    line = "/bin/sh -c 'echo x >> count; n=$(wc -l < count); echo attempt $n; test $n -ge 3'"
    result = Node(node_dir).prepare(task(line, constraints={"maxTaskRetryCount": 5}), "job")
    assert result.succeeded
    assert (result.info["retryCount"], result.info["exitCode"]) == (2, 0)
    assert "lastRetryTime" in result.info
    assert [a.exit_code for a in result.attempts] == [1, 1, 0]
    task_dir = result.directories.task
    assert [(task_dir / f"stdout.{n}.txt").read_text() for n in (1, 2)] == ["attempt 1\n", "attempt 2\n"]
    assert (task_dir / "stdout.txt").read_text() == "attempt 3\n"


def test_retries_end_at_max_task_retry_count(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("/bin/sh -c 'exit 3'", constraints={"maxTaskRetryCount": 2}), "job")
    assert (result.info["result"], result.info["exitCode"], result.info["retryCount"]) == ("failure", 3, 2)
    assert result.info["failureInfo"] == {
        "category": "usererror",
        "code": "FailureExitCode",
        "message": "the task process exited with an unexpected exit code (3) after 2 retries",
        "details": [{"name": "Message", "value": "the command exited with 3"}],
    }
    assert len(result.attempts) == 3


def test_no_retry_by_default(node_dir: Path) -> None:
    result = Node(node_dir).prepare(task("/bin/false"), "job")
    assert (result.info["retryCount"], len(result.attempts)) == (0, 1)
    assert "lastRetryTime" not in result.info


def test_unlimited_retries_stop_at_the_cap_with_a_note(node_dir: Path) -> None:
    notes: list[str] = []
    node = Node(node_dir, options=RunOptions(unlimited_retry_cap=3, notify=notes.append))
    result = node.prepare(task("/bin/false", constraints={"maxTaskRetryCount": -1}), "job")
    assert (result.info["retryCount"], len(result.attempts), result.capped) == (3, 4, True)
    assert notes[-1] == "maxTaskRetryCount is -1 (retry without limit): stopped after 3 retries here (--retry-cap)"


def test_the_wall_clock_limit_kills_a_tree_that_ignores_sigterm(node_dir: Path) -> None:
    # A parent and a background child, both ignoring SIGTERM; the child writes its pid first.
    line = '/bin/sh -c \'trap "" TERM; (trap "" TERM; echo $$ > /dev/null; sleep 30) & echo $! > child.pid; sleep 30\''
    started = time.monotonic()
    result = Node(node_dir).prepare(task(line, constraints={"maxWallClockTime": "PT1S", "maxTaskRetryCount": 3}), "job")
    assert time.monotonic() - started < 15
    info = result.info
    assert (info["state"], info["result"], info["failureInfo"]["code"]) == ("completed", "failure", "TaskEnded")
    assert info["exitCode"] == 137  # 128 + SIGKILL
    assert info["retryCount"] == 0  # the limit covers the task, retries included: none follows
    child = int((result.directories.working / "child.pid").read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child), "the child in the task's process group survived the limit"


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_follow_streams_output_while_it_runs(node_dir: Path) -> None:
    seen: list[tuple[str, bytes, float]] = []
    node = Node(node_dir, options=RunOptions(follow=lambda stream, data: seen.append((stream, data, time.monotonic()))))
    started = time.monotonic()
    result = node.prepare(task("/bin/sh -c 'echo first; sleep 1; echo second >&2'"), "job")
    assert result.succeeded
    assert b"".join(d for s, d, _ in seen if s == "stdout") == b"first\n"
    assert b"".join(d for s, d, _ in seen if s == "stderr") == b"second\n"
    first_at = next(t for s, d, t in seen if d == b"first\n")
    assert first_at - started < 0.9  # shown before the task ended, not after


def test_a_background_process_does_not_hold_the_run(node_dir: Path) -> None:
    # A preparation task that starts a service for the job's tasks: the run ends when the command does.
    started = time.monotonic()
    node = Node(node_dir)
    result = node.prepare(task("/bin/sh -c 'sleep 30 & echo started'"), "job")
    assert result.succeeded and time.monotonic() - started < 10
    # A reboot ends what the node's tasks left running.
    assert node.reboot() == ["ended 1 process group the tasks had left running"]
