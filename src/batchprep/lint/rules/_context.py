"""What the behaviour rules look at: a task read without errors, its command line as the node splits
it, the shells it starts and their scripts, and every command that will run.

Built once per task and shared by all rules, so that each rule is a few lines about one concern.
The task is a Job Preparation Task or a Job Release Task (`kind` says which): both have a command
line, resource files, a container and an identity; only the preparation task has constraints,
`waitForSuccess` and `rerunOnNodeRebootAfterSuccess`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from batchprep.cmdline.failures import Options
from batchprep.cmdline.script import Script, ScriptSyntaxError, ShellWord, UnsupportedScript, parse_script
from batchprep.cmdline.script import simple_commands as script_commands
from batchprep.cmdline.shell import Invocation, find_shell, strip_wrappers
from batchprep.cmdline.split import CommandLineSplitError, Word, split_words
from batchprep.models import ElevationLevel, JobPreparationTask, JobReleaseTask

__all__ = ["TASK_KINDS", "CommandUse", "ScriptView", "TaskContext", "TaskKind"]

TaskKind = Literal["preparation", "release"]
#: The tasks the rules look at.
TASK_KINDS: tuple[TaskKind, ...] = ("preparation", "release")

#: Nested shells (`bash -c "sudo sh -c '...'"`) are followed this deep.
_MAX_NESTING = 4


@dataclass(frozen=True)
class ScriptView:
    """A POSIX shell script that will run, and how to find its characters in the command line.

    Attributes:
        invocation: How the shell was started (its name, its `-e`/`-o pipefail` options).
        script: The script, read; `None` when it cannot be read with certainty (`error` says why).
        error: The syntax error that stopped the reader, if any (unsupported syntax leaves it `None`).
        unsupported: Why the reader did not analyse a valid script, if it did not (`(( ))`, nesting
            too deep).
        to_line: Maps an index in the script to an index in the command line.
        depth: 0 for a shell started by the command line itself, 1 for a shell started by that one...
        elsewhere: The shell runs inside another program (`docker run image sh -c`, `ssh host sh -c`),
            not as the task's user on the node.
    """

    invocation: Invocation
    text: str
    script: Script | None
    error: ScriptSyntaxError | None
    to_line: Callable[[int], int]
    depth: int = 0
    elsewhere: bool = False
    unsupported: UnsupportedScript | None = None

    @property
    def options(self) -> Options:
        """The failure options the shell starts with (`bash -e -o pipefail -c`)."""
        return Options(self.invocation.errexit, self.invocation.pipefail)


@dataclass(frozen=True)
class CommandUse:
    """A command that will run: the node's program, or a simple command of a script.

    Attributes:
        argv: Its words (after quote removal; expansions left as written), wrappers such as `sudo`
            and `env` included.
        words: The same as words, with how they were quoted.
        offset: Index in the command line of its first word.
        handled: Its failure is handled by the script (tested, `||`...): see `Context.handled`.
        view: The script it is part of, or `None` for the node's own program.
    """

    argv: list[str]
    words: Sequence[Word]
    offset: int
    handled: bool
    view: ScriptView | None

    @property
    def program(self) -> list[str]:
        """The argv from the real program on: `sudo -E apt-get install x` → `['apt-get', 'install', 'x']`."""
        return self.argv[strip_wrappers(self.argv) :]


@dataclass
class TaskContext:
    """A task and what the rules need to know about it, computed once."""

    task: JobPreparationTask | JobReleaseTask

    @property
    def kind(self) -> TaskKind:
        """`preparation` or `release`."""
        return "release" if isinstance(self.task, JobReleaseTask) else "preparation"

    @property
    def preparation(self) -> JobPreparationTask | None:
        """The task, when it is a Job Preparation Task (for the rules about its own settings)."""
        return self.task if isinstance(self.task, JobPreparationTask) else None

    @property
    def command_line(self) -> str:
        return self.task.command_line or ""

    @cached_property
    def split_error(self) -> CommandLineSplitError | None:
        """Why the command line cannot be split, if it cannot."""
        try:
            split_words(self.command_line)
        except CommandLineSplitError as err:
            return err
        return None

    @cached_property
    def words(self) -> list[Word]:
        """The command line's words as the node splits it (`[]` when it cannot be split)."""
        return [] if self.split_error is not None else split_words(self.command_line)

    @cached_property
    def argv(self) -> list[str]:
        """The words' values: the argv the node gives the program."""
        return [w.value for w in self.words]

    @cached_property
    def shell(self) -> Invocation | None:
        """The shell the command line starts, if it starts one."""
        return find_shell(self.words, self.command_line) if self.words else None

    @cached_property
    def scripts(self) -> list[ScriptView]:
        """Every POSIX script that will run: the command line's, and those its commands start."""
        views: list[ScriptView] = []
        shell = self.shell
        if shell is not None and shell.kind == "posix" and shell.script is not None:
            offsets = shell.offsets
            elsewhere = shell.index > strip_wrappers([w.value for w in self.words])
            fallback = self.words[shell.index].start
            self._read(
                shell, shell.script, lambda i: offsets[i] if 0 <= i < len(offsets) else fallback, 0, views, elsewhere
            )
        return views

    def _read(
        self,
        shell: Invocation,
        text: str,
        to_line: Callable[[int], int],
        depth: int,
        views: list[ScriptView],
        elsewhere: bool,
    ) -> None:
        unsupported = None
        try:
            script: Script | None = parse_script(text)
            error = None
        except ScriptSyntaxError as err:
            script, error = None, err
        except UnsupportedScript as err:
            script, error, unsupported = None, None, err
        view = ScriptView(shell, text, script, error, to_line, depth, elsewhere, unsupported)
        views.append(view)
        if script is None or depth >= _MAX_NESTING:
            return
        for command, _ in script_commands(script.items):
            inner = find_shell(command.words, text)
            if inner is not None and inner.kind == "posix" and inner.script is not None:
                offsets = inner.offsets
                fallback = command.start

                def inner_to_line(i: int, offsets: tuple[int, ...] = offsets, fallback: int = fallback) -> int:
                    return to_line(offsets[i] if 0 <= i < len(offsets) else fallback)

                inside = elsewhere or inner.index > strip_wrappers([w.value for w in command.words])
                self._read(inner, inner.script, inner_to_line, depth + 1, views, inside)

    @cached_property
    def commands(self) -> list[CommandUse]:
        """Every command that will run: the node's program unless it is a shell, and each script's commands."""
        found: list[CommandUse] = []
        shell = self.shell
        if self.words and (shell is None or shell.kind != "posix" or shell.index > 0):  # sudo bash -c: sudo runs
            found.append(CommandUse(self.argv, self.words, self.words[0].start, False, None))
        for view in self.scripts:
            if view.script is None:
                continue
            for command, context in script_commands(view.script.items):
                if command.words:
                    words: list[ShellWord] = command.words
                    argv = [w.value for w in words]
                    found.append(CommandUse(argv, words, view.to_line(command.start), context.handled, view))
        return found

    # --- the task's settings, as the rules ask about them ---

    @property
    def is_admin(self) -> bool | None:
        """Whether the task runs elevated: `True`, `False`, or `None` for a named user (unknown here)."""
        identity = self.task.user_identity
        if identity is None:
            return False
        if identity.user_name is not None:
            return None
        auto = identity.auto_user
        level = auto.elevation_level if auto is not None else None
        return isinstance(level, str) and level.lower() == ElevationLevel.admin.value

    @property
    def reruns(self) -> bool:
        """Whether the task may run again on the same node: after a reboot (the default) or a retry.

        A release task always may: the node runs it again when it reboots while the task runs.
        """
        task = self.task
        if isinstance(task, JobReleaseTask):
            return True
        constraints = task.constraints
        retries = constraints.max_task_retry_count if constraints is not None else None
        return task.rerun_on_node_reboot_after_success is not False or bool(retries)

    @property
    def reruns_after_reboot(self) -> bool:
        """Whether the task runs again after a reboot even once it succeeded (a preparation task's default)."""
        task = self.task
        return isinstance(task, JobPreparationTask) and task.rerun_on_node_reboot_after_success is not False
