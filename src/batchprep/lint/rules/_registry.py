"""The behaviour rules' registry: each rule a small object with a stable code, a name and a severity."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from batchprep.lint.findings import Finding, Severity
from batchprep.lint.rules._context import TASK_KINDS, TaskContext, TaskKind

__all__ = ["DOCS_SITE", "DOCS_URL", "DOCUMENT_CHECKS_URL", "RULES", "Hit", "Rule", "register"]

#: Where the documentation site (docs/) is published.
DOCS_SITE = "https://batchprep.readthedocs.io/en/latest/"
#: Where docs/rules.md is published; each rule's section is `#<code>-<name>`.
DOCS_URL = DOCS_SITE + "rules/"
#: Where the document checks (errors, `unknown`, `size`) are described.
DOCUMENT_CHECKS_URL = DOCS_SITE + "cli/#severities-and-exit-codes"


@dataclass(frozen=True)
class Hit:
    """One place a rule fires: a JSON pointer, the message, and the character for string values."""

    path: str
    message: str
    offset: int | None = None


class Rule:
    """A behaviour rule: what a valid task will do on the node that its author did not mean.

    Subclasses set the class attributes and implement `check`; `register` adds them to `RULES`.

    Attributes:
        code: Stable code, `BP` and three digits; never reused for another rule.
        name: Kebab-case name, usable wherever the code is (`--select`, `--ignore`, opt-outs).
        severity: `warning` or `info` by default (never `error`: the task is valid).
        summary: One line for listings and SARIF: what the rule finds.
        tasks: The tasks it looks at: `preparation`, `release` or both (the default). A rule about
            a setting only the Job Preparation Task has (constraints, waitForSuccess) is for it alone.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    summary: ClassVar[str]
    tasks: ClassVar[tuple[TaskKind, ...]] = TASK_KINDS

    @property
    def url(self) -> str:
        """The rule's section in the documentation."""
        return f"{DOCS_URL}#{self.code.lower()}-{self.name}"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        """The places where the rule fires in one task."""
        raise NotImplementedError

    def findings(self, task: TaskContext) -> list[Finding]:
        """`check`'s hits as findings (a `Finding` masks the secrets its message quotes)."""
        return [
            Finding(hit.path, hit.message, self.name, self.severity, self.code, hit.offset, url=self.url)
            for hit in self.check(task)
        ]


#: Every rule, by code, in code order once all rule modules are imported.
RULES: dict[str, Rule] = {}


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add one instance of a rule to `RULES`, refusing a code or name used twice."""
    rule = cls()
    if rule.code in RULES or any(r.name == rule.name for r in RULES.values()):
        raise ValueError(f"a rule with code {rule.code} or name {rule.name!r} is already registered")
    if rule.severity not in ("warning", "info"):
        raise ValueError(f"{rule.code}: a behaviour rule's severity is warning or info, not {rule.severity!r}")
    if not rule.tasks or not set(rule.tasks) <= set(TASK_KINDS):
        kinds = ", ".join(TASK_KINDS)
        raise ValueError(f"{rule.code}: a behaviour rule's tasks are some of {kinds}, not {rule.tasks!r}")
    RULES[rule.code] = rule
    return cls
