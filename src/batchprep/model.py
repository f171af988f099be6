"""The serialization base: `Model` and the class machinery behind it.

A subclass lists its fields with `batchprep.field`.  Class creation checks the declarations,
derives msrest's ``_attribute_map`` and ``_validation``, gives the class ``__slots__`` and a generated
keyword-only ``__init__``; the codecs (validate, serialize, deserialize) are generated on first use.
"""

from __future__ import annotations

import copyreg
import enum
import gc
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar, dataclass_transform

from batchprep import _codegen, _types, extractors, limits, service_rules, transformers
from batchprep._codegen import COLLECT, FAST, DumpMode, LoadMode, compiled
from batchprep._codegen import init as _init
from batchprep._codegen._source import build
from batchprep._fields import MISSING, EnumAttribute, Field, field
from batchprep._primitives import Invalid
from batchprep._registry import every_model as _every_model
from batchprep._registry import register_enum, registry
from batchprep.errors import DeserializationError, SerializationError, ValidationError, article
from batchprep.redact import mask_secrets, mask_text

__all__ = ["Model", "forget_compiled", "register_enum", "registry"]

_RESERVED = frozenset(
    {
        "additional_properties",
        "replace",
        "serialize",
        "deserialize",
        "as_dict",
        "from_dict",
        "validate",
        "is_xml_model",
        "enable_additional_properties_sending",
    }
)

_M = TypeVar("_M", bound="Model")
_resolve_lock = threading.Lock()
#: Where `Model._bp_resolve` keeps what it found, in the class's ``_bp_compiled`` dict.
_RESOLVED = ("resolved", None)


def forget_compiled(drop: Callable[[Any], bool]) -> None:
    """Drop the compiled functions whose ``_bp_compiled`` keys ``drop`` picks, in every model class.

    They are built again on next use. Under the compilation lock, so that no half-built set is published.
    """
    with _codegen._lock:
        for model in list(_every_model):
            compiled_fns = getattr(model, "__dict__", {}).get("_bp_compiled")
            if compiled_fns:
                for key in [k for k in compiled_fns if k != _RESOLVED and drop(k)]:
                    del compiled_fns[key]


_ADDITIONAL = object()


def _get_additional(self: Any) -> dict[str, Any]:
    extra: dict[str, Any] | None = self._bp_extra
    if extra is None:
        extra = self._bp_extra = {}
    return extra


def _set_additional(self: Any, value: dict[str, Any] | None) -> None:
    self._bp_extra = value


_ADDITIONAL_PROPERTY = property(
    _get_additional,
    _set_additional,
    doc="Properties of the REST body that the model does not declare (a dict of its own per object).",
)


def _additional_properties_field(*, default: Any = None) -> Any:
    """Field specifier for the base class's ``additional_properties`` (for type checkers only)."""
    return _ADDITIONAL


def _check_field(cls_name: str, name: str, f: Field) -> None:
    where = f"{cls_name}.{name}"
    if name.startswith("_"):
        raise TypeError(f"{where}: field names may not start with '_' (reserved for batchprep)")
    if name in _RESERVED:
        raise TypeError(f"{where}: the name {name!r} would shadow a Model method or attribute")
    if f.key == "" or any(part == "" for part in transformers.split_rest_key(f.key)):
        raise TypeError(f"{where}: empty REST key {f.key!r}")
    if len(transformers.split_rest_key(f.key)) > 1:
        raise TypeError(
            f"{where}: flattened REST key {f.key!r} is not supported; escape a literal dot as '\\\\.'"
        )
    try:
        f.node = _types.parse(f.type_text)
    except TypeError as err:
        raise TypeError(f"{where}: {err}") from None


def _enum_of(f: Field) -> type | None:
    """The enum class a field's type names, when that enum is registered already (scalars only)."""
    node = f.node
    if isinstance(node, _types.Named):
        found = registry.get(node.name)
        if isinstance(found, type) and issubclass(found, enum.Enum):
            return found
    return None


def _check_rules(cls_name: str, checks: Any, fields: list[Field]) -> None:
    """Each service rule's compiled form names known operations and fields, with as many as each takes,
    and the parameters each operation takes."""
    names = {f.name for f in fields}
    for rule in checks:
        for form in getattr(rule, "native", None) or ():
            where = f"{cls_name}: service rule {getattr(rule.report, '__name__', rule)!r}: native form {form!r}"
            if not isinstance(form, tuple) or not form or form[0] not in service_rules.NATIVE_OPERATIONS:
                known = ", ".join(service_rules.NATIVE_OPERATIONS)
                raise TypeError(f"{where} is not one of the operations ({known}) followed by attribute names")
            least, most, taken, check = service_rules.NATIVE_OPERATIONS[form[0]]
            parameters, operands = form[1 : 1 + taken], form[1 + taken :]
            if len(parameters) < taken:
                raise TypeError(f"{where} takes {taken} parameters before its attribute names, not {len(parameters)}")
            problem = check(parameters) if check is not None else None
            if problem is not None:
                raise TypeError(f"{where} {problem}")
            if not least <= len(operands) <= (most or len(operands)):
                count = f"{least}" if least == most else f"at least {least}"
                raise TypeError(f"{where} takes {count} attribute names, not {len(operands)}")
            fields_read = operands[:1] if form[0] == "unique" else operands  # unique: (items, attribute of an item)
            unknown = [name for name in fields_read if name not in names]
            if unknown or not all(isinstance(name, str) for name in operands):
                raise TypeError(f"{where} names {unknown or operands!r}, which are not fields of {cls_name}")


@dataclass_transform(kw_only_default=True, field_specifiers=(field, _additional_properties_field))
class ModelMeta(type):
    """Builds model classes from their field declarations."""

    def __new__(mcls, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kwargs: Any) -> ModelMeta:
        own = {key: value for key, value in namespace.items() if isinstance(value, Field)}
        for key in own:
            del namespace[key]
        for key in [k for k, v in namespace.items() if v is _ADDITIONAL]:
            namespace[key] = _ADDITIONAL_PROPERTY
        inherited: list[Field] = []
        for base in reversed(bases):
            for f in getattr(base, "_bp_fields", ()):
                inherited = [g for g in inherited if g.name != f.name] + [f]
        annotations = namespace.get("__annotations__", {})
        for key, f in own.items():
            _check_field(name, key, f)
            f.name, f.owner = key, name
            f.annotation = annotations.get(key)
            f.wire_key = transformers.split_rest_key(f.key)[0]
        fields = [f for f in inherited if f.name not in own] + list(own.values())
        seen: dict[str, str] = {}
        for f in fields:
            if f.wire_key in seen:
                raise TypeError(f"{name}: fields {seen[f.wire_key]!r} and {f.name!r} share the REST key {f.wire_key!r}")
            seen[f.wire_key] = f.name
        enums = {key: enum_cls for key, f in own.items() if (enum_cls := _enum_of(f)) is not None}
        for key, f in own.items():
            f.slot = f"_bp_v_{key}" if key in enums and "__slots__" not in namespace else key
        namespace.setdefault("__slots__", tuple(f.slot for f in own.values()))
        namespace.setdefault("__match_args__", tuple(f.name for f in fields if f.in_init))
        cls: Any = super().__new__(mcls, name, bases, namespace, **kwargs)
        for key, f in own.items():
            if f.slot != key:  # an enum field: normalised when assigned, stored in its own slot
                type.__setattr__(cls, key, EnumAttribute(key, cls.__dict__[f.slot], enums[key]))
        _check_rules(name, cls._bp_checks, fields)
        cls._bp_fields = tuple(fields)
        # Everything batchprep later learns about the class goes into this dict, never into class
        # attributes: setting one would change the class's version tag, which the compiled walk watches.
        cls._bp_compiled = {}
        cls._attribute_map = {f.name: f.attribute_map_entry() for f in fields}
        cls._validation = {f.name: {k: v for k, v in f.rules.items()} for f in fields if f.rules}
        if cls.__dict__.get("_bp_send_additional") is None:
            cls._bp_send_additional = any(getattr(b, "_bp_send_additional", False) for b in bases)
        if cls._bp_send_additional:
            cls._attribute_map["additional_properties"] = {"key": "", "type": "{object}"}
        if "__init__" not in namespace:
            source, ns = _init.generate(cls, fields)
            cls.__init__ = build("__init__", cls, source, ns, {"__init__": f"Create {article(name)}."})["__init__"]
            cls.__init__.__annotations__ = {f.name: f.annotation for f in fields if f.in_init and f.annotation is not None}

        # What copy and pickle would otherwise store on the class at first use (and so change it).
        copyreg._slotnames(cls)  # type: ignore[attr-defined]
        if any(isinstance(base, ModelMeta) for base in bases):
            registry[name] = cls
            _every_model.add(cls)
        result: ModelMeta = cls
        return result


    @property
    def __signature__(cls) -> Any:
        """The constructor's signature, for `inspect.signature` and `help`: every keyword with its
        annotation and default (built on first use: `inspect` is not needed to import batchprep)."""
        import inspect

        hints = _type_hints(cls)
        empty = inspect.Parameter.empty
        params = [
            inspect.Parameter(
                f.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=empty if f.default is MISSING else f.default,
                annotation=hints.get(f.name, f.annotation if f.annotation is not None else empty),
            )
            for f in cls.__dict__.get("_bp_fields", ())
            if f.in_init
        ]
        extra = dict[str, Any] | None
        params.append(inspect.Parameter("additional_properties", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=extra))
        return inspect.Signature(params, return_annotation=None)


def _type_hints(cls: type) -> dict[str, Any]:
    """The class's annotations evaluated where it was defined; the text of those that cannot be."""
    import typing

    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - a name defined later, or not at all: show the text instead
        found: dict[str, Any] = {}
        for klass in reversed(cls.__mro__):
            found.update(klass.__dict__.get("__annotations__", {}))
        return found


class Model(metaclass=ModelMeta):
    """Base class of batchprep models: msrest's ``Model`` interface with compiled codecs.

    Subclasses declare fields with `batchprep.field` and get a keyword-only constructor,
    ``_attribute_map`` / ``_validation`` in msrest's format, and the methods below.
    """

    # _bp_extra holds additional_properties, created on first use: most objects never have any.
    __slots__ = ("_bp_extra", "__weakref__")
    __hash__ = None  # type: ignore[assignment]  # mutable and compared by value, like msrest models

    additional_properties: dict[str, Any] = _additional_properties_field(default=None)

    _attribute_map: ClassVar[dict[str, dict[str, Any]]]
    _validation: ClassVar[dict[str, dict[str, Any]]]
    _subtype_map: ClassVar[dict[str, dict[str, str]]] = {}
    #: Rules spanning several fields (`batchprep.service_rules.ServiceRule`), checked by
    #: ``validate()`` after the per-field ones.
    _bp_checks: ClassVar[tuple[Any, ...]] = ()
    _bp_fields: ClassVar[tuple[Field, ...]]
    _bp_compiled: ClassVar[dict[Any, Callable[..., Any]]]
    _bp_send_additional: ClassVar[bool]

    # --- class-level helpers -------------------------------------------------------------------

    @classmethod
    def _bp_resolve(cls) -> dict[str, type]:
        """The classes named in this class's field types, found once."""
        resolved: dict[str, type] | None = cls.__dict__["_bp_compiled"].get(_RESOLVED)
        if resolved is None:
            with _resolve_lock:
                found: dict[str, type] = {}
                for f in cls._bp_fields:
                    node = f.node
                    while isinstance(node, (_types.ListOf, _types.DictOf)):
                        node = node.item
                    if isinstance(node, _types.Named):
                        try:
                            found[node.name] = _types.resolve(node.name, cls.__module__)
                        except TypeError as err:
                            raise TypeError(f"{cls.__name__}.{f.name}: {err}") from None
                cls.__dict__["_bp_compiled"][_RESOLVED] = resolved = found
        return resolved

    @classmethod
    def enable_additional_properties_sending(cls) -> None:
        """Send ``additional_properties`` with this class's REST body (not its parents', unlike msrest)."""
        if cls is Model:
            raise TypeError("enable_additional_properties_sending() is called on a model class, not on Model")
        with _codegen._lock:
            cls._bp_send_additional = True
            cls._attribute_map = {**cls._attribute_map, "additional_properties": {"key": "", "type": "{object}"}}
            # Drop every compiled serializer: parents embed this class's function in theirs.
            forget_compiled(lambda key: type(key) is str or key[0] in ("dump", "serialize", "plan"))

    @classmethod
    def is_xml_model(cls) -> bool:
        """Whether the class declares an ``_xml_map`` (msrest's test for XML models)."""
        return hasattr(cls, "_xml_map")

    @classmethod
    def _create_xml_node(cls) -> Any:
        return _xml().model_node(cls)

    # --- the public codec methods ---------------------------------------------------------------

    def validate(self, *, waive: str | Iterable[str] | None = None) -> list[ValidationError]:
        """Check the whole tree; return every problem (empty when the model can be sent).

        Each `batchprep.ValidationError` has ``rule``, ``target`` (msrest's ``Class.attribute``)
        and ``path`` (a JSON pointer into the REST body); a broken Batch service rule also has its
        name in ``service_rule``.

        Args:
            waive: Service rule names (docs/service-rules.md) whose problems to leave out, for a
                service that accepts what a local rule refuses. Type and format problems and
                msrest's own rules are never left out.

        Raises:
            ValueError: ``waive`` holds a name that is no service rule's.
        """
        cls = type(self)
        if waive is not None:
            names = service_rules.waived(waive)
        if (cls._bp_compiled.get("validate") or _hot(cls, "validate", "validate", FAST))(self):
            return []
        errors: list[ValidationError] = []
        compiled(cls, "validate", COLLECT)(self, "", errors)
        if waive is not None:
            return [e for e in errors if e.service_rule not in names]
        return errors

    def serialize(self, keep_readonly: bool = False, **kwargs: Any) -> dict[str, Any]:
        """Return the REST body of this model (REST keys, ``None`` left out).

        Args:
            keep_readonly: Also write read-only attributes.
            **kwargs: ``is_xml=True`` returns an ``xml.etree.ElementTree.Element`` instead;
                ``key_transformer=`` picks other keys, as in `as_dict`;
                ``send_additional_properties=True`` (or ``False``) sends (or holds back) every object's
                ``additional_properties`` whatever `enable_additional_properties_sending` said,
                so a body read from the service goes back whole; ``waive=`` names Batch service
                rules to let pass for this call, as in `validate`.

        Raises:
            SerializationError: the model is not valid; ``errors`` lists every problem.
            ValueError: ``waive`` holds a name that is no service rule's.
        """
        if "waive" in kwargs:
            waive = kwargs.pop("waive")
            if waive is not None:
                errors = self.validate(waive=waive)
                if errors:
                    raise SerializationError(f"{type(self).__name__} cannot be serialized", errors)
                waived: dict[str, Any] = self._bp_dump(keep_readonly, kwargs.pop("key_transformer", None), kwargs)
                return waived
        if not kwargs and not hasattr(self, "_xml_map"):  # the common case: a JSON body
            try:
                cls = type(self)
                key = "serialize ro" if keep_readonly else "serialize"
                write = cls._bp_compiled.get(key) or _hot(cls, key, "serialize", _SERIALIZE_MODES[bool(keep_readonly)])
                checked: dict[str, Any] = write(self)
                return checked
            except Invalid:
                pass  # find every problem below (or, rarely, learn that the fast check was too cautious)
        transformer = kwargs.pop("key_transformer", None)
        body: dict[str, Any] = self._bp_checked_dump(self.validate, "cannot be serialized", keep_readonly, transformer, kwargs)
        return body

    def as_dict(
        self,
        keep_readonly: bool = True,
        key_transformer: Callable[[str, dict[str, Any], Any], Any] = transformers.attribute_transformer,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Return a JSON-compatible dict of the model, keyed as ``key_transformer`` says.

        Unlike `serialize`, missing required values are allowed (the dict may describe a partial
        model), but values of the wrong Python type are refused.

        Args:
            keep_readonly: Also write read-only attributes.
            key_transformer: ``attribute_transformer`` (the default: Python names),
                ``full_restapi_key_transformer``, ``last_restapi_key_transformer`` or any callable
                ``(key, attr_desc, value) -> (key or list of keys, value)``.
            **kwargs: ``is_xml=True`` returns an XML element instead; ``send_additional_properties``
                as in `serialize`.

        Raises:
            SerializationError: a value has the wrong type; ``errors`` lists every such problem.
        """
        keys = _KEYS_OF.get(key_transformer)
        if keys is not None and not kwargs and not hasattr(self, "_xml_map"):  # the common cases
            try:
                cls = type(self)
                if keys == "attr":
                    key = "as_dict attr ro" if keep_readonly else "as_dict attr"
                else:
                    key = "as_dict rest ro" if keep_readonly else "as_dict rest"
                write = cls._bp_compiled.get(key) or _hot(cls, key, "serialize", _AS_DICT_MODES[keys, bool(keep_readonly)])
                checked: dict[str, Any] = write(self)
                return checked
            except Invalid:
                pass  # report the problems below
        body: dict[str, Any] = self._bp_checked_dump(
            lambda: [e for e in self.validate() if e.rule == "type"],
            "cannot be converted to a dict",
            keep_readonly,
            key_transformer,
            kwargs,
        )
        return body

    def _bp_checked_dump(
        self,
        problems: Callable[[], list[ValidationError]],
        refusal: str,
        keep_readonly: bool,
        key_transformer: Any,
        options: dict[str, Any],
    ) -> Any:
        """Write the model once ``problems()`` finds none; raise `SerializationError` with them otherwise.

        The writer trusts what was just checked. If another thread or a finalizer changes a value in
        between and the writer fails on it (a timestamp that leaves the years 1 to 9999 in UTC raises
        OverflowError), the model is checked again, and what is wrong now is reported.
        """
        errors = problems()
        if not errors:
            try:
                return self._bp_dump(keep_readonly, key_transformer, options)
            except (AttributeError, TypeError, ValueError, OverflowError):
                errors = problems()
                if not errors:
                    raise
        raise SerializationError(f"{type(self).__name__} {refusal}", errors)

    def _bp_dump(self, keep_readonly: bool, key_transformer: Any, options: dict[str, Any]) -> Any:
        is_xml = options.pop("is_xml", None)
        additional = options.pop("send_additional_properties", None)
        if "exclude_readonly" in options:  # an azure-batch 15.x model writing the values it holds
            raise TypeError(
                f"a batchprep {type(self).__name__} is inside an azure-batch 15.x model, which writes only its own "
                "models: convert it first with batchprep.interop.to_batch_v15()"
            )
        if options:
            raise TypeError(
                f"unexpected keyword argument {next(iter(options))!r} "
                "(known: is_xml, key_transformer, send_additional_properties)"
            )
        if is_xml if is_xml is not None else self.is_xml_model():
            return _xml().dump(self, keep_readonly)
        cls = type(self)
        if additional is not None:
            additional = bool(additional)
        keys = "rest" if key_transformer is None else _KEYS_OF.get(key_transformer)
        if keys is not None:
            return compiled(cls, "dump", DumpMode(keys, keep_readonly, additional))(self)
        return compiled(cls, "dump", DumpMode("custom", keep_readonly, additional))(self, key_transformer)

    @classmethod
    def deserialize(cls: type[_M], data: Any, content_type: str | None = None) -> _M:
        """Read a REST body: a dict, JSON text or bytes, or XML with ``content_type='application/xml'``.

        Keys the model does not declare are kept in ``additional_properties``.

        Raises:
            DeserializationError: the document cannot be read; ``errors`` lists every problem.
        """
        return _finish(cls, "rest", _unpack(cls, data, content_type))

    @classmethod
    def from_dict(
        cls: type[_M], data: Any, key_extractors: list[Callable[..., Any]] | None = None, content_type: str | None = None
    ) -> _M:
        """Read a dict keyed by REST keys, attribute names or both, in any letter case.

        Args:
            data: The dict (JSON text and XML are read as in `deserialize`).
            key_extractors: Extractors tried in order for each attribute; the default is
                ``[attribute_key_case_insensitive_extractor, rest_key_case_insensitive_extractor,
                last_rest_key_case_insensitive_extractor]``.
            content_type: As in `deserialize`.

        Raises:
            DeserializationError: the document cannot be read; ``errors`` lists every problem.
        """
        document = _unpack(cls, data, content_type)
        if key_extractors is None or list(key_extractors) == _DEFAULT_EXTRACTORS:
            return _finish(cls, "ci", document)
        if list(key_extractors) == [extractors.rest_key_extractor]:
            return _finish(cls, "rest", document)
        return _finish(cls, "custom", document, list(key_extractors))

    # --- Python protocol ------------------------------------------------------------------------

    def replace(self: _M, **changes: Any) -> _M:
        """A new model with the same values but ``changes``, made by the constructor.

        The copy is shallow, as `dataclasses.replace`'s: lists and nested models are shared with this
        one. A misspelt or read-only name raises `TypeError`, as the constructor does; values set
        by the service (read-only fields) are kept. ``copy.replace(model, ...)`` calls this (Python
        3.13 and later).

        Examples:
            >>> from batchprep import EnvironmentSetting
            >>> EnvironmentSetting(name="A", value="1").replace(value="2")
            EnvironmentSetting(name='A', value='2')
        """
        cls = type(self)
        given: dict[str, Any] = {f.name: getattr(self, f.name, None) for f in cls._bp_fields if f.in_init}
        extra = getattr(self, "_bp_extra", None)
        given["additional_properties"] = dict(extra) if extra else None
        made = cls(**{**given, **changes})
        for f in cls._bp_fields:
            if not f.in_init and hasattr(self, f.name):
                setattr(made, f.name, getattr(self, f.name))
        return made

    __replace__ = replace

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, self.__class__):
            return NotImplemented if not isinstance(other, Model) else False
        for f in self._bp_fields:
            if getattr(self, f.name) != getattr(other, f.name):
                return False
        return (getattr(self, "_bp_extra", None) or {}) == (getattr(other, "_bp_extra", None) or {})

    def __repr__(self) -> str:
        parts = []
        for f in self._bp_fields:
            value = getattr(self, f.name, None)
            if value is None:
                continue
            if f.secret:
                shown = "'***'"
            elif isinstance(value, enum.Enum) and isinstance(value, str):
                shown = repr(str(value.value))  # as it was written: 'admin', not <ElevationLevel.admin: 'admin'>
            elif isinstance(value, str):  # a SAS URL can sit in any text: a command line, a value
                shown = repr(f.redact(value) if f.redact is not None else mask_text(value))
            else:
                shown = repr(value)
            parts.append(f"{f.name}={shown}")
        if getattr(self, "_bp_extra", None):
            parts.append(f"additional_properties={mask_secrets(self.additional_properties)!r}")
        return f"{type(self).__name__}({', '.join(parts)})"

    __str__ = __repr__


#: The key transformers whose keys a generated dumper writes directly (the others are called per key).
_KEYS_OF: dict[Any, str] = {
    transformers.attribute_transformer: "attr",
    transformers.full_restapi_key_transformer: "rest",
    transformers.last_restapi_key_transformer: "rest",
}
_AS_DICT_MODES = {
    (keys, ro): _codegen.SerializeMode(ro, keys=keys, strict=False) for keys in ("attr", "rest") for ro in (False, True)
}
_SERIALIZE_MODES = {False: _codegen.SerializeMode(False), True: _codegen.SerializeMode(True)}
_FAST_LOADS = {lookup: LoadMode(lookup, collect=False) for lookup in ("rest", "ci", "custom")}
_COLLECTING_LOADS = {lookup: LoadMode(lookup) for lookup in ("rest", "ci", "custom")}
_LOAD_KEYS = {lookup: f"load {lookup}" for lookup in ("rest", "ci", "custom")}
_DEFAULT_EXTRACTORS = [
    extractors.attribute_key_case_insensitive_extractor,
    extractors.rest_key_case_insensitive_extractor,
    extractors.last_rest_key_case_insensitive_extractor,
]


def _xml() -> Any:
    """The XML module, imported on first use: most programs never touch XML."""
    from batchprep import xml

    return xml


def _is_element(value: Any) -> bool:
    tree = sys.modules.get("xml.etree.ElementTree")
    return tree is not None and isinstance(value, tree.Element)


def _unpack(cls: type, data: Any, content_type: str | None) -> Any:
    """Turn text or bytes into a document: JSON unless the content type says XML."""
    if hasattr(data, "read"):
        data = data.read(limits.MAX_DOCUMENT_CHARS + 1)
    if isinstance(data, (str, bytes, bytearray)) and len(data) > limits.MAX_DOCUMENT_CHARS:
        raise DeserializationError(
            f"cannot read {cls.__name__}: the document is over {limits.MAX_DOCUMENT_CHARS:,} characters long"
        )
    if isinstance(data, (bytes, bytearray)):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise DeserializationError(f"cannot read {cls.__name__}: the bytes are not UTF-8 ({err.reason})") from None
    if not isinstance(data, str):
        return data
    data = data.lstrip("\ufeff")
    if content_type and "xml" in content_type.lower():
        return _xml().parse(cls, data)
    import json

    try:
        return json.loads(data)
    except ValueError as err:
        raise DeserializationError(f"cannot read {cls.__name__}: the text is not JSON ({err})") from None
    except RecursionError:
        raise DeserializationError(f"cannot read {cls.__name__}: the JSON nests too deeply") from None


def _hot(cls: Any, key: str, family: str, mode: Any) -> Callable[..., Any]:
    """``compiled(cls, family, mode)``, remembered under a short string for the public methods.

    The common calls look their function up under that string (whose hash Python keeps) instead of
    building and hashing a ``(family, mode)`` tuple on every call. Under the compilation lock, so
    that `Model.enable_additional_properties_sending` cannot drop the entry half-way.
    """
    with _codegen._lock:
        fn = compiled(cls, family, mode)
        cls._bp_compiled[key] = fn
    return fn


#: A document with this many items in its top-level lists counts as large (see _finish).
LARGE_DOCUMENT_ITEMS = 1000


def _large(document: dict[Any, Any]) -> bool:
    items = 0
    for value in document.values():
        if type(value) is list:
            items += len(value)
    return items >= LARGE_DOCUMENT_ITEMS


def _finish(cls: type[_M], lookup: str, document: Any, *extra: Any) -> _M:
    """Read ``document`` on the fast path; if it has any problem, read it again to report them all."""
    if type(document) is not dict and _is_element(document):  # XML has one reader, whatever the extractors
        loaded: _M = _xml().load(cls, document)
        return loaded
    errors: list[ValidationError] = []
    # A large document creates objects by the hundred thousand, and the cyclic garbage collector
    # would walk all of them again and again (time per item grows with the document). A tree read
    # from JSON holds no cycles, so the collector is paused while a large one is read.
    pause = type(document) is dict and _large(document) and gc.isenabled()
    if pause:
        gc.disable()
    try:
        try:
            key = _LOAD_KEYS[lookup]
            read = cls._bp_compiled.get(key) or _hot(cls, key, "load", _FAST_LOADS[lookup])
            fast: _M = read(document, *extra)
            return fast
        except Invalid:
            pass
        obj: _M | None = compiled(cls, "load", _COLLECTING_LOADS[lookup])(document, "", errors, *extra)
    except RecursionError:
        raise DeserializationError(f"cannot read {cls.__name__}: the document nests too deeply") from None
    except (AttributeError, KeyError, TypeError, ValueError) as err:
        if lookup != "custom":
            raise
        # A key extractor of the caller's failed on this document (msrest wraps these too).
        raise DeserializationError(f"cannot read {cls.__name__}: a key extractor failed: {type(err).__name__}: {err}") from err
    finally:
        if pause:
            gc.enable()
    if errors:
        raise DeserializationError(f"cannot read {cls.__name__}", errors)
    if obj is None:  # pragma: no cover - a None document always records an error
        raise DeserializationError(f"cannot read {cls.__name__}: no document")
    return obj
