"""``serialize()`` / ``as_dict()``: a checked model tree to its JSON-compatible dict.

The generated function assumes the tree passed ``validate()`` (types at least), so it only converts.
One function per class and `DumpMode`; nested models call their own class's function.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from batchprep import _primitives, _types
from batchprep.errors import SerializationError
from batchprep._codegen._nodes import fill, is_enum, safe
from batchprep._codegen._source import Lines
from batchprep._fields import Field


class DumpMode(NamedTuple):
    """Which keys to write and whether read-only attributes go out."""

    #: "rest": REST keys (serialize, full/last key transformers); "attr": attribute names;
    #: "custom": a key transformer passed at call time decides, with msrest's hierarchical merge.
    keys: str
    keep_readonly: bool
    #: Send additional_properties: None follows each class's enable_additional_properties_sending().
    additional: bool | None = None

    @property
    def tag(self) -> str:
        extra = "" if self.additional is None else ("_all" if self.additional else "_none")
        return f"{self.keys}{'_ro' if self.keep_readonly else ''}{extra}"


def value_expr(
    node: _types.TypeNode,
    var: str,
    resolved: dict[str, type],
    ns: dict[str, Any],
    custom: bool,
    depth: int = 0,
    child: str = "_bp_model_",
) -> str:
    """An expression converting the checked value ``var`` to its JSON form."""
    if isinstance(node, _types.Primitive):
        if node.name == "str":
            return f"({var} if type({var}) is str else _bp_str({var}))"
        if node.name in ("int", "long"):
            return f"({var} if type({var}) is int else int({var}))"
        if node.name == "bool":
            return var
        if node.name == "float":
            return f"float({var})"
        return f"{fill(ns, f'_bp_dump_{safe(node.name)}', _primitives.CODECS[node.name].dump)}({var})"
    if isinstance(node, _types.ListOf):
        item = f"_bp_x{depth}"
        return f"[{value_expr(node.item, item, resolved, ns, custom, depth + 1, child)} for {item} in {var}]"
    if isinstance(node, _types.DictOf):
        item, key = f"_bp_x{depth}", f"_bp_k{depth}"
        return f"{{{key}: {value_expr(node.item, item, resolved, ns, custom, depth + 1, child)} for {key}, {item} in {var}.items()}}"
    if is_enum(node, resolved):
        enum_cls = resolved[node.text]
        dumper = fill(ns, f"_bp_enum_{node.text}", _primitives.enum_dumper(enum_cls))
        # Known values and members (a str enum's member hashes as its value) in one dict lookup.
        known = fill(ns, f"_bp_enum_values_{node.text}", {m.value: m.value for m in enum_cls})  # type: ignore[attr-defined]
        return f"({known}.get({var}) or {dumper}({var}))"
    return f"{child}{node.text}({var}{', _bp_transformer' if custom else ''})"


def generate(
    cls: type, fields: list[Field], resolved: dict[str, type], mode: DumpMode, send_additional: bool
) -> tuple[str, dict[str, Any]]:
    ns: dict[str, Any] = {"_bp_str": _primitives.dump_str, "_bp_merge": merge, "_bp_conform": conform, "_bp_resolved": resolved}
    custom = mode.keys == "custom"
    lines = Lines()
    lines.add(f"def dump(_bp_obj{', _bp_transformer' if custom else ''}):")
    with lines.indent():
        lines.add("_bp_out = {}")
        for f in fields:
            if f.readonly and not mode.keep_readonly:
                continue
            expr = value_expr(f.node, "v", resolved, ns, custom)  # type: ignore[arg-type]
            if not custom:
                key = f.wire_key if mode.keys == "rest" else f.name
                lines.add(f"v = _bp_obj.{f.name}")
                lines.add("if v is not None:")
                lines.add(f"    _bp_out[{key!r}] = {expr}")
                continue
            desc = fill(ns, f"_bp_desc_{f.name}", f.attribute_map_entry())
            ns[f"_bp_node_{f.name}"] = f.node
            lines.add(f"_bp_keys, v = _bp_transformer({f.name!r}, {desc}.copy(), _bp_obj.{f.name})")
            lines.add("if v is not None:")
            with lines.indent():
                lines.add(f"if v is not _bp_obj.{f.name}:")
                lines.add(f"    _bp_conform(_bp_node_{f.name}, v, {f.name!r}, _bp_resolved)")
                lines.add(f"_bp_merge(_bp_out, _bp_keys, {expr})")
        if send_additional if mode.additional is None else mode.additional:
            emit_extras(lines, ns, fields)
        lines.add("return _bp_out")
    return lines.source(), ns


def merge(out: dict[str, Any], keys: Any, value: Any) -> None:
    """Place ``value`` under ``keys`` as msrest does: a list of keys nests, the first value placed wins."""
    if not isinstance(keys, list):
        keys = [keys]
    if not keys:
        raise SerializationError("a key transformer returned an empty list of keys")
    for key in reversed(keys):
        value = {key: value}
    here = out
    for key in keys:
        if not isinstance(here, dict):
            raise SerializationError(
                f"a key transformer placed {keys!r} inside a value that is not an object"
            )
        if key not in here:
            here.update(value)
        value = value[key]
        here = here[key]


def conform(node: _types.TypeNode, value: Any, name: str, resolved: dict[str, type]) -> None:
    """Check a value a key transformer substituted for an attribute, before it is written."""
    from batchprep._codegen import problems_of

    problems = problems_of(node, value, resolved)
    if problems:
        raise SerializationError(
            f"the key transformer returned an unusable value for {name!r}", problems
        )


def emit_extras(lines: Lines, ns: dict[str, Any], fields: list[Field]) -> None:
    """Send additional properties, except under a declared property's REST key or attribute name:
    those would bypass every check (msrest lets them overwrite the declared values)."""
    ns["_bp_declared"] = frozenset(name for f in fields for name in (f.wire_key, f.name))
    lines.add("if _bp_obj._bp_extra:")
    lines.add("    for _bp_key, _bp_value in _bp_obj._bp_extra.items():")
    lines.add("        if _bp_key not in _bp_declared:")
    lines.add("            _bp_out[_bp_key] = _bp_value")
