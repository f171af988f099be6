"""Checking task documents: every problem of a REST body at once, as `batchprep check` reports them.

One room per kind of finding: `batchprep.lint.document` reads a body and validates it, so that
reading problems and rule problems come out together, with warnings beside them;
`batchprep.lint.rules` holds the behaviour rules (what a valid task will do on a node). Around them:
`findings` (the finding every output prints), `locate` (lines and columns in JSON and YAML),
`config` (`[tool.batchprep]`, selectors, opt-out comments), `output` (text, JSON, GitHub, SARIF)
and `run` (`lint_file`, what `batchprep check` runs). `batchprep.lint.job` finds the tasks in the other bodies they travel in (a whole job, a job
schedule) and reads a bare Job Release Task.

Examples:
    >>> from batchprep.lint import problems
    >>> [str(p) for p in problems({"commandLine": "run.sh", "constraints": {"retentionTime": "2 days"}})]
    ["/constraints/retentionTime: not an ISO 8601 duration such as 'PT1H' or 'P7D': '2 days' [format]"]
"""

from typing import TYPE_CHECKING

from batchprep.lint.config import ConfigError, Settings, load_settings
from batchprep.lint.document import LintWarning, Report, check, check_text, problems
from batchprep.lint.findings import Finding
from batchprep.lint.job import BodyReport, check_body, check_body_text, kind_of
from batchprep.lint.run import lint_file, lint_text

if TYPE_CHECKING:
    from batchprep.lint.rules import RULES

__all__ = [
    "RULES",
    "BodyReport",
    "ConfigError",
    "Finding",
    "LintWarning",
    "Report",
    "Settings",
    "check",
    "check_body",
    "check_body_text",
    "check_text",
    "kind_of",
    "lint_file",
    "lint_text",
    "load_settings",
    "problems",
]


def __getattr__(name: str) -> object:
    # The behaviour rules (and the shell-script reader under them) load on first use: checking a
    # task without them, as `batchprep run` does, must not pay for importing them.
    if name == "RULES":
        from batchprep.lint.rules import RULES

        globals()["RULES"] = RULES
        return RULES
    raise AttributeError(f"module 'batchprep.lint' has no attribute {name!r}")
