"""What check reports and what fails it: --select/--ignore, --severity/--strict, [tool.batchprep] in
pyproject.toml (found from the working directory upwards), per-file-ignores, and YAML opt-out comments.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from batchprep.lint import ConfigError, Finding, Settings, load_settings
from batchprep.lint.config import opt_outs

ROOT = Path(__file__).resolve().parent.parent

#: Draws BP201 (warning), BP305 (info) and nothing else.
TASK = {
    "commandLine": "/bin/bash -c 'cd build; make'",
    "constraints": {"maxWallClockTime": "PT10M"},
    "resourceFiles": [{"autoStorageContainerName": "in", "blobPrefix": "a/"}],
}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = str(ROOT / "src")
    return subprocess.run(
        [sys.executable, "-m", "batchprep", "check", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


def codes(done: subprocess.CompletedProcess[str]) -> list[str | None]:
    return [r["code"] or r["rule"] for r in json.loads(done.stdout)]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "tasks").mkdir()
    (tmp_path / "tasks" / "prep.json").write_text(json.dumps(TASK), encoding="utf-8")
    return tmp_path


# --- selecting -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "found"),
    [
        ([], ["BP201", "BP305"]),
        (["--select", "BP2"], ["BP201"]),
        (["--select", "no-stop-on-failure,blob-prefix-layout"], ["BP201", "BP305"]),
        (["--select", "BP201", "--select", "BP305"], ["BP201", "BP305"]),
        (["--ignore", "BP305"], ["BP201"]),
        (["--ignore", "bp"], []),
        (["--select", "ALL", "--ignore", "no-stop-on-failure"], ["BP305"]),
    ],
)
def test_select_and_ignore(project: Path, options: list[str], found: list[str]) -> None:
    done = run("-q", "--format", "json", *options, "tasks/prep.json", cwd=project)
    assert (done.returncode, codes(done)) == (0, found)


def test_errors_cannot_be_ignored(project: Path) -> None:
    (project / "tasks" / "bad.json").write_text('{"commandLine": "x", "id": "bad id"}', encoding="utf-8")
    done = run("-q", "--format", "json", "--select", "BP305", "tasks/bad.json", cwd=project)
    assert (done.returncode, codes(done)) == (1, ["pattern"])


@pytest.mark.parametrize(
    ("options", "code"),
    [([], 0), (["--strict"], 1), (["--severity", "warning"], 1), (["--severity", "info", "--ignore", "BP201"], 1)],
)
def test_the_severity_threshold(project: Path, options: list[str], code: int) -> None:
    done = run(*options, "tasks/prep.json", cwd=project)
    assert done.returncode == code
    assert done.stderr.endswith("checked 1 file: no problems, 1 warning, 1 info\n") or "--ignore" in options


def test_an_unknown_rule_is_a_usage_error(project: Path) -> None:
    done = run("--select", "BP999", "tasks/prep.json", cwd=project)
    assert done.returncode == 2
    assert "Error: --select: 'BP999' is no rule code or name" in done.stderr


# --- pyproject.toml --------------------------------------------------------------------------------------


def test_pyproject_is_found_from_the_working_directory_upwards(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.batchprep]\nignore = ["BP305"]\nstrict = true\n', encoding="utf-8")
    done = run("-q", "--format", "json", "prep.json", cwd=project / "tasks")
    assert (done.returncode, codes(done)) == (1, ["BP201"])
    # The command line wins: --severity over strict, --ignore adds to ignore.
    done = run("-q", "--format", "json", "--severity", "error", "--ignore", "BP201", "prep.json", cwd=project / "tasks")
    assert (done.returncode, codes(done)) == (0, [])
    assert run("-q", "--isolated", "--format", "json", "prep.json", cwd=project / "tasks").stdout.count('"code"') == 2


def test_a_pyproject_without_the_table_is_passed_over(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.batchprep]\nselect = ["BP305"]\n', encoding="utf-8")
    (project / "tasks" / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_settings(project / "tasks").select == ("BP305",)
    assert load_settings(project / "tasks").source == project / "pyproject.toml"


def test_config_names_a_file(project: Path) -> None:
    other = project / "other.toml"
    other.write_text('[tool.batchprep]\nselect = ["BP305"]\n', encoding="utf-8")
    done = run("-q", "--format", "json", "--config", other, "tasks/prep.json", cwd=project)
    assert codes(done) == ["BP305"]
    empty = project / "empty.toml"
    empty.write_text("", encoding="utf-8")
    done = run("--config", empty, "tasks/prep.json", cwd=project)
    assert done.returncode == 2 and "no [tool.batchprep] table in it" in done.stderr


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            'slect = ["BP1"]',
            "[tool.batchprep] has no setting 'slect' (did you mean 'select'?); "
            "the settings are select, ignore, severity, strict, per-file-ignores",
        ),
        (
            'ignore = ["BP3O1"]',
            "[tool.batchprep] ignore: 'BP3O1' is no rule code or name (did you mean 'BP301'?); "
            "batchprep rules lists them",
        ),
        ('severity = "fatal"', "[tool.batchprep] severity: the severity is one of error, warning, info, not 'fatal'"),
        ("severity = [1]", "[tool.batchprep] severity: the severity is one of error, warning, info, not [1]"),
        ("strict = 1", "[tool.batchprep] strict: expected true or false, not an integer (1)"),
        ("select = 5", '[tool.batchprep] select: expected a list of rule codes or names, such as ["BP301"]'),
        (
            "per-file-ignores = 5",
            "[tool.batchprep] per-file-ignores: expected a table of glob patterns and rule lists, not an integer (5)",
        ),
    ],
)
def test_bad_settings_say_where(project: Path, table: str, message: str) -> None:
    # The setting's own line: the table starts on line 3.
    (project / "pyproject.toml").write_text(f'[project]\nname = "x"\n[tool.batchprep]\n{table}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(project)
    assert str(caught.value) == f"{project / 'pyproject.toml'}:4: {message}"
    done = run("tasks/prep.json", cwd=project)
    assert done.returncode == 2 and f"pyproject.toml:4: {message}" in done.stderr and "Traceback" not in done.stderr


def test_a_bad_per_file_ignore_names_its_line(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.batchprep]\nstrict = true\n\n[tool.batchprep.per-file-ignores]\n"a/*.json" = ["BP201"]\n"b/*" = 5\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(project)
    assert str(caught.value) == (
        f"{project / 'pyproject.toml'}:6: [tool.batchprep] per-file-ignores 'b/*': "
        'expected a list of rule codes or names, such as ["BP301"]'
    )


@pytest.mark.parametrize(
    ("text", "line", "error"),
    [
        ('[tool.batchprep]\nselect = ["BP1"\n', 3, "Unclosed array"),
        ('[project]\nname = "x"\n\n[tool.batchprep]\nstrict = tru\n', 5, "Invalid value"),
        ('tool.batchprep.ignore = "BP305\n', 1, "Illegal character"),
    ],
)
def test_a_broken_pyproject_with_our_table_is_a_usage_error(project: Path, text: str, line: int, error: str) -> None:
    (project / "pyproject.toml").write_text(text, encoding="utf-8")
    # FILE:LINE:COLUMN: the error as tomllib words it (the column it names varies between Python versions).
    expected = re.compile(rf"Error: {re.escape(str(project / 'pyproject.toml'))}:{line}:\d+: not TOML: {error}")
    for cwd in (project, project / "tasks"):  # found from below too: it is not passed over
        done = run("tasks/prep.json" if cwd == project else "prep.json", cwd=cwd)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert expected.search(done.stderr), done.stderr
    with pytest.raises(ConfigError, match=rf"pyproject.toml:{line}:\d+: not TOML: {error}"):
        load_settings(project / "tasks")


def test_a_broken_pyproject_of_another_tool_is_passed_over(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.batchprep]\nselect = ["BP305"]\n', encoding="utf-8")
    (project / "tasks" / "pyproject.toml").write_text('[tool.black\nline-length = 100\n', encoding="utf-8")
    assert load_settings(project / "tasks").source == project / "pyproject.toml"
    done = run("-q", "--format", "json", "prep.json", cwd=project / "tasks")
    assert (done.returncode, codes(done)) == (0, ["BP305"])


def test_a_pyproject_with_our_table_that_is_not_utf8_is_a_usage_error(project: Path) -> None:
    (project / "pyproject.toml").write_bytes(b'[tool.batchprep]\nignore = ["\xff"]\n')
    done = run("tasks/prep.json", cwd=project)
    assert done.returncode == 2 and "pyproject.toml: cannot read it: not UTF-8" in done.stderr


def test_per_file_ignores(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.batchprep.per-file-ignores]\n"tasks/*.json" = ["no-stop-on-failure"]\n', encoding="utf-8"
    )
    (project / "top.json").write_text(json.dumps(TASK), encoding="utf-8")
    done = run("-q", "--format", "json", "tasks/prep.json", "top.json", cwd=project)
    assert [(r["file"], r["code"]) for r in json.loads(done.stdout)] == [
        ("tasks/prep.json", "BP305"),
        ("top.json", "BP201"),
        ("top.json", "BP305"),
    ]
    # From another directory the patterns still mean the pyproject's directory.
    done = run("-q", "--format", "json", "prep.json", cwd=project / "tasks")
    assert codes(done) == ["BP305"]


# --- opt-out comments in YAML ------------------------------------------------------------------------------


def test_a_yaml_file_opts_out_in_a_comment(project: Path) -> None:
    task = project / "tasks" / "prep.yaml"
    task.write_text(
        "# batchprep: disable=BP201, blob-prefix-layout\n"
        "commandLine: /bin/bash -c 'cd build; make'\n"
        "constraints: {maxWallClockTime: PT10M}\n"
        "waitForSuccess: false  # batchprep: disable=no-wait-for-success\n",
        encoding="utf-8",
    )
    done = run("-q", "--format", "json", "tasks/prep.yaml", cwd=project)
    assert (done.returncode, codes(done)) == (0, [])


def test_opt_out_text_inside_a_string_is_no_comment() -> None:
    text = (
        "commandLine: |\n  /bin/bash -c 'cd build; make'\n  # batchprep: disable=BP201\n"
        "id: x  # batchprep: disable=BP301\n"
    )
    assert opt_outs(text) == (("BP301",), [])


def test_an_unknown_rule_in_an_opt_out_is_reported(project: Path) -> None:
    task = project / "tasks" / "prep.yaml"
    task.write_text(
        "commandLine: ./setup.sh\nconstraints: {maxWallClockTime: PT10M}\n# batchprep: disable=BP301,nope\n",
        encoding="utf-8",
    )
    done = run("--format", "json", "tasks/prep.yaml", cwd=project)
    [record] = json.loads(done.stdout)
    assert (record["rule"], record["severity"], record["line"], record["column"]) == ("opt-out", "warning", 3, 28)
    assert record["message"] == "the opt-out comment names 'nope', which is no rule code or name"


# --- the settings object ---------------------------------------------------------------------------------


def test_settings() -> None:
    warning = Finding("", "m", "no-stop-on-failure", "warning", "BP201")
    info = Finding("", "m", "blob-prefix-layout", "info", "BP305")
    error = Finding("/id", "m", "pattern", "error")
    default = Settings()
    assert [default.reported(f) for f in (warning, info, error)] == [True, True, True]
    assert [default.fails(f) for f in (warning, info, error)] == [False, False, True]
    strict = default.override(strict=True)
    assert [strict.fails(f) for f in (warning, info, error)] == [True, False, True]
    narrowed = default.override(select=["BP3"])
    assert [narrowed.reported(f) for f in (warning, info, error)] == [False, True, True]
    with pytest.raises(ConfigError, match="--severity: the severity is one of error, warning, info"):
        default.override(severity="fatal")
