"""The keyword-only constructor of a model."""

from __future__ import annotations

from typing import Any

from batchprep._codegen._source import Lines
from batchprep._fields import MISSING, Field


def reject_unknown(cls_name: str, known: list[str], unknown: dict[str, Any]) -> None:
    """Raise the ``TypeError`` for keyword arguments a model does not have, with a hint."""
    import difflib

    name = next(iter(unknown))
    hint = difflib.get_close_matches(name, known, n=1)
    more = f" (did you mean {hint[0]!r}?)" if hint else ""
    raise TypeError(f"{cls_name}() got an unexpected keyword argument {name!r}{more}")


def reject_missing(cls_name: str, given: dict[str, Any]) -> None:
    """Raise the ``TypeError`` for required arguments left out, worded as Python words it."""
    absent = [repr(name) for name, value in given.items() if value is MISSING]
    names = absent[0] if len(absent) == 1 else ", ".join(absent[:-1]) + " and " + absent[-1]
    plural = "s" if len(absent) > 1 else ""
    raise TypeError(f"{cls_name}() missing {len(absent)} required keyword-only argument{plural}: {names}")


def generate(cls: type, fields: list[Field]) -> tuple[str, dict[str, Any]]:
    ns: dict[str, Any] = {
        "_bp_reject_unknown": reject_unknown,
        "_bp_reject_missing": reject_missing,
        "_bp_cls_name": cls.__name__,
        "_bp_MISSING": MISSING,
    }
    params = []
    required = []
    for f in fields:
        if not f.in_init:
            continue
        if f.default is MISSING:
            # A sentinel rather than no default: a misspelt keyword is reported (with a hint)
            # before the argument it was meant for is reported missing.
            params.append(f"{f.name}=_bp_MISSING")
            required.append(f.name)
        else:
            ns[f"_bp_default_{f.name}"] = f.default
            params.append(f"{f.name}=_bp_default_{f.name}")
    params.append("additional_properties=None")
    ns["_bp_known"] = [f.name for f in fields if f.in_init] + ["additional_properties"]
    # `self` as Python users know it, unless a field takes that name.
    me = "_bp_self" if any(f.name == "self" for f in fields) else "self"
    lines = Lines()
    lines.add(f"def __init__({me}, *, {', '.join(params)}, **_bp_unknown):")
    with lines.indent():
        lines.add("if _bp_unknown:")
        lines.add("    _bp_reject_unknown(_bp_cls_name, _bp_known, _bp_unknown)")
        if required:
            lines.add(f"if {' or '.join(f'{name} is _bp_MISSING' for name in required)}:")
            lines.add(f"    _bp_reject_missing(_bp_cls_name, {{{', '.join(f'{name!r}: {name}' for name in required)}}})")
        for f in fields:
            if f.in_init:
                lines.add(f"{me}.{f.name} = {f.name}")
            elif f.constant:
                ns[f"_bp_default_{f.name}"] = f.default
                lines.add(f"{me}.{f.name} = _bp_default_{f.name}")
            else:
                lines.add(f"{me}.{f.name} = None")
        lines.add(
            f"{me}._bp_extra = None if additional_properties is None else dict(additional_properties)"
        )
    return lines.source(), ns
