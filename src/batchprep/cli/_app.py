"""The `batchprep` command group and what its commands share: reading files, findings, exit codes.

A command lives in a module of its own in this package and registers itself on `cli`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from batchprep import __version__
from batchprep.lint import Report, check_text
from batchprep.lint.config import DOCUMENT_WARNINGS, Settings
from batchprep.lint.findings import Finding
from batchprep.lint.output.text import text_line
from batchprep.lint.run import decode, findings_of, syntax_of

__all__ = [
    "DOCUMENT_CHECKS",
    "EXIT_UNREADABLE",
    "Unreadable",
    "cli",
    "findings",
    "json_text",
    "load",
    "main",
    "no_yaml",
    "parse",
    "plural",
    "read",
    "styled",
]

#: The exit code for a usage error or a file that cannot be read (click uses 2 for usage errors too).
EXIT_UNREADABLE = 2


class Unreadable(click.ClickException):
    """A file that cannot be read at all: missing, a directory, no permission, or YAML without PyYAML."""

    exit_code = EXIT_UNREADABLE


def load(file: str) -> bytes:
    """The bytes of a file, or `Unreadable` saying why there are none."""
    try:
        return Path(file).read_bytes()
    except OSError as err:
        raise Unreadable(f"cannot read {file}: {err.strerror or err}") from None


def no_yaml(file: str) -> Unreadable:
    """The error for a YAML file when PyYAML is not installed."""
    return Unreadable(f"cannot read {file}: YAML files need PyYAML: pip install 'batchprep[yaml]'")


def parse(file: str, data: bytes) -> Report:
    """Check the bytes of a file: YAML if its name ends in .yaml or .yml, JSON otherwise."""
    try:
        return check_text(data, syntax=syntax_of(file))
    except ImportError:
        raise no_yaml(file) from None


def read(file: str) -> Report:
    """Read and check one file: YAML if its name ends in .yaml or .yml, JSON otherwise."""
    return parse(file, load(file))


#: What `render` reports beside the body: the document checks, not the behaviour rules.
DOCUMENT_CHECKS = Settings(select=DOCUMENT_WARNINGS)


def findings(file: str, report: Report, data: bytes, settings: Settings = DOCUMENT_CHECKS) -> list[Finding]:
    """A file's findings, at their lines and columns; by default the document checks' only."""
    return findings_of(report, decode(data), syntax_of(file), file=file, settings=settings)


_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _style(text: str, kind: str, finding: Finding) -> str:
    if kind == "file":
        return click.style(text, bold=True)
    return click.style(text, fg=_COLOURS[finding.severity])


def styled(finding: Finding) -> str:
    """A finding as a line of text, coloured (click leaves the colour out when it is not a terminal)."""
    return text_line(finding, _style)


def json_text(value: Any, compact: bool) -> str:
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="batchprep", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Check and render Azure Batch Job Preparation Task bodies.

    A file holds the REST body of a Job Preparation Task (the "jobPreparationTask" object of the Batch
    REST API's Job - Add) as JSON, or as YAML (.yaml or .yml, needs: pip install 'batchprep[yaml]').

    \b
    Examples:
      batchprep example > task.json           a complete task to start from
      batchprep check task.json               list every problem, exit 1 if there is one
      batchprep rules                         the behaviour rules check applies
      batchprep render task.json              the body batchprep would send
      batchprep schema > task.schema.json     a JSON Schema for editors

    \b
    Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
    Colour is used on a terminal only, and never when NO_COLOR is set.
    """
    if os.environ.get("NO_COLOR"):
        ctx.color = False


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; the `batchprep` console script and `python -m batchprep` call this.

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when not given.
    """
    cli.main(args=list(argv) if argv is not None else None, prog_name="batchprep")  # also as python -m batchprep
