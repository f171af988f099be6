"""The typing promise: type checkers accept correct use of batchprep and catch the usual mistakes.

``tests/typing/correct_usage.py`` must check clean under ``mypy --strict`` (with the project's mypy
configuration) and under pyright in strict mode; ``tests/typing/mistakes.py`` must give exactly the
errors its ``# E: [code]`` marks announce: the same (line, error code) pairs for mypy, the same lines
for pyright (whose rule names differ).

pyright is optional outside CI: without it (``pip install pyright``, which runs on Node.js) its tests
are skipped; CI installs it with the test extra and must not skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mypy import api as mypy_api

# Tests of the project's tooling, not of batchprep on a Python version: .ci/run runs them once.
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
CORRECT = ROOT / "tests" / "typing" / "correct_usage.py"
MISTAKES = ROOT / "tests" / "typing" / "mistakes.py"

_MARK = re.compile(r"#\s*E:\s*(?P<codes>(?:\[[a-z-]+\]\s*)+)$")
_CODE = re.compile(r"\[([a-z-]+)\]")
_MYPY_ERROR = re.compile(r"^(?P<file>.+?):(?P<line>\d+): error: .*\s\[(?P<code>[a-z-]+)\]$")
#: Lines that use a member of a batchprep enum (``AutoUserScope.pool``): see _PYRIGHT_ENUM_GAP.
_ENUM_MEMBER = re.compile(r"\b(AutoUserScope|ElevationLevel|ContainerWorkingDirectory|ContainerHostDataPath)\.[a-z_]+")
_PYRIGHT_ENUM_GAP = (
    "pyright applies the return type of the class decorator batchprep.register_enum, type[Enum], to the "
    "enum classes, so it knows none of their members (src/batchprep/model.py: register_enum should be "
    "generic, def register_enum(enum_cls: _E) -> _E with _E bound to type[enum.Enum])"
)


def marked_errors(path: Path) -> set[tuple[int, str]]:
    """The (line, mypy error code) pairs the ``# E: [code]`` marks of a file announce."""
    found = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        mark = _MARK.search(line)
        if mark:
            found |= {(number, code) for code in _CODE.findall(mark["codes"])}
    return found


def parse_mypy(output: str) -> dict[str, set[tuple[int, str]]]:
    """mypy's errors (notes left out) by file name: the (line, error code) pairs."""
    errors: dict[str, set[tuple[int, str]]] = {}
    for line in output.splitlines():
        error = _MYPY_ERROR.match(line)
        if error:
            errors.setdefault(Path(error["file"]).name, set()).add((int(error["line"]), error["code"]))
    return errors


def test_the_marks_are_read() -> None:
    marks = marked_errors(MISTAKES)
    lines = [line for line, _ in marks]
    assert len(set(lines)) >= 25
    assert any(lines.count(line) > 1 for line in lines)  # a line may expect several codes
    assert marked_errors(CORRECT) == set()
    sample = "a.py:3: error: Missing named argument \"name\"  [call-arg]\na.py:3: note: defined here\nFound 1 error"
    assert parse_mypy(sample) == {"a.py": {(3, "call-arg")}}


# --- mypy -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mypy_errors() -> dict[str, set[tuple[int, str]]]:
    """One ``mypy --strict`` run over both files."""
    stdout, stderr, status = mypy_api.run(
        [
            "--strict",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--cache-dir",
            str(ROOT / ".mypy_cache"),
            "--no-pretty",
            "--show-error-codes",
            str(CORRECT),
            str(MISTAKES),
        ]
    )
    assert status in (0, 1), f"mypy could not run (exit {status}):\n{stdout}\n{stderr}"
    return parse_mypy(stdout)


def test_mypy_accepts_correct_usage(mypy_errors: dict[str, set[tuple[int, str]]]) -> None:
    assert mypy_errors.get(CORRECT.name, set()) == set()


def test_mypy_reports_exactly_the_marked_mistakes(mypy_errors: dict[str, set[tuple[int, str]]]) -> None:
    reported = mypy_errors.get(MISTAKES.name, set())
    expected = marked_errors(MISTAKES)
    assert sorted(expected - reported) == [], "marked mistakes mypy did not report"
    assert sorted(reported - expected) == [], "errors mypy reported on lines not marked"


def test_correct_usage_runs() -> None:
    spec = importlib.util.spec_from_file_location("typing_correct_usage", CORRECT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main()


# --- pyright ----------------------------------------------------------------------------------------


def _pyright() -> str | None:
    beside = Path(sys.executable).parent / "pyright"
    return str(beside) if beside.is_file() else shutil.which("pyright")


@pytest.fixture(scope="module")
def pyright_errors() -> Iterator[dict[str, list[dict[str, Any]]]]:
    """One pyright run over both files: its error diagnostics by file name."""
    executable = _pyright()
    if executable is None:
        reason = "pyright is not installed: pip install pyright (it needs Node.js)"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    done = subprocess.run(
        [executable, "--outputjson", "--pythonpath", sys.executable, str(CORRECT), str(MISTAKES)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        pytest.fail(f"pyright did not run (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    errors: dict[str, list[dict[str, Any]]] = {}
    for diagnostic in report["generalDiagnostics"]:
        if diagnostic["severity"] == "error":
            errors.setdefault(Path(diagnostic["file"]).name, []).append(diagnostic)
    yield errors


def _line(diagnostic: dict[str, Any]) -> int:
    return int(diagnostic["range"]["start"]["line"]) + 1  # pyright counts from 0


def test_pyright_accepts_correct_usage(pyright_errors: dict[str, list[dict[str, Any]]]) -> None:
    lines = CORRECT.read_text(encoding="utf-8").splitlines()
    errors = pyright_errors.get(CORRECT.name, [])
    unexplained = [
        f"{_line(d)}: {d['message']} ({d.get('rule')})" for d in errors if not _ENUM_MEMBER.search(lines[_line(d) - 1])
    ]
    assert unexplained == []
    if errors:
        pytest.xfail(_PYRIGHT_ENUM_GAP)


def test_pyright_reports_errors_on_exactly_the_marked_lines(pyright_errors: dict[str, list[dict[str, Any]]]) -> None:
    reported = {_line(d) for d in pyright_errors.get(MISTAKES.name, [])}
    expected = {line for line, _ in marked_errors(MISTAKES)}
    assert sorted(expected - reported) == [], "marked mistakes pyright did not report"
    assert sorted(reported - expected) == [], "errors pyright reported on lines not marked"
