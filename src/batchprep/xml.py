"""XML bodies, in the shape msrest writes them.

msrest writes a model as an element named after its class (or its ``_xml_map`` name), each attribute
as a child element named by its REST key, booleans as ``true``/``false``, list items directly under the
parent (model items named after their class), and nested models renamed to their REST key.  This
module does the same, and reads that shape back.  Documents with a DTD are refused: a REST body never
needs one, and entity declarations are how XML bombs and external-entity reads work.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from xml.parsers import expat
from typing import Any

from batchprep import _primitives, _rules, _types
from batchprep.errors import DeserializationError, SerializationError, ValidationError

__all__ = ["dump", "load", "model_node", "parse"]


def _node(tag: str, prefix: str | None = None, ns: str | None = None) -> ET.Element:
    if prefix and ns:
        ET.register_namespace(prefix, ns)
    return ET.Element("{" + ns + "}" + tag if ns else tag)


def model_node(cls: type) -> ET.Element:
    xml_map = getattr(cls, "_xml_map", {})
    return _node(xml_map.get("name", cls.__name__), xml_map.get("prefix"), xml_map.get("ns"))


# --- writing ---------------------------------------------------------------------------------------


def _text(node: _types.TypeNode, value: Any, resolved: dict[str, type]) -> Any:
    """A non-model, non-container value as msrest puts it in XML (booleans in lower case)."""
    if isinstance(node, _types.Primitive):
        if node.name == "bool":
            return "true" if value else "false"
        return _primitives.CODECS[node.name].dump(value)
    return _primitives.enum_dumper(resolved[node.text])(value)


def _value(node: _types.TypeNode, value: Any, desc: dict[str, Any], resolved: dict[str, type]) -> Any:
    if isinstance(node, _types.ListOf):
        if isinstance(node.item, (_types.ListOf, _types.DictOf)):
            # msrest writes the repr of an Element here; refuse instead of sending garbage.
            raise SerializationError(f"the attribute {desc['key']!r} ({node.text}) has no XML form")
        xml_desc = desc.get("xml", {})
        name = xml_desc.get("name") or desc["key"]
        items_name = xml_desc.get("itemsName", name)
        out: Any = (
            _node(name, xml_desc.get("prefix"), xml_desc.get("ns")) if xml_desc.get("wrapped", False) else []
        )
        for item in value:
            converted = _value(node.item, item, desc, resolved)
            if not isinstance(converted, ET.Element):
                element = _node(items_name, xml_desc.get("prefix"), xml_desc.get("ns"))
                element.text = str(converted)
                converted = element
            out.append(converted)
        return out
    if isinstance(node, _types.DictOf):
        xml_desc = desc.get("xml")
        if not xml_desc or "name" not in xml_desc:
            raise SerializationError(f"the dict attribute {desc['key']!r} has no XML form (declare xml={{'name': ...}})")
        element = _node(xml_desc["name"], xml_desc.get("prefix"), xml_desc.get("ns"))
        for key, item in value.items():
            ET.SubElement(element, key).text = _text(node.item, item, resolved)
        return element
    if isinstance(node, _types.Named) and not issubclass(resolved[node.text], enum.Enum):
        return dump(value)
    return _text(node, value, resolved)


def dump(obj: Any, keep_readonly: bool = False) -> ET.Element:
    """The XML element of a model that passed ``validate()``."""
    cls = type(obj)
    resolved = cls._bp_resolve()
    root = model_node(cls)
    for f in cls._bp_fields:
        if f.readonly and not keep_readonly:
            continue
        value = getattr(obj, f.name)
        if value is None:
            continue
        desc = f.attribute_map_entry()
        xml_desc = desc.get("xml", {})
        name = xml_desc.get("name", f.key)
        converted = _value(f.node, value, desc, resolved)
        if xml_desc.get("attr", False):
            if xml_desc.get("ns"):
                ET.register_namespace(xml_desc.get("prefix"), xml_desc["ns"])
                name = "{" + xml_desc["ns"] + "}" + name
            root.set(name, converted)
        elif xml_desc.get("text", False):
            root.text = converted
        elif isinstance(converted, list):
            root.extend(converted)
        elif isinstance(converted, ET.Element):
            if "name" not in getattr(value, "_xml_map", {}):
                namespace, brace, _ = converted.tag.rpartition("}")
                converted.tag = namespace + brace + name if brace else name
            root.append(converted)
        else:
            element = _node(name, xml_desc.get("prefix"), xml_desc.get("ns"))
            element.text = str(converted)
            root.append(element)
    if cls._bp_send_additional and obj.additional_properties:
        raise SerializationError(f"{cls.__name__}: additional properties cannot be sent as XML")
    return root


# --- reading ---------------------------------------------------------------------------------------


def _refuse_dtd(*_: Any) -> None:
    raise ValueError("a DTD or entity declaration")


def parse(cls: type, text: str) -> ET.Element:
    """Parse XML text, refusing DTDs and entity declarations."""
    # A first pass with bare expat stops at the DTD, before any entity could expand.
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_dtd
    guard.EntityDeclHandler = _refuse_dtd
    try:
        guard.Parse(text, True)
        return ET.fromstring(text)
    except (expat.ExpatError, ET.ParseError, ValueError) as err:
        raise DeserializationError(f"cannot read {cls.__name__}: the text is not acceptable XML ({err})") from None


def _find(element: ET.Element, name: str, ns: str | None) -> list[ET.Element]:
    return element.findall("{" + ns + "}" + name if ns else name)


def _scalar(node: _types.TypeNode, text: str | None, path: str, target: str, resolved: dict[str, type], errors: list[ValidationError]) -> Any:
    if isinstance(node, _types.Primitive) and node.name in ("str", "base64", "bytearray"):
        text = text or ""  # an empty element is an empty string (or no bytes), not a missing value
    elif not text:
        return None
    try:
        if isinstance(node, _types.Primitive):
            if node.name == "str":
                return text
            if node.name == "bool":
                folded = text.strip().lower()
                if folded in ("true", "1"):
                    return True
                if folded in ("false", "0"):
                    return False
                raise _primitives.Bad("not a boolean (true or false)")
            if node.name in ("int", "long"):
                try:
                    return int(text)
                except ValueError:
                    raise _primitives.Bad("not an integer") from None
            if node.name in ("float", "unix-time"):
                try:
                    number = float(text) if node.name == "float" else int(text)
                except ValueError:
                    raise _primitives.Bad("not a number") from None
                return _primitives.CODECS[node.name].load(number)
            return _primitives.CODECS[node.name].load(text)
        return _primitives.enum_loader(resolved[node.text])(text)
    except (_primitives.Bad, _primitives.WrongType) as err:
        errors.append(_rules.format_error(path, target, str(err) or "unreadable value", text))
        return None


def _load_value(
    node: _types.TypeNode, found: Any, desc: dict[str, Any], path: str, target: str,
    resolved: dict[str, type], errors: list[ValidationError],
) -> Any:
    if isinstance(node, _types.ListOf):
        return [
            _load_value(node.item, item, desc, f"{path}/{i}", target, resolved, errors) for i, item in enumerate(found)
        ]
    if isinstance(node, _types.DictOf):
        return {child.tag: _scalar(node.item, child.text, path + _rules.pointer(child.tag), target, resolved, errors) for child in found}
    if isinstance(node, _types.Named) and not issubclass(resolved[node.text], enum.Enum):
        return _load_model(resolved[node.text], found, path, errors)
    if isinstance(node, _types.Primitive) and node.name == "object":
        return found
    text = found if isinstance(found, str) else found.text
    return _scalar(node, text, path, target, resolved, errors)


def _load_model(cls: Any, element: ET.Element, path: str, errors: list[ValidationError]) -> Any:
    resolved = cls._bp_resolve()
    obj = object.__new__(cls)
    used: set[str] = set()
    for f in cls._bp_fields:
        desc = f.attribute_map_entry()
        xml_desc = desc.get("xml", {})
        name = xml_desc.get("name", f.key)
        ns = xml_desc.get("ns")
        field_path = path + _rules.pointer(f.wire_key)
        target = f"{cls.__name__}.{f.name}"
        found: Any = None
        if f.constant:
            setattr(obj, f.name, f.default)
            continue
        if xml_desc.get("attr", False):
            found = element.get("{" + ns + "}" + name if ns else name)
        elif xml_desc.get("text", False):
            found = element.text
        elif isinstance(f.node, _types.ListOf):
            if xml_desc.get("wrapped", False):
                wrappers = _find(element, name, ns)
                found = list(wrappers[0]) if wrappers else None
            else:
                tags = {name, xml_desc.get("itemsName", name)}
                item = f.node.item
                if isinstance(item, _types.Named) and not issubclass(resolved[item.text], enum.Enum):
                    tags.add(model_node(resolved[item.text]).tag)
                found = [child for child in element if child.tag in tags] or None
                used.update(tags)
        else:
            children = _find(element, name, ns)
            if len(children) > 1:
                errors.append(_rules.format_error(field_path, target, "the element appears more than once", name))
            found = children[0] if children else None
        used.add(name)
        value = None if found is None else _load_value(f.node, found, desc, field_path, target, resolved, errors)
        setattr(obj, f.name, value)
    obj.additional_properties = {child.tag: child.text for child in element if child.tag not in used}
    return obj


def load(cls: Any, element: ET.Element) -> Any:
    """Read a model from an XML element; every problem is reported at once."""
    errors: list[ValidationError] = []
    obj = _load_model(cls, element, "", errors)
    if errors:
        raise DeserializationError(f"cannot read {cls.__name__}", errors)
    return obj
