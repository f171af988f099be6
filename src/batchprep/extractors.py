"""Key extractors for `batchprep.Model.from_dict`.

An extractor is called once per attribute as ``extractor(attribute_name, attr_desc, data)`` and returns
the value it finds in ``data`` for that attribute, or ``None``.  ``from_dict`` tries its extractors in
order and keeps the first non-null value.  These six are the ones msrest ships, with the same results.
"""

from __future__ import annotations

from typing import Any

from batchprep.transformers import split_rest_key

__all__ = [
    "attribute_key_case_insensitive_extractor",
    "attribute_key_extractor",
    "last_rest_key_case_insensitive_extractor",
    "last_rest_key_extractor",
    "rest_key_case_insensitive_extractor",
    "rest_key_extractor",
]


def attribute_key_extractor(attr: str, attr_desc: Any, data: dict[str, Any]) -> Any:
    """The value under the Python attribute name, exactly."""
    return data.get(attr)


def attribute_key_case_insensitive_extractor(attr: str, attr_desc: Any, data: dict[str, Any]) -> Any:
    """The value under the Python attribute name, in any letter case (the first match wins)."""
    wanted = attr.lower()
    for key in data:
        if key.lower() == wanted:
            return data[key]
    return None


def _walk(attr_desc: dict[str, Any], data: Any, get: Any) -> Any:
    parts = split_rest_key(attr_desc["key"])
    for part in parts[:-1]:
        data = get(part, data)
        if not isinstance(data, dict):
            return None
    return get(parts[-1], data) if data else None


def rest_key_extractor(attr: str, attr_desc: dict[str, Any], data: dict[str, Any]) -> Any:
    """The value under the REST key, exactly, following a dotted (flattened) key into nested objects."""
    return _walk(attr_desc, data, lambda key, d: d.get(key))


def rest_key_case_insensitive_extractor(attr: str, attr_desc: dict[str, Any], data: dict[str, Any]) -> Any:
    """Like `rest_key_extractor`, in any letter case."""
    return _walk(attr_desc, data, lambda key, d: attribute_key_case_insensitive_extractor(key, None, d))


def last_rest_key_extractor(attr: str, attr_desc: dict[str, Any], data: dict[str, Any]) -> Any:
    """The value under the last part of the REST key, exactly."""
    return data.get(split_rest_key(attr_desc["key"])[-1])


def last_rest_key_case_insensitive_extractor(attr: str, attr_desc: dict[str, Any], data: dict[str, Any]) -> Any:
    """The value under the last part of the REST key, in any letter case."""
    return attribute_key_case_insensitive_extractor(split_rest_key(attr_desc["key"])[-1], None, data)
