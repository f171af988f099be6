"""Misspelt keys and enum values in a document a person wrote: errors, because the setting is lost.

``deserialize()`` keeps a property it does not know in ``additional_properties`` and ``serialize()``
leaves it out: right for a service response (a newer API's field must survive), wrong for a file a
person wrote, where ``maxWallclockTime`` means a task without its time limit. So `batchprep check`
(and ``render``, which refuses such a file) sorts what it does not know:

- a key that is a property spelt in another letter case, one or two edits away from one, a property
  of another object of the body placed at the wrong level (``autoUser`` at the top), or a property the
  REST API retired (``runElevated``, ``blobSource``) is an **error**: the message says the setting
  will not be sent and what to write instead;
- any other key stays a **warning**: it may be a newer API's field;
- an enum value with stray whitespace, or one or two edits from a known value (``admn``,
  ``taskworkingdir``), is an **error** with "did you mean"; a value far from every known one is a
  **warning** (a newer service's value is sent as written). Values in another letter case are no
  finding at all: the model stores the member.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator
from typing import Any

from batchprep import _types
from batchprep._rules import pointer
from batchprep.errors import ValidationError, article
from batchprep.model import Model

__all__ = ["RETIRED", "Found", "edits", "enum_findings", "key_findings", "problems_and_warnings"]

#: Properties the REST API removed, by class (``None``: any class of the family), with what replaced them.
RETIRED: dict[str, tuple[tuple[str, ...] | None, str]] = {
    "runelevated": (
        None,
        "runElevated was removed from the Batch API in 2017 (2017-01-01.4.0): write "
        "userIdentity: {autoUser: {elevationLevel: admin}} instead",
    ),
    "blobsource": (
        ("ResourceFile",),
        "blobSource was renamed httpUrl in 2018 (2018-12-01.8.0): write httpUrl instead (blobPrefix is for "
        "container sources, not for httpUrl)",
    ),
}


def edits(a: str, b: str) -> int:
    """The optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    neighbouring characters, each counting one.

    Examples:
        >>> edits("maxWallclockTime", "maxWallClockTime"), edits("admn", "admin"), edits("tasks", "task")
        (1, 1, 1)
        >>> edits("elevationLevle", "elevationLevel")
        1
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _near(word: str, known: str) -> bool:
    """One or two edits apart, ignoring letter case (one for short words: ``ip`` is not ``id``)."""
    a, b = word.lower(), known.lower()
    limit = 1 if min(len(a), len(b)) <= 4 else 2
    return edits(a, b) <= limit


def _places(root: type[Model]) -> dict[str, list[tuple[str, str]]]:
    """Every property of the family under ``root``: folded REST key -> [(its place, its owner's key)].

    A place is a JSON pointer with ``N`` for list indices (``/resourceFiles/N/filePath``).
    """
    found: dict[str, list[tuple[str, str]]] = {}

    def visit(cls: type[Model], path: str, owner: str, seen: frozenset[type]) -> None:
        resolved = cls._bp_resolve()
        for f in cls._bp_fields:
            place = path + pointer(f.wire_key)
            found.setdefault(f.wire_key.lower(), []).append((place, owner))
            node, suffix = f.node, ""
            while isinstance(node, _types.ListOf):
                node, suffix = node.item, suffix + "/N"
            if isinstance(node, _types.Named):
                child = resolved.get(node.name)
                if isinstance(child, type) and issubclass(child, Model) and child not in seen:
                    visit(child, place + suffix, f.wire_key, seen | {child})

    visit(root, "", "", frozenset({root}))
    return found


def _generic(path: str) -> str:
    """A place with its list indices as ``N``."""
    return "/".join("N" if token.isdigit() else token for token in path.split("/"))


#: A finding: (its path, its rule, its message, the class it is about).
Found = tuple[str, str, str, str]


def key_findings(model: Model, root: type[Model], path: str = "") -> Iterator[Found]:
    """For each key the model tree keeps in ``additional_properties``: (path, rule, message, class).

    The rule is ``misspelt``, ``misplaced`` or ``retired`` for an error, ``unknown`` for a warning.
    """
    places = _places(root)
    yield from _keys(model, root, path, places)


def _keys(model: Model, root: type[Model], path: str, places: dict[str, list[tuple[str, str]]]) -> Iterator[Found]:
    cls = type(model)
    known = [f.wire_key for f in cls._bp_fields]
    here = _generic(path)
    lost = f"is not {article(cls.__name__)} property: the setting will not be sent"
    # A class whose body is part of a larger one (a job's tasks): the other keys are that body's own.
    extra = {} if getattr(cls, "_bp_part_of_a_body", False) else model.additional_properties or {}
    for key in extra:
        name = str(key)
        folded = name.lower()
        where = path + pointer(name)
        retired = RETIRED.get(folded)
        if retired is not None and (retired[0] is None or cls.__name__ in retired[0]):
            yield where, "retired", f"{lost}; {retired[1]}", cls.__name__
            continue
        same = next((k for k in known if k.lower() == folded), None)
        if same is not None:
            yield where, "misspelt", f"{lost}; write {same!r} (property names are case-sensitive)", cls.__name__
            continue
        elsewhere = [(place, owner) for place, owner in places.get(folded, []) if place.rpartition("/")[0] != here]
        if elsewhere:
            place, owner = elsewhere[0]
            inside = f"under {owner!r}" if owner else "at the top of the body"
            proper = place.rpartition("/")[2]
            yield where, "misplaced", f"{lost}; {proper!r} belongs {inside} ({place}): move it there", cls.__name__
            continue
        near = [k for k in known if _near(name, k)]
        if near:
            yield where, "misspelt", f"{lost}; did you mean {near[0]!r}?", cls.__name__
            continue
        guess = next(iter(difflib.get_close_matches(name, known, n=1)), None)
        hint = f" (did you mean {guess!r}?)" if guess else ""
        yield where, "unknown", f"is not {article(cls.__name__)} property: kept when read, left out by serialize(){hint}", cls.__name__
    for f in cls._bp_fields:
        for child, child_path in _children(getattr(model, f.name, None), f.node, path + pointer(f.wire_key)):
            yield from _keys(child, root, child_path, places)


def enum_findings(model: Model, path: str = "") -> Iterator[Found]:
    """For each enum field of the model tree holding text that is no value: (path, rule, message, class).

    The rule is ``enum`` for a misspelling (an error), ``unknown_value`` for a value far from every
    known one (a warning: a newer service's value, sent as written).
    """
    cls = type(model)
    resolved = cls._bp_resolve()
    for f in cls._bp_fields:
        value = getattr(model, f.name, None)
        where = path + pointer(f.wire_key)
        target = resolved.get(f.node.name) if isinstance(f.node, _types.Named) else None
        if isinstance(target, type) and issubclass(target, enum.Enum):
            if isinstance(value, str) and not isinstance(value, enum.Enum):
                yield _enum_finding(value, target, f.wire_key, where, cls.__name__)
            continue
        for child, child_path in _children(value, f.node, where):
            yield from enum_findings(child, child_path)


def _enum_finding(value: str, enum_cls: type[enum.Enum], key: str, where: str, owner: str) -> Found:
    values = [str(m.value) for m in enum_cls]
    listed = ", ".join(values)
    stripped = value.strip()
    guess = next((v for v in values if v.lower() == stripped.lower()), None)
    if guess is None:
        guess = next((v for v in values if _near(stripped, v)), None)
    if guess is None:
        close = difflib.get_close_matches(stripped.lower(), [v.lower() for v in values], n=1, cutoff=0.8)
        guess = next((v for v in values if close and v.lower() == close[0]), None)
    if guess is not None:
        return where, "enum", f"{value!r} is not one of the {key} values ({listed}): the service refuses it; did you mean {guess!r}?", owner
    return where, "unknown_value", f"{value!r} is not one of the {key} values this version knows ({listed}); sent as written", owner


def _children(value: Any, node: _types.TypeNode | None, path: str) -> list[tuple[Model, str]]:
    """The models inside a field's value, each with its path."""
    if isinstance(value, Model):
        return [(value, path)]
    if isinstance(node, _types.ListOf) and isinstance(value, list):
        return [c for i, item in enumerate(value) for c in _children(item, node.item, f"{path}/{i}")]
    if isinstance(node, _types.DictOf) and isinstance(value, dict):
        return [c for k, item in value.items() for c in _children(item, node.item, path + pointer(k))]
    return []


def problems_and_warnings(model: Model, root: type[Model]) -> tuple[list[ValidationError], list[tuple[str, str, str]]]:
    """The errors (as `ValidationError` s) and the warnings ((path, rule, message)) of a model tree."""
    errors: list[ValidationError] = []
    warnings: list[tuple[str, str, str]] = []
    for where, rule, message, owner in [*key_findings(model, root), *enum_findings(model)]:
        if rule in ("unknown", "unknown_value"):
            warnings.append((where, "unknown", message))
        else:
            errors.append(ValidationError(rule, owner, path=where, message=message))
    return errors, warnings
