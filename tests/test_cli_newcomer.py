"""What a newcomer meets on the command line: misspelt keys and values are errors, never silently dropped.

Every test runs the real `batchprep` command in a subprocess, on YAML and JSON files a person would
write; the typos are the ones users make (a key in another letter case, a property at the wrong
level, a retired property, an enum value one edit off).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import batchprep as bp
from batchprep import lint
from test_cli import run

TYPOS = """\
commandLine: /bin/sh -c 'set -e; ./setup.sh'
constraints:
  maxWallclockTime: PT30M
userIdentity:
  userName: batchadmin
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def lines(done: object, path: Path) -> list[str]:
    """check's lines without the file name, line and column."""
    return [re.sub(r"^[^:]*(:\d+:\d+)?: ", "", line) for line in done.stdout.splitlines()]  # type: ignore[attr-defined]


def test_a_misspelt_key_is_an_error_that_says_the_setting_is_not_sent(tmp_path: Path) -> None:
    task = write(tmp_path, "task.yaml", TYPOS)
    done = run("check", task)
    assert done.returncode == 1
    assert lines(done, task) == [
        (
            "/constraints/maxWallclockTime: is not a TaskConstraints property: the setting will not be sent; write "
            "'maxWallClockTime' (property names are case-sensitive) [misspelt]"
        ),
        "/userIdentity: needs username or autoUser (found neither); leave userIdentity out for the default user [exactly_one]",
        (
            "/userIdentity/userName: is not a UserIdentity property: the setting will not be sent; write 'username' "
            "(property names are case-sensitive) [misspelt]"
        ),
    ]
    assert done.stderr == "checked 1 file: 3 problems\n"


def test_render_refuses_a_file_with_a_misspelt_key(tmp_path: Path) -> None:
    task = write(tmp_path, "task.yaml", TYPOS)
    done = run("render", task)
    assert (done.returncode, done.stdout) == (1, "")
    assert "maxWallclockTime: is not a TaskConstraints property: the setting will not be sent" in done.stderr
    fixed = write(tmp_path, "fixed.yaml", TYPOS.replace("maxWallclockTime", "maxWallClockTime").replace("userName", "username"))
    rendered = run("render", fixed)
    assert rendered.returncode == 0
    assert json.loads(rendered.stdout)["constraints"] == {"maxWallClockTime": "PT30M"}
    assert json.loads(rendered.stdout)["userIdentity"] == {"username": "batchadmin"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("commandLine: x\nautoUser:\n  elevationLevel: admin\n", "/autoUser: is not a JobPreparationTask property: the setting will not be sent; 'autoUser' belongs under 'userIdentity' (/userIdentity/autoUser): move it there [misplaced]"),
        ("commandLine: x\nmaxWallClockTime: PT10M\n", "/maxWallClockTime: is not a JobPreparationTask property: the setting will not be sent; 'maxWallClockTime' belongs under 'constraints' (/constraints/maxWallClockTime): move it there [misplaced]"),
        ("commandLine: x\nwaitForSucess: true\n", "/waitForSucess: is not a JobPreparationTask property: the setting will not be sent; did you mean 'waitForSuccess'? [misspelt]"),
        ("commandLine: x\nrunElevated: true\n", "/runElevated: is not a JobPreparationTask property: the setting will not be sent; runElevated was removed from the Batch API in 2017 (2017-01-01.4.0): write userIdentity: {autoUser: {elevationLevel: admin}} instead [retired]"),
        ("commandLine: x\nresourceFiles:\n  - blobSource: https://a/b\n    filePath: b\n", "/resourceFiles/0/blobSource: is not a ResourceFile property: the setting will not be sent; blobSource was renamed httpUrl in 2018 (2018-12-01.8.0): write httpUrl instead (blobPrefix is for container sources, not for httpUrl) [retired]"),
        ("commandLine: x\nenvironmentSettings:\n  - name: A\n    valeu: b\n", "/environmentSettings/0/valeu: is not an EnvironmentSetting property: the setting will not be sent; did you mean 'value'? [misspelt]"),
        ("commandLine: x\nuserIdentity:\n  autoUser:\n    elevatonLevel: admin\n", "/userIdentity/autoUser/elevatonLevel: is not an AutoUserSpecification property: the setting will not be sent; did you mean 'elevationLevel'? [misspelt]"),
    ],
    ids=["nested-at-the-top", "limit-at-the-top", "two-edits", "runElevated", "blobSource", "an-environment-setting", "an-auto-user"],
)
def test_keys_in_the_wrong_place_and_retired_ones_are_errors_with_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    task = write(tmp_path, "task.yaml", text)
    # (a body with maxWallClockTime at its top would be read as a Job Release Task: --as says what it is)
    done = run("check", "--quiet", "--select", "unknown", "--as", "preparation", task)  # errors are always reported
    assert done.returncode == 1
    assert expected in lines(done, task)


def test_other_unknown_keys_stay_warnings_for_a_newer_api(tmp_path: Path) -> None:
    task = write(tmp_path, "task.json", json.dumps({"commandLine": "x", "allowTaskPreemption": False}))
    done = run("check", "--quiet", "--select", "unknown", task)
    assert done.returncode == 0
    assert lines(done, task) == [
        "/allowTaskPreemption: is not a JobPreparationTask property: kept when read, left out by serialize() [unknown]"
    ]


@pytest.mark.parametrize(
    ("place", "value", "guess"),
    [
        ("userIdentity/autoUser/elevationLevel", "admn", "admin"),
        ("userIdentity/autoUser/elevationLevel", "Admin ", "admin"),
        ("userIdentity/autoUser/scope", "tasks", "task"),
        ("containerSettings/workingDirectory", "taskworkingdir", "taskWorkingDirectory"),
    ],
)
def test_a_misspelt_enum_value_is_an_error_with_did_you_mean(tmp_path: Path, place: str, value: str, guess: str) -> None:
    body = _with({"commandLine": "x", "containerSettings": {"imageName": "img"}}, place, value)
    done = run("check", "--quiet", "--select", "unknown", write(tmp_path, "task.json", json.dumps(body)))
    assert done.returncode == 1
    key = place.rpartition("/")[2]
    [line] = [line for line in lines(done, Path()) if line.startswith(f"/{place}:")]
    assert line.startswith(f"/{place}: {value!r} is not one of the {key} values (")
    assert line.endswith(f"): the service refuses it; did you mean {guess!r}? [enum]")


@pytest.mark.parametrize(("place", "value"), [("userIdentity/autoUser/elevationLevel", "administrator"), ("userIdentity/autoUser/scope", "node")])
def test_an_enum_value_far_from_every_known_one_is_sent_as_written_with_a_warning(tmp_path: Path, place: str, value: str) -> None:
    task = write(tmp_path, "task.json", json.dumps(_with({"commandLine": "x"}, place, value)))
    done = run("check", "--quiet", "--select", "unknown", task)
    assert done.returncode == 0
    [line] = lines(done, task)
    assert line.startswith(f"/{place}: {value!r} is not one of the {place.rpartition('/')[2]} values this version knows (")
    assert line.endswith("); sent as written [unknown]")
    rendered = run("render", task)
    assert rendered.returncode == 0 and value in rendered.stdout


def test_a_value_in_another_letter_case_is_no_finding_and_goes_out_as_the_service_spells_it(tmp_path: Path) -> None:
    task = write(tmp_path, "task.yaml", "commandLine: x\nuserIdentity:\n  autoUser:\n    elevationLevel: Admin\n    scope: POOL\n")
    assert run("check", "--quiet", "--select", "unknown", task).stdout == ""
    rendered = run("render", task)
    assert json.loads(rendered.stdout)["userIdentity"] == {"autoUser": {"scope": "pool", "elevationLevel": "admin"}}


def test_a_time_limit_in_months_is_an_error_in_check(tmp_path: Path) -> None:
    task = write(tmp_path, "task.yaml", "commandLine: x\nconstraints:\n  maxWallClockTime: P30M\n")
    done = run("check", "--quiet", task)
    assert done.returncode == 1
    assert (
        "/constraints/maxWallClockTime: P30M is 30 months; did you mean PT30M (30 minutes)? The Batch service measures"
        " time limits as a fixed span: use days, e.g. P30D [fixed_span]"
    ) in lines(done, task)


def test_reading_and_validating_stay_lenient_and_lossless() -> None:
    """deserialize() and validate() judge what the service says; only documents a person wrote are strict."""
    body = {"commandLine": "x", "constraints": {"maxWallclockTime": "PT30M"}, "userIdentity": {"autoUser": {"scope": "tasks"}}}
    task = bp.JobPreparationTask.deserialize(body)
    assert task.validate() == []
    assert task.serialize(send_additional_properties=True) == body
    assert [p.rule for p in lint.check(body).problems] == ["misspelt", "enum"]


def test_the_api_gives_the_findings_of_the_cli_for_a_model_built_in_python() -> None:
    task = bp.JobPreparationTask(
        command_line="echo $HOME",
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(elevation_level="admn")),
    )
    report = lint.check(task)
    assert report.model is None
    assert [(p.path, p.rule) for p in report.problems] == [("/userIdentity/autoUser/elevationLevel", "enum")]
    task.user_identity.auto_user.elevation_level = "Admin"  # type: ignore[union-attr]
    fine = lint.check(task)
    assert fine.ok and fine.model is task
    assert [f.code for f in fine.behaviour] == ["BP101", "BP301"]  # $HOME without a shell; no time limit
    assert lint.check(bp.JobPreparationTask.deserialize(task.serialize())).behaviour == fine.behaviour


def test_standard_input_is_read_for_a_dash() -> None:
    checked = run("check", "--quiet", "-", stdin=TYPOS)  # YAML: it does not start like JSON
    assert checked.returncode == 1 and checked.stdout.startswith("-:3:3: /constraints/maxWallclockTime: ")
    rendered = run("render", "-", stdin=json.dumps({"commandLine": "x", "waitForSuccess": True}))
    assert (rendered.returncode, json.loads(rendered.stdout)) == (0, {"commandLine": "x", "waitForSuccess": True})


def test_json_output_reports_a_file_it_cannot_read_as_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    done = run("check", "--format", "json", missing)
    assert done.returncode == 2
    assert json.loads(done.stdout) == [
        {
            "file": str(missing),
            "line": None,
            "column": None,
            "path": "",
            "code": None,
            "rule": "unreadable",
            "severity": "error",
            "message": f"cannot read {missing}: No such file or directory",
            "url": None,
        }
    ]
    sarif = json.loads(run("check", "--format", "sarif", missing).stdout)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["unreadable"]


def test_a_yaml_file_with_several_documents_says_so(tmp_path: Path) -> None:
    task = write(tmp_path, "tasks.yaml", "commandLine: a\n---\ncommandLine: b\n")
    done = run("check", "--quiet", task)
    assert done.returncode == 1
    assert lines(done, task) == [
        "/: cannot read JobPreparationTask: the file holds several YAML documents (the second starts at line 2): "
        "batchprep reads one body per file; put each task in a file of its own [document]"
    ]


def _with(body: dict[str, object], place: str, value: object) -> dict[str, object]:
    here = body
    *parents, key = place.split("/")
    for name in parents:
        here = here.setdefault(name, {})  # type: ignore[assignment]
    here[key] = value
    return body


def test_the_walk_through_shows_the_files_it_checks() -> None:
    """docs/first-task.md: each YAML block titled with a file's name is that file (its sessions run in test_cli)."""
    from test_cli import ROOT, SESSIONS

    page = (ROOT / "docs" / "first-task.md").read_text(encoding="utf-8")
    shown = dict(re.findall(r'^```yaml title="([^"]+)"\n(.*?)^```$', page, flags=re.MULTILINE | re.DOTALL))
    assert sorted(shown) == ["examples/first-task/task-with-mistakes.yaml", "examples/first-task/task.yaml"]
    for name, text in shown.items():
        assert (ROOT / name).read_text(encoding="utf-8") == text, name
    assert [c for c, _ in SESSIONS if "first-task" in c] == [
        "batchprep check examples/first-task/task-with-mistakes.yaml",
        "batchprep check examples/first-task/task-two-fixed.yaml",
        "batchprep check examples/first-task/task.yaml",
        "batchprep render --compact examples/first-task/task.yaml",
    ]
