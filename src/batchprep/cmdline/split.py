"""Splitting a command line into words as a Batch node does: POSIX quoting rules, no expansion.

The node runs a task's command line without a shell, but honours quotes when it cuts the line into
the program's arguments (node-runtime.md: `/bin/bash -c 'set -e; ...'` works). So the rules are the
POSIX shell's quote removal and nothing else: no variables, no globs, no `~`, no operators (`|` or
`;` are ordinary characters), no comments (`#` is ordinary too). Words are separated by spaces, tabs
and newlines; a backslash outside quotes takes the next character literally (a backslash before a
newline joins the lines); inside double quotes a backslash only escapes `$`, `` ` ``, `"`, `\\` and
a newline, as in the shell.

Every `Word` remembers where each of its characters came from and how it was quoted, so that a rule
can tell `$HOME` (a shell would expand it) from `'$HOME'` (no shell would).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["CommandLineSplitError", "Part", "Quoting", "Word", "split_command_line", "split_words", "where"]

#: How a part of a word was written: bare, in '...', in "...", or as a backslash escape (\x).
Quoting = Literal["none", "single", "double", "escape"]

_BLANKS = " \t\n"
#: The characters a backslash escapes inside double quotes (POSIX; a newline is removed with it).
_DOUBLE_QUOTE_ESCAPES = '$`"\\\n'


class CommandLineSplitError(ValueError):
    """The command line cannot be split into words: a quote is never closed.

    Attributes:
        text: The command line.
        position: The 0-based index of the quote that is never closed.
        quote: That quote character (`'` or `"`).
    """

    def __init__(self, text: str, position: int, quote: str) -> None:
        self.text = text
        self.position = position
        self.quote = quote
        kind = "single" if quote == "'" else "double"
        super().__init__(f"unbalanced quotes: the {kind} quote ({quote}) at {where(text, position)} is never closed")


def where(text: str, position: int) -> str:
    """A place in a command line in words: `column 12`, or `line 2, column 3` when it has several lines."""
    line = text.count("\n", 0, position)
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return f"line {line + 1}, column {column}" if "\n" in text else f"column {column}"


@dataclass(frozen=True)
class Part:
    """A run of a word written one way.

    Attributes:
        text: The characters it gives the word (quotes and escaping backslashes removed).
        quoting: How it was written.
        start: Index in the command line where it starts (at its opening quote or backslash).
        end: Index just after it (after its closing quote).
        offsets: For each character of `text`, its index in the command line.
    """

    text: str
    quoting: Quoting
    start: int
    end: int
    offsets: tuple[int, ...]


@dataclass(frozen=True)
class Word:
    """One argument the program receives, with where it came from.

    Attributes:
        value: The argument, as the program receives it.
        start: Index in the command line of its first character (a quote, perhaps).
        end: Index just after its last character.
        parts: How it was written, run by run (an empty `''` is a part with no text).
    """

    value: str
    start: int
    end: int
    parts: tuple[Part, ...]

    @property
    def offsets(self) -> tuple[int, ...]:
        """For each character of `value`, its index in the command line."""
        return tuple(o for part in self.parts for o in part.offsets)

    @property
    def quoted(self) -> bool:
        """Whether any part of the word was quoted or escaped."""
        return any(part.quoting != "none" for part in self.parts)


def split_command_line(text: str) -> list[str]:
    """The argv a Batch node gives the program for a command line.

    Args:
        text: The task's `commandLine`.

    Returns:
        The words after quote removal; the first is the program. An empty or blank line gives `[]`.

    Raises:
        CommandLineSplitError: A quote is never closed; the message says where.

    Examples:
        >>> split_command_line("/bin/bash -c 'echo \\"$HOME\\" | wc -c'")
        ['/bin/bash', '-c', 'echo "$HOME" | wc -c']
        >>> split_command_line('python3 run.py "two words" $NOT_EXPANDED a|b')
        ['python3', 'run.py', 'two words', '$NOT_EXPANDED', 'a|b']
        >>> split_command_line("echo 'unfinished")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        batchprep.cmdline.split.CommandLineSplitError: unbalanced quotes: the single quote (') at column 6 ...
    """
    return [word.value for word in split_words(text)]


def split_words(text: str) -> list[Word]:
    """`split_command_line`, keeping for each word where it came from and how it was quoted.

    Raises:
        CommandLineSplitError: A quote is never closed.
    """
    words: list[Word] = []
    parts: list[Part] = []
    bare: list[tuple[str, int]] = []  # the unquoted run being collected: (character, index)
    word_start = -1

    def flush_bare() -> None:
        if bare:
            offsets = tuple(i for _, i in bare)
            parts.append(Part("".join(c for c, _ in bare), "none", offsets[0], offsets[-1] + 1, offsets))
            bare.clear()

    def end_word(at: int) -> None:
        nonlocal word_start
        flush_bare()
        if parts:
            words.append(Word("".join(p.text for p in parts), word_start, at, tuple(parts)))
            parts.clear()
        word_start = -1

    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _BLANKS:
            end_word(i)
            i += 1
            continue
        if word_start < 0:
            word_start = i
        if c == "\\":
            if i + 1 >= n:  # a backslash at the very end stands for itself
                bare.append((c, i))
                i += 1
            elif text[i + 1] == "\n":  # a line continuation: both go
                i += 2
                if not parts and not bare:
                    word_start = -1
            else:
                flush_bare()
                parts.append(Part(text[i + 1], "escape", i, i + 2, (i + 1,)))
                i += 2
        elif c == "'":
            close = text.find("'", i + 1)
            if close < 0:
                raise CommandLineSplitError(text, i, c)
            flush_bare()
            parts.append(Part(text[i + 1 : close], "single", i, close + 1, tuple(range(i + 1, close))))
            i = close + 1
        elif c == '"':
            flush_bare()
            i = _double_quoted(text, i, parts)
        else:
            bare.append((c, i))
            i += 1
    end_word(n)
    return words


def _double_quoted(text: str, opening: int, parts: list[Part]) -> int:
    """Read the "..." that opens at `opening` into `parts`; return the index after its closing quote.

    A backslash escape inside is a part of its own (quoting `escape`): `"\\$HOME"` is no expansion.
    """
    chars: list[str] = []
    offsets: list[int] = []
    run_start = opening
    count = len(parts)

    def flush(end: int) -> None:
        if chars:
            parts.append(Part("".join(chars), "double", run_start, end, tuple(offsets)))
            chars.clear()
            offsets.clear()

    i, n = opening + 1, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            flush(i + 1)
            if len(parts) == count:  # "" is an empty word, not no word
                parts.append(Part("", "double", opening, i + 1, ()))
            return i + 1
        if c == "\\" and i + 1 < n and text[i + 1] in _DOUBLE_QUOTE_ESCAPES:
            flush(i)
            if text[i + 1] != "\n":
                parts.append(Part(text[i + 1], "escape", i, i + 2, (i + 1,)))
            i += 2
            run_start = i
            continue
        chars.append(c)
        offsets.append(i)
        i += 1
    raise CommandLineSplitError(text, opening, '"')
