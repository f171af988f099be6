"""Helpers shared by the generators: names and phrases derived from a type node."""

from __future__ import annotations

import enum
from typing import Any

from batchprep import _primitives, _types


def is_enum(node: _types.TypeNode, resolved: dict[str, type]) -> bool:
    return isinstance(node, _types.Named) and issubclass(resolved[node.name], enum.Enum)


def is_model(node: _types.TypeNode, resolved: dict[str, type]) -> bool:
    return isinstance(node, _types.Named) and not issubclass(resolved[node.name], enum.Enum)


def python_expected(node: _types.TypeNode, resolved: dict[str, type]) -> str:
    """What a Python caller should have put in the attribute."""
    if isinstance(node, _types.Primitive):
        return _primitives.CODECS[node.name].python
    if isinstance(node, _types.ListOf):
        return f"list of {python_expected(node.item, resolved)}"
    if isinstance(node, _types.DictOf):
        return f"dict of str to {python_expected(node.item, resolved)}"
    if is_enum(node, resolved):
        return f"{node.text} or str"
    return node.text


def wire_expected(node: _types.TypeNode, resolved: dict[str, type]) -> str:
    """What a JSON document should hold at that place."""
    if is_enum(node, resolved):
        return f"a string ({node.text})"
    if isinstance(node, _types.Named):
        return f"an object ({node.text})"
    if isinstance(node, _types.Primitive):
        return {
            "str": "a string",
            "int": "an integer",
            "long": "an integer",
            "bool": "a boolean (true or false)",
            "float": "a number",
            "decimal": "a number or numeric string",
            "unix-time": "a number (Unix time)",
            "object": "any JSON value",
        }.get(node.name, f"a string ({_types.PRIMITIVES[node.name]})")
    if isinstance(node, _types.ListOf):
        return "an array"
    return "an object"


def models_in(node: _types.TypeNode, resolved: dict[str, type]) -> list[type]:
    """The model classes a type node reaches (for ``[[Foo]]`` that is ``Foo``)."""
    if isinstance(node, (_types.ListOf, _types.DictOf)):
        return models_in(node.item, resolved)
    if is_model(node, resolved):
        return [resolved[node.text]]
    return []


def safe(name: str) -> str:
    """A type name usable inside an identifier (``iso-8601`` -> ``iso_8601``)."""
    return name.replace("-", "_")


def fill(ns: dict[str, Any], name: str, value: Any) -> str:
    ns[name] = value
    return name
