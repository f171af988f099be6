"""The JSON format: an array with one object per finding."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from batchprep.lint.findings import Finding

__all__ = ["json_record", "json_records"]


def json_record(finding: Finding) -> dict[str, Any]:
    """`file`, `line`, `column` (null when unknown), `path`, `code` (null for document checks), `rule`,
    `severity`, `message`, `url` (null for document checks)."""
    return {
        "file": finding.file,
        "line": finding.line,
        "column": finding.column,
        "path": finding.path,
        "code": finding.code,
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "url": finding.url,
    }


def json_records(findings: Sequence[Finding]) -> str:
    """The findings as an indented JSON array."""
    return json.dumps([json_record(f) for f in findings], ensure_ascii=False, indent=2)
