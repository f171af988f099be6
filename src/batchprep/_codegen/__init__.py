"""Per-class compiled functions, generated on first use from the type tree.

A family (``validate``, ``dump``, ``load``) and a mode (which keys, which lookup) pick one function per
class.  `compiled` builds it, and the functions of every class it reaches, under one lock, and
publishes them only once all are complete, so concurrent first use from many threads is safe.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from batchprep import _primitives, _rules, _types
from batchprep._codegen import dump as _dump
from batchprep._codegen import load as _load
from batchprep._codegen import native as _native
from batchprep._codegen import serialize as _serialize
from batchprep._codegen import validate as _validate
from batchprep._codegen._nodes import is_enum, models_in, python_expected
from batchprep._codegen._source import build
from batchprep.errors import ValidationError

__all__ = ["COLLECT", "FAST", "CheckMode", "DumpMode", "LoadMode", "SerializeMode", "compiled", "problems_of"]

CheckMode = _validate.CheckMode
DumpMode = _dump.DumpMode
LoadMode = _load.LoadMode
SerializeMode = _serialize.SerializeMode

COLLECT = CheckMode(collect=True)
FAST = CheckMode(collect=False)

_lock = threading.RLock()

_DOCS = {
    "validate": "Check the object: append every problem to errors (collect mode) or answer True/False (fast).",
    "dump": "Return the JSON-compatible dict of a checked object.",
    "load": "Return the object read from a JSON document, appending every problem to errors.",
    "serialize": "Check the object and return its REST body; raise Invalid at the first problem.",
}


def compiled(cls: Any, family: str, mode: Any = None) -> Callable[..., Any]:
    """The ``family`` function of ``cls`` for ``mode``, built on first use.

    That is the generated Python function, wrapped in a compiled codec where ``batchprep._speedups``
    can take the class (see `native`); the codec's ``__wrapped__`` is the Python function.
    """
    fn: Callable[..., Any] | None = cls.__dict__["_bp_compiled"].get((family, mode, "native"))
    if fn is not None and not _native.outdated(fn):
        return fn
    with _lock:
        pending: dict[tuple[Any, str, Any], Callable[..., Any]] = {}
        python = _build(cls, family, mode, pending)
        for (owner, fam, md), built in pending.items():
            owner.__dict__["_bp_compiled"][(fam, md)] = built
        fn = _native.accelerate(cls, family, mode, python)
        cls.__dict__["_bp_compiled"][(family, mode, "native")] = fn
    return fn


def _build(cls: Any, family: str, mode: Any, pending: dict[tuple[Any, str, Any], Callable[..., Any]]) -> Callable[..., Any]:
    done = cls.__dict__["_bp_compiled"].get((family, mode)) or pending.get((cls, family, mode))
    if done is not None:
        return done
    fields = list(cls._bp_fields)
    resolved = cls._bp_resolve()
    if family == "validate":
        source, ns = _validate.generate(cls, fields, resolved, mode)
        method = f"validate ({mode.tag})"
    elif family == "dump":
        source, ns = _dump.generate(cls, fields, resolved, mode, cls._bp_send_additional)
        method = f"serialize ({mode.tag})"
    elif family == "serialize":
        source, ns = _serialize.generate(cls, fields, resolved, mode, cls._bp_send_additional)
        method = f"serialize (checked, {mode.tag})"
    else:
        source, ns = _load.generate(cls, fields, resolved, mode)
        method = f"deserialize ({mode.tag})"
    fn = build(method, cls, source, ns, {family: _DOCS[family]})[family]
    pending[(cls, family, mode)] = fn
    for f in fields:
        for child in models_in(f.node, resolved):
            ns[f"_bp_model_{child.__name__}"] = _build(child, family, mode, pending)
            if family == "serialize":  # it also checks and writes nested models inside other containers
                ns[f"{_serialize.CHECKER}{child.__name__}"] = _build(child, "validate", FAST, pending)
                ns[f"{_serialize.DUMPER}{child.__name__}"] = _build(child, "dump", mode.dump_mode(), pending)
    return fn


def problems_of(node: _types.TypeNode, value: Any, resolved: dict[str, type], path: str = "") -> list[ValidationError]:
    """Type problems of one value against a type node (for values substituted at run time)."""
    expected = python_expected(node, resolved)
    if isinstance(node, _types.Primitive):
        ok = _primitives.CODECS[node.name].check(value)
    elif isinstance(node, _types.ListOf):
        if not isinstance(value, (list, tuple)):
            return [_rules.type_error(path, "value", expected, value)]
        return [p for i, x in enumerate(value) for p in problems_of(node.item, x, resolved, f"{path}/{i}")]
    elif isinstance(node, _types.DictOf):
        if not isinstance(value, dict):
            return [_rules.type_error(path, "value", expected, value)]
        return [p for k, x in value.items() for p in problems_of(node.item, x, resolved, path + _rules.pointer(k))]
    elif is_enum(node, resolved):
        ok = _primitives.enum_checker(resolved[node.text])(value)
    else:
        cls = resolved[node.text]
        if not isinstance(value, cls):
            return [_rules.type_error(path, "value", expected, value)]
        errors: list[ValidationError] = []
        compiled(cls, "validate", COLLECT)(value, path, errors)
        return errors
    return [] if ok else [_rules.type_error(path, "value", expected, value)]
