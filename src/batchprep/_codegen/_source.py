"""Turning generated source into functions that debuggers and tracebacks can show.

Each generator returns ``(source, namespace)``.  `build` compiles the source once under a
unique pseudo-filename such as ``<batchprep generated serialize mypkg.models.JobPreparationTask>``,
registers it in `linecache` so that ``inspect.getsource``, pdb and tracebacks show the real
lines, and sets each function's ``__qualname__``, ``__module__`` and docstring.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

_counter = itertools.count(1)


def filename_for(method: str, cls: type) -> str:
    base = f"<batchprep generated {method} {cls.__module__}.{cls.__qualname__}"
    name = base + ">"
    cached = linecache.cache.get(name)
    if cached is not None:
        # A class of the same name was compiled before (a redefinition or a regeneration): keep both.
        name = f"{base} #{next(_counter)}>"
    return name


def build(
    method: str,
    cls: type,
    source: str,
    namespace: dict[str, Any],
    functions: dict[str, str],
) -> dict[str, Callable[..., Any]]:
    """Compile ``source`` and return the functions it defines.

    Args:
        method: The method family, used in the pseudo-filename (``serialize``, ``validate``…).
        cls: The model class the functions belong to.
        source: Python source defining the functions.
        namespace: Globals of the generated code; values are passed here, never pasted as text.
        functions: Name in ``source`` -> docstring, for every function to return.
    """
    filename = filename_for(method, cls)
    code = compile(source, filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    namespace.setdefault("__builtins__", __builtins__)
    namespace["__name__"] = cls.__module__
    exec(code, namespace)
    result = {}
    for name, doc in functions.items():
        fn = namespace[name]
        fn.__module__ = cls.__module__
        fn.__qualname__ = f"{cls.__qualname__}.{name}"
        fn.__doc__ = doc
        result[name] = fn
    return result


class Lines:
    """A list of source lines with indentation tracking."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 0

    def add(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def indent(self) -> Lines:
        self.depth += 1
        return self

    def dedent(self) -> None:
        self.depth -= 1

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.dedent()

    def source(self) -> str:
        return "\n".join(self.lines) + "\n"
