"""Commands that fail when the task runs a second time on the same node.

A preparation task runs again on a node after a reboot (unless `rerunOnNodeRebootAfterSuccess` is
false), after a reboot while it ran, and on a retry, which reuses the same task directory; a
release task runs again when the node reboots while it runs. The
directories and users it created are still there then: `mkdir data` fails with "File exists",
`git clone` refuses a directory that is not empty, `ln -s` refuses an existing link, `useradd` an
existing user. Commands whose failure the script handles (`[ -d x ] || git clone ...`, `if`,
`|| true`) and those after an `rm -rf` of the same path are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.cmdline.shell import program_name
from batchprep.lint.rules._context import CommandUse, ScriptView, TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register
from batchprep.lint.rules._text import excerpt

__all__ = ["NotIdempotent"]

_GIT_VALUES = frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"})
_CLONE_VALUES = frozenset({"-b", "--branch", "-o", "--origin", "--depth", "-c", "--config", "--reference", "-u", "-j"})


def _flags(argv: list[str]) -> set[str]:
    """The short flags (letters) and long options of an argv, up to `--`."""
    found: set[str] = set()
    for word in argv[1:]:
        if word == "--":
            break
        if word.startswith("--"):
            found.add(word.split("=", 1)[0])
        elif word.startswith("-") and len(word) > 1:
            found.update(word[1:])
    return found


def _operands(argv: list[str], with_values: frozenset[str] = frozenset()) -> list[str]:
    out: list[str] = []
    skip = False
    for word in argv[1:]:
        if skip:
            skip = False
        elif word.startswith("-") and len(word) > 1:
            skip = word in with_values
        else:
            out.append(word)
    return out


def problem(argv: list[str]) -> tuple[str, str, list[str]] | None:
    """What is already there when a command runs again, how to fix it, and the paths it creates."""
    name = program_name(argv[0]) if argv else ""
    flags = _flags(argv)
    if name == "mkdir" and not ({"p", "--parents"} & flags):
        return "the directory is there already", "use mkdir -p", _operands(argv, frozenset({"-m"}))
    if name == "ln" and not ({"f", "--force", "b", "--backup"} & flags):
        operands = _operands(argv, frozenset({"-t", "--target-directory", "-S", "--suffix"}))
        return "the link is there already", "use ln -sf (ln -sfn for a directory)", operands[-1:]
    if name == "git":
        rest = _operands(argv, _GIT_VALUES)
        if rest[:1] == ["clone"]:
            operands = _operands(argv[argv.index("clone") :], _CLONE_VALUES)
            if len(operands) > 1:
                target = operands[1]
            else:  # the directory git derives from the repository's URL
                target = operands[0].rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") if operands else ""
            return "the directory is there and not empty", "guard it: [ -d dir ] || git clone ...", [target]
    if name in ("useradd", "adduser", "groupadd", "addgroup"):
        return "the account exists already", f"guard it: id -u name || {name} ...", []
    return None


def _removed(view: ScriptView | None, uses: list[CommandUse], before: CommandUse) -> set[str]:
    """Paths that an `rm -r` of the same script removes before `before` runs."""
    gone: set[str] = set()
    for use in uses:
        if use is before:
            break
        argv = use.program
        if use.view is view and argv and program_name(argv[0]) == "rm" and {"r", "R", "--recursive"} & _flags(argv):
            gone.update(p.rstrip("/") for p in _operands(argv))
    return gone


@register
class NotIdempotent(Rule):
    code = "BP304"
    name = "not-idempotent"
    severity = "warning"
    summary = "mkdir without -p, git clone, ln without -f, useradd: commands that fail when the task runs again"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if not task.reruns:
            return
        reboot = task.reruns_after_reboot
        if task.kind == "release":
            when = "if the node reboots while it runs"
        else:
            when = "after a reboot" if reboot else "on a retry, in the same directory"
        uses = task.commands
        for use in uses:
            if use.handled or (use.view is not None and use.view.elsewhere):
                continue
            found = problem(use.program)
            if found is None:
                continue
            there, fix, paths = found
            if paths and all(p.rstrip("/") in _removed(use.view, uses, use) for p in paths):
                continue
            command = excerpt(" ".join(use.program))
            opt_out = " (or set rerunOnNodeRebootAfterSuccess: false)" if reboot else ""
            yield Hit(
                "/commandLine",
                f"{command!r} fails when the task runs again on this node ({when}): {there}; {fix}{opt_out}",
                use.offset,
            )
