"""The `batchprep` command line: check, render, schema and example.

Every command works on the REST body of a Job Preparation Task (the `jobPreparationTask` object of
the Batch REST API), written as JSON, or as YAML with the `yaml` extra.  The work is done by the
library: `batchprep.lint` finds the problems, `serialize()` renders, `batchprep.schema`
and `batchprep.example` give the schema and the example.  docs/cli.md is the manual.

Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from batchprep import __version__
from batchprep.example import example_json, example_yaml
from batchprep.lint import Report, check_text
from batchprep.schema import json_schema

__all__ = ["cli", "main"]

#: The exit code for a usage error or a file that cannot be read (click uses 2 for usage errors too).
EXIT_UNREADABLE = 2
_YAML_SUFFIXES = (".yaml", ".yml")


class Unreadable(click.ClickException):
    """A file that cannot be read at all: missing, a directory, no permission, or YAML without PyYAML."""

    exit_code = EXIT_UNREADABLE


@dataclass(frozen=True)
class _Finding:
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


def _read(file: str) -> Report:
    """Read and check one file: YAML if its name ends in .yaml or .yml, JSON otherwise."""
    try:
        data = Path(file).read_bytes()
    except OSError as err:
        raise Unreadable(f"cannot read {file}: {err.strerror or err}") from None
    if not file.lower().endswith(_YAML_SUFFIXES):
        return check_text(data)
    try:
        return check_text(data, syntax="yaml")
    except ImportError:
        raise Unreadable(f"cannot read {file}: YAML files need PyYAML: pip install 'batchprep[yaml]'") from None


def _findings(file: str, report: Report) -> list[_Finding]:
    return [_Finding(file, p.path, p.rule, p.message, "error") for p in report.problems] + [
        _Finding(file, w.path, w.rule, w.message, "warning") for w in report.warnings
    ]


def _json_text(value: Any, compact: bool) -> str:
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


def _plural(count: int, word: str) -> str:
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
      batchprep render task.json              the body batchprep would send
      batchprep schema > task.schema.json     a JSON Schema for editors

    \b
    Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
    Colour is used on a terminal only, and never when NO_COLOR is set.
    """
    if os.environ.get("NO_COLOR"):
        ctx.color = False


@cli.command()
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per finding, FILE: /json/pointer: message [rule]. "
    "json: a JSON array of {file, path, rule, message, severity}.",
)
@click.option("-q", "--quiet", is_flag=True, help="Leave out the summary line on stderr.")
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...], output: str, quiet: bool) -> None:
    """Report every problem of each FILE in one run.

    Problems are what the Batch service would refuse: values of the wrong JSON type, malformed
    durations, and broken rules (a task ID with a space, a resource file without a source...). All of a
    file's problems are reported together, not only the first. Warnings (severity "warning") do not
    change the exit code: a body near the service's size limits [size], and properties batchprep does
    not know [unknown], which it keeps when reading but leaves out when sending.

    \b
    Examples:
      batchprep check task.json
      batchprep check tasks/*.json tasks/*.yaml
      batchprep check --format json task.json | jq '.[] | select(.severity == "error")'

    Exit codes: 0 no problems (warnings allowed), 1 a file has problems, 2 a file cannot be read.
    """
    findings: list[_Finding] = []
    unreadable = invalid = 0
    for file in files:
        try:
            report = _read(file)
        except Unreadable as err:
            unreadable += 1
            err.show()
            continue
        invalid += not report.ok
        findings.extend(_findings(file, report))
    if output == "json":
        click.echo(_json_text([f.record() for f in findings], compact=False))
    else:
        for finding in findings:
            click.echo(finding.text())
    if not quiet:
        errors = sum(f.severity == "error" for f in findings)
        parts = []
        if len(files) > unreadable:
            checked = f"checked {_plural(len(files) - unreadable, 'file')}: "
            checked += _plural(errors, "problem") if errors else "no problems"
            if len(findings) > errors:
                checked += f", {_plural(len(findings) - errors, 'warning')}"
            parts.append(checked)
        if unreadable:
            parts.append(f"{_plural(unreadable, 'file')} could not be read")
        click.secho("; ".join(parts), err=True, fg="red" if errors or unreadable else "green")
    ctx.exit(EXIT_UNREADABLE if unreadable else 1 if invalid else 0)


@cli.command()
@click.argument("file")
@click.option("--compact", is_flag=True, help="One line instead of indented JSON.")
@click.option(
    "--keep-unknown",
    is_flag=True,
    help="Also write the properties batchprep does not know (by default they are left out, as serialize() does).",
)
@click.pass_context
def render(ctx: click.Context, file: str, compact: bool, keep_unknown: bool) -> None:
    """Print the REST body batchprep sends for FILE, as JSON.

    The body is canonical: properties in the order the model declares them, durations and enum values
    in the service's spelling. An invalid FILE prints its problems to stderr, as check does, and exits
    with 1; warnings go to stderr too.

    \b
    Examples:
      batchprep render task.yaml > task.json
      batchprep render --compact task.json
    """
    report = _read(file)
    for finding in _findings(file, report):
        if not (keep_unknown and finding.rule == "unknown"):
            click.echo(finding.text(), err=True)
    if report.model is None:
        ctx.exit(1)
        return
    options = {"send_additional_properties": True} if keep_unknown else {}
    try:
        text = _json_text(report.model.serialize(**options), compact)
    except (TypeError, ValueError) as err:  # an unknown property holding a YAML date, bytes, NaN...
        click.echo(f"{file}: an unknown property holds a value JSON cannot carry ({err}) [document]", err=True)
        ctx.exit(1)
        return
    click.echo(text)


@cli.command()
@click.option("--compact", is_flag=True, help="One line instead of indented JSON.")
def schema(compact: bool) -> None:
    """Print a JSON Schema (draft 2020-12) of the task body.

    It is generated from batchprep's model declarations: types, required properties, known enum
    values, and the service rules JSON Schema can express. It accepts every body batchprep accepts
    (null for an optional property, unknown properties, enum values from newer services);
    batchprep check also checks the rules it cannot express.

    \b
    Examples:
      batchprep schema > job-preparation-task.schema.json
    """
    click.echo(_json_text(json_schema(), compact))


@cli.command()
@click.option(
    "--format",
    "output",
    type=click.Choice(["json", "yaml"]),
    default="json",
    show_default=True,
    help="json: plain JSON, which any install can check. yaml: the same body with a comment on each part "
    "(checking YAML needs: pip install 'batchprep[yaml]').",
)
def example(output: str) -> None:
    """Print a complete, valid Job Preparation Task body to start from.

    JSON has no comments, so the JSON example (the default) is the bare body; the YAML one explains
    each property in comments.

    \b
    Examples:
      batchprep example > task.json && batchprep check task.json
      batchprep example --format yaml > task.yaml
    """
    click.echo(example_json() if output == "json" else example_yaml(), nl=output == "json")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; the `batchprep` console script and `python -m batchprep` call this.

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when not given.
    """
    cli.main(args=list(argv) if argv is not None else None)
