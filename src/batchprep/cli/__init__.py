"""The `batchprep` command line: one module per command, registered on the group in `_app`.

The commands work on the REST body of a Job Preparation Task (the `jobPreparationTask` object of
the Batch REST API), of its twin the Job Release Task, or of a whole job with them in it, written as
JSON, or as YAML with the `yaml` extra; `status` reads what the service reports about them per
node.  The work is done by the library: `batchprep.lint` finds the problems (`batchprep.lint.rules`
the behaviour rules), `serialize()` renders,
`batchprep.schema` and `batchprep.example` give the schema and the example, `batchprep.status`
reads status lists, `batchprep.node` runs a task on a local node.  docs/cli.md is the manual.

A command's module is imported only when that command runs (or shows its help): `batchprep run`
does not load the behaviour rules, the schema or the status reader, and `batchprep --help` lists
the commands from `COMMANDS` without importing any of them.

Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
"""

import gc

# A command's process imports click and the checker here: as in batchprep/__init__.py, the cyclic
# collector is paused while they build their long-lived objects, which are then frozen (left out of
# every later collection, which only has the command's own objects to look at).
_resume_gc = gc.isenabled()
gc.disable()
try:
    from batchprep.cli._app import cli, main
finally:
    gc.freeze()
    if _resume_gc:
        gc.enable()
    del _resume_gc

__all__ = ["COMMANDS", "cli", "main"]

#: Every command: the module that defines it (and registers it on `cli` when imported), and its short
#: help as `batchprep --help` lists it (the first sentence of its help; tests/test_cli.py checks both
#: against the commands themselves). A new command needs its row here.
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "batchprep.cli.check",
        "Report every problem of each FILE (- reads standard input), and what the task will do on a node.",
    ),
    "example": ("batchprep.cli.example", "Print a complete, valid Job Preparation Task body to start from."),
    "render": (
        "batchprep.cli.render",
        "Print the REST body batchprep sends for FILE (- reads standard input), as JSON.",
    ),
    "rules": (
        "batchprep.cli.rules",
        "List the behaviour rules of batchprep check, or those RULE names (codes, prefixes, names).",
    ),
    "run": ("batchprep.cli.run", "Run the Job Preparation Task of TASK_FILE on a local node, as a Batch node would."),
    "schema": ("batchprep.cli.schema", "Print a JSON Schema (draft 2020-12) of the task body."),
    "status": (
        "batchprep.cli.status",
        "Show how the job's preparation and release tasks went on each node, and every failure.",
    ),
}
