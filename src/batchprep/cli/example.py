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
@click.option("--release", is_flag=True, help="A Job Release Task instead (with --job: the job holds one).")
@click.option("--job", is_flag=True, help="A Job - Add body with a preparation task and a release task.")
def example(output: str, release: bool, job: bool) -> None:
    """Print a complete, valid Job Preparation Task body to start from.

    JSON has no comments, so the JSON example (the default) is the bare body; the YAML one explains
    each property in comments. --release prints a Job Release Task; --job a whole job with both
    tasks in it, which --release does not change (its release task is there already).

    \b
    Examples:
      batchprep example > task.json && batchprep check task.json
      batchprep example --format yaml > task.yaml
      batchprep example --release > release-task.json
      batchprep example --job --format yaml > job.yaml
    """
    kind = "job" if job else "release" if release else "preparation"
    click.echo(example_json(kind) if output == "json" else example_yaml(kind), nl=output == "json")
