"""The type tree: msrest type strings parsed once into small typed nodes.

A field's type string (``'str'``, ``'[ResourceFile]'``, ``'{duration}'``, ``'TaskConstraints'``) is
parsed when its class is created.  Names of models and enums stay unresolved until the class is first
used, so a model may refer to one declared later in the same module.
"""

from __future__ import annotations

import enum
import sys
from typing import Any

from batchprep._registry import registry

#: Every primitive type string msrest knows, with what a reader should call it in an error message.
PRIMITIVES: dict[str, str] = {
    "str": "a string",
    "int": "an integer",
    "long": "an integer",
    "bool": "a boolean",
    "float": "a number",
    "decimal": "a decimal number",
    "duration": "an ISO 8601 duration",
    "iso-8601": "an ISO 8601 date-time",
    "rfc-1123": "an RFC 1123 date-time",
    "date": "an ISO 8601 date",
    "time": "an ISO 8601 time",
    "unix-time": "a Unix timestamp",
    "base64": "URL-safe base64 text",
    "bytearray": "base64 text",
    "object": "any JSON value",
}


class TypeNode:
    """One node of a parsed type string (immutable, compared by value)."""

    __slots__ = ()

    @property
    def text(self) -> str:
        """The msrest type string this node was parsed from."""
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeNode) and type(self) is type(other) and self.text == other.text

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.text))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.text!r})"


class _Leaf(TypeNode):
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def text(self) -> str:
        return self.name


class Primitive(_Leaf):
    """A type msrest knows by a fixed name (``str``, ``duration``…)."""

    __slots__ = ()


class Named(_Leaf):
    """A model or enum, known by name until `resolve` finds its class."""

    __slots__ = ()


class _Container(TypeNode):
    __slots__ = ("item",)
    _brackets = "[]"

    def __init__(self, item: TypeNode) -> None:
        self.item = item

    @property
    def text(self) -> str:
        return self._brackets[0] + self.item.text + self._brackets[1]


class ListOf(_Container):
    """``[T]``: a list of T."""

    __slots__ = ()


class DictOf(_Container):
    """``{T}``: an object whose values are T."""

    __slots__ = ()
    _brackets = "{}"


def parse(text: str) -> TypeNode:
    """Parse an msrest type string such as ``'[ResourceFile]'`` into a node.

    Raises:
        TypeError: the string is not a well-formed type.
    """
    if not isinstance(text, str) or not text:
        raise TypeError(f"a field type must be a non-empty msrest type string, got {text!r}")
    if text[0] == "[" or text[0] == "{":
        closing = "]" if text[0] == "[" else "}"
        if text[-1] != closing or len(text) < 3:
            raise TypeError(f"malformed type string {text!r}: {text[0]!r} must close with {closing!r}")
        inner = parse(text[1:-1])
        return ListOf(inner) if text[0] == "[" else DictOf(inner)
    if text in PRIMITIVES:
        return Primitive(text)
    if not text.isidentifier() or not text[0].isupper():
        import difflib

        hint = difflib.get_close_matches(text, list(PRIMITIVES), n=1)
        if hint:
            raise TypeError(f"unknown type string {text!r} (did you mean {hint[0]!r}?)")
        raise TypeError(
            f"unknown type string {text!r}: expected one of {', '.join(sorted(PRIMITIVES))}, "
            "a model or enum class name (capitalised), '[T]' or '{T}'"
        )
    return Named(text)


def resolve(name: str, module: str) -> type:
    """Find the model or enum class called ``name`` for a field declared in ``module``.

    The declaring module is searched first, then every batchprep model class and enum registered so far.
    """
    mod = sys.modules.get(module)
    found = getattr(mod, name, None) if mod is not None else None
    if isinstance(found, type) and (issubclass(found, enum.Enum) or hasattr(found, "_bp_fields")):
        return found
    try:
        return registry[name]
    except KeyError:
        raise TypeError(
            f"type {name!r} (declared in module {module}) names no batchprep model or enum; "
            "declare it, or register an enum with batchprep.register_enum"
        ) from None
