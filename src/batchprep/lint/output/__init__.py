"""Output formats of `batchprep check`: one module each, all taking the same list of findings.

| format | module | for |
|---|---|---|
| `text` | `text` | people: `FILE:LINE:COLUMN: /pointer: message [rule]` |
| `json` | `json` | scripts: an array of objects |
| `github` | `github` | GitHub Actions: workflow commands that annotate the lines of a pull request |
| `sarif` | `sarif` | code scanning and editors: a SARIF 2.1.0 log |
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from batchprep.lint.findings import Finding
from batchprep.lint.output.github import github_annotations
from batchprep.lint.output.json import json_records
from batchprep.lint.output.sarif import sarif_log
from batchprep.lint.output.text import text_lines

__all__ = ["FORMATS", "github_annotations", "json_records", "sarif_log", "text_lines"]

#: Each format: findings (and the files checked) to the text printed on stdout.
FORMATS: dict[str, Callable[[Sequence[Finding], Sequence[str]], str]] = {
    "text": lambda found, files: text_lines(found),
    "json": lambda found, files: json_records(found),
    "github": lambda found, files: github_annotations(found),
    "sarif": sarif_log,
}
