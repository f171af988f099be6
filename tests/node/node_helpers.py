"""Helpers the local node's tests share (the fixtures are in conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

#: A user identity with admin rights: the task runs as root, as batchprep does here.
ADMIN = {"autoUser": {"scope": "pool", "elevationLevel": "admin"}}


def run_cli(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 120, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m batchprep ARGS` from the repository root, as a user runs it (`input`: its stdin)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "BATCHPREP_AUTO_STORAGE")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "batchprep", *map(str, args)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        input=input,
    )


def write_json(path: Path, body: Any) -> Path:
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def run_node(
    task: Path, node_dir: Path, *args: str, job: str = "job", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`batchprep run TASK --node-dir NODE_DIR --job-id JOB ARGS`."""
    return run_cli("run", task, "--node-dir", node_dir, "--job-id", job, *args, env=env)
