"""Where a command line starts a shell, and what script it gives it.

The node runs the program named by the first word. When that program is a shell given a script —
`/bin/sh -c '...'`, `bash -lc "..."`, `cmd /c ...`, `powershell -Command ...` — the script is
interpreted by that shell, and only there do `$VAR`, `&&` or `|` mean anything. `find_shell` finds
such an invocation (also behind `env`, `sudo`, `nohup`, `nice` and `timeout`), with the shell
options set on its command line (`bash -e -o pipefail -c`). The script itself is read by
`batchprep.cmdline.script` (POSIX shells) or `windows_commands` (cmd).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from batchprep.cmdline.split import Word

__all__ = [
    "PIPEFAIL_SHELLS",
    "POSIX_SHELLS",
    "Invocation",
    "WindowsCommand",
    "find_shell",
    "program_name",
    "strip_wrappers",
    "windows_commands",
]

#: Shells whose `-c` script is POSIX shell.
POSIX_SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox"})
#: Of those, the ones that know `set -o pipefail` (dash, and so Debian's and Ubuntu's /bin/sh, does not).
PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ksh", "mksh"})
_WRAPPERS = frozenset({"env", "sudo", "nohup", "nice", "timeout", "exec", "stdbuf", "setsid"})
#: Options of the wrappers that take a value in the next word.
_WRAPPER_VALUES = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "--user", "--group"}),
    "env": frozenset({"-u", "-C", "-S", "--unset", "--chdir"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "timeout": frozenset({"-s", "-k", "--signal", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def program_name(word: str) -> str:
    """The name of a program without its directory (and `.exe`, in any case): `/bin/bash` → `bash`."""
    name = re.split(r"[\\/]", word)[-1]
    return name[:-4] if name.lower().endswith(".exe") else name


def strip_wrappers(argv: Sequence[str]) -> int:
    """The index of the real program in an argv that may start with `env`, `sudo`, `nohup`...

    `sudo -u batch env A=1 bash -c x` → 3 (`bash`). Returns `len(argv)` when nothing follows them.
    """
    i = 0
    while i < len(argv):
        name = program_name(argv[i])
        if name not in _WRAPPERS:
            return i
        i += 1
        values = _WRAPPER_VALUES.get(name, frozenset())
        while i < len(argv):
            word = argv[i]
            if word == "--":
                i += 1
                break
            if word.startswith("-") and len(word) > 1:
                i += 2 if word in values else 1
            elif name == "env" and _ASSIGNMENT.match(word):
                i += 1
            elif name == "timeout" and i < len(argv) and re.fullmatch(r"[0-9.]+[smhd]?", word):
                i += 1
                break
            else:
                break
    return i


@dataclass(frozen=True)
class Invocation:
    """A shell started by a command line.

    Attributes:
        kind: `posix` (sh, bash...), `cmd` or `powershell`.
        shell: The shell's program name (`bash`, `cmd`).
        index: Which word of the command line names the shell; when it is not the program the node
            starts (`docker run image bash -c '...'`), the shell runs inside that program.
        script: The script the shell runs, or `None` when it runs a script file or reads stdin.
        script_word: For POSIX shells, the word holding the script.
        offsets: For each character of `script`, its index in the command line.
        errexit: `-e` (or `-o errexit`) is on the shell's command line.
        pipefail: `-o pipefail` is on the shell's command line.
        arguments: The words after the script (`$0`, `$1`... of a POSIX `-c` script).
    """

    kind: str
    shell: str
    index: int
    script: str | None
    script_word: Word | None
    offsets: tuple[int, ...]
    errexit: bool = False
    pipefail: bool = False
    arguments: tuple[Word, ...] = ()


def find_shell(words: Sequence[Word], text: str) -> Invocation | None:
    """The shell a command line starts: its program (behind `env`, `sudo`...), or a later `sh -c`.

    A later `<shell> -c` (`docker run image bash -c '...'`, `ssh host sh -c '...'`) is found too: its
    script is shell script, though it runs inside that program rather than on the node itself.

    Args:
        words: The command line split as the node splits it.
        text: The command line itself (cmd and PowerShell take the rest of the line as it is written).
    """
    argv = [w.value for w in words]
    index = strip_wrappers(argv)
    if index >= len(words):
        return None
    name = program_name(argv[index])
    lowered = name.lower()
    if name in POSIX_SHELLS:
        return _posix(words, index, name)
    for later in range(index + 1, len(words) - 1):  # docker run image bash -c '...', ssh host sh -c '...'
        name = program_name(argv[later])
        if name in POSIX_SHELLS - {"busybox"} and argv[later + 1].startswith("-"):
            found = _posix(words, later, name)
            if found is not None and found.script is not None:
                return found
    if lowered == "cmd":
        return _rest_of_line(words, text, index, "cmd", lambda w: w.lower() in ("/c", "/k", "/r"))
    if lowered in ("powershell", "pwsh"):
        return _rest_of_line(
            words, text, index, "powershell", lambda w: len(w) > 1 and "-command".startswith(w.lower()) and w != "-"
        )
    return None


def _posix(words: Sequence[Word], index: int, name: str) -> Invocation | None:
    i = index + 1
    if name == "busybox":  # busybox sh -c ...
        if i >= len(words) or words[i].value not in ("sh", "ash", "bash"):
            return None
        i += 1
    command = errexit = pipefail = False
    while i < len(words):
        word = words[i].value
        if word in ("-", "--"):
            i += 1
            break
        if word.startswith("--"):  # --login, --norc, --posix...
            i += 2 if word in ("--rcfile", "--init-file") else 1
            continue
        if len(word) < 2 or word[0] not in "-+":
            break
        on = word[0] == "-"
        letters = word[1:]
        i += 1
        for letter in letters:
            if letter == "c":
                command = True
            elif letter == "e":
                errexit = on
            elif letter == "o" and i < len(words):
                option = words[i].value
                i += 1
                if option == "errexit":
                    errexit = on
                elif option == "pipefail":
                    pipefail = on
    if not command or i >= len(words):
        return Invocation("posix", name, index, None, None, ())
    script = words[i]
    return Invocation(
        "posix", name, index, script.value, script, script.offsets, errexit, pipefail, tuple(words[i + 1 :])
    )


def _rest_of_line(
    words: Sequence[Word], text: str, index: int, kind: str, is_switch: Callable[[str], bool]
) -> Invocation | None:
    for k in range(index + 1, len(words)):
        if is_switch(words[k].value):
            start = words[k].end
            while start < len(text) and text[start] in " \t":
                start += 1
            end = len(text.rstrip())
            script = text[start:end]
            offsets = tuple(range(start, end))
            if kind == "cmd" and len(script) >= 2 and script[0] == '"' and script[-1] == '"':
                script, offsets = script[1:-1], offsets[1:-1]  # cmd /s /c "..." strips the outer quotes
            return Invocation(kind, program_name(words[index].value), index, script, None, offsets)
        if not words[k].value.startswith(("/", "-")):
            break
    return Invocation(kind, program_name(words[index].value), index, None, None, ())


@dataclass(frozen=True)
class WindowsCommand:
    """One command of a cmd script, and the operator after it (`&`, `&&`, `||`, `|`, or `None`)."""

    text: str
    start: int
    operator: str | None


def windows_commands(script: str) -> list[WindowsCommand]:
    """Cut a cmd script at its unquoted `&`, `&&`, `||` and `|` (`^` escapes, `"` quotes)."""
    found: list[WindowsCommand] = []
    start = i = 0
    quoted = False
    while i < len(script):
        c = script[i]
        if c == '"':
            quoted = not quoted
        elif c == "^" and not quoted:
            i += 2
            continue
        elif c in "&|" and not quoted:
            op = script[i : i + 2] if script[i : i + 2] in ("&&", "||") else c
            found.append(WindowsCommand(script[start:i].strip(), start, op))
            i += len(op)
            start = i
            continue
        i += 1
    found.append(WindowsCommand(script[start:].strip(), start, None))
    return [c for c in found if c.text or c.operator]
