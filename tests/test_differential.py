"""Differential tests: batchprep against msrest 0.7.1 / azure-batch 14.2 on random model trees.

Each test builds a random batchprep tree (``strategies``), converts it to the equivalent msrest tree
(``msrest_oracle``) and checks that both libraries give the same result for ``serialize()`` (JSON and
XML), ``as_dict()``, ``deserialize()``, ``from_dict()`` and ``validate()``.  The known, intentional
differences (batchprep's strictness) are kept out of the generated inputs.
"""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

import batchprep as bp
from msrest_oracle import EXTRACTORS, TRANSFORMERS, oracle_class, plain, rules_and_targets, to_msrest
from strategies import MODEL_CLASSES, extractor_names, model_trees, reshaped


def _upper_keys(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[str, Any]:
    """A custom key transformer: the attribute name in capitals."""
    return key.upper(), value


def _nested_under_a(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[list[str], Any]:
    """A custom, hierarchical key transformer: every attribute goes under ``'a'``."""
    return ["a", key], value


def _fill_missing_text(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[str, Any]:
    """A custom key transformer that also gives values: ``'<none>'`` for every missing string.

    msrest calls the transformer for ``None`` attributes too and writes what it returns.
    """
    return key, "<none>" if value is None and attr_desc["type"] == "str" else value


def _recorder(calls: list[tuple[str, dict[str, Any], Any]]) -> Callable[..., tuple[str, Any]]:
    """A key transformer that logs its calls, then scribbles on the ``attr_desc`` it was given."""

    def record(key: str, attr_desc: dict[str, Any], value: Any) -> tuple[str, Any]:
        calls.append((key, dict(attr_desc), plain(value)))
        attr_desc["key"], attr_desc["type"] = "scribbled", "bool"
        return key, value

    return record


#: as_dict() key transformers: name -> (batchprep's, msrest's); ``None`` means the default.
_AS_DICT_TRANSFORMERS: dict[str, tuple[Callable[..., Any] | None, Callable[..., Any] | None]] = {
    "default": (None, None),
    **TRANSFORMERS,
    "upper_keys": (_upper_keys, _upper_keys),
    "nested_under_a": (_nested_under_a, _nested_under_a),
    "fill_missing_text": (_fill_missing_text, _fill_missing_text),
}


#: reshaped() options drawn for the documents read back (key case is a test parameter where it applies).
_BODY_CHANGES = st.fixed_dictionaries({"recase_enums": st.booleans(), "extras": st.booleans(), "nulls": st.booleans()})


def _as_dict(model: Any, keep_readonly: bool, key_transformer: Callable[..., Any] | None) -> Any:
    if key_transformer is None:
        return model.as_dict(keep_readonly=keep_readonly)
    return model.as_dict(keep_readonly=keep_readonly, key_transformer=key_transformer)


def _xml(model: Any) -> bytes:
    """The XML body of a model of either library, as bytes."""
    return ET.tostring(cast(ET.Element, model.serialize(is_xml=True)))


def assert_same_model(ours: bp.Model, theirs: Any) -> None:
    """The two trees hold the same values, types and additional properties, and write the same bodies."""
    assert plain(ours) == plain(theirs)
    assert ours.as_dict() == theirs.as_dict()
    if not ours.validate():
        assert ours.serialize() == theirs.serialize()
        assert _xml(ours) == _xml(theirs)


# --- writing ----------------------------------------------------------------------------------------


@given(tree=model_trees(), keep_readonly=st.booleans())
def test_serialize(tree: bp.Model, keep_readonly: bool) -> None:
    assert tree.serialize(keep_readonly=keep_readonly) == to_msrest(tree).serialize(keep_readonly=keep_readonly)


@given(tree=model_trees())
def test_serialize_xml(tree: bp.Model) -> None:
    assert _xml(tree) == _xml(to_msrest(tree))


@pytest.mark.parametrize("transformer", sorted(_AS_DICT_TRANSFORMERS))
@given(tree=model_trees(complete=False, service_rules=False), keep_readonly=st.booleans())
def test_as_dict(transformer: str, tree: bp.Model, keep_readonly: bool) -> None:
    ours, theirs = _AS_DICT_TRANSFORMERS[transformer]
    assert _as_dict(tree, keep_readonly, ours) == _as_dict(to_msrest(tree), keep_readonly, theirs)


@given(tree=model_trees(complete=False, service_rules=False))
def test_as_dict_calls_the_key_transformer_alike(tree: bp.Model) -> None:
    """Same calls, same order, same ``attr_desc`` (a copy: scribbling on it changes nothing)."""
    ours: list[tuple[str, dict[str, Any], Any]] = []
    theirs: list[tuple[str, dict[str, Any], Any]] = []
    tree.as_dict(key_transformer=_recorder(ours))
    to_msrest(tree).as_dict(key_transformer=_recorder(theirs))
    assert ours == theirs
    for cls in MODEL_CLASSES:
        assert cls._attribute_map == oracle_class(cls)._attribute_map


# --- reading ----------------------------------------------------------------------------------------


def _document(body: dict[str, Any], kind: str, ensure_ascii: bool) -> Any:
    """``body`` as a dict, JSON text or UTF-8 JSON bytes."""
    if kind == "dict":
        return body
    text = json.dumps(body, ensure_ascii=ensure_ascii)
    return text if kind == "json-text" else text.encode("utf-8")


@pytest.mark.parametrize("kind", ["dict", "json-text", "json-bytes"])
@given(
    tree=model_trees(service_rules=False),
    changes=_BODY_CHANGES,
    ensure_ascii=st.booleans(),
    say_json=st.booleans(),
    data=st.data(),
)
def test_deserialize(
    kind: str, tree: bp.Model, changes: dict[str, bool], ensure_ascii: bool, say_json: bool, data: st.DataObject
) -> None:
    body = data.draw(reshaped(to_msrest(tree).serialize(), type(tree), **changes), label="body")
    document = _document(body, kind, ensure_ascii)
    json_type = "application/json" if say_json else None
    ours = type(tree).deserialize(copy.deepcopy(document), content_type=json_type)
    # msrest cannot read text without a content type (batchprep reads it as JSON: docs/differences.md #7).
    theirs = oracle_class(type(tree)).deserialize(
        copy.deepcopy(document), content_type="application/json" if kind != "dict" else json_type
    )
    assert_same_model(ours, theirs)


@pytest.mark.parametrize("recase_keys", [False, True], ids=["exact-case", "random-case"])
@pytest.mark.parametrize("keys", ["attribute", "rest"])
@given(
    tree=model_trees(service_rules=False),
    changes=_BODY_CHANGES,
    extractors=st.none() | extractor_names(),
    data=st.data(),
)
def test_from_dict(
    keys: str,
    recase_keys: bool,
    tree: bp.Model,
    changes: dict[str, bool],
    extractors: list[str] | None,
    data: st.DataObject,
) -> None:
    theirs_tree = to_msrest(tree)
    body = theirs_tree.as_dict() if keys == "attribute" else theirs_tree.serialize()
    body = data.draw(reshaped(body, type(tree), recase_keys=recase_keys, **changes), label="body")
    if extractors is None:
        ours = type(tree).from_dict(copy.deepcopy(body))
        theirs = oracle_class(type(tree)).from_dict(copy.deepcopy(body))
    else:
        ours = type(tree).from_dict(copy.deepcopy(body), [EXTRACTORS[name][0] for name in extractors])
        theirs = oracle_class(type(tree)).from_dict(copy.deepcopy(body), [EXTRACTORS[name][1] for name in extractors])
    assert_same_model(ours, theirs)


# --- checking ---------------------------------------------------------------------------------------


@given(tree=model_trees(complete=False))
def test_validate(tree: bp.Model) -> None:
    assert rules_and_targets(tree.validate()) == rules_and_targets(to_msrest(tree).validate())


def _is_subsequence(short: list[Any], long: list[Any]) -> bool:
    rest = iter(long)
    return all(item in rest for item in short)


@given(tree=model_trees(complete=False, service_rules=False))
def test_validate_reports_what_msrest_reports(tree: bp.Model) -> None:
    """With the Batch service rules broken too, batchprep reports more, but msrest's problems in order."""
    ours = rules_and_targets(tree.validate())
    theirs = rules_and_targets(to_msrest(tree).validate())
    assert _is_subsequence(theirs, ours), (theirs, ours)


# --- every class, each as the root of its trees -----------------------------------------------------


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
@given(data=st.data())
def test_every_class_through_every_method(cls: type[bp.Model], data: st.DataObject) -> None:
    """The tests above draw their roots at random; here each class is the root, so none is left out."""
    tree = data.draw(model_trees(roots=(cls,)), label="tree")
    theirs = to_msrest(tree)
    body = tree.serialize()
    assert body == theirs.serialize()
    for name, (ours_transformer, theirs_transformer) in TRANSFORMERS.items():
        assert tree.as_dict(key_transformer=ours_transformer) == theirs.as_dict(key_transformer=theirs_transformer), name
    assert_same_model(cls.deserialize(json.dumps(body)), oracle_class(cls).deserialize(copy.deepcopy(body)))
    attributes = theirs.as_dict()
    assert_same_model(cls.from_dict(copy.deepcopy(attributes)), oracle_class(cls).from_dict(copy.deepcopy(attributes)))
    partial = data.draw(model_trees(complete=False, roots=(cls,)), label="partial")
    assert rules_and_targets(partial.validate()) == rules_and_targets(to_msrest(partial).validate())
