"""`batchprep rules`: the behaviour rules, their codes, names and severities."""

from __future__ import annotations

import click

from batchprep.cli._app import cli, json_text
from batchprep.lint.config import ConfigError, check_selectors, selected
from batchprep.lint.findings import Finding
from batchprep.lint.rules import RULES


@cli.command()
@click.argument("selectors", metavar="[RULE...]", nargs=-1)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a line per rule. json: an array of {code, name, severity, summary, url, tasks} (tasks: the "
    "tasks the rule looks at, preparation and release).",
)
def rules(selectors: tuple[str, ...], output: str) -> None:
    """List the behaviour rules of batchprep check, or those RULE names (codes, prefixes, names).

    \b
    Examples:
      batchprep rules
      batchprep rules BP2 not-idempotent
      batchprep rules --format json
    """
    try:
        chosen = check_selectors(selectors, "batchprep rules") if selectors else ("ALL",)
    except ConfigError as err:
        raise click.UsageError(str(err)) from None
    listed = [r for r in RULES.values() if selected(Finding("", "", r.name, r.severity, r.code), chosen)]
    if output == "json":
        records = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity,
                "summary": r.summary,
                "url": r.url,
                "tasks": list(r.tasks),
            }
            for r in listed
        ]
        click.echo(json_text(records, compact=False))
        return
    width = max(len(r.name) for r in RULES.values())
    for rule in listed:
        click.echo(f"{rule.code}  {rule.severity:<7}  {rule.name:<{width}}  {rule.summary}")
