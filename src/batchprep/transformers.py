"""Key transformers for `batchprep.Model.as_dict`.

A key transformer is called once per attribute as ``transformer(attribute_name, attr_desc, value)``,
where ``attr_desc`` is a copy of the attribute's ``_attribute_map`` entry (``{'key': ..., 'type': ...}``).
It returns ``(key, value)``: the key to write (a list of keys writes a nested, "hierarchical" dict) and
the value to serialize.  These three are the ones msrest ships, with the same results.
"""

from __future__ import annotations

from typing import Any

from batchprep._lazy import lazy_pattern

__all__ = ["attribute_transformer", "full_restapi_key_transformer", "last_restapi_key_transformer", "split_rest_key"]

_UNESCAPED_DOT = lazy_pattern(r"(?<!\\)\.")


def split_rest_key(key: str) -> list[str]:
    """Split a REST key on unescaped dots and decode ``\\.`` into ``.``."""
    return [part.replace("\\.", ".") for part in _UNESCAPED_DOT.split(key)]


def attribute_transformer(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[str, Any]:
    """Key the output by Python attribute name (``command_line``)."""
    return key, value


def full_restapi_key_transformer(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[list[str], Any]:
    """Key the output by the whole REST key path, as a list (``['commandLine']``)."""
    return split_rest_key(attr_desc["key"]), value


def last_restapi_key_transformer(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[str, Any]:
    """Key the output by the last part of the REST key (``commandLine``)."""
    return split_rest_key(attr_desc["key"])[-1], value
