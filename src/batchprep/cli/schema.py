"""`batchprep schema`: the JSON Schema generated from the models."""

from __future__ import annotations

import click

from batchprep.cli._app import cli, json_text
from batchprep.schema import json_schema


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
    click.echo(json_text(json_schema(), compact))
