"""The SARIF 2.1.0 format: a log that code scanning services and editors read.

One run, its tool's driver listing every behaviour rule (code, name, one-line summary, help address,
default level) and the document checks that were found; one result per finding, with the file as an
artifact location, the line and column as a region, and the JSON pointer as a logical location.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from batchprep import __version__
from batchprep.lint.findings import Finding

__all__ = ["SARIF_SCHEMA", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rules(findings: Sequence[Finding]) -> list[dict[str, Any]]:
    from batchprep.lint.rules import DOCUMENT_CHECKS_URL, RULES  # when a log is written, not for the other formats

    rules: list[dict[str, Any]] = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "helpUri": rule.url,
            "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        }
        for rule in RULES.values()
    ]
    seen = set(RULES)
    for finding in findings:
        if finding.code is None and finding.rule not in seen:  # a document check: named, not coded
            seen.add(finding.rule)
            rules.append(
                {
                    "id": finding.rule,
                    "name": finding.rule,
                    "shortDescription": {"text": f"document check {finding.rule!r}"},
                    "helpUri": DOCUMENT_CHECKS_URL,
                    "defaultConfiguration": {"level": _LEVELS[finding.severity]},
                }
            )
    return rules


def _uri(file: str) -> str:
    path = Path(file)
    return path.as_posix() if not path.is_absolute() else path.as_uri()


def sarif_log(findings: Sequence[Finding], files: Sequence[str] = ()) -> str:
    """The findings as a SARIF 2.1.0 log (indented JSON); `files` are listed as the run's artifacts."""
    from batchprep.lint.rules import DOCS_URL

    rules = _rules(findings)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for finding in findings:
        rule_id = finding.code or finding.rule
        location: dict[str, Any] = {"logicalLocations": [{"fullyQualifiedName": finding.path or "/", "kind": "member"}]}
        if finding.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file)}}
            if finding.line is not None:
                physical["region"] = {"startLine": finding.line, "startColumn": finding.column}
            location["physicalLocation"] = physical
        results.append(
            {
                "ruleId": rule_id,
                "ruleIndex": index[rule_id],
                "level": _LEVELS[finding.severity],
                "message": {"text": f"{finding.path or '/'}: {finding.message}"},
                "locations": [location],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "batchprep",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": rules,
                    }
                },
                "columnKind": "unicodeCodePoints",
                "artifacts": [{"location": {"uri": _uri(f)}} for f in files],
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)
