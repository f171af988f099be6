"""Regular expressions compiled when first used, not when their module is imported.

``import batchprep`` is on the start-up path of every program and of the ``batchprep`` command, and
compiling a pattern costs about half a millisecond; most programs never use most patterns (the
readers of unusual date-time forms, the masking of secrets in messages). `lazy_pattern` takes what
`re.compile` takes and gives an object with the methods of a compiled pattern that batchprep uses.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

__all__ = ["LazyPattern", "lazy_pattern"]


class LazyPattern:
    """A `re.Pattern` compiled on first use (`compiled`); its methods call the compiled pattern's."""

    __slots__ = ("_compiled", "_flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if this is its first use)."""
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self._flags)
        return self._compiled

    def match(self, text: str) -> re.Match[str] | None:
        return self.compiled.match(text)

    def fullmatch(self, text: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)

    def split(self, text: str) -> list[str]:
        return self.compiled.split(text)

    def sub(self, replacement: str | Callable[[re.Match[str]], str], text: str) -> str:
        return self.compiled.sub(replacement, text)

    def __repr__(self) -> str:
        return f"lazy_pattern({self.pattern!r})"


def lazy_pattern(pattern: str, flags: int = 0) -> LazyPattern:
    """`re.compile(pattern, flags)`, deferred to the first use.

    Examples:
        >>> drive = lazy_pattern(r"[A-Za-z]:")
        >>> drive.match("C:/work") is not None
        True
    """
    return LazyPattern(pattern, flags)
