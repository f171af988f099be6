"""Every problem of a REST body at once: reading problems and rule problems together.

`deserialize()` stops at values it cannot read (a number where text belongs, a malformed duration)
and `validate()` needs a model, so neither alone can list everything that is wrong with a document.
`check` does both: it reads what it can, validates the partly read model, and returns one list
of problems (errors) plus warnings (a body near the service's size limits, properties the model does
not declare).  It is what `batchprep check` runs.
"""

from __future__ import annotations

import datetime
import enum
import itertools
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from batchprep import _types
from batchprep._codegen import LoadMode, compiled
from batchprep.errors import DeserializationError, ValidationError
from batchprep.limits import size_warnings
from batchprep.lint import spelling
from batchprep.lint.findings import Finding
from batchprep.model import Model, _unpack
from batchprep.models import JobPreparationTask

__all__ = ["LintWarning", "Report", "Unparsable", "check", "check_text", "parse_text", "problems"]

#: The collecting reader: records every unreadable value and sets it to None in the model it returns.
_COLLECTING = LoadMode("rest")

#: Stand-ins for values that were present but unreadable, so that rules spanning several properties see
#: them as given ("exactly one source" must not answer "found none" for an `httpUrl` that is a number).
_STAND_INS: dict[str, Any] = {
    "str": "",
    "int": 0,
    "long": 0,
    "float": 0.0,
    "bool": False,
    "duration": datetime.timedelta(0),
}


@dataclass(frozen=True)
class LintWarning:
    """Something worth knowing about a body that does not make it invalid.

    Attributes:
        path: A JSON pointer into the REST body (`''` is the whole body).
        rule: `size` (near or over a request size limit), `unknown` (a property the model does not
            declare: kept when read, left out by `serialize()`), or for the bodies of
            `batchprep.lint.job`, `job` and `kind`.
        message: What was found, in words.
        severity: `warning`, or `info` for what is only worth knowing (what a body was read as).
    """

    path: str
    rule: str
    message: str
    severity: Literal["warning", "info"] = "warning"

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message} [{self.rule}]"


@dataclass(frozen=True)
class Report:
    """What `check` found in one document.

    Attributes:
        model: The model read from the document when it has no problem, else `None`.
        problems: Every reading and rule problem, in the order of the places they are about.
        warnings: Size and unknown-property warnings; they do not make the document invalid.
        behaviour: What the behaviour rules (`batchprep.lint.rules`) found, when the document has no
            problem: what the task will do on a node that its author likely did not mean.
    """

    model: Model | None
    problems: list[ValidationError] = field(default_factory=list)
    warnings: list[LintWarning] = field(default_factory=list)
    behaviour: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the document has no problem (warnings allowed)."""
        return not self.problems


def problems(document: Any, cls: type[Model] = JobPreparationTask) -> list[ValidationError]:
    """Every problem of a parsed REST body: what cannot be read, and what breaks a rule.

    Args:
        document: The body as `json.load` returns it (a dict for a well-formed body).
        cls: The model the body is for.

    Returns:
        Reading problems (wrong JSON types, malformed durations) and `validate()` problems of the
        part that could be read, in document order, at most one per place and rule. A value that was
        present but unreadable counts as given for the other rules, and rule problems about that
        value itself (or anything inside it) are left out: its reading problem says it all.
    """
    return check(document, cls).problems


class Unparsable(ValueError):
    """Text that holds no document: not JSON (or YAML), not UTF-8, too long.

    Attributes:
        problem: The problem, with rule ``document`` and the place of the mistake in its message.
    """

    def __init__(self, problem: ValidationError) -> None:
        super().__init__(str(problem))
        self.problem = problem


def parse_text(text: str | bytes, cls: type[Model] = JobPreparationTask, *, syntax: str = "json") -> Any:
    """The document in a body's text: JSON, read as `deserialize()` reads it, or YAML.

    Args:
        text: The text, or its bytes (UTF-8; YAML may also be UTF-16 with a byte order mark).
        cls: The model the body is for (named in the messages).
        syntax: `"json"` or `"yaml"` (read with PyYAML's `safe_load`, the `yaml` extra).

    Raises:
        Unparsable: the text cannot be parsed (or is not UTF-8, or is too long).
        ImportError: `syntax` is `"yaml"` and PyYAML is not installed.
        ValueError: `syntax` is neither `"json"` nor `"yaml"`.
    """
    if syntax == "yaml":
        import yaml  # only for YAML: it is an optional dependency

        try:
            return yaml.safe_load(text)
        except yaml.composer.ComposerError as err:
            if err.context != "expected a single document in the stream" or err.problem_mark is None:
                raise Unparsable(_whole_document(cls, f"the text is not YAML: {err.problem}")) from None
            second = err.problem_mark.line + 1
            raise Unparsable(
                _whole_document(
                    cls,
                    f"the file holds several YAML documents (the second starts at line {second}): batchprep reads "
                    "one body per file; put each task in a file of its own",
                )
            ) from None
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
            raise Unparsable(_whole_document(cls, f"the text is not YAML: {err.problem}{where}")) from None
        except yaml.YAMLError as err:
            raise Unparsable(_whole_document(cls, f"the text is not YAML: {' '.join(str(err).split())}")) from None
    if syntax != "json":
        raise ValueError(f"syntax must be 'json' or 'yaml', not {syntax!r}")
    try:
        return _unpack(cls, text, None)
    except DeserializationError as err:
        raise Unparsable(_whole_document(cls, err)) from None


def check_text(text: str | bytes, cls: type[Model] = JobPreparationTask, *, syntax: str = "json") -> Report:
    """`check` for the text of a body: JSON, read as `deserialize()` reads it, or YAML.

    Args:
        text: The text, or its bytes (UTF-8; YAML may also be UTF-16 with a byte order mark).
        cls: The model the body is for.
        syntax: `"json"` or `"yaml"` (read with PyYAML's `safe_load`, the `yaml` extra).

    Returns:
        The report; text that cannot be parsed (or is not UTF-8, or is too long) gives one problem with
        rule `document` and the place of the mistake in its message.

    Raises:
        ImportError: `syntax` is `"yaml"` and PyYAML is not installed.
        ValueError: `syntax` is neither `"json"` nor `"yaml"`.
    """
    try:
        document = parse_text(text, cls, syntax=syntax)
    except Unparsable as err:
        return Report(None, [err.problem])
    return check(document, cls)


def check(document: Any, cls: type[Model] | None = None, *, behaviour: bool = True) -> Report:
    """Read and validate a parsed REST body, or a model built in Python, collecting every problem and warning.

    Args:
        document: The body as `json.load` (or a YAML loader) returns it, or a model (a
            `batchprep.JobPreparationTask` built in code, say). Text is not parsed here: use
            `check_text` for that.
        cls: The model the body is for (`JobPreparationTask` when not given; a model's own class).
        behaviour: Also run the behaviour rules on a body without problems (`Report.behaviour`);
            `batchprep run`, which reports problems and warnings only, leaves them out.

    Returns:
        The same findings `batchprep check` reports for the body: reading and rule problems,
        misspelt properties and enum values (errors: the setting would not be sent), warnings, and
        for a valid task what the behaviour rules say.
    """
    if isinstance(document, Model):
        return _judged(document, cls or type(document), behaviour)
    if cls is None:
        cls = JobPreparationTask
    if isinstance(document, dict):
        try:
            model = cls.deserialize(document)
        except DeserializationError as err:
            if not err.errors:
                return Report(None, [_whole_document(cls, err)])
            reading = list(err.errors)
        else:
            return _judged(model, cls, behaviour)
    else:
        reading = []
    # The collecting reader finds the same problems again; what is wanted here is the partial model.
    again: list[ValidationError] = []
    partial: Model | None = compiled(cls, "load", _COLLECTING)(document, "", again)
    if partial is None:
        return Report(None, reading or again)
    misspelt, notes = spelling.problems_and_warnings(partial, cls)
    warnings = [LintWarning(*note) for note in notes] + _size(document)
    for problem in reading:
        _stand_in(partial, document, _tokens(problem.path))
    unreadable = [p.path for p in reading]
    seen = {(p.path, p.rule) for p in reading}
    found = list(reading)
    for problem in partial.validate():
        if (problem.path, problem.rule) in seen or any(_within(problem.path, place) for place in unreadable):
            continue
        seen.add((problem.path, problem.rule))
        found.append(problem)
    return Report(None, _in_document_order(cls, found + misspelt), warnings)


def _judged(model: Model, cls: type[Model], behaviour: bool = True) -> Report:
    """The report of a model read whole: its problems, the misspellings of its author, warnings, and
    (``behaviour``) what the behaviour rules say when nothing is wrong."""
    misspelt, notes = spelling.problems_and_warnings(model, cls)
    found = model.validate() + misspelt
    # A valid model is measured in the body the plain writer writes, trusting the check just made:
    # as_dict() would first generate a checking writer for every class, for this one measurement.
    sizes = _size(model if found else model._bp_dump(False, None, {}))
    warnings = [LintWarning(*note) for note in notes] + sizes
    rules = _behaviour(model) if behaviour and not found else []
    return Report(None if found else model, _in_document_order(cls, found), warnings, rules)


def _behaviour(model: Model) -> list[Finding]:
    """The behaviour rules' findings for a task, or for the two tasks of a job (paths from its root)."""
    from batchprep.lint.rules import behaviour_findings  # the rules import the models: load them late
    from batchprep.models import JobPreparationAndRelease, JobReleaseTask

    if isinstance(model, (JobPreparationTask, JobReleaseTask)):
        return behaviour_findings(model)
    if not isinstance(model, JobPreparationAndRelease):
        return []
    found = []
    for key, task in (("/jobPreparationTask", model.job_preparation_task), ("/jobReleaseTask", model.job_release_task)):
        if isinstance(task, (JobPreparationTask, JobReleaseTask)):
            found += [replace(f, path=key + f.path) for f in behaviour_findings(task)]
    return found


def _whole_document(cls: type[Model], err: DeserializationError | str) -> ValidationError:
    """A problem with the document as a whole: it cannot be parsed, or nests too deeply."""
    message = str(err) if isinstance(err, DeserializationError) else f"cannot read {cls.__name__}: {err}"
    return ValidationError("document", cls.__name__, path="", message=message)


def _size(body: Any) -> list[LintWarning]:
    try:
        return [LintWarning(w.path, "size", w.message) for w in size_warnings(body)]
    except (TypeError, ValueError):  # a partly read document with values JSON cannot hold (YAML dates)
        return []


def _tokens(path: str) -> list[str]:
    """The reference tokens of a JSON pointer (RFC 6901)."""
    return [t.replace("~1", "/").replace("~0", "~") for t in path.split("/")[1:]]


def _within(path: str, place: str) -> bool:
    return path == place or path.startswith(place + "/")


def _field(cls: type[Model], key: str) -> Any:
    return next((f for f in cls._bp_fields if f.wire_key == key), None)


def _stand_in(partial: Model, document: Any, tokens: list[str]) -> None:
    """Put a stand-in where the value at `tokens` was present in `document` but could not be read."""
    here: Any = partial
    node: _types.TypeNode | None = None
    resolved: dict[str, type] = {}
    for position, token in enumerate(tokens):
        if isinstance(here, Model):
            f = _field(type(here), token)
            if f is None or not isinstance(document, dict):
                return
            resolved, node = type(here)._bp_resolve(), f.node
            raw, value = document.get(token), getattr(here, f.name)
            if position == len(tokens) - 1:
                if value is None and raw is not None:
                    setattr(here, f.name, _stand_in_for(f.node, resolved))
                return
        elif isinstance(here, list) and isinstance(node, _types.ListOf) and isinstance(document, list):
            index = int(token) if token.isdigit() else -1
            if not 0 <= index < min(len(here), len(document)):
                return
            node, raw, value = node.item, document[index], here[index]
            if position == len(tokens) - 1:
                if value is None and raw is not None:
                    here[index] = _stand_in_for(node, resolved)
                return
        else:  # a dict of values, or a place the reader did not fill: nothing rules could see
            return
        here, document = value, raw


_stand_in_numbers = itertools.count()


def _stand_in_for(node: _types.TypeNode | None, resolved: dict[str, type]) -> Any:
    if isinstance(node, _types.Primitive):
        if node.name == "str":  # one of its own, so that it can never equal another value (unique names)
            return f"\x00unreadable-{next(_stand_in_numbers)}"
        return _STAND_INS.get(node.name)
    if isinstance(node, _types.ListOf):
        return []
    if isinstance(node, _types.DictOf):
        return {}
    if isinstance(node, _types.Named):
        target = resolved[node.name]
        if issubclass(target, enum.Enum):
            return ""
        return compiled(target, "load", _COLLECTING)({}, "", [])
    return None


def _in_document_order(cls: type[Model], found: list[ValidationError]) -> list[ValidationError]:
    """Sort problems by the place they are about: fields in declaration order, items by index.

    A problem about an object comes before the problems inside it; the sort is stable, so problems
    about one place keep the order they were found in.
    """

    def position(problem: ValidationError) -> tuple[int, ...]:
        here: Any = cls
        node: _types.TypeNode | None = None
        resolved: dict[str, type] = {}
        key: list[int] = []
        for token in _tokens(problem.path):
            if isinstance(here, type) and issubclass(here, Model):
                fields = here._bp_fields
                f = _field(here, token)
                if f is None:  # an unknown property: after the declared ones
                    key.append(len(fields))
                    break
                key.append(fields.index(f))
                node, resolved = f.node, here._bp_resolve()
            elif isinstance(node, _types.ListOf) and token.isdigit():
                key.append(int(token))
                node = node.item
            else:
                key.append(0)
                node = node.item if isinstance(node, _types.DictOf) else None
            here = resolved.get(node.name) if isinstance(node, _types.Named) else None
        return tuple(key)

    return sorted(found, key=position)
