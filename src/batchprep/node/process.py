"""Stage 3, the process: split the command line, start it without a shell, enforce the limits, retry.

- The command line is split with POSIX rules and nothing else: quotes and backslashes are honoured,
  `$VAR`, `~` and `*` stay as written (a node runs no shell). `split_command_line` is the one place that
  does it.
- The program starts in the working directory, in a process group of its own, with `stdout.txt` and
  `stderr.txt` of the task directory as its output (files, not pipes: a background process the task
  leaves behind cannot hold batchprep up). A program named without a `/` is looked up in the task's
  `PATH`, which ends with the shared and working directories.
- `maxWallClockTime` counts from the task's start, retries included; at the limit the whole process
  group is killed with SIGKILL (so children that ignore SIGTERM die too).
- A non-zero exit is retried up to `maxTaskRetryCount` times in the same directories; each attempt's
  output is kept (`stdout.txt` is the latest, `stdout.<n>.txt` attempt n's).
"""

from __future__ import annotations

import datetime
import errno
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from batchprep.cmdline.split import CommandLineSplitError
from batchprep.cmdline.split import split_command_line as _split
from batchprep.node._records import Record

__all__ = [
    "Attempt",
    "CommandLineError",
    "Launch",
    "ProcessOutcome",
    "keep_output",
    "kill_group",
    "run_attempt",
    "run_with_retries",
    "split_command_line",
]

#: How often the output files are read while following them.
_FOLLOW_INTERVAL = 0.1


class CommandLineError(ValueError):
    """A command line the node cannot split into arguments."""


def split_command_line(command_line: str) -> list[str]:
    """Split a command line into arguments as a Linux node does: POSIX rules, no expansion.

    The splitting is `batchprep.cmdline.split_command_line`'s, which `batchprep check` uses too.

    Args:
        command_line: The task's `commandLine`.

    Returns:
        The program and its arguments.

    Raises:
        CommandLineError: The quotes are unbalanced, or there is nothing to run.

    Examples:
        >>> split_command_line('/bin/sh -c "echo $HOME && ls *.txt"')
        ['/bin/sh', '-c', 'echo $HOME && ls *.txt']
        >>> split_command_line("python3 -c 'print(1)'")
        ['python3', '-c', 'print(1)']
    """
    try:
        args = _split(command_line)
    except CommandLineSplitError as err:
        raise CommandLineError(f"cannot be split into arguments: {err}") from None
    if not args:
        raise CommandLineError("has nothing to run")
    return args


class Launch(Record):
    """How to start one attempt of a task.

    Attributes:
        args: The program and its arguments.
        cwd: The working directory.
        env: The whole environment of the process.
        stdout: The file standard output goes to.
        stderr: The file standard error goes to.
        user: The uid to run as (`None`: batchprep's own).
        group: The gid to run as.
    """

    args: list[str]
    cwd: Path
    env: dict[str, str]
    stdout: Path
    stderr: Path
    user: int | None
    group: int | None

    __slots__ = ("args", "cwd", "env", "group", "stderr", "stdout", "user")

    def __init__(
        self,
        args: list[str],
        cwd: Path,
        env: dict[str, str],
        stdout: Path,
        stderr: Path,
        user: int | None = None,
        group: int | None = None,
    ) -> None:
        self.args = args
        self.cwd = cwd
        self.env = env
        self.stdout = stdout
        self.stderr = stderr
        self.user = user
        self.group = group


class Attempt(Record):
    """What one attempt did.

    Attributes:
        started: When it started (UTC).
        ended: When it ended.
        outcome: `exited`, `timed_out` (killed at the wall-clock limit), `interrupted` (killed as a reboot
            would), `not_found` (no such program) or `launch_failed` (not executable, bad format...).
        exit_code: The exit code; 128 + N for a process killed by signal N. `None` if it never started.
        message: Why it could not start, in words.
        process_group: The process group it ran in.
    """

    started: datetime.datetime
    ended: datetime.datetime | None
    outcome: str
    exit_code: int | None
    message: str
    process_group: int | None

    __slots__ = ("ended", "exit_code", "message", "outcome", "process_group", "started")

    def __init__(
        self,
        started: datetime.datetime,
        ended: datetime.datetime | None = None,
        outcome: str = "exited",
        exit_code: int | None = None,
        message: str = "",
        process_group: int | None = None,
    ) -> None:
        self.started = started
        self.ended = ended
        self.outcome = outcome
        self.exit_code = exit_code
        self.message = message
        self.process_group = process_group


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def kill_group(group: int) -> None:
    """SIGKILL a whole process group; one that is gone already is fine."""
    try:
        os.killpg(group, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class _Follower:
    """Copies what the process writes to its output files to a sink, while it runs."""

    def __init__(self, launch: Launch, sink: Callable[[str, bytes], None]) -> None:
        self._sink = sink
        self._files: list[tuple[str, BinaryIO]] = [
            ("stdout", open(launch.stdout, "rb")),  # noqa: SIM115 - closed in close()
            ("stderr", open(launch.stderr, "rb")),  # noqa: SIM115
        ]

    def pump(self) -> None:
        for name, handle in self._files:
            data = handle.read()
            if data:
                self._sink(name, data)

    def close(self) -> None:
        self.pump()
        for _, handle in self._files:
            handle.close()


def run_attempt(
    launch: Launch,
    *,
    deadline: float | None = None,
    interrupt_at: float | None = None,
    follow: Callable[[str, bytes], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_kill: Callable[[], None] | None = None,
) -> Attempt:
    """Run one attempt to its end, or kill it at `deadline` or `interrupt_at`.

    Args:
        launch: What to start.
        deadline: A `time.monotonic()` value: the wall-clock limit.
        interrupt_at: A `time.monotonic()` value at which to kill the attempt as a reboot would.
        follow: Called with `("stdout" | "stderr", bytes)` as the output files grow.
        on_start: Called with the process group ID once the process runs.
        on_kill: Called after the process group is killed (a container engine stops its container).

    Raises:
        KeyboardInterrupt: After killing the process group, when batchprep itself is interrupted.
    """
    attempt = Attempt(started=_now())
    with open(launch.stdout, "wb") as out, open(launch.stderr, "wb") as err:
        try:
            process = subprocess.Popen(
                launch.args,
                cwd=launch.cwd,
                env=launch.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
                user=launch.user,
                group=launch.group,
                extra_groups=[] if launch.user is not None else None,
            )
        except FileNotFoundError:
            attempt.ended, attempt.outcome = _now(), "not_found"
            attempt.message = (
                f"the program {launch.args[0]!r} was not found (looked up in the task's PATH and, for a "
                "relative path, in the working directory)"
            )
            return attempt
        except OSError as failure:
            attempt.ended, attempt.outcome = _now(), "launch_failed"
            reason = "it is not an executable file" if failure.errno == errno.ENOEXEC else failure.strerror
            attempt.message = f"the program {launch.args[0]!r} could not be started: {reason}"
            return attempt
    attempt.process_group = process.pid
    if on_start is not None:
        on_start(process.pid)
    follower = _Follower(launch, follow) if follow is not None else None
    limits = [(t, outcome) for t, outcome in ((deadline, "timed_out"), (interrupt_at, "interrupted")) if t is not None]
    try:
        while True:
            remaining = min((t for t, _ in limits), default=None)
            wait = None if remaining is None else max(0.0, remaining - time.monotonic())
            if follower is not None:
                wait = _FOLLOW_INTERVAL if wait is None else min(wait, _FOLLOW_INTERVAL)
            try:
                code = process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                if follower is not None:
                    follower.pump()
                due = [outcome for t, outcome in sorted(limits, key=lambda item: item[0]) if time.monotonic() >= t]
                if due:
                    attempt.outcome = due[0]
                    kill_group(process.pid)
                    if on_kill is not None:
                        on_kill()
                    code = process.wait()
                    break
    except KeyboardInterrupt:
        kill_group(process.pid)
        if on_kill is not None:
            on_kill()
        process.wait()
        raise
    finally:
        if follower is not None:
            follower.close()
    attempt.ended = _now()
    attempt.exit_code = code if code >= 0 else 128 - code
    return attempt


def keep_output(task_dir: Path, number: int) -> None:
    """Keep attempt `number`'s output as `stdout.<number>.txt` and `stderr.<number>.txt`."""
    for name in ("stdout", "stderr"):
        current = task_dir / f"{name}.txt"
        if current.exists():
            os.replace(current, task_dir / f"{name}.{number}.txt")


class ProcessOutcome(Record):
    """Every attempt of one run of a task, and how the retries went.

    Attributes:
        attempts: The attempts, first to last.
        retry_count: How many retries were made.
        last_retry_time: When the last retry started.
        capped: Whether `maxTaskRetryCount: -1` retries were stopped at batchprep's cap.
    """

    attempts: list[Attempt]
    retry_count: int
    last_retry_time: datetime.datetime | None
    capped: bool

    __slots__ = ("attempts", "capped", "last_retry_time", "retry_count")

    def __init__(
        self,
        attempts: list[Attempt] | None = None,
        retry_count: int = 0,
        last_retry_time: datetime.datetime | None = None,
        capped: bool = False,
    ) -> None:
        self.attempts = [] if attempts is None else attempts
        self.retry_count = retry_count
        self.last_retry_time = last_retry_time
        self.capped = capped

    @property
    def last(self) -> Attempt:
        return self.attempts[-1]


def run_with_retries(
    launch: Callable[[int], Launch],
    *,
    max_task_retry_count: int,
    unlimited_cap: int,
    wall_clock: datetime.timedelta | None = None,
    interrupt_after: float | None = None,
    follow: Callable[[str, bytes], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    on_kill: Callable[[], None] | None = None,
    before_attempt: Callable[[int], None] | None = None,
) -> ProcessOutcome:
    """Run a task's attempts as the agent does: retry non-zero exits, stop at the wall-clock limit.

    Args:
        launch: Makes the launch of attempt `n` (0 for the first).
        max_task_retry_count: The task's `maxTaskRetryCount`: 0 no retry, N up to N retries, -1
            without limit.
        unlimited_cap: How many retries `-1` gets here (a local run must end).
        wall_clock: The task's `maxWallClockTime`, counted from the first attempt's start.
        interrupt_after: Seconds after the start at which to kill the run as a reboot would; no
            retry follows.
        follow: See `run_attempt`.
        on_start: See `run_attempt`.
        on_kill: See `run_attempt`.
        before_attempt: Called with `n` before attempt `n` starts.
    """
    start = time.monotonic()
    deadline = start + wall_clock.total_seconds() if wall_clock is not None else None
    interrupt_at = start + interrupt_after if interrupt_after is not None else None
    limit = unlimited_cap if max_task_retry_count < 0 else max_task_retry_count
    outcome = ProcessOutcome()
    while True:
        number = len(outcome.attempts)
        if before_attempt is not None:
            before_attempt(number)
        attempt = run_attempt(
            launch(number),
            deadline=deadline,
            interrupt_at=interrupt_at,
            follow=follow,
            on_start=on_start,
            on_kill=on_kill,
        )
        outcome.attempts.append(attempt)
        # Only a program that ran and exited non-zero is retried; a limit or a launch failure ends it.
        if attempt.outcome != "exited" or attempt.exit_code == 0:
            return outcome
        if outcome.retry_count >= limit:
            outcome.capped = max_task_retry_count < 0
            return outcome
        outcome.retry_count += 1
        outcome.last_retry_time = _now()


def leftover_groups(root: Path, groups: list[int]) -> list[int]:
    """Those of `groups` that still have a process started for the node at `root`.

    A process group ID can be reused by an unrelated program once its processes are gone: a group
    counts only if one of its processes has this node's `AZ_BATCH_NODE_ROOT_DIR` in its environment.
    """
    marker = f"AZ_BATCH_NODE_ROOT_DIR={root}".encode("utf-8", "surrogateescape")
    wanted, alive = set(groups), set()
    for entry in Path("/proc").iterdir() if wanted else ():
        if not entry.name.isdigit():
            continue
        try:
            stat_text = (entry / "stat").read_text(encoding="utf-8", errors="replace")
            group = int(stat_text.rsplit(")", 1)[1].split()[2])
            if group in wanted and group not in alive and marker in (entry / "environ").read_bytes().split(b"\0"):
                alive.add(group)
        except (OSError, ValueError, IndexError):  # gone meanwhile, or not ours to read
            continue
    return sorted(alive)
