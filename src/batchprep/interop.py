"""Conversion between batchprep models and the official Azure Batch SDK's models.

Two generations of the ``azure-batch`` package are covered, each by a pair of functions:

* azure-batch 14.x, the msrest-based models (``azure.batch.models.JobPreparationTask``...):
  `to_msrest_model` and `from_msrest_model`;
* azure-batch 15.x, the new SDK (``azure.batch.models.BatchJobPreparationTask``...):
  `to_batch_v15` and `from_batch_v15`.

Every model of the family converts, not only the task: the Job Release Task and the status models
(``JobPreparationAndReleaseTaskExecutionInformation`` and what it holds) too, and the whole tree
below each converts with it.  Nothing is shared between the two sides afterwards: lists, nested
models and ``additional_properties`` are copied.  docs/interop.md has the table of every class,
attribute and enum member that 15.x renamed.

What the conversions keep, in both directions:

* every field both sides have, with enum members mapped to the other side's member of the same
  value and other enum strings (even ones a newer service sent) kept exactly as they are; a 15.x
  model holds strings only, and what is exactly a known value comes back as batchprep's member;
* durations: ``timedelta`` values, and for 15.x the ISO 8601 text batchprep writes (a duration read
  from a REST body keeps its original text);
* timestamps: ``datetime`` values, and for 15.x the ``iso-8601`` text msrest writes (UTC, ``Z``);
* ``additional_properties``: 14.x models have the same attribute; a 15.x model is a mapping over its
  REST body, so they become (and come back from) the keys of that mapping that no field uses.

A field the other side cannot hold is never dropped silently: `UnsupportedFieldError` names
it, with its path in the REST body, unless the caller asks for ``drop_unsupported=True``.  Today that
is ``TaskContainerSettings.container_host_batch_bind_mounts``, which azure-batch 14.x lacks.
`batchprep.JobPreparationAndRelease` has no counterpart in either generation: convert its two tasks.

The ``azure`` packages are imported when a conversion runs, never when this module is imported, so
batchprep works without them; the ``azure14`` and ``azure15`` extras install them.
"""

from __future__ import annotations

import abc
import copy
import enum
import importlib
import importlib.metadata
from collections.abc import Mapping
from types import ModuleType
from typing import Any, TypeVar, cast, overload

from batchprep import _primitives, _types
from batchprep._fields import Field
from batchprep._rules import pointer
from batchprep.durations import format_duration, parse_duration
from batchprep.errors import BatchprepError, SerializationError
from batchprep.model import Model
from batchprep.models import (
    AutoUserSpecification,
    ComputeNodeIdentityReference,
    ContainerHostBatchBindMountEntry,
    ContainerRegistry,
    EnvironmentSetting,
    JobPreparationAndRelease,
    JobPreparationAndReleaseTaskExecutionInformation,
    JobPreparationTask,
    JobPreparationTaskExecutionInformation,
    JobReleaseTask,
    JobReleaseTaskExecutionInformation,
    NameValuePair,
    ResourceFile,
    TaskConstraints,
    TaskContainerExecutionInformation,
    TaskContainerSettings,
    TaskFailureInformation,
    UserIdentity,
)

__all__ = ["UnsupportedFieldError", "from_batch_v15", "from_msrest_model", "to_batch_v15", "to_msrest_model"]

_M = TypeVar("_M", bound=Model)

#: The model classes that convert, by their batchprep name.
_FAMILY: dict[str, type[Model]] = {
    cls.__name__: cls
    for cls in (
        JobPreparationTask,
        TaskContainerSettings,
        ContainerRegistry,
        ComputeNodeIdentityReference,
        ContainerHostBatchBindMountEntry,
        ResourceFile,
        EnvironmentSetting,
        TaskConstraints,
        UserIdentity,
        AutoUserSpecification,
        JobReleaseTask,
        JobPreparationAndReleaseTaskExecutionInformation,
        JobPreparationTaskExecutionInformation,
        JobReleaseTaskExecutionInformation,
        TaskContainerExecutionInformation,
        TaskFailureInformation,
        NameValuePair,
        JobPreparationAndRelease,
    )
}
#: What a message adds when a batchprep class has no counterpart in an SDK generation.
_NO_COUNTERPART_HINT = {
    "JobPreparationAndRelease": (
        ": it is batchprep's view of a job's two tasks; convert job_preparation_task and job_release_task"
        " and set them on the SDK's job model"
    ),
}


class UnsupportedFieldError(BatchprepError, ValueError):
    """A field is set that the other side of a conversion has no place for.

    Attributes:
        path: A JSON pointer to the field in the REST body, e.g.
            ``'/containerSettings/containerHostBatchBindMounts'``.
        target: The field as ``Class.attribute``, named on the side that has it.
    """

    def __init__(self, message: str, *, path: str, target: str) -> None:
        super().__init__(message)
        self.path = path
        self.target = target


# --- the two SDK generations ---------------------------------------------------------------------


class _Sdk(abc.ABC):
    """One generation of azure-batch: where its models are and how they hold their values.

    The subclasses fill in what differs; the walkers below do the rest, the same way for both.
    """

    #: How messages name the generation, e.g. ``'azure-batch 14.x'``.
    label: str
    #: The major version of azure-batch.
    major: int
    #: The batchprep extra that installs it.
    extra: str
    #: batchprep class or enum name -> the SDK's name, where they differ.
    renamed: Mapping[str, str] = {}

    def require(self) -> None:
        """Check that azure-batch of this generation is installed (once per conversion: it reads metadata).

        Raises:
            ImportError: azure-batch is not installed, or another major version of it is.
        """
        hint = f"install it with: pip install 'batchprep[{self.extra}]'"
        try:
            version = importlib.metadata.version("azure-batch")
        except importlib.metadata.PackageNotFoundError:
            raise ImportError(
                f"converting batchprep models to or from {self.label} models needs the azure-batch package, "
                f"which is not installed; {hint}"
            ) from None
        if version.split(".")[0] != str(self.major):
            raise ImportError(
                f"converting batchprep models to or from {self.label} models needs azure-batch "
                f">={self.major},<{self.major + 1}, but azure-batch {version} is installed; {hint}"
            )

    def models(self) -> ModuleType:
        """``azure.batch.models`` (imported on first use; `require` has checked its version)."""
        return importlib.import_module("azure.batch.models")

    def their_class(self, ours: type[Model]) -> Any:
        """The SDK's class for a batchprep class, or ``None`` if this generation has none."""
        return getattr(self.models(), self.renamed.get(ours.__name__, ours.__name__), None)

    def counterpart(self, ours: type[Model]) -> Any:
        """The SDK's class for a batchprep class.

        Raises:
            TypeError: this generation has no such class.
        """
        theirs = self.their_class(ours)
        if theirs is None:
            hint = _NO_COUNTERPART_HINT.get(ours.__name__, "")
            raise TypeError(f"{self.label} has no model for batchprep's {ours.__name__}{hint}")
        return theirs

    def our_class(self, obj: Any) -> type[Model] | None:
        """The batchprep class for an SDK object, or ``None`` if it is not one of the family's models."""
        for ours in _FAMILY.values():
            theirs = self.their_class(ours)
            if theirs is not None and isinstance(obj, theirs):
                return ours
        return None

    def accepts(self, obj: Any, ours: type[Model]) -> bool:
        """Whether ``obj`` may stand for a nested model of class ``ours``."""
        theirs = self.their_class(ours)
        return theirs is not None and isinstance(obj, theirs)

    def lacks(self, theirs: Any, f: Field) -> bool:
        """Whether the SDK class ``theirs`` has no place for the batchprep field ``f``."""
        return False

    def extra_fields(self, obj: Any, ours: type[Model]) -> list[tuple[str, str]]:
        """Fields set on ``obj`` that batchprep's class lacks: (attribute name, REST key) pairs."""
        return []

    @abc.abstractmethod
    def build(
        self, ours: type[Model], theirs: Any, values: dict[Field, Any], extras: dict[str, Any], path: str
    ) -> Any:
        """Make an SDK object of class ``theirs`` (for ``ours``) from converted values and additional properties."""
        raise NotImplementedError

    @abc.abstractmethod
    def read(self, obj: Any, f: Field) -> Any:
        """The raw value an SDK object holds for the batchprep field ``f`` (``None`` when unset)."""
        raise NotImplementedError

    @abc.abstractmethod
    def additional(self, obj: Any, ours: type[Model]) -> dict[str, Any]:
        """A copy of what an SDK object holds beyond its fields."""
        raise NotImplementedError

    def duration_out(self, value: Any) -> Any:
        """A batchprep duration as the SDK object holds it."""
        return value

    def timestamp_out(self, value: Any) -> Any:
        """A batchprep timestamp (a ``datetime``) as the SDK object holds it."""
        return copy.copy(value)

    def enum_out(self, value: Any, ours: type[enum.Enum]) -> Any:
        """An enum value for the SDK: a member becomes the SDK's member of the same value.

        A plain string is left as it is, letter case included: both sides accept strings, and a
        value unknown to either side (one a newer service sent) must survive the trip.
        """
        if not isinstance(value, enum.Enum):
            return value
        theirs = getattr(self.models(), self.renamed.get(ours.__name__, ours.__name__), None)
        return _member(theirs, value.value) if theirs is not None else value.value

    def enum_in(self, raw: Any, ours: type[enum.Enum]) -> Any:
        """batchprep's value for an enum value an SDK object holds: our member for a member, else as it is."""
        return _member(ours, raw.value) if isinstance(raw, enum.Enum) else raw


class _Msrest14(_Sdk):
    """azure-batch 14.x: msrest models, with batchprep's class and attribute names."""

    label = "azure-batch 14.x"
    major = 14
    extra = "azure14"

    def lacks(self, theirs: Any, f: Field) -> bool:
        return f.name not in theirs._attribute_map

    def extra_fields(self, obj: Any, ours: type[Model]) -> list[tuple[str, str]]:
        known = {f.name for f in ours._bp_fields} | {"additional_properties"}
        return [
            (name, desc["key"])
            for name, desc in type(obj)._attribute_map.items()
            if name not in known and getattr(obj, name, None) is not None
        ]

    def build(
        self, ours: type[Model], theirs: Any, values: dict[Field, Any], extras: dict[str, Any], path: str
    ) -> Any:
        obj = theirs(**{f.name: value for f, value in values.items()})
        obj.additional_properties = extras
        return obj

    def read(self, obj: Any, f: Field) -> Any:
        # Only what msrest would send: an attribute outside the class's map is not part of the model.
        return getattr(obj, f.name, None) if f.name in type(obj)._attribute_map else None

    def additional(self, obj: Any, ours: type[Model]) -> dict[str, Any]:
        return copy.deepcopy(dict(getattr(obj, "additional_properties", None) or {}))


class _Batch15(_Sdk):
    """azure-batch 15.x: models that are mappings over their REST body, some classes renamed.

    The objects are built from, and read through, that mapping by REST key: the keys are batchprep's,
    whatever the attribute names, and the mapping holds values as they go on the wire (durations as
    ISO 8601 text, enums as strings).
    """

    label = "azure-batch 15.x"
    major = 15
    extra = "azure15"
    renamed = {
        "JobPreparationTask": "BatchJobPreparationTask",
        "TaskContainerSettings": "BatchTaskContainerSettings",
        "ContainerRegistry": "ContainerRegistryReference",
        "ComputeNodeIdentityReference": "BatchNodeIdentityReference",
        "TaskConstraints": "BatchTaskConstraints",
        "JobReleaseTask": "BatchJobReleaseTask",
        "JobPreparationAndReleaseTaskExecutionInformation": "BatchJobPreparationAndReleaseTaskStatus",
        "JobPreparationTaskExecutionInformation": "BatchJobPreparationTaskExecutionInfo",
        "JobReleaseTaskExecutionInformation": "BatchJobReleaseTaskExecutionInfo",
        "TaskContainerExecutionInformation": "BatchTaskContainerExecutionInfo",
        "TaskFailureInformation": "BatchTaskFailureInfo",
        # enums
        "JobPreparationTaskState": "BatchJobPreparationTaskState",
        "JobReleaseTaskState": "BatchJobReleaseTaskState",
        "TaskExecutionResult": "BatchTaskExecutionResult",
        "ErrorCategory": "BatchErrorSourceCategory",
    }

    def accepts(self, obj: Any, ours: type[Model]) -> bool:
        # A 15.x model keeps a plain dict set through its mapping interface, and reads it as the model.
        return type(obj) is dict or super().accepts(obj, ours)

    def build(
        self, ours: type[Model], theirs: Any, values: dict[Field, Any], extras: dict[str, Any], path: str
    ) -> Any:
        body = {f.wire_key: value for f, value in values.items() if value is not None}
        taken = {f.wire_key: f for f in ours._bp_fields}
        for key, value in extras.items():
            if key in taken:
                raise ValueError(
                    f"{path or '/'}: additional_properties has the key {key!r}, which is the REST key of "
                    f"{taken[key].owner}.{taken[key].name}; a {self.label} model holds both in one mapping, "
                    "so remove one of them"
                )
            body[key] = value
        return theirs(body)

    def read(self, obj: Any, f: Field) -> Any:
        return obj.get(f.wire_key)

    def additional(self, obj: Any, ours: type[Model]) -> dict[str, Any]:
        known = {f.wire_key for f in ours._bp_fields}
        return {key: _plain(value) for key, value in obj.items() if key not in known}

    def enum_in(self, raw: Any, ours: type[enum.Enum]) -> Any:
        # The mapping holds strings only; like the 15.x attributes, show the values batchprep knows as members.
        return _member(ours, raw.value if isinstance(raw, enum.Enum) else raw)

    def duration_out(self, value: Any) -> Any:
        # The text, not the timedelta: azure-batch 15.1 writes a zero duration as "P", which it cannot
        # read back, and a negative one in a form isodate refuses.
        return format_duration(value)

    def timestamp_out(self, value: Any) -> Any:
        # The mapping holds wire values: the text msrest (and batchprep) writes, which 15.x reads.
        return _primitives.dump_iso(value)


_V14 = _Msrest14()
_V15 = _Batch15()


def _named(owner: type[Model], node: _types.Named) -> type[Model] | type[enum.Enum]:
    """The model or enum class a field of ``owner`` names."""
    return cast("type[Model] | type[enum.Enum]", owner._bp_resolve()[node.name])


def _plain(value: Any) -> Any:
    """A deep copy of ``value`` in which every mapping (15.x models included) is a plain dict."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return copy.deepcopy(value)


# --- batchprep -> SDK --------------------------------------------------------------------------


def _export(model: Model, sdk: _Sdk, path: str, drop: bool) -> Any:
    """The SDK object for a batchprep model (whose types are known to be right)."""
    ours = _family_class(model)
    theirs = sdk.counterpart(ours)
    values: dict[Field, Any] = {}
    for f in ours._bp_fields:
        value = getattr(model, f.name, None)
        where = path + pointer(f.wire_key)
        if sdk.lacks(theirs, f):
            if value is None or drop:
                continue
            raise UnsupportedFieldError(
                f"{where}: {ours.__name__}.{f.name} is set, but {sdk.label} has no such field "
                f"({_sdk_name(theirs)}); leave it unset, or pass drop_unsupported=True "
                "to leave it out of the conversion",
                path=where,
                target=f"{ours.__name__}.{f.name}",
            )
        values[f] = None if value is None else _export_value(value, f.node, ours, sdk, where, drop)
    return sdk.build(ours, theirs, values, copy.deepcopy(model.additional_properties or {}), path)


def _export_value(value: Any, node: _types.TypeNode | None, owner: type[Model], sdk: _Sdk, path: str, drop: bool) -> Any:
    if isinstance(node, _types.ListOf):
        return [_export_value(item, node.item, owner, sdk, path + pointer(i), drop) for i, item in enumerate(value)]
    if isinstance(node, _types.DictOf):
        return {key: _export_value(item, node.item, owner, sdk, path + pointer(key), drop) for key, item in value.items()}
    if isinstance(node, _types.Named):
        named = _named(owner, node)
        if issubclass(named, enum.Enum):
            return sdk.enum_out(value, named)
        return _export(value, sdk, path, drop)
    if isinstance(node, _types.Primitive) and node.name == "duration":
        return sdk.duration_out(value)
    if isinstance(node, _types.Primitive) and node.name == "iso-8601":
        return sdk.timestamp_out(value)
    return copy.deepcopy(value)


def _family_class(model: Any) -> type[Model]:
    """The class of the family ``model`` is an instance of (it may be a subclass).

    Raises:
        TypeError: ``model`` is not a batchprep model of the family.
    """
    for cls in type(model).__mro__:
        if _FAMILY.get(cls.__name__) is cls:
            return cls
    raise TypeError(f"expected a batchprep model of the Job Preparation Task family, found {_qualname(model)}")


def _to(model: Model, sdk: _Sdk, drop: bool) -> Any:
    _family_class(model)
    sdk.require()
    problems = [problem for problem in model.validate() if problem.rule == "type"]
    if problems:
        raise SerializationError(f"{type(model).__name__} cannot be converted to {sdk.label} models", problems)
    return _export(model, sdk, "", drop)


# --- SDK -> batchprep --------------------------------------------------------------------------


def _import(obj: Any, ours: type[_M], sdk: _Sdk, path: str, drop: bool) -> _M:
    """The batchprep model for an SDK object already known to stand for class ``ours``."""
    values: dict[str, Any] = {}
    for f in ours._bp_fields:
        if f.in_init:
            values[f.name] = _import_value(sdk.read(obj, f), f.node, ours, sdk, path + pointer(f.wire_key), drop)
    extra = sdk.extra_fields(obj, ours)
    if extra and not drop:
        name, key = extra[0]
        where = path + pointer(key)
        raise UnsupportedFieldError(
            f"{where}: {type(obj).__name__}.{name} is set, but batchprep's {ours.__name__} has no such "
            "field; pass drop_unsupported=True to leave it out of the conversion",
            path=where,
            target=f"{type(obj).__name__}.{name}",
        )
    return ours(**values, additional_properties=sdk.additional(obj, ours))


def _import_value(raw: Any, node: _types.TypeNode | None, owner: type[Model], sdk: _Sdk, path: str, drop: bool) -> Any:
    if raw is None:
        return None
    if isinstance(node, (_types.ListOf, _types.DictOf)):
        return _import_container(raw, node, owner, sdk, path, drop)
    if isinstance(node, _types.Named):
        named = _named(owner, node)
        if issubclass(named, enum.Enum):
            return sdk.enum_in(raw, named)
        if not sdk.accepts(raw, named):
            raise TypeError(f"{path}: expected {_sdk_name(sdk.counterpart(named))}, found {_qualname(raw)}")
        return _import(raw, named, sdk, path, drop)
    if isinstance(node, _types.Primitive) and node.name == "duration" and isinstance(raw, str):
        try:
            return parse_duration(raw)
        except ValueError as err:
            raise ValueError(f"{path}: {err}") from None
    if isinstance(node, _types.Primitive) and node.name == "iso-8601" and isinstance(raw, str):
        try:
            return _primitives.CODECS["iso-8601"].load(raw)
        except _primitives.Invalid as err:
            raise ValueError(f"{path}: {err}: {raw!r}") from None
    return copy.deepcopy(raw)


def _import_container(
    raw: Any, node: _types.ListOf | _types.DictOf, owner: type[Model], sdk: _Sdk, path: str, drop: bool
) -> Any:
    if isinstance(node, _types.ListOf):
        if not isinstance(raw, list):
            raise TypeError(f"{path}: expected a list, found {_qualname(raw)}")
        return [_import_value(item, node.item, owner, sdk, path + pointer(i), drop) for i, item in enumerate(raw)]
    if not isinstance(raw, Mapping):
        raise TypeError(f"{path}: expected a dict, found {_qualname(raw)}")
    return {key: _import_value(item, node.item, owner, sdk, path + pointer(key), drop) for key, item in raw.items()}


def _member(enum_cls: Any, value: Any) -> Any:
    """The member of ``enum_cls`` with exactly this value, or the value itself if there is none."""
    try:
        return enum_cls(value)
    except ValueError:
        return value


def _from(obj: Any, model: type[Model] | None, sdk: _Sdk, drop: bool) -> Model:
    sdk.require()
    ours = sdk.our_class(obj)
    if ours is None or (model is not None and ours is not model):
        if model is None:
            expected = "a model of the Job Preparation Task family"
        else:
            expected = _sdk_name(sdk.counterpart(model))
        raise TypeError(f"expected {expected} ({sdk.label}), found {_qualname(obj)}")
    return _import(obj, ours, sdk, "", drop)


def _sdk_name(theirs: Any) -> str:
    """How messages name an SDK class: by the module users import it from."""
    return f"azure.batch.models.{theirs.__name__}"


def _qualname(value: Any) -> str:
    cls = type(value)
    return cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


# --- the public functions ------------------------------------------------------------------------


def to_msrest_model(model: Model, *, drop_unsupported: bool = False) -> Any:
    """Convert a batchprep model, and the tree below it, to azure-batch 14.x (msrest) models.

    Args:
        model: A model of the family, e.g. a `batchprep.JobPreparationTask`.
        drop_unsupported: Leave out fields azure-batch 14.x has no place for (the bind mounts of
            ``TaskContainerSettings``) instead of raising.

    Returns:
        The ``azure.batch.models`` object of the same class name, e.g.
        ``azure.batch.models.JobPreparationTask``.

    Raises:
        UnsupportedFieldError: a field azure-batch 14.x lacks is set (and ``drop_unsupported`` is false).
        SerializationError: a value has the wrong Python type; ``errors`` lists every such problem.
        TypeError: ``model`` is not a model of the family.
        ImportError: azure-batch 14.x is not installed (the ``azure14`` extra installs it).
    """
    return _to(model, _V14, drop_unsupported)


@overload
def from_msrest_model(obj: Any, *, drop_unsupported: bool = False) -> Model: ...
@overload
def from_msrest_model(obj: Any, model: type[_M], *, drop_unsupported: bool = False) -> _M: ...
def from_msrest_model(obj: Any, model: type[Model] | None = None, *, drop_unsupported: bool = False) -> Model:
    """Convert an azure-batch 14.x (msrest) model, and the tree below it, to batchprep.

    Args:
        obj: An ``azure.batch.models`` object of the family, e.g. ``azure.batch.models.JobPreparationTask``.
        model: The batchprep class expected (e.g. ``JobPreparationTask``): the result is typed as it, and
            ``obj`` must be its azure-batch counterpart. Without it, the class follows ``obj``.
        drop_unsupported: Leave out fields batchprep has no place for instead of raising (azure-batch
            14.2 has none).

    Returns:
        The batchprep model of the same class name.

    Raises:
        TypeError: ``obj``, or a model inside it, is not the azure-batch 14.x class expected there.
        ValueError: a duration or a timestamp held as text is not ISO 8601.
        UnsupportedFieldError: a field batchprep lacks is set (and ``drop_unsupported`` is false).
        ImportError: azure-batch 14.x is not installed (the ``azure14`` extra installs it).
    """
    return _from(obj, model, _V14, drop_unsupported)


def to_batch_v15(model: Model) -> Any:
    """Convert a batchprep model, and the tree below it, to azure-batch 15.x models.

    The 15.x classes have other names for most of the family's models (``BatchJobPreparationTask``,
    ``BatchJobReleaseTask``, ``BatchJobPreparationAndReleaseTaskStatus``...; docs/interop.md has the
    table), and ``user_name`` is ``username`` there. Every batchprep field has a place in them.

    Args:
        model: A model of the family, e.g. a `batchprep.JobPreparationTask`.

    Returns:
        The ``azure.batch.models`` object, e.g. ``azure.batch.models.BatchJobPreparationTask``.

    Raises:
        SerializationError: a value has the wrong Python type; ``errors`` lists every such problem.
        ValueError: a key of ``additional_properties`` is also the REST key of one of the model's fields.
        TypeError: ``model`` is not a model of the family.
        ImportError: azure-batch 15.x is not installed (the ``azure15`` extra installs it).
    """
    return _to(model, _V15, False)


@overload
def from_batch_v15(obj: Any) -> Model: ...
@overload
def from_batch_v15(obj: Any, model: type[_M]) -> _M: ...
def from_batch_v15(obj: Any, model: type[Model] | None = None) -> Model:
    """Convert an azure-batch 15.x model, and the tree below it, to batchprep.

    Keys of the 15.x object's mapping that batchprep does not know (say, a property a newer service
    added) land in ``additional_properties``, as they do when batchprep reads a REST body.

    Args:
        obj: An ``azure.batch.models`` object of the family, e.g. ``BatchJobPreparationTask``.
        model: The batchprep class expected (e.g. ``JobPreparationTask``): the result is typed as it, and
            ``obj`` must be its azure-batch counterpart. Without it, the class follows ``obj``.

    Returns:
        The batchprep model, e.g. a `batchprep.JobPreparationTask` for a ``BatchJobPreparationTask``.

    Raises:
        TypeError: ``obj``, or a model inside it, is not the azure-batch 15.x class expected there.
        ValueError: a duration's or a timestamp's text is not ISO 8601.
        ImportError: azure-batch 15.x is not installed (the ``azure15`` extra installs it).
    """
    return _from(obj, model, _V15, False)
