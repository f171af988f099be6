"""A command line with no program in it: nothing for the node to start.

The service takes an empty `commandLine` (it only requires the property), but the node splits the
command line into words and starts the first as the program: with no word there is none, and the
task fails without running anything. `batchprep run` refuses such a task before it touches the
node. In a container the command line runs inside the container, and what an empty one does is the
image's and the engine's business, so the rule stays silent there.
"""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register

__all__ = ["EmptyCommandLine"]


@register
class EmptyCommandLine(Rule):
    code = "BP108"
    name = "empty-command-line"
    severity = "warning"
    summary = "a command line that is empty or only blanks: the node has no program to start"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if task.split_error is not None or task.words or task.task.container_settings is not None:
            return
        what = "empty" if not task.command_line else "only blanks"
        yield Hit(
            "/commandLine",
            f"is {what}: the service accepts it, but the node has no program to start, so the task cannot run "
            "(batchprep run refuses it); give the program to run, e.g. /bin/sh -c './setup.sh'",
        )
