"""Linting a file as `batchprep check` does: every finding, placed at its line and column, filtered.

`lint_text` and `lint_file` are what the command line runs, so the API and the CLI give the same
findings, for every kind of body `batchprep check` takes (a Job Preparation Task, a Job Release
Task, a whole job or job schedule; see `batchprep.lint.job`): the document checks' problems
(errors) and warnings, then the behaviour rules', each with
the line and column of its place in the file (JSON and YAML), filtered by the settings and by the
file's own opt-out comments, in the order of their places in the file.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from batchprep.lint.config import Settings, opt_outs
from batchprep.lint.document import Report
from batchprep.lint.findings import Finding
from batchprep.lint.job import check_body_text
from batchprep.lint.locate import Locator

__all__ = ["decode", "findings_of", "lint_file", "lint_text", "syntax_of"]

_YAML_SUFFIXES = (".yaml", ".yml")


def syntax_of(file: str | Path) -> str:
    """`yaml` for names ending in .yaml or .yml, else `json`."""
    return "yaml" if str(file).lower().endswith(_YAML_SUFFIXES) else "json"


def lint_file(
    file: str | Path,
    settings: Settings | None = None,
    *,
    kind: str = "auto",
    waive: str | Iterable[str] | None = None,
) -> list[Finding]:
    """`lint_text` for a file, read as YAML when its name ends in .yaml or .yml.

    Raises:
        OSError: The file cannot be read.
        ImportError: A YAML file, and PyYAML is not installed.
        ValueError: As `lint_text`.
    """
    return lint_text(
        Path(file).read_bytes(), syntax_of(file), file=str(file), settings=settings, kind=kind, waive=waive
    )


def lint_text(
    data: str | bytes,
    syntax: str = "json",
    *,
    file: str | None = None,
    settings: Settings | None = None,
    kind: str = "auto",
    waive: str | Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding `batchprep check` reports for the text of a body.

    Args:
        data: The text, or its bytes.
        syntax: `"json"` or `"yaml"`.
        file: The file's name, written into each finding (and matched by `per-file-ignores`).
        settings: What to report; `Settings()` (everything) when not given.
        kind: What the text holds, as `check --as` says it: `auto` (tell from its properties),
            `preparation`, `release`, `job` or `schedule`.
        waive: Batch service rule names whose problems to leave out (`check --waive`).

    Raises:
        ImportError: `syntax` is `"yaml"` and PyYAML is not installed.
        ValueError: `kind` is not one of those, or `waive` names no service rule.
    """
    settings = settings or Settings()
    text = decode(data)
    report = check_body_text(data, kind, syntax=syntax, waive=waive)
    raw = data if isinstance(data, bytes) else None
    return findings_of(report, text, syntax, file=file, settings=settings, raw=raw)


def findings_of(
    report: Report,
    text: str | None,
    syntax: str,
    *,
    file: str | None = None,
    settings: Settings | None = None,
    raw: bytes | None = None,
) -> list[Finding]:
    """A report's findings, placed in `text` (when given) and filtered by `settings` and opt-outs.

    `raw`, the file's bytes, places the problem of bytes that are not text (not UTF-8) at the first
    byte that is not.
    """
    settings = settings or Settings()
    found = [Finding(p.path, p.message, p.rule, "error") for p in report.problems]
    found += [Finding(w.path, w.message, w.rule, w.severity) for w in report.warnings]
    found += report.behaviour
    locator = Locator(text, syntax) if text is not None else None
    undecodable = _undecodable(raw) if text is None and raw is not None else None
    ignored: tuple[str, ...] = ()
    if text is not None and syntax == "yaml":
        ignored, unknown = opt_outs(text)
        for index, name in unknown:
            found.append(
                Finding(
                    "", f"the opt-out comment names {name!r}, which is no rule code or name", "opt-out", "warning"
                ).placed(file, locator.position(index) if locator else None)
            )
    if locator is not None and syntax == "yaml":
        found = [_yaml_number(f, locator) for f in found]

    def place(f: Finding) -> Finding:
        if f.rule == "opt-out":  # placed where the comment is
            return f
        if locator is None:  # no text: only bytes that are not UTF-8 have a place, their first bad byte
            return f.placed(file, undecodable if f.rule == "document" else None)
        return f.placed(file, _where(f, locator))

    placed = [place(f) for f in found]
    kept = [f for f in placed if settings.reported(f, ignored)]
    # Errors first, then the rest, each in the order of their places in the file (stable: at one place,
    # in the order they were found); without positions, errors keep the document's order.
    errors = sorted((f for f in kept if f.severity == "error"), key=_place)
    others = sorted((f for f in kept if f.severity != "error"), key=_place)
    return errors + others


def _where(finding: Finding, locator: Locator | None) -> tuple[int, int] | None:
    """The line and column of a finding: of its JSON pointer, or for text that is no JSON (or YAML) at
    all, of the mistake."""
    if locator is None:
        return None
    if finding.rule == "document" and finding.severity == "error":
        found = locator.syntax_error()
        if found is not None:
            return found
    return locator.locate(finding.path, finding.offset)


def _undecodable(raw: bytes) -> tuple[int, int] | None:
    """Line and column (in characters) of the first byte that is not UTF-8 in bytes that `decode` refused."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as err:
        start = raw.rfind(b"\n", 0, err.start) + 1
        return raw.count(b"\n", 0, err.start) + 1, len(raw[start : err.start].decode("utf-8", "replace")) + 1
    return None


def _place(finding: Finding) -> tuple[bool, int, int]:
    return (finding.line is None, finding.line or 0, finding.column or 0)


_YAML_OCTAL = re.compile(r"[-+]?0[0-7_]+")
_YAML_NUMBER = re.compile(r"[-+]?(?:0[xo]?)?[0-9a-fA-F_]+(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?")


def _yaml_number(finding: Finding, locator: Locator) -> Finding:
    """A number where text belongs: say what YAML made of the unquoted text, and how to quote it.

    The trap is ``fileMode: 0755``: YAML reads an unquoted 0755 as the octal number 493.
    """
    if finding.rule != "type" or "expected a string, found number" not in finding.message:
        return finding
    raw = locator.source(finding.path)
    if raw is None or not _YAML_NUMBER.fullmatch(raw):
        return finding
    if _YAML_OCTAL.fullmatch(raw):
        number = finding.message.rpartition("found number ")[2]
        hint = f": YAML reads an unquoted {raw} as the octal number {number}; quote it: '{raw}'"
    else:
        hint = f": YAML reads an unquoted {raw} as a number; quote it: '{raw}'"
    return replace(finding, message=finding.message + hint)


def decode(data: str | bytes) -> str | None:
    """The text of a file's bytes (UTF-8, or UTF-8 and UTF-16 with a byte order mark), or `None`."""
    if isinstance(data, str):
        return data
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
