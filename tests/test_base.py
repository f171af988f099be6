"""The serialization base: declarations, constructor, generated code, class-level switches."""

from __future__ import annotations

import copy
import inspect
import re
import linecache
import pickle
import threading
import traceback

import pytest
import strategies
from hypothesis import given

import batchprep
from batchprep import EnvironmentSetting, JobPreparationTask, Model, ResourceFile, TaskConstraints, field


# --- declarations are checked when the class is created -------------------------------------------


def test_unknown_type_string_is_refused_at_class_creation() -> None:
    with pytest.raises(TypeError, match=r"Broken\.x: unknown type string 'no such'"):

        class Broken(Model):
            x: str = field("x", "no such")

    with pytest.raises(TypeError, match=r"Misspelt\.x: unknown type string 'integer' \(did you mean 'int'\?\)"):

        class Misspelt(Model):
            x: int = field("x", "integer")


def test_malformed_container_type_is_refused() -> None:
    with pytest.raises(TypeError, match=r"malformed type string '\[str'"):

        class Broken(Model):
            x: str = field("x", "[str")


def test_duplicate_rest_key_is_refused() -> None:
    with pytest.raises(TypeError, match="fields 'a' and 'b' share the REST key 'same'"):

        class Broken(Model):
            a: str = field("same", "str")
            b: str = field("same", "str")


def test_field_shadowing_a_model_method_is_refused() -> None:
    with pytest.raises(TypeError, match="'validate' would shadow a Model method"):

        class Broken(Model):
            validate: str = field("validate", "str")  # type: ignore[assignment]


def test_flattened_rest_keys_are_refused_and_escaped_dots_decoded() -> None:
    with pytest.raises(TypeError, match="flattened REST key 'properties.name' is not supported"):

        class Broken(Model):
            name: str = field("properties.name", "str")

    class Dotted(Model):
        name: str | None = field("odata\\.type", "str", default=None)

    assert Dotted(name="x").serialize() == {"odata.type": "x"}
    assert Dotted._attribute_map == {"name": {"key": "odata\\.type", "type": "str"}}
    assert Dotted.deserialize({"odata.type": "y"}).name == "y"


def test_unresolvable_model_name_fails_on_first_use_with_its_place() -> None:
    class Dangling(Model):
        child: object = field("child", "NoSuchModel", default=None)

    with pytest.raises(TypeError, match=r"Dangling\.child: type 'NoSuchModel'.*names no batchprep model or enum"):
        Dangling().validate()


def test_fields_named_like_generated_locals_still_work() -> None:
    class Clashing(Model):
        v: str | None = field("v", "str", default=None)
        data: str | None = field("data", "str", default=None)
        errors: int | None = field("errors", "int", default=None)
        path: list[str] | None = field("path", "[str]", default=None)
        key: str | None = field("key", "str", default=None)
        obj: str | None = field("self", "str", default=None)

    item = Clashing(v="1", data="2", errors=3, path=["a"], key="k", obj="s")
    body = item.serialize()
    assert body == {"v": "1", "data": "2", "errors": 3, "path": ["a"], "key": "k", "self": "s"}
    assert Clashing.deserialize(body) == item
    # as msrest does, from_dict keeps keys that are not REST keys ("obj" here) as additional properties
    assert Clashing.from_dict(item.as_dict()).serialize() == body


# --- the constructor --------------------------------------------------------------------------------


def test_constructor_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        EnvironmentSetting("NAME", "value")  # type: ignore[misc]


def test_missing_required_argument_raises() -> None:
    with pytest.raises(TypeError) as info:
        JobPreparationTask()  # type: ignore[call-arg]
    assert str(info.value) == "JobPreparationTask() missing 1 required keyword-only argument: 'command_line'"

    class Pair(Model):
        a: str = field("a", "str")
        b: str = field("b", "str")

    with pytest.raises(TypeError, match=r"^Pair\(\) missing 2 required keyword-only arguments: 'a' and 'b'$"):
        Pair()  # type: ignore[call-arg]


def test_misspelt_required_keyword_gets_the_hint_first() -> None:
    with pytest.raises(TypeError, match="unexpected keyword argument 'comand_line' \\(did you mean 'command_line'\\?\\)"):
        JobPreparationTask(comand_line="x")  # type: ignore[call-arg]


def test_a_member_of_another_enum_is_refused() -> None:
    spec = batchprep.AutoUserSpecification(scope=batchprep.ElevationLevel.admin)  # type: ignore[arg-type]
    assert [(e.rule, e.path) for e in spec.validate()] == [("type", "/scope")]
    assert batchprep.AutoUserSpecification(scope="pool", elevation_level=batchprep.ElevationLevel.admin).validate() == []


def test_misspelt_keyword_raises_with_a_suggestion() -> None:
    with pytest.raises(TypeError) as info:
        JobPreparationTask(command_line="x", wait_for_sucess=True)  # type: ignore[call-arg]
    assert str(info.value) == (
        "JobPreparationTask() got an unexpected keyword argument 'wait_for_sucess' (did you mean 'wait_for_success'?)"
    )


def test_additional_properties_are_per_instance() -> None:
    a, b = EnvironmentSetting(name="A"), EnvironmentSetting(name="B")
    a.additional_properties["x"] = 1
    assert b.additional_properties == {}
    given = {"y": 2}
    c = EnvironmentSetting(name="C", additional_properties=given)
    given["z"] = 3
    assert c.additional_properties == {"y": 2}


def test_models_use_slots() -> None:
    task = JobPreparationTask(command_line="x")
    assert not hasattr(task, "__dict__")
    with pytest.raises(AttributeError):
        task.comand_line = "typo"  # type: ignore[attr-defined]


# --- value semantics ------------------------------------------------------------------------------


def test_equality_is_by_value_including_additional_properties() -> None:
    assert EnvironmentSetting(name="A", value="1") == EnvironmentSetting(name="A", value="1")
    assert EnvironmentSetting(name="A", value="1") != EnvironmentSetting(name="A", value="2")
    assert EnvironmentSetting(name="A", additional_properties={"x": 1}) != EnvironmentSetting(name="A")
    assert EnvironmentSetting(name="A") != "A"
    with pytest.raises(TypeError, match="unhashable"):
        hash(EnvironmentSetting(name="A"))


def test_repr_is_constructor_like_and_evaluates_back() -> None:
    task = JobPreparationTask(command_line="run.sh", environment_settings=[EnvironmentSetting(name="A", value="1")])
    text = repr(task)
    assert text == "JobPreparationTask(command_line='run.sh', environment_settings=[EnvironmentSetting(name='A', value='1')])"
    assert eval(text, vars(batchprep)) == task
    assert str(task) == text


def test_copy_deepcopy_and_pickle_keep_everything() -> None:
    task = JobPreparationTask(
        command_line="x",
        resource_files=[ResourceFile(http_url="https://h/f", file_path="f")],
        additional_properties={"newField": {"a": [1]}},
    )
    for clone in (copy.deepcopy(task), pickle.loads(pickle.dumps(task))):
        assert clone == task
        assert clone.resource_files is not task.resource_files
        assert clone.additional_properties is not task.additional_properties


# --- generated code is debuggable -------------------------------------------------------------------


def test_generated_init_has_a_named_pseudo_file_and_source() -> None:
    init = JobPreparationTask.__init__
    assert init.__code__.co_filename == "<batchprep generated __init__ batchprep.models.task.JobPreparationTask>"
    assert init.__qualname__ == "JobPreparationTask.__init__"
    assert init.__module__ == "batchprep.models.task"
    source = inspect.getsource(init)
    assert source.startswith("def __init__(self, *, id=_bp_default_id, command_line=_bp_MISSING, container_settings=")
    assert "self.rerun_on_node_reboot_after_success = rerun_on_node_reboot_after_success" in source


def test_a_field_named_self_keeps_the_constructor_working() -> None:
    class Selfish(batchprep.Model):
        self: str | None = batchprep.field("self", "str", default=None)

    assert Selfish(self="me").serialize() == {"self": "me"}
    assert inspect.getsource(Selfish.__init__).startswith("def __init__(_bp_self, *, self=_bp_default_self")


@pytest.mark.parametrize(
    ("family", "mode", "method"),
    [
        ("validate", batchprep._codegen.COLLECT, "validate (collect)"),
        ("validate", batchprep._codegen.FAST, "validate (fast)"),
        ("dump", batchprep._codegen.DumpMode("rest", False), "serialize (rest)"),
        ("dump", batchprep._codegen.DumpMode("attr", True), "serialize (attr_ro)"),
        ("load", batchprep._codegen.LoadMode("rest"), "deserialize (rest)"),
        ("load", batchprep._codegen.LoadMode("ci"), "deserialize (ci)"),
        ("load", batchprep._codegen.LoadMode("rest", collect=False), "deserialize (rest, fast)"),
    ],
)
def test_generated_codecs_show_their_source(family: str, mode: object, method: str) -> None:
    fn = batchprep._codegen.compiled(TaskConstraints, family, mode)
    # A compiled codec (batchprep._speedups) wraps the generated function, which stays the definition.
    python = inspect.unwrap(fn)
    # (" #N" when the function was generated again, after enable_additional_properties_sending())
    expected = rf"<batchprep generated {re.escape(method)} batchprep\.models\.task\.TaskConstraints( #\d+)?>"
    assert re.fullmatch(expected, python.__code__.co_filename)
    assert fn.__qualname__ == f"TaskConstraints.{family}"
    assert fn.__doc__
    source = inspect.getsource(fn)
    assert source.startswith(f"def {family}(")
    assert "v = _bp_obj.max_wall_clock_time" in source or "_bp_obj.max_wall_clock_time = v" in source


def test_tracebacks_through_generated_code_show_the_generated_line() -> None:
    class Exploding:
        def __eq__(self, other: object) -> bool:
            raise RuntimeError("boom")

        def __len__(self) -> int:
            raise RuntimeError("boom")

    class Limited(Model):
        name: object = field("name", "str", default=None, max_length=3)

    class FakeStr(str):
        def __len__(self) -> int:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError) as info:
        Limited(name=FakeStr("abc")).validate()
    frames = traceback.extract_tb(info.value.__traceback__)
    generated = [f for f in frames if f.filename.startswith("<batchprep generated validate")]
    assert generated and generated[0].line and "len(v) > _bp_rule_name_max_length" in generated[0].line
    assert linecache.getline(generated[0].filename, generated[0].lineno).strip() == generated[0].line


# --- class-level switches -----------------------------------------------------------------------------


def test_enable_additional_properties_sending_is_per_class() -> None:
    class Leaf(Model):
        name: str | None = field("name", "str", default=None)

    class Branch(Model):
        leaf: Leaf | None = field("leaf", "Leaf", default=None)

    tree = Branch(leaf=Leaf(name="n", additional_properties={"extra": 1}), additional_properties={"top": 2})
    assert tree.serialize() == {"leaf": {"name": "n"}}  # compiled before the switch
    Leaf.enable_additional_properties_sending()
    assert tree.serialize() == {"leaf": {"name": "n", "extra": 1}}
    assert "additional_properties" in Leaf._attribute_map
    assert "additional_properties" not in Branch._attribute_map
    assert "additional_properties" not in Model.__dict__.get("_attribute_map", {})
    assert EnvironmentSetting(name="x", additional_properties={"y": 1}).serialize() == {"name": "x"}


def test_is_xml_model_follows_xml_map() -> None:
    class Plain(Model):
        name: str | None = field("name", "str", default=None)

    class Tagged(Model):
        _xml_map = {"name": "Tag"}
        name: str | None = field("name", "str", default=None, xml={"attr": True})

    assert not Plain.is_xml_model()
    assert Tagged.is_xml_model()
    assert Tagged(name="n").serialize().attrib == {"name": "n"}  # an XML model serializes to XML by default


def test_subclass_inherits_fields_in_order() -> None:
    class Base(Model):
        a: str | None = field("a", "str", default=None)

    class Child(Base):
        b: int = field("b", "int")

    assert list(Child._attribute_map) == ["a", "b"]
    assert Child._validation == {"b": {"required": True}}
    assert Child(a="x", b=1).serialize() == {"a": "x", "b": 1}


def test_first_use_from_many_threads_compiles_once_and_agrees() -> None:
    class Fresh(Model):
        items: list[EnvironmentSetting] | None = field("items", "[EnvironmentSetting]", default=None)
        count: int | None = field("count", "int", default=None)

    body = {"items": [{"name": f"N{i}", "value": str(i)} for i in range(20)], "count": 3}
    results: list[object] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        results.append(Fresh.deserialize(body).serialize())

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [body] * 16


# --- the fast validity check never lets through what the full check reports ----------------------------


@given(strategies.model_trees(complete=False, service_rules=False))
def test_fast_check_agrees_with_the_collecting_check(tree: Model) -> None:
    from batchprep._codegen import COLLECT, FAST, compiled

    errors: list[batchprep.ValidationError] = []
    compiled(type(tree), "validate", COLLECT)(tree, "", errors)
    fast = compiled(type(tree), "validate", FAST)(tree)
    if errors:
        assert fast is False
    else:
        # Conservative inline forms may send a valid tree to the full check; none of ours do today.
        assert fast is True


@given(strategies.model_trees(complete=False, service_rules=False))
def test_checked_serializer_agrees_with_validate_and_dump(tree: Model) -> None:
    from batchprep._codegen import COLLECT, DumpMode, SerializeMode, compiled
    from batchprep._primitives import Invalid

    errors: list[batchprep.ValidationError] = []
    compiled(type(tree), "validate", COLLECT)(tree, "", errors)
    try:
        body = compiled(type(tree), "serialize", SerializeMode(False))(tree)
    except Invalid:
        assert errors
    else:
        assert not errors
        assert body == compiled(type(tree), "dump", DumpMode("rest", False))(tree)


#: The modules the type tree and the enums stand on: none of them may import the base class.
_LOW_FLOORS = ("_registry.py", "_types.py", "_fields.py", "_primitives.py", "_rules.py", "durations.py", "errors.py", "models/enums.py")


@pytest.mark.parametrize("module", _LOW_FLOORS)
def test_the_low_floors_never_import_the_base_class(module: str) -> None:
    import ast
    from pathlib import Path

    tree = ast.parse((Path(batchprep.__file__).parent / module).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert "batchprep.model" not in imported, module


def test_the_registry_is_one_dict_seen_from_the_base_class_and_the_type_tree() -> None:
    from batchprep import _registry, _types, model

    assert model.registry is _registry.registry
    assert _types.resolve("ResourceFile", "nowhere") is ResourceFile
    assert model.register_enum is batchprep.register_enum is _registry.register_enum


def test_importing_batchprep_leaves_the_tools_for_later() -> None:
    """``import batchprep`` stays light: the linter, the shell-script reader and inspect load on first use."""
    import subprocess
    import sys

    code = (
        "import sys, batchprep\n"
        "print(sorted(m for m in ('inspect', 'dataclasses', 'batchprep.cmdline', 'batchprep.lint', 'click') if m in sys.modules))\n"
        "batchprep.shell_command(['true'])\n"
        "print('batchprep.cmdline' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "True"]


@pytest.mark.parametrize("module", ["batchprep", "batchprep.cli"])
@pytest.mark.parametrize("enabled", [True, False])
def test_importing_leaves_the_garbage_collector_as_it_was(module: str, enabled: bool) -> None:
    """batchprep pauses the cyclic collector while its imports run (a start-up cost): it must resume it,
    and only if it was on."""
    import subprocess
    import sys

    code = (
        "import gc\n"
        f"{'gc.enable()' if enabled else 'gc.disable()'}\n"
        f"import {module}\n"
        "print(gc.isenabled())\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == str(enabled)
