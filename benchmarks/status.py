"""The status list row: reading a 10,000-node *List Preparation and Release Task Status* page.

The page (``payload.status_page``) is a dict, as ``json.loads`` leaves a response body; each library
turns it into its models (``read_status`` of its ``lib_*.py``). Each library runs in a process of its
own (a worker started by this module, which builds the page, checks what the library reads from it
and then times it on request), so that no library's garbage, caches or imports weigh on another's
times, and the rounds are interleaved: round 1 of every library, then round 2... The best time of all
rounds counts.

azure-batch 15 cannot be installed next to the azure-batch 14.2 that msrest's row uses, so its worker
runs on another interpreter: ``--azure15-python PYTHON`` names it; otherwise the first of
``.venv-azure15``, ``.ci-venv-azure15`` (left by ``.ci/run``) in the repository that has azure-batch
15 is used, and failing both, ``.venv-azure15`` is created (``pip install 'azure-batch>=15,<16'``).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

from benchmarks import payload
from benchmarks.timing import per_call

ROOT = Path(__file__).resolve().parents[1]
#: The libraries of the row, by the name of their ``lib_*.py`` module.
LIBRARIES = ("batchprep", "msrest", "azure15", "msgspec")
LABELS = {"batchprep": "batchprep", "msrest": "msrest", "azure15": "azure-batch 15", "msgspec": "msgspec"}
#: Targets from issue 10: at least 50× msrest and 20× azure-batch 15, and within 1.5× of msgspec.
TARGETS = {"msrest": 50.0, "azure15": 20.0}
MSGSPEC_WITHIN = 1.5
_VENV_NAMES = (".venv-azure15", ".ci-venv-azure15")
#: The distributions whose versions describe each library's column.
_DISTRIBUTIONS = {
    "batchprep": ("batchprep",),
    "msrest": ("msrest", "azure-batch"),
    "azure15": ("azure-batch", "azure-core"),
    "msgspec": ("msgspec",),
}


def _versions(library: str) -> str:
    text = " with ".join(f"{name} {importlib.metadata.version(name)}" for name in _DISTRIBUTIONS[library])
    if library == "batchprep":
        from batchprep._codegen import native

        text += " (compiled walk)" if native.ENABLED else " (pure Python: the compiled walk is off or not built)"
    return f"{text}, Python {platform.python_version()}"


# --- the worker: one library, in its own process ---------------------------------------------------


def _text(value: Any) -> Any:
    value = getattr(value, "value", value)  # an enum member: its REST text
    if hasattr(value, "isoformat"):
        return value.isoformat(timespec="milliseconds")  # (libraries round the seventh digit differently)
    return value


def summary(entries: list[Any]) -> list[Any]:
    """What a library read, in a form every library's models give alike: checked before timing."""
    out: list[Any] = [len(entries)]
    for entry in entries[:: max(1, len(entries) // 20)]:
        prep, release = entry.job_preparation_task_execution_info, entry.job_release_task_execution_info
        failure = prep.failure_info
        out.append(
            [
                entry.node_id,
                entry.node_url,
                *(_text(getattr(prep, name)) for name in ("start_time", "end_time", "last_retry_time", "state", "result")),
                prep.exit_code,
                prep.retry_count,
                None if failure is None else [_text(failure.category), failure.code, [d.value for d in failure.details]],
                *(_text(getattr(release, name)) for name in ("start_time", "end_time", "state", "exit_code")),
            ]
        )
    return out


def worker(library: str, nodes: int, budget: float, reads: int | None = None) -> None:
    """Answer "time" with the seconds one read of the page takes (best of a few batches), until EOF.

    With ``reads``, read the page that many times and stop (for counting instructions).
    """
    lib = importlib.import_module(f"benchmarks.lib_{library}")
    page = payload.status_page(nodes)
    if reads is not None:
        for _ in range(reads):
            lib.read_status(page)
        return
    print(json.dumps({"summary": summary(lib.read_status(page)), "versions": _versions(library)}))
    sys.stdout.flush()
    for line in sys.stdin:
        if line.strip() != "time":
            break
        print(per_call(lambda: lib.read_status(page), budget), flush=True)


# --- the driver --------------------------------------------------------------------------------------


def _has_azure15(python: Path) -> bool:
    check = "import importlib.metadata as m, sys; sys.exit(m.version('azure-batch').split('.')[0] != '15')"
    return python.exists() and subprocess.run([str(python), "-c", check], capture_output=True).returncode == 0


def azure15_python(given: str | None) -> Path:
    """The interpreter of azure-batch 15's worker: the one given, one found, or one made."""
    if given:
        python = Path(given)
        if not _has_azure15(python):
            raise SystemExit(f"{given} has no azure-batch 15.x (pip install 'azure-batch>=15,<16' there)")
        return python
    for name in _VENV_NAMES:
        python = ROOT / name / "bin" / "python"
        if _has_azure15(python):
            return python
    target = ROOT / _VENV_NAMES[0]
    print(f"creating {target} with azure-batch 15 for its worker (once)", file=sys.stderr)
    venv.create(target, with_pip=True, clear=True)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "azure-batch>=15,<16"],
        check=True,
    )
    return python


class Worker:
    """A library's worker process."""

    def __init__(self, library: str, python: str, nodes: int, budget: float) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        self.process = subprocess.Popen(
            [python, "-m", "benchmarks.status", "--worker", library, "-n", str(nodes), "--budget", str(budget)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        hello = self._read()
        self.summary, self.versions = hello["summary"], hello["versions"]

    def _read(self) -> Any:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"a benchmark worker ended early (exit code {self.process.wait()})")
        return json.loads(line)

    def time(self) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write("time\n")
        self.process.stdin.flush()
        return float(self._read())

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        self.process.wait()


def timings(
    nodes: int, rounds: int, budget: float, azure15: Path | None, libraries: tuple[str, ...] = LIBRARIES
) -> tuple[dict[str, float], dict[str, str]]:
    """Best seconds per read for each library, from interleaved rounds; and each library's version."""
    workers: dict[str, Worker] = {}
    try:
        for name in libraries:
            if name == "azure15" and azure15 is None:
                continue
            python = str(azure15) if name == "azure15" else sys.executable
            workers[name] = Worker(name, python, nodes, budget)
        expected = workers["batchprep"].summary
        for name, each in workers.items():
            if each.summary != expected:
                raise SystemExit(f"{name} reads the status page differently:\n{each.summary}\n!=\n{expected}")
        best: dict[str, float] = {}
        for _ in range(rounds):
            for name, each in workers.items():
                seconds = each.time()
                best[name] = min(seconds, best.get(name, seconds))
        return best, {name: each.versions for name, each in workers.items()}
    finally:
        for each in workers.values():
            each.close()


def _callgrind_total(library: str, python: str, nodes: int, reads: int) -> int:
    """Instructions a worker that reads the page ``reads`` times executes, start-up included."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "callgrind.out"
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
            python, "-m", "benchmarks.status", "--worker", library, "-n", str(nodes), "--reads", str(reads),
        ]  # fmt: skip
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
        for line in out.read_text().splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    raise SystemExit("callgrind wrote no instruction count")


def instructions(nodes: int, azure15: Path | None, libraries: tuple[str, ...]) -> dict[str, int]:
    """Instructions per read of the page (callgrind): the difference between three reads and one, halved.

    Unlike wall time, the count hardly changes with the load of a shared machine (it does not see cache
    misses, which a large page has many of).
    """
    counts = {}
    for name in libraries:
        python = str(azure15) if name == "azure15" else sys.executable
        one, three = (_callgrind_total(name, python, nodes, reads) for reads in (1, 3))
        counts[name] = (three - one) // 2
    return counts


def _fmt(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms" if seconds < 1 else f"{seconds:,.2f} s"


def table(best: dict[str, float], nodes: int) -> str:
    """The row, with batchprep's speed-up over each library and the targets."""
    names = [name for name in LIBRARIES if name in best]
    ours = best["batchprep"]
    rows = [
        "| read a status page | " + " | ".join(LABELS[name] for name in names) + " | targets |",
        "|---|" + "---|" * (len(names) + 1),
    ]
    verdicts = []
    for name, target in TARGETS.items():
        if name in best:
            ratio = best[name] / ours
            verdicts.append(f"≥ {target:g}× {LABELS[name]}: {ratio:,.0f}× {'✅' if ratio >= target else '❌'}")
    if "msgspec" in best:
        ratio = ours / best["msgspec"]
        verdicts.append(f"within {MSGSPEC_WITHIN}× msgspec: {ratio:.2f}× {'✅' if ratio <= MSGSPEC_WITHIN else '❌'}")
    cells = [f"{_fmt(best[name])} ({best[name] / ours:,.1f}×)" if name != "batchprep" else _fmt(ours) for name in names]
    rows.append(f"| {nodes:,} nodes, dict → models | " + " | ".join(cells) + " | " + "; ".join(verdicts) + " |")
    return "\n".join(rows)


def run(nodes: int, rounds: int, budget: float, azure15: str | None, skip_azure15: bool) -> str:
    """Time the row and return it as a table with the versions measured (for ``python -m benchmarks``)."""
    python = None if skip_azure15 else azure15_python(azure15)
    best, versions = timings(nodes, rounds, budget, python)
    used = "".join(f"\n- {LABELS[name]}: {text}" for name, text in versions.items())
    return (
        f"status list: {nodes:,} nodes, each library in its own process, best of {rounds} interleaved rounds{used}\n"
        f"(in parentheses: that library's time over batchprep's)\n\n{table(best, nodes)}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.status", description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", choices=LIBRARIES, help=argparse.SUPPRESS)
    parser.add_argument("-n", type=int, default=payload.STATUS_NODES, help="nodes on the page (10,000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the best time counts (5)")
    parser.add_argument("--budget", type=float, default=0.5, help="seconds spent per timed batch (0.5)")
    parser.add_argument("--azure15-python", metavar="PYTHON", help="an interpreter with azure-batch 15.x")
    parser.add_argument("--no-azure15", action="store_true", help="leave azure-batch 15 out")
    parser.add_argument(
        "--instructions",
        metavar="LIBRARIES",
        help="count instructions per read with valgrind's callgrind instead of timing, for these libraries "
        "(comma-separated, e.g. batchprep,msgspec: under callgrind msrest takes minutes per read)",
    )
    parser.add_argument("--reads", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.n, args.budget, args.reads)
        return 0
    if args.instructions:
        chosen = tuple(name.strip() for name in args.instructions.split(","))
        unknown = [name for name in chosen if name not in LIBRARIES]
        if unknown:
            parser.error(f"--instructions: unknown libraries {unknown} (known: {', '.join(LIBRARIES)})")
        python = azure15_python(args.azure15_python) if "azure15" in chosen else None
        counts = instructions(args.n, python, chosen)
        for name, count in counts.items():
            relative = f" ({count / counts['batchprep']:.2f}× batchprep's)" if "batchprep" in counts else ""
            print(f"{LABELS[name]}: {count:,} instructions per read of {args.n:,} nodes{relative}")
        return 0
    print(run(args.n, args.rounds, args.budget, args.azure15_python, args.no_azure15))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
