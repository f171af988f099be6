"""batchprep.interop with azure-batch 14.x (msrest models), the version the test extra pins.

Round trips both ways over random trees, agreement with the independent converter of the differential
tests (``msrest_oracle.to_msrest``), and the edges: unsupported fields, wrong types, missing packages.
The 15.x conversions are tested in ``tests/interop15`` (another virtual environment: the two majors
cannot be installed together).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import subprocess
import sys
from typing import Any

import azure.batch.models as az
import pytest
from hypothesis import given
from msrest import Serializer

import batchprep as bp
from batchprep.interop import UnsupportedFieldError, from_msrest_model, to_batch_v15, to_msrest_model
from msrest_oracle import plain, to_msrest
from strategies import SDK_CLASSES, job_preparation_tasks, model_trees, release_tasks, status_entries

_CLIENT_MODELS = {name: cls for name, cls in vars(az).items() if isinstance(cls, type)}


def _full_task() -> bp.JobPreparationTask:
    return bp.JobPreparationTask(
        id="prep",
        command_line="/bin/sh -c ./prep.sh",
        container_settings=bp.TaskContainerSettings(
            image_name="example.azurecr.io/tools:1",
            container_run_options="--rm",
            registry=bp.ContainerRegistry(
                registry_server="example.azurecr.io",
                user_name="puller",
                password="s3cret",
                identity_reference=bp.ComputeNodeIdentityReference(resource_id="/identities/puller"),
            ),
            working_directory=bp.ContainerWorkingDirectory.task_working_directory,
        ),
        resource_files=[
            bp.ResourceFile(http_url="https://example.com/prep.sh", file_path="prep.sh", file_mode="0755"),
            bp.ResourceFile(auto_storage_container_name="inputs", blob_prefix="v1/"),
        ],
        environment_settings=[bp.EnvironmentSetting(name="MODE", value="fast")],
        constraints=bp.TaskConstraints(
            max_wall_clock_time=datetime.timedelta(minutes=15),
            retention_time=datetime.timedelta(days=2),
            max_task_retry_count=3,
        ),
        wait_for_success=True,
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(scope="pool", elevation_level="admin")),
        rerun_on_node_reboot_after_success=False,
    )


# --- round trips over random trees ----------------------------------------------------------------


@given(task=job_preparation_tasks(bind_mounts=False))
def test_batchprep_to_msrest_and_back_is_lossless(task: bp.JobPreparationTask) -> None:
    theirs = to_msrest_model(task)
    assert type(theirs) is az.JobPreparationTask
    back = from_msrest_model(theirs, bp.JobPreparationTask)
    # plain() also tells members from strings and True from 1, which == does not.
    assert plain(back) == plain(task)
    assert back == task


@given(task=job_preparation_tasks(bind_mounts=False))
def test_conversion_agrees_with_the_differential_tests_converter(task: bp.JobPreparationTask) -> None:
    assert plain(to_msrest_model(task)) == plain(to_msrest(task, az))


@given(task=job_preparation_tasks(bind_mounts=False))
def test_msrest_to_batchprep_and_back_is_lossless(task: bp.JobPreparationTask) -> None:
    theirs = to_msrest(task, az)
    assert plain(to_msrest_model(from_msrest_model(theirs))) == plain(theirs)


@given(task=job_preparation_tasks(bind_mounts=False))
def test_both_sides_send_the_same_body(task: bp.JobPreparationTask) -> None:
    body = task.serialize()
    assert to_msrest_model(task).serialize() == body
    read_by_msrest = az.JobPreparationTask.deserialize(body)
    assert from_msrest_model(read_by_msrest).serialize() == body


@given(tree=model_trees(bind_mounts=False, roots=SDK_CLASSES))
def test_every_model_of_the_family_converts(tree: bp.Model) -> None:
    theirs = to_msrest_model(tree)
    assert type(theirs).__name__ == type(tree).__name__
    assert plain(from_msrest_model(theirs, type(tree))) == plain(tree)


@given(release=release_tasks(bind_mounts=False))
def test_a_release_task_converts_both_ways_and_sends_the_same_body(release: bp.JobReleaseTask) -> None:
    theirs = to_msrest_model(release)
    assert type(theirs) is az.JobReleaseTask
    assert theirs.serialize() == release.serialize()
    assert plain(from_msrest_model(theirs, bp.JobReleaseTask)) == plain(release)
    read_by_msrest = az.JobReleaseTask.deserialize(release.serialize())
    assert from_msrest_model(read_by_msrest).serialize() == release.serialize()


@given(entry=status_entries())
def test_status_entries_convert_both_ways(entry: bp.JobPreparationAndReleaseTaskExecutionInformation) -> None:
    theirs = to_msrest_model(entry)
    assert type(theirs) is az.JobPreparationAndReleaseTaskExecutionInformation
    assert plain(theirs) == plain(to_msrest(entry, az))
    assert plain(from_msrest_model(theirs, bp.JobPreparationAndReleaseTaskExecutionInformation)) == plain(entry)
    # What the official client reads from a response converts to what batchprep reads from it.
    body = entry.serialize()
    read_by_msrest = az.JobPreparationAndReleaseTaskExecutionInformation.deserialize(body)
    assert plain(from_msrest_model(read_by_msrest)) == plain(bp.JobPreparationAndReleaseTaskExecutionInformation.deserialize(body))


# --- values -----------------------------------------------------------------------------------------


def test_a_full_task_inside_the_client_gives_the_batchprep_body() -> None:
    task = _full_task()
    job = az.JobAddParameter(
        id="job", pool_info=az.PoolInformation(pool_id="pool"), job_preparation_task=to_msrest_model(task)
    )
    assert Serializer(_CLIENT_MODELS).body(job, "JobAddParameter")["jobPreparationTask"] == task.serialize()


def test_both_tasks_inside_the_client_give_the_batchprep_bodies() -> None:
    task = _full_task()
    release = bp.JobReleaseTask(
        command_line="/bin/sh -c 'rm -rf $AZ_BATCH_NODE_SHARED_DIR/cache'",
        max_wall_clock_time=datetime.timedelta(minutes=5),
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(scope="pool", elevation_level="admin")),
    )
    job = az.JobAddParameter(
        id="job",
        pool_info=az.PoolInformation(pool_id="pool"),
        job_preparation_task=to_msrest_model(task),
        job_release_task=to_msrest_model(release),
    )
    body = Serializer(_CLIENT_MODELS).body(job, "JobAddParameter")
    assert (body["jobPreparationTask"], body["jobReleaseTask"]) == (task.serialize(), release.serialize())
    assert bp.JobPreparationAndRelease.deserialize(body).validate() == []


def test_timestamps_set_as_text_on_the_msrest_side_are_read() -> None:
    theirs = az.JobReleaseTaskExecutionInformation(start_time="2026-01-31T12:00:00.1234567Z", state="running")
    ours = from_msrest_model(theirs, bp.JobReleaseTaskExecutionInformation)
    assert ours.start_time == datetime.datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    theirs.end_time = "yesterday"
    with pytest.raises(ValueError, match=r"^/endTime: not an ISO 8601 date-time .*'yesterday'"):
        from_msrest_model(theirs)


def test_timestamps_stay_datetimes_and_are_copied() -> None:
    moment = datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    ours = bp.JobPreparationTaskExecutionInformation(start_time=moment, state="completed", retry_count=0)
    theirs = to_msrest_model(ours)
    assert theirs.start_time == moment and theirs.start_time.utcoffset() == moment.utcoffset()
    assert theirs.serialize()["startTime"] == ours.serialize()["startTime"] == "2026-01-31T10:00:00.000Z"


def test_the_job_view_has_no_counterpart_and_says_what_to_convert() -> None:
    job = bp.JobPreparationAndRelease(job_preparation_task=bp.JobPreparationTask(command_line="x"))
    with pytest.raises(TypeError, match="^azure-batch 14.x has no model for batchprep's JobPreparationAndRelease: .*job_release_task"):
        to_msrest_model(job)
    assert type(to_msrest_model(job.job_preparation_task)) is az.JobPreparationTask  # type: ignore[arg-type]


def test_enum_members_map_to_members_and_strings_stay_strings() -> None:
    ours = bp.AutoUserSpecification(scope=bp.AutoUserScope.pool, elevation_level="Admin")
    assert ours.elevation_level is bp.ElevationLevel.admin  # a known value in another case: the member
    theirs = to_msrest_model(ours)
    assert theirs.scope is az.AutoUserScope.pool and theirs.elevation_level is az.ElevationLevel.admin
    newer = to_msrest_model(bp.AutoUserSpecification(elevation_level="superUser"))
    assert newer.elevation_level == "superUser" and not isinstance(newer.elevation_level, az.ElevationLevel)
    back = from_msrest_model(newer, bp.AutoUserSpecification)
    assert back.elevation_level == "superUser" and type(back.elevation_level) is str
    assert from_msrest_model(theirs, bp.AutoUserSpecification) == ours


def test_enum_values_from_a_newer_service_survive() -> None:
    theirs = az.AutoUserSpecification(scope="galaxy")
    ours = from_msrest_model(theirs, bp.AutoUserSpecification)
    assert ours.scope == "galaxy"
    assert to_msrest_model(ours).scope == "galaxy"


def test_durations_keep_their_value_and_wire_text() -> None:
    read = bp.TaskConstraints.deserialize({"maxWallClockTime": "PT60M", "retentionTime": "P0D"})
    theirs = to_msrest_model(read)
    assert theirs.max_wall_clock_time == datetime.timedelta(hours=1)
    assert theirs.retention_time == datetime.timedelta(0)
    back = from_msrest_model(theirs, bp.TaskConstraints)
    assert back.serialize() == {"maxWallClockTime": "PT60M", "retentionTime": "P0D"}


def test_durations_set_as_text_on_the_msrest_side_are_read() -> None:
    theirs = az.TaskConstraints(max_wall_clock_time="PT2H")
    assert from_msrest_model(theirs, bp.TaskConstraints).max_wall_clock_time == datetime.timedelta(hours=2)
    theirs.retention_time = "two days"
    with pytest.raises(ValueError, match=r"^/retentionTime: .*'two days'"):
        from_msrest_model(theirs)


def test_additional_properties_are_copied_at_every_level() -> None:
    read = bp.JobPreparationTask.deserialize(
        {"commandLine": "x", "allowTaskPreemption": False, "constraints": {"maxCpuSeconds": [600]}}
    )
    theirs = to_msrest_model(read)
    assert theirs.additional_properties == {"allowTaskPreemption": False}
    assert theirs.constraints.additional_properties == {"maxCpuSeconds": [600]}
    theirs.constraints.additional_properties["maxCpuSeconds"].append(1)
    assert read.constraints is not None and read.constraints.additional_properties == {"maxCpuSeconds": [600]}
    back = from_msrest_model(theirs, bp.JobPreparationTask)
    assert back.additional_properties == {"allowTaskPreemption": False}
    theirs.additional_properties["allowTaskPreemption"] = True
    assert back.additional_properties == {"allowTaskPreemption": False}


def test_nothing_is_shared_after_a_conversion() -> None:
    task = _full_task()
    theirs = to_msrest_model(task)
    theirs.resource_files.append(az.ResourceFile(http_url="https://example.com/more", file_path="more"))
    theirs.constraints.max_task_retry_count = 0
    assert task.resource_files is not None and len(task.resource_files) == 2
    assert task.constraints is not None and task.constraints.max_task_retry_count == 3


def test_a_subclass_converts_as_its_family_class() -> None:
    class MyTask(bp.JobPreparationTask):
        __slots__ = ()

    theirs = to_msrest_model(MyTask(command_line="x"))
    assert type(theirs) is az.JobPreparationTask and theirs.command_line == "x"


# --- what cannot be converted -------------------------------------------------------------------


def _with_bind_mounts(mounts: list[bp.ContainerHostBatchBindMountEntry]) -> bp.JobPreparationTask:
    settings = bp.TaskContainerSettings(image_name="img", container_host_batch_bind_mounts=mounts)
    return bp.JobPreparationTask(command_line="x", container_settings=settings)


@pytest.mark.parametrize("mounts", [[bp.ContainerHostBatchBindMountEntry(source="Shared")], []], ids=["one", "empty"])
def test_bind_mounts_are_refused_with_their_path(mounts: list[bp.ContainerHostBatchBindMountEntry]) -> None:
    with pytest.raises(UnsupportedFieldError) as info:
        to_msrest_model(_with_bind_mounts(mounts))
    assert isinstance(info.value, ValueError)
    assert info.value.path == "/containerSettings/containerHostBatchBindMounts"
    assert info.value.target == "TaskContainerSettings.container_host_batch_bind_mounts"
    assert str(info.value) == (
        "/containerSettings/containerHostBatchBindMounts: TaskContainerSettings.container_host_batch_bind_mounts"
        " is set, but azure-batch 14.x has no such field (azure.batch.models.TaskContainerSettings); leave it"
        " unset, or pass drop_unsupported=True to leave it out of the conversion"
    )


def test_bind_mounts_are_left_out_when_asked() -> None:
    theirs = to_msrest_model(_with_bind_mounts([bp.ContainerHostBatchBindMountEntry(source="Shared")]), drop_unsupported=True)
    assert theirs.container_settings.image_name == "img"
    assert not hasattr(theirs.container_settings, "container_host_batch_bind_mounts")


def test_a_model_without_a_14x_class_is_refused() -> None:
    message = "^azure-batch 14.x has no model for batchprep's ContainerHostBatchBindMountEntry$"
    with pytest.raises(TypeError, match=message):
        to_msrest_model(bp.ContainerHostBatchBindMountEntry(source="Shared"))
    with pytest.raises(TypeError, match=message):
        from_msrest_model(az.ResourceFile(http_url="u"), bp.ContainerHostBatchBindMountEntry)


def test_attributes_msrest_would_not_send_are_not_read() -> None:
    theirs = az.TaskContainerSettings(image_name="img")
    setattr(theirs, "container_host_batch_bind_mounts", ["not part of the 14.x model"])
    assert from_msrest_model(theirs) == bp.TaskContainerSettings(image_name="img")


class _NewerConstraints(az.TaskConstraints):
    """An azure-batch model with a field batchprep does not have."""

    _attribute_map = {**az.TaskConstraints._attribute_map, "max_cpu_seconds": {"key": "maxCpuSeconds", "type": "int"}}

    def __init__(self, *, max_cpu_seconds: int | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_cpu_seconds = max_cpu_seconds


def test_an_msrest_field_batchprep_lacks_is_refused_unless_dropped() -> None:
    theirs = az.JobPreparationTask(command_line="x", constraints=_NewerConstraints(max_cpu_seconds=60, max_task_retry_count=1))
    with pytest.raises(UnsupportedFieldError) as info:
        from_msrest_model(theirs)
    assert (info.value.path, info.value.target) == ("/constraints/maxCpuSeconds", "_NewerConstraints.max_cpu_seconds")
    dropped = from_msrest_model(theirs, bp.JobPreparationTask, drop_unsupported=True)
    assert dropped.constraints == bp.TaskConstraints(max_task_retry_count=1)
    theirs.constraints.max_cpu_seconds = None  # unset: nothing to lose
    assert from_msrest_model(theirs) == dropped


def test_wrong_python_types_are_refused_with_every_path() -> None:
    task = bp.JobPreparationTask(
        command_line=5,  # type: ignore[arg-type]
        constraints=bp.TaskConstraints(max_wall_clock_time="PT1H"),  # type: ignore[arg-type]
    )
    with pytest.raises(bp.SerializationError) as info:
        to_msrest_model(task)
    assert str(info.value).splitlines()[0] == "JobPreparationTask cannot be converted to azure-batch 14.x models: 2 problems"
    assert [(e.rule, e.path) for e in info.value.errors] == [
        ("type", "/commandLine"),
        ("type", "/constraints/maxWallClockTime"),
    ]


def test_incomplete_models_convert() -> None:
    theirs = to_msrest_model(bp.JobPreparationTask(command_line=None, id="p"))  # type: ignore[arg-type]
    assert (theirs.id, theirs.command_line) == ("p", None)
    assert from_msrest_model(theirs) == bp.JobPreparationTask(command_line=None, id="p")  # type: ignore[arg-type]


def test_only_models_of_the_family_convert() -> None:
    with pytest.raises(TypeError, match="^expected a batchprep model of the Job Preparation Task family, found dict$"):
        to_msrest_model({"commandLine": "x"})  # type: ignore[arg-type]
    with pytest.raises(
        TypeError,
        match=r"^expected a model of the Job Preparation Task family \(azure-batch 14.x\), "
        r"found batchprep.models.task.JobPreparationTask$",
    ):
        from_msrest_model(bp.JobPreparationTask(command_line="x"))
    with pytest.raises(TypeError, match="^expected a model of the Job Preparation Task family .*found azure.batch.models"):
        from_msrest_model(az.PoolInformation(pool_id="p"))


def test_the_expected_class_is_checked() -> None:
    with pytest.raises(
        TypeError,
        match=r"^expected azure.batch.models.JobPreparationTask \(azure-batch 14.x\), "
        r"found azure.batch.models._models_py3.ResourceFile$",
    ):
        from_msrest_model(az.ResourceFile(http_url="u"), bp.JobPreparationTask)


def test_a_wrong_object_inside_an_msrest_model_is_reported_with_its_path() -> None:
    theirs = az.JobPreparationTask(command_line="x", resource_files=[az.ResourceFile(http_url="u"), "b.txt"])
    with pytest.raises(TypeError, match=r"^/resourceFiles/1: expected azure.batch.models.ResourceFile, found str$"):
        from_msrest_model(theirs)
    theirs = az.JobPreparationTask(command_line="x", resource_files=az.ResourceFile(http_url="u"))
    with pytest.raises(TypeError, match=r"^/resourceFiles: expected a list, found azure.batch.models"):
        from_msrest_model(theirs)
    theirs = az.JobPreparationTask(command_line="x", constraints=bp.TaskConstraints())
    with pytest.raises(TypeError, match=r"^/constraints: expected azure.batch.models.TaskConstraints, found batchprep"):
        from_msrest_model(theirs)


# --- packages ---------------------------------------------------------------------------------------


def test_importing_interop_imports_no_azure_package() -> None:
    code = (
        "import sys, batchprep.interop\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('azure', 'msrest'))\n"
        "print(json.dumps(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(done.stdout) == []


def test_a_missing_azure_batch_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(name: str) -> str:
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(importlib.metadata, "version", not_installed)
    with pytest.raises(ImportError) as info:
        to_msrest_model(bp.EnvironmentSetting(name="A"))
    assert str(info.value) == (
        "converting batchprep models to or from azure-batch 14.x models needs the azure-batch package, which is"
        " not installed; install it with: pip install 'batchprep[azure14]'"
    )


def test_the_other_major_version_is_refused() -> None:
    installed = importlib.metadata.version("azure-batch")
    with pytest.raises(ImportError) as info:
        to_batch_v15(bp.EnvironmentSetting(name="A"))
    assert str(info.value) == (
        "converting batchprep models to or from azure-batch 15.x models needs azure-batch >=15,<16, but"
        f" azure-batch {installed} is installed; install it with: pip install 'batchprep[azure15]'"
    )
