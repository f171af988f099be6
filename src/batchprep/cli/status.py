"""`batchprep status`: how a job's preparation and release tasks went on each node, and why they failed."""

from __future__ import annotations

import datetime
from typing import Any

import click

from batchprep.cli._app import EXIT_UNREADABLE, Unreadable, cli, json_text, plural, read_bytes
from batchprep._primitives import dump_iso
from batchprep.durations import format_duration
from batchprep.errors import DeserializationError
from batchprep.models import JobPreparationAndReleaseTaskExecutionInformation as Entry
from batchprep.redact import mask_sas_signature, mask_secrets
from batchprep.status import TaskFailure, duration, failed, failures, read_status_page

_NONE = "-"


@cli.command()
@click.argument("files", metavar="FILE...", nargs=-1, required=True)
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: a table with one line per node, then each failure. json: an object with nodes and failures.",
)
@click.option("-q", "--quiet", is_flag=True, help="Leave out the summary line on stderr.")
@click.pass_context
def status(ctx: click.Context, files: tuple[str, ...], output: str, quiet: bool) -> None:
    """Show how the job's preparation and release tasks went on each node, and every failure.

    Each FILE (- reads stdin) is a saved response of List Preparation and Release Task Status
    (GET {account}/jobs/{job}/jobpreparationandreleasetaskstatus, {"value": [...]}), or a JSON array of
    its entries, or one entry (one node's, as batchprep run --release --format json prints it) or one
    node's JobPreparationTaskExecutionInformation (as batchprep run --format json prints it); several
    FILEs are the pages of one list. Any other JSON object, such as an error response of the service,
    is refused (exit 2). One line per node shows the preparation
    task's state, result, exit code, retries and how long it took, and the release task's state and
    result; then each failed task with its category, code, message and details. A failed preparation
    task is easy to miss: the job's tasks just stay active.

    \b
    Examples:
      batchprep status status.json
      batchprep status --format json page-1.json page-2.json
      curl -s -H "Authorization: Bearer $TOKEN" "$ACCOUNT/jobs/job-1/jobpreparationandreleasetaskstatus?api-version=2024-07-01.20.0" | batchprep status -

    Exit codes: 0 no task failed, 1 a task failed on some node, 2 a file cannot be read or is not a
    status list.
    """
    entries: list[Entry] = []
    next_link = None
    for file in files:
        try:
            page = read_status_page(read_bytes(file), single=True)
        except Unreadable as err:
            err.show()
            ctx.exit(EXIT_UNREADABLE)
            return
        except DeserializationError as err:
            for problem in err.errors or []:
                click.echo(f"{file}: {problem}", err=True)
            if not err.errors:
                click.echo(f"{file}: {err} [document]", err=True)
            click.secho(f"{file} is not a status list page", err=True, fg="red")
            ctx.exit(EXIT_UNREADABLE)
            return
        entries.extend(page.value or [])
        next_link = page.next_link
    found = failures(entries)
    if output == "json":
        click.echo(json_text(mask_secrets({"nodes": [_node_record(e) for e in entries], "failures": [_failure_record(f) for f in found]}), compact=False))
    else:
        _table(entries)
        if found:
            click.echo()
            for failure in found:
                _explain(failure)
    if not quiet:
        failed_nodes = len({(f.pool_id, f.node_id) for f in found})
        running = sum(_state(e.job_preparation_task_execution_info) == "running" for e in entries)
        summary = plural(len(entries), "node") + ": "
        summary += f"{failed_nodes} with a failed task" if failed_nodes else "no failed task"
        if running:
            summary += f", {running} still preparing"
        click.secho(summary, err=True, fg="red" if found else "green")
    if next_link:  # said even with --quiet: the list is incomplete
        click.secho(f"the last page links to another one (odata.nextLink); its nodes are not shown: {next_link}", err=True, fg="yellow")
    ctx.exit(1 if found else 0)


def _text(value: Any) -> str:
    """A value of the enum or text kind as the service spells it, ``-`` when absent."""
    if value is None:
        return _NONE
    return str(getattr(value, "value", value))


def _state(info: Any) -> str:
    return _text(None if info is None else info.state)


def _took(span: datetime.timedelta | None) -> str:
    """A short duration for people: 850ms, 12.5s, 1m30s, 2h05m, 3d04h."""
    if span is None:
        return _NONE
    seconds = span.total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s".replace(".0s", "s")
    minutes, second = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{second:02}s"
    hours, minute = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minute:02}m"
    days, hour = divmod(hours, 24)
    return f"{days}d{hour:02}h"


def _row(entry: Entry) -> list[str]:
    prep, release = entry.job_preparation_task_execution_info, entry.job_release_task_execution_info
    return [
        _text(entry.node_id),
        _state(prep),
        _text(None if prep is None else prep.result),
        _text(None if prep is None else prep.exit_code),
        _text(None if prep is None else prep.retry_count),
        _took(duration(prep)),
        _state(release),
        _text(None if release is None else release.result),
    ]


_HEADER = ["NODE", "PREPARATION", "RESULT", "EXIT", "RETRIES", "TOOK", "RELEASE", "RESULT"]


def _table(entries: list[Entry]) -> None:
    rows = [_HEADER, *(_row(entry) for entry in entries)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER))]
    for number, row in enumerate(rows):
        line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip()
        failed_row = number > 0 and (row[2] == "failure" or row[7] == "failure" or _failed(entries[number - 1]))
        click.secho(line, bold=number == 0, fg="red" if failed_row else None)


def _failed(entry: Entry) -> bool:
    return failed(entry.job_preparation_task_execution_info) or failed(entry.job_release_task_execution_info)


def _explain(failure: TaskFailure) -> None:
    where = _text(failure.node_id) + (f" (pool {failure.pool_id})" if failure.pool_id else "")
    cause = " ".join(part for part in (failure.category, failure.code) if part) or "no failure information"
    exit_code = f", exit code {failure.exit_code}" if failure.exit_code is not None else ""
    retries = f", {plural(failure.retry_count, 'retry').replace('retrys', 'retries')}" if failure.retry_count else ""
    click.secho(f"{where}: the {failure.task} task failed{exit_code}{retries}: {cause}", fg="red", bold=True)
    if failure.message:
        click.echo(f"  {mask_sas_signature(failure.message)}")
    for pair in (failure.failure_info.details or []) if failure.failure_info else []:
        click.echo(f"  {_text(pair.name)}: {mask_sas_signature(_text(pair.value))}")


def _task_record(info: Any) -> dict[str, Any] | None:
    if info is None:
        return None
    span = duration(info)
    record = {
        "state": _text(info.state) if info.state is not None else None,
        "result": None if info.result is None else _text(info.result),
        "exitCode": info.exit_code,
        "startTime": _moment(info.start_time),
        "endTime": _moment(info.end_time),
        "duration": None if span is None else format_duration(span),
        "failed": failed(info),
    }
    if hasattr(info, "retry_count"):
        record["retryCount"] = info.retry_count
    return record


def _moment(value: datetime.datetime | None) -> str | None:
    """A timestamp as the service writes it (UTC, ``Z``)."""
    return None if value is None else dump_iso(value)


def _node_record(entry: Entry) -> dict[str, Any]:
    return {
        "poolId": entry.pool_id,
        "nodeId": entry.node_id,
        "nodeUrl": entry.node_url,
        "preparation": _task_record(entry.job_preparation_task_execution_info),
        "release": _task_record(entry.job_release_task_execution_info),
        "failed": _failed(entry),
    }


def _failure_record(failure: TaskFailure) -> dict[str, Any]:
    details = failure.failure_info.details if failure.failure_info else None
    return {
        "poolId": failure.pool_id,
        "nodeId": failure.node_id,
        "task": failure.task,
        "category": failure.category,
        "code": failure.code,
        "message": failure.message,
        "details": [{"name": pair.name, "value": pair.value} for pair in details or []],
        "exitCode": failure.exit_code,
        "retryCount": failure.retry_count,
    }

