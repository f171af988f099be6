"""batchprep models inside azure-batch 14.2 requests, and the class metadata msrest reads from them.

msrest's ``Serializer.body()`` walks a request model through ``_attribute_map``, ``_validation``,
``validate()`` and plain attribute access, so a batchprep ``JobPreparationTask`` placed in an azure
``JobAddParameter`` must give the very body the azure ``JobPreparationTask`` gives.
"""

from __future__ import annotations

import enum
from typing import Any

import azure.batch.models as az
import pytest
from hypothesis import given
from msrest.serialization import Serializer

import batchprep as bp
from msrest_oracle import oracle_class, to_msrest
from strategies import MODEL_CLASSES, job_preparation_tasks, release_tasks

CLIENT_MODELS = {name: value for name, value in vars(az).items() if isinstance(value, type)}
_BIND_MOUNTS = "container_host_batch_bind_mounts"
_SHARED_CLASSES = [cls for cls in MODEL_CLASSES if hasattr(az, cls.__name__)]
_ENUMS = [
    bp.AutoUserScope,
    bp.ContainerHostDataPath,
    bp.ContainerWorkingDirectory,
    bp.ElevationLevel,
    bp.ErrorCategory,
    bp.JobPreparationTaskState,
    bp.JobReleaseTaskState,
    bp.TaskExecutionResult,
]


def _job_body(task: Any, release: Any = None) -> dict[str, Any]:
    job = az.JobAddParameter(
        id="job-1", pool_info=az.PoolInformation(pool_id="pool-1"), job_preparation_task=task, job_release_task=release
    )
    body: dict[str, Any] = Serializer(CLIENT_MODELS).body(job, "JobAddParameter")  # type: ignore[no-untyped-call]
    return body


@given(task=job_preparation_tasks(bind_mounts=False))
def test_nested_in_job_add_parameter(task: bp.JobPreparationTask) -> None:
    expected = _job_body(to_msrest(task, az))
    assert _job_body(task) == expected


@given(task=job_preparation_tasks(bind_mounts=False), release=release_tasks(bind_mounts=False))
def test_a_release_task_nested_in_job_add_parameter(task: bp.JobPreparationTask, release: bp.JobReleaseTask) -> None:
    expected = _job_body(to_msrest(task, az), to_msrest(release, az))
    assert _job_body(task, release) == expected
    assert expected["jobReleaseTask"] == release.serialize()


def test_nested_bind_mounts_reach_the_body() -> None:
    task = bp.JobPreparationTask(
        command_line="setup.sh",
        container_settings=bp.TaskContainerSettings(
            image_name="ubuntu:22.04",
            working_directory=bp.ContainerWorkingDirectory.task_working_directory,
            container_host_batch_bind_mounts=[
                bp.ContainerHostBatchBindMountEntry(source=bp.ContainerHostDataPath.shared, is_read_only=True),
                bp.ContainerHostBatchBindMountEntry(source=bp.ContainerHostDataPath.job_prep, is_read_only=False),
            ],
        ),
    )
    settings = _job_body(task)["jobPreparationTask"]["containerSettings"]
    assert settings == {
        "imageName": "ubuntu:22.04",
        "workingDirectory": "taskWorkingDirectory",
        "containerHostBatchBindMounts": [
            {"source": "Shared", "isReadOnly": True},
            {"source": "JobPrep", "isReadOnly": False},
        ],
    }


@pytest.mark.parametrize("cls", _SHARED_CLASSES, ids=lambda cls: cls.__name__)
def test_metadata_matches_azure(cls: type[bp.Model]) -> None:
    azure_cls = getattr(az, cls.__name__)
    ours = {name: entry for name, entry in cls._attribute_map.items() if name != _BIND_MOUNTS}
    assert ours == azure_cls._attribute_map
    assert cls._validation == azure_cls._validation


def test_sixteen_classes_are_shared_with_azure() -> None:
    assert len(_SHARED_CLASSES) == 16
    assert not hasattr(az, "ContainerHostBatchBindMountEntry")
    assert not hasattr(az, "JobPreparationAndRelease")


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda cls: cls.__name__)
def test_metadata_matches_oracle(cls: type[bp.Model]) -> None:
    oracle_cls = oracle_class(cls)
    assert cls._attribute_map == oracle_cls._attribute_map
    assert cls._validation == oracle_cls._validation


@pytest.mark.parametrize("enum_cls", _ENUMS, ids=lambda cls: cls.__name__)
def test_enum_values_match(enum_cls: type[enum.Enum]) -> None:
    theirs = oracle_class(enum_cls)
    assert {m.name: m.value for m in enum_cls} == {m.name: m.value for m in theirs}
    assert issubclass(enum_cls, str)
