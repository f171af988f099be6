"""Constraints that let a preparation task hold a node forever."""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register

__all__ = ["NoWallClockLimit", "RetriesForever"]


@register
class NoWallClockLimit(Rule):
    code = "BP301"
    name = "no-wall-clock-limit"
    severity = "warning"
    summary = "no constraints.maxWallClockTime: a preparation task that hangs holds the node forever"
    tasks = ("preparation",)

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if task.preparation is None:  # a release task's limit is 15 minutes when it sets none
            return
        constraints = task.preparation.constraints
        if constraints is None or constraints.max_wall_clock_time is None:
            yield Hit(
                "/constraints" if constraints is not None else "",
                "no constraints.maxWallClockTime: a preparation task has no time limit by default, so one that "
                "hangs holds the node forever and no task of the job starts there; set one, e.g. PT30M",
            )


@register
class RetriesForever(Rule):
    code = "BP302"
    name = "retries-forever"
    severity = "warning"
    summary = "maxTaskRetryCount: -1 retries a failing preparation task without limit"
    tasks = ("preparation",)

    def check(self, task: TaskContext) -> Iterator[Hit]:
        constraints = task.preparation.constraints if task.preparation is not None else None
        if constraints is not None and constraints.max_task_retry_count == -1:
            yield Hit(
                "/constraints/maxTaskRetryCount",
                "-1 retries without limit: a preparation task that always fails runs again and again, and no task "
                "of the job ever starts on that node; give a number of retries, e.g. 3",
            )
