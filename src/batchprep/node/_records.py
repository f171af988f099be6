"""`Record`: the base of the node's small value classes.

Slots, a `repr` and equality from the slots, and `replace`, without the cost of `dataclasses` at import
time (about 2 ms a class, which `batchprep run` would pay on every start: its overhead is a target).
"""

from __future__ import annotations

import copy
from typing import Any, Self

__all__ = ["Record"]


class Record:
    """A value class whose fields are its `__slots__`."""

    __slots__: tuple[str, ...] = ()

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name, None) == getattr(other, name, None) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def replace(self, **changes: Any) -> Self:
        """A copy with some fields changed."""
        new = copy.copy(self)
        for name, value in changes.items():
            if name not in self.__slots__:
                raise TypeError(f"{type(self).__name__} has no field {name!r}")
            setattr(new, name, value)
        return new

    def fields(self) -> dict[str, Any]:
        """The fields as a dict."""
        return {name: getattr(self, name) for name in self.__slots__}
