"""Finding shell syntax in words, only where a shell would see it.

A word remembers how each of its parts was quoted (`batchprep.cmdline.split.Part`): `$HOME` and
`"$HOME"` are expanded by a POSIX shell, `'$HOME'` and `\\$HOME` are not; globs, `~` and operators
only mean something unquoted. These helpers look at exactly the parts that matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from batchprep.cmdline.split import Quoting, Word
from batchprep.redact import mask_text

__all__ = ["WINDOWS_VARIABLE", "excerpt", "matches"]

#: `%NAME%` as cmd expands it; upper case, at least two characters, so that `date +%Y%m%d` is not one.
WINDOWS_VARIABLE = re.compile(r"%([A-Z_][A-Z0-9_]+)%")


def matches(word: Word, pattern: re.Pattern[str], quoting: tuple[Quoting, ...]) -> Iterator[tuple[str, int]]:
    """Each match of `pattern` in the parts of `word` quoted one of the `quoting` ways.

    Yields the matched text and the index of its first character in the word's source.
    """
    for part in word.parts:
        if part.quoting in quoting:
            for found in pattern.finditer(part.text):
                yield found.group(), part.offsets[found.start()]


def excerpt(text: str, limit: int = 40) -> str:
    """Text of the command line fit for a message: its secrets masked, then shortened to `limit`.

    Masking comes first: a SAS signature or a URL's password cut in half would no longer be
    recognised as one, and its first characters would be shown.
    """
    text = mask_text(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
