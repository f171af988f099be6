"""Moving trees between batchprep and msrest, and views of either that compare by value.

* :func:`to_msrest` builds the msrest tree (oracle or plain azure-batch classes) equal to a batchprep one;
  :func:`oracle_class` names the oracle class of a batchprep class.
* :func:`plain` turns a model tree of either library into nested dicts, lists and type-tagged scalars,
  so ``plain(ours) == plain(theirs)`` checks classes, values, value types and ``additional_properties``.
* :data:`EXTRACTORS` and :data:`TRANSFORMERS` pair each batchprep key extractor / key transformer with
  msrest's function of the same name.
"""

from __future__ import annotations

import copy
import datetime
import enum
from collections.abc import Callable
from types import ModuleType
from typing import Any

import batchprep
import msrest.serialization as _msrest

from msrest_oracle import models as _oracle_models

__all__ = ["EXTRACTORS", "TRANSFORMERS", "oracle_class", "plain", "rules_and_targets", "to_msrest"]

_EXTRACTOR_NAMES = (
    "rest_key_extractor",
    "rest_key_case_insensitive_extractor",
    "attribute_key_extractor",
    "attribute_key_case_insensitive_extractor",
    "last_rest_key_extractor",
    "last_rest_key_case_insensitive_extractor",
)
_TRANSFORMER_NAMES = ("attribute_transformer", "full_restapi_key_transformer", "last_restapi_key_transformer")

#: Extractor name -> (batchprep's function, msrest's function).
EXTRACTORS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    name: (getattr(batchprep, name), getattr(_msrest, name)) for name in _EXTRACTOR_NAMES
}
#: Key transformer name -> (batchprep's function, msrest's function).
TRANSFORMERS: dict[str, tuple[Callable[..., Any], Callable[..., Any]]] = {
    name: (getattr(batchprep, name), getattr(_msrest, name)) for name in _TRANSFORMER_NAMES
}


def oracle_class(cls: type) -> Any:
    """The oracle class (model or enum) standing for batchprep class ``cls``: the one of the same name."""
    return getattr(_oracle_models, cls.__name__)


def to_msrest(value: Any, namespace: ModuleType = _oracle_models) -> Any:
    """The msrest equivalent of a batchprep value: models and enum members become ``namespace``'s classes.

    Plain strings given for enum fields stay strings (as a user of either library could write them);
    ``additional_properties`` are deep-copied.  A class ``namespace`` lacks raises ``AttributeError``.
    """
    if isinstance(value, batchprep.Model):
        cls = getattr(namespace, type(value).__name__)
        kwargs = {
            name: to_msrest(getattr(value, name), namespace)
            for name in type(value)._attribute_map
            if name != "additional_properties"
        }
        converted = cls(**kwargs)
        converted.additional_properties = copy.deepcopy(value.additional_properties)
        return converted
    if isinstance(value, enum.Enum):
        return getattr(namespace, type(value).__name__)(value.value)
    if isinstance(value, list):
        return [to_msrest(item, namespace) for item in value]
    return value


def plain(value: Any) -> Any:
    """A comparable view of a model tree of either library (or of any JSON-like value).

    Models become ``{'class', 'attributes', 'additional_properties'}`` dicts, enum members
    ``('enum', class name, value)`` and other scalars ``(type name, value)``, so that ``True``, ``1``
    and ``1.0`` (or ``'pool'`` and ``AutoUserScope.pool``) do not compare equal.  Durations compare
    as plain ``timedelta`` values, whatever ``timedelta`` subclass holds them.
    """
    if hasattr(value, "_attribute_map") and not isinstance(value, type):
        return {
            "class": type(value).__name__,
            "attributes": {
                name: plain(getattr(value, name, None))
                for name in value._attribute_map
                if name != "additional_properties"
            },
            "additional_properties": plain(value.additional_properties),
        }
    if isinstance(value, enum.Enum):
        return ("enum", type(value).__name__, value.value)
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        # batchprep reads durations as a timedelta subclass that remembers its wire text.
        return ("timedelta", datetime.timedelta(value.days, value.seconds, value.microseconds))
    return (type(value).__name__, value)


def rules_and_targets(errors: list[Any]) -> list[tuple[str, str]]:
    """``(rule, target)`` of each validation error, in order (works for both libraries' errors)."""
    return [(error.rule, error.target) for error in errors]
