"""Command lines as a Batch node sees them: splitting, the shells they start, and building safe ones.

One room per concern: `split` cuts a command line into words as the node does (POSIX quoting, no
expansion); `shell` finds where a shell is started (`sh -c`, `cmd /c`, `powershell -Command`) and
reads the script it is given; `build` makes command lines that split into exactly the intended
words. The linter (`batchprep.lint.rules`) and the local node (`batchprep.node`) both use them.

Examples:
    >>> from batchprep.cmdline import split_command_line
    >>> split_command_line("/bin/sh -c 'mkdir -p \\"$AZ_BATCH_NODE_SHARED_DIR/data\\"'")
    ['/bin/sh', '-c', 'mkdir -p "$AZ_BATCH_NODE_SHARED_DIR/data"']
"""

from typing import TYPE_CHECKING

from batchprep.cmdline.split import CommandLineSplitError, Part, Word, split_command_line, split_words

if TYPE_CHECKING:
    from batchprep.cmdline.build import cmd_command, quote, shell_command
    from batchprep.cmdline.shell import Invocation, find_shell

__all__ = [
    "CommandLineSplitError",
    "Invocation",
    "Part",
    "Word",
    "cmd_command",
    "find_shell",
    "quote",
    "shell_command",
    "split_command_line",
    "split_words",
]

#: Loaded on first use: the shell-script reader behind them takes a while to import, and the node only
#: needs the splitter.
_LAZY = {
    "cmd_command": "build",
    "quote": "build",
    "shell_command": "build",
    "Invocation": "shell",
    "find_shell": "shell",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"batchprep.cmdline.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'batchprep.cmdline' has no attribute {name!r}")
