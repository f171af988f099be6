"""Every intentional difference from msrest (azure-batch 14.2), each shown on both libraries.

docs/differences.md lists the same differences; keep the two in step.
"""

from __future__ import annotations

import datetime
import json
import logging
import xml.etree.ElementTree as ET

import azure.batch.models as az
import msrest.exceptions
import pytest

import batchprep as bp
from batchprep import DeserializationError, SerializationError


def test_unknown_keyword_raises_instead_of_being_dropped(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        theirs = az.JobPreparationTask(command_line="x", wait_for_sucess=False)
    assert theirs.wait_for_success is None and "wait_for_sucess is not a known attribute" in caplog.text
    with pytest.raises(TypeError, match="did you mean 'wait_for_success'"):
        bp.JobPreparationTask(command_line="x", wait_for_sucess=False)  # type: ignore[call-arg]


def test_serialize_refuses_a_missing_required_value() -> None:
    assert az.TaskContainerSettings(image_name=None).serialize() == {}
    with pytest.raises(SerializationError) as info:
        bp.JobPreparationTask(command_line="x", container_settings=bp.TaskContainerSettings(image_name=None)).serialize()  # type: ignore[arg-type]
    assert [(e.rule, e.target, e.path) for e in info.value.errors] == [
        ("required", "TaskContainerSettings.image_name", "/containerSettings/imageName")
    ]
    assert str(info.value) == (
        "JobPreparationTask cannot be serialized: 1 problem\n"
        "  /containerSettings/imageName: is required but missing [required]"
    )


def test_wrong_python_types_never_reach_the_wire() -> None:
    theirs = az.JobPreparationTask(
        command_line=["a", "b"], constraints=az.TaskConstraints(max_task_retry_count=3.7), wait_for_success="yes"
    )
    assert theirs.serialize() == {
        "commandLine": "['a', 'b']",
        "constraints": {"maxTaskRetryCount": 3},
        "waitForSuccess": True,
    }
    ours = bp.JobPreparationTask(
        command_line=["a", "b"],  # type: ignore[arg-type]
        constraints=bp.TaskConstraints(max_task_retry_count=3.7),  # type: ignore[arg-type]
        wait_for_success="yes",  # type: ignore[arg-type]
    )
    with pytest.raises(SerializationError) as info:
        ours.serialize()
    assert [(e.rule, e.path, e.message) for e in info.value.errors] == [
        ("type", "/commandLine", "expected str, found array ['a', 'b']"),
        ("type", "/constraints/maxTaskRetryCount", "expected int, found number 3.7"),
        ("type", "/waitForSuccess", "expected bool, found string 'yes'"),
    ]
    with pytest.raises(SerializationError):
        ours.as_dict()


def test_validate_reports_types_and_the_service_id_rule() -> None:
    assert az.JobPreparationTask(command_line="x", id="bad id!" * 20).validate() == []
    errors = bp.JobPreparationTask(command_line="x", id="bad id!" * 20).validate()
    assert [(e.rule, e.target, e.path) for e in errors] == [
        ("max_length", "JobPreparationTask.id", "/id"),
        ("pattern", "JobPreparationTask.id", "/id"),
    ]


def test_validate_reports_every_failing_rule_not_only_the_first() -> None:
    class Ruled(bp.Model):
        code: str | None = bp.field("code", "str", default=None, max_length=2, pattern=r"^\d+$")

    assert [e.rule for e in Ruled(code="abc").validate()] == ["max_length", "pattern"]


def test_deserialize_is_strict_about_json_types_and_reports_everything() -> None:
    body = {
        "commandLine": 5,
        "constraints": {"maxTaskRetryCount": 3.7, "maxWallClockTime": "an hour"},
        "waitForSuccess": "true",
        "resourceFiles": [{"httpUrl": "https://h/f", "filePath": ["x"]}, "not an object"],
    }
    with pytest.raises(msrest.exceptions.DeserializationError):
        az.JobPreparationTask.deserialize(body)  # msrest stops at the first problem it cannot coerce
    lenient = dict(body, constraints={"maxTaskRetryCount": 3.7}, resourceFiles=[])
    theirs = az.JobPreparationTask.deserialize(lenient)
    assert (theirs.command_line, theirs.constraints.max_task_retry_count, theirs.wait_for_success) == ("5", 3, True)
    with pytest.raises(DeserializationError) as info:
        bp.JobPreparationTask.deserialize(body)
    assert [(e.path, e.message) for e in info.value.errors] == [
        ("/commandLine", "expected a string, found number 5"),
        ("/resourceFiles/0/filePath", "expected a string, found array ['x']"),
        ("/resourceFiles/1", "expected an object (ResourceFile), found string 'not an object'"),
        ("/constraints/maxWallClockTime", "not an ISO 8601 duration such as 'PT1H' or 'P7D': 'an hour'"),
        ("/constraints/maxTaskRetryCount", "expected an integer, found number 3.7"),
        ("/waitForSuccess", "expected a boolean (true or false), found string 'true'"),
    ]


def test_json_text_is_read_without_a_content_type() -> None:
    text = json.dumps({"commandLine": "x"})
    with pytest.raises(msrest.exceptions.DeserializationError):
        az.JobPreparationTask.deserialize(text)  # msrest parses JSON text only when told its content type
    assert bp.JobPreparationTask.deserialize(text) == bp.JobPreparationTask(command_line="x")
    assert bp.JobPreparationTask.deserialize(text.encode()) == bp.JobPreparationTask(command_line="x")


def test_none_is_not_a_document() -> None:
    assert az.JobPreparationTask.deserialize(None) is None
    with pytest.raises(DeserializationError, match="expected an object \\(JobPreparationTask\\), found null"):
        bp.JobPreparationTask.deserialize(None)


def test_unknown_enum_values_are_kept_and_sent_back() -> None:
    body = {"scope": "node", "elevationLevel": "ADMIN"}
    theirs = az.AutoUserSpecification.deserialize(body)
    assert theirs.scope == "node"
    with pytest.raises(msrest.exceptions.SerializationError):
        theirs.serialize()
    ours = bp.AutoUserSpecification.deserialize(body)
    assert (ours.scope, ours.elevation_level) == ("node", bp.ElevationLevel.admin)
    assert ours.serialize() == {"scope": "node", "elevationLevel": "admin"}


def test_durations_are_timedeltas_not_text() -> None:
    assert az.TaskConstraints(max_wall_clock_time="PT1H").serialize() == {"maxWallClockTime": "PT1H"}
    with pytest.raises(SerializationError, match="expected datetime.timedelta, found string 'PT1H'"):
        bp.TaskConstraints(max_wall_clock_time="PT1H").serialize()  # type: ignore[arg-type]
    assert bp.TaskConstraints(max_wall_clock_time=bp.parse_duration("PT1H")).serialize() == {"maxWallClockTime": "PT1H"}


def test_time_values_keep_their_microseconds() -> None:
    import oracle_types as ms
    from test_types import AllTypes

    moment = datetime.time(12, 0, 0, 5)
    assert ms.AllTypes(t=moment).serialize() == {"t": "12:00:00.05"}  # reads back as 50 ms
    assert AllTypes(t=moment).serialize() == {"t": "12:00:00.000005"}
    assert AllTypes.deserialize(AllTypes(t=moment).serialize()).t == moment


def test_xml_refuses_what_it_cannot_write_and_reads_its_own_lists() -> None:
    import oracle_types as ms
    from test_types import AllTypes

    assert b"Element" in ET.tostring(ms.AllTypes(grid=[[1]]).serialize(is_xml=True))  # msrest writes a repr
    with pytest.raises(SerializationError, match="has no XML form"):
        AllTypes(grid=[[1]]).serialize(is_xml=True)

    task = bp.JobPreparationTask(command_line="x", resource_files=[bp.ResourceFile(http_url="https://h/f", file_path="f")])
    text = ET.tostring(task.serialize(is_xml=True))
    theirs = az.JobPreparationTask.deserialize(text, content_type="application/xml")
    assert theirs.resource_files == []  # msrest looks for <resourceFiles>, but wrote <ResourceFile>
    assert bp.JobPreparationTask.deserialize(text, content_type="application/xml") == task


def test_xml_with_a_dtd_is_refused() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><JobPreparationTask><commandLine>&a;</commandLine></JobPreparationTask>'
    with pytest.raises(DeserializationError, match="not acceptable XML"):
        bp.JobPreparationTask.deserialize(bomb, content_type="application/xml")


def test_enabling_additional_properties_does_not_leak_into_a_parent_class() -> None:
    import msrest.serialization

    class Parent(msrest.serialization.Model):
        pass

    class Child(Parent):
        pass

    Child.enable_additional_properties_sending()
    assert "additional_properties" in Parent._attribute_map  # msrest mutates the map it shares
    Parent._attribute_map.pop("additional_properties")

    class OurParent(bp.Model):
        name: str | None = bp.field("name", "str", default=None)

    class OurChild(OurParent):
        pass

    OurChild.enable_additional_properties_sending()
    assert "additional_properties" not in OurParent._attribute_map
    assert OurChild(name="n", additional_properties={"x": 1}).serialize() == {"name": "n", "x": 1}
    assert OurParent(name="n", additional_properties={"x": 1}).serialize() == {"name": "n"}


def test_secrets_are_masked_in_repr_but_sent() -> None:
    theirs = az.ContainerRegistry(user_name="u", password="hunter2")
    assert "hunter2" in str(theirs)
    ours = bp.ContainerRegistry(user_name="u", password="hunter2")
    assert "hunter2" not in repr(ours) and "hunter2" not in str(ours)
    assert ours.serialize() == {"username": "u", "password": "hunter2"}
    sas = bp.ResourceFile(http_url="https://a.blob.core.windows.net/c/f?sv=1&sig=SECRET%3D", file_path="f")
    assert "SECRET" not in repr(sas) and "sig=***" in repr(sas)
    line = "/bin/sh -c 'git clone https://u:SECRET@h/r.git; curl -o f \"https://a/f?sig=SECRET\" && tar xf f'"
    theirs_task, ours_task = az.JobPreparationTask(command_line=line), bp.JobPreparationTask(command_line=line)
    assert "SECRET" in str(theirs_task)
    assert "SECRET" not in repr(ours_task) and 'f?sig=***" && tar xf f' in repr(ours_task)
    with pytest.raises(SerializationError) as info:
        bp.ContainerRegistry(password=12345678).serialize()  # type: ignore[arg-type]
    assert "12345678" not in str(info.value)
    with pytest.raises(SerializationError) as info:
        bp.ResourceFile(http_url=["https://a/f?sig=SECRET"], file_path="f").serialize()  # type: ignore[arg-type]
    assert "SECRET" not in str(info.value) and "expected str, found array" in str(info.value)
    with pytest.raises(DeserializationError) as failed:
        bp.ResourceFile.deserialize({"httpUrl": {"url": "https://a/f?sig=SECRET"}, "filePath": "f"})
    assert "SECRET" not in str(failed.value)


def test_null_items_in_a_list_are_refused() -> None:
    assert az.JobPreparationTask.deserialize({"commandLine": "x", "resourceFiles": [None]}).resource_files == [None]
    with pytest.raises(DeserializationError, match="/resourceFiles/0: expected an object \\(ResourceFile\\), found null"):
        bp.JobPreparationTask.deserialize({"commandLine": "x", "resourceFiles": [None]})


def test_integers_are_not_enum_indexes() -> None:
    assert az.AutoUserSpecification.deserialize({"scope": 1}).scope == az.AutoUserScope.pool
    with pytest.raises(DeserializationError, match="/scope: expected a string \\(AutoUserScope\\), found number 1"):
        bp.AutoUserSpecification.deserialize({"scope": 1})


def test_the_constructor_takes_additional_properties() -> None:
    assert az.EnvironmentSetting(name="n", additional_properties={"x": 1}).additional_properties == {}
    assert bp.EnvironmentSetting(name="n", additional_properties={"x": 1}).additional_properties == {"x": 1}


def test_a_member_of_another_enum_is_refused_by_validate() -> None:
    with pytest.raises(msrest.exceptions.SerializationError):
        az.AutoUserSpecification(scope=az.ElevationLevel.admin).serialize()
    ours = bp.AutoUserSpecification(scope=bp.ElevationLevel.admin)  # type: ignore[arg-type]
    assert [(e.rule, e.path) for e in ours.validate()] == [("type", "/scope")]
    assert bp.AutoUserSpecification(scope=az.AutoUserScope.pool).serialize() == {"scope": "pool"}  # azure's twin


def test_inside_the_official_client_our_validation_error_is_raised() -> None:
    from msrest import Serializer

    client_models = {k: v for k, v in vars(az).items() if isinstance(v, type)}
    theirs = az.JobAddParameter(id="j", pool_info=az.PoolInformation(pool_id="p"), job_preparation_task=az.JobPreparationTask(command_line=None))
    with pytest.raises(msrest.exceptions.ValidationError):
        Serializer(client_models).body(theirs, "JobAddParameter")
    ours = az.JobAddParameter(id="j", pool_info=az.PoolInformation(pool_id="p"), job_preparation_task=bp.JobPreparationTask(command_line=None))  # type: ignore[arg-type]
    with pytest.raises(bp.ValidationError) as info:
        Serializer(client_models).body(ours, "JobAddParameter")
    assert not isinstance(info.value, msrest.exceptions.ClientException)
    assert (info.value.rule, info.value.target) == ("required", "JobPreparationTask.command_line")


def test_the_alternative_duration_form_is_refused() -> None:
    theirs = az.TaskConstraints.deserialize({"maxWallClockTime": "P0001T04"})
    assert (theirs.max_wall_clock_time.years, theirs.max_wall_clock_time.months) == (1, 1)  # misread
    with pytest.raises(DeserializationError, match="/maxWallClockTime: not an ISO 8601 duration"):
        bp.TaskConstraints.deserialize({"maxWallClockTime": "P0001T04"})


def test_additional_properties_never_overwrite_declared_ones() -> None:
    class Twin(az.ResourceFile):
        _attribute_map = dict(az.ResourceFile._attribute_map)  # its own copy: msrest would mutate the parent's

    Twin.enable_additional_properties_sending()
    theirs = Twin(http_url="https://a/f", file_path="a")
    theirs.additional_properties = {"httpUrl": "EVIL"}
    assert theirs.serialize()["httpUrl"] == "EVIL"
    ours = bp.ResourceFile(http_url="https://a/f", file_path="a", additional_properties={"httpUrl": "EVIL", "new": 1})
    assert ours.serialize(send_additional_properties=True) == {"httpUrl": "https://a/f", "filePath": "a", "new": 1}


def test_timestamps_carry_standard_time_zones() -> None:
    body = {"startTime": "2026-01-31T12:00:00.1234567+02:00", "endTime": "2026-01-31T12:30:00Z", "state": "completed"}
    theirs = az.JobReleaseTaskExecutionInformation.deserialize(body)
    assert type(theirs.start_time.tzinfo).__module__.startswith("isodate")
    ours = bp.JobReleaseTaskExecutionInformation.deserialize(body)
    assert ours.start_time == theirs.start_time and ours.start_time.utcoffset() == theirs.start_time.utcoffset()
    assert ours.start_time.tzinfo == datetime.timezone(datetime.timedelta(hours=2))
    assert ours.end_time is not None and ours.end_time.tzinfo is datetime.timezone.utc
    assert eval(repr(ours.start_time), {"datetime": datetime}) == ours.start_time  # the repr evaluates back
    assert ours.serialize() == theirs.serialize()


def test_an_enum_value_in_another_letter_case_becomes_the_member() -> None:
    theirs = az.AutoUserSpecification(elevation_level="Admin")
    assert theirs.elevation_level == "Admin" and theirs != az.AutoUserSpecification(elevation_level="admin")
    ours = bp.AutoUserSpecification(elevation_level="Admin")
    assert ours.elevation_level is bp.ElevationLevel.admin and ours == bp.AutoUserSpecification(elevation_level="admin")


def test_years_and_months_are_a_fixed_span_refused_as_time_limits() -> None:
    theirs = az.TaskConstraints.deserialize({"maxWallClockTime": "P30M"})
    assert theirs.max_wall_clock_time.months == 30 and theirs.serialize() == {"maxWallClockTime": "P30M"}
    ours = bp.TaskConstraints.deserialize({"maxWallClockTime": "P30M"})
    assert isinstance(ours.max_wall_clock_time, datetime.timedelta) and ours.max_wall_clock_time.days == 900
    assert [e.rule for e in ours.validate()] == ["fixed_span"]
    assert ours.serialize(waive="durations-fixed-span") == {"maxWallClockTime": "P30M"}


def test_a_time_limit_longer_than_the_service_takes_is_refused() -> None:
    longest = datetime.timedelta(days=999_999_999)
    assert az.TaskConstraints(max_wall_clock_time=longest).serialize()  # sent, and refused by the service
    with pytest.raises(SerializationError, match="longer than the longest span the service takes"):
        bp.TaskConstraints(max_wall_clock_time=longest).serialize()
