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
    return ValidationError(
        "type", target, expected, path=path, message=f"expected {expected}, found {shown}", expected=expected, found=shown
    )


def format_error(path: str, target: str, reason: str, found: Any, show: str = "all") -> ValidationError:
    """A value of the right type that cannot be read (``reason`` says what it should look like)."""
    shown = excerpt(found) if show == "all" else "the value"
    return ValidationError("format", target, reason, path=path, message=f"{reason}: {shown}", expected=reason, found=shown)


def pointer(token: Any) -> str:
    """One JSON pointer segment (``~`` and ``/`` escaped as RFC 6901 says)."""
    return "/" + str(token).replace("~", "~0").replace("/", "~1")
