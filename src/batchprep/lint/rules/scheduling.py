"""Settings that let the job's tasks start on a node that is not prepared."""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register

__all__ = ["NoWaitForSuccess"]


@register
class NoWaitForSuccess(Rule):
    code = "BP306"
    name = "no-wait-for-success"
    severity = "warning"
    summary = "waitForSuccess: false lets tasks start before preparation has finished, and after it failed"
    tasks = ("preparation",)

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if task.preparation is not None and task.preparation.wait_for_success is False:
            yield Hit(
                "/waitForSuccess",
                "false: the job's tasks may start on a node while this task still runs there, and keep being "
                "scheduled there when it fails; leave it out (true is the default) unless they need nothing from it",
            )
