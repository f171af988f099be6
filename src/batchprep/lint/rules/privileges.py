"""Commands that need root, in a task that does not run elevated.

Without `userIdentity.autoUser.elevationLevel: admin` a Linux preparation task runs as a non-admin
user of the pool: package managers, `systemctl` and `docker` fail with "Permission denied", and
`sudo` asks for a password nobody types. A task run as a named user (`userIdentity.username`) may
or may not be an admin — that is the pool's business — so the rule stays silent then; it is silent
too for shells that run inside another program (`docker run image sh -c ...`).
"""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.cmdline.shell import program_name
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register

__all__ = ["PrivilegedWithoutAdmin"]

_WRITES = frozenset(
    {"install", "remove", "purge", "upgrade", "dist-upgrade", "full-upgrade", "update", "autoremove", "reinstall"}
    | {"add", "del", "in", "rm", "up", "ref", "refresh", "dup", "erase", "groupinstall", "localinstall", "fix"}
    | {"build-dep", "clean", "autoclean", "makecache", "mark", "-i", "-U", "-e"}
)
_PACKAGE_MANAGERS = frozenset({"apt-get", "apt", "aptitude", "yum", "dnf", "zypper", "apk", "tdnf", "rpm", "dpkg"})
_SYSTEMCTL_READS = frozenset(
    {"status", "is-active", "is-enabled", "is-failed", "list-units", "show", "cat", "--version"}
)
_ACCOUNTS = frozenset({"useradd", "adduser", "groupadd", "addgroup", "usermod", "userdel", "chpasswd"})


def needs_root(argv: list[str]) -> str | None:
    """What a command does that needs root, in words, or `None`."""
    if not argv:
        return None
    name = program_name(argv[0])
    rest = [a for a in argv[1:] if not a.startswith("-") or a in ("-i", "-U", "-e")]
    if name in _PACKAGE_MANAGERS:
        if name == "dpkg":
            writes = any(a in ("-i", "--install", "-r", "--remove", "-P", "--purge", "--configure") for a in argv[1:])
        elif name == "rpm":
            writes = any(
                a.startswith(("-i", "-U", "-e", "-F")) or a in ("--install", "--upgrade", "--erase") for a in argv[1:]
            )
        else:
            writes = bool(rest) and rest[0] in _WRITES
        return f"{name} {rest[0] if rest else argv[1]}" if writes else None
    if name == "systemctl":
        if rest and rest[0] not in _SYSTEMCTL_READS and "--user" not in argv:
            return f"systemctl {rest[0]}"
        return None
    if name in ("service", "modprobe", "mount", "umount", "snap") and len(argv) > 1 and "--help" not in argv:
        return name
    if name in _ACCOUNTS:
        return name
    if name == "docker" and len(argv) > 1:  # podman runs without root
        if argv[1] in ("--version", "-v", "--help", "help"):
            return None
        return f"docker {argv[1]}"
    return None


@register
class PrivilegedWithoutAdmin(Rule):
    code = "BP303"
    name = "privileged-without-admin"
    severity = "warning"
    summary = "apt-get, yum, sudo, systemctl, docker... in a task that does not run as an admin"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if task.is_admin is not False or task.task.container_settings is not None:
            return
        for use in task.commands:
            if use.view is not None and use.view.elsewhere:
                continue
            wrappers = use.argv[: len(use.argv) - len(use.program)]
            if any(program_name(w) == "sudo" for w in wrappers):
                yield Hit(
                    "/commandLine",
                    "sudo: the task runs as a non-admin user, who may not use sudo (it asks for a password "
                    "nobody types); set userIdentity.autoUser.elevationLevel: admin and leave sudo out",
                    use.offset,
                )
                continue
            what = needs_root(use.program)
            if what is not None:
                yield Hit(
                    "/commandLine",
                    f"{what} needs root: the task runs as a non-admin user (no userIdentity.autoUser.elevationLevel:"
                    " admin), so it fails with 'Permission denied'",
                    use.offset,
                )
