"""``validate()``: the problems of a model tree, each with its rule, msrest target and JSON path.

One generator, two modes.  ``collect`` appends a `batchprep.ValidationError` for every problem
(what ``validate()`` returns).  ``fast`` returns ``False`` at the first problem and builds no message or
path: ``serialize()`` and ``validate()`` run it first and fall back to ``collect`` only when it fails,
so a valid tree never pays for error reporting.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from batchprep import _primitives, _rules, _types
from batchprep._codegen._nodes import fill, is_enum, is_model, python_expected, safe
from batchprep._codegen._source import Lines
from batchprep._fields import Field


class CheckMode(NamedTuple):
    #: True: report every problem with its path; False: answer valid or not, as fast as possible.
    collect: bool

    @property
    def tag(self) -> str:
        return "collect" if self.collect else "fast"


def _ok_expr(node: _types.TypeNode, var: str, resolved: dict[str, type], ns: dict[str, Any]) -> str:
    """A condition that holds when ``var`` has an acceptable Python type (models and containers aside)."""
    if isinstance(node, _types.Primitive):
        if node.name == "str":
            return f"(type({var}) is str or isinstance({var}, str))"
        if node.name == "bool":
            return f"({var} is True or {var} is False)"
        if node.name in ("int", "long"):
            return f"(type({var}) is int or _bp_codec_int({var}))"
        check = fill(ns, f"_bp_check_{safe(node.name)}", _primitives.CODECS[node.name].check)
        return f"{check}({var})"
    if is_enum(node, resolved):
        check = fill(ns, f"_bp_enum_ok_{node.text}", _primitives.enum_checker(resolved[node.text]))
        return f"{check}({var})"
    raise AssertionError(node)


class Emitter:
    """Writes the checks of one class's fields in one mode.

    ``give_up`` is the statement the fast mode runs at the first problem (``return False`` in the
    validity check; the serializer, which checks as it writes, raises instead), and ``child`` the
    prefix of the namespace names under which nested models' checks are found.
    """

    def __init__(
        self,
        lines: Lines,
        resolved: dict[str, type],
        ns: dict[str, Any],
        mode: CheckMode,
        give_up: str = "return False",
        child: str = "_bp_model_",
    ) -> None:
        self.lines, self.resolved, self.ns, self.mode = lines, resolved, ns, mode
        self.give_up, self.child = give_up, child
        #: False checks types only (what as_dict() insists on), not the rules.
        self.with_rules = True

    def fail(self, call: str) -> str:
        """The statement for one problem: record it, or give up."""
        return f"_bp_errors.append({call})" if self.mode.collect else self.give_up

    def node(self, node: _types.TypeNode, var: str, path: str, f: Field, depth: int) -> None:
        """Statements that check ``var`` (never None here) against ``node``; rules follow at depth 0."""
        lines, ns = self.lines, self.ns
        expected = fill(ns, f"_bp_expected_{f.name}_{depth}", python_expected(node, self.resolved))
        type_error = self.fail(f"_bp_type_error({path}, _bp_target_{f.name}, {expected}, {var}, {f.hidden!r})")
        if isinstance(node, (_types.ListOf, _types.DictOf)):
            item, index = f"_bp_x{depth}", f"_bp_i{depth}"
            if isinstance(node, _types.ListOf):
                lines.add(f"if type({var}) is list or type({var}) is tuple:")
                loop = f"for {index}, {item} in enumerate({var}):" if self.mode.collect else f"for {item} in {var}:"
                item_path = f"{path} + '/' + str({index})"
            else:
                lines.add(f"if type({var}) is dict:")
                loop = f"for {index}, {item} in {var}.items():"
                item_path = f"{path} + _bp_pointer({index})"
            with lines.indent():
                lines.add(loop)
                with lines.indent():
                    if isinstance(node, _types.DictOf):
                        lines.add(f"if type({index}) is not str:")
                        lines.add("    " + self.fail(f"_bp_type_error({path}, _bp_target_{f.name}, 'a str key', {index})"))
                    if node.item == _types.Primitive("object"):
                        lines.add("pass")
                    else:
                        item_expected = fill(ns, f"_bp_expected_{f.name}_{depth + 1}", python_expected(node.item, self.resolved))
                        lines.add(f"if {item} is None:")
                        lines.add("    " + self.fail(f"_bp_type_error({item_path}, _bp_target_{f.name}, {item_expected}, None)"))
                        lines.add("else:")
                        with lines.indent():
                            self.node(node.item, item, item_path, f, depth + 1)
                if depth == 0:
                    self.rules(var, path, f)
            lines.add("else:")
            lines.add("    " + type_error)
            return
        if is_model(node, self.resolved):
            cls_name = fill(ns, f"_bp_cls_{node.text}", self.resolved[node.text])
            lines.add(f"if isinstance({var}, {cls_name}):")
            if self.mode.collect:
                lines.add(f"    {self.child}{node.text}({var}, {path}, _bp_errors)")
            else:
                lines.add(f"    if not {self.child}{node.text}({var}):")
                lines.add(f"        {self.give_up}")
            if depth == 0 and has_rules(f) and self.with_rules:
                with lines.indent():
                    self.rules(var, path, f)
            lines.add("else:")
            lines.add("    " + type_error)
            return
        lines.add(f"if not {_ok_expr(node, var, self.resolved, ns)}:")
        lines.add("    " + type_error)
        if depth == 0 and has_rules(f) and self.with_rules:
            lines.add("else:")
            with lines.indent():
                self.rules(var, path, f)

    def rules(self, var: str, path: str, f: Field) -> None:
        if not has_rules(f) or not self.with_rules:
            return
        for kind, rules in (("rule", f.rules), ("service", f.service_rules)):
            for rule, value in rules.items():
                if rule not in _rules.RULES:
                    continue
                param = fill(self.ns, f"_bp_{kind}_{f.name}_{rule}", _rules.rule_parameter(rule, value))
                raw = fill(self.ns, f"_bp_{kind}_raw_{f.name}_{rule}", value)
                sentence = fill(self.ns, f"_bp_{kind}_message_{f.name}_{rule}", f.messages.get(rule, ""))
                named = ""
                if kind == "service":  # its problems carry the service rule's name (for waive=)
                    named = ", " + fill(self.ns, f"_bp_service_name_{f.name}_{rule}", f.service_rule_name(rule))
                condition = _rules.RULES[rule][0].format(v=var, p=param)
                self.lines.add(f"if {condition}:")
                self.lines.add(
                    "    "
                    + self.fail(f"_bp_rule_error({rule!r}, {raw}, {path}, _bp_target_{f.name}, {var}, {sentence}{named})")
                )


def has_rules(f: Field) -> bool:
    # msrest checks nothing but presence on a read-only attribute: the service owns its value.
    return not f.readonly and any(rule in _rules.RULES for rule in [*f.rules, *f.service_rules])


def namespace() -> dict[str, Any]:
    """What checking code refers to, whichever generator writes it."""
    return {
        "_bp_type_error": _rules.type_error,
        "_bp_rule_error": _rules.rule_error,
        "_bp_required": _rules.required_error,
        "_bp_pointer": _rules.pointer,
        "_bp_all_unique": _rules.all_unique,
        "_bp_codec_int": _primitives.CODECS["int"].check,
    }


def holds(check: Any, ns: dict[str, Any]) -> str:
    """The inline condition of a service rule, for the fast paths."""
    ns.update(check.names)
    return str(check.holds.format(o="_bp_obj"))


def emit_rule(lines: Lines, check: Any, ns: dict[str, Any], fail: str) -> None:
    """The fast test of a service rule: ``fail`` when it does not hold.

    The condition reads the fields again, trusting the checks they just passed; another thread or a
    finalizer may have changed them since, so a condition that cannot be evaluated counts as broken
    (the collecting check then reports what is there).
    """
    lines.add("try:")
    lines.add(f"    _bp_holds = {holds(check, ns)}")
    lines.add("except Exception:")
    lines.add("    _bp_holds = False")
    lines.add("if not _bp_holds:")
    lines.add(f"    {fail}")


def generate(cls: type, fields: list[Field], resolved: dict[str, type], mode: CheckMode) -> tuple[str, dict[str, Any]]:
    ns = namespace()
    lines = Lines()
    emit = Emitter(lines, resolved, ns, mode)
    lines.add("def validate(_bp_obj, _bp_path, _bp_errors):" if mode.collect else "def validate(_bp_obj):")
    with lines.indent():
        if mode.collect:
            lines.add("_bp_errors_before = len(_bp_errors)")
        for f in fields:
            ns[f"_bp_target_{f.name}"] = f"{cls.__name__}.{f.name}"
            path = f"_bp_path + {_rules.pointer(f.wire_key)!r}"
            lines.add(f"# {f.name} <-> {f.wire_key!r}: {f.type_text}")
            lines.add(f"v = _bp_obj.{f.name}")
            if f.required:
                lines.add("if v is None:")
                lines.add("    " + emit.fail(f"_bp_required({path}, _bp_target_{f.name})"))
                lines.add("else:")
            else:
                lines.add("if v is not None:")
            with lines.indent():
                emit.node(f.node, "v", path, f, 0)  # type: ignore[arg-type]
        checks = tuple(getattr(cls, "_bp_checks", ()))
        if checks:
            lines.add("# the Batch service's rules that span fields (batchprep.service_rules)")
        for number, check in enumerate(checks):
            if mode.collect:
                lines.add(f"{fill(ns, f'_bp_check_{number}', check.report)}(_bp_obj, _bp_path, _bp_errors)")
            else:
                emit_rule(lines, check, ns, "return False")
        lines.add("return len(_bp_errors) == _bp_errors_before" if mode.collect else "return True")
    return lines.source(), ns
