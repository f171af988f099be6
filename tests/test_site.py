"""The documentation site builds without a single warning: ``mkdocs build --strict``.

Strict mode fails on a nav entry whose page is missing, a broken link or anchor between pages, and a
docstring the API reference cannot render.  The build needs the ``docs`` extra; without it the test is
skipped, except in CI, which installs that extra and must not skip silently.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Tests of the project's tooling, not of batchprep on a Python version: .ci/run runs them once.
pytestmark = pytest.mark.tooling

ROOT = Path(__file__).resolve().parent.parent
NEEDED = ("mkdocs", "material", "mkdocstrings", "mkdocstrings_handlers.python")


def _missing() -> list[str]:
    missing = []
    for name in NEEDED:
        try:
            found = importlib.util.find_spec(name) is not None
        except ModuleNotFoundError:  # the parent package is missing
            found = False
        if not found:
            missing.append(name)
    return missing


def test_mkdocs_build_is_strict_clean(tmp_path: Path) -> None:
    missing = _missing()
    if missing:
        reason = f"the docs extra is not installed (missing {', '.join(missing)}): pip install -e '.[docs]'"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")  # material's banner about MkDocs 2, not a build problem
    # No --quiet: it hides the warnings from the counter that --strict relies on, and the build "passes".
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr}"
    assert (tmp_path / "site" / "index.html").is_file()
    assert (tmp_path / "site" / "api" / "index.html").is_file()
    page = (tmp_path / "site" / "api" / "index.html").read_text(encoding="utf-8")
    # Each model attribute shows its REST key beside its Python name (docs/_hooks/rest_keys.py), and the
    # private base of the errors stays out of sight.
    import batchprep

    for name in batchprep.__all__:
        for f in getattr(getattr(batchprep, name), "_bp_fields", ()):
            assert f"REST key <code>{f.wire_key}</code>" in page, f"{name}.{f.name} has no REST key in the API reference"
    assert "_ErrorList" not in page
    assert 'id="__search"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")  # the site has search
