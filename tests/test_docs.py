"""Keep the documentation honest: every Python example in it runs, and the doctests pass.

``examples/quickstart.py`` (the runnable example the guide points to) is run here too; the README's
Quickstart command itself is run by ``tests/test_cli.py``.

Each ```python block of ``README.md`` and ``docs/*.md`` is executed in order, in one namespace per file,
so a later block can use what an earlier one built.  Blocks that must not run (shell commands, sample
output) are fenced as ```bash or ```text instead.  A block titled ``azure-batch 15.x``
(```` ```python title="azure-batch 15.x" ````) needs that SDK, which cannot share this environment with
the 14.2 oracle: tests/interop15 runs those blocks in the second environment of ``.ci/run``.
"""

from __future__ import annotations

import doctest
import importlib
import json
import linecache
import re
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC_FILES = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s]*)[^`]*$")


#: The title that marks a block for the azure-batch 15.x environment.
AZURE15 = 'title="azure-batch 15.x"'


@dataclass(frozen=True)
class Block:
    number: int  # 1-based, counting Python blocks only
    line: int  # 1-based line of the opening fence in the Markdown file
    source: str


def python_blocks(text: str, environment: str = "") -> list[Block]:
    """The ```python fenced blocks of a Markdown text, in order, dedented to their fence: those of the
    main test environment, or with ``environment="azure15"`` those titled for azure-batch 15.x."""
    blocks: list[Block] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = _OPEN.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent, fence, info = opening["indent"], opening["fence"], opening["info"].lower()
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        wanted = (AZURE15 in lines[i]) == (environment == "azure15")
        if info in ("python", "py", "python3") and wanted:
            blocks.append(Block(len(blocks) + 1, i + 1, "\n".join(body) + "\n"))
        i = j + 1
    return blocks


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_the_block_reader_sees_only_python_fences() -> None:
    text = "\n".join(
        [
            "# Title",
            "```bash",
            "pip install .",
            "```",
            "```python",
            "x = 1",
            "```",
            "- a list item:",
            "  ```python",
            "  y = x + 1",
            "  ```",
            "```text",
            "```python is not a fence here",
            "```",
        ]
    )
    blocks = python_blocks(text)
    assert [(b.number, b.line, b.source) for b in blocks] == [(1, 5, "x = 1\n"), (2, 9, "y = x + 1\n")]


def run_blocks(path: Path, environment: str = "") -> int:
    """Run a page's Python blocks in one namespace; fail with the failing line shown. Returns how many ran."""
    name = _relative(path)
    blocks = python_blocks(path.read_text(encoding="utf-8"), environment)
    namespace: dict[str, object] = {"__name__": f"docs_example_{path.stem}"}
    for block in blocks:
        filename = f"{name}:block{block.number}"
        # Registered so that the traceback below shows the failing line of the example.
        linecache.cache[filename] = (len(block.source), None, block.source.splitlines(keepends=True), filename)
        failure = None
        try:
            exec(compile(block.source, filename, "exec"), namespace)
        except Exception:
            failure = traceback.format_exc()
        if failure is not None:  # failed outside the except clause: no "during handling" chain in the report
            pytest.fail(
                f"{name}: Python block {block.number} of {len(blocks)} (the fence on line {block.line}) failed:\n"
                + failure,
                pytrace=False,
            )
    return len(blocks)


@pytest.mark.parametrize("path", DOC_FILES, ids=_relative)
def test_python_examples_run(path: Path) -> None:
    run_blocks(path)


def test_the_azure15_examples_are_kept_apart() -> None:
    page = (ROOT / "docs" / "interop.md").read_text(encoding="utf-8")
    assert len(python_blocks(page, "azure15")) == 2
    assert not any("BatchJobCreateOptions" in b.source for b in python_blocks(page))


@pytest.mark.parametrize(
    "module_name",
    [
        "batchprep.durations",
        "batchprep.errors",
        "batchprep.redact",
        "batchprep.node.layout",
        "batchprep.node.process",
        "batchprep.node.report",
    ],
)
def test_module_doctests(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, verbose=False, report=True)
    assert result.attempted > 0, f"{module_name} has no doctest examples any more"
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples of {module_name} failed"


def test_quickstart_example_prints_the_rest_body() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"examples/quickstart.py exited with {done.returncode}:\n{done.stderr}"
    body = json.loads(done.stdout)
    assert body["commandLine"].startswith("/bin/sh -c ")
    assert body["constraints"] == {"maxWallClockTime": "PT30M", "retentionTime": "P1D", "maxTaskRetryCount": 2}
    assert body["userIdentity"] == {"autoUser": {"scope": "pool", "elevationLevel": "admin"}}
