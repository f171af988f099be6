"""The text format: one line per finding, `FILE:LINE:COLUMN: /pointer: message [rule]`.

Editors and terminals that know compiler output (`file:line:column:`) jump to the place. Without a
line (a task built in Python, a finding about the whole file) the line is `FILE: /pointer: ...`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from batchprep.lint.findings import Finding

__all__ = ["text_line", "text_lines"]


def _plain(text: str, kind: str, finding: Finding) -> str:
    return text


def text_line(finding: Finding, style: Callable[[str, str, Finding], str] = _plain) -> str:
    """One finding as a line; `style(text, kind, finding)` may colour its `file` and `rule` parts."""
    where = finding.file or ""
    if finding.line is not None:
        where += f":{finding.line}:{finding.column}"
    head = f"{style(where, 'file', finding)}: " if where else ""
    return f"{head}{finding.path or '/'}: {finding.message} {style(f'[{finding.label}]', 'rule', finding)}"


def text_lines(findings: Sequence[Finding], style: Callable[[str, str, Finding], str] = _plain) -> str:
    """Every finding, a line each (no trailing newline; empty for no findings)."""
    return "\n".join(text_line(f, style) for f in findings)
