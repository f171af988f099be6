"""The `batchprep` command line, run as users run it: `python -m batchprep ...` in a subprocess.

Also keeps the documentation honest: every `$ batchprep ...` session in docs/cli.md is run and its
output compared, and the README's Quickstart command is run as written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from batchprep import __version__
from batchprep.cli import cli
from batchprep.example import example_json, example_yaml
from batchprep.schema import json_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
GOOD = "examples/job-preparation-task.json"
GOOD_YAML = "examples/job-preparation-task.yaml"
BROKEN = "examples/broken-job-preparation-task.json"

BROKEN_LINES = [
    f"{BROKEN}:2:3: /id: may contain only letters A-Z and a-z, digits, '-' and '_' (at least one) [pattern]",
    (
        f"{BROKEN}:6:5: /resourceFiles/1: needs exactly one of autoStorageContainerName, storageContainerUrl, httpUrl"
        " (found none) [exactly_one_source]"
    ),
    (
        f"{BROKEN}:8:19: /constraints/maxWallClockTime: not an ISO 8601 duration such as 'PT1H' or 'P7D':"
        " '30 minutes' [format]"
    ),
    f"{BROKEN}:8:53: /constraints/maxTaskRetryCount: expected an integer, found string '3' [type]",
    (
        f"{BROKEN}:9:3: /waitForSucess: is not a JobPreparationTask property: the setting will not be sent;"
        " did you mean 'waitForSuccess'? [misspelt]"
    ),
]
#: The valid example's one finding: where the files of its container source land (an info, intended).
GOOD_LINE = (
    f"{GOOD}:22:7: /resourceFiles/1/blobPrefix: the blobs named genomes/2024-06/... land at"
    " reference-data/genomes/2024-06/... in the working directory: each blob keeps its whole name below filePath,"
    " the prefix included [BP305 blob-prefix-layout]"
)


def unplaced(line: str) -> str:
    """A line of check's text output without its line and column: `FILE: /path: ...`."""
    return re.sub(r"^([^:]*):\d+:\d+: ", r"\1: ", line)


def run(
    *args: str | Path, python: list[str] | None = None, merged: bool = False, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the command line in a subprocess from the repository root, as a user would (``stdin``: its input)."""
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run(
        [*(python or [sys.executable, "-m", "batchprep"]), *map(str, args)],
        check=False,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merged else subprocess.PIPE,
        encoding="utf-8",
        timeout=120,
        input=stdin,
    )


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in (done.stdout or "") + (done.stderr or "")


# --- check -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", [GOOD, GOOD_YAML, *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "data").glob("*.json"))]
)
def test_valid_files_pass(path: str) -> None:
    done = run("check", "--quiet", "--format", "json", path)
    assert (done.returncode, done.stderr) == (0, "")
    assert all(record["severity"] != "error" for record in json.loads(done.stdout))


def test_a_valid_file_says_so_on_stderr() -> None:
    done = run("check", GOOD)
    assert (done.returncode, done.stdout, done.stderr) == (0, GOOD_LINE + "\n", "checked 1 file: no problems, 1 info\n")


def test_the_broken_example_lists_every_problem_exactly() -> None:
    done = run("check", BROKEN)
    assert done.returncode == 1
    assert done.stdout.splitlines() == BROKEN_LINES
    assert done.stderr == "checked 1 file: 5 problems\n"


def test_json_output() -> None:
    done = run("check", "--quiet", "--format", "json", BROKEN, GOOD)
    assert (done.returncode, done.stderr) == (1, "")
    records = json.loads(done.stdout)
    assert [set(r) for r in records] == [
        {"file", "line", "column", "path", "code", "rule", "message", "severity", "url"}
    ] * 6
    assert [(r["path"], r["rule"], r["severity"]) for r in records] == [
        ("/id", "pattern", "error"),
        ("/resourceFiles/1", "exactly_one_source", "error"),
        ("/constraints/maxWallClockTime", "format", "error"),
        ("/constraints/maxTaskRetryCount", "type", "error"),
        ("/waitForSucess", "misspelt", "error"),
        ("/resourceFiles/1/blobPrefix", "blob-prefix-layout", "info"),
    ]
    assert [r["file"] for r in records] == [BROKEN] * 5 + [GOOD]
    assert [
        f"{r['file']}:{r['line']}:{r['column']}: {r['path']}: {r['message']} [{r['rule']}]" for r in records[:5]
    ] == (BROKEN_LINES)
    assert [(r["code"], r["url"]) for r in records if r["code"]] == [
        ("BP305", "https://batchprep.readthedocs.io/en/latest/rules/#bp305-blob-prefix-layout")
    ]


def test_rules_as_json_say_which_tasks_each_looks_at() -> None:
    done = run("rules", "--format", "json", "BP3", "BP101")
    records = {r["code"]: r for r in json.loads(done.stdout)}
    assert set(records["BP101"]) == {"code", "name", "severity", "summary", "url", "tasks"}
    assert {code: r["tasks"] for code, r in records.items()} == {
        "BP101": ["preparation", "release"],
        "BP301": ["preparation"],
        "BP302": ["preparation"],
        "BP303": ["preparation", "release"],
        "BP304": ["preparation", "release"],
        "BP305": ["preparation", "release"],
        "BP306": ["preparation"],
    }


def test_reading_problems_and_rule_problems_come_together(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(
        json.dumps(
            {
                "commandLine": ["not", "text"],
                "constraints": {"retentionTime": "1 week"},
                "resourceFiles": [{"filePath": "data"}, {"httpUrl": 7}],
                "userIdentity": {"username": 5, "autoUser": {"scope": "pool"}},
                "waitForSuccess": "yes",
            }
        ),
        encoding="utf-8",
    )
    done = run("check", "-q", task)
    assert done.returncode == 1
    assert [unplaced(line).removeprefix(f"{task}: ") for line in done.stdout.splitlines()] == [  # in file order
        "/commandLine: expected a string, found array ['not', 'text'] [type]",
        "/constraints/retentionTime: not an ISO 8601 duration such as 'PT1H' or 'P7D': '1 week' [format]",
        (
            "/resourceFiles/0: needs exactly one of autoStorageContainerName, storageContainerUrl, httpUrl"
            " (found none) [exactly_one_source]"
        ),
        # httpUrl is there, though unreadable: filePath is still required with it, and no "found none".
        "/resourceFiles/1/filePath: is required with httpUrl [required]",
        "/resourceFiles/1/httpUrl: expected a string, found number [type]",
        "/userIdentity: takes username or autoUser, not both [mutually_exclusive]",
        "/userIdentity/username: expected a string, found number 5 [type]",
        "/waitForSuccess: expected a boolean (true or false), found string 'yes' [type]",
    ]


def test_several_files_valid_invalid_and_missing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    done = run("check", GOOD, BROKEN, missing)
    assert done.returncode == 2  # a file that cannot be read outranks a file with problems
    assert done.stdout.splitlines() == [GOOD_LINE, *BROKEN_LINES]
    assert done.stderr.splitlines() == [
        f"Error: cannot read {missing}: No such file or directory",
        "checked 2 files: 5 problems, 1 info; 1 file could not be read",
    ]
    no_traceback(done)


@pytest.mark.parametrize("kind", ["missing", "directory"])
def test_an_unreadable_file_exits_2_without_a_traceback(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "task.json"
    if kind == "directory":
        target.mkdir()
    done = run("check", target)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"Error: cannot read {target}: ")
    assert done.stderr.splitlines()[-1] == "1 file could not be read"
    no_traceback(done)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        # (not a trailing comma: Python 3.13's parser places that error one column earlier than 3.11's)
        ('{"commandLine": }', ":1:17: /: cannot read JobPreparationTask: the text is not JSON ("),
        ("", ":1:1: /: cannot read JobPreparationTask: the text is not JSON ("),
        ("[]", ":1:1: /: expected an object (JobPreparationTask), found array [] [type]"),
    ],
)
def test_text_that_is_not_a_json_object_is_a_problem(tmp_path: Path, text: str, start: str) -> None:
    task = tmp_path / "task.json"
    task.write_text(text, encoding="utf-8")
    done = run("check", "-q", task)
    assert done.returncode == 1
    [line] = done.stdout.splitlines()
    assert line.startswith(f"{task}{start}" if start.startswith(":") else f"{task}: {start}")
    if "not JSON" in start:  # the JSON parser's own words vary with the Python version; the place does not
        assert re.search(r"line 1 column \d+ \(char \d+\)\) \[document\]$", line)
    no_traceback(done)


def test_bytes_that_are_not_utf8_are_a_problem(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_bytes(b'{\n  "commandLine": "\xe9t\xe9 \xff"}')  # Latin-1, where UTF-8 belongs
    done = run("check", "-q", task)
    assert done.returncode == 1
    # At the first byte that is not UTF-8: line 2, column 19.
    assert done.stdout.startswith(f"{task}:2:19: /: cannot read JobPreparationTask: the bytes are not UTF-8")


def test_size_warnings_do_not_fail_the_check(tmp_path: Path) -> None:
    files = [
        {"httpUrl": f"https://acct.blob.core.windows.net/in/{'x' * 90}-{i}.dat", "filePath": f"in/{i}.dat"}
        for i in range(300)
    ]
    task = tmp_path / "big.json"
    task.write_text(json.dumps({"commandLine": "run.sh", "resourceFiles": files}), encoding="utf-8")
    done = run("check", "--select", "size", task)
    assert done.returncode == 0
    [line] = done.stdout.splitlines()
    assert re.fullmatch(
        rf"{re.escape(str(task))}:1:27: /resourceFiles: the resource file list is [\d,]+ characters, (at \d+% of|over) "
        r"the limit of 32,768 that older service versions enforce \[size\]",
        line,
    )
    assert done.stderr == "checked 1 file: no problems, 1 warning\n"
    [record] = json.loads(run("check", "-q", "--format", "json", "--ignore", "BP301", task).stdout)
    assert (record["rule"], record["severity"]) == ("size", "warning")


def test_no_file_is_a_usage_error() -> None:
    done = run("check")
    assert done.returncode == 2
    assert "Missing argument 'FILE...'" in done.stderr
    no_traceback(done)


# --- YAML --------------------------------------------------------------------------------------------


def test_yaml_and_json_give_the_same_findings(tmp_path: Path) -> None:
    broken = json.loads((ROOT / BROKEN).read_text(encoding="utf-8"))
    as_yaml = tmp_path / "broken.yml"
    as_yaml.write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    done = run("check", "-q", as_yaml)
    assert done.returncode == 1
    assert [unplaced(line) for line in done.stdout.splitlines()] == [
        unplaced(line).replace(BROKEN, str(as_yaml)) for line in BROKEN_LINES
    ]


def test_unquoted_yaml_octal_is_reported(tmp_path: Path) -> None:
    task = tmp_path / "task.yaml"
    task.write_text(
        "commandLine: run.sh\nresourceFiles:\n  - autoStorageContainerName: in\n    fileMode: 0755\n", encoding="utf-8"
    )
    done = run("check", "-q", task)
    assert done.returncode == 1
    assert done.stdout == (
        f"{task}:4:5: /resourceFiles/0/fileMode: expected a string, found number 493: YAML reads an unquoted 0755 as"
        " the octal number 493; quote it: '0755' [type]\n"
    )


def test_yaml_syntax_errors_say_where(tmp_path: Path) -> None:
    task = tmp_path / "task.yaml"
    task.write_text("commandLine: x\n  id: [\n", encoding="utf-8")
    done = run("check", "-q", task)
    assert done.returncode == 1
    assert done.stdout == (
        f"{task}:2:5: /: cannot read JobPreparationTask: the text is not YAML: mapping values are not allowed here"
        " (line 2, column 5) [document]\n"
    )


@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        ("task.json", '{\n  "id": "a",\n  "commandLine": x\n}\n', 3, 18),
        ("task.json", '\ufeff{"commandLine": }', 1, 17),  # after a byte order mark, which is no character of the text
        ("task.yaml", "commandLine: x\nid: [a, b\n", 3, 1),
        ("task.yaml", "commandLine: x\n---\ncommandLine: y\n", 2, 1),  # where the second document starts
    ],
)
def test_a_file_that_cannot_be_parsed_has_its_place_in_every_format(
    tmp_path: Path, name: str, text: str, line: int, column: int
) -> None:
    task = tmp_path / name
    task.write_text(text, encoding="utf-8")
    done = run("check", "-q", "--format", "json", task)
    [record] = json.loads(done.stdout)
    assert (record["rule"], record["line"], record["column"]) == ("document", line, column)
    github = run("check", "-q", "--format", "github", task).stdout
    assert github.startswith(f"::error file={task},line={line},col={column},title=batchprep document::/: cannot read")
    [result] = json.loads(run("check", "-q", "--format", "sarif", task).stdout)["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": line, "startColumn": column}
    assert run("check", "-q", task).stdout.startswith(f"{task}:{line}:{column}: /: cannot read JobPreparationTask")
    # batchprep run and render say it the same way.
    assert run("render", task).stderr.startswith(f"{task}:{line}:{column}: /: cannot read")
    ran = run("run", task, "--node-dir", tmp_path / "node")
    assert ran.returncode == 1 and ran.stderr.startswith(f"{task}:{line}:{column}: /: cannot read")


@pytest.mark.parametrize("command", ["check", "render"])
def test_yaml_without_pyyaml_is_one_clear_line(command: str) -> None:
    hide_yaml = "import sys; sys.modules['yaml'] = None; from batchprep.cli import main; main()"
    done = run(command, GOOD_YAML, python=[sys.executable, "-c", hide_yaml])
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[0] == (
        f"Error: cannot read {GOOD_YAML}: YAML files need PyYAML: pip install 'batchprep[yaml]'"
    )
    no_traceback(done)
    # JSON still works without PyYAML.
    assert run("check", GOOD, python=[sys.executable, "-c", hide_yaml]).returncode == 0


# --- render ------------------------------------------------------------------------------------------


def test_render_prints_the_canonical_body() -> None:
    done = run("render", GOOD)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (ROOT / GOOD).read_text(encoding="utf-8")
    assert run("render", GOOD_YAML).stdout == done.stdout  # the YAML twin renders to the same body


def test_render_is_stable_whatever_the_key_order(tmp_path: Path) -> None:
    body = json.loads((ROOT / GOOD).read_text(encoding="utf-8"))

    def reversed_keys(value: object) -> object:
        if isinstance(value, dict):
            return {k: reversed_keys(value[k]) for k in reversed(list(value))}
        if isinstance(value, list):
            return [reversed_keys(v) for v in value]
        return value

    shuffled = tmp_path / "shuffled.json"
    shuffled.write_text(json.dumps(reversed_keys(body)), encoding="utf-8")
    first, second = run("render", shuffled), run("render", shuffled)
    assert first.stdout == second.stdout == (ROOT / GOOD).read_text(encoding="utf-8")


def test_render_spells_values_as_the_service_does(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(
        '{"userIdentity": {"autoUser": {"elevationLevel": "Admin", "scope": "POOL"}}, "commandLine": "run.sh",'
        ' "environmentSettings": [{"name": "GREETING", "value": "grüße 🚀"}]}',
        encoding="utf-8",
    )
    done = run("render", "--compact", task)
    assert done.returncode == 0
    assert done.stdout == (
        '{"commandLine":"run.sh","environmentSettings":[{"name":"GREETING","value":"grüße 🚀"}],'
        '"userIdentity":{"autoUser":{"scope":"pool","elevationLevel":"admin"}}}\n'
    )


def test_render_of_an_invalid_file_prints_its_problems_and_no_body() -> None:
    done = run("render", BROKEN)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == BROKEN_LINES


def test_render_leaves_unknown_properties_out_unless_asked(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"allowTaskPreemption": false, "commandLine": "run.sh"}', encoding="utf-8")
    done = run("render", "--compact", task)
    assert (done.returncode, done.stdout) == (0, '{"commandLine":"run.sh"}\n')
    assert "/allowTaskPreemption: is not a JobPreparationTask property" in done.stderr
    kept = run("render", "--compact", "--keep-unknown", task)
    assert (kept.returncode, kept.stdout, kept.stderr) == (
        0,
        '{"commandLine":"run.sh","allowTaskPreemption":false}\n',
        "",
    )


def test_render_of_a_missing_file_exits_2() -> None:
    done = run("render", "nowhere.json")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "Error: cannot read nowhere.json: No such file or directory\n"


# --- schema and example ------------------------------------------------------------------------------


def test_schema_prints_the_generated_schema() -> None:
    done = run("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == json_schema()
    compact = run("schema", "--compact").stdout
    assert compact.count("\n") == 1 and json.loads(compact) == json_schema()


def test_example_files_are_the_example_command_output() -> None:
    assert run("example").stdout == example_json() + "\n" == (ROOT / GOOD).read_text(encoding="utf-8")
    assert run("example", "--format", "yaml").stdout == example_yaml() == (ROOT / GOOD_YAML).read_text(encoding="utf-8")
    assert yaml.safe_load(example_yaml()) == json.loads(example_json())


def test_the_example_is_the_quickstart_task() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "quickstart.py")], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.stdout == example_json() + "\n"


# --- help, version, colour ---------------------------------------------------------------------------


def test_version() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout) == (0, f"batchprep {__version__}\n")


@pytest.mark.parametrize("command", [[], ["check"], ["render"], ["schema"], ["example"], ["status"]])
def test_help_everywhere_with_examples(command: list[str]) -> None:
    done = run(*command, "--help")
    assert done.returncode == 0
    assert "Examples:" in done.stdout
    assert run(*command, "-h").stdout == done.stdout


def test_the_group_help_has_an_example_of_every_command() -> None:
    from batchprep.cli import COMMANDS

    done = run("--help")
    examples = done.stdout.split("Examples:", 1)[1].split("Exit codes:", 1)[0]
    shown = {line.split()[1] for line in examples.splitlines() if line.strip().startswith("batchprep ")}
    assert shown == set(COMMANDS)


def test_the_command_table_is_the_commands() -> None:
    """`batchprep.cli.COMMANDS` names every command, its module and its short help as click makes it."""
    import importlib

    import click

    from batchprep.cli import COMMANDS

    for module in {module for module, _ in COMMANDS.values()}:
        importlib.import_module(module)
    assert sorted(cli.commands) == sorted(COMMANDS)
    for name, (module, summary) in COMMANDS.items():
        command = cli.commands[name]
        assert command.callback is not None and command.callback.__module__ == module, name
        listed = click.Command(name, help=summary)  # what the listing shows before the module is imported
        for limit in range(1, 130):
            assert listed.get_short_help_str(limit) == command.get_short_help_str(limit), (name, limit)


def test_help_lists_every_command_without_importing_one() -> None:
    code = (
        "import sys, importlib\n"
        "from batchprep.cli import COMMANDS, cli\n"
        "cli.main(['--help'], prog_name='batchprep', standalone_mode=False)\n"
        "commands = [m for m in sys.modules if m.startswith('batchprep.cli.') and m != 'batchprep.cli._app']\n"
        "print('imported:', sorted(commands))\n"
        "for module, _ in COMMANDS.values(): importlib.import_module(module)\n"
        "cli.main(['--help'], prog_name='batchprep', standalone_mode=False)\n"
    )
    done = run(python=[sys.executable, "-c", code])
    assert done.returncode == 0, done.stderr
    lazy, _, rest = done.stdout.partition("imported: ")
    modules, _, loaded = rest.partition("\n")
    assert modules == "[]"
    assert lazy == loaded  # the same listing as with every command loaded
    commands = lazy.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in commands] == ["check", "example", "render", "rules", "run", "schema", "status"]


def test_the_command_leaves_its_objects_to_the_operating_system() -> None:
    """main() ends the process with the imports' objects frozen: Python's shutdown does not collect them."""
    code = (
        "import gc\n"
        "from batchprep.cli import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as end:\n"
        "    print(end.code, gc.get_freeze_count() > 1000)\n"
    )
    done = run(python=[sys.executable, "-c", code])
    assert done.stdout.splitlines() == [f"batchprep {__version__}", "0 True"]


def test_the_command_line_benchmark_runs() -> None:
    """`python -m benchmarks --cli` times each command (no timing is asserted: speed lives in the docs)."""
    done = run(python=[sys.executable, "-m", "benchmarks", "--cli", "--runs", "1", "--warmup", "0", "--no-hyperfine"])
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ")[0] for line in done.stdout.splitlines() if line.startswith("| `")]
    assert rows == [
        "| `true`",
        "| `batchprep --version`",
        "| `batchprep check examples/job-preparation-task.json`",
        "| `batchprep run true.json --node-dir NODE --job-id bench`",
    ]
    assert "overhead of `batchprep run` over `true`: median " in done.stdout


def test_an_unknown_option_is_a_usage_error() -> None:
    done = run("check", "--colour", GOOD)
    assert done.returncode == 2
    assert "No such option" in done.stderr and "--colour" in done.stderr
    no_traceback(done)


def test_colour_only_when_asked_for_and_never_with_no_color() -> None:
    runner = CliRunner()
    coloured = runner.invoke(cli, ["check", "-q", BROKEN], color=True, env={"NO_COLOR": ""})
    assert coloured.exit_code == 1 and "\x1b[" in coloured.output
    plain = runner.invoke(cli, ["check", "-q", BROKEN], color=True, env={"NO_COLOR": "1"})
    assert plain.exit_code == 1 and "\x1b[" not in plain.output
    assert plain.output.splitlines() == BROKEN_LINES
    assert "\x1b[" not in run("check", BROKEN).stdout  # a pipe is not a terminal


# --- the documentation --------------------------------------------------------------------------------


def _sessions(markdown: str) -> list[tuple[str, str]]:
    """The `$ command` lines of the ```console blocks, each with the output shown under it."""
    sessions: list[tuple[str, str]] = []
    for block in re.findall(r"^```console\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL):
        for chunk in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, _, output = chunk.partition("\n")
            sessions.append((command, output))
    return sessions


#: The sessions of the command line page and of the newcomer's walk-through.
SESSIONS = [
    session
    for page in ("cli.md", "first-task.md")
    for session in _sessions((ROOT / "docs" / page).read_text(encoding="utf-8"))
]


def test_the_cli_page_has_sessions() -> None:
    assert len(SESSIONS) >= 4


@pytest.mark.parametrize(("command", "output"), SESSIONS, ids=[c for c, _ in SESSIONS])
def test_cli_page_sessions_print_what_the_page_shows(command: str, output: str) -> None:
    program, *args = shlex.split(command)
    assert program == "batchprep"
    done = run(*args, merged=True)
    assert done.stdout == output


def test_readme_quickstart_checks_the_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1]
    first_block = re.search(r"```bash\n(.*?)```", quickstart, flags=re.DOTALL)
    assert first_block is not None
    lines = first_block.group(1).splitlines()
    assert lines == [
        "pip install . && batchprep check examples/job-preparation-task.json",
        "pip install -e '.[test]' && pytest",
    ]
    program, *args = shlex.split(lines[0].split(" && ", 1)[1])
    assert program == "batchprep"
    assert run(*args).returncode == 0


def test_render_refuses_unknown_values_json_cannot_carry(tmp_path: Path) -> None:
    pytest.importorskip("yaml")
    for text in ("commandLine: x\nfoo: 2024-01-01\n", "commandLine: x\nfoo: .nan\n"):
        path = tmp_path / "odd.yaml"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "batchprep", "render", "--keep-unknown", str(path)], capture_output=True, text=True
        )
        assert done.returncode == 1, done.stderr
        assert "Traceback" not in done.stderr and "JSON cannot carry" in done.stderr
        assert done.stdout == ""


def test_an_unreadable_name_does_not_collide_with_a_real_one() -> None:
    from batchprep import lint

    found = lint.problems({"commandLine": "x", "environmentSettings": [{"name": 5}, {"name": ""}]})
    assert [(p.path, p.rule) for p in found] == [("/environmentSettings/0/name", "type")]
