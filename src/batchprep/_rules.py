"""msrest's validation rules and batchprep's messages for them.

Each rule is a predicate that is true when the value *breaks* the rule, with msrest's meaning
(``pattern`` uses ``re.match``, ``max_length`` counts characters…), and a sentence for the error.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from batchprep.errors import ValidationError, excerpt, json_type

#: rule -> (source template for "value breaks the rule", sentence). ``{v}`` is the value, ``{p}`` the
#: rule's parameter as a namespace name.
RULES: dict[str, tuple[str, str]] = {
    "min_length": ("len({v}) < {p}", "must be at least {0} characters long"),
    "max_length": ("len({v}) > {p}", "must be at most {0} characters long"),
    "minimum": ("{v} < {p}", "must be at least {0}"),
    "maximum": ("{v} > {p}", "must be at most {0}"),
    "minimum_ex": ("{v} <= {p}", "must be greater than {0}"),
    "maximum_ex": ("{v} >= {p}", "must be less than {0}"),
    "min_items": ("len({v}) < {p}", "must have at least {0} items"),
    "max_items": ("len({v}) > {p}", "must have at most {0} items"),
    "pattern": ("not {p}({v})", "must match the pattern {0!r}"),
    "unique": ("{p} and not _bp_all_unique({v})", "must not repeat an item"),
    "multiple": ("{v} % {p} != 0", "must be a multiple of {0}"),
}


def rule_parameter(rule: str, value: Any) -> Any:
    """The object a generated check compares against (for ``pattern``, a function: does it match?)."""
    if rule == "pattern":
        # Remembered answers: the same few values (file modes, IDs) come back again and again, and a
        # cache hit costs a fraction of a regular expression match.
        matcher = re.compile(value, re.UNICODE).match
        return functools.lru_cache(maxsize=1024)(lambda text: matcher(text) is not None)
    return value


def all_unique(items: Any) -> bool:
    try:
        return len(items) == len(set(items))
    except TypeError:  # unhashable items (models, dicts): compare them pairwise
        seen: list[Any] = []
        for item in items:
            if item in seen:
                return False
            seen.append(item)
        return True


def rule_error(
    rule: str, param: Any, path: str, target: str, found: Any, sentence: str = "", service_rule: str = ""
) -> ValidationError:
    """A broken rule of one value; ``service_rule`` names it when it is a Batch service rule."""
    sentence = sentence or RULES[rule][1].format(param)
    if rule in ("min_length", "max_length", "min_items", "max_items"):
        sentence += f" (found {len(found)})"
    return ValidationError(rule, target, param, path=path, message=sentence, service_rule=service_rule)


def required_error(path: str, target: str) -> ValidationError:
    return ValidationError("required", target, True, path=path, message="is required but missing")


def type_error(path: str, target: str, expected: str, found: Any, show: str = "all") -> ValidationError:
    """A value of the wrong type; ``show`` is how much of it the message may quote (see Field.hidden)."""
    if show == "nothing":
        shown = "a value"
    elif show == "type":
        shown = json_type(found)
    elif found is None:
        shown = "null"
    elif found is True or found is False:
        shown = f"boolean {'true' if found else 'false'}"
    elif isinstance(found, (str, int, float, list, dict)):
        shown = f"{json_type(found)} {excerpt(found)}"
    else:  # a Python object: its repr names its type
        shown = excerpt(found)
    message = f"expected {expected}, found {shown}"
    if expected == "datetime.timedelta" and show == "all":
        message += duration_fix(found)
    return ValidationError("type", target, expected, path=path, message=message, expected=expected, found=shown)


_UNITS = (("days", 86400), ("hours", 3600), ("minutes", 60), ("seconds", 1))


def timedelta_text(value: Any) -> str:
    """The ``datetime.timedelta(...)`` that makes a value (``datetime.timedelta(minutes=5)``)."""
    micros = round(value.total_seconds() * 1_000_000)
    seconds, rest = divmod(abs(micros), 1_000_000)
    parts = []
    for unit, size in _UNITS:
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{unit}={count}")
    if rest:
        parts.append(f"microseconds={rest}")
    sign = "-" if micros < 0 else ""
    return f"{sign}datetime.timedelta({', '.join(parts) or 'seconds=0'})"


def duration_fix(found: Any) -> str:
    """How to give a duration that was given as text or as a number, for a type error's message."""
    from batchprep.durations import parse_duration

    if isinstance(found, str):
        try:
            value = parse_duration(found)
        except ValueError:
            return ": pass a datetime.timedelta, e.g. datetime.timedelta(minutes=5)"
        return f": pass {timedelta_text(value)}, or batchprep.parse_duration({found!r})"
    if isinstance(found, (int, float)) and not isinstance(found, bool):
        return f": pass datetime.timedelta(seconds={found!r}) if it is a number of seconds"
    return ""


def format_error(path: str, target: str, reason: str, found: Any, show: str = "all") -> ValidationError:
    """A value of the right type that cannot be read (``reason`` says what it should look like)."""
    shown = excerpt(found) if show == "all" else "the value"
    return ValidationError("format", target, reason, path=path, message=f"{reason}: {shown}", expected=reason, found=shown)


def pointer(token: Any) -> str:
    """One JSON pointer segment (``~`` and ``/`` escaped as RFC 6901 says)."""
    return "/" + str(token).replace("~", "~0").replace("/", "~1")
