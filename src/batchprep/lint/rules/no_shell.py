"""Shell syntax in a command line that runs without a shell: the node passes it to the program as it is.

The node splits the command line into words (honouring quotes) and starts the program directly.
Nothing expands `$VAR` or `%VAR%`, nothing runs `|` or `&&`, nothing matches `*.tar`, and `cd` is
not a program. These rules look at the words the node passes literally — all of them when no shell
is started, and those outside the script when one is (`env X=$Y bash -c '...'`) — and only at the
parts a shell would have interpreted: `'$HOME'` stays silent, since no shell would expand it either.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from batchprep.cmdline.shell import program_name, strip_wrappers
from batchprep.cmdline.split import Word
from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register
from batchprep.lint.rules._text import WINDOWS_VARIABLE, matches

__all__ = ["ShellBuiltinWithoutShell", "ShellGlobWithoutShell", "ShellOperatorWithoutShell", "UnexpandedVariable"]

_POSIX_EXPANSION = re.compile(r"\$(\{[^}]*\}?|\([^)]*\)?|[A-Za-z_][A-Za-z0-9_]*)|`[^`]*`?")
_OPERATOR_WORD = re.compile(r"(\d*(>>?|<|>&|<&)(&?\d+|-)?|&>>?|\|\|?|\|&|&&|;;?|&)")
_OPERATOR_START = re.compile(r"^(\d*>>?|<|&>>?|\|)(?=[^|&;<>])")
_OPERATOR_END = re.compile(r"(?<=[^|&;<>])(;|&&|\|\||\|)$")
_GLOB = re.compile(r"[*?]|\[[^]/]+\]")
#: Shell builtins and keywords that are no program on a Linux node (`echo`, `test`, `kill` are).
_BUILTINS = frozenset(
    {"cd", "export", "source", ".", "set", "unset", "alias", "ulimit", "umask", "eval", "exit", "return"}
    | {"if", "for", "while", "until", "case", "function", "{", "(", "declare", "local", "shopt", "trap"}
    | {"setlocal", "set/a", "call", "goto"}
)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def literal_words(task: TaskContext) -> list[Word]:
    """The words of the command line that reach a program without any shell interpreting them."""
    shell = task.shell
    if shell is None or shell.script is None:
        return task.words
    if shell.kind == "posix":
        return [w for w in task.words if w is not shell.script_word]
    start = shell.offsets[0] if shell.offsets else len(task.command_line)
    return [w for w in task.words if w.end <= start]


def _fix(task: TaskContext) -> str:
    return "run it in a shell: /bin/sh -c '...'" if task.shell is None else "move it into the shell's script"


@register
class UnexpandedVariable(Rule):
    code = "BP101"
    name = "unexpanded-variable"
    severity = "warning"
    summary = "$VAR, ${VAR}, $(...), backquotes or %VAR% in words that no shell expands"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for word in literal_words(task):
            for text, offset in matches(word, _POSIX_EXPANSION, ("none", "double")):
                yield Hit(
                    "/commandLine",
                    f"{text} reaches the program as it is: the command line does not run in a shell, so nothing "
                    f"expands it; {_fix(task)}",
                    offset,
                )
            for text, offset in matches(word, WINDOWS_VARIABLE, ("none", "double")):
                yield Hit(
                    "/commandLine",
                    f"{text} reaches the program as it is: only cmd expands %VARIABLES%, and the command line does "
                    'not start it; run it as cmd /c "..." (Windows) or use a shell and $VARIABLES (Linux)',
                    offset,
                )


@register
class ShellOperatorWithoutShell(Rule):
    code = "BP102"
    name = "shell-operator-without-shell"
    severity = "warning"
    summary = "|, &&, ||, ;, & or a redirection in a command line that does not start a shell"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for word in literal_words(task):
            if word.quoted:
                continue
            value = word.value
            found = None
            if _OPERATOR_WORD.fullmatch(value):
                found = value, word.start
            elif m := _OPERATOR_START.match(value):
                found = m.group(), word.start
            elif m := _OPERATOR_END.search(value):
                found = m.group(), word.start + m.start()
            if found is not None:
                text, offset = found
                yield Hit(
                    "/commandLine",
                    f"{text!r} reaches the program as an argument: without a shell nothing pipes, chains or "
                    f"redirects; {_fix(task)}",
                    offset,
                )


@register
class ShellGlobWithoutShell(Rule):
    code = "BP103"
    name = "glob-without-shell"
    severity = "warning"
    summary = "*, ?, [...] or ~ in a command line that does not start a shell"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for word in literal_words(task):
            value = word.value
            if value.startswith("-") or "://" in value or value in ("[", "]"):
                continue  # options (--include=*.py means the pattern itself) and URLs (?query) are meant literally
            first = word.parts[0]
            if first.quoting == "none" and first.text.startswith("~") and first.text[1:2] in ("", "/"):
                yield Hit(
                    "/commandLine",
                    f"{value!r}: without a shell nothing replaces ~ by a home directory; "
                    "use $HOME in a shell, or a path relative to the working directory",
                    word.start,
                )
                continue
            for text, offset in matches(word, _GLOB, ("none",)):
                yield Hit(
                    "/commandLine",
                    f"{value!r} reaches the program as it is: without a shell no file names replace {text!r}; "
                    f"{_fix(task)}",
                    offset,
                )
                break


@register
class ShellBuiltinWithoutShell(Rule):
    code = "BP104"
    name = "shell-builtin-without-shell"
    severity = "warning"
    summary = "a shell builtin (cd, export, source...) or VAR=value as the program of a command line"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        if task.shell is not None or not task.words:
            return
        argv = [w.value for w in task.words]
        index = strip_wrappers(argv)
        if index >= len(argv):
            return
        word = task.words[index]
        name = program_name(word.value) if "/" not in word.value else word.value
        if _ASSIGNMENT.match(word.value) and not word.quoted:
            yield Hit(
                "/commandLine",
                f"the node looks for a program named {word.value!r}: setting a variable this way needs a shell; "
                "use environmentSettings, or /bin/sh -c '...'",
                word.start,
            )
        elif name in _BUILTINS:
            yield Hit(
                "/commandLine",
                f"{name!r} is a shell builtin, not a program: the task fails with CommandProgramNotFound; "
                "run it in a shell: /bin/sh -c '...'",
                word.start,
            )
