"""The `batchprep` command group and what its commands share: reading files, findings, exit codes.

A command lives in a module of its own in this package and registers itself on `cli` when imported;
its row in `batchprep.cli.COMMANDS` tells the group which module to import when the command runs.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from batchprep import __version__, service_rules
from batchprep.lint import Report
from batchprep.lint.config import DOCUMENT_WARNINGS, Settings
from batchprep.lint.findings import Finding
from batchprep.lint.job import KINDS, BodyReport, check_body_text
from batchprep.lint.output.text import text_line
from batchprep.lint.run import decode, findings_of, syntax_of

__all__ = [
    "DOCUMENT_CHECKS",
    "EXIT_UNREADABLE",
    "KIND_OPTION",
    "WAIVE_OPTION",
    "Unreadable",
    "cli",
    "findings",
    "json_text",
    "main",
    "no_yaml",
    "parse",
    "plural",
    "read",
    "read_bytes",
    "styled",
    "syntax",
]

#: The exit code for a usage error or a file that cannot be read (click uses 2 for usage errors too).
EXIT_UNREADABLE = 2
#: The name that stands for standard input.
STDIN = "-"


class Unreadable(click.ClickException):
    """A file that cannot be read at all: missing, a directory, no permission, or YAML without PyYAML."""

    exit_code = EXIT_UNREADABLE


def read_bytes(file: str) -> bytes:
    """The bytes of a file, or of standard input for ``-``; `Unreadable` saying why there are none."""
    if file == STDIN:
        return sys.stdin.buffer.read()
    try:
        return Path(file).read_bytes()
    except OSError as err:
        raise Unreadable(f"cannot read {file}: {err.strerror or err}") from None



def syntax(file: str, data: bytes) -> str:
    """How to read a file: YAML if its name ends in .yaml or .yml; standard input is YAML unless it
    starts like JSON (with ``{`` or ``[``); anything else is JSON."""
    if file != STDIN:
        return syntax_of(file)
    text = decode(data)
    return "json" if text is None or text.lstrip("\ufeff \t\r\n")[:1] in ("{", "[", "") else "yaml"


def no_yaml(file: str) -> Unreadable:
    """The error for a YAML file when PyYAML is not installed."""
    return Unreadable(f"cannot read {file}: YAML files need PyYAML: pip install 'batchprep[yaml]'")


def parse(file: str, data: bytes, kind: str = "auto", waive: Sequence[str] = ()) -> BodyReport:
    """Check the bytes of a file (see `syntax`), read as ``kind`` (see `batchprep.lint.job.kind_of`);
    problems of the service rules named in ``waive`` are left out."""
    try:
        return check_body_text(data, kind, syntax=syntax(file, data), waive=waive)
    except ImportError:
        raise no_yaml(file) from None


def read(file: str, kind: str = "auto", waive: Sequence[str] = ()) -> BodyReport:
    """Read and check one file (``-``: standard input)."""
    return parse(file, read_bytes(file), kind, waive)


#: What `render` reports beside the body: the document checks, not the behaviour rules.
DOCUMENT_CHECKS = Settings(select=DOCUMENT_WARNINGS)


def findings(file: str, report: Report, data: bytes, settings: Settings = DOCUMENT_CHECKS) -> list[Finding]:
    """A file's findings, at their lines and columns; by default the document checks' only."""
    return findings_of(report, decode(data), syntax(file, data), file=file, settings=settings, raw=data)


_COLOURS = {"error": "red", "warning": "yellow", "info": "cyan"}


def _style(text: str, kind: str, finding: Finding) -> str:
    if kind == "file":
        return click.style(text, bold=True)
    return click.style(text, fg=_COLOURS[finding.severity])


def styled(finding: Finding) -> str:
    """A finding as a line of text, coloured (click leaves the colour out when it is not a terminal)."""
    return text_line(finding, _style)


def _known_rule_names(ctx: click.Context, param: click.Parameter, names: tuple[str, ...]) -> tuple[str, ...]:
    """``--waive`` takes service rule names only: a misspelt one is a usage error, with a hint."""
    try:
        service_rules.waived(names)
    except ValueError as err:
        raise click.BadParameter(str(err).removeprefix("waive=: ")) from None
    return names


#: ``--as``: what the files hold, for the commands that read bodies.
KIND_OPTION = click.option(
    "--as",
    "kind",
    type=click.Choice(KINDS),
    default="auto",
    show_default=True,
    help="What each FILE holds. auto: a Job Schedule body if it has jobSpecification; a job (Job - Add, or a "
    "jobSpecification) if it has jobPreparationTask, jobReleaseTask or poolInfo; a Job Release Task if it has "
    "maxWallClockTime or retentionTime at its top level (a preparation task keeps them under constraints), "
    "which an info [kind] says; else a Job Preparation Task.",
)
#: ``--waive``: Batch service rules to let pass.
WAIVE_OPTION = click.option(
    "--waive",
    "waive",
    metavar="RULE",
    multiple=True,
    callback=_known_rule_names,
    help="Let the Batch service rule of this name pass (repeatable), for a service that accepts what the rule "
    "refuses; type problems are never waived. The names are in docs/service-rules.md.",
)


def json_text(value: Any, compact: bool) -> str:
    if compact:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _table() -> dict[str, tuple[str, str]]:
    from batchprep.cli import COMMANDS  # the package defines it after importing this module

    return COMMANDS


class LazyGroup(click.Group):
    """A command group that imports a command's module only when the command is used.

    The names and short help of the commands not imported yet come from `batchprep.cli.COMMANDS`,
    so ``batchprep --help`` lists every command, written by click as for loaded commands, without
    importing one.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*_table(), *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        table = _table()
        if cmd_name not in self.commands and cmd_name in table:
            importlib.import_module(table[cmd_name][0])  # the module registers its command on this group
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        table = _table()
        listed = [
            self.commands[name] if name in self.commands else click.Command(name, help=table[name][1])
            for name in self.list_commands(ctx)
        ]
        click.Group(commands=listed).format_commands(ctx, formatter)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="batchprep", message="%(prog)s %(version)s")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Check, render and run Azure Batch Job Preparation Task bodies, and read their status.

    A file holds the REST body of a Job Preparation Task (the "jobPreparationTask" object of the Batch
    REST API's Job - Add), of a Job Release Task, of a whole job or job schedule with those tasks in
    it, as JSON, or as YAML (.yaml or .yml, needs: pip install 'batchprep[yaml]'); - reads standard input.

    \b
    Examples:
      batchprep example > task.json           a complete task to start from
      batchprep check task.json job.json      list every problem, exit 1 if there is one
      batchprep rules                         the behaviour rules check applies
      batchprep render task.json              the body batchprep would send
      batchprep schema > task.schema.json     a JSON Schema for editors
      batchprep status status.json            which nodes ran the tasks, which failed and why
      batchprep run job.json --node-dir DIR   run the preparation task on a local node

    \b
    Exit codes: 0 all good, 1 a file has problems, 2 a usage error or a file that cannot be read.
    Colour is used on a terminal only, and never when NO_COLOR is set.
    """
    if os.environ.get("NO_COLOR"):
        ctx.color = False


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and end the process; the `batchprep` console script and `python -m batchprep`
    call this (it raises `SystemExit` with the exit code, as click does).

    Args:
        argv: The arguments after the program name; `sys.argv[1:]` when not given.
    """
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="batchprep")  # also as python -m batchprep
    finally:
        # The process ends now. Python's shutdown would run the cyclic garbage collector over the tens
        # of thousands of objects the imports made, more than once (a tenth of a short command's time);
        # frozen, they are left for the operating system to reclaim. Nothing waits for a finalizer at
        # exit: files, locks and processes are closed by with-blocks, and the shutdown still flushes
        # the standard streams.
        gc.freeze()
