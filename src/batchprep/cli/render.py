"""`batchprep render`: the canonical REST body of a file."""

from __future__ import annotations

import click

from batchprep.cli._app import KIND_OPTION, WAIVE_OPTION, cli, findings, json_text, parse, read_bytes, styled


@cli.command()
@click.argument("file")
@click.option("--compact", is_flag=True, help="One line instead of indented JSON.")
@click.option(
    "--keep-unknown",
    is_flag=True,
    help="Also write the properties batchprep does not know (by default they are left out, as serialize() does).",
)
@KIND_OPTION
@WAIVE_OPTION
@click.pass_context
def render(ctx: click.Context, file: str, compact: bool, keep_unknown: bool, kind: str, waive: tuple[str, ...]) -> None:
    """Print the REST body batchprep sends for FILE (- reads standard input), as JSON.

    The body is canonical: properties in the order the model declares them, durations and enum values
    in the service's spelling. In a job or a job schedule, the tasks are rendered so and the rest of
    the body is printed as it was. An invalid FILE prints its problems to stderr, as check does, and
    exits with 1; warnings go to stderr too.

    \b
    Examples:
      batchprep render task.yaml > task.json
      batchprep render --compact task.json
      batchprep render --waive release-wall-clock-limit job.json
    """
    data = read_bytes(file)
    report = parse(file, data, kind, waive)
    for finding in findings(file, report, data):
        if not (keep_unknown and finding.rule == "unknown"):
            click.echo(styled(finding), err=True)
    if report.model is None or report.problems:
        ctx.exit(1)
        return
    try:
        text = json_text(report.body(send_additional_properties=keep_unknown), compact)
    except (TypeError, ValueError) as err:  # an unknown property holding a YAML date, bytes, NaN...
        click.echo(f"{file}: an unknown property holds a value JSON cannot carry ({err}) [document]", err=True)
        ctx.exit(1)
        return
    click.echo(text)
