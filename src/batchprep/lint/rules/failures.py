"""Shells that do not stop at the first failure, and pipelines that hide one.

A `sh -c 'a; b; c'` runs `c` even when `a` failed, and reports `c`'s exit code: the preparation task
"succeeds", and the job's tasks fail later with a confusing error. A pipeline's status is its last
command's: `curl ... | tar x` succeeds when the download fails, unless `pipefail` is on.
"""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.cmdline.failures import harmless, masked_pipelines, unhandled_failures
from batchprep.cmdline.script import Simple
from batchprep.cmdline.shell import PIPEFAIL_SHELLS, windows_commands
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register
from batchprep.lint.rules._text import excerpt

__all__ = ["NoStopOnFailure", "PipelineWithoutPipefail"]

_CMD_HARMLESS = ("echo", "echo.", "@echo", "rem", "set ", "cd ", "pushd", "popd", "title", "cls")


@register
class NoStopOnFailure(Rule):
    code = "BP201"
    name = "no-stop-on-failure"
    severity = "warning"
    summary = "a shell runs several commands and nothing stops it at the first failure"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for view in task.scripts:
            if view.script is None:
                continue
            unhandled = unhandled_failures(view.script.items, view.options)
            if unhandled:
                first = unhandled[0]
                text = " ".join(view.text[first.start : first.end].split())
                yield Hit(
                    "/commandLine",
                    f"{view.invocation.shell} goes on after a failing command: if {excerpt(text)!r} fails, the next "
                    "commands still run and only the last one's exit code reaches the node; start the script with "
                    "'set -e', or join the commands with '&&'",
                    view.to_line(first.start),
                )
        shell = task.shell
        if shell is not None and shell.kind == "cmd" and shell.script is not None:
            commands = windows_commands(shell.script)
            for command, after in zip(commands, commands[1:], strict=False):
                if (
                    command.operator == "&"
                    and not command.text.lower().startswith(_CMD_HARMLESS)
                    and after.text
                    and not after.text.lower().startswith("exit")  # `robocopy ... & exit /b 0`: on purpose
                ):
                    yield Hit(
                        "/commandLine",
                        f"cmd goes on after a failing command: if {excerpt(command.text)!r} fails, the next commands "
                        "still run ('&'); join the commands with '&&'",
                        shell.offsets[command.start] if command.start < len(shell.offsets) else None,
                    )
                    break


@register
class PipelineWithoutPipefail(Rule):
    code = "BP202"
    name = "pipeline-without-pipefail"
    severity = "warning"
    summary = "a pipeline whose status is used, without pipefail: a failure before the last | goes unnoticed"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for view in task.scripts:
            if view.script is None:
                continue
            for pipeline in masked_pipelines(view.script.items, view.options):
                first = pipeline.commands[0]
                name = first.argv[0] if isinstance(first, Simple) and first.words else "the first command"
                fix = (
                    "add 'set -o pipefail' at the start of the script"
                    if view.invocation.shell in PIPEFAIL_SHELLS
                    else f"{view.invocation.shell} may have no pipefail (dash, Ubuntu's /bin/sh, has none): "
                    "run the script with bash and 'set -o pipefail'"
                )
                if harmless(first):
                    continue
                yield Hit(
                    "/commandLine",
                    f"a failure of {name!r} goes unnoticed: a pipeline's exit status is its last command's; {fix}",
                    view.to_line(pipeline.start),
                )

