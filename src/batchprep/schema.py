"""A JSON Schema (draft 2020-12) of the REST body, generated from the model declarations.

Each model becomes one entry of `$defs`, built from its fields: the REST key, the type tree, whether
the value is required, msrest's rules and the Batch service's rules (`maxLength` and `pattern` of a
task ID, `minimum` of `maxTaskRetryCount`...), and the description from the class docstring.  The
schema is meant for editors and other tools; it never refuses a body batchprep accepts:

- `null` is allowed wherever batchprep reads it as "not given" (an optional property);
- unknown properties are allowed (batchprep keeps them in `additional_properties`);
- enum properties list their known values but take any string (batchprep keeps values from newer
  services, and reads known ones in any letter case).

It can be looser than `batchprep.lint.check`: JSON Schema treats `3.0` as an integer, and the
rules it cannot express (a relative `filePath`, unique environment variable names, durations that are
not negative) are checked only by batchprep.

Examples:
    >>> retries = json_schema()["$defs"]["TaskConstraints"]["properties"]["maxTaskRetryCount"]
    >>> retries["type"], retries["minimum"]
    (['integer', 'null'], -1)
"""

from __future__ import annotations

import copy
import enum
import inspect
import re
from collections.abc import Callable
from typing import Any

from batchprep import __version__, _types, service_rules
from batchprep._fields import Field
from batchprep.model import Model
from batchprep.models import JobPreparationTask

__all__ = ["DIALECT", "DURATION_PATTERN", "json_schema"]

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_NUMBER = "[0-9]+(?:[.,][0-9]+)?"
#: The ISO 8601 durations batchprep reads: `PnYnMnWnDTnHnMnS` with any components (at least one, and
#: one after `T`), an optional sign, decimal fractions with `.` or `,`.  (The alternative
#: `PYYYY-MM-DDThh:mm:ss` form is refused by batchprep, so the schema refuses it too.)
DURATION_PATTERN = (
    f"^[+-]?P(?!$)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    f"(?:T(?=[0-9])(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?$"
)

#: How each msrest primitive type looks on the wire.
_PRIMITIVES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "long": {"type": "integer"},
    "bool": {"type": "boolean"},
    "float": {"type": "number"},
    "decimal": {"type": ["number", "string"]},
    # No "format": "duration": RFC 3339's grammar has no fractions, signs or weeks with days, all of
    # which the service writes; the pattern says what batchprep reads.
    "duration": {"type": "string", "pattern": DURATION_PATTERN},
    "iso-8601": {"type": "string", "format": "date-time"},
    "rfc-1123": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "time": {"type": "string", "format": "time"},
    "unix-time": {"type": "number"},
    "base64": {"type": "string", "contentEncoding": "base64url"},
    "bytearray": {"type": "string", "contentEncoding": "base64"},
    "object": {},
}

#: msrest rule -> JSON Schema keyword, for the rules whose meaning is the same.
_KEYWORDS = {
    "min_length": "minLength",
    "max_length": "maxLength",
    "minimum": "minimum",
    "maximum": "maximum",
    "minimum_ex": "exclusiveMinimum",
    "maximum_ex": "exclusiveMaximum",
    "min_items": "minItems",
    "max_items": "maxItems",
    "unique": "uniqueItems",
    "multiple": "multipleOf",
}


def _given(key: str) -> dict[str, Any]:
    """Matches an object where `key` is present and not null (batchprep reads null as absent)."""
    return {"required": [key], "properties": {key: {"not": {"type": "null"}}}}


#: The rules spanning several properties (`_bp_checks` of a model) in JSON Schema, keyed by the function
#: that checks them.  `None`, or a rule not listed (a model of your own): checked by batchprep only.
_SERVICE_RULES: dict[Callable[..., None], dict[str, Any] | None] = {
    service_rules.resource_file_source: {
        "oneOf": [_given("autoStorageContainerName"), _given("storageContainerUrl"), _given("httpUrl")],
        "allOf": [
            {"if": _given("httpUrl"), "then": _given("filePath")},
            {
                "if": _given("blobPrefix"),
                "then": {"anyOf": [_given("autoStorageContainerName"), _given("storageContainerUrl")]},
            },
            {
                "if": _given("identityReference"),
                "then": {"anyOf": [_given("storageContainerUrl"), _given("httpUrl")]},
            },
        ],
    },
    # With httpUrl, a filePath (a string) whose last part is empty, "." or "..", names no file.
    service_rules.resource_file_name: {
        "if": _given("httpUrl"),
        "then": {"properties": {"filePath": {"not": {"type": "string", "pattern": "(?:^|[/\\\\])\\.{0,2}$"}}}},
    },
    service_rules.user_identity_exclusive: {"oneOf": [_given("username"), _given("autoUser")]},
    service_rules.release_needs_preparation: {"if": _given("jobReleaseTask"), "then": _given("jobPreparationTask")},
    service_rules.resource_file_paths: None,
    service_rules.environment_names_unique: None,
    service_rules.duration_spans: None,
    service_rules.release_wall_clock_limit: None,  # JSON Schema cannot compare durations
    service_rules.job_task_ids_distinct: None,
}


def json_schema(cls: type[Model] = JobPreparationTask) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the REST body of `cls`.

    Args:
        cls: The model whose body the schema describes; the models it contains go to `$defs`.

    Returns:
        A JSON-compatible dict: `$schema`, `title`, `description`, a `$ref` to the model's entry
        and `$defs` with one entry per model, in the order they are first reached.

    Raises:
        TypeError: a model declares a `pattern` that cannot be written in the regular expression syntax
            of JSON Schema.
    """
    defs: dict[str, dict[str, Any]] = {}
    _define(cls, defs)
    return {
        "$schema": DIALECT,
        "title": f"{cls.__name__} REST body",
        "description": (
            f"{_summary(cls)} Generated by batchprep {__version__} from its model declarations;"
            " `batchprep check` also checks the rules JSON Schema cannot express."
        ),
        "$ref": f"#/$defs/{cls.__name__}",
        "$defs": defs,
    }


def _define(cls: type[Model], defs: dict[str, dict[str, Any]]) -> None:
    if cls.__name__ in defs:
        return
    entry: dict[str, Any] = {"type": "object", "title": cls.__name__, "description": _summary(cls)}
    defs[cls.__name__] = entry  # placed first, so that a model reached again is not defined twice
    docs = _attribute_docs(cls)
    resolved = cls._bp_resolve()
    properties: dict[str, Any] = {}
    for f in cls._bp_fields:
        value = _node(f.node, resolved, defs)
        value = _with_rules(value, f)
        if not f.required:
            value = _nullable(value)
        if f.readonly:
            value["readOnly"] = True
        if f.name in docs:
            value["description"] = docs[f.name]
        properties[f.wire_key] = value
    entry["properties"] = properties
    required = [f.wire_key for f in cls._bp_fields if f.required]
    if required:
        entry["required"] = required
    entry["additionalProperties"] = True
    for rule in cls._bp_checks:
        fragment = _SERVICE_RULES.get(rule.report)  # a rule not listed is checked by batchprep only
        if fragment is not None:
            for keyword, value in copy.deepcopy(fragment).items():
                if keyword == "allOf":
                    entry.setdefault("allOf", []).extend(value)
                elif keyword in entry:
                    entry.setdefault("allOf", []).append({keyword: value})
                else:
                    entry[keyword] = value


def _node(node: _types.TypeNode | None, resolved: dict[str, type], defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if isinstance(node, _types.Primitive):
        return dict(_PRIMITIVES[node.name])
    if isinstance(node, _types.ListOf):
        return {"type": "array", "items": _node(node.item, resolved, defs)}
    if isinstance(node, _types.DictOf):
        return {"type": "object", "additionalProperties": _node(node.item, resolved, defs)}
    if not isinstance(node, _types.Named):
        raise TypeError(f"unknown type node {node!r}")
    target = resolved[node.name]
    if issubclass(target, enum.Enum):
        known = [member.value for member in target]
        return {"anyOf": [{"enum": known}, {"type": "string"}]}
    if not issubclass(target, Model):
        raise TypeError(f"type {node.name!r} is neither a model nor an enum")
    _define(target, defs)
    return {"$ref": f"#/$defs/{target.__name__}"}


def _with_rules(value: dict[str, Any], f: Field) -> dict[str, Any]:
    for rule, parameter in {**f.rules, **f.service_rules}.items():
        if rule in _KEYWORDS:
            value[_KEYWORDS[rule]] = parameter
        elif rule == "pattern":
            value["pattern"] = ecma_pattern(parameter)
        elif rule == "constant":
            value["const"] = f.default
    return value


def _nullable(value: dict[str, Any]) -> dict[str, Any]:
    """Also allow `null`, which batchprep reads as "not given"."""
    kind = value.get("type")
    if isinstance(kind, str):
        value["type"] = [kind, "null"]
    elif isinstance(kind, list):
        value["type"] = [*kind, "null"]
    elif not value:  # any JSON value: null included already
        pass
    elif list(value) == ["anyOf"]:
        value["anyOf"] = [*value["anyOf"], {"type": "null"}]
    else:
        value = {"anyOf": [value, {"type": "null"}]}
    return value


def ecma_pattern(pattern: str) -> str:
    """A field's `pattern` (Python syntax, applied with `re.match`) in JSON Schema's syntax.

    `re.match` anchors at the start, JSON Schema's `pattern` searches anywhere, so the result starts
    with `^`; Python's `\\A` and `\\Z` become `^` and `$`.

    Raises:
        TypeError: the pattern uses Python-only syntax this function does not translate.

    Examples:
        >>> ecma_pattern(r"\\A[0-7]{3,4}\\Z")
        '^[0-7]{3,4}$'
        >>> ecma_pattern(r"[a-z]+")
        '^(?:[a-z]+)'
    """
    body = pattern
    start = "^"
    if body.startswith("\\A"):
        body = body[2:]
    elif body.startswith("^"):
        body = body[1:]
    else:
        body, start = f"(?:{body})", "^"
    end = ""
    if re.search(r"(?<!\\)(?:\\\\)*\\Z$", body):
        body, end = body[:-2], "$"
    if re.search(r"(?<!\\)(?:\\\\)*\\[AZ]|\(\?P", body):
        raise TypeError(f"pattern {pattern!r} uses Python-only syntax that JSON Schema cannot express")
    return start + body + end


def _summary(cls: type) -> str:
    """The first paragraph of a class docstring, on one line."""
    doc = inspect.getdoc(cls) or cls.__name__
    return " ".join(doc.split("\n\n")[0].split())


_CODE_SPAN = re.compile(r"``?([^`]+?)``?")


def _attribute_docs(cls: type[Model]) -> dict[str, str]:
    """Field name -> its description from the `Attributes:` section of the class docstring.

    Code spans (in single or double backquotes) holding a Python attribute name become the REST key
    in single backquotes, and Python's `True`, `False` and `None` become JSON's.
    """
    doc = inspect.getdoc(cls) or ""
    _, found, section = doc.partition("\nAttributes:\n")
    if not found:
        return {}
    names = {f.name: f.wire_key for f in cls._bp_fields}
    wire = {**names, "True": "true", "False": "false", "None": "null"}
    docs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in section.splitlines():
        entry = re.match(r"    (\w+): (.*)", line)
        if entry and entry.group(1) in names:
            current = docs[entry.group(1)] = [entry.group(2)]
        elif line.startswith("        ") and current is not None:
            current.append(line.strip())
        else:
            break
    return {
        name: _CODE_SPAN.sub(lambda m: f"`{wire.get(m.group(1), m.group(1))}`", " ".join(words))
        for name, words in docs.items()
    }
