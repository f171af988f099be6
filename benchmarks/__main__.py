"""Run the benchmarks and print the ratio table (``python -m benchmarks --help``)."""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import re
import statistics
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from typing import Any

from benchmarks import machine, payload
from benchmarks.timing import per_call

LIBRARIES = ("batchprep", "msrest", "pydantic", "msgspec")
OPERATIONS = ("serialize", "deserialize", "validate", "as_dict", "from_dict", "construct")
#: Targets from the performance issue: batchprep must be at least this many times faster than msrest.
TARGETS = {"serialize": 100, "deserialize": 50, "validate": 50, "as_dict": 50, "from_dict": 30, "construct": 1}


def _load(name: str) -> Any:
    return importlib.import_module(f"benchmarks.lib_{name}")


def _calls(lib: Any, n: int) -> dict[str, Callable[[], Any]]:
    values, body = payload.values(n), payload.body(n)
    tree = lib.construct(values)
    plain = lib.as_dict(tree) if lib.as_dict else None
    calls = {"serialize": lambda: lib.serialize(tree), "deserialize": lambda: lib.deserialize(body), "construct": lambda: lib.construct(values)}
    if lib.validate:
        calls["validate"] = lambda: lib.validate(tree)
    if lib.as_dict:
        calls["as_dict"] = lambda: lib.as_dict(tree)
    if lib.from_dict:
        calls["from_dict"] = lambda: lib.from_dict(plain)
    return calls


def _same_durations(body: dict[str, Any]) -> dict[str, Any]:
    """The body with its durations as values: msgspec writes ``PT3600S`` where the others write ``PT1H``."""
    import isodate

    constraints = {k: isodate.parse_duration(v) if k != "maxTaskRetryCount" else v for k, v in body["constraints"].items()}
    return {**body, "constraints": constraints}


def _check_same_output(libs: dict[str, Any], n: int) -> None:
    """Every library must produce the same REST body, or the comparison means nothing."""
    expected = payload.body(n)
    for name, lib in libs.items():
        got = lib.serialize(lib.construct(payload.values(n)))
        if _same_durations(got) != _same_durations(expected):
            raise SystemExit(f"{name} serializes the payload differently:\n{got}\n!=\n{expected}")
        again = lib.serialize(lib.deserialize(expected))
        if _same_durations(again) != _same_durations(expected):
            raise SystemExit(f"{name} does not read the payload back: {again}")


def timings(n: int, rounds: int, budget: float) -> dict[str, dict[str, float]]:
    """Seconds per call for every library and operation, from interleaved rounds (best of all)."""
    libs = {name: _load(name) for name in LIBRARIES}
    _check_same_output(libs, n)
    calls = {name: _calls(lib, n) for name, lib in libs.items()}
    best: dict[str, dict[str, float]] = {name: {} for name in LIBRARIES}
    for _ in range(rounds):
        for op in OPERATIONS:
            for name in LIBRARIES:
                fn = calls[name].get(op)
                if fn is not None:
                    t = per_call(fn, budget)
                    best[name][op] = min(t, best[name].get(op, t))
    return best


def _top_level_imports(code: str) -> dict[str, int]:
    """Cumulative microseconds of each top-level import a fresh interpreter makes to run ``code``."""
    # Bytecode caching on, as on a user's machine (pip writes .pyc files at install time; an
    # editable install writes them on first import): the first of several runs warms the cache.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True, check=True, env=env
    )
    out = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("   "):  # top level
            out[parts[2].strip()] = int(parts[1])
    return out


def import_ms(module: str, runs: int = 15) -> float:
    """Import time of ``module`` in a fresh interpreter (``-X importtime``): the cumulative time of
    every top-level import it triggers beyond interpreter start-up; best of ``runs``."""
    startup = set(_top_level_imports("pass"))
    totals = []
    for _ in range(runs):
        imports = _top_level_imports(f"import {module}")
        totals.append(sum(us for name, us in imports.items() if name not in startup) / 1000)
    return min(totals)


def tree_bytes(name: str, n: int, trees: int = 100) -> int:
    """Bytes one live tree holds: the memory ``trees`` trees keep allocated, divided by ``trees``."""
    lib = _load(name)
    values = payload.values(n)
    lib.construct(values)  # warm: first use compiles code, caches strings
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [lib.construct(values) for _ in range(trees)]
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return (after - before) // trees


def _fmt(seconds: float) -> str:
    us = seconds * 1e6
    return f"{us:,.1f} µs" if us < 1000 else f"{us / 1000:,.2f} ms"


def table(best: dict[str, dict[str, float]], imports: dict[str, float], memory: dict[str, int]) -> str:
    rows = [
        "| operation | batchprep | msrest | pydantic v2 | msgspec | batchprep vs msrest | target | vs pydantic |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for op in OPERATIONS:
        cells = [_fmt(best[name][op]) if op in best[name] else "—" for name in LIBRARIES]
        ours, theirs = best["batchprep"][op], best["msrest"][op]
        ratio = theirs / ours
        target = TARGETS[op]
        met = "✅" if ratio >= target else "❌"
        vs_pyd = f"{best['pydantic'][op] / ours:.2f}×" if op in best["pydantic"] else "—"
        rows.append(f"| {op} | {' | '.join(cells)} | {ratio:,.1f}× | ≥ {target}× {met} | {vs_pyd} |")
    rows.append(
        f"| import (cumulative) | {imports['batchprep']:.1f} ms | {imports['msrest.serialization']:.1f} ms (msrest.serialization) | "
        f"{imports['pydantic']:.1f} ms | {imports['msgspec']:.1f} ms | {imports['msrest.serialization'] / imports['batchprep']:.1f}× | ≥ 5× "
        f"{'✅' if imports['msrest.serialization'] / imports['batchprep'] >= 5 else '❌'} | |"
    )
    rows.append(
        f"| bytes per tree (N=5) | {memory['batchprep']:,} | {memory['msrest']:,} | {memory['pydantic']:,} | {memory['msgspec']:,} | "
        f"{memory['batchprep'] / memory['msrest']:.2f} of msrest | ≤ 0.6 {'✅' if memory['batchprep'] <= 0.6 * memory['msrest'] else '❌'} | |"
    )
    return "\n".join(rows)


#: The scaling run: what is timed for each library, as (library, operation).
SCALING = (
    ("batchprep", "serialize"),
    ("msgspec", "serialize"),
    ("batchprep", "deserialize"),
    ("msgspec", "deserialize"),
    ("batchprep", "validate"),
)


def scaling(sizes: list[int], budget: float, rounds: int = 3) -> dict[tuple[str, str], dict[int, float]]:
    """Time per resource file as N grows, for batchprep and, as the machine's reference, msgspec.

    Compiled code on a large tree is bound by memory (every object and string it touches is a cache
    miss once the tree outgrows the CPU caches); msgspec shows what that costs on this machine.
    """
    libs = {name: _load(name) for name in {lib for lib, _ in SCALING}}
    out: dict[tuple[str, str], dict[int, float]] = {key: {} for key in SCALING}
    for n in sizes:
        calls = {name: _calls(lib, n) for name, lib in libs.items()}
        for _ in range(rounds):
            for name, op in SCALING:
                t = per_call(calls[name][op], budget) / n
                out[name, op][n] = min(t, out[name, op].get(n, t))
    return out


def plot(results: dict[tuple[str, str], dict[int, float]], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"serialize": "tab:blue", "deserialize": "tab:orange", "validate": "tab:green"}
    fig, ax = plt.subplots(figsize=(7, 4))
    for (name, op), points in results.items():
        sizes = sorted(points)
        ax.plot(
            sizes,
            [points[n] * 1e6 for n in sizes],
            marker="o" if name == "batchprep" else ".",
            linestyle="-" if name == "batchprep" else "--",
            color=colours[op],
            label=f"{name} {op}",
        )
    ax.set_xscale("log")
    ax.set_ylim(bottom=0)
    ax.set_xlabel("resource files and environment settings (N)")
    ax.set_ylabel("µs per resource file")
    ax.set_title("Time per resource file as the task grows (msgspec dashed, for reference)")
    ax.legend(fontsize="small")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def environment() -> str:
    import azure.batch
    import msgspec
    import msrest
    import pydantic

    import batchprep

    return (
        f"{machine.describe()}; batchprep {batchprep.__version__}, msrest {msrest.__version__}, "
        f"azure-batch {azure.batch.__version__ if hasattr(azure.batch, '__version__') else '14.2.0'}, "
        f"pydantic {pydantic.VERSION}, msgspec {msgspec.__version__}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("-n", type=int, default=5, help="resource files and environment settings in the headline payload (5)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds; the best time of all rounds counts (5)")
    parser.add_argument("--budget", type=float, default=0.1, help="seconds spent per timed batch (0.1)")
    parser.add_argument("--scaling", action="store_true", help="also time N = 10 … 100,000 and report time per resource file")
    parser.add_argument("--plot", metavar="PNG", help="with --scaling: write the scaling plot here")
    parser.add_argument(
        "--cli",
        action="store_true",
        help="instead: time the batchprep command (--version, check, run of a `true` task) against `true`, "
        "with hyperfine when it is on PATH (needs no bench extra)",
    )
    parser.add_argument("--runs", type=int, default=60, help="with --cli: timed runs of each command (60)")
    parser.add_argument("--warmup", type=int, default=5, help="with --cli: warm-up runs of each command (5)")
    parser.add_argument("--no-hyperfine", action="store_true", help="with --cli: time the commands here even with hyperfine")
    parser.add_argument(
        "--status",
        action="store_true",
        help="also time reading a 10,000-node status list page, each library in its own process (benchmarks/status.py)",
    )
    parser.add_argument("--status-only", action="store_true", help="time the status list row alone")
    parser.add_argument(
        "--azure15-python",
        metavar="PYTHON",
        help="with --status: the interpreter of an environment with azure-batch 15.x (found or created otherwise)",
    )
    parser.add_argument("--no-azure15", action="store_true", help="with --status: leave azure-batch 15 out")
    args = parser.parse_args(argv)

    if args.cli:
        from benchmarks import cli

        return cli.main(args.runs, args.warmup, use_hyperfine=not args.no_hyperfine)
    print(environment())
    if args.status or args.status_only:
        from benchmarks import status

        print(status.run(payload.STATUS_NODES, args.rounds, max(args.budget, 0.5), args.azure15_python, args.no_azure15))
        print()
        if args.status_only:
            return 0
    print(f"payload: N = {args.n}; best of {args.rounds} interleaved rounds\n")
    best = timings(args.n, args.rounds, args.budget)
    imports = {m: import_ms(m) for m in ("batchprep", "msrest.serialization", "pydantic", "msgspec")}
    memory = {name: tree_bytes(name, args.n) for name in LIBRARIES}
    print(table(best, imports, memory))
    if args.scaling:
        sizes = [10, 100, 1000, 10_000, 100_000]
        results = scaling(sizes, args.budget)
        print("\n| N | " + " | ".join(f"{name} {op}" for name, op in results) + " |")
        print("|---|" + "---|" * len(results))
        for n in sizes:
            print(f"| {n:,} | " + " | ".join(f"{points[n] * 1e6:.2f}" for points in results.values()) + " |")
        print("(µs per resource file)")
        for (name, op), points in results.items():
            per = list(points.values())
            print(f"{name} {op}: max/min time per file across N = {max(per) / min(per):.2f}")
        if args.plot:
            plot(results, args.plot)
            print(f"plot written to {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
