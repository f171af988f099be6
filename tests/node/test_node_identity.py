"""Identity: run as root here, a non-admin task runs as an unprivileged account, for real."""

from __future__ import annotations

import os
import pwd
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ADMIN

from batchprep import JobPreparationTask
from batchprep.node import Node, NodeError, RunOptions
from batchprep.node.identity import choose_account

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="switching accounts needs root (the suite runs as root in CI)"
)


def prepare(node_dir: Path, command_line: str, identity: dict[str, Any] | None = None, **options: Any) -> Any:
    body: dict[str, Any] = {"commandLine": command_line}
    if identity is not None:
        body["userIdentity"] = identity
    return Node(node_dir, options=RunOptions(**options)).prepare(JobPreparationTask.deserialize(body), "job")


@pytest.fixture
def root_only(node_dir: Path) -> Path:
    """A directory only root may write to, as /etc or /opt are on a node."""
    place = node_dir.parent / "root-only"
    place.mkdir(mode=0o755)
    return place


@pytest.mark.parametrize(
    "identity", [None, {"autoUser": {"scope": "pool"}}, {"autoUser": {"elevationLevel": "nonadmin"}}]
)
def test_a_non_admin_task_runs_unprivileged_and_cannot_write_where_root_can(
    node_dir: Path, root_only: Path, identity: dict[str, Any] | None
) -> None:
    result = prepare(node_dir, f"/bin/sh -c 'id -u; touch {root_only}/made'", identity)
    assert result.info["result"] == "failure"
    assert result.info["failureInfo"]["code"] == "FailureExitCode"
    assert result.directories.stdout.read_text() == f"{pwd.getpwnam('nobody').pw_uid}\n"
    assert "Permission denied" in result.directories.stderr.read_text()
    assert not (root_only / "made").exists()


def test_an_admin_task_runs_as_root(node_dir: Path, root_only: Path) -> None:
    result = prepare(node_dir, f"/bin/sh -c 'id -u; touch {root_only}/made'", ADMIN)
    assert result.succeeded
    assert result.directories.stdout.read_text() == "0\n"
    assert (root_only / "made").exists()


def test_the_variables_keep_the_node_account_names(node_dir: Path) -> None:
    line = "/bin/sh -c 'echo $USER $AZ_BATCH_TASK_USER $AZ_BATCH_TASK_USER_IDENTITY'"
    assert prepare(node_dir, line).directories.stdout.read_text() == "_azbatch _azbatch PoolNonAdmin\n"
    admin = prepare(node_dir.parent / "admin-node", line, {"autoUser": {"scope": "task", "elevationLevel": "admin"}})
    assert admin.directories.stdout.read_text() == "_azbatch _azbatch TaskAdmin\n"


def test_the_non_admin_task_owns_its_directories_and_can_write_the_shared_one(node_dir: Path) -> None:
    result = prepare(node_dir, "/bin/sh -c 'touch here $AZ_BATCH_NODE_SHARED_DIR/there'")
    assert result.succeeded, result.directories.stderr.read_text()
    nobody = pwd.getpwnam("nobody").pw_uid
    assert {
        result.directories.working.stat().st_uid,
        (result.directories.working / "here").stat().st_uid,
        (node_dir / "shared" / "there").stat().st_uid,
    } == {nobody}


def test_a_strict_umask_does_not_shut_the_account_out(node_dir: Path) -> None:
    previous = os.umask(0o077)
    try:
        result = prepare(node_dir, "/bin/sh -c 'touch here $AZ_BATCH_NODE_SHARED_DIR/there'")
    finally:
        os.umask(previous)
    assert result.succeeded, result.directories.stderr.read_text()
    assert oct((node_dir / "workitems").stat().st_mode & 0o777) == "0o755"


def test_another_non_admin_account_can_be_named(node_dir: Path) -> None:
    daemon = pwd.getpwnam("daemon")
    result = prepare(node_dir, "/usr/bin/id -u", nonadmin_account="daemon")
    assert result.directories.stdout.read_text() == f"{daemon.pw_uid}\n"


def test_a_missing_account_is_an_environment_error(node_dir: Path) -> None:
    with pytest.raises(NodeError, match="there is no local account 'no-such-account-here' to run non-admin tasks as"):
        prepare(node_dir, "/bin/true", nonadmin_account="no-such-account-here")
    with pytest.raises(NodeError, match="--nonadmin-user 'root' is root"):
        prepare(node_dir, "/bin/true", nonadmin_account="root")


def test_a_node_directory_the_account_cannot_reach_is_an_environment_error(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    with pytest.raises(NodeError) as caught:
        prepare(closed / "node", "/bin/true")
    assert "the non-admin account 'nobody' cannot enter" in str(caught.value)
    assert "choose a --node-dir it can reach" in str(caught.value)


def test_without_root_an_admin_task_says_what_cannot_be_emulated(monkeypatch: pytest.MonkeyPatch) -> None:
    # The one place this file pretends: to be an ordinary user, without becoming one.
    from batchprep.models import AutoUserSpecification, UserIdentity

    monkeypatch.setattr(os, "geteuid", lambda: 65534)
    account = choose_account(UserIdentity(auto_user=AutoUserSpecification(elevation_level="admin")))
    assert account.notes == ("admin rights cannot be emulated without root: the task ran as you",)
    assert account.uid is None and account.admin
    assert choose_account(None).notes == () and choose_account(None).uid is None
