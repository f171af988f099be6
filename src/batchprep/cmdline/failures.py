"""How a shell script deals with failures: what `set -e` and `pipefail` cover, and what slips through.

A script given to `sh -c` goes on after a failing command unless it is told otherwise: `set -e`
(or `sh -e -c`), `&&` between the commands, or an explicit `|| exit 1`. And a pipeline's status is
its last command's, so `curl ... | tar x` "succeeds" when the download fails, unless `pipefail` is
on. These functions find the places where that happens; the linter reports them and the builder
(`batchprep.cmdline.build`) refuses to produce them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from batchprep.cmdline.script import AndOr, Command, Compound, Pipeline, Simple

__all__ = ["Options", "harmless", "masked_pipelines", "set_options", "unhandled_failures"]

#: Commands whose failure says nothing (or that cannot fail in a way a script should stop for).
_HARMLESS = frozenset(
    {"echo", "printf", "true", ":", "set", "export", "unset", "trap", "shopt", "umask", "local", "declare"}
    | {"readonly", "typeset", "alias", "exit", "return", "shift", "yes", "sleep", "date", "pwd", "hostname"}
)


@dataclass(frozen=True)
class Options:
    """The failure options in force: `errexit` (`set -e`) and `pipefail`."""

    errexit: bool = False
    pipefail: bool = False


def set_options(command: Command, options: Options) -> Options:
    """The options after `command` runs, when it is a `set` that changes `-e` or `pipefail`."""
    if not isinstance(command, Simple) or not command.words or command.argv[0] != "set":
        return options
    errexit, pipefail = options.errexit, options.pipefail
    argv = command.argv[1:]
    i = 0
    while i < len(argv):
        word = argv[i]
        i += 1
        if len(word) < 2 or word[0] not in "-+" or word == "--":
            break
        on = word[0] == "-"
        for letter in word[1:]:
            if letter == "e":
                errexit = on
            elif letter == "o" and i < len(argv):
                name = argv[i]
                i += 1
                if name == "errexit":
                    errexit = on
                elif name == "pipefail":
                    pipefail = on
    return Options(errexit, pipefail)


def harmless(command: Command) -> bool:
    """Whether a failure of `command` is nothing a script needs to stop for (`echo`, `set`, `X=1`...)."""
    if isinstance(command, Compound):
        if command.kind == "function":  # defining a function runs nothing
            return True
        return all(harmless(c) for _, items in command.parts for item in items for c in _commands(item))
    if not command.words:
        return not any(w.dynamic for w in command.assignments)
    return command.argv[0] in _HARMLESS and not command.words[0].dynamic


def unhandled_failures(items: list[AndOr], options: Options) -> list[AndOr]:
    """The top-level lists whose failure goes unnoticed: the script carries on after them.

    A list is left out when `set -e` is in force there, when it is the last one (its status is the
    script's), when it runs in the background, when it ends in `|| ...` or is followed by an `exit`
    (the script says what to do), or when nothing in it can fail in a way that matters (`echo`; `cd`
    can).
    """
    found: list[AndOr] = []
    for index, item in enumerate(items):
        for pipeline in item.pipelines:
            for command in pipeline.commands:
                options = set_options(command, options)
        if index == len(items) - 1 or item.terminator == "&" or options.errexit:
            continue
        if item.ops and item.ops[-1] == "||":
            continue
        if _is_exit(items[index + 1]):  # `robocopy ...; exit 0`: the script sets its exit code on purpose
            continue
        if all(p.negated or all(harmless(c) for c in p.commands) for p in item.pipelines):
            continue
        found.append(item)
    return found


def masked_pipelines(items: list[AndOr], options: Options) -> list[Pipeline]:
    """Pipelines whose status is used but comes from their last command only (no `pipefail`).

    "Used" means the script stops on it (`set -e`), tests it (`&&`, `||`) or returns it (the last
    list). Left out: pipelines in `if`/`while` conditions or negated with `!`, lists that end in
    `|| true` (failure ignored on purpose), and pipelines whose earlier commands are harmless
    (`echo x | ...`, `yes | ...`).
    """
    found: list[Pipeline] = []
    for index, item in enumerate(items):
        used = options.errexit or bool(item.ops) or index == len(items) - 1
        ignored = bool(item.ops) and item.ops[-1] == "||" and _ignores(item.pipelines[-1])
        for pipeline in item.pipelines:
            if (
                used
                and not ignored
                and not options.pipefail
                and not pipeline.negated
                and len(pipeline.commands) > 1
                and not all(harmless(c) for c in pipeline.commands[:-1])
            ):
                found.append(pipeline)
            for command in pipeline.commands:
                options = set_options(command, options)
                if isinstance(command, Compound):
                    for role, inner in command.parts:
                        if role != "condition":
                            found.extend(masked_pipelines(inner, Options(options.errexit, options.pipefail)))
    return found


def _is_exit(item: AndOr) -> bool:
    only = item.pipelines[0].commands[0] if len(item.pipelines) == 1 and len(item.pipelines[0].commands) == 1 else None
    return isinstance(only, Simple) and bool(only.words) and only.argv[0] == "exit"


def _ignores(pipeline: Pipeline) -> bool:
    only = pipeline.commands[0] if len(pipeline.commands) == 1 else None
    return isinstance(only, Simple) and bool(only.words) and only.argv[0] in ("true", ":")


def _commands(item: AndOr) -> Iterator[Command]:
    for pipeline in item.pipelines:
        yield from pipeline.commands
