"""The `batchprep` command line: one module per command, registered on the group in `_app`.

Every command works on the REST body of a Job Preparation Task (the `jobPreparationTask` object of
the Batch REST API), written as JSON, or as YAML with the `yaml` extra.  The work is done by the
library: `batchprep.lint` finds the problems, `serialize()` renders, `batchprep.schema`
and `batchprep.example` give the schema and the example.  docs/cli.md is the manual.

Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
"""

from batchprep.cli import check, example, render, run, schema  # noqa: F401 - each registers its command
from batchprep.cli._app import cli, main

__all__ = ["cli", "main"]
