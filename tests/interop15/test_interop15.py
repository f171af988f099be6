"""batchprep.interop with azure-batch 15.x, the new SDK.

azure-batch 15 cannot be installed next to the 14.2 the main test environment pins, so ``.ci/run``
runs this directory in a second virtual environment (``pip install -e . 'azure-batch>=15,<16' pytest
hypothesis``).  Anywhere else the whole module is skipped.
"""

from __future__ import annotations

import importlib.metadata
import sys
import types

import pytest


def _azure_batch_major() -> int | None:
    try:
        return int(importlib.metadata.version("azure-batch").split(".")[0])
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return None


if _azure_batch_major() != 15:
    pytest.skip("needs azure-batch 15.x, which cannot be installed with 14.2: .ci/run tests it apart", allow_module_level=True)

# strategies.py imports the msrest oracle for the key extractor names, which these tests do not use; the
# oracle is built on the azure-batch 14.2 classes, so a stand-in takes its place here.
sys.modules.setdefault("msrest_oracle", types.SimpleNamespace(EXTRACTORS={}))  # type: ignore[arg-type]

import copy  # noqa: E402
import datetime  # noqa: E402

import azure.batch.models as az  # noqa: E402
from hypothesis import given  # noqa: E402

import batchprep as bp  # noqa: E402
from batchprep.interop import from_batch_v15, to_batch_v15, to_msrest_model  # noqa: E402
from strategies import SDK_CLASSES, job_preparation_tasks, model_trees, release_tasks, status_entries  # noqa: E402


def as_utc(tree: bp.Model) -> bp.Model:
    """A copy of ``tree`` whose naive timestamps are UTC ones.

    A 15.x model holds a timestamp as its wire text, and a naive ``datetime`` is written as UTC (as
    msrest writes it): it comes back as the same moment, in UTC.
    """
    tree = copy.deepcopy(tree)
    for obj in _objects(tree):
        for f in type(obj)._bp_fields:
            value = getattr(obj, f.name)
            if isinstance(value, datetime.datetime) and value.tzinfo is None:
                setattr(obj, f.name, value.replace(tzinfo=datetime.timezone.utc))
    return tree


def _objects(tree: bp.Model) -> list[bp.Model]:
    found = [tree]
    for f in type(tree)._bp_fields:
        value = getattr(tree, f.name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bp.Model):
                found.extend(_objects(item))
    return found


# --- round trips over random trees ----------------------------------------------------------------


@given(task=job_preparation_tasks())
def test_batchprep_to_15_and_back_is_lossless(task: bp.JobPreparationTask) -> None:
    theirs = to_batch_v15(task)
    assert type(theirs) is az.BatchJobPreparationTask
    assert from_batch_v15(theirs, bp.JobPreparationTask) == task


@given(task=job_preparation_tasks())
def test_the_15_object_holds_the_batchprep_body(task: bp.JobPreparationTask) -> None:
    body = task.serialize()
    # Read back by batchprep, which writes known enum values in the service's spelling, as serialize() does.
    assert bp.JobPreparationTask.deserialize(to_batch_v15(task).as_dict()).serialize() == body


@given(task=job_preparation_tasks())
def test_15_to_batchprep_and_back_is_lossless(task: bp.JobPreparationTask) -> None:
    theirs = az.BatchJobPreparationTask(task.serialize())  # what the SDK makes of a service response
    back = to_batch_v15(from_batch_v15(theirs))
    assert back == theirs
    assert back.as_dict() == theirs.as_dict()


@given(tree=model_trees(roots=SDK_CLASSES))
def test_every_model_of_the_family_converts(tree: bp.Model) -> None:
    assert from_batch_v15(to_batch_v15(tree), type(tree)) == as_utc(tree)


@given(release=release_tasks())
def test_a_release_task_converts_both_ways(release: bp.JobReleaseTask) -> None:
    theirs = to_batch_v15(release)
    assert type(theirs) is az.BatchJobReleaseTask
    assert bp.JobReleaseTask.deserialize(theirs.as_dict()).serialize() == release.serialize()
    assert from_batch_v15(theirs, bp.JobReleaseTask) == release
    again = az.BatchJobReleaseTask(release.serialize())
    assert to_batch_v15(from_batch_v15(again)) == again


@given(entry=status_entries())
def test_status_entries_convert_both_ways(entry: bp.JobPreparationAndReleaseTaskExecutionInformation) -> None:
    theirs = to_batch_v15(entry)
    assert type(theirs) is az.BatchJobPreparationAndReleaseTaskStatus
    assert from_batch_v15(theirs, bp.JobPreparationAndReleaseTaskExecutionInformation) == as_utc(entry)
    # What the 15.x client makes of a response converts to what batchprep reads from it.
    response = az.BatchJobPreparationAndReleaseTaskStatus(entry.serialize())
    assert from_batch_v15(response) == bp.JobPreparationAndReleaseTaskExecutionInformation.deserialize(entry.serialize())


# --- values -----------------------------------------------------------------------------------------


def test_renamed_classes_and_attributes() -> None:
    task = bp.JobPreparationTask(
        command_line="x",
        container_settings=bp.TaskContainerSettings(
            image_name="img",
            registry=bp.ContainerRegistry(
                user_name="puller", identity_reference=bp.ComputeNodeIdentityReference(resource_id="/id")
            ),
        ),
        constraints=bp.TaskConstraints(max_task_retry_count=1),
        user_identity=bp.UserIdentity(user_name="batchuser"),
    )
    theirs = to_batch_v15(task)
    assert type(theirs.container_settings) is az.BatchTaskContainerSettings
    assert type(theirs.container_settings.registry) is az.ContainerRegistryReference
    assert theirs.container_settings.registry.username == "puller"
    assert type(theirs.container_settings.registry.identity_reference) is az.BatchNodeIdentityReference
    assert type(theirs.constraints) is az.BatchTaskConstraints
    assert theirs.user_identity.username == "batchuser"


def test_the_status_classes_and_enums_have_their_15_names() -> None:
    moment = datetime.datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    failure = bp.TaskFailureInformation(
        category=bp.ErrorCategory.user_error, code="BlobNotFound", details=[bp.NameValuePair(name="Url", value="https://x")]
    )
    entry = bp.JobPreparationAndReleaseTaskExecutionInformation(
        node_id="tvm-1",
        job_preparation_task_execution_info=bp.JobPreparationTaskExecutionInformation(
            start_time=moment,
            state=bp.JobPreparationTaskState.completed,
            retry_count=0,
            result=bp.TaskExecutionResult.failure,
            failure_info=failure,
            container_info=bp.TaskContainerExecutionInformation(container_id="c"),
        ),
        job_release_task_execution_info=bp.JobReleaseTaskExecutionInformation(start_time=moment, state="running"),
    )
    theirs = to_batch_v15(entry)
    prep = theirs.job_preparation_task_execution_info
    assert type(prep) is az.BatchJobPreparationTaskExecutionInfo
    assert type(theirs.job_release_task_execution_info) is az.BatchJobReleaseTaskExecutionInfo
    assert prep.state is az.BatchJobPreparationTaskState.COMPLETED
    assert theirs.job_release_task_execution_info.state is az.BatchJobReleaseTaskState.RUNNING
    assert prep.result is az.BatchTaskExecutionResult.FAILURE
    assert type(prep.failure_info) is az.BatchTaskFailureInfo
    assert prep.failure_info.category is az.BatchErrorSourceCategory.USER_ERROR
    assert type(prep.failure_info.details[0]) is az.NameValuePair
    assert type(prep.container_info) is az.BatchTaskContainerExecutionInfo
    assert prep.start_time == moment  # the 15.x attribute reads the text batchprep wrote
    assert prep["startTime"] == "2026-01-31T12:00:00.123456Z"
    back = from_batch_v15(theirs, bp.JobPreparationAndReleaseTaskExecutionInformation)
    assert back == entry
    assert back.job_preparation_task_execution_info.state is bp.JobPreparationTaskState.completed  # type: ignore[union-attr]


def test_a_naive_timestamp_goes_as_utc_and_comes_back_in_utc() -> None:
    ours = bp.JobReleaseTaskExecutionInformation(start_time=datetime.datetime(2026, 1, 31, 12), state="running")
    theirs = to_batch_v15(ours)
    assert theirs["startTime"] == "2026-01-31T12:00:00.000Z"
    back = from_batch_v15(theirs, bp.JobReleaseTaskExecutionInformation)
    assert back.start_time == datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone.utc)


def test_timestamps_the_15_sdk_wrote_are_read() -> None:
    moment = datetime.datetime(2026, 1, 31, 12, 0, 0, 5, tzinfo=datetime.timezone.utc)
    theirs = az.BatchJobReleaseTaskExecutionInfo(start_time=moment, state="completed")
    assert from_batch_v15(theirs, bp.JobReleaseTaskExecutionInformation).start_time == moment
    theirs["endTime"] = "tomorrow"
    with pytest.raises(ValueError, match=r"^/endTime: not an ISO 8601 date-time .*'tomorrow'"):
        from_batch_v15(theirs)


def test_the_job_view_has_no_15_counterpart() -> None:
    with pytest.raises(TypeError, match="^azure-batch 15.x has no model for batchprep's JobPreparationAndRelease: "):
        to_batch_v15(bp.JobPreparationAndRelease())


def test_bind_mounts_convert() -> None:
    mount = bp.ContainerHostBatchBindMountEntry(source=bp.ContainerHostDataPath.shared, is_read_only=True)
    settings = bp.TaskContainerSettings(image_name="img", container_host_batch_bind_mounts=[mount])
    theirs = to_batch_v15(settings)
    [entry] = theirs.container_host_batch_bind_mounts
    assert entry.source is az.ContainerHostDataPath.SHARED and entry.is_read_only is True
    assert from_batch_v15(theirs) == settings


def test_enums_travel_as_the_15_attributes_show_them() -> None:
    ours = bp.AutoUserSpecification(scope=bp.AutoUserScope.pool, elevation_level="Admin")
    assert ours.elevation_level is bp.ElevationLevel.admin  # a known value in another case: the member
    theirs = to_batch_v15(ours)
    assert theirs.scope is az.AutoUserScope.POOL and theirs.elevation_level is az.ElevationLevel.ADMIN
    newer = to_batch_v15(bp.AutoUserSpecification(elevation_level="superUser"))
    assert newer.elevation_level == "superUser"  # 15.x keeps a string it does not know
    back = from_batch_v15(newer, bp.AutoUserSpecification)
    assert back.elevation_level == "superUser" and type(back.elevation_level) is str
    assert from_batch_v15(theirs, bp.AutoUserSpecification) == ours
    assert from_batch_v15(az.AutoUserSpecification(scope="galaxy"), bp.AutoUserSpecification).scope == "galaxy"


def test_durations_go_as_batchprep_text() -> None:
    ours = bp.TaskConstraints(retention_time=datetime.timedelta(0), max_wall_clock_time=bp.parse_duration("PT60M"))
    theirs = to_batch_v15(ours)
    assert theirs.as_dict() == {"retentionTime": "P0D", "maxWallClockTime": "PT60M"}
    assert theirs.retention_time == datetime.timedelta(0)
    assert from_batch_v15(theirs, bp.TaskConstraints).serialize() == theirs.as_dict()


def test_durations_the_15_sdk_wrote_are_read() -> None:
    theirs = az.BatchTaskConstraints(max_wall_clock_time=datetime.timedelta(hours=1, microseconds=5))
    ours = from_batch_v15(theirs, bp.TaskConstraints)
    assert ours.max_wall_clock_time == datetime.timedelta(hours=1, microseconds=5)
    theirs["retentionTime"] = "two days"
    with pytest.raises(ValueError, match=r"^/retentionTime: .*'two days'"):
        from_batch_v15(theirs)


def test_additional_properties_are_the_other_keys_of_the_mapping() -> None:
    read = bp.JobPreparationTask.deserialize(
        {"commandLine": "x", "allowTaskPreemption": False, "constraints": {"maxCpuSeconds": [600]}}
    )
    theirs = to_batch_v15(read)
    assert theirs["allowTaskPreemption"] is False
    assert theirs.constraints["maxCpuSeconds"] == [600]
    theirs.constraints["maxCpuSeconds"].append(1)
    assert read.constraints is not None and read.constraints.additional_properties == {"maxCpuSeconds": [600]}
    back = from_batch_v15(theirs, bp.JobPreparationTask)
    assert back.additional_properties == {"allowTaskPreemption": False}
    assert back.constraints is not None and back.constraints.additional_properties == {"maxCpuSeconds": [600, 1]}


def test_an_additional_property_named_like_a_field_is_refused() -> None:
    task = bp.JobPreparationTask(command_line="x", additional_properties={"commandLine": "y"})
    with pytest.raises(ValueError, match=r"^/: additional_properties has the key 'commandLine', which is the REST key"):
        to_batch_v15(task)


def test_plain_dicts_inside_a_15_object_are_read_as_the_model() -> None:
    theirs = az.BatchJobPreparationTask(command_line="x")
    theirs["constraints"] = {"maxTaskRetryCount": 2}
    assert from_batch_v15(theirs, bp.JobPreparationTask).constraints == bp.TaskConstraints(max_task_retry_count=2)


def test_wrong_objects_are_refused() -> None:
    with pytest.raises(TypeError, match=r"^expected azure.batch.models.BatchJobPreparationTask \(azure-batch 15.x\)"):
        from_batch_v15(az.ResourceFile(http_url="u"), bp.JobPreparationTask)
    theirs = az.BatchJobPreparationTask(command_line="x")
    theirs["resourceFiles"] = ["a.txt"]
    with pytest.raises(TypeError, match=r"^/resourceFiles/0: expected azure.batch.models.ResourceFile, found str$"):
        from_batch_v15(theirs)


def test_the_14x_functions_name_their_extra() -> None:
    with pytest.raises(ImportError, match=r"needs azure-batch >=14,<15, but azure-batch 15\..* pip install 'batchprep\[azure14\]'"):
        to_msrest_model(bp.EnvironmentSetting(name="A"))


def _table(page: str, header: str) -> list[list[str]]:
    """The rows of the markdown table whose header row starts with ``header``, cells without backquotes."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip().replace("`", "") for cell in line.strip("|").split("|")])
    return rows


def test_the_rename_table_of_the_docs_is_azure_batch_15s() -> None:
    """docs/interop.md lists every class, attribute and enum member 15.x renamed: it must stay true."""
    from pathlib import Path

    from batchprep.interop import _FAMILY, _V15

    page = (Path(__file__).resolve().parents[2] / "docs" / "interop.md").read_text(encoding="utf-8")
    classes = {row[0].split(" ")[0]: row[1:] for row in _table(page, "| batchprep and azure-batch 14.x |")}
    for name, ours in _FAMILY.items():
        theirs = _V15.their_class(ours)
        if theirs is None:
            assert name not in classes
            continue
        attributes = {}
        for klass in reversed(theirs.__mro__):
            for attr, value in vars(klass).items():
                if hasattr(value, "_rest_name_input"):
                    attributes[value._rest_name_input or attr] = attr
        assert set(attributes) == {f.wire_key for f in ours._bp_fields}, name  # every field, no other
        renamed = [f"{f.name} → {attributes[f.wire_key]}" for f in ours._bp_fields if attributes[f.wire_key] != f.name]
        assert classes[name] == [theirs.__name__ if theirs.__name__ != name else "the same", ", ".join(renamed) or "—"], name
    assert set(classes) == {name for name, ours in _FAMILY.items() if _V15.their_class(ours) is not None}
    enums = {row[0]: row[1:] for row in _table(page, "| batchprep and azure-batch 14.x enum |")}
    assert len(enums) == 8
    for name, (renamed_to, members) in enums.items():
        ours_enum = getattr(bp, name)
        theirs_enum = getattr(az, _V15.renamed.get(name, name))
        assert renamed_to == (theirs_enum.__name__ if theirs_enum.__name__ != name else "the same")
        assert members == ", ".join(f"{m.name} → {theirs_enum(m.value).name}" for m in ours_enum)
        assert {m.value for m in ours_enum} == {m.value for m in theirs_enum}


def test_the_azure15_examples_of_the_docs_run() -> None:
    """docs/interop.md's blocks titled for azure-batch 15.x, which the main environment cannot run."""
    from test_docs import ROOT, run_blocks

    assert run_blocks(ROOT / "docs" / "interop.md", "azure15") == 2
