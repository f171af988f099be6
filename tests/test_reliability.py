"""Strict, lossless, and sturdy under hostile input: what deserialize() and serialize() promise."""

from __future__ import annotations

import copy
import json
import pickle
import threading
from typing import Any

import pytest
from bodies import job_preparation_tasks, json_values
from hypothesis import HealthCheck, given, settings, strategies as st

import batchprep as bp
from batchprep import DeserializationError, JobPreparationTask, SerializationError

# --- strict reading: every lossy or meaning-changing coercion is refused ----------------------------

BAD_BODIES = [
    ({"commandLine": ["a", "b"]}, "/commandLine", "expected a string, found array ['a', 'b']"),
    ({"commandLine": {"a": 1}}, "/commandLine", "expected a string, found object {'a': 1}"),
    ({"commandLine": 7}, "/commandLine", "expected a string, found number 7"),
    ({"commandLine": True}, "/commandLine", "expected a string, found boolean true"),
    ({"commandLine": "x", "constraints": {"maxTaskRetryCount": 3.7}}, "/constraints/maxTaskRetryCount", "expected an integer, found number 3.7"),
    ({"commandLine": "x", "constraints": {"maxTaskRetryCount": 3.0}}, "/constraints/maxTaskRetryCount", "expected an integer, found number 3.0"),
    ({"commandLine": "x", "constraints": {"maxTaskRetryCount": True}}, "/constraints/maxTaskRetryCount", "expected an integer, found boolean true"),
    ({"commandLine": "x", "constraints": {"maxTaskRetryCount": "3"}}, "/constraints/maxTaskRetryCount", "expected an integer, found string '3'"),
    ({"commandLine": "x", "waitForSuccess": "yes"}, "/waitForSuccess", "expected a boolean (true or false), found string 'yes'"),
    ({"commandLine": "x", "waitForSuccess": 1}, "/waitForSuccess", "expected a boolean (true or false), found number 1"),
    ({"commandLine": "x", "constraints": "PT1H"}, "/constraints", "expected an object (TaskConstraints), found string 'PT1H'"),
    ({"commandLine": "x", "constraints": []}, "/constraints", "expected an object (TaskConstraints), found array []"),
    ({"commandLine": "x", "resourceFiles": {"httpUrl": "u"}}, "/resourceFiles", "expected an array, found object {'httpUrl': 'u'}"),
    ({"commandLine": "x", "resourceFiles": [{"httpUrl": 5, "filePath": "f"}]}, "/resourceFiles/0/httpUrl", "expected a string, found number"),
    ({"commandLine": "x", "resourceFiles": [[]]}, "/resourceFiles/0", "expected an object (ResourceFile), found array []"),
    ({"commandLine": "x", "constraints": {"maxWallClockTime": "1 hour"}}, "/constraints/maxWallClockTime", "not an ISO 8601 duration such as 'PT1H' or 'P7D': '1 hour'"),
    ({"commandLine": "x", "constraints": {"maxWallClockTime": 3600}}, "/constraints/maxWallClockTime", "expected a string (an ISO 8601 duration), found number 3600"),
    ({"commandLine": "x", "constraints": {"retentionTime": "P"}}, "/constraints/retentionTime", "not an ISO 8601 duration such as 'PT1H' or 'P7D': 'P'"),
    ({"commandLine": "x", "userIdentity": {"autoUser": {"scope": 1}}}, "/userIdentity/autoUser/scope", "expected a string (AutoUserScope), found number 1"),
    ({"commandLine": "x", "containerSettings": {"imageName": "i", "registry": {"password": 123456}}}, "/containerSettings/registry/password", "expected a string, found a value"),
    ({"commandLine": "x", "environmentSettings": [None]}, "/environmentSettings/0", "expected an object (EnvironmentSetting), found null"),
]


@pytest.mark.parametrize(("body", "path", "message"), BAD_BODIES)
def test_lossy_or_meaning_changing_values_are_refused(body: dict[str, Any], path: str, message: str) -> None:
    before = copy.deepcopy(body)
    with pytest.raises(DeserializationError) as info:
        JobPreparationTask.deserialize(body)
    assert [(e.path, e.message) for e in info.value.errors] == [(path, message)]
    assert info.value.path == path
    assert body == before  # the caller's document is never changed


def test_every_problem_of_a_document_is_reported_at_once() -> None:
    body = {"commandLine": 1, "constraints": {"maxWallClockTime": "soon", "maxTaskRetryCount": "3"}, "waitForSuccess": "no"}
    with pytest.raises(DeserializationError) as info:
        JobPreparationTask.deserialize(body)
    error = info.value
    first = error.errors[0]
    assert (first.rule, first.expected, first.found) == ("type", "a string", "number 1")
    assert pickle.loads(pickle.dumps(error)).errors[0].found == "number 1"
    assert [e.path for e in error.errors] == [
        "/commandLine",
        "/constraints/maxWallClockTime",
        "/constraints/maxTaskRetryCount",
        "/waitForSuccess",
    ]
    assert str(error).splitlines() == [
        "cannot read JobPreparationTask: 4 problems",
        "  /commandLine: expected a string, found number 1 [type]",
        "  /constraints/maxWallClockTime: not an ISO 8601 duration such as 'PT1H' or 'P7D': 'soon' [format]",
        "  /constraints/maxTaskRetryCount: expected an integer, found string '3' [type]",
        "  /waitForSuccess: expected a boolean (true or false), found string 'no' [type]",
    ]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "cannot read JobPreparationTask: the text is not JSON"),
        (b"\xff\xfe", "cannot read JobPreparationTask: the bytes are not UTF-8"),
        ("[1, 2]", "expected an object (JobPreparationTask), found array [1, 2]"),
        ("null", "expected an object (JobPreparationTask), found null"),
        ("[" * 100_000 + "]" * 100_000, "cannot read JobPreparationTask: the JSON nests too deeply"),
        ("x" * (bp.limits.MAX_DOCUMENT_CHARS + 1), "the document is over 67,108,864 characters long"),
        ("<JobPreparationTask><commandLine>x</JobPreparationTask>", None),
    ],
)
def test_unreadable_documents_give_a_deserialization_error(document: Any, message: str | None) -> None:
    content_type = "application/xml" if isinstance(document, str) and document.startswith("<") else None
    with pytest.raises(DeserializationError) as info:
        JobPreparationTask.deserialize(document, content_type=content_type)
    if message:
        assert message in str(info.value)


def test_deeply_nested_unknown_properties_are_kept_not_walked() -> None:
    deep: Any = "leaf"
    for _ in range(5000):
        deep = {"a": deep}
    task = JobPreparationTask.deserialize({"commandLine": "x", "extra": deep})
    assert task.additional_properties["extra"] is deep  # kept as it came, as msrest keeps it
    with pytest.raises(DeserializationError, match="nests too deeply"):
        JobPreparationTask.deserialize('{"commandLine": "x", "extra": ' + "[" * 100_000 + "]" * 100_000 + "}")


# --- lossless round trips --------------------------------------------------------------------------


@given(job_preparation_tasks())
def test_serialize_of_deserialize_is_the_body(body: dict[str, Any]) -> None:
    before = copy.deepcopy(body)
    task = JobPreparationTask.deserialize(body)
    assert body == before
    assert task.serialize() == body
    assert JobPreparationTask.deserialize(json.dumps(body)).serialize() == body


@given(job_preparation_tasks(extras=True))
def test_unknown_properties_are_kept_at_every_level(body: dict[str, Any]) -> None:
    task = JobPreparationTask.deserialize(body)
    assert task.serialize(send_additional_properties=True) == body
    assert copy.deepcopy(task) == task == pickle.loads(pickle.dumps(task))


def test_enum_values_match_in_any_case_and_go_out_canonical() -> None:
    spec = bp.AutoUserSpecification.deserialize({"scope": "POOL", "elevationLevel": "NonAdmin"})
    assert (spec.scope, spec.elevation_level) == (bp.AutoUserScope.pool, bp.ElevationLevel.non_admin)
    assert spec.serialize() == {"scope": "pool", "elevationLevel": "nonadmin"}


@pytest.mark.parametrize("path", sorted((__import__("pathlib").Path(__file__).parent / "data").glob("*.json")), ids=lambda p: p.name)
def test_corpus_bodies_round_trip(path: Any) -> None:
    body = json.loads(path.read_text(encoding="utf-8"))
    task = JobPreparationTask.deserialize(path.read_bytes())
    assert task.serialize(send_additional_properties=True) == body
    assert task.validate() == []


# --- wrong Python types never reach the wire --------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "path", "message"),
    [
        (JobPreparationTask(command_line="x", constraints=bp.TaskConstraints(max_wall_clock_time=300)), "/constraints/maxWallClockTime", "expected datetime.timedelta, found number 300: pass datetime.timedelta(seconds=300) if it is a number of seconds"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line=["a"]), "/commandLine", "expected str, found array ['a']"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line="x", wait_for_success="true"), "/waitForSuccess", "expected bool, found string 'true'"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line="x", constraints=bp.TaskConstraints(max_task_retry_count="3")), "/constraints/maxTaskRetryCount", "expected int, found string '3'"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line="x", resource_files=["a.txt"]), "/resourceFiles/0", "expected ResourceFile, found string 'a.txt'"),  # type: ignore[list-item]
        (JobPreparationTask(command_line="x", resource_files=bp.ResourceFile(http_url="u", file_path="f")), "/resourceFiles", "expected list of ResourceFile, found ResourceFile(http_url='u', file_path='f')"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line="x", user_identity=bp.AutoUserSpecification()), "/userIdentity", "expected UserIdentity, found AutoUserSpecification()"),  # type: ignore[arg-type]
        (JobPreparationTask(command_line=object()), "/commandLine", None),  # type: ignore[arg-type]
    ],
)
def test_wrong_python_types_are_refused_with_their_path(task: JobPreparationTask, path: str, message: str | None) -> None:
    with pytest.raises(SerializationError) as info:
        task.serialize()
    assert [e.path for e in info.value.errors] == [path]
    assert info.value.errors[0].rule == "type"
    if message:
        assert info.value.errors[0].message == message


# --- hostile XML -------------------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
    + ']><JobPreparationTask><commandLine>&lol9;</commandLine></JobPreparationTask>'
)
EXTERNAL_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    "<JobPreparationTask><commandLine>&xxe;</commandLine></JobPreparationTask>"
)


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["entity-expansion", "external-entity"])
def test_xml_entity_attacks_are_refused(document: str) -> None:
    with pytest.raises(DeserializationError, match="DTD or entity declaration"):
        JobPreparationTask.deserialize(document, content_type="application/xml")


# --- concurrency ---------------------------------------------------------------------------------------


def test_sixteen_threads_agree_on_first_use_and_after() -> None:
    class Prep(JobPreparationTask):  # a fresh class: nothing compiled yet
        pass

    body = {"commandLine": "run", "resourceFiles": [{"httpUrl": f"https://h/{i}", "filePath": f"f{i}"} for i in range(50)], "constraints": {"maxWallClockTime": "PT1H"}}
    results: list[Any] = []
    barrier = threading.Barrier(16)

    def work() -> None:
        barrier.wait()
        for _ in range(20):
            task = Prep.deserialize(body)
            results.append((task.serialize(), task.as_dict(), len(task.validate())))

    threads = [threading.Thread(target=work) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 16 * 20
    assert all(r == results[0] for r in results)
    assert results[0][0] == body


# --- fuzzing -----------------------------------------------------------------------------------------


def _only_model_or_deserialization_error(document: Any) -> None:
    try:
        result = JobPreparationTask.deserialize(document)
    except DeserializationError:
        return
    assert isinstance(result, JobPreparationTask)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_fuzz_arbitrary_json(document: Any) -> None:
    _only_model_or_deserialization_error(document)
    _only_model_or_deserialization_error(json.dumps(document))


@st.composite
def mutated_bodies(draw: st.DrawFn) -> Any:
    """A valid body with one value somewhere replaced by arbitrary JSON."""
    body = draw(job_preparation_tasks())
    spots: list[tuple[Any, Any]] = []

    def walk(node: Any) -> None:
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, value in items:
            spots.append((node, key))
            walk(value)

    walk(body)
    if spots:
        parent, key = draw(st.sampled_from(spots))
        parent[key] = draw(json_values)
    return body


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bodies())
def test_fuzz_mutated_bodies(document: Any) -> None:
    _only_model_or_deserialization_error(document)


@given(st.text(max_size=200) | st.binary(max_size=200))
def test_fuzz_arbitrary_text(document: Any) -> None:
    _only_model_or_deserialization_error(document)
    try:
        JobPreparationTask.deserialize(document, content_type="application/xml")
    except DeserializationError:
        pass


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(mutated_bodies())
def test_fast_and_collecting_readers_agree(document: Any) -> None:
    from batchprep._codegen import LoadMode, compiled
    from batchprep._primitives import Invalid

    errors: list[bp.ValidationError] = []
    slow = compiled(JobPreparationTask, "load", LoadMode("rest"))(document, "", errors)
    try:
        fast = compiled(JobPreparationTask, "load", LoadMode("rest", collect=False))(document)
    except Invalid:
        assert errors
    else:
        assert not errors and fast == slow


def test_garbage_collection_resumes_after_a_large_document() -> None:
    import gc

    body = {"commandLine": "x", "environmentSettings": [{"name": f"N{i}"} for i in range(2000)]}
    assert gc.isenabled()
    assert len(JobPreparationTask.deserialize(body).environment_settings or []) == 2000
    assert gc.isenabled()
    with pytest.raises(DeserializationError):
        JobPreparationTask.deserialize({**body, "waitForSuccess": "no"})
    assert gc.isenabled()
    gc.disable()
    try:  # a caller's own choice to keep it off is left alone
        JobPreparationTask.deserialize(body)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_secrets_in_unknown_properties_are_masked_in_repr() -> None:
    registry = bp.ContainerRegistry.from_dict({"PASSWORD": "s3cret", "user_name": "u"})
    assert "s3cret" not in repr(registry)
    files = bp.ResourceFile.from_dict({"http_url": "https://a/c/f?sv=1&sig=SECRETSIG", "file_path": "x"})
    assert "SECRETSIG" not in repr(files) and files.additional_properties["http_url"].endswith("SECRETSIG")


def test_unknown_properties_never_overwrite_declared_ones_on_the_wire() -> None:
    files = bp.ResourceFile(
        http_url="https://a/f", file_path="a", additional_properties={"httpUrl": "EVIL", "filePath": "../x", "file_mode": "777", "new": 1}
    )
    assert files.validate() == []
    assert files.serialize(send_additional_properties=True) == {"httpUrl": "https://a/f", "filePath": "a", "new": 1}


def test_dict_subclasses_are_documents_too() -> None:
    import collections

    body = collections.OrderedDict(commandLine="x", constraints=collections.OrderedDict(maxTaskRetryCount=2))
    assert JobPreparationTask.deserialize(body).serialize() == {"commandLine": "x", "constraints": {"maxTaskRetryCount": 2}}
    assert JobPreparationTask.from_dict(body).constraints == bp.TaskConstraints(max_task_retry_count=2)


def test_a_subclass_named_like_a_model_does_not_leave_stale_serializers() -> None:
    class Leafy(bp.Model):
        name: str | None = bp.field("name", "str", default=None)

    class Holder(bp.Model):
        leaf: Leafy | None = bp.field("leaf", "Leafy", default=None)

    holder = Holder(leaf=Leafy(name="n", additional_properties={"extra": 1}))
    assert holder.serialize() == {"leaf": {"name": "n"}}

    class Leafy(Leafy):  # type: ignore[no-redef]  # a namesake replaces it in the registry
        pass

    Holder._bp_resolve()  # resolved already: still the first Leafy
    Leafy.__mro__[1].enable_additional_properties_sending()
    assert holder.serialize() == {"leaf": {"name": "n", "extra": 1}}


def test_a_failing_key_extractor_gives_a_deserialization_error() -> None:
    with pytest.raises(DeserializationError, match="a key extractor failed: AttributeError"):
        JobPreparationTask.from_dict({"commandLine": "x", 1: 2}, key_extractors=[bp.attribute_key_case_insensitive_extractor])
