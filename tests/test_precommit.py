"""The pre-commit hook, run by the real `pre-commit try-repo` on a temporary git repository.

pre-commit installs this repository (its working tree, uncommitted changes included) into a virtual
environment of its own with pip, then runs the hook on the files of the temporary repository: a good
task and a bad one. The first run builds the environment (about a minute); it lives in tmp_path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# Tests of the project's tooling, not of batchprep on a Python version: .ci/run runs them once.
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def test_the_hook_manifest() -> None:
    [hook] = HOOKS
    assert hook["id"] == "batchprep-check"
    assert hook["entry"] == "batchprep check" and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("task.json", "tasks/prep.task.yaml", "job-preparation-task.yml", "a/b/broken-task.json"):
        assert pattern.search(name), name
    for name in ("package.json", "tasks.json", "taskforce.yaml", "task.json.bak"):
        assert not pattern.search(name), name


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_pre_commit_try_repo_runs_the_hook(tmp_path: Path) -> None:
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    _git(repo, "config", "user.email", "test@example.com")
    _git(repo, "config", "user.name", "test")
    good = {"commandLine": "/bin/sh -c 'set -e; ./setup.sh'", "constraints": {"maxWallClockTime": "PT10M"}}
    (repo / "good.task.json").write_text(json.dumps(good), encoding="utf-8")
    (repo / "prep-task.yaml").write_text(
        "commandLine: ./setup.sh\nconstraints:\n  maxWallClockTime: PT5M\n", encoding="utf-8"
    )
    (repo / "bad.task.json").write_text('{"commandLine": "x", "id": "bad id"}', encoding="utf-8")
    (repo / "package.json").write_text('{"name": "not a task"}', encoding="utf-8")  # not matched by the hook
    _git(repo, "add", ".")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_", "VIRTUAL_ENV"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    # try-repo commits the working tree's changes in a scratch clone: it needs an identity on a fresh machine.
    for role in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = "batchprep tests", "tests@example.com"
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])

    def try_repo(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "pre_commit",
                "try-repo",
                str(ROOT),
                "batchprep-check",
                "--verbose",
                "--files",
                *files,
            ],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    done = try_repo("good.task.json", "prep-task.yaml", "bad.task.json", "package.json")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "bad.task.json:1:22: /id: may contain only letters" in done.stdout
    assert "checked 3 files: 1 problem" in done.stdout  # package.json is no task: the hook leaves it out
    assert not any(line.startswith(("good.task.json:", "prep-task.yaml:")) for line in done.stdout.splitlines())
    clean = try_repo("good.task.json", "prep-task.yaml")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
