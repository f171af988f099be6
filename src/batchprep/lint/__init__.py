"""Checking task documents: every problem of a REST body at once, as `batchprep check` reports them.

One room per kind of finding: `batchprep.lint.document` reads a body and validates it, so that
reading problems and rule problems come out together, with warnings beside them;
`batchprep.lint.job` finds the tasks in the other bodies they travel in (a whole job, a job
schedule) and reads a bare Job Release Task.

Examples:
    >>> from batchprep.lint import problems
    >>> [str(p) for p in problems({"commandLine": "run.sh", "constraints": {"retentionTime": "2 days"}})]
    ["/constraints/retentionTime: not an ISO 8601 duration such as 'PT1H' or 'P7D': '2 days' [format]"]
"""

from batchprep.lint.document import LintWarning, Report, check, check_text, problems
from batchprep.lint.job import BodyReport, check_body, check_body_text, kind_of

__all__ = ["BodyReport", "LintWarning", "Report", "check", "check_body", "check_body_text", "check_text", "kind_of", "problems"]
