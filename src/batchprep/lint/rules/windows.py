"""Windows forms and Linux forms mixed in one command line.

`%VAR%` is cmd's syntax: bash passes it on as it is. `$VAR` is the POSIX shells': cmd passes it on
as it is, and in PowerShell `$AZ_BATCH_TASK_DIR` is an unset PowerShell variable (the environment
variable is `$env:AZ_BATCH_TASK_DIR`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from batchprep.cmdline.script import simple_commands
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register
from batchprep.lint.rules._text import WINDOWS_VARIABLE, matches

__all__ = ["MixedWindowsAndPosix"]

_POSIX_VARIABLE = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Z_][A-Z0-9_]+)")
#: What looks like an environment variable in PowerShell: upper case with an underscore ($LASTEXITCODE,
#: $HOME and $PWD are PowerShell's own variables).
_POWERSHELL_ENV = re.compile(r"(?<![:\w])\$([A-Z][A-Z0-9]*_[A-Z0-9_]+)\b")


@register
class MixedWindowsAndPosix(Rule):
    code = "BP203"
    name = "mixed-windows-and-posix"
    severity = "warning"
    summary = "%VAR% in a POSIX shell's script, $VAR in cmd's, or $VAR for an environment variable in PowerShell"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for view in task.scripts:
            if view.script is None:
                continue
            for command, _ in simple_commands(view.script.items):
                for word in [*command.assignments, *command.words]:
                    for text, offset in matches(word, WINDOWS_VARIABLE, ("none", "double")):
                        name = text.strip("%")
                        yield Hit(
                            "/commandLine",
                            f"{view.invocation.shell} passes {text} on as it is: %VARIABLES% are cmd's syntax; "
                            f"write ${name}",
                            view.to_line(offset),
                        )
        shell = task.shell
        if shell is None or shell.script is None or shell.kind == "posix":
            return
        script, offsets = shell.script, shell.offsets
        if shell.kind == "cmd":
            for found in _POSIX_VARIABLE.finditer(script):
                name = found.group(1).strip("{}")
                yield Hit(
                    "/commandLine",
                    f"cmd passes {found.group()} on as it is: $VARIABLES are the POSIX shells' syntax; write %{name}%",
                    offsets[found.start()],
                )
        else:
            for found in WINDOWS_VARIABLE.finditer(script):
                yield Hit(
                    "/commandLine",
                    f"PowerShell does not expand {found.group()}: write $env:{found.group(1)}",
                    offsets[found.start()],
                )
            for found in _POWERSHELL_ENV.finditer(script):
                yield Hit(
                    "/commandLine",
                    f"in PowerShell {found.group()} is a PowerShell variable, unset here, not the environment "
                    f"variable: write $env:{found.group(1)}",
                    offsets[found.start()],
                )
