"""`batchprep check`: every problem of each file in one run."""

from __future__ import annotations

import click

from batchprep.cli._app import (
    EXIT_UNREADABLE,
    KIND_OPTION,
    WAIVE_OPTION,
    Finding,
    Unreadable,
    cli,
    findings,
    json_text,
    plural,
    read,
)


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
@KIND_OPTION
@WAIVE_OPTION
@click.pass_context
def check(ctx: click.Context, files: tuple[str, ...], output: str, quiet: bool, kind: str, waive: tuple[str, ...]) -> None:
    """Report every problem of each FILE in one run (- reads stdin).

    Problems are what the Batch service would refuse: values of the wrong JSON type, malformed
    durations, and broken rules (a task ID with a space, a resource file without a source...). All of a
    file's problems are reported together, not only the first. Warnings (severity "warning") do not
    change the exit code: a body near the service's size limits [size], and properties batchprep does
    not know [unknown], which it keeps when reading but leaves out when sending.

    A FILE may hold a Job Preparation Task, a Job Release Task, a whole Job - Add body or a job
    schedule (see --as): in a job, its jobPreparationTask and jobReleaseTask are checked, with paths
    from the document's root, and so are the rules that tie them (a release task needs a preparation
    task, the two IDs differ); the rest of the job is left alone.

    \b
    Examples:
      batchprep check task.json
      batchprep check tasks/*.json tasks/*.yaml
      batchprep check job.json release-task.json
      batchprep check --as release cleanup.json
      batchprep check --format json task.json | jq '.[] | select(.severity == "error")'

    Exit codes: 0 no problems (warnings allowed), 1 a file has problems, 2 a file cannot be read.
    """
    found: list[Finding] = []
    unreadable = invalid = 0
    for file in files:
        try:
            report = read(file, kind, waive)
        except Unreadable as err:
            unreadable += 1
            err.show()
            continue
        invalid += not report.ok
        found.extend(findings(file, report))
    if output == "json":
        click.echo(json_text([f.record() for f in found], compact=False))
    else:
        for finding in found:
            click.echo(finding.text())
    if not quiet:
        errors = sum(f.severity == "error" for f in found)
        parts = []
        if len(files) > unreadable:
            checked = f"checked {plural(len(files) - unreadable, 'file')}: "
            checked += plural(errors, "problem") if errors else "no problems"
            if len(found) > errors:
                checked += f", {plural(len(found) - errors, 'warning')}"
            parts.append(checked)
        if unreadable:
            parts.append(f"{plural(unreadable, 'file')} could not be read")
        click.secho("; ".join(parts), err=True, fg="red" if errors or unreadable else "green")
    ctx.exit(EXIT_UNREADABLE if unreadable else 1 if invalid else 0)
