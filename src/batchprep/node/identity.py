"""Stage 4, identity: which account the task's process runs as.

On a Linux node a task without `elevationLevel: admin` runs as an unprivileged pool account
(`_azbatch`); with it, with root's rights. Locally:

- batchprep runs as root and the task is not admin: the process runs as an unprivileged local account
  (`nobody` unless told otherwise), so a task that needs root fails here as it would on the pool. Its
  directories and downloaded files belong to that account.
- batchprep runs as root and the task is admin: the process runs as root.
- batchprep does not run as root: the process runs as the caller; an admin task gets a note that
  root's rights cannot be emulated.

The variables keep the node's names whatever the local account: `USER` and `AZ_BATCH_TASK_USER` are
`_azbatch`, and `AZ_BATCH_TASK_USER_IDENTITY` is `PoolNonAdmin`, `PoolAdmin`, `TaskNonAdmin` or
`TaskAdmin`.
"""

from __future__ import annotations

import os
import pwd
import stat
from pathlib import Path

from batchprep.models import UserIdentity
from batchprep.node._records import Record
from batchprep.node.layout import AUTO_USER_NAME

__all__ = ["Account", "IdentityError", "choose_account", "reachable"]

DEFAULT_NONADMIN_ACCOUNT = "nobody"


class IdentityError(Exception):
    """The account to run as cannot be used here (exit 2: an environment problem, not the task's)."""


class Account(Record):
    """The account a task runs as.

    Attributes:
        uid: The local uid to switch to, or `None` to run as batchprep itself.
        gid: The local gid to switch to.
        local_name: The local account's name, for messages.
        admin: Whether the task asked for admin rights.
        task_user: `AZ_BATCH_TASK_USER` and `USER`.
        identity: `AZ_BATCH_TASK_USER_IDENTITY`.
        notes: What could not be emulated, for the summary.
    """

    uid: int | None
    gid: int | None
    local_name: str
    admin: bool
    task_user: str
    identity: str
    notes: tuple[str, ...]

    __slots__ = ("admin", "gid", "identity", "local_name", "notes", "task_user", "uid")

    def __init__(
        self,
        uid: int | None,
        gid: int | None,
        local_name: str,
        admin: bool,
        task_user: str,
        identity: str,
        notes: tuple[str, ...] = (),
    ) -> None:
        self.uid = uid
        self.gid = gid
        self.local_name = local_name
        self.admin = admin
        self.task_user = task_user
        self.identity = identity
        self.notes = notes

    @property
    def switches(self) -> bool:
        return self.uid is not None


def _local(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        raise IdentityError(
            f"there is no local account {name!r} to run non-admin tasks as: create it, or name another "
            "with --nonadmin-user"
        ) from None


def choose_account(identity: UserIdentity | None, *, nonadmin_account: str = DEFAULT_NONADMIN_ACCOUNT) -> Account:
    """The account for a task with this `userIdentity`.

    Args:
        identity: The task's `userIdentity`; `None` is a non-admin pool auto-user.
        nonadmin_account: The local account non-admin tasks run as when batchprep runs as root.

    Raises:
        IdentityError: batchprep runs as root and `nonadmin_account` does not exist.
    """
    notes: list[str] = []
    auto = identity.auto_user if identity is not None else None
    admin = bool(auto is not None and str(getattr(auto.elevation_level, "value", auto.elevation_level)) == "admin")
    scope = str(getattr(auto.scope, "value", auto.scope)) if auto is not None and auto.scope is not None else "pool"
    task_user = AUTO_USER_NAME
    label = f"{'Task' if scope == 'task' else 'Pool'}{'Admin' if admin else 'NonAdmin'}"
    if identity is not None and identity.user_name:
        task_user = label = identity.user_name
        notes.append(
            f"the pool's user account {identity.user_name!r} is not emulated (its elevation level is set on the "
            "pool): the task ran as a non-admin account"
        )
    root = os.geteuid() == 0
    if admin:
        if not root:
            notes.append("admin rights cannot be emulated without root: the task ran as you")
        me = pwd.getpwuid(os.geteuid()).pw_name
        return Account(None, None, me, True, task_user, label, tuple(notes))
    if not root:
        return Account(None, None, pwd.getpwuid(os.geteuid()).pw_name, False, task_user, label, tuple(notes))
    entry = _local(nonadmin_account)
    if entry.pw_uid == 0:
        raise IdentityError(f"--nonadmin-user {nonadmin_account!r} is root: name an unprivileged account")
    return Account(entry.pw_uid, entry.pw_gid, nonadmin_account, False, task_user, label, tuple(notes))


def _can_enter(info: os.stat_result, uid: int, gid: int) -> bool:
    if info.st_uid == uid:
        return bool(info.st_mode & stat.S_IXUSR)
    if info.st_gid == gid:
        return bool(info.st_mode & stat.S_IXGRP)
    return bool(info.st_mode & stat.S_IXOTH)


def reachable(path: Path, account: Account) -> None:
    """Check that `account` can reach `path` through every directory above it.

    Raises:
        IdentityError: A directory above `path` bars the account, with which one and what to do.
    """
    if not account.switches:
        return
    assert account.uid is not None and account.gid is not None
    for directory in reversed(path.resolve().parents):
        if not _can_enter(directory.stat(), account.uid, account.gid):
            raise IdentityError(
                f"the non-admin account {account.local_name!r} cannot enter {directory} (mode "
                f"{stat.S_IMODE(directory.stat().st_mode):04o}), so it cannot reach the node directory {path}: "
                "choose a --node-dir it can reach (under /tmp or /var/tmp), or let it in (chmod o+x)"
            )
