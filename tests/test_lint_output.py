"""check's findings in every format, with their places: lines and columns in JSON and YAML files.

SARIF output is validated against the SARIF 2.1.0 JSON Schema shipped in tests/data/sarif; the API
(`batchprep.lint.lint_file`) gives exactly what `python -m batchprep check` prints.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from batchprep.lint import Finding, lint_file, lint_text
from batchprep.lint.locate import Locator
from batchprep.lint.output import github_annotations, json_records, sarif_log, text_lines
from batchprep.lint.output.json import json_record
from batchprep.lint.rules import RULES

ROOT = Path(__file__).resolve().parent.parent
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
GOOD = "examples/job-preparation-task.json"
BROKEN = "examples/broken-job-preparation-task.json"


def run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    return subprocess.run(
        [sys.executable, "-m", "batchprep", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=120,
    )


BEHAVIOUR = {
    "commandLine": "/bin/bash -c 'cd build; make'",
    "waitForSuccess": False,
    "constraints": {"maxTaskRetryCount": -1},
}


# --- lines and columns ----------------------------------------------------------------------------------


def test_json_places_through_escapes() -> None:
    text = '{\n  "id": "a",\n  "commandLine": "echo \\"\\u00e9\\" $X",\n  "list": [1, {"k": true}]\n}'
    where = Locator(text)
    assert where.locate("") == (1, 1)
    assert where.locate("/id") == (2, 3)
    assert where.locate("/commandLine") == (3, 3)
    value = json.loads(text)["commandLine"]
    assert where.locate("/commandLine", value.index("$")) == (3, 35)
    assert where.locate("/list/1/k") == (4, 16)
    assert where.locate("/list/1/missing") == (4, 15)  # the nearest object that is there
    assert where.locate("/nowhere/deep") == (1, 1)
    assert Locator("{not json").locate("/id") is None


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("commandLine: cp a $X\n", 1, 19),
        ("commandLine: 'cp ''a'' $X'\n", 1, 24),
        ('commandLine: "cp \\"a\\" $X"\n', 1, 24),
        ("commandLine: |\n  cp a\n  mv b $X\n", 3, 8),
        ("commandLine: >\n  cp a $X\n", 1, 1),  # folded: no character map, the property's key
    ],
)
def test_yaml_places_inside_strings(text: str, line: int, column: int) -> None:
    value = yaml.safe_load(text)["commandLine"]
    assert Locator(text, "yaml").locate("/commandLine", value.index("$")) == (line, column)


def test_behaviour_findings_point_at_the_character(tmp_path: Path) -> None:
    task = tmp_path / "task.yaml"
    task.write_text(
        "commandLine: cp -r tools $AZ_BATCH_NODE_SHARED_DIR\nconstraints:\n  maxWallClockTime: PT5M\n", encoding="utf-8"
    )
    [found] = lint_file(task)
    assert (found.code, found.line, found.column) == ("BP101", 1, 26)


# --- the formats ----------------------------------------------------------------------------------------


def test_text_format() -> None:
    found = [
        Finding("/id", "bad", "pattern", "error", file="t.json", line=2, column=3),
        Finding("", "no limit", "no-wall-clock-limit", "warning", "BP301"),
    ]
    assert text_lines(found) == "t.json:2:3: /id: bad [pattern]\n/: no limit [BP301 no-wall-clock-limit]"


def test_github_format_escapes_what_the_runner_reads() -> None:
    finding = Finding(
        "/commandLine", "100% broken,\nreally: yes", "x-rule", "info", "BP999", file="a,b:c.json", line=1, column=2
    )
    assert github_annotations([finding]) == (
        "::notice file=a%2Cb%3Ac.json,line=1,col=2,title=batchprep BP999 x-rule::"
        "/commandLine: 100%25 broken,%0Areally: yes"
    )
    done = run("check", "-q", "--format", "github", BROKEN, GOOD)
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"::error file={BROKEN},line=2,col=3,title=batchprep pattern::/id: may contain")
    assert lines[4].startswith(f"::error file={BROKEN},line=9,col=3,title=batchprep misspelt::/waitForSucess")
    assert lines[5].startswith(f"::notice file={GOOD},line=22,col=7,title=batchprep BP305 blob-prefix-layout::")
    assert lines[5].endswith("(https://batchprep.readthedocs.io/en/latest/rules/#bp305-blob-prefix-layout)")


def test_json_format() -> None:
    finding = Finding("/x", "m", "no-wall-clock-limit", "warning", "BP301", url="u", file="f", line=1, column=1)
    assert json.loads(json_records([finding])) == [json_record(finding)]
    assert json_record(finding) == {
        "file": "f",
        "line": 1,
        "column": 1,
        "path": "/x",
        "code": "BP301",
        "rule": "no-wall-clock-limit",
        "severity": "warning",
        "message": "m",
        "url": "u",
    }


def test_sarif_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    task = tmp_path / "behaviour.task.json"
    task.write_text(json.dumps(BEHAVIOUR, indent=2), encoding="utf-8")
    done = run("check", "-q", "--format", "sarif", GOOD, BROKEN, task)
    assert done.returncode == 1
    log = json.loads(done.stdout)
    jsonschema.validate(log, SARIF_SCHEMA, cls=jsonschema.Draft202012Validator)
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert [r["id"] for r in driver["rules"][: len(RULES)]] == list(RULES)
    assert {r["id"] for r in driver["rules"][len(RULES) :]} == {
        "pattern",
        "exactly_one_source",
        "format",
        "type",
        "misspelt",
    }
    results = sarif_run["results"]
    by_rule = {r["ruleId"]: r for r in results}
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert by_rule["BP305"]["level"] == "note" and by_rule["pattern"]["level"] == "error"
    assert by_rule["BP305"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": GOOD},
        "region": {"startLine": 22, "startColumn": 7},
    }
    assert by_rule["BP201"]["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "/commandLine", "kind": "member"}
    ]
    assert driver["rules"][0]["helpUri"].endswith("#bp101-unexpanded-variable")
    assert [a["location"]["uri"] for a in sarif_run["artifacts"]][:2] == [GOOD, BROKEN]


def test_sarif_of_nothing_found_validates_too() -> None:
    jsonschema.validate(json.loads(sarif_log([])), SARIF_SCHEMA, cls=jsonschema.Draft202012Validator)


def test_the_schema_file_is_the_sarif_2_1_0_schema() -> None:
    assert SARIF_SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"version": "2.1.0", "runs": [{"results": []}]}, SARIF_SCHEMA)  # a run needs a tool


# --- the API gives what the command prints --------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_lint_file_gives_what_check_prints(tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    task = tmp_path / "behaviour.task.yaml"
    task.write_text(yaml.safe_dump(BEHAVIOUR, sort_keys=False), encoding="utf-8")
    files = [GOOD, BROKEN, str(task)]
    done = run("check", "-q", "--format", fmt, *files)
    monkeypatch.chdir(ROOT)
    found = [f for file in files for f in lint_file(file)]
    if fmt == "json":
        assert json.loads(done.stdout) == [json_record(f) for f in found]
    else:
        assert done.stdout == text_lines(found) + "\n"
    # Warnings and infos in the order of their places: the YAML file has waitForSuccess before constraints.
    assert [f.code for f in found if f.code] == ["BP305", "BP201", "BP306", "BP301", "BP302"]


def test_lint_text_reads_json_and_yaml_alike() -> None:
    as_json = lint_text(json.dumps(BEHAVIOUR))
    as_yaml = lint_text(yaml.safe_dump(BEHAVIOUR), "yaml")
    assert sorted((f.code, f.path, f.offset) for f in as_json) == sorted((f.code, f.path, f.offset) for f in as_yaml)
    assert len(as_json) == 4


# --- secrets ---------------------------------------------------------------------------------------------

#: A SAS URL and a URL with a password, each in a command that a behaviour rule quotes in its message.
SECRETS = {
    "commandLine": "/bin/sh -c 'curl -o a https://h/a?sig=SIGSECRET; git clone https://u:PWSECRET@h/r.git'",
    "constraints": {"maxWallClockTime": "PT10M"},
}


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_secrets_in_a_command_line_never_reach_the_output(tmp_path: Path, fmt: str) -> None:
    task = tmp_path / "secrets.json"
    task.write_text(json.dumps(SECRETS), encoding="utf-8")
    done = run("check", "-q", "--format", fmt, task)
    assert done.returncode == 0 and done.stderr == ""
    assert "SIGSECRET" not in done.stdout and "PWSECRET" not in done.stdout
    # Only the secrets are masked: what the messages say after them is still there.
    assert "if 'curl -o a https://h/a?sig=***' fails, the next commands still run" in done.stdout
    assert "'git clone https://u:***@h/r.git' fails when the task runs again" in done.stdout


def test_a_finding_masks_its_message_whoever_makes_it() -> None:
    finding = Finding("/x?sig=A", "see https://u:PW@h and ?sig=B; then more", "r", "warning")
    assert (finding.path, finding.message) == ("/x?sig=***", "see https://u:***@h and ?sig=***; then more")
    for text in (text_lines([finding]), json_records([finding]), github_annotations([finding]), sarif_log([finding])):
        assert "PW@" not in text and "sig=A" not in text and "sig=B" not in text and "then more" in text
