"""One finding of `batchprep check`, whatever found it: a reading or rule problem, a warning, a behaviour rule.

`Finding` is what every output format prints (text, JSON, GitHub annotations, SARIF) and what
`batchprep.lint.lint_file` returns: the JSON pointer of the place, its line and column in the file
when the file format tells (JSON, YAML), the rule's name, and for behaviour rules its code and the
address of its documentation. A finding never holds a secret: its message and path are masked
when it is made (`batchprep.redact.mask_text`), so no output format can print one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from batchprep.redact import mask_text

__all__ = ["SEVERITIES", "Finding", "Severity", "at_least"]

Severity = Literal["error", "warning", "info"]
#: From the most to the least severe.
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


def at_least(severity: Severity, threshold: Severity) -> bool:
    """Whether `severity` is `threshold` or more severe (`warning` is at least `info`)."""
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


@dataclass(frozen=True)
class Finding:
    """Something `check` found in a task.

    Attributes:
        path: A JSON pointer into the REST body (`""` is the whole body).
        message: What is wrong, or what will happen on the node, in words; SAS signatures, URL
            credentials and storage keys it quotes are masked.
        rule: The rule's name: `pattern`, `type`, `unknown`... for the document checks, a kebab-case
            name such as `unexpanded-variable` for behaviour rules.
        severity: `error` (the service refuses the task), `warning` or `info` (the task is valid).
        code: A behaviour rule's stable code, such as `BP101`; `None` for the document checks.
        offset: For a finding inside a string (the command line), the index of the character.
        file: The file it was found in, when there is one.
        line: Its line in the file (from 1), when the file format tells.
        column: Its column in the file (from 1, in characters), when the file format tells.
        url: The rule's documentation, for behaviour rules.
    """

    path: str
    message: str
    rule: str
    severity: Severity
    code: str | None = None
    offset: int | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None
    url: str | None = None

    def __post_init__(self) -> None:
        # Messages quote command lines, URLs and values: mask them here, where every output starts.
        object.__setattr__(self, "message", mask_text(self.message))
        object.__setattr__(self, "path", mask_text(self.path))

    @property
    def label(self) -> str:
        """The rule as the text output shows it: `BP101 unexpanded-variable`, or `pattern`."""
        return f"{self.code} {self.rule}" if self.code else self.rule

    def selectors(self) -> tuple[str, ...]:
        """What `--select` and `--ignore` may call it: its code and its name."""
        return (self.code, self.rule) if self.code else (self.rule,)

    def placed(self, file: str | None, where: tuple[int, int] | None) -> Finding:
        """The same finding in `file`, at a line and column."""
        line, column = where if where is not None else (None, None)
        return replace(self, file=file, line=line, column=column)

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message} [{self.label}]"
