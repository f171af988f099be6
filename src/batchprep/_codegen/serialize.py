"""``serialize()``'s fast path: check and write a model tree in one pass.

The generated function reads each attribute once, checks it (type, rules, the service's rules) and
writes its wire form; at the first problem it raises ``_primitives.Invalid`` without building any
message, and ``serialize()`` then runs the collecting ``validate()`` to report every problem.  Nested
models and lists of models call their own class's function; other containers are checked with the
validity checker's code and written with the dumper's expressions, so the three generators agree by
construction.
"""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from batchprep import _primitives, _types, durations
from batchprep._codegen import validate as _validate
from batchprep._codegen._nodes import fill, is_model
from batchprep._codegen._source import Lines
from batchprep._codegen.dump import DumpMode, emit_extras, value_expr
from batchprep._fields import Field

#: Namespace prefixes of the functions a serializer calls for a nested model class: its own
#: serializer, its fast validity check, and its dumper.
SERIALIZER, CHECKER, DUMPER = "_bp_model_", "_bp_valid_", "_bp_dumped_"


#: Check-and-convert code for the scalar types most fields have; ``v`` ends up as its wire value.
_SCALARS = {
    "str": (
        "if type(v) is not str:",
        "    if not isinstance(v, str):",
        "        raise _bp_Invalid",
        "    v = _bp_str(v)",
    ),
    "int": (
        "if type(v) is not int:",
        "    if not _bp_codec_int(v):",
        "        raise _bp_Invalid",
        "    v = int(v)",
    ),
    "bool": (
        "if v is not True and v is not False:",
        "    raise _bp_Invalid",
    ),
    "duration": (
        "if type(v) is _bp_WireDuration:",
        "    v = v.wire_text",
        "elif type(v) is _bp_timedelta:",
        "    v = _bp_formatted_durations.get(v) or _bp_format_duration(v)",
        "elif _bp_is_duration(v):",
        "    v = _bp_format_duration(v)",
        "else:",
        "    raise _bp_Invalid",
    ),
}


class SerializeMode(NamedTuple):
    """What the checked writer checks and writes."""

    keep_readonly: bool
    additional: bool | None = None
    #: "rest" (serialize) or "attr" (as_dict with attribute names)
    keys: str = "rest"
    #: True: every rule, as serialize() requires; False: Python types only, as as_dict() requires.
    strict: bool = True

    @property
    def tag(self) -> str:
        return self.dump_mode().tag + ("" if self.strict else ", types only")

    def dump_mode(self) -> DumpMode:
        return DumpMode(self.keys, self.keep_readonly, self.additional)


def generate(
    cls: type, fields: list[Field], resolved: dict[str, type], mode: SerializeMode, send_additional: bool
) -> tuple[str, dict[str, Any]]:
    ns = _validate.namespace()
    ns.update(
        {
            "_bp_cls": cls,
            "_bp_Invalid": _primitives.Invalid,
            "_bp_str": _primitives.dump_str,
            "_bp_WireDuration": durations.WireDuration,
            "_bp_timedelta": datetime.timedelta,
            "_bp_formatted_durations": durations.format_cache,
            "_bp_format_duration": durations.format_duration,
            "_bp_is_duration": durations.is_duration,
        }
    )
    lines = Lines()
    checks = _validate.Emitter(lines, resolved, ns, _validate.CheckMode(collect=False), "raise _bp_Invalid", CHECKER)
    checks.with_rules = mode.strict
    lines.add("def serialize(_bp_obj):")
    with lines.indent():
        lines.add("if not isinstance(_bp_obj, _bp_cls):")
        lines.add("    raise _bp_Invalid")
        lines.add("_bp_out = {}")
        for f in fields:
            ns[f"_bp_target_{f.name}"] = f"{cls.__name__}.{f.name}"
            node = f.node
            assert node is not None
            lines.add(f"# {f.name} <-> {f.wire_key!r}: {f.type_text}")
            lines.add(f"v = _bp_obj.{f.name}")
            required = f.required and mode.strict
            if required:
                lines.add("if v is None:")
                lines.add("    raise _bp_Invalid")
            if f.readonly and not mode.keep_readonly:
                if not required:  # still checked (validate() checks it), never written
                    lines.add("if v is not None:")
                    with lines.indent():
                        checks.node(node, "v", "''", f, 0)
                else:
                    checks.node(node, "v", "''", f, 0)
                continue
            if not required:
                lines.add("if v is not None:")
                lines.indent()
            key = repr(f.wire_key if mode.keys == "rest" else f.name)
            if is_model(node, resolved):
                lines.add(f"_bp_out[{key}] = {SERIALIZER}{node.text}(v)")
                checks.rules("v", "''", f)
            elif isinstance(node, _types.ListOf) and is_model(node.item, resolved):
                lines.add("if type(v) is not list and type(v) is not tuple:")
                lines.add("    raise _bp_Invalid")
                lines.add(f"_bp_out[{key}] = [{SERIALIZER}{node.item.text}(_bp_x) for _bp_x in v]")
                checks.rules("v", "''", f)
            elif isinstance(node, _types.Primitive) and node.name in _SCALARS:
                # The commonest fields: check and convert in one step, then the rules.
                for line in _SCALARS[node.name]:
                    lines.add(line)
                checks.rules("v", "''", f)
                lines.add(f"_bp_out[{key}] = v")
            else:
                checks.node(node, "v", "''", f, 0)
                lines.add(f"_bp_out[{key}] = {value_expr(node, 'v', resolved, ns, False, child=DUMPER)}")
            if not required:
                lines.dedent()
        for check in getattr(cls, "_bp_checks", ()) if mode.strict else ():
            _validate.emit_rule(lines, check, ns, "raise _bp_Invalid")
        if send_additional if mode.additional is None else mode.additional:
            emit_extras(lines, ns, fields)
        lines.add("return _bp_out")
    return lines.source(), ns
