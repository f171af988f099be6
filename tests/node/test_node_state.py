"""Node state: what the node remembers per job, reboots, reimages, interrupted runs, idempotence."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ADMIN, ROOT, write_json

from batchprep import JobPreparationTask
from batchprep.node import Node, NodeError, RunOptions

#: Counts its runs in the shared directory.
COUNT = "/bin/sh -c 'echo run >> $AZ_BATCH_NODE_SHARED_DIR/runs'"


def task(command_line: str = COUNT, **body: Any) -> JobPreparationTask:
    return JobPreparationTask.deserialize({"commandLine": command_line, "userIdentity": ADMIN, **body})


def runs(node_dir: Path) -> int:
    counted = node_dir / "shared" / "runs"
    return len(counted.read_text().splitlines()) if counted.exists() else 0


def test_a_task_that_succeeded_is_not_run_again(node_dir: Path) -> None:
    notes: list[str] = []
    node = Node(node_dir, options=RunOptions(notify=notes.append))
    first = node.prepare(task(), "job")
    second = Node(node_dir, options=RunOptions(notify=notes.append)).prepare(task(), "job")
    assert (first.ran, second.ran, runs(node_dir)) == (True, False, 1)
    assert second.info == first.info
    assert notes == [f"the preparation task already succeeded on this node ({first.info['endTime']}): not run again"]
    # Another job is another matter.
    assert node.prepare(task(), "other-job").ran and runs(node_dir) == 2


def test_a_failed_task_is_not_run_again_until_a_reimage(node_dir: Path) -> None:
    notes: list[str] = []
    node = Node(node_dir, options=RunOptions(notify=notes.append))
    failing = task("/bin/sh -c 'echo run >> $AZ_BATCH_NODE_SHARED_DIR/runs; exit 1'")
    node.prepare(failing, "job")
    again = node.prepare(failing, "job")
    assert (again.ran, again.info["result"], runs(node_dir)) == (False, "failure", 1)
    assert "the node takes no task of this job until it is reimaged (--reimage runs it again)" in notes[-1]
    node.reimage()
    assert not (node_dir / "shared" / "runs").exists()  # wiped
    assert node.prepare(failing, "job").ran


@pytest.mark.parametrize(("rerun", "expected"), [(None, 2), (True, 2), (False, 1)])
def test_a_reboot_reruns_a_successful_task_unless_told_not_to(
    node_dir: Path, rerun: bool | None, expected: int
) -> None:
    extra = {} if rerun is None else {"rerunOnNodeRebootAfterSuccess": rerun}
    node = Node(node_dir)
    node.prepare(task(**extra), "job")
    node.reboot()
    node.prepare(task(**extra), "job")
    assert runs(node_dir) == expected
    node.prepare(task(**extra), "job")  # one reboot, one rerun at most
    assert runs(node_dir) == expected


def test_a_reboot_after_a_failure_follows_the_setting_too(node_dir: Path) -> None:
    failing = "/bin/sh -c 'echo run >> $AZ_BATCH_NODE_SHARED_DIR/runs; exit 1'"
    node = Node(node_dir)
    node.prepare(task(failing, rerunOnNodeRebootAfterSuccess=False), "no-rerun")
    node.prepare(task(failing), "rerun")
    node.reboot()
    assert node.prepare(task(failing, rerunOnNodeRebootAfterSuccess=False), "no-rerun").ran is False
    assert node.prepare(task(failing), "rerun").ran is True
    assert runs(node_dir) == 3


def test_a_reboot_during_the_task_reruns_it_whatever_the_setting(node_dir: Path) -> None:
    node = Node(node_dir)
    slow = task(
        "/bin/sh -c 'echo run >> $AZ_BATCH_NODE_SHARED_DIR/runs; sleep 30'", rerunOnNodeRebootAfterSuccess=False
    )
    interrupted = node.prepare(slow, "job", interrupt_after=0.5)
    assert interrupted.info["state"] == "running" and "endTime" not in interrupted.info
    assert node.record("job")["state"] == "running"  # type: ignore[index]
    quick = task(rerunOnNodeRebootAfterSuccess=False)
    done = node.prepare(quick, "job")
    assert done.ran and done.succeeded and runs(node_dir) == 2


def test_batchprep_killed_mid_run_leaves_a_task_that_runs_again(files_dir: Path, node_dir: Path) -> None:
    body = {"commandLine": "/bin/sh -c 'echo run >> $AZ_BATCH_NODE_SHARED_DIR/runs; sleep 30'", "userIdentity": ADMIN}
    path = write_json(files_dir / "slow.json", body)
    running = subprocess.Popen(
        [sys.executable, "-m", "batchprep", "run", str(path), "--node-dir", str(node_dir), "--job-id", "job"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while runs(node_dir) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    running.send_signal(signal.SIGINT)  # Ctrl-C: batchprep kills the task's process group and says so
    _, err = running.communicate(timeout=30)
    assert running.returncode == 130
    assert b"interrupted: the task did not complete; the next run on this node runs it again" in err
    state = json.loads((node_dir / "volatile" / "batchprep" / "node.json").read_text())
    assert state["jobs"]["job"]["preparation"]["info"]["state"] == "running"
    notes: list[str] = []
    Node(node_dir, options=RunOptions(notify=notes.append)).prepare(task(), "job")
    assert notes[0] == "the last run did not complete (interrupted, or batchprep was stopped): it runs again"
    assert runs(node_dir) == 2


def test_the_node_notices_a_changed_task(node_dir: Path) -> None:
    notes: list[str] = []
    node = Node(node_dir, options=RunOptions(notify=notes.append))
    node.prepare(task(), "job")
    node.prepare(task(COUNT + " "), "job")
    assert notes[-1] == "the task has changed since that run: --reimage (or --reboot) runs the new one"


def test_a_directory_that_is_not_a_node_is_never_taken_over(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(NodeError, match="is not empty and is not a batchprep node"):
        Node(tmp_path).reimage()
    with pytest.raises(NodeError, match="is not empty and is not a batchprep node"):
        Node(tmp_path).prepare(task(), "job")
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_two_runs_cannot_share_a_node(node_dir: Path) -> None:
    node = Node(node_dir)
    with node._state(), pytest.raises(NodeError, match="another batchprep run is using the node"):
        Node(node_dir).prepare(task(), "job")


def test_the_layout_is_a_linux_node(node_dir: Path) -> None:
    Node(node_dir).prepare(task(), "job")
    top = sorted(p.name for p in node_dir.iterdir())
    assert top == ["applications", "fsmounts", "shared", "startup", "volatile", "workitems"]
    assert (node_dir / "startup" / "wd").is_dir()
    prep = node_dir / "workitems" / "job" / "job-1" / "jobpreparation"
    assert sorted(p.name for p in prep.iterdir()) == ["certs", "stderr.txt", "stdout.txt", "wd"]


# --- idempotence -------------------------------------------------------------------------------------


def test_an_idempotent_task_runs_again_without_changes(node_dir: Path) -> None:
    good = task(
        "/bin/sh -c 'mkdir -p $AZ_BATCH_NODE_SHARED_DIR/data && echo v1 > $AZ_BATCH_NODE_SHARED_DIR/data/v'",
        rerunOnNodeRebootAfterSuccess=False,
    )
    found = Node(node_dir).check_idempotent(good, "job")
    assert found.ok and not found.interrupted
    assert [c.none for c in found.changes] == [True, True]


def test_a_task_that_is_not_idempotent_is_caught(node_dir: Path) -> None:
    bad = task("/bin/sh -c 'mkdir $AZ_BATCH_NODE_SHARED_DIR/data && date +%N > stamp'")
    found = Node(node_dir).check_idempotent(bad, "job")
    assert not found.ok  # mkdir fails the second time
    assert found.second is not None and found.second.info["failureInfo"]["code"] == "FailureExitCode"
    working, _shared = found.changes
    assert (working.added, working.removed, working.changed) == ([], [], [])  # the failing run wrote nothing


def test_changes_are_listed(node_dir: Path) -> None:
    appending = task("/bin/sh -c 'echo line >> log; rm -f new-*; touch new-$(date +%s%N)'")
    found = Node(node_dir).check_idempotent(appending, "job")
    assert found.ok
    working = found.changes[0]
    assert working.changed == ["log"] and len(working.added) == 1 and len(working.removed) == 1


def test_an_interrupted_first_run_must_recover(node_dir: Path) -> None:
    # Writes a "done" marker only at the very end; a rerun that finds a half-written file must cope.
    line = "/bin/sh -c 'echo partial > out.tmp; sleep 2; mv out.tmp out; echo done > $AZ_BATCH_NODE_SHARED_DIR/done'"
    found = Node(node_dir).check_idempotent(task(line), "job", interrupt_after=0.5)
    assert found.interrupted and found.ok
    assert found.first.info["state"] == "running"
    assert (node_dir / "shared" / "done").read_text() == "done\n"
