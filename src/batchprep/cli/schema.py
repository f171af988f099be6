"""`batchprep schema`: the JSON Schema generated from the models."""

from __future__ import annotations

import click

from batchprep.cli._app import cli, json_text
from batchprep.model import Model
from batchprep.models import JobPreparationAndRelease, JobPreparationTask, JobReleaseTask
from batchprep.schema import json_schema


_BODIES: dict[str | None, type[Model]] = {None: JobPreparationTask, "release": JobReleaseTask, "job": JobPreparationAndRelease}


@cli.command()
@click.option("--compact", is_flag=True, help="One line instead of indented JSON.")
@click.option("--release", "kind", flag_value="release", help="The schema of a Job Release Task body instead.")
@click.option(
    "--job",
    "kind",
    flag_value="job",
    help="The schema of the part of a job body batchprep checks: jobPreparationTask and jobReleaseTask (any other "
    "property is allowed).",
)
def schema(compact: bool, kind: str | None) -> None:
    """Print a JSON Schema (draft 2020-12) of the task body.

    It is generated from batchprep's model declarations: types, required properties, known enum
    values, and the service rules JSON Schema can express. It accepts every body batchprep accepts
    (null for an optional property, unknown properties, enum values from newer services);
    batchprep check also checks the rules it cannot express.

    \b
    Examples:
      batchprep schema > job-preparation-task.schema.json
      batchprep schema --release > job-release-task.schema.json
      batchprep schema --job > job.schema.json
    """
    click.echo(json_text(json_schema(_BODIES[kind]), compact))
