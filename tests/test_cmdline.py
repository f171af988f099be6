"""batchprep.cmdline: the node's splitter, the shell finder and script reader, and the builder.

The splitter is compared with a real POSIX shell (dash as /bin/sh) on text without anything a shell
would expand; the builder's output is split as the node splits it and run with the real /bin/sh and
/bin/bash, and the argv each command received is compared with the argv it was given.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from batchprep import cmd_command, shell_command
from batchprep.cmdline import CommandLineSplitError, find_shell, split_command_line, split_words
from batchprep.cmdline.failures import Options, masked_pipelines, unhandled_failures
from batchprep.cmdline.script import (
    MAX_NESTING,
    ScriptSyntaxError,
    ScriptTooDeep,
    UnsupportedScript,
    parse_script,
    simple_commands,
)
from batchprep.cmdline.shell import windows_commands

# --- splitting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "argv"),
    [
        ("run.sh", ["run.sh"]),
        ("  a   b\tc\nd  ", ["a", "b", "c", "d"]),
        ("", []),
        ("   ", []),
        ("/bin/sh -c 'set -e; ./a.sh && ./b.sh'", ["/bin/sh", "-c", "set -e; ./a.sh && ./b.sh"]),
        ("echo \"two words\" '$HOME' $HOME", ["echo", "two words", "$HOME", "$HOME"]),
        ("a|b c;d e>f", ["a|b", "c;d", "e>f"]),  # operators are ordinary characters without a shell
        ("'' \"\" x''y", ["", "", "xy"]),
        ("it\\'s a\\ b", ["it's", "a b"]),
        ('"a \\"q\\" \\$x \\\\ \\n"', ['a "q" $x \\ \\n']),  # in "...", \ escapes only $ ` " \ and newline
        ("'a \\ b'", ["a \\ b"]),  # nothing escapes in '...'
        ("one\\\ntwo", ["onetwo"]),  # a backslash-newline joins the lines
        ('"one\\\ntwo"', ["onetwo"]),
        ("trailing\\", ["trailing\\"]),
        ("# not a comment", ["#", "not", "a", "comment"]),
        ("grüße 🚀 '✓ ok'", ["grüße", "🚀", "✓ ok"]),
    ],
)
def test_split_command_line(line: str, argv: list[str]) -> None:
    assert split_command_line(line) == argv


@pytest.mark.parametrize(
    ("line", "position", "message"),
    [
        ("echo 'it", 5, "unbalanced quotes: the single quote (') at column 6 is never closed"),
        ('bash -c "echo hi', 8, 'unbalanced quotes: the double quote (") at column 9 is never closed'),
        ("a\nb 'c", 4, "unbalanced quotes: the single quote (') at line 2, column 3 is never closed"),
        ('x "a\\"', 2, 'unbalanced quotes: the double quote (") at column 3 is never closed'),
    ],
)
def test_unbalanced_quotes_say_where(line: str, position: int, message: str) -> None:
    with pytest.raises(CommandLineSplitError) as caught:
        split_command_line(line)
    assert (caught.value.position, str(caught.value)) == (position, message)
    assert isinstance(caught.value, ValueError)


def test_words_remember_where_each_character_came_from() -> None:
    line = "echo \"a\\$b\"'c'd"
    [_, word] = split_words(line)
    assert word.value == "a$bcd"
    assert [(p.text, p.quoting) for p in word.parts] == [
        ("a", "double"),
        ("$", "escape"),
        ("b", "double"),
        ("c", "single"),
        ("d", "none"),
    ]
    assert [line[i] for i in word.offsets] == list(word.value)
    assert (word.start, word.end) == (5, len(line))


# Text with nothing a shell expands or treats as an operator: only quoting decides the words. (A
# newline would end the shell's command: the unit tests above cover it.)
_PLAIN = st.text(alphabet=st.sampled_from(list("ab Z09_.,:/-+@\t'\"\\é✓")), max_size=40)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_PLAIN)
def test_the_splitter_agrees_with_a_real_posix_shell(line: str) -> None:
    try:
        ours: list[str] | None = split_command_line(line)
    except CommandLineSplitError:
        ours = None
    done = subprocess.run(
        ["/bin/sh", "-c", "set -f; printf '%s\\0' - " + line],
        capture_output=True,
        timeout=30,
    )
    if ours is None:
        assert done.returncode != 0  # the shell refuses an unclosed quote too
        return
    assert done.returncode == 0, done.stderr
    received = done.stdout.decode("utf-8").split("\0")[1:-1]  # the - we added, and the final NUL
    assert received == ours


# --- finding the shell --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "script", "errexit", "pipefail"),
    [
        ("/bin/sh -c 'a; b'", "posix", "a; b", False, False),
        ("bash -ec 'a'", "posix", "a", True, False),
        ("/usr/bin/env bash -eo pipefail -c x", "posix", "x", True, True),
        ("sudo -u root bash --login -c 'x' arg0 arg1", "posix", "x", False, False),
        ("timeout 10m bash -c x", "posix", "x", False, False),
        ("bash +e -c x", "posix", "x", False, False),
        ("busybox sh -c x", "posix", "x", False, False),
        ("bash setup.sh", "posix", None, False, False),
        ('cmd /c "copy a b && dir"', "cmd", "copy a b && dir", False, False),
        ("cmd.exe /s /C echo %PATH% & dir", "cmd", "echo %PATH% & dir", False, False),
        (
            "powershell -NoProfile -Command Get-ChildItem $env:TEMP",
            "powershell",
            "Get-ChildItem $env:TEMP",
            False,
            False,
        ),
        ("pwsh -c Write-Host hi", "powershell", "Write-Host hi", False, False),
    ],
)
def test_find_shell(line: str, kind: str, script: str | None, errexit: bool, pipefail: bool) -> None:
    found = find_shell(split_words(line), line)
    assert found is not None
    assert (found.kind, found.script, found.errexit, found.pipefail) == (kind, script, errexit, pipefail)
    if script is not None:
        assert "".join(line[i] for i in found.offsets) == script or found.kind == "posix"


@pytest.mark.parametrize("line", ["python3 -c 'print(1)'", "./run.sh -c x", "shell -c x", "env A=1", "sudo"])
def test_no_shell(line: str) -> None:
    assert find_shell(split_words(line), line) is None


def test_windows_commands_are_cut_at_unquoted_operators() -> None:
    parts = windows_commands('copy "a & b" c && dir ^& x | more & echo done')
    assert [(p.text, p.operator) for p in parts] == [
        ('copy "a & b" c', "&&"),
        ("dir ^& x", "|"),
        ("more", "&"),
        ("echo done", None),
    ]


# --- reading scripts ----------------------------------------------------------------------------------


def _argvs(script: str) -> list[list[str]]:
    return [c.argv for c, _ in simple_commands(parse_script(script).items)]


def test_the_script_reader_sees_commands_not_quoted_text() -> None:
    script = "echo 'a; b | c' \"x && y\" # comment; rm -rf /\ncat <<EOF > out\nnot; a | command\nEOF\nls"
    assert _argvs(script) == [["echo", "a; b | c", "x && y"], ["cat"], ["ls"]]


def test_the_script_reader_knows_compound_commands() -> None:
    script = (
        "if [ -d x ]; then rm -rf x; fi; for f in *.tar; do tar xf $f; done\n"
        "case $1 in a|b) echo ab;; *) echo other;; esac; f() { mkdir d; }; (cd /tmp && ls) &\n"
        "while read -r l; do echo $l; done < list.txt; [[ -n $X && $Y ]] || exit 1"
    )
    assert _argvs(script) == [
        ["[", "-d", "x", "]"],
        ["rm", "-rf", "x"],
        ["tar", "xf", "$f"],
        ["echo", "ab"],
        ["echo", "other"],
        ["mkdir", "d"],
        ["cd", "/tmp"],
        ["ls"],
        ["read", "-r", "l"],
        ["echo", "$l"],
        ["[[", "-n", "$X", "&&", "$Y", "]]"],
        ["exit", "1"],
    ]


def test_bash_arrays_are_assignments() -> None:
    [[command, _]] = list(simple_commands(parse_script("a=(1 'two three' $x) b+=(4) ./run.sh").items))
    assert [w.value for w in command.assignments] == ["a=(1 'two three' $x)", "b+=(4)"]
    assert command.argv == ["./run.sh"]


def test_contexts_say_when_a_failure_is_handled() -> None:
    script = "mkdir a; mkdir b || true; [ -d c ] || mkdir c; [ -d d ] && git clone u d; if x; then mkdir e; fi"
    handled = {tuple(c.argv): ctx.handled for c, ctx in simple_commands(parse_script(script).items)}
    assert handled[("mkdir", "a")] is False
    assert handled[("mkdir", "b")] is True
    assert handled[("mkdir", "c")] is True
    assert handled[("git", "clone", "u", "d")] is True
    assert handled[("mkdir", "e")] is True


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ("echo 'x", "a single quote (') that is never closed at column 6"),
        ('echo "x', 'a double quote (") that is never closed at column 6'),
        ("echo $(ls", "a '(' that is never closed at column 7"),
        ("if true; then echo", "'if' without 'fi' at column 1"),
        ("echo a; ; b", "unexpected ';' at column 9"),
        ("echo >", "a redirection '>' without a target at column 6"),
    ],
)
def test_script_syntax_errors(script: str, message: str) -> None:
    with pytest.raises(ScriptSyntaxError) as caught:
        parse_script(script)
    assert str(caught.value) == message


def test_what_the_reader_does_not_reason_about_is_said() -> None:
    with pytest.raises(UnsupportedScript):
        parse_script("((i++)); echo $i")


#: Scripts nested `n` levels deep, one for each way the reader nests: expansions in expansions, and
#: commands in compound commands.
DEEP = {
    "$(": lambda n: "echo " + "$(echo " * n + "x" + ")" * n,
    "${": lambda n: "echo " + "${x:-" * n + "x" + "}" * n,
    "a=(": lambda n: "a=(" + "$(echo " * n + "x" + ")" * n + ")",
    "( )": lambda n: "( " * n + "true" + " )" * n,
    "{ }": lambda n: "{ " * n + "true; " + "}; " * n,
    "if": lambda n: "if true; then " * n + "true; " + "fi; " * n,
    "while": lambda n: "while true; do " * n + "true; " + "done; " * n,
    "case": lambda n: "case x in x) " * n + "true" + " ;; esac" * n,
    "function": lambda n: "f() " * n + "{ true; }",
    "bash -c $(": lambda n: "echo " + "$(bash -c echo " * n + "x" + ")" * n,
}
#: Nested too, but read without nesting in the reader: a "..." in $(...) and a <(...) in $(...) are
#: skipped as text.
FLAT = {
    '"$(': lambda n: 'echo "' + '$(echo "' * n + "x" + '")' * n + '"',
    "<(": lambda n: "cat " + "<(cat " * n + "x" + ")" * n,
}


@pytest.mark.parametrize("kind", [*DEEP, *FLAT])
@pytest.mark.parametrize("depth", [500, 5000])
def test_no_script_exhausts_the_readers_stack(kind: str, depth: int) -> None:
    script = {**DEEP, **FLAT}[kind](depth)
    try:
        parse_script(script)
    except (ScriptTooDeep, ScriptSyntaxError):
        pass


@pytest.mark.parametrize("kind", list(DEEP))
@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 500, 5000])
def test_a_script_nested_too_deep_is_not_analysed_and_says_where(kind: str, depth: int) -> None:
    script = DEEP[kind](depth)
    with pytest.raises(ScriptTooDeep) as caught:
        parse_script(script)
    assert isinstance(caught.value, UnsupportedScript)  # what callers already stay silent on
    assert str(caught.value) == (
        f"nested more than {MAX_NESTING} levels deep ($(...), ( ), {{ }}, if...) at column "
        f"{caught.value.position + 1}: not analysed"
    )
    assert 0 < caught.value.position < len(script)


@pytest.mark.parametrize("kind", list(DEEP))
def test_a_script_nested_as_deep_as_allowed_is_read(kind: str) -> None:
    script = parse_script(DEEP[kind](MAX_NESTING - 2))  # (a function's body is one level more)
    assert list(simple_commands(script.items))


def test_the_deepest_script_read_leaves_room_on_the_stack() -> None:
    # Read, and walked by every rule, from a caller already deep in its own stack.
    from batchprep.lint import check

    levels = MAX_NESTING - 2
    inner = "mkdir data; echo " + "$(echo " * levels + "x" + ")" * levels
    deepest = "/bin/bash -c '" + "( " * levels + inner + " )" * levels + "'"

    def nested(frames: int) -> list[str]:
        if frames:
            return nested(frames - 1)
        return [f.code or "" for f in check({"commandLine": deepest}).behaviour]

    found = nested(sys.getrecursionlimit() // 3)
    assert "BP304" in found and "BP109" not in found  # mkdir without -p, found at the bottom


@pytest.mark.parametrize(
    ("script", "unhandled"),
    [
        ("cd build; make; make install", ["cd build", "make"]),
        ("set -e; cd build; make", []),
        ("cd build && make && make install", []),
        ("cd build || exit 1; make", []),
        ("echo start; make", []),
        ("make; echo done", ["make"]),
        ("server & sleep 1; curl localhost", []),
        ("f() { false; }; f", []),
        ("cd a; set -e; cd b; make", ["cd a"]),
        ("cd a; robocopy x y; exit 0", ["cd a"]),
    ],
)
def test_unhandled_failures(script: str, unhandled: list[str]) -> None:
    found = unhandled_failures(parse_script(script).items, Options())
    assert [script[i.start : i.end] for i in found] == unhandled


@pytest.mark.parametrize(
    ("script", "masked"),
    [
        ("curl -fsS u | tar xz", ["curl -fsS u | tar xz"]),
        ("set -o pipefail; curl u | tar xz", []),
        ("echo hi | tee log", []),
        ("yes | apt-get install x", []),
        ("curl u | tar xz || true", []),
        ("if curl u | grep -q x; then echo y; fi", []),
        ("set -e; curl u | tar xz; echo done", ["curl u | tar xz"]),
        ("curl u | tar xz; echo done", []),  # its status is never used: no-stop-on-failure says it
        ("curl u | tar xz && echo done", ["curl u | tar xz"]),
    ],
)
def test_masked_pipelines(script: str, masked: list[str]) -> None:
    found = masked_pipelines(parse_script(script).items, Options())
    assert [script[p.start : p.end] for p in found] == masked


# --- the builder --------------------------------------------------------------------------------------

RECORDER = (
    "import sys\n"
    "with open(sys.argv[1], 'wb') as f:\n"
    "    f.write(b''.join(a.encode('utf-8', 'surrogateescape') + b'\\0' for a in sys.argv[2:]))\n"
)

_WORD = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \t\n'\"\\$`!*?[]{}()<>|&;#~%^=,:@")),
        st.characters(codec="utf-8", exclude_characters="\x00", exclude_categories=("Cs",)),
    ),
    max_size=12,
)
_ARGVS = st.lists(st.lists(_WORD, max_size=5), min_size=1, max_size=3)


def _run_recorded(line: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run a command line as the node does: split with POSIX rules, executed without a shell."""
    return subprocess.run(split_command_line(line), cwd=cwd, capture_output=True, timeout=60)


@pytest.mark.parametrize("shell", ["/bin/sh", "/bin/bash"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argvs=_ARGVS)
def test_every_command_receives_exactly_its_argv(shell: str, argvs: list[list[str]], tmp_path: Path) -> None:
    recorder = tmp_path / "record.py"
    recorder.write_text(RECORDER, encoding="utf-8")
    outputs = [tmp_path / f"argv-{i}" for i in range(len(argvs))]
    for out in outputs:
        out.unlink(missing_ok=True)
    commands = [
        [sys.executable, "-I", "-S", str(recorder), str(out), *argv] for out, argv in zip(outputs, argvs, strict=True)
    ]
    line = shell_command(commands, shell=shell)
    done = _run_recorded(line, tmp_path)
    assert done.returncode == 0, done.stderr
    for out, argv in zip(outputs, argvs, strict=True):
        received = out.read_bytes().split(b"\0")[:-1] if argv else []
        assert [r.decode("utf-8") for r in received] == argv


@pytest.mark.parametrize("shell", ["/bin/sh", "/bin/bash"])
@pytest.mark.parametrize("strict", [True, False])
def test_strict_stops_at_the_first_failure(shell: str, strict: bool, tmp_path: Path) -> None:
    line = shell_command([["touch", "first"], ["false"], ["touch", "after"]], shell=shell, strict=strict)
    done = _run_recorded(line, tmp_path)
    assert (tmp_path / "first").exists()
    if strict:
        assert done.returncode == 1 and not (tmp_path / "after").exists()
    else:
        assert done.returncode == 0 and (tmp_path / "after").exists()


def test_strict_bash_fails_a_pipeline_whose_first_command_fails(tmp_path: Path) -> None:
    line = shell_command(["false | cat", ["touch", "after"]])
    assert _run_recorded(line, tmp_path).returncode == 1
    assert not (tmp_path / "after").exists()


def test_string_commands_keep_their_shell_meaning(tmp_path: Path) -> None:
    line = shell_command(['X=1 && echo "x=$X" > out.txt', "echo 'it''s' >> out.txt # a comment", ["cat", "out.txt"]])
    assert "\n" in split_command_line(line)[2]  # a comment: the commands go on separate lines
    done = _run_recorded(line, tmp_path)
    assert done.stdout == b"x=1\nits\n"


def test_the_built_line_is_readable() -> None:
    assert shell_command([["apt-get", "install", "-y", "jq"], "./setup.sh"]) == (
        "/bin/bash -c 'set -eo pipefail; apt-get install -y jq; ./setup.sh'"
    )
    assert shell_command([["./setup.sh"]], shell="/bin/sh", strict=False) == "/bin/sh -c ./setup.sh"


@pytest.mark.parametrize(
    ("commands", "kwargs", "error", "message"),
    [
        ("echo hi", {}, TypeError, "commands must be a list of commands"),
        ([], {}, ValueError, "commands is empty"),
        ([[]], {}, ValueError, "commands[0] is an empty list of words"),
        ([["echo", 5]], {}, TypeError, "commands[0][1] must be a string, not int"),
        ([["echo", "a\x00b"]], {}, ValueError, "commands[0][1] holds a NUL character"),
        (["echo 'x"], {}, ValueError, "commands[0] is not valid shell: a single quote (') that is never closed"),
        (["  "], {}, ValueError, "commands[0] is blank"),
        ([["x"]], {"shell": "cmd"}, ValueError, "shell must be a POSIX shell"),
        (["curl u | tar x"], {"shell": "/bin/sh"}, ValueError, "/bin/sh has no pipefail"),
        (
            ["echo " + "$(echo " * 60 + "x" + ")" * 60],
            {"shell": "/bin/sh"},
            ValueError,
            "/bin/sh has no pipefail, and the commands cannot be read to find pipelines whose failure would go "
            "unnoticed (nested more than 50 levels deep",
        ),
    ],
)
def test_builder_errors(commands: object, kwargs: dict[str, str], error: type[Exception], message: str) -> None:
    with pytest.raises(error) as caught:
        shell_command(commands, **kwargs)  # type: ignore[arg-type]
    assert str(caught.value).startswith(message)


def test_pipelines_under_sh_are_fine_when_not_strict() -> None:
    assert shell_command(["curl u | tar x"], shell="/bin/sh", strict=False) == "/bin/sh -c 'curl u | tar x'"


def test_cmd_command() -> None:
    assert cmd_command([["copy", "C:\\in dir\\", "out"], "echo %AZ_BATCH_TASK_DIR%"]) == (
        'cmd /s /c "copy "C:\\in dir\\\\" out && echo %AZ_BATCH_TASK_DIR%"'
    )
    assert cmd_command([["a"], ["b"]], strict=False) == 'cmd /s /c "a & b"'
    line = cmd_command([["setup.cmd", "x&y"], ["run.exe"]])
    found = find_shell(split_words(line), line)
    assert found is not None and found.kind == "cmd"
    assert [(c.text, c.operator) for c in windows_commands(found.script or "")] == [
        ('setup.cmd "x&y"', "&&"),
        ("run.exe", None),
    ]
    for bad in ('say "hi"', "50%", "wow!", "a\nb"):
        with pytest.raises(ValueError, match="which cmd cannot pass through reliably"):
            cmd_command([["echo", bad]])
