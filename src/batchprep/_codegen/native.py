"""The compiled fast paths: plans for ``batchprep._speedups``, built from the same declarations.

`accelerate` wraps a generated Python function (a fast ``serialize``, ``validate`` or ``load``) in a
``_speedups.Codec`` when the class and every class it reaches have a *plan*: each field's slot, keys,
kind and rules, and the class's service rules as opcodes.  The codec walks the tree in C and, whenever
it meets something it is not certain about, calls the Python function it wraps (its ``__wrapped__``),
which stays the definition: the compiled walk accepts only what that function accepts, and returns
what it returns.

A class gets no plan (and keeps the Python function alone) when a field has a type or rule the walk
does not know, an attribute is not a plain slot, the class has its own ``__new__``,
``__getattribute__``, ``__getattr__``, ``__setattr__`` or ``__delattr__``, CPython cannot give it a
version tag, or a service rule has no ``native`` form (or one with more operands than the walk reads).
A plan remembers its class's version tag: when a class changes after its plan was built (a property
put over a field, say), the walk gives up and `forget_stale` drops the compiled codecs, which are then
built again for the class as it is.  Set ``BATCHPREP_PURE_PYTHON=1`` to switch the compiled paths off.
"""

from __future__ import annotations

import datetime
import os
import types
import warnings
from typing import Any

from batchprep import _primitives, _rules, _types, durations, service_rules
from batchprep._codegen._nodes import is_enum, is_model
from batchprep._fields import EnumAttribute

#: The plan format this module writes; the extension says which one it reads.
ABI_VERSION = 4

_ext: Any  # the compiled module has no type stubs
try:
    import batchprep._speedups as _ext  # type: ignore[import-not-found,no-redef]
except ImportError:  # not compiled (no C compiler when installed, or a source checkout)
    _ext = None


def _enabled() -> bool:
    if _ext is None or os.environ.get("BATCHPREP_PURE_PYTHON", "") not in ("", "0"):
        return False
    if _ext.ABI_VERSION != ABI_VERSION:
        warnings.warn(
            f"batchprep._speedups was built for plan format {_ext.ABI_VERSION}, not {ABI_VERSION}: "
            "using the Python codecs (reinstall batchprep to rebuild it)",
            RuntimeWarning,
            stacklevel=2,
        )
        return False
    _ext.configure(
        format_cache=durations.format_cache,
        format_duration=durations.format_duration,
        parsed_cache=durations._parsed,
        load_duration=_primitives.CODECS["duration"].load,
        wire_duration=durations.WireDuration,
        load_timestamp=_primitives.CODECS["iso-8601"].load,
        on_stale=forget_stale,
    )
    return True


def forget_stale(cls: type) -> None:
    """Called by the walk when ``cls`` (or a class it contains) changed after its plan was built.

    Every compiled codec and plan is dropped (the generated Python functions stay): the next call
    builds them again, for the classes as they are now.
    """
    from batchprep import model  # the walk calls this long after the import

    model.forget_compiled(lambda key: type(key) is str or key[0] == "plan" or key[-1] == "native")


#: Whether the compiled codecs are in use.
ENABLED = _enabled()

_PLAN_KEY = ("plan", None)
#: Rules the walk checks, by field kind; a field with any other msrest rule keeps its class in Python.
_KIND_RULES = {
    "STR": {"min_length", "max_length", "pattern"},
    "INT": {"minimum", "maximum", "minimum_ex", "maximum_ex"},
}
#: The most fields one compiled rule reads (MAX_OFFSETS in _speedups.c).
_MAX_OPERANDS = 4
_PRIMITIVE_KINDS = {"str": "STR", "int": "INT", "bool": "BOOL", "duration": "DURATION", "iso-8601": "TIMESTAMP"}
_CHECK_OPS = {
    "exactly_one": "EXACTLY_ONE",
    "requires": "REQUIRES",
    "excludes": "EXCLUDES",
    "relative_path": "RELATIVE_PATH",
    "unique": "UNIQUE",
    "duration_range": "DURATION_RANGE",
    "non_negative": "DURATION_RANGE",  # a duration range from zero, with no maximum
    "file_name": "FILE_NAME",
}
_NO_TIME = datetime.timedelta(0)


def accelerate(cls: Any, family: str, mode: Any, fn: Any) -> Any:
    """``fn`` wrapped in a compiled codec, or ``fn`` itself where there is none."""
    if not ENABLED:
        return fn
    if family == "serialize":
        options = dict(
            op=_ext.SERIALIZE,
            attr_keys=mode.keys == "attr",
            keep_readonly=mode.keep_readonly,
            strict=mode.strict,
            additional=-1 if mode.additional is None else int(mode.additional),
            ci=False,
        )
    elif family == "validate" and not mode.collect:
        options = dict(op=_ext.VALIDATE, attr_keys=False, keep_readonly=True, strict=True, additional=0, ci=False)
    elif family == "load" and not mode.collect and mode.lookup in ("rest", "ci"):
        options = dict(
            op=_ext.LOAD, attr_keys=False, keep_readonly=True, strict=False, additional=0, ci=mode.lookup == "ci"
        )
    else:
        return fn
    plan = plan_of(cls)
    if plan is None:
        return fn
    return _ext.Codec(
        plan=plan,
        wrapped=fn,
        name=fn.__name__,
        qualname=fn.__qualname__,
        module=fn.__module__,
        doc=fn.__doc__ or "",
        **options,
    )


def outdated(fn: Any) -> bool:
    """Whether ``fn`` is a compiled codec whose plan no longer matches its classes (then build it again)."""
    return ENABLED and type(fn) is _ext.Codec and (fn.stale or fn.plan is None or fn.plan.stale)


def plan_of(cls: Any, building: frozenset[type] = frozenset()) -> Any:
    """The plan of ``cls`` (cached on the class), or None when the compiled walk cannot take it."""
    cache = cls.__dict__["_bp_compiled"]
    if _PLAN_KEY in cache:
        known = cache[_PLAN_KEY]
        if known is None or not known.stale:
            return known
    if cls in building:  # a class that contains itself: the walk would need a plan before it exists
        return None
    plan = _make_plan(cls, building | {cls})
    cache[_PLAN_KEY] = plan
    return plan


def _slot(cls: type, name: str) -> Any:
    """The slot descriptor that ``cls.name`` resolves to (the slot under an enum field's
    `EnumAttribute`), or None when it resolves to something else."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            descr = klass.__dict__[name]
            if type(descr) is EnumAttribute:
                descr = descr.slot
            return descr if type(descr) is types.MemberDescriptorType else None
    return None


def _make_plan(cls: Any, building: frozenset[type]) -> Any:
    # The walk creates objects with the type's allocator and reads and writes slots directly: a class
    # that creates, reads or sets its attributes its own way keeps the Python functions.
    if (
        cls.__new__ is not object.__new__
        or cls.__getattribute__ is not object.__getattribute__
        or hasattr(cls, "__getattr__")
        or cls.__setattr__ is not object.__setattr__
        or cls.__delattr__ is not object.__delattr__
    ):
        return None
    extra = _slot(cls, "_bp_extra")
    if extra is None:
        return None
    resolved = cls._bp_resolve()
    fields = []
    for f in cls._bp_fields:
        spec = _field_spec(cls, f, resolved, building)
        if spec is None:
            return None
        fields.append(spec)
    checks = []
    for rule in getattr(cls, "_bp_checks", ()):
        if rule.native is None:
            return None
        for form in rule.native:
            check = _check_spec(cls, form, resolved)
            if check is None:
                return None
            checks.append(check)
    if _ext.version_tag(cls) == 0:  # CPython could not tell the walk when the class changes
        return None
    spellings = {name for f in cls._bp_fields for name in (f.name, f.wire_key)}
    try:
        return _ext.Plan(
            cls=cls,
            extra=extra,
            fields=tuple(fields),
            checks=tuple(checks),
            known=frozenset(f.wire_key for f in cls._bp_fields),
            exact=frozenset(spellings),
            send_additional=bool(cls._bp_send_additional),
            ci_ok=len({name.lower() for name in spellings}) == len(spellings),
        )
    except (TypeError, ValueError) as err:  # the extension refuses a plan: never guess, use Python
        warnings.warn(
            f"batchprep: no compiled codecs for {cls.__qualname__} ({err}); it uses its generated Python functions",
            RuntimeWarning,
            stacklevel=2,
        )
        return None


def _field_spec(cls: Any, f: Any, resolved: dict[str, type], building: frozenset[type]) -> tuple[Any, ...] | None:
    descr = _slot(cls, f.name)
    if descr is None or f.constant:
        return None
    node = f.node
    child = enum_cls = enum_dump = enum_dumper = enum_load = enum_loader = None
    if isinstance(node, _types.Primitive) and node.name in _PRIMITIVE_KINDS:
        kind = _PRIMITIVE_KINDS[node.name]
    elif is_enum(node, resolved):
        kind = "ENUM"
        enum_cls = resolved[node.text]
        enum_dump = {m.value: m.value for m in enum_cls}  # type: ignore[attr-defined]
        enum_dumper = _primitives.enum_dumper(enum_cls)
        enum_load = {m.value: m for m in enum_cls}  # type: ignore[attr-defined]
        enum_loader = _primitives.enum_loader(enum_cls)
    elif is_model(node, resolved):
        kind, child = "MODEL", plan_of(resolved[node.text], building)
    elif isinstance(node, _types.ListOf) and is_model(node.item, resolved):
        kind, child = "LIST_MODEL", plan_of(resolved[node.item.text], building)
    else:
        return None
    if kind in ("MODEL", "LIST_MODEL") and child is None:
        return None
    limits: dict[str, Any] = {}
    for rule, value in [*f.rules.items(), *f.service_rules.items()]:
        if rule not in _rules.RULES or f.readonly:  # read-only values are not checked (as in msrest)
            continue
        if rule not in _KIND_RULES.get(kind, ()) or rule in limits:
            return None
        if rule in ("min_length", "max_length") and type(value) is not int:
            return None
        limits[rule] = _rules.rule_parameter(rule, value)
    return (
        descr,
        f.wire_key,
        f.name,
        getattr(_ext, kind),
        f.required,
        f.readonly,
        limits.get("min_length", -1),
        limits.get("max_length", -1),
        limits.get("pattern"),
        limits.get("minimum"),
        limits.get("maximum"),
        limits.get("minimum_ex"),
        limits.get("maximum_ex"),
        enum_cls,
        enum_dump,
        enum_dumper,
        enum_load,
        enum_loader,
        child,
    )


def _check_spec(cls: Any, form: tuple[Any, ...], resolved: dict[str, type]) -> tuple[Any, ...] | None:
    # The forms were checked when the class was created (batchprep.model); the walk reads up to 4 fields.
    op = form[0]
    if op not in _CHECK_OPS:
        return None
    count = service_rules.NATIVE_OPERATIONS[op].parameters
    params, names = tuple(form[1 : 1 + count]), list(form[1 + count :])
    if op == "non_negative":
        params = (_NO_TIME, None)
    if len(names) > _MAX_OPERANDS:
        return None
    item = None
    if op == "unique":
        names, attr = names[:1], names[1]
        node = next((f.node for f in cls._bp_fields if f.name == names[0]), None)
        if not (isinstance(node, _types.ListOf) and is_model(node.item, resolved)):
            return None
        item = _slot(resolved[node.item.text], attr)
        if item is None:
            return None
    descrs = tuple(_slot(cls, name) for name in names)
    if None in descrs:
        return None
    return (getattr(_ext, _CHECK_OPS[op]), descrs, item, params)
