"""`batchprep example`: a complete task to start from."""

from __future__ import annotations

import click

from batchprep.cli._app import cli
from batchprep.example import example_json, example_yaml


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
