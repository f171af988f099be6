"""The `batchprep` command group and what its commands share: reading files, findings, exit codes.

A command lives in a module of its own in this package and registers itself on `cli`.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from batchprep import __version__, service_rules
from batchprep.lint import Report
from batchprep.lint.job import KINDS, BodyReport, check_body_text

__all__ = [
    "EXIT_UNREADABLE",
    "KIND_OPTION",
    "WAIVE_OPTION",
    "Finding",
    "Unreadable",
    "cli",
    "findings",
    "json_text",
    "main",
    "plural",
    "read",
    "read_bytes",
]

#: The exit code for a usage error or a file that cannot be read (click uses 2 for usage errors too).
EXIT_UNREADABLE = 2
_YAML_SUFFIXES = (".yaml", ".yml")


class Unreadable(click.ClickException):
    """A file that cannot be read at all: missing, a directory, no permission, or YAML without PyYAML."""

    exit_code = EXIT_UNREADABLE


@dataclass(frozen=True)
class Finding:
    """One line of `check`'s output."""

    file: str
    path: str
    rule: str
    message: str
    severity: str  # "error" or "warning"

    def text(self) -> str:
        rule = click.style(f"[{self.rule}]", fg="red" if self.severity == "error" else "yellow")
        return f"{click.style(self.file, bold=True)}: {self.path or '/'}: {self.message} {rule}"

    def record(self) -> dict[str, str]:
        return asdict(self)


def read_bytes(file: str) -> bytes:
    """The bytes of a file, or of stdin for ``-``."""
    if file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as err:
        raise Unreadable(f"cannot read {file}: {err.strerror or err}") from None


def read(file: str, kind: str = "auto", waive: Sequence[str] = ()) -> BodyReport:
    """Read and check one file (``-``: stdin): YAML if its name ends in .yaml or .yml, JSON otherwise.

    ``kind`` says what the body is (``auto``: see `batchprep.lint.job.kind_of`); problems of the
    service rules named in ``waive`` are left out.
    """
    data = read_bytes(file)
    try:
        if not file.lower().endswith(_YAML_SUFFIXES):
            return check_body_text(data, kind, waive=waive)
        return check_body_text(data, kind, syntax="yaml", waive=waive)
    except ImportError:
        raise Unreadable(f"cannot read {file}: YAML files need PyYAML: pip install 'batchprep[yaml]'") from None


def _known_rule_names(ctx: click.Context, param: click.Parameter, names: tuple[str, ...]) -> tuple[str, ...]:
    """``--waive`` takes service rule names only: a misspelt one is a usage error, with a hint."""
    try:
        service_rules.waived(names)
    except ValueError as err:
        raise click.BadParameter(str(err).removeprefix("waive=: ")) from None
    return names


#: ``--as``: what the files hold, for the commands that read bodies.
KIND_OPTION = click.option(
    "--as",
    "kind",
    type=click.Choice(KINDS),
    default="auto",
    show_default=True,
    help="What each FILE holds. auto: a Job Schedule body if it has jobSpecification; a job (Job - Add, or a "
    "jobSpecification) if it has jobPreparationTask, jobReleaseTask or poolInfo; a Job Release Task if it has "
    "maxWallClockTime or retentionTime at its top level (a preparation task keeps them under constraints); "
    "else a Job Preparation Task.",
)
#: ``--waive``: Batch service rules to let pass.
WAIVE_OPTION = click.option(
    "--waive",
    "waive",
    metavar="RULE",
    multiple=True,
    callback=_known_rule_names,
    help="Let the Batch service rule of this name pass (repeatable), for a service that accepts what the rule "
    "refuses; type problems are never waived. The names are in docs/service-rules.md.",
)


def findings(file: str, report: Report) -> list[Finding]:
    """The lines of a report: its problems, then its warnings."""
    return [Finding(file, p.path, p.rule, p.message, "error") for p in report.problems] + [
        Finding(file, w.path, w.rule, w.message, "warning") for w in report.warnings
    ]


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
    """Check and render Azure Batch Job Preparation Task bodies, and read their status.

    A file holds the REST body of a Job Preparation Task (the "jobPreparationTask" object of the Batch
    REST API's Job - Add), of a Job Release Task, of a whole job or job schedule with those tasks in
    it, as JSON, or as YAML (.yaml or .yml, needs: pip install 'batchprep[yaml]').

    \b
    Examples:
      batchprep example > task.json           a complete task to start from
      batchprep check task.json job.json      list every problem, exit 1 if there is one
      batchprep render task.json              the body batchprep would send
      batchprep schema > task.schema.json     a JSON Schema for editors
      batchprep status status.json            which nodes ran the tasks, which failed and why

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
    cli.main(args=list(argv) if argv is not None else None)
