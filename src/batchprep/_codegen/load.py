"""``deserialize()`` / ``from_dict()``: a JSON document to a model tree, strictly.

One generator, two modes.  ``collect`` reads every field, converts what it finds, and appends a
`batchprep.ValidationError` (with its JSON path) for each value it cannot take without a lossy
guess, so one pass reports every problem of a document.  ``fast`` builds no path and no message: it
raises at the first doubt, and the caller then runs ``collect`` to find out what was wrong.  Keys the
class does not declare are kept in ``additional_properties``, exactly as msrest keeps them.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from batchprep import _primitives, _rules, _types
from batchprep._codegen._nodes import fill, is_enum, is_model, safe, wire_expected
from batchprep._codegen._source import Lines
from batchprep._fields import Field


class LoadMode(NamedTuple):
    """How a field's value is found in the document, and how problems are handled."""

    #: "rest": the exact REST key (``deserialize``); "ci": attribute name, REST key, then last REST key,
    #: each in any letter case (``from_dict``'s default extractors); "custom": key extractors passed
    #: at call time, applied as msrest applies them.
    lookup: str
    #: True: record every problem with its path; False: raise ``_primitives.Invalid`` at the first one.
    collect: bool = True

    @property
    def tag(self) -> str:
        return self.lookup + ("" if self.collect else ", fast")


def wrong(path: str, target: str, expected: str, found: Any, errors: list[Any], show: str = "all") -> None:
    errors.append(_rules.type_error(path, target, expected, found, show))


def bad(reason: Exception, path: str, target: str, expected: str, found: Any, errors: list[Any], show: str = "all") -> None:
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


_SIMPLE_TESTS = {
    "str": "not isinstance({v}, str)",
    "int": "type({v}) is not int",
    "long": "type({v}) is not int",
    "bool": "{v} is not True and {v} is not False",
}


class _Emitter:
    """Writes the reading of one class's fields in one mode."""

    def __init__(self, lines: Lines, resolved: dict[str, type], ns: dict[str, Any], mode: LoadMode) -> None:
        self.lines, self.resolved, self.ns, self.mode = lines, resolved, ns, mode
        self.extra = ", _bp_extractors" if mode.lookup == "custom" else ""

    def model_call(self, name: str, var: str, path: str) -> str:
        if self.mode.collect:
            return f"_bp_model_{name}({var}, {path}, _bp_errors{self.extra})"
        return f"_bp_model_{name}({var}{self.extra})"

    def node(self, node: _types.TypeNode, var: str, path: str, f: Field, depth: int) -> None:
        """Statements that replace the non-None wire value ``var`` by its Python value."""
        lines, ns, collect = self.lines, self.ns, self.mode.collect
        expected = fill(ns, f"_bp_expected_{f.name}_{depth}", wire_expected(node, self.resolved))
        target = f"_bp_target_{f.name}"
        wrong_call = f"_bp_wrong({path}, {target}, {expected}, {var}, _bp_errors, {f.hidden!r})"
        if isinstance(node, _types.Primitive) and node.name in _SIMPLE_TESTS:
            lines.add(f"if {_SIMPLE_TESTS[node.name].format(v=var)}:")
            if collect:
                lines.add(f"    {wrong_call}")
                lines.add(f"    {var} = None")
            else:
                lines.add("    raise _bp_Invalid")
        elif isinstance(node, _types.Primitive) or is_enum(node, self.resolved):
            if isinstance(node, _types.Primitive):
                loader = fill(ns, f"_bp_load_{safe(node.name)}", _primitives.CODECS[node.name].load)
            else:
                loader = fill(ns, f"_bp_enum_{node.text}", _primitives.enum_loader(self.resolved[node.text]))
            if not collect:
                lines.add(f"{var} = {loader}({var})")  # raises _primitives.Invalid
                return
            lines.add("try:")
            lines.add(f"    {var} = {loader}({var})")
            lines.add("except _bp_Invalid as _bp_reason:")
            lines.add(f"    _bp_bad(_bp_reason, {path}, {target}, {expected}, {var}, _bp_errors, {f.hidden!r})")
            lines.add(f"    {var} = None")
        elif is_model(node, self.resolved):
            lines.add(f"{var} = {self.model_call(node.text, var, path)}")
        else:
            self.container(node, var, path, f, depth, wrong_call)

    def container(self, node: _types.TypeNode, var: str, path: str, f: Field, depth: int, wrong_call: str) -> None:
        assert isinstance(node, (_types.ListOf, _types.DictOf))
        lines, collect = self.lines, self.mode.collect
        is_list = isinstance(node, _types.ListOf)
        item, index, out = f"_bp_x{depth}", f"_bp_i{depth}", f"_bp_out{depth}"
        if not collect and is_list and is_model(node.item, self.resolved):
            # The common case, kept to one comprehension: the item's own function refuses None.
            lines.add(f"if type({var}) is not list and not isinstance({var}, list):")
            lines.add("    raise _bp_Invalid")
            lines.add(f"{var} = [{self.model_call(node.item.text, item, '')} for {item} in {var}]")
            return
        lines.add(f"if isinstance({var}, {'list' if is_list else 'dict'}):")
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
                    item_expected = fill(
                        self.ns, f"_bp_expected_{f.name}_{depth + 1}", wire_expected(node.item, self.resolved)
                    )
                    lines.add(f"if {item} is None:")
                    if collect:
                        lines.add(f"    _bp_wrong({item_path}, _bp_target_{f.name}, {item_expected}, None, _bp_errors)")
                    else:
                        lines.add("    raise _bp_Invalid")
                    lines.add("else:")
                    with lines.indent():
                        self.node(node.item, item, item_path, f, depth + 1)
                lines.add(f"{out}.append({item})" if is_list else f"{out}[{index}] = {item}")
            lines.add(f"{var} = {out}")
        lines.add("else:")
        if collect:
            lines.add(f"    {wrong_call}")
            lines.add(f"    {var} = None")
        else:
            lines.add("    raise _bp_Invalid")

    def lookup(self, f: Field) -> None:
        lookup = self.mode.lookup
        if lookup == "rest":
            self.lines.add(f"v = _bp_data.get({f.wire_key!r})")
        elif lookup == "custom":
            self.lines.add(f"v = _bp_extract(_bp_extractors, {f.name!r}, _bp_desc_{f.name}, _bp_data)")
        else:
            # msrest's default from_dict extractors, in their order; the first non-null value wins.
            # With every key spelt exactly (``_bp_spelt``) the names are looked up as they are.
            spellings = list(dict.fromkeys((f.name, f.wire_key)))
            folded = list(dict.fromkeys(name.lower() for name in spellings))
            self.lines.add("if _bp_spelt:")
            with self.lines.indent():
                self.lines.add(f"v = _bp_data.get({spellings[0]!r})")
                for name in spellings[1:]:
                    self.lines.add("if v is None:")
                    self.lines.add(f"    v = _bp_data.get({name!r})")
            self.lines.add("else:")
            with self.lines.indent():
                self.lines.add(f"v = _bp_data.get(_bp_folded.get({folded[0]!r}))")
                for name in folded[1:]:
                    self.lines.add("if v is None:")
                    self.lines.add(f"    v = _bp_data.get(_bp_folded.get({name!r}))")


def generate(cls: type, fields: list[Field], resolved: dict[str, type], mode: LoadMode) -> tuple[str, dict[str, Any]]:
    ns: dict[str, Any] = {
        "_bp_cls": cls,
        "_bp_new": object.__new__,
        "_bp_wrong": wrong,
        "_bp_bad": bad,
        "_bp_Invalid": _primitives.Invalid,
        "_bp_pointer": _rules.pointer,
        "_bp_load_object": _primitives.load_object,
        "_bp_known": frozenset(f.wire_key for f in fields),
        "_bp_expected": f"an object ({cls.__name__})",
        "_bp_target": cls.__name__,
        "_bp_extract": extract,
    }
    lines = Lines()
    emit = _Emitter(lines, resolved, ns, mode)
    params = "_bp_data, _bp_path, _bp_errors" if mode.collect else "_bp_data"
    lines.add(f"def load({params}{emit.extra}):")
    with lines.indent():
        lines.add("if type(_bp_data) is not dict:")
        lines.add("    if isinstance(_bp_data, _bp_cls):")
        lines.add("        return _bp_data")
        lines.add("    if not isinstance(_bp_data, dict):  # an OrderedDict or other dict subclass is fine")
        if mode.collect:
            lines.add("        _bp_wrong(_bp_path, _bp_target, _bp_expected, _bp_data, _bp_errors)")
            lines.add("        return None")
        else:
            lines.add("        raise _bp_Invalid")
        if mode.lookup == "ci":
            # When every key is spelt exactly as an attribute name or REST key, the folded-key map is
            # known in advance (unless two spellings fold to the same text).
            spellings = {name for f in fields for name in (f.name, f.wire_key)}
            if len({name.lower() for name in spellings}) == len(spellings):
                ns["_bp_exact"] = frozenset(spellings)
                lines.add("_bp_spelt = _bp_data.keys() <= _bp_exact")
            else:  # two spellings fold to the same text: always fold, as msrest does
                lines.add("_bp_spelt = False")
            lines.add("if not _bp_spelt:")
            with lines.indent():
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
            emit.lookup(f)
            lines.add("if v is not None:")
            with lines.indent():
                emit.node(f.node, "v", f"_bp_path + {_rules.pointer(f.wire_key)!r}", f, 0)  # type: ignore[arg-type]
            lines.add(f"_bp_obj.{f.name} = v")
        lines.add("if _bp_data.keys() <= _bp_known:")
        lines.add("    _bp_obj._bp_extra = None")
        lines.add("else:")
        lines.add(
            "    _bp_obj._bp_extra = "
            "{k: x for k, x in _bp_data.items() if k not in _bp_known}"
        )
        lines.add("return _bp_obj")
    return lines.source(), ns
