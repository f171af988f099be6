"""The `batchprep` command line: one module per command, registered on the group in `_app`.

The commands work on the REST body of a Job Preparation Task (the `jobPreparationTask` object of
the Batch REST API), of its twin the Job Release Task, or of a whole job with them in it, written as
JSON, or as YAML with the `yaml` extra; `status` reads what the service reports about them per
node.  The work is done by the library: `batchprep.lint` finds the problems (`batchprep.lint.rules`
the behaviour rules), `serialize()` renders,
`batchprep.schema` and `batchprep.example` give the schema and the example, `batchprep.status`
reads status lists.  docs/cli.md is the manual.

Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
"""

from batchprep.cli import check, example, render, rules, run, schema, status  # noqa: F401 - each registers its command
from batchprep.cli._app import cli, main

__all__ = ["cli", "main"]
