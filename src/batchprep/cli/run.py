"""`batchprep run`: run a job's preparation task on a local node, as a Batch node would.

The work is done by `batchprep.node`; this module reads the options, prints notes as they come (on
stderr), a progress bar for downloads on a terminal, and the summary (or, with `--format json`, the
REST body of the execution information, alone on stdout).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from click.core import ParameterSource

from batchprep.cli._app import (
    EXIT_UNREADABLE,
    Unreadable,
    cli,
    findings,
    json_text,
    no_yaml,
    plural,
    read_bytes,
    styled,
    syntax,
)
from batchprep.lint import Report
from batchprep.lint.document import Unparsable, parse_text

if TYPE_CHECKING:  # imported when the command runs: the other commands do not pay for the node
    from batchprep.node import IdempotenceReport, JobDocument, TaskResult

def _load(file: str) -> JobDocument:
    """Read and check the task file; print its findings; exit 1 on a problem, 2 if it cannot be read."""
    data = read_bytes(file)
    try:
        document = parse_text(data, syntax=syntax(file, data))
    except ImportError:
        raise no_yaml(file) from None
    except Unparsable as err:  # the linter's own words for the mistake, with its place
        for finding in findings(file, Report(None, [err.problem]), data):
            click.echo(styled(finding), err=True)
        raise SystemExit(1) from None
    from batchprep.node import check_job_document

    found = check_job_document(document)
    if found.problems or found.warnings:  # placing findings at their lines reads the whole file again
        for finding in findings(file, Report(None, found.problems, found.warnings), data):
            click.echo(styled(finding), err=True)
    if found.document is None:
        click.secho(f"{file}: {plural(len(found.problems), 'problem')}: nothing was run", err=True, fg="red")
        raise SystemExit(1)
    return found.document


class _Progress:
    """A one-line progress bar on stderr, for a terminal only."""

    def __init__(self) -> None:
        self._label: str | None = None
        self._shown = 0.0

    def __call__(self, label: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if label == self._label and now - self._shown < 0.1 and not finished:
            return
        if self._label is not None and label != self._label:
            click.echo(err=True)
        self._label, self._shown = label, now
        if total:
            filled = int(24 * done / total)
            bar = f"[{'#' * filled}{'-' * (24 - filled)}] {100 * done // total:3d}%  {_size(done)} of {_size(total)}"
        else:
            bar = _size(done)
        click.echo(f"\r  {label}  {bar}\x1b[K", err=True, nl=False)
        if finished:  # the line stays as it is: the next file, or the task's output, starts below it
            click.echo(err=True)
            self._label = None

    def close(self) -> None:
        if self._label is not None:
            click.echo(err=True)
            self._label = None


def _size(count: int) -> str:
    for unit in ("bytes", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count} {unit}" if unit == "bytes" else f"{count:.1f} {unit}"
        count /= 1000  # type: ignore[assignment]
    return str(count)


def _follow(to_stderr: bool, progress: _Progress | None) -> Any:
    def sink(stream: str, data: bytes) -> None:
        if progress is not None:
            progress.close()
        target = sys.stderr if to_stderr or stream == "stderr" else sys.stdout
        target.flush()
        target.buffer.write(data)
        target.buffer.flush()

    return sink


_KINDS = {"preparation": "preparation task", "release": "release task", "task": "task"}


def _summary(result: TaskResult, job_id: str, run: str = "") -> list[str]:
    """The human summary of one task: state and result, exit code and retries, duration, files, failure.

    `run` says which run it was (`first run`...), when the task ran more than once.
    """
    info = result.info
    outcome = info["state"] + (f", {info['result']}" if "result" in info else "")
    colour = "green" if result.succeeded else "red" if info.get("result") == "failure" else "yellow"
    head = f"{_KINDS[result.kind]} {result.task_id!r} of job {job_id!r}: {click.style(outcome, fg=colour, bold=True)}"
    if run:
        head = f"{run}: {head}"
    if not result.ran:
        head += " (remembered by the node, not run now)"
    facts = []
    if "exitCode" in info:
        facts.append(f"exit code {info['exitCode']}")
    if "retryCount" in info:
        facts.append(plural(info["retryCount"], "retry").replace("retrys", "retries"))
    if result.duration is not None:
        seconds = result.duration.total_seconds()
        facts.append(f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s")
    lines = [head]
    if facts:
        lines.append("  " + ", ".join(facts))
    if result.downloads:
        total = sum(d.size for d in result.downloads)
        lines.append(
            f"  resource files: {plural(len(result.downloads), 'file')} ({_size(total)}) in {result.directories.working}"
        )
    failure = info.get("failureInfo")
    if failure:
        lines.append(f"  failure: {failure['code']} ({failure['category']}): {failure['message']}")
    if "containerInfo" in info:
        container = info["containerInfo"]
        lines.append(f"  container: {container.get('containerId', '?')} {container.get('state', '')}".rstrip())
    if result.output.exists():
        stderr = result.output.name.replace("stdout", "stderr", 1)
        lines.append(f"  output: {result.output} (and {stderr} beside it)")
    return lines


def _idempotence(found: IdempotenceReport, job_id: str) -> list[str]:
    """Both runs, each under its name, then the verdict and what the second run changed."""
    first = "first run, interrupted as by a reboot" if found.interrupted else "first run"
    lines = _summary(found.first, job_id, first)
    if found.second is None:
        return [*lines, click.style("the first run failed: fix it before checking that it can run again", fg="red")]
    lines += _summary(found.second, job_id, "second run, as after a reboot")
    if found.interrupted:
        lines.append("the first run was interrupted part-way, as by a reboot, and the node ran the task again")
    verdict = "succeeded" if found.second.succeeded else "failed"
    lines.append(
        click.style(
            f"run again on the same node, the preparation task {verdict}", fg="green" if found.ok else "red", bold=True
        )
    )
    for change in found.changes:
        if change.none:
            lines.append(f"  {change.directory}: unchanged by the second run")
            continue
        lines.append(f"  {change.directory}: changed by the second run:")
        for mark, paths in (("+", change.added), ("-", change.removed), ("~", change.changed)):
            shown = paths[:20]
            lines += [f"    {mark} {path}" for path in shown]
            if len(paths) > len(shown):
                lines.append(f"    {mark} ... and {len(paths) - len(shown)} more")
    return lines


@cli.command()
@click.argument("task_file", metavar="TASK_FILE")
@click.option(
    "--node-dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The node's AZ_BATCH_NODE_ROOT_DIR: a new or empty directory, or one batchprep made. It keeps "
    "the node's state between runs.",
)
@click.option("--job-id", help="The job's ID; by default the 'id' of a Job - Add body.")
@click.option(
    "--reboot",
    is_flag=True,
    help="Reboot the node first: the task runs again if "
    "rerunOnNodeRebootAfterSuccess is true (the default) or it had not completed.",
)
@click.option("--reimage", is_flag=True, help="Reimage the node first: wipe it, so the task runs again.")
@click.option(
    "--check-idempotent",
    is_flag=True,
    help="Run, then run again as after a reboot; report whether the second run succeeded and what it "
    "changed in the working and shared directories.",
)
@click.option(
    "--interrupt-after",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Kill the first run after SECONDS, as a reboot during the task would, then run it again.",
)
@click.option(
    "--task",
    "task_command",
    metavar="COMMAND",
    help="After the preparation task succeeded, run one ordinary task of the job with this command line.",
)
@click.option("--task-id", default="task-1", show_default=True, help="The ID of the --task task.")
@click.option("--release", is_flag=True, help="At the end, run the job's release task (from a Job - Add body).")
@click.option("--follow", is_flag=True, help="Stream the task's stdout and stderr to the terminal as well.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json: the REST body of the preparation task's execution information on stdout (with "
    "--release, the node's item of Job - List Preparation and Release Task Status).",
)
@click.option("--inherit-env", is_flag=True, help="Start the task's environment from yours instead of a node's.")
@click.option(
    "--auto-storage",
    envvar="BATCHPREP_AUTO_STORAGE",
    metavar="URL|CONNECTION_STRING",
    help="The auto-storage account for autoStorageContainerName: a blob endpoint URL with a SAS, or a "
    "connection string [env: BATCHPREP_AUTO_STORAGE].",
)
@click.option("--no-container", is_flag=True, help="Run tasks with containerSettings on the host instead.")
@click.option(
    "--nonadmin-user",
    default="nobody",
    show_default=True,
    metavar="ACCOUNT",
    help="When run as root: the local account non-admin tasks run as.",
)
@click.option(
    "--retry-cap",
    default=10,
    show_default=True,
    type=click.IntRange(min=0),
    help="How many retries maxTaskRetryCount -1 (without limit) gets here.",
)
@click.option(
    "--download-timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Timeout to connect and for each read of a resource file.",
)
@click.option("--account-name", default="local", show_default=True, help="AZ_BATCH_ACCOUNT_NAME.")
@click.option("--account-url", help="AZ_BATCH_ACCOUNT_URL [default: https://ACCOUNT_NAME.local.batch.azure.com/].")
@click.option(
    "--pool-id",
    default="local-pool",
    show_default=True,
    help="AZ_BATCH_POOL_ID; by default the poolInfo.poolId of a Job - Add body, if it has one.",
)
@click.option("--node-id", help="AZ_BATCH_NODE_ID [default: tvmps_<digest of --node-dir>_d].")
@click.option("--spot", is_flag=True, help="A spot (low-priority) node: AZ_BATCH_NODE_IS_DEDICATED=false.")
@click.pass_context
def run(
    ctx: click.Context,
    task_file: str,
    node_dir: Path,
    job_id: str | None,
    reboot: bool,
    reimage: bool,
    check_idempotent: bool,
    interrupt_after: float | None,
    task_command: str | None,
    task_id: str,
    release: bool,
    follow: bool,
    output: str,
    inherit_env: bool,
    auto_storage: str | None,
    no_container: bool,
    nonadmin_user: str,
    retry_cap: int,
    download_timeout: float,
    account_name: str,
    account_url: str | None,
    pool_id: str,
    node_id: str | None,
    spot: bool,
) -> None:
    """Run the Job Preparation Task of TASK_FILE on a local node, as a Batch node would.

    TASK_FILE is what check accepts (a task body), or a Job - Add body whose jobPreparationTask (and
    jobReleaseTask, commonEnvironmentSettings and id) are used. It is checked first; a problem stops
    everything. Then, as the node agent does: the node's directories and AZ_BATCH_* variables, the
    resource files downloaded into the working directory, the command line run without a shell
    (split with POSIX rules) as an unprivileged account unless the task is admin, retried up to
    maxTaskRetryCount, killed at maxWallClockTime, in its container with containerSettings. Output
    goes to stdout.txt and stderr.txt in the task directory.

    The node remembers each job: a preparation task that already succeeded there is not run again,
    until --reboot (if rerunOnNodeRebootAfterSuccess) or --reimage.

    \b
    Examples:
      batchprep run examples/local-node/job.json --node-dir /tmp/node
      batchprep run task.json --node-dir /tmp/node --job-id demo --follow
      batchprep run task.json --node-dir /tmp/node --job-id demo --reboot
      batchprep run job.json --node-dir /tmp/node --check-idempotent --interrupt-after 2
      batchprep run job.json --node-dir /tmp/node --task './use-data.sh' --release
      batchprep run task.json --node-dir /tmp/node --job-id demo --format json | jq .result

    Exit codes: 0 the tasks succeeded, 1 the file has problems or a task failed (or failed to run
    again), 2 a usage error, or the node or this machine cannot run the task.
    """
    from batchprep.node import DownloadOptions, Node, NodeError, NodeSettings, RunOptions, TaskCheckError
    from batchprep.node import report as node_report
    from batchprep.node.layout import check_id

    if reboot and reimage:
        raise click.UsageError("give --reboot or --reimage, not both")
    document = _load(task_file)  # IDs in the file are checked there: problems of the file
    for option, value in (("--job-id", job_id), ("--pool-id", pool_id), ("--task-id", task_id)):
        try:
            if value is not None:
                check_id(value, "")
        except ValueError as err:
            raise click.BadParameter(str(err).lstrip(), param_hint=f"'{option}'") from None
    if task_command is not None:
        from batchprep.node.job import command_line_problems

        for problem in command_line_problems(task_command, ""):
            raise click.BadParameter(problem.message, param_hint="'--task'")
    job_id = job_id or document.job_id
    if not job_id:
        raise click.UsageError("give --job-id: the task file is not a Job - Add body with an 'id'")
    if document.pool_id is not None and ctx.get_parameter_source("pool_id") is ParameterSource.DEFAULT:
        pool_id = document.pool_id  # the job's own pool (poolInfo.poolId), unless --pool-id says otherwise
    if release and document.release is None:
        raise click.UsageError("--release needs a Job - Add body with a jobReleaseTask")

    as_json = output == "json"
    progress = _Progress() if sys.stderr.isatty() else None
    options = RunOptions(
        inherit_env=inherit_env,
        unlimited_retry_cap=retry_cap,
        no_container=no_container,
        nonadmin_account=nonadmin_user,
        downloads=DownloadOptions(timeout=download_timeout, auto_storage=auto_storage, progress=progress),
        follow=_follow(as_json, progress) if follow else None,
        notify=lambda text: click.echo(f"note: {text}", err=True),
    )
    settings = NodeSettings(account_name, account_url, pool_id, node_id, dedicated=not spot)
    node = Node(node_dir, settings, options)
    say = (lambda line: click.echo(line, err=True)) if as_json else click.echo
    failed = False
    try:
        if reimage or reboot:
            for note in node.reimage() if reimage else node.reboot():
                options.notify(note)  # type: ignore[misc]
        if check_idempotent or interrupt_after is not None:
            checked = node.check_idempotent(document, job_id, interrupt_after=interrupt_after)
            preparation = checked.second or checked.first  # the latest run: what the node reports
            for line in _idempotence(checked, job_id):
                say(line)
            failed = not checked.ok
        else:
            preparation = node.prepare(document, job_id)
            for line in _summary(preparation, job_id):
                say(line)
            failed = not preparation.succeeded
        if progress is not None:
            progress.close()
        if task_command is not None:
            ran = node.run_task(document, job_id, task_command, task_id=task_id)
            for line in _summary(ran, job_id):
                say(line)
            failed = failed or not ran.succeeded
        release_info = None
        if release:
            released = node.release(document, job_id)
            for line in _summary(released, job_id):
                say(line)
            release_info = released.info
            failed = failed or not released.succeeded
    except NodeError as err:
        click.secho(f"Error: {err}", err=True, fg="red")
        ctx.exit(EXIT_UNREADABLE)
        return
    except TaskCheckError as err:  # the file's check found these first; this is the node's own guard
        for problem in err.errors:
            click.echo(f"{task_file}: {problem}", err=True)
        click.secho(f"{task_file}: {plural(len(err.errors), 'problem')}: nothing was run", err=True, fg="red")
        ctx.exit(1)
        return
    except KeyboardInterrupt:
        click.secho(
            "interrupted: the task did not complete; the next run on this node runs it again", err=True, fg="yellow"
        )
        ctx.exit(130)
        return
    if as_json:
        node_report.as_model(preparation.info)  # what it prints reads as the service's own model
        body = preparation.info
        if release:
            url = f"{settings.url().rstrip('/')}/pools/{settings.pool_id}/nodes/{node.node_id}"
            body = node_report.node_information(settings.pool_id, node.node_id, url, body, release_info)
        click.echo(json_text(body, compact=False))
    ctx.exit(1 if failed else 0)
