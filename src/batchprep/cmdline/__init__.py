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

from batchprep.cmdline.build import cmd_command, quote, shell_command
from batchprep.cmdline.shell import Invocation, find_shell
from batchprep.cmdline.split import CommandLineSplitError, Part, Word, split_command_line, split_words

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
