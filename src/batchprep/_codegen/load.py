"""``deserialize()`` / ``from_dict()``: a JSON document to a model tree, strictly.

The generated function reads every field, converts what it finds, and appends a
:class:`~batchprep.ValidationError` (with its JSON path) for each value it cannot take without a
lossy guess, so one pass reports every problem of a document.  Keys the class does not declare are
kept in ``additional_properties``, exactly as msrest keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from batchprep import _primitives, _rules, _types
from batchprep._codegen._nodes import fill, is_enum, is_model, safe, wire_expected
from batchprep._codegen._source import Lines
from batchprep._fields import Field


@dataclass(frozen=True, slots=True)
class LoadMode:
    """How a field's value is found in the document."""

    #: "rest": the exact REST key (``deserialize``); "ci": attribute name, REST key, then last REST key,
    #: each in any letter case (``from_dict``'s default extractors); "custom": key extractors passed
    #: at call time, applied as msrest applies them.
    lookup: str

    @property
    def tag(self) -> str:
        return self.lookup


def _wrong(path: str, target: str, expected: str, found: Any, errors: list[Any], show: str = "all") -> None:
    errors.append(_rules.type_error(path, target, expected, found, show))


def _bad(reason: Exception, path: str, target: str, expected: str, found: Any, errors: list[Any], show: str = "all") -> None:
    if isinstance(reason, _primitives.Bad):
        errors.append(_rules.format_error(path, target, str(reason), found, show))
    else:
        errors.append(_rules.type_error(path, target, expected, found, show))


def extract(extractors: list[Any], name: str, desc: dict[str, Any], data: dict[str, Any]) -> Any:
    """Run msrest-style key extractors in order: the first non-null value found wins."""
    raw = None
    for extractor in extractors:
        found = extractor(name, dict(desc), data)
        if found is not None and raw is None:
            raw = found
    return raw


def _extractor_desc(f: Field, resolved: dict[str, type]) -> dict[str, Any]:
    desc = f.attribute_map_entry()
    inner = f.type_text.strip("[]{}")
    if inner in resolved:
        desc["internalType"] = resolved[inner]
    return desc


def _emit(
    lines: Lines,
    node: _types.TypeNode,
    var: str,
    path: str,
    f: Field,
    resolved: dict[str, type],
    ns: dict[str, Any],
    depth: int,
    mode: LoadMode,
) -> None:
    """Statements that replace the non-None wire value ``var`` by its Python value (None if unreadable)."""
    expected = fill(ns, f"_bp_expected_{f.name}_{depth}", wire_expected(node, resolved))
    target = f"_bp_target_{f.name}"
    wrong = f"_bp_wrong({path}, {target}, {expected}, {var}, _bp_errors, {f.hidden!r})"
    if isinstance(node, _types.Primitive) and node.name in ("str", "int", "long", "bool"):
        test = {
            "str": f"not isinstance({var}, str)",
            "bool": f"{var} is not True and {var} is not False",
        }.get(node.name, f"type({var}) is not int")
        lines.add(f"if {test}:")
        lines.add(f"    {wrong}")
        lines.add(f"    {var} = None")
    elif isinstance(node, _types.Primitive) or is_enum(node, resolved):
        if isinstance(node, _types.Primitive):
            loader = fill(ns, f"_bp_load_{safe(node.name)}", _primitives.CODECS[node.name].load)
        else:
            loader = fill(ns, f"_bp_enum_{node.text}", _primitives.enum_loader(resolved[node.text]))
        lines.add("try:")
        lines.add(f"    {var} = {loader}({var})")
        lines.add("except (_bp_WrongType, _bp_Bad) as _bp_reason:")
        lines.add(f"    _bp_bad(_bp_reason, {path}, {target}, {expected}, {var}, _bp_errors, {f.hidden!r})")
        lines.add(f"    {var} = None")
    elif is_model(node, resolved):
        extra = ", _bp_extractors" if mode.lookup == "custom" else ""
        lines.add(f"{var} = _bp_model_{node.text}({var}, {path}, _bp_errors{extra})")
    else:
        assert isinstance(node, (_types.ListOf, _types.DictOf))
        is_list = isinstance(node, _types.ListOf)
        item, index, out = f"_bp_x{depth}", f"_bp_i{depth}", f"_bp_out{depth}"
        lines.add(f"if type({var}) is {'list' if is_list else 'dict'}:")
        with lines.indent():
            lines.add(f"{out} = {'[]' if is_list else '{}'}")
            if is_list:
                lines.add(f"for {index}, {item} in enumerate({var}):")
                item_path = f"{path} + '/' + str({index})"
            else:
                lines.add(f"for {index}, {item} in {var}.items():")
                item_path = f"{path} + _bp_pointer({index})"
            with lines.indent():
                if node.item == _types.Primitive("object"):
                    lines.add(f"{item} = _bp_load_object({item})")
                else:
                    item_expected = fill(ns, f"_bp_expected_{f.name}_{depth + 1}", wire_expected(node.item, resolved))
                    lines.add(f"if {item} is None:")
                    lines.add(f"    _bp_wrong({item_path}, {target}, {item_expected}, None, _bp_errors)")
                    lines.add("else:")
                    with lines.indent():
                        _emit(lines, node.item, item, item_path, f, resolved, ns, depth + 1, mode)
                lines.add(f"{out}.append({item})" if is_list else f"{out}[{index}] = {item}")
            lines.add(f"{var} = {out}")
        lines.add("else:")
        lines.add(f"    {wrong}")
        lines.add(f"    {var} = None")


def _lookup(lines: Lines, f: Field, mode: LoadMode) -> None:
    if mode.lookup == "rest":
        lines.add(f"v = _bp_data.get({f.wire_key!r})")
        return
    if mode.lookup == "custom":
        lines.add(f"v = _bp_extract(_bp_extractors, {f.name!r}, _bp_desc_{f.name}, _bp_data)")
        return
    # msrest's default from_dict extractors, in their order; the first non-null value wins.
    names: list[str] = []
    for name in (f.name, f.wire_key, f.wire_key):
        if name.lower() not in names:
            names.append(name.lower())
    lines.add(f"v = _bp_data.get(_bp_folded.get({names[0]!r}))")
    for name in names[1:]:
        lines.add("if v is None:")
        lines.add(f"    v = _bp_data.get(_bp_folded.get({name!r}))")


def generate(cls: type, fields: list[Field], resolved: dict[str, type], mode: LoadMode) -> tuple[str, dict[str, Any]]:
    ns: dict[str, Any] = {
        "_bp_cls": cls,
        "_bp_new": object.__new__,
        "_bp_wrong": _wrong,
        "_bp_bad": _bad,
        "_bp_WrongType": _primitives.WrongType,
        "_bp_Bad": _primitives.Bad,
        "_bp_pointer": _rules.pointer,
        "_bp_load_object": _primitives.load_object,
        "_bp_known": frozenset(f.wire_key for f in fields),
        "_bp_expected": f"an object ({cls.__name__})",
        "_bp_target": cls.__name__,
        "_bp_extract": extract,
    }
    lines = Lines()
    extra = ", _bp_extractors" if mode.lookup == "custom" else ""
    lines.add(f"def load(_bp_data, _bp_path, _bp_errors{extra}):")
    with lines.indent():
        lines.add("if type(_bp_data) is not dict:")
        lines.add("    if isinstance(_bp_data, _bp_cls):")
        lines.add("        return _bp_data")
        lines.add("    _bp_wrong(_bp_path, _bp_target, _bp_expected, _bp_data, _bp_errors)")
        lines.add("    return None")
        if mode.lookup == "ci":
            lines.add("_bp_folded = {}")
            lines.add("for _bp_key in _bp_data:")
            lines.add("    if type(_bp_key) is str:")
            lines.add("        _bp_folded.setdefault(_bp_key.lower(), _bp_key)")
        lines.add("_bp_obj = _bp_new(_bp_cls)")
        for f in fields:
            ns[f"_bp_target_{f.name}"] = f"{cls.__name__}.{f.name}"
            ns[f"_bp_desc_{f.name}"] = _extractor_desc(f, resolved)
            lines.add(f"# {f.name} <-> {f.wire_key!r}: {f.type_text}")
            if f.constant:
                ns[f"_bp_constant_{f.name}"] = f.default
                lines.add(f"_bp_obj.{f.name} = _bp_constant_{f.name}")
                continue
            _lookup(lines, f, mode)
            lines.add("if v is not None:")
            with lines.indent():
                _emit(lines, f.node, "v", f"_bp_path + {_rules.pointer(f.wire_key)!r}", f, resolved, ns, 0, mode)  # type: ignore[arg-type]
            lines.add(f"_bp_obj.{f.name} = v")
        lines.add("if _bp_data.keys() <= _bp_known:")
        lines.add("    _bp_obj.additional_properties = {}")
        lines.add("else:")
        lines.add(
            "    _bp_obj.additional_properties = "
            "{k: _bp_load_object(x) for k, x in _bp_data.items() if k not in _bp_known}"
        )
        lines.add("return _bp_obj")
    return lines.source(), ns
