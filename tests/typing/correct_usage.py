# pyright: strict
"""Correct use of every batchprep model and public function, as a type checker sees it.

``tests/test_typing.py`` runs ``mypy --strict`` (and pyright in strict mode, when installed) on this
file and expects no error at all; it also runs :func:`main`, so every line here is correct at run time
too.  ``assert_type`` pins the types the library promises (it does nothing at run time).

Nothing runs on import: pytest imports this file when it collects doctests.
"""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET
from typing import Any, assert_type

import batchprep
from batchprep import (
    AutoUserScope,
    AutoUserSpecification,
    ComputeNodeIdentityReference,
    ContainerHostBatchBindMountEntry,
    ContainerHostDataPath,
    ContainerRegistry,
    ContainerWorkingDirectory,
    DeserializationError,
    ElevationLevel,
    EnvironmentSetting,
    JobPreparationAndRelease,
    JobPreparationAndReleaseTaskExecutionInformation,
    JobPreparationTask,
    JobReleaseTask,
    Model,
    StatusPage,
    ResourceFile,
    SerializationError,
    SizeWarning,
    TaskConstraints,
    TaskContainerSettings,
    UserIdentity,
    ValidationError,
)
from batchprep.interop import UnsupportedFieldError, from_batch_v15, from_msrest_model, to_batch_v15, to_msrest_model
from batchprep.status import TaskFailure, duration, failures

PULL_IDENTITY = ComputeNodeIdentityReference(resource_id="/subscriptions/0/identities/puller")


def build_task() -> JobPreparationTask:
    """Every model of the family, with enums given as members and as strings."""
    return JobPreparationTask(
        id="prepare-node",
        command_line='/bin/sh -c "./setup.sh && mkdir -p $AZ_BATCH_NODE_SHARED_DIR/ref"',
        container_settings=TaskContainerSettings(
            image_name="example.azurecr.io/tools:1.4",
            container_run_options="--rm",
            registry=ContainerRegistry(registry_server="example.azurecr.io", identity_reference=PULL_IDENTITY),
            working_directory=ContainerWorkingDirectory.task_working_directory,
        ),
        resource_files=[
            ResourceFile(http_url="https://example.com/setup.sh", file_path="setup.sh", file_mode="0755"),
            ResourceFile(
                storage_container_url="https://acct.blob.core.windows.net/ref",
                blob_prefix="v3/",
                identity_reference=PULL_IDENTITY,
            ),
            ResourceFile(auto_storage_container_name="inputs", file_path="inputs"),
        ],
        environment_settings=[EnvironmentSetting(name="MODE", value="fast"), EnvironmentSetting(name="EMPTY")],
        constraints=TaskConstraints(
            max_wall_clock_time=datetime.timedelta(minutes=30),
            retention_time=batchprep.parse_duration("P1D"),
            max_task_retry_count=2,
        ),
        user_identity=UserIdentity(auto_user=AutoUserSpecification(scope=AutoUserScope.pool, elevation_level="admin")),
        wait_for_success=True,
        rerun_on_node_reboot_after_success=False,
    )


def attributes(task: JobPreparationTask) -> None:
    """Attribute types, narrowing of optional values, and assignment."""
    assert_type(task.command_line, str)
    assert_type(task.id, str | None)
    assert_type(task.resource_files, list[ResourceFile] | None)
    assert_type(task.wait_for_success, bool | None)
    assert_type(task.additional_properties, dict[str, Any])
    if task.constraints is not None:
        assert_type(task.constraints.max_wall_clock_time, datetime.timedelta | None)
        assert_type(task.constraints.max_task_retry_count, int | None)
        task.constraints.max_task_retry_count = 3
    if task.user_identity is not None and task.user_identity.auto_user is not None:
        scope = task.user_identity.auto_user.scope
        assert_type(scope, AutoUserScope | str | None)
        task.user_identity.auto_user.elevation_level = ElevationLevel.non_admin
    if task.container_settings is not None:
        task.container_settings.container_host_batch_bind_mounts = [
            ContainerHostBatchBindMountEntry(source=ContainerHostDataPath.shared, is_read_only=True),
            ContainerHostBatchBindMountEntry(source="Task"),
        ]
        task.container_settings.container_host_batch_bind_mounts = None
    task.environment_settings = (task.environment_settings or []) + [EnvironmentSetting(name="EXTRA", value="1")]
    task.additional_properties = {"allowTaskPreemption": False}
    task.additional_properties = {}


def codecs(task: JobPreparationTask) -> None:
    """validate, serialize, as_dict, deserialize and from_dict, with their result types."""
    problems = task.validate()
    assert_type(problems, list[ValidationError])
    for problem in problems:
        print(problem.rule, problem.target, problem.path, problem.message, problem.value)
    body = task.serialize()
    assert_type(body, dict[str, Any])
    text = json.dumps(task.serialize(keep_readonly=True, send_additional_properties=True))
    assert_type(task.as_dict(), dict[str, Any])
    assert_type(task.as_dict(key_transformer=batchprep.full_restapi_key_transformer), dict[str, Any])

    read = JobPreparationTask.deserialize(text)
    assert_type(read, JobPreparationTask)
    assert_type(JobPreparationTask.deserialize(body), JobPreparationTask)
    assert_type(TaskConstraints.deserialize(b'{"maxTaskRetryCount": 1}'), TaskConstraints)
    loose = JobPreparationTask.from_dict({"command_line": "run.sh"})
    assert_type(loose, JobPreparationTask)
    strict = JobPreparationTask.from_dict(body, key_extractors=[batchprep.rest_key_extractor])
    assert_type(strict, JobPreparationTask)
    assert strict == read

    element = ET.fromstring("<JobPreparationTask><commandLine>run.sh</commandLine></JobPreparationTask>")
    assert_type(JobPreparationTask.deserialize(ET.tostring(element), content_type="application/xml"), JobPreparationTask)
    assert_type(JobPreparationTask.is_xml_model(), bool)


def errors() -> None:
    """The errors, with the attributes they carry."""
    try:
        JobPreparationTask(command_line="", id="not an id").serialize()
    except SerializationError as err:
        assert_type(err.errors, list[ValidationError])
        print(err.path, [e.path for e in err.errors])
    try:
        JobPreparationTask.deserialize("{'not': 'json'}")
    except DeserializationError as err:
        print(len(err.errors))


def helpers(task: JobPreparationTask) -> None:
    """Durations, size warnings and key transformers."""
    text: str = batchprep.format_duration(datetime.timedelta(hours=1, minutes=30))
    assert text == "PT1H30M"
    warnings = batchprep.size_warnings(task)
    assert_type(warnings, list[SizeWarning])
    for warning in warnings:
        print(warning.path, warning.size, warning.limit, warning.message)


def custom_model() -> Model:
    """A model of your own, declared with ``batchprep.field``: its constructor is typed too."""

    class Checkpoint(Model):
        name: str = batchprep.field("name", "str")
        every: datetime.timedelta | None = batchprep.field("every", "duration", default=None)

    checkpoint = Checkpoint(name="nightly", every=datetime.timedelta(days=1))
    assert_type(checkpoint.name, str)
    assert checkpoint.serialize() == {"name": "nightly", "every": "P1D"}
    return checkpoint


def release_and_status(task: JobPreparationTask) -> None:
    """The Job Release Task, a job's two tasks, waived rules, and reading status pages."""
    release = JobReleaseTask(command_line="/bin/sh -c ./clean.sh", max_wall_clock_time=datetime.timedelta(minutes=30))
    assert_type(release.max_wall_clock_time, datetime.timedelta | None)
    assert_type(release.validate(waive=["release-wall-clock-limit"]), list[ValidationError])
    assert_type(release.serialize(waive="release-wall-clock-limit"), dict[str, Any])
    job = JobPreparationAndRelease(job_preparation_task=task, job_release_task=release)
    assert [p.service_rule for p in job.validate()] == ["release-wall-clock-limit"]

    page = batchprep.read_status_page(b'{"value": [{"nodeId": "n", "jobPreparationTaskExecutionInfo": {"startTime": "2026-01-31T12:00:00Z", "state": "running", "retryCount": 0}}]}')
    assert_type(page, StatusPage)
    for entry in page.value or []:
        assert_type(entry, JobPreparationAndReleaseTaskExecutionInformation)
        info = entry.job_preparation_task_execution_info
        if info is not None:
            assert_type(info.start_time, datetime.datetime)
            assert_type(info.retry_count, int)
            assert_type(duration(info), datetime.timedelta | None)
    found = failures(page.value or [])
    assert_type(found, list[TaskFailure])
    pages: dict[str | None, Any] = {None: page.serialize()}
    for entry in batchprep.iter_status(pages.__getitem__):
        assert_type(entry.node_id, str | None)


def interop_14(task: JobPreparationTask) -> None:
    """azure-batch 14.x: the SDK side is untyped (Any); the batchprep side is typed."""
    theirs = to_msrest_model(task)
    back = from_msrest_model(theirs, JobPreparationTask)
    assert_type(back, JobPreparationTask)
    assert_type(from_msrest_model(theirs), Model)
    try:
        to_msrest_model(task)
    except UnsupportedFieldError as err:
        print(err.path, err.target)
    to_msrest_model(task, drop_unsupported=True)


def interop_15(theirs: Any) -> None:
    """azure-batch 15.x (type-checked only: it cannot be installed next to 14.2)."""
    assert_type(from_batch_v15(theirs, TaskConstraints), TaskConstraints)
    assert_type(from_batch_v15(theirs), Model)
    to_batch_v15(from_batch_v15(theirs))


def main() -> None:
    """Run everything that runs with azure-batch 14.x installed."""
    task = build_task()
    assert task.validate() == []
    attributes(task)
    codecs(task)
    errors()
    helpers(task)
    custom_model()
    release_and_status(task)
    interop_14(task)


if __name__ == "__main__":
    main()
