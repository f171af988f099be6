"""The behaviour rules: each fires where it should and stays silent where it must.

Sources of command lines: the corpus in tests/data/lint/command-lines.json (real-world shapes, each
with the exact rules it fires), the shipped examples, every command line of README.md and docs/, the
examples of docs/rules.md (each section's bad example fires its rule, the good one does not), and
what `shell_command` builds (no command-line rule ever fires on it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from batchprep import JobPreparationTask, JobReleaseTask, shell_command
from batchprep.lint import RULES, check, check_body, lint_file, lint_text
from batchprep.lint.rules import behaviour_findings
from batchprep.lint.rules._registry import DOCS_URL, Rule, register

ROOT = Path(__file__).resolve().parent.parent
CORPUS = json.loads((ROOT / "tests" / "data" / "lint" / "command-lines.json").read_text(encoding="utf-8"))["cases"]
RULES_PAGE = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")

#: A task where only the command line can draw findings: admin, a time limit, no reruns.
QUIET_SETTINGS: dict[str, Any] = {
    "constraints": {"maxWallClockTime": "PT30M"},
    "userIdentity": {"autoUser": {"scope": "pool", "elevationLevel": "admin"}},
    "rerunOnNodeRebootAfterSuccess": False,
}


def codes(body: dict[str, Any]) -> list[str]:
    report = check(body)
    assert report.ok, report.problems
    return [f.code for f in report.behaviour if f.code]


def line_codes(command_line: str, **extra: Any) -> list[str]:
    return codes({"commandLine": command_line, **QUIET_SETTINGS, **extra})


# --- the registry -------------------------------------------------------------------------------------


def test_every_rule_has_a_stable_code_a_name_a_severity_and_a_summary() -> None:
    assert list(RULES) == sorted(RULES)
    for code, rule in RULES.items():
        assert re.fullmatch(r"BP\d{3}", code) and rule.code == code
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
        assert rule.severity in ("warning", "info")
        assert rule.summary and "\n" not in rule.summary
        assert rule.url == f"{DOCS_URL}#{code.lower()}-{rule.name}"
    assert len({r.name for r in RULES.values()}) == len(RULES)


def test_the_registry_refuses_a_code_used_twice_and_an_error_severity() -> None:
    class Twice(Rule):
        code = "BP101"
        name = "another-name"
        severity = "warning"
        summary = "x"

    class Erroneous(Rule):
        code = "BP999"
        name = "erroneous"
        severity = "error"
        summary = "x"

    with pytest.raises(ValueError, match="already registered"):
        register(Twice)
    with pytest.raises(ValueError, match="severity is warning or info"):
        register(Erroneous)
    assert "BP999" not in RULES


# --- the corpus ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CORPUS, ids=[c["commandLine"][:60] for c in CORPUS])
def test_corpus(case: dict[str, Any]) -> None:
    assert line_codes(case["commandLine"]) == case["fires"]


def test_the_corpus_covers_every_command_line_rule_both_ways() -> None:
    fired = {code for case in CORPUS for code in case["fires"]}
    assert fired >= {c for c in RULES if c.startswith(("BP1", "BP2"))}
    assert sum(not case["fires"] for case in CORPUS) >= 25


# --- the shipped examples and the docs ------------------------------------------------------------------


@pytest.mark.parametrize("example", ["job-preparation-task.json", "job-preparation-task.yaml"])
def test_the_shipped_example_has_one_intended_finding(example: str) -> None:
    found = lint_file(ROOT / "examples" / example)
    # Its container source has a blobPrefix: the info says where the files land (docs/cli.md shows it).
    assert [(f.code, f.path, f.severity) for f in found] == [("BP305", "/resourceFiles/1/blobPrefix", "info")]


def _documented_command_lines() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for page in sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")]):
        if page.name == "rules.md":  # its bad examples are meant to fire
            continue
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"command_line='([^']*)'|command_line=\"((?:[^\"\\]|\\.)*)\"", text):
            found.append(
                (page.name, match.group(1) if match.group(1) is not None else json.loads(f'"{match.group(2)}"'))
            )
        for match in re.finditer(r'"commandLine": ?("(?:[^"\\]|\\.)*")', text):
            found.append((page.name, json.loads(match.group(1))))
    return found


#: Command lines of the docs that show a rule firing, on purpose (docs/cli.md shows BP101 from Python,
#: docs/local-node.md a command line the node cannot split).
INTENDED = {"cp -r tools $AZ_BATCH_NODE_SHARED_DIR", "/bin/sh -c 'exit 3"}
DOCUMENTED = [(page, line) for page, line in _documented_command_lines() if line not in INTENDED]


def test_the_docs_have_command_lines() -> None:
    assert len(DOCUMENTED) > 20


@pytest.mark.parametrize(("page", "command_line"), DOCUMENTED, ids=[f"{p}:{c[:50]}" for p, c in DOCUMENTED])
def test_no_command_line_rule_fires_on_the_docs(page: str, command_line: str) -> None:
    assert [c for c in line_codes(command_line) if c.startswith(("BP1", "BP2"))] == []


def _sections() -> dict[str, tuple[str, list[str]]]:
    """Each rule's section of docs/rules.md: its heading and its ```json blocks."""
    sections: dict[str, tuple[str, list[str]]] = {}
    for chunk in re.split(r"^## ", RULES_PAGE, flags=re.MULTILINE)[1:]:
        heading, _, body = chunk.partition("\n")
        code = heading.split()[0]
        if re.fullmatch(r"BP\d{3}", code):
            sections[code] = (heading, re.findall(r"^```json\n(.*?)^```$", body, flags=re.MULTILINE | re.DOTALL))
    return sections


SECTIONS = _sections()


def test_the_rules_page_lists_every_rule_in_its_table_and_a_section() -> None:
    assert list(SECTIONS) == list(RULES)
    for code, rule in RULES.items():
        heading, blocks = SECTIONS[code]
        assert heading == f"{code} {rule.name}"
        tasks = "both" if len(rule.tasks) == 2 else rule.tasks[0]
        assert f"| [{code}](#{code.lower()}-{rule.name}) | `{rule.name}` | {rule.severity} | {tasks} |" in RULES_PAGE
        assert len(blocks) == 2, f"{code}: a bad and a good example"
        for part in ("**What it does.**", "**Why is this bad?**", "**Example**", "**Use instead"):
            assert part in RULES_PAGE.split(f"## {heading}", 1)[1].split("\n## ", 1)[0], (code, part)


@pytest.mark.parametrize("code", list(RULES))
def test_each_rules_bad_example_fires_it_and_the_good_one_does_not(code: str) -> None:
    _, (bad, good) = SECTIONS[code]
    assert code in codes(json.loads(bad))
    assert code not in codes(json.loads(good))


# --- rule by rule: where they fire and where they must not ---------------------------------------------


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "cp data $AZ_BATCH_NODE_SHARED_DIR",
            "$AZ_BATCH_NODE_SHARED_DIR reaches the program as it is: the command line does not run in a shell, so "
            "nothing expands it; run it in a shell: /bin/sh -c '...'",
        ),
        (
            "env X=$HOME bash -c ./a.sh",
            "$HOME reaches the program as it is: the command line does not run in a shell, so nothing expands it; "
            "move it into the shell's script",
        ),
    ],
)
def test_unexpanded_variable_messages(line: str, message: str) -> None:
    [finding] = [f for f in check({"commandLine": line, **QUIET_SETTINGS}).behaviour if f.code == "BP101"]
    assert finding.message == message
    assert line[finding.offset or 0] == "$"


@pytest.mark.parametrize(
    "line", ["echo '$HOME'", "echo \\$HOME", 'echo "\\$HOME"', "echo 'a|b' \"c && d\" 'x > y'", "echo '*.txt' \\*"]
)
def test_quoted_shell_syntax_outside_a_shell_is_silent(line: str) -> None:
    assert line_codes(line) == []


def _deep(levels: int) -> str:
    return "/bin/sh -c 'echo " + "$(echo " * levels + "x" + ")" * levels + "'"


@pytest.mark.parametrize(
    "line",
    [
        _deep(51),
        _deep(5000),
        "/bin/bash -c '" + "( " * 3000 + "true" + " )" * 3000 + "'",
        "/bin/bash -c '" + "if true; then " * 2000 + "true; " + "fi; " * 2000 + "'",
        "bash -c \"bash -c 'echo " + "$(echo " * 600 + "x" + ")" * 600 + "'\"",  # in a nested shell's script
    ],
    ids=["51 $(", "5000 $(", "3000 (", "2000 if", "nested shell"],
)
def test_a_script_nested_too_deep_is_said_not_analysed(line: str) -> None:
    [finding] = [f for f in check({"commandLine": line, **QUIET_SETTINGS}).behaviour if f.code == "BP109"]
    assert (finding.severity, finding.rule) == ("info", "script-too-deep")
    assert re.fullmatch(
        r"(sh|bash)'s script nests more than 50 levels deep \(\$\(\.\.\.\), \( \), \{ \}, if\.\.\.\) at column \d+ of "
        r"the script: batchprep does not analyse it, so the behaviour rules say nothing about it",
        finding.message,
    )
    assert finding.offset is not None and line[finding.offset] in "$(t"  # the construct one level too deep


def test_a_script_nested_as_deep_as_the_reader_goes_is_analysed() -> None:
    assert line_codes(_deep(50)) == []
    assert "BP304" in codes({"commandLine": "/bin/sh -c '" + "( " * 40 + "mkdir data" + " )" * 40 + "'"})


def test_check_survives_deep_scripts_from_the_command_line(tmp_path: Path) -> None:
    import subprocess
    import sys

    task = tmp_path / "task.json"
    task.write_text(json.dumps({"commandLine": _deep(5000), **QUIET_SETTINGS}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "batchprep", "check", str(task)], capture_output=True, text=True, check=False
    )
    assert (done.returncode, done.stderr) == (0, "checked 1 file: no problems, 1 info\n")
    assert "[BP109 script-too-deep]" in done.stdout and "Traceback" not in done.stdout


@pytest.mark.parametrize(
    ("settings", "fires"),
    [
        ({}, True),
        ({"userIdentity": {"autoUser": {"elevationLevel": "nonadmin"}}}, True),
        ({"userIdentity": {"autoUser": {"scope": "pool", "elevationLevel": "admin"}}}, False),
        ({"userIdentity": {"autoUser": {"elevationLevel": "Admin"}}}, False),
        ({"userIdentity": {"username": "installer"}}, False),  # may be an admin of the pool: unknown here
        ({"containerSettings": {"imageName": "ubuntu:24.04"}}, False),  # the container decides
    ],
)
def test_privileged_commands_need_admin(settings: dict[str, Any], fires: bool) -> None:
    body = {"commandLine": "/bin/bash -c 'set -e; apt-get install -y jq'", "constraints": {"maxWallClockTime": "PT1H"}}
    assert ("BP303" in codes({**body, **settings})) is fires


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("apt-get install -y jq", True),
        ("/bin/sh -c 'set -e; sudo -E ./setup.sh'", True),
        ("sudo bash -c 'set -e; ./setup.sh'", True),
        ("/bin/sh -c 'systemctl restart docker'", True),
        ("docker pull ubuntu", True),
        ("/bin/sh -c 'dpkg -i tool.deb'", True),
        ("apt-cache policy jq", False),
        ("/bin/sh -c 'apt list --installed'", False),
        ("/bin/sh -c 'systemctl status docker'", False),
        ("/bin/sh -c 'dpkg -l'", False),
        ("docker --version", False),
        ("docker run --rm img sh -c 'apt-get install -y jq'", True),  # docker itself needs root; inside, not
    ],
)
def test_which_commands_need_root(line: str, fires: bool) -> None:
    body = {"commandLine": line, "constraints": {"maxWallClockTime": "PT1H"}}
    assert codes(body).count("BP303") == int(fires)


@pytest.mark.parametrize(
    ("line", "fires"),
    [
        ("mkdir data", True),
        ("/bin/sh -c 'set -e; mkdir -m 700 data'", True),
        ("/bin/sh -c 'set -e; git -C /opt clone https://x/tools.git'", True),
        ("/bin/sh -c 'set -e; ln -s /opt/tools tools'", True),
        ("/bin/sh -c 'set -e; useradd svc'", True),
        ("mkdir -p data", False),
        ("/bin/sh -c 'set -e; mkdir -pv data; mkdir --parents x'", False),
        ("/bin/sh -c 'set -e; [ -d tools ] || git clone https://x/tools.git'", False),
        ("/bin/sh -c 'set -e; rm -rf tools; git clone https://x/tools.git'", False),
        ("/bin/sh -c 'set -e; rm -rf out; git clone https://x/tools.git out'", False),
        ("/bin/sh -c 'set -e; rm -rf other; git clone https://x/tools.git'", True),
        ("/bin/sh -c 'set -e; ln -sfn /opt/tools tools'", False),
        ("/bin/sh -c 'id -u svc || useradd svc'", False),
        ("/bin/sh -c 'mkdir data 2>/dev/null || true'", False),
        ("/bin/sh -c 'if [ ! -d data ]; then mkdir data; fi'", False),
        ("git --version", False),
    ],
)
def test_commands_that_fail_when_run_again(line: str, fires: bool) -> None:
    body = {"commandLine": line, "constraints": {"maxWallClockTime": "PT1H"}}
    assert codes(body).count("BP304") == int(fires)


def test_not_idempotent_only_when_the_task_runs_again() -> None:
    body: dict[str, Any] = {"commandLine": "mkdir data", "constraints": {"maxWallClockTime": "PT1H"}}
    [message] = [f.message for f in check(body).behaviour if f.code == "BP304"]
    assert message == (
        "'mkdir data' fails when the task runs again on this node (after a reboot): the directory is there already; "
        "use mkdir -p (or set rerunOnNodeRebootAfterSuccess: false)"
    )
    assert "BP304" not in codes({**body, "rerunOnNodeRebootAfterSuccess": False})
    retried = {**body, "rerunOnNodeRebootAfterSuccess": False, "constraints": {"maxTaskRetryCount": 2}}
    [message] = [f.message for f in check(retried).behaviour if f.code == "BP304"]
    assert "(on a retry, in the same directory)" in message


@pytest.mark.parametrize(
    ("body", "fires"),
    [
        ({"commandLine": "x"}, ["BP301"]),
        ({"commandLine": "x", "constraints": {"retentionTime": "P1D"}}, ["BP301"]),
        ({"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H", "maxTaskRetryCount": -1}}, ["BP302"]),
        ({"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H", "maxTaskRetryCount": 0}}, []),
        ({"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}, "waitForSuccess": False}, ["BP306"]),
        ({"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}, "waitForSuccess": True}, []),
    ],
)
def test_task_settings(body: dict[str, Any], fires: list[str]) -> None:
    assert codes(body) == fires


def test_an_empty_command_line_has_no_program_to_start() -> None:
    [finding] = [f for f in check({"commandLine": "", **QUIET_SETTINGS}).behaviour]
    assert (finding.code, finding.path, finding.severity) == ("BP108", "/commandLine", "warning")
    assert finding.message == (
        "is empty: the service accepts it, but the node has no program to start, so the task cannot run "
        "(batchprep run refuses it); give the program to run, e.g. /bin/sh -c './setup.sh'"
    )
    assert line_codes("  ") == ["BP108"] and line_codes("./setup.sh") == []
    # In a container what an empty command line does is the image's business.
    assert line_codes("", containerSettings={"imageName": "ubuntu:22.04"}) == []
    assert [f.code for f in behaviour_findings(JobReleaseTask(command_line=""))] == ["BP108"]


# --- release tasks ----------------------------------------------------------------------------------------

#: The rules about settings only a Job Preparation Task has.
PREPARATION_ONLY = {"BP301", "BP302", "BP306"}


def test_which_rules_look_at_which_task() -> None:
    assert {code for code, rule in RULES.items() if rule.tasks == ("preparation",)} == PREPARATION_ONLY
    assert all(rule.tasks == ("preparation", "release") for code, rule in RULES.items() if code not in PREPARATION_ONLY)

    class Nowhere(Rule):
        code = "BP998"
        name = "nowhere"
        severity = "warning"
        summary = "x"
        tasks = ("start",)  # type: ignore[assignment]

    with pytest.raises(ValueError, match="tasks are some of preparation, release"):
        register(Nowhere)


RELEASE_LINE = "/bin/sh -c 'mkdir logs; tar czf logs/out.tgz $AZ_BATCH_TASK_DIR; apt-get remove -y x'"


def test_the_command_line_rules_look_at_a_release_task() -> None:
    report = check_body({"commandLine": RELEASE_LINE, "maxWallClockTime": "PT5M"})
    assert report.kind == "release" and report.ok
    assert [(f.code, f.path) for f in report.behaviour] == [
        ("BP201", "/commandLine"),
        ("BP303", "/commandLine"),
        ("BP304", "/commandLine"),
    ]
    [rerun] = [f.message for f in report.behaviour if f.code == "BP304"]
    # A release task runs again only when the node reboots while it runs, and has no setting to stop it.
    assert rerun == (
        "'mkdir logs' fails when the task runs again on this node (if the node reboots while it runs): "
        "the directory is there already; use mkdir -p"
    )
    assert [f.code for f in behaviour_findings(JobReleaseTask(command_line="cp $X y"))] == ["BP101"]


@pytest.mark.parametrize(
    "release",
    [
        {"commandLine": "rm -rf x"},  # no time limit: the service's is 15 minutes
        {"commandLine": "rm -rf x", "maxWallClockTime": "PT15M", "retentionTime": "P1D"},
        {"commandLine": "rm -rf x", "userIdentity": {"autoUser": {"elevationLevel": "admin"}}},
    ],
)
def test_the_preparation_task_rules_never_fire_on_a_release_task(release: dict[str, Any]) -> None:
    assert check(release, JobReleaseTask).behaviour == []
    assert check_body(release, "release").behaviour == []
    job = {"jobPreparationTask": {"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}}, "jobReleaseTask": release}
    assert check_body(job).behaviour == []


def test_a_job_s_release_task_is_checked_with_paths_from_the_root(tmp_path: Path) -> None:
    job = {
        "id": "j",
        "jobPreparationTask": {"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}, "waitForSuccess": False},
        "jobReleaseTask": {"commandLine": "/bin/sh -c 'cd /tmp; rm -rf $AZ_BATCH_NODE_SHARED_DIR/x'"},
    }
    text = json.dumps(job, indent=2)
    found = lint_text(text, file="job.json")
    assert [(f.code, f.path) for f in found] == [("BP306", "/jobPreparationTask/waitForSuccess"), ("BP201", "/jobReleaseTask/commandLine")]
    line = text.splitlines()[found[1].line - 1]  # type: ignore[operator]
    assert line[found[1].column - 1 :].startswith("cd /tmp")  # type: ignore[operator]
    schedule = {"jobSpecification": job}
    assert [f.path for f in check_body(schedule).behaviour] == [
        "/jobSpecification/jobPreparationTask/waitForSuccess",
        "/jobSpecification/jobReleaseTask/commandLine",
    ]
    # A file holding a job gives the API what it gives the command line.
    (tmp_path / "job.json").write_text(text, encoding="utf-8")
    assert [(f.code, f.path) for f in lint_file(tmp_path / "job.json")] == [(f.code, f.path) for f in found]


def test_no_wall_clock_limit_points_at_the_constraints_or_the_task() -> None:
    assert [f.path for f in check({"commandLine": "x"}).behaviour] == [""]
    assert [f.path for f in check({"commandLine": "x", "constraints": {}}).behaviour] == ["/constraints"]


@pytest.mark.parametrize(
    ("resource", "message"),
    [
        (
            {"storageContainerUrl": "https://a.blob.core.windows.net/c", "blobPrefix": "in/2024/", "filePath": "data"},
            "the blobs named in/2024/... land at data/in/2024/... in the working directory: each blob keeps its whole "
            "name below filePath, the prefix included",
        ),
        (
            {"autoStorageContainerName": "inputs", "blobPrefix": "run-7"},
            "the blobs named run-7... land at run-7... in the working directory: each blob keeps its whole name in the "
            "working directory, the prefix included",
        ),
    ],
)
def test_blob_prefix_layout(resource: dict[str, str], message: str) -> None:
    body = {"commandLine": "x", "constraints": {"maxWallClockTime": "PT1H"}, "resourceFiles": [resource]}
    [finding] = check(body).behaviour
    assert (finding.code, finding.severity, finding.path, finding.message) == (
        "BP305",
        "info",
        "/resourceFiles/0/blobPrefix",
        message,
    )


def test_no_blob_prefix_info_without_a_prefix() -> None:
    body = {
        "commandLine": "x",
        "constraints": {"maxWallClockTime": "PT1H"},
        "resourceFiles": [
            {"storageContainerUrl": "https://a.blob.core.windows.net/c"},
            {"httpUrl": "https://x/y", "filePath": "y"},
        ],
    }
    assert codes(body) == []


def test_rules_do_not_run_on_a_task_with_errors() -> None:
    report = check({"commandLine": "cd $X", "id": "bad id"})
    assert not report.ok and report.behaviour == []


def test_sas_signatures_never_reach_a_message() -> None:
    line = "/bin/sh -c 'curl -O \"https://a/b?sv=1&sig=SECRET\"; ./setup.sh'"
    [finding] = [f for f in check({"commandLine": line, **QUIET_SETTINGS}).behaviour if f.code == "BP201"]
    assert "SECRET" not in finding.message and "sig=***" in finding.message


def test_offsets_point_into_the_command_line() -> None:
    line = "/bin/bash -c 'cd build; make; curl -fsS u | tar x'"
    found = {f.code: f.offset for f in check({"commandLine": line, **QUIET_SETTINGS}).behaviour}
    assert line[found["BP201"] or 0 :].startswith("cd build")
    assert line[found["BP202"] or 0 :].startswith("curl")


def test_nested_shells_are_read_with_their_offsets() -> None:
    line = "/bin/bash -c \"sudo bash -c 'cd x; ./run.sh'\""
    [finding] = [f for f in check({"commandLine": line, **QUIET_SETTINGS}).behaviour if f.code == "BP201"]
    assert line[finding.offset or 0 :].startswith("cd x")


# --- what the builder produces --------------------------------------------------------------------------

_ANY_WORD = st.text(st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=("Cs",)), max_size=10)
_SPECIAL_WORD = st.text(st.sampled_from(list(" \t\n'\"\\$`!*?[]{}()<>|&;#~%^=,:@abAZ_")), max_size=10)
_COMMANDS = st.lists(
    st.one_of(
        st.lists(st.one_of(_ANY_WORD, _SPECIAL_WORD), min_size=1, max_size=4),
        st.sampled_from(["./setup.sh", "cd tools && ./install.sh", "echo $AZ_BATCH_NODE_SHARED_DIR > out.txt"]),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(commands=_COMMANDS, shell=st.sampled_from(["/bin/bash", "/bin/sh", "bash", "/usr/bin/zsh"]))
def test_no_command_line_rule_fires_on_what_the_builder_builds(commands: list[Any], shell: str) -> None:
    line = shell_command(commands, shell=shell)
    task = JobPreparationTask(command_line=line)
    fired = [f for f in behaviour_findings(task) if f.code and f.code.startswith(("BP1", "BP2"))]
    assert fired == [], line


def test_the_builder_s_strict_false_is_what_no_stop_on_failure_reports() -> None:
    line = shell_command([["cd", "build"], ["make"]], strict=False)
    assert "BP201" in line_codes(line)
    assert "BP201" not in line_codes(shell_command([["cd", "build"], ["make"]]))


def test_a_task_built_in_python_is_checked_the_same(tmp_path: Path) -> None:
    task = JobPreparationTask(command_line="cp -r tools $AZ_BATCH_NODE_SHARED_DIR")
    task_file = tmp_path / "task.json"
    task_file.write_text(json.dumps(task.serialize()), encoding="utf-8")
    from_file = [(f.code, f.path, f.offset) for f in lint_file(task_file)]
    assert sorted(from_file) == [(f.code, f.path, f.offset) for f in behaviour_findings(task)]
    assert [c for c, _, _ in from_file] == ["BP301", "BP101"]  # in the order of their places: the task, then its line
