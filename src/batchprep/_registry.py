"""The class registry: every model class and registered enum, by class name.

Type strings name classes (``'[ResourceFile]'``, ``'AutoUserScope'``); `batchprep._types.resolve` finds
them here.  The registry is a room of its own, below both the type tree and the base class, so that
the low floors (`batchprep._types`, the enums) never import `batchprep.model`.
"""

from __future__ import annotations

import enum
import weakref
from typing import TypeVar

__all__ = ["every_model", "register_enum", "registry"]

#: Every model class and registered enum by class name: how type strings find their classes.
registry: dict[str, type] = {}
#: Every model class ever created (a class replaced in the registry by a namesake is still here).
every_model: weakref.WeakSet[type] = weakref.WeakSet()

_E = TypeVar("_E", bound=type[enum.Enum])


def register_enum(enum_cls: _E) -> _E:
    """Make a ``str`` enum usable by name in field type strings (usable as a class decorator)."""
    if not (isinstance(enum_cls, type) and issubclass(enum_cls, enum.Enum)):
        raise TypeError(f"register_enum takes an Enum class, got {enum_cls!r}")
    registry[enum_cls.__name__] = enum_cls
    return enum_cls
