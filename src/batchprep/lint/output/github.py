"""The `github` format: GitHub Actions workflow commands, which annotate the lines of a pull request.

`::error file=F,line=L,col=C,title=T::message` (`warning`, and `notice` for info); the properties and
the message are escaped as the runner expects (`%`, line breaks, and in properties `:` and `,`).
"""

from __future__ import annotations

from collections.abc import Sequence

from batchprep.lint.findings import Finding

__all__ = ["github_annotation", "github_annotations"]

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(finding: Finding) -> str:
    """One finding as a workflow command."""
    properties = []
    if finding.file:
        properties.append(f"file={_property(finding.file)}")
    if finding.line is not None:
        properties.append(f"line={finding.line}")
        properties.append(f"col={finding.column}")
    properties.append(f"title={_property(f'batchprep {finding.label}')}")
    message = f"{finding.path or '/'}: {finding.message}"
    if finding.url:
        message += f" ({finding.url})"
    return f"::{_COMMANDS[finding.severity]} {','.join(properties)}::{_data(message)}"


def github_annotations(findings: Sequence[Finding]) -> str:
    """Every finding, a workflow command a line."""
    return "\n".join(github_annotation(f) for f in findings)
