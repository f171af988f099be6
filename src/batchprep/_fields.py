"""Field declarations: what a model says about each attribute.

A model class lists its fields as annotated class attributes whose value is `field`::

    class EnvironmentSetting(Model):
        name: str = field("name", "str")
        value: str | None = field("value", "str", default=None)

The base class turns these into msrest's ``_attribute_map`` and ``_validation``, a keyword-only
constructor and the compiled codecs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from batchprep import _types

__all__ = ["MISSING", "EnumAttribute", "Field", "field"]

#: The msrest ``_validation`` rules a field may carry, each with a check of its parameter.
MSREST_RULES = (
    "required",
    "readonly",
    "constant",
    "min_length",
    "max_length",
    "minimum",
    "maximum",
    "minimum_ex",
    "maximum_ex",
    "min_items",
    "max_items",
    "pattern",
    "unique",
    "multiple",
)


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


#: Marks a field with no default: the constructor requires it and msrest's ``required`` rule applies.
MISSING: Any = _Missing()


class Field:
    """Everything declared about one attribute of a model."""

    __slots__ = (
        "key", "type_text", "default", "rules", "service_rules", "rule_names", "messages", "secret", "redact", "xml",
        "name", "owner", "node", "wire_key", "slot", "annotation",
    )

    def __init__(
        self,
        key: str,
        type_text: str,
        default: Any = MISSING,
        rules: dict[str, Any] | None = None,
        service_rules: dict[str, Any] | None = None,
        messages: dict[str, str] | None = None,
        secret: bool = False,
        redact: Callable[[Any], Any] | None = None,
        xml: dict[str, Any] | None = None,
        rule_names: dict[str, str] | None = None,
    ) -> None:
        self.key = key
        self.type_text = type_text
        self.default = default
        self.rules: dict[str, Any] = rules or {}
        self.service_rules: dict[str, Any] = service_rules or {}
        self.rule_names: dict[str, str] = rule_names or {}
        self.messages: dict[str, str] = messages or {}
        self.secret = secret
        self.redact = redact
        self.xml = xml
        # Filled in by the model's class creation:
        self.name = ""
        self.owner = ""
        self.node: _types.TypeNode | None = None
        self.wire_key = ""
        #: The slot that holds the value: the field's name, or for an enum field the slot under its
        #: `EnumAttribute`.
        self.slot = ""
        #: The annotation the class wrote for it (text under ``from __future__ import annotations``).
        self.annotation: Any = None

    def __repr__(self) -> str:
        return f"Field({self.name or '?'!s} <-> {self.key!r}: {self.type_text})"

    @property
    def hidden(self) -> str:
        """How much of a bad value error messages may show: ``"all"``, ``"type"`` or ``"nothing"``.

        A secret shows nothing; a value that may hold a secret (a SAS URL) shows only its type.
        """
        return "nothing" if self.secret else "type" if self.redact is not None else "all"

    def service_rule_name(self, rule: str) -> str:
        """The name under which one of the field's service rules is reported (and can be waived).

        The declared name (``rule_names=``), else ``Class.attribute.rule``.
        """
        return self.rule_names.get(rule) or f"{self.owner}.{self.name}.{rule}"

    @property
    def required(self) -> bool:
        return bool(self.rules.get("required"))

    @property
    def readonly(self) -> bool:
        return bool(self.rules.get("readonly"))

    @property
    def constant(self) -> bool:
        return bool(self.rules.get("constant"))

    @property
    def in_init(self) -> bool:
        return not (self.readonly or self.constant)

    def attribute_map_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"key": self.key, "type": self.type_text}
        if self.xml is not None:
            entry["xml"] = dict(self.xml)
        return entry


class EnumAttribute:
    """The attribute of an enum-typed field: a known value in any letter case is stored as the member.

    ``AutoUserSpecification(elevation_level="Admin").elevation_level`` is ``ElevationLevel.admin``,
    as ``deserialize`` reads it, whether the value comes through the constructor or an assignment.
    Other text (a value from a newer service) and values of other types are stored as they are, for
    ``validate()`` to judge. The value itself lives in the slot ``slot`` (the compiled walk reads it
    there).
    """

    __slots__ = ("enum_cls", "members", "name", "slot")

    def __init__(self, name: str, slot: Any, enum_cls: type) -> None:
        self.name = name
        self.slot = slot
        self.enum_cls = enum_cls
        #: Each member by its value folded to lower case.
        self.members: dict[str, Any] = {str(m.value).lower(): m for m in enum_cls}  # type: ignore[attr-defined]

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        try:
            return self.slot.__get__(obj, owner)
        except AttributeError:
            raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self.name!r}") from None

    def __set__(self, obj: Any, value: Any) -> None:
        if type(value) is str:
            value = self.members.get(value.lower(), value)
        self.slot.__set__(obj, value)

    def __delete__(self, obj: Any) -> None:
        try:
            self.slot.__delete__(obj)
        except AttributeError:
            raise AttributeError(f"{type(obj).__name__!r} object has no attribute {self.name!r}") from None


def field(
    key: str,
    type: str,
    *,
    default: Any = MISSING,
    min_length: int | None = None,
    max_length: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    minimum_ex: float | None = None,
    maximum_ex: float | None = None,
    min_items: int | None = None,
    max_items: int | None = None,
    pattern: str | None = None,
    unique: bool | None = None,
    multiple: float | None = None,
    readonly: bool = False,
    constant: bool = False,
    service_rules: dict[str, Any] | None = None,
    rule_names: dict[str, str] | None = None,
    messages: dict[str, str] | None = None,
    secret: bool = False,
    redact: Callable[[Any], Any] | None = None,
    xml: dict[str, Any] | None = None,
) -> Any:
    """Declare one attribute of a `batchprep.Model`.

    Args:
        key: The REST key (``'commandLine'``). A literal dot is written ``'\\\\.'``.
        type: The msrest type string (``'str'``, ``'[ResourceFile]'``, ``'duration'``…).
        default: The value when the constructor is not given one. A field without a default is
            required: the constructor insists on it and msrest's ``required`` rule applies.
        min_length: Fewest characters of a string (msrest's ``min_length`` rule).
        max_length: Most characters of a string.
        minimum: Smallest allowed number.
        maximum: Largest allowed number.
        minimum_ex: The number must be greater than this.
        maximum_ex: The number must be less than this.
        min_items: Fewest items of a list.
        max_items: Most items of a list.
        pattern: A regular expression the string must match from its start (``re.match``, as msrest).
        unique: No item of the list may repeat.
        multiple: The number must be a multiple of this.
        readonly: Set by the service only; not a constructor argument, left out of ``serialize()``.
        constant: The field always holds ``default``; not a constructor argument.
        service_rules: Rules the Batch service enforces that msrest does not declare. They take part in
            `batchprep.Model.validate` but stay out of ``_validation``.
        rule_names: Service rule -> the name its problems carry as ``service_rule`` (and that
            ``validate(waive=...)`` takes); ``Class.attribute.rule`` when not given.
        messages: Rule name -> the sentence to report instead of the generic one (e.g. for a pattern).
        secret: Never shown by ``repr()`` or error messages.
        redact: A function that masks part of a value for ``repr()`` (e.g. a SAS signature).
        xml: msrest's XML metadata for the attribute (``name``, ``attr``, ``text``, ``wrapped``…).

    Returns:
        A marker that the model's class creation replaces with a slot.
    """
    rules: dict[str, Any] = {}
    if default is MISSING and not readonly and not constant:
        rules["required"] = True
    if readonly:
        rules["readonly"] = True
    if constant:
        if default is MISSING:
            raise TypeError(f"field {key!r}: a constant field needs its value as default=")
        rules["required"] = True
        rules["constant"] = True
    given = {
        "min_length": min_length,
        "max_length": max_length,
        "minimum": minimum,
        "maximum": maximum,
        "minimum_ex": minimum_ex,
        "maximum_ex": maximum_ex,
        "min_items": min_items,
        "max_items": max_items,
        "pattern": pattern,
        "unique": unique,
        "multiple": multiple,
    }
    rules.update({name: value for name, value in given.items() if value is not None})
    if readonly and default is MISSING:
        default = None
    if not isinstance(key, str):
        raise TypeError(f"a field's REST key must be a string, got {key!r}")
    if pattern is not None:
        re.compile(pattern)
    for rule in service_rules or {}:
        if rule not in MSREST_RULES:
            raise TypeError(f"field {key!r}: unknown service rule {rule!r}; known: {', '.join(MSREST_RULES)}")
    for rule in rule_names or {}:
        if rule not in (service_rules or {}):
            raise TypeError(f"field {key!r}: rule_names names {rule!r}, which is not one of its service_rules")
    return Field(
        key=key,
        type_text=type,
        default=default,
        rules=rules,
        service_rules=dict(service_rules or {}),
        rule_names=dict(rule_names or {}),
        messages=dict(messages or {}),
        secret=secret,
        redact=redact,
        xml=xml,
    )
