"""The behaviour rules: what a valid task will do on a node that its author did not mean.

Each rule is a small object with a stable code (`BP101`), a kebab-case name, a default severity
(`warning` or `info`) and a section in docs/rules.md; one module per family:

| codes | module | about |
|---|---|---|
| BP101-BP104 | `no_shell` | shell syntax in words no shell interprets |
| BP105-BP107, BP109 | `quoting` | quotes that break the command line or a shell's script; scripts that cannot be read |
| BP108 | `program` | a command line with no program to start |
| BP201-BP202 | `failures` | shells that go on after a failure, pipelines that hide one |
| BP203 | `windows` | Windows and POSIX forms mixed |
| BP301-BP302 | `constraints` | no time limit, retries without limit |
| BP303 | `privileges` | commands that need root in a non-admin task |
| BP304 | `idempotence` | commands that fail when the task runs again |
| BP305 | `resource_files` | where a container source's files land |
| BP306 | `scheduling` | `waitForSuccess: false` |

They run on a task that was read without errors (`behaviour_findings`), a Job Preparation Task or a
Job Release Task: the command-line rules, BP303, BP304 and BP305 look at both; BP301, BP302 and
BP306 are about settings only a preparation task has (a release task's time limit is 15 minutes
when it sets none). They never fire on text that a shell would not interpret.
"""

from __future__ import annotations

from batchprep.lint.findings import Finding
from batchprep.lint.rules import (  # noqa: F401 - each module registers its rules
    constraints,
    failures,
    idempotence,
    no_shell,
    privileges,
    program,
    quoting,
    resource_files,
    scheduling,
    windows,
)
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import DOCS_URL, DOCUMENT_CHECKS_URL, RULES, Hit, Rule
from batchprep.models import JobPreparationTask, JobReleaseTask

__all__ = ["DOCS_URL", "DOCUMENT_CHECKS_URL", "RULES", "Hit", "Rule", "TaskContext", "behaviour_findings"]

_ordered = dict(sorted(RULES.items()))  # code order, whatever the import order
RULES.clear()
RULES.update(_ordered)


def behaviour_findings(task: JobPreparationTask | JobReleaseTask) -> list[Finding]:
    """Every behaviour rule's findings for a task, in code order; positions are JSON pointers and offsets.

    Only the rules whose `Rule.tasks` name the task's kind (`preparation` or `release`) run.
    """
    context = TaskContext(task)
    return [finding for rule in RULES.values() if context.kind in rule.tasks for finding in rule.findings(context)]
