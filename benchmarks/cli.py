"""How long the `batchprep` command takes to start and to run a task: ``python -m benchmarks --cli``.

Four commands, each in a fresh process as a user types it, against the bare process (`true`):

- ``batchprep --version``: the start every command pays (the interpreter, click, ``import batchprep``);
- ``batchprep check examples/job-preparation-task.json``: checking a file, behaviour rules included;
- ``batchprep run TRUE.json --node-dir NODE --job-id bench``: a task whose command is ``true``, with
  no resource files, on a fresh node each time (the node directory is removed before every run).

With hyperfine on ``PATH`` it does the timing (``-N``: no shell in between), and its command line is
printed so it can be run by hand; without it, the commands are timed here, in interleaved rounds,
with the CPU time of each child from ``os.wait4``. Bytecode caching is on, as on a user's machine
(pip writes ``.pyc`` files at install time; an editable install writes them on first import, which
the warm-up runs do). On a machine shared with other work the wall-clock times measure waiting for
a core too: the CPU column (user + system) is the steadier one, and the load average is printed.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import machine

ROOT = Path(__file__).resolve().parent.parent
#: The target of the local-node issue: `batchprep run` of a `true` task at most this much slower
#: (median, wall clock) than `true` alone.
TARGET_MS = 150.0


def batchprep_command() -> list[str]:
    """The `batchprep` console script of this interpreter's environment, else ``python -m batchprep``."""
    script = Path(sys.executable).parent / "batchprep"
    return [str(script)] if script.exists() else [sys.executable, "-m", "batchprep"]


def commands(place: Path) -> dict[str, list[str]]:
    """The commands timed, by the name the table shows; ``place`` holds the task file and the node."""
    task = place / "true.json"
    task.write_text('{"commandLine": "true"}\n', encoding="utf-8")
    program = batchprep_command()
    true = shutil.which("true") or "/bin/true"
    return {
        "true": [true],
        "batchprep --version": [*program, "--version"],
        "batchprep check examples/job-preparation-task.json": [*program, "check", "examples/job-preparation-task.json"],
        "batchprep run true.json --node-dir NODE --job-id bench": [
            *program,
            "run",
            str(task),
            "--node-dir",
            str(place / "node"),
            "--job-id",
            "bench",
        ],
    }


def _environment_variables() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"
    return env


def _fresh_node(place: Path) -> None:
    shutil.rmtree(place / "node", ignore_errors=True)


Stats = dict[str, dict[str, float]]


def with_hyperfine(hyperfine: str, place: Path, runs: int, warmup: int) -> tuple[list[str], Stats]:
    """Time the commands with hyperfine; its command line and, per command, the statistics in ms."""
    timed = commands(place)
    report = place / "hyperfine.json"
    argv = [hyperfine, "-N", "--warmup", str(warmup), "--runs", str(runs), "--export-json", str(report)]
    for name in timed:  # one --prepare per command: a fresh node before each run of `run`
        argv += ["--prepare", f"rm -rf {place / 'node'}" if " run " in name else "true"]
    argv += [shlex.join(command) for command in timed.values()]
    subprocess.run(argv, check=True, cwd=ROOT, env=_environment_variables(), stdout=subprocess.DEVNULL)
    results = json.loads(report.read_text(encoding="utf-8"))["results"]
    stats = {}
    for name, result in zip(timed, results):
        stats[name] = {
            "median": result["median"] * 1000,
            "mean": result["mean"] * 1000,
            "min": result["min"] * 1000,
            "cpu": (result["user"] + result["system"]) * 1000,
        }
    return argv, stats


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) milliseconds of one run of a command."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it
    if child.returncode != 0:
        raise SystemExit(f"{shlex.join(argv)} exited with {child.returncode}")
    return wall * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def by_itself(place: Path, runs: int, warmup: int) -> Stats:
    """Time the commands here, in interleaved rounds (machine noise hits each alike); ms per command."""
    timed = commands(place)
    env = _environment_variables()
    walls: dict[str, list[float]] = {name: [] for name in timed}
    cpus: dict[str, list[float]] = {name: [] for name in timed}
    for round_ in range(warmup + runs):
        for name, argv in timed.items():
            _fresh_node(place)
            wall, cpu = _run_once(argv, env)
            if round_ >= warmup:
                walls[name].append(wall)
                cpus[name].append(cpu)
    return {
        name: {
            "median": statistics.median(walls[name]),
            "mean": statistics.fmean(walls[name]),
            "min": min(walls[name]),
            "cpu": statistics.fmean(cpus[name]),
        }
        for name in timed
    }


def _load_average() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def environment() -> str:
    """The date, machine and Python, whether the task switches accounts, and the load average."""
    root = " as root (the task runs as 'nobody')" if os.geteuid() == 0 else ""
    return f"{machine.describe()}{root}; load average {_load_average()}"


def table(stats: Stats) -> str:
    """The results as a Markdown table, and the overhead of `run` over `true` against the target."""
    rows = ["| command | median | mean | min | CPU (user + system) |", "|---|---|---|---|---|"]
    for name, s in stats.items():
        rows.append(f"| `{name}` | {s['median']:.1f} ms | {s['mean']:.1f} ms | {s['min']:.1f} ms | {s['cpu']:.1f} ms |")
    bare = stats["true"]
    run = next(s for name, s in stats.items() if " run " in name)
    overhead = run["median"] - bare["median"]
    verdict = "met" if overhead < TARGET_MS else "not met"
    rows.append("")
    rows.append(
        f"overhead of `batchprep run` over `true`: median {overhead:.1f} ms (target: under {TARGET_MS:.0f} ms, "
        f"{verdict}), CPU {run['cpu'] - bare['cpu']:.1f} ms"
    )
    return "\n".join(rows)


def main(runs: int, warmup: int, use_hyperfine: bool = True) -> int:
    print(environment())
    hyperfine = shutil.which("hyperfine") if use_hyperfine else None
    with tempfile.TemporaryDirectory(prefix="batchprep-bench-") as name:
        place = Path(name)
        os.chmod(place, 0o755)  # as root the task runs as 'nobody', who must reach the node
        if hyperfine:
            argv, stats = with_hyperfine(hyperfine, place, runs, warmup)
            print(f"timed by hyperfine, {runs} runs after {warmup} warm-up runs each:")
            print("  " + shlex.join(argv))
        else:
            stats = by_itself(place, runs, warmup)
            why = "no hyperfine on PATH" if use_hyperfine else "--no-hyperfine"
            print(f"timed here ({why}), {runs} interleaved rounds after {warmup} warm-up rounds")
        print(f"load average after: {_load_average()}\n")
    print(table(stats))
    return 0
