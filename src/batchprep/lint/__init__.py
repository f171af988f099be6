"""Checking task documents: every problem of a REST body at once, as `batchprep check` reports them.

One room per kind of finding: `batchprep.lint.document` reads a body and validates it, so that
reading problems and rule problems come out together, with warnings beside them.

Examples:
    >>> from batchprep.lint import problems
    >>> [str(p) for p in problems({"commandLine": "run.sh", "constraints": {"retentionTime": "2 days"}})]
    ["/constraints/retentionTime: not an ISO 8601 duration such as 'PT1H' or 'P7D': '2 days' [format]"]
"""

from batchprep.lint.document import LintWarning, Report, check, check_text, problems

__all__ = ["LintWarning", "Report", "check", "check_text", "problems"]
