"""Building command lines that the node splits into exactly the intended words.

Everyone's first Batch task has a `wrap_commands_in_shell()` helper that joins commands with `;`
inside `/bin/bash -c '...'` and breaks on the first argument holding a `'`. `shell_command` quotes
each argument for the inner shell, then the whole script for the node's splitter, and starts the
script with `set -e` (and `set -o pipefail` where the shell has it) so that the first failing
command fails the task. `cmd_command` is the Windows form (`cmd /s /c "..."`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from batchprep.cmdline.failures import Options, masked_pipelines
from batchprep.cmdline.script import ScriptSyntaxError, UnsupportedScript, parse_script
from batchprep.cmdline.shell import PIPEFAIL_SHELLS, POSIX_SHELLS, program_name

__all__ = ["cmd_command", "quote", "shell_command"]

Command = str | Sequence[str]

_SAFE = re.compile(r"[A-Za-z0-9_@%+:,./-]+")
_RESERVED = frozenset({"!", "{", "}", "if", "then", "elif", "else", "fi", "do", "done", "case", "esac", "while"})
_RESERVED |= frozenset({"until", "for", "in", "select", "function", "time", "coproc"})
_CMD_SPECIAL = re.compile(r'[\s&|<>()^,;="]')
_CMD_REFUSED = re.compile(r'["%!\r\n\x00]')


def quote(word: str) -> str:
    """One word for a POSIX shell (or the node's splitter): as it is when that is safe, else in '...'.

    Examples:
        >>> quote("it's"), quote("$HOME"), quote(""), quote("data/x.csv")
        ("'it'\\\\''s'", "'$HOME'", "''", 'data/x.csv')
    """
    if _SAFE.fullmatch(word) and word not in _RESERVED:
        return word
    return "'" + word.replace("'", "'\\''") + "'"


def shell_command(commands: Sequence[Command], *, shell: str = "/bin/bash", strict: bool = True) -> str:
    """One command line that runs `commands` in a POSIX shell on the node, one after the other.

    Each command is either a list of words (an argv: every word reaches the program exactly as
    given, whatever quotes, spaces, `$` or newlines it holds) or a string of shell script, used as
    it is (for `$VARIABLES`, pipes and redirections). The result starts the shell with `-c` and the
    script quoted for the node, which splits command lines with POSIX rules and no expansion.

    Args:
        commands: The commands, in order.
        shell: The shell's path on the node: `/bin/bash`, `/bin/sh`, `/usr/bin/zsh`...
        strict: Stop at the first failing command, so that the task fails with its exit code: the
            script starts with `set -e`, plus `set -o pipefail` where the shell has it (bash, zsh,
            ksh). With `/bin/sh` (dash on Debian and Ubuntu: no pipefail) a string command holding a
            pipeline whose failure would go unnoticed is refused.

    Returns:
        The command line, e.g. `/bin/bash -c 'set -eo pipefail; apt-get install -y jq; ./setup.sh'`.

    Raises:
        TypeError: `commands` is a string rather than a list of commands, or a word is not a string.
        ValueError: No commands, an empty argv, a word with a NUL character (no program can receive
            one), a string command that is not valid shell, or (strict, without pipefail) a pipeline
            whose failure would go unnoticed.

    Examples:
        >>> from batchprep.cmdline import split_command_line
        >>> line = shell_command([["echo", "it's done"], "mkdir -p $AZ_BATCH_NODE_SHARED_DIR/data"])
        >>> split_command_line(line)[2]
        "set -eo pipefail; echo 'it'\\\\''s done'; mkdir -p $AZ_BATCH_NODE_SHARED_DIR/data"
    """
    name = program_name(shell)
    if name not in POSIX_SHELLS or name == "busybox":
        raise ValueError(
            f"shell must be a POSIX shell such as /bin/bash or /bin/sh, not {shell!r} (cmd_command for cmd)"
        )
    parts = _posix_commands(commands)
    pipefail = name in PIPEFAIL_SHELLS
    if strict:
        parts.insert(0, "set -eo pipefail" if pipefail else "set -e")
    newline = any("\n" in p or "#" in p or p.rstrip().endswith("&") for p in parts)
    script = ("\n" if newline else "; ").join(parts)
    if strict and not pipefail:
        try:
            masked = masked_pipelines(parse_script(script).items, Options(errexit=True))
        except UnsupportedScript as err:  # (( )), or nested too deep: what cannot be read cannot be vouched for
            raise ValueError(
                f"{shell} has no pipefail, and the commands cannot be read to find pipelines whose failure would "
                f"go unnoticed ({err}); use shell='/bin/bash', or pass strict=False"
            ) from None
        if masked:
            raise ValueError(
                f"{shell} has no pipefail: a failure before the last '|' of a pipeline would go unnoticed; "
                "use shell='/bin/bash', or pass strict=False"
            )
    return f"{quote(shell)} -c {quote(script)}"


def _checked(commands: Sequence[Command]) -> list[tuple[int, str | list[str]]]:
    """The commands, each a stripped string or a checked list of words, with its index."""
    if isinstance(commands, str):
        raise TypeError("commands must be a list of commands (each a string or a list of words), not a string")
    if not commands:
        raise ValueError("commands is empty: give at least one command")
    checked: list[tuple[int, str | list[str]]] = []
    for index, command in enumerate(commands):
        if isinstance(command, str):
            if not command.strip():
                raise ValueError(f"commands[{index}] is blank")
            checked.append((index, command.strip()))
        else:
            checked.append((index, _words(command, index)))
    return checked


def _posix_commands(commands: Sequence[Command]) -> list[str]:
    parts: list[str] = []
    for index, command in _checked(commands):
        if isinstance(command, str):
            try:
                parse_script(command)
            except ScriptSyntaxError as err:
                raise ValueError(f"commands[{index}] is not valid shell: {err}") from None
            except UnsupportedScript:
                pass  # valid, but beyond what the checks below read: used as it is
            parts.append(command)
        else:
            parts.append(" ".join(quote(w) for w in command))
    return parts


def _words(command: Sequence[str], index: int) -> list[str]:
    words = list(command)
    if not words:
        raise ValueError(f"commands[{index}] is an empty list of words")
    for position, word in enumerate(words):
        if not isinstance(word, str):
            raise TypeError(f"commands[{index}][{position}] must be a string, not {type(word).__name__}")
        if "\x00" in word:
            raise ValueError(f"commands[{index}][{position}] holds a NUL character, which no program can receive")
    return words


def cmd_command(commands: Sequence[Command], *, strict: bool = True) -> str:
    """The Windows form: one `cmd /s /c "..."` command line running `commands` one after the other.

    A list of words is quoted for Windows programs (the Microsoft C runtime's rules); a string is
    used as it is (for `%VARIABLES%` and redirections). cmd cannot pass some characters through
    reliably, so words holding `"`, `%`, `!` or a line break are refused rather than mangled.

    Args:
        commands: The commands, in order.
        strict: Join them with `&&`, so that the first failing command stops the rest and its exit
            code is the task's; with `strict=False`, `&` runs each whatever happened before.

    Raises:
        TypeError: `commands` is a string, or a word is not a string.
        ValueError: No commands, an empty list of words, or a word cmd cannot carry.

    Examples:
        >>> cmd_command([["copy", "C:\\\\in\\\\a b.txt", "%AZ_BATCH_NODE_SHARED_DIR%"]])
        Traceback (most recent call last):
        ...
        ValueError: commands[0][2] holds '%', which cmd cannot pass through reliably: use a string command for variables
        >>> cmd_command([["copy", "C:\\\\in\\\\a b.txt", "out"], "dir %AZ_BATCH_NODE_SHARED_DIR%"])
        'cmd /s /c "copy "C:\\\\in\\\\a b.txt" out && dir %AZ_BATCH_NODE_SHARED_DIR%"'
    """
    parts: list[str] = []
    for index, command in _checked(commands):
        if isinstance(command, str):
            parts.append(command)
            continue
        for position, word in enumerate(command):
            bad = _CMD_REFUSED.search(word)
            if bad:
                raise ValueError(
                    f"commands[{index}][{position}] holds {bad.group()!r}, which cmd cannot pass through reliably: "
                    "use a string command for variables"
                )
        parts.append(" ".join(_windows_quote(w) for w in command))
    return 'cmd /s /c "' + (" && " if strict else " & ").join(parts) + '"'


def _windows_quote(word: str) -> str:
    """A word for a Windows program's argv parser, quoted when it holds a blank or a cmd operator."""
    if word and not _CMD_SPECIAL.search(word):
        return word
    trailing = len(word) - len(word.rstrip("\\"))
    return '"' + word + "\\" * trailing + '"'  # backslashes before the closing quote are doubled
