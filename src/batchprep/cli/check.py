"""`batchprep check`: every problem of each file in one run, and what the task will do on a node."""

from __future__ import annotations

from pathlib import Path

import click

from batchprep.cli._app import (
    EXIT_UNREADABLE,
    KIND_OPTION,
    WAIVE_OPTION,
    Unreadable,
    cli,
    findings,
    parse,
    plural,
    read_bytes,
    styled,
)
from batchprep.lint.config import ConfigError, Settings, load_settings
from batchprep.lint.findings import Finding
from batchprep.lint.output import FORMATS


def _selectors(values: tuple[str, ...]) -> list[str] | None:
    return [s for v in values for s in v.split(",")] if values else None


@cli.command()
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="text: one line per finding, FILE:LINE:COLUMN: /json/pointer: message [rule]. json: a JSON array of "
    "{file, line, column, path, code, rule, severity, message, url}. github: GitHub Actions annotations. "
    "sarif: a SARIF 2.1.0 log.",
)
@click.option(
    "--select",
    multiple=True,
    metavar="RULES",
    help="Report only these rules: codes (BP101), code prefixes (BP1), names (unexpanded-variable), ALL; "
    "comma-separated or repeated. Errors are always reported.",
)
@click.option("--ignore", multiple=True, metavar="RULES", help="Do not report these rules (as --select names them).")
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="The least severe finding that makes the exit code 1 [default: error].",
)
@click.option("--strict", is_flag=True, help="Warnings fail too: the same as --severity warning.")
@click.option(
    "--config",
    "config",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Read [tool.batchprep] from this pyproject.toml instead of looking from the working directory up.",
)
@click.option("--isolated", is_flag=True, help="Ignore every pyproject.toml: the defaults and these options only.")
@click.option("-q", "--quiet", is_flag=True, help="Leave out the summary line on stderr.")
@KIND_OPTION
@WAIVE_OPTION
@click.pass_context
def check(
    ctx: click.Context,
    files: tuple[str, ...],
    output: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    severity: str | None,
    strict: bool,
    config: Path | None,
    isolated: bool,
    quiet: bool,
    kind: str,
    waive: tuple[str, ...],
) -> None:
    """Report every problem of each FILE (- reads standard input), and what the task will do on a node.

    Errors are what the Batch service would refuse: values of the wrong JSON type, malformed
    durations, broken rules (a task ID with a space, a resource file without a source...). All of a
    file's errors are reported together, not only the first.

    Warnings and infos do not change the exit code unless --strict (or --severity) says so: a body
    near the service's size limits [size], properties batchprep does not know [unknown], and the
    behaviour rules [BP101 unexpanded-variable...]: a valid task that will not do on the node what
    its author meant. `batchprep rules` lists them; docs/rules.md explains each.

    A FILE may hold a Job Preparation Task, a Job Release Task, a whole Job - Add body or a job
    schedule (see --as): in a job, its jobPreparationTask and jobReleaseTask are checked, with paths
    from the document's root, and so are the rules that tie them (a release task needs a preparation
    task, the two IDs differ) and the job's id and commonEnvironmentSettings; the rest of the job is
    left alone. The behaviour rules look at both tasks.

    Settings come from [tool.batchprep] in the nearest pyproject.toml (select, ignore, severity,
    strict, per-file-ignores); a YAML file can opt out with a comment: # batchprep: disable=BP301

    \b
    Examples:
      batchprep check task.json
      batchprep check tasks/*.json tasks/*.yaml
      batchprep check job.json release-task.json
      batchprep check --as release cleanup.json
      cat task.yaml | batchprep check -
      batchprep check --strict --ignore BP305 task.yaml
      batchprep check --format github tasks/*.json     (in a GitHub Actions workflow)
      batchprep check --format sarif task.json > batchprep.sarif
      batchprep check --format json task.json | jq '.[] | select(.severity == "error")'

    Exit codes: 0 nothing failed, 1 a finding at or above the severity threshold, 2 a usage error or a
    file that cannot be read.
    """
    try:
        settings = Settings() if isolated else load_settings(file=config)
        settings = settings.override(
            select=_selectors(select), ignore=_selectors(ignore), severity=severity, strict=strict
        )
    except ConfigError as err:
        raise click.UsageError(str(err)) from None
    found: list[Finding] = []
    unreadable: list[Finding] = []  # in the machine formats too: a pipeline must not see "no problems"
    for file in files:
        try:
            data = read_bytes(file)
            found.extend(findings(file, parse(file, data, kind, waive), data, settings))
        except Unreadable as err:
            unreadable.append(Finding("", err.message, "unreadable", "error", file=file))
            err.show()
    if output == "text":
        text = "\n".join(styled(f) for f in found)
    else:
        text = FORMATS[output]([*unreadable, *found], files)
    if text or output in ("json", "sarif"):
        click.echo(text)
    failed = any(settings.fails(f) for f in found)
    if not quiet:
        _summary(found, len(files), len(unreadable), failed)
    ctx.exit(EXIT_UNREADABLE if unreadable else 1 if failed else 0)


def _summary(found: list[Finding], files: int, unreadable: int, failed: bool) -> None:
    counts = {s: sum(f.severity == s for f in found) for s in ("error", "warning", "info")}
    parts = []
    if files > unreadable:
        checked = f"checked {plural(files - unreadable, 'file')}: "
        checked += plural(counts["error"], "problem") if counts["error"] else "no problems"
        if counts["warning"]:
            checked += f", {plural(counts['warning'], 'warning')}"
        if counts["info"]:
            checked += f", {counts['info']} info"
        parts.append(checked)
    if unreadable:
        parts.append(f"{plural(unreadable, 'file')} could not be read")
    click.secho("; ".join(parts), err=True, fg="red" if failed or unreadable else "green")
