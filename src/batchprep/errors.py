"""The exceptions batchprep raises, and the one error grammar they share.

Every problem names what is wrong, where it is (a JSON pointer into the REST body, built from wire
names) and what was expected.  The text is only built when something fails.
"""

from __future__ import annotations

from typing import Any

from batchprep.redact import mask_text

__all__ = ["BatchprepError", "DeserializationError", "SerializationError", "ValidationError"]

_EXCERPT = 60


def excerpt(value: Any) -> str:
    """A short, single-line rendering of a value for an error message, its secrets masked (then cut)."""
    try:
        text = mask_text(repr(value))
    except Exception:  # a broken __repr__ must not hide the real problem
        text = f"<{type(value).__name__} object>"
    text = text.replace("\n", "\\n")
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 3] + "..."


def article(name: str) -> str:
    """`name` with its indefinite article, as it is said: ``an EnvironmentSetting``, ``a UserIdentity``.

    Examples:
        >>> article("EnvironmentSetting"), article("AutoUserSpecification"), article("JobPreparationTask")
        ('an EnvironmentSetting', 'an AutoUserSpecification', 'a JobPreparationTask')
        >>> article("UserIdentity")
        'a UserIdentity'
    """
    first = name[:1].lower()
    # "U" sounds like "you" in the names of this family (UserIdentity, UniqueId): "a"
    vowel = first in "aeio" or (first == "u" and not name.lower().startswith(("us", "uni", "uti")))
    return f"{'an' if vowel and first else 'a'} {name}"


def json_type(value: Any) -> str:
    """The name a JSON reader would give a value's type (``string``, ``array``…), else its Python type."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class BatchprepError(Exception):
    """Base class of every batchprep error."""


class ValidationError(BatchprepError):
    """One problem found in a model or a document.

    Attributes:
        rule: The rule that failed, in msrest's vocabulary (``required``, ``max_length``, ``pattern``…)
            or batchprep's (``type``, ``format``).
        target: ``Class.attribute`` as msrest names it, e.g. ``'TaskContainerSettings.image_name'``.
        path: A JSON pointer into the REST body, e.g. ``'/environmentSettings/1/name'``.
        message: What was expected, in words.
        value: The rule's parameter, as msrest stores it (e.g. ``64`` for ``max_length``).
        expected: For ``type`` and ``format`` problems, what the place should hold (``'a string'``).
        found: For ``type`` and ``format`` problems, what it held, in words (``'number 5'``); secrets
            are never quoted.
        service_rule: For a broken Batch service rule (one batchprep checks and msrest does not), the
            rule's name (``'release-wall-clock-limit'``...): what ``validate(waive=...)`` and
            ``serialize(waive=...)`` take to let it pass. ``''`` for msrest's own rules and for
            ``type`` and ``format`` problems, which cannot be waived. docs/service-rules.md lists them.
    """

    def __init__(
        self,
        rule: str,
        target: str,
        value: Any = None,
        *,
        path: str = "",
        message: str = "",
        expected: str = "",
        found: str = "",
        service_rule: str = "",
    ) -> None:
        self.rule = rule
        self.target = target
        self.value = value
        self.path = path
        self.message = message or f"failed the {rule} rule"
        self.expected = expected
        self.found = found
        self.service_rule = service_rule
        super().__init__(f"{path or '/'}: {self.message} [{rule}]")

    def __reduce__(self) -> Any:
        return (
            _rebuild_validation_error,
            (self.rule, self.target, self.value, self.path, self.message, self.expected, self.found, self.service_rule),
        )

    def __repr__(self) -> str:
        return f"ValidationError(rule={self.rule!r}, target={self.target!r}, path={self.path!r})"

    def with_path(self, path: str) -> ValidationError:
        """The same problem at another place (a body read inside a larger document, say)."""
        return ValidationError(
            self.rule,
            self.target,
            self.value,
            path=path,
            message=self.message,
            expected=self.expected,
            found=self.found,
            service_rule=self.service_rule,
        )


def _rebuild_validation_error(
    rule: str, target: str, value: Any, path: str, message: str, expected: str, found: str, service_rule: str = ""
) -> ValidationError:
    return ValidationError(
        rule, target, value, path=path, message=message, expected=expected, found=found, service_rule=service_rule
    )


class _ErrorList(BatchprepError, ValueError):
    """An error made of one or more `ValidationError` problems, all reported at once."""

    _what = "problem"

    def __init__(self, message: str, errors: list[ValidationError] | None = None) -> None:
        self.errors: list[ValidationError] = list(errors or [])
        self.summary = message
        if self.errors:
            lines = "\n".join(f"  {e}" for e in self.errors)
            count = len(self.errors)
            message = f"{message}: {count} {self._what}{'s' if count != 1 else ''}\n{lines}"
        super().__init__(message)

    @property
    def path(self) -> str:
        """The JSON pointer of the first problem ('' when the problem is the whole document)."""
        return self.errors[0].path if self.errors else ""

    def __reduce__(self) -> Any:
        return (type(self), (self.summary, self.errors))


class SerializationError(_ErrorList):
    """A model cannot be turned into a REST body; ``errors`` lists every problem with its path."""


class DeserializationError(_ErrorList):
    """A document cannot be read as a model; ``errors`` lists every problem with its path."""
