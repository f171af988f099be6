"""Mistakes a type checker must catch, one per line, each marked with the mypy error code(s) expected.

``tests/test_typing.py`` runs ``mypy --strict`` on this file and compares the (line, code) pairs it
reports with the ``# E: [code]`` marks: no mark may be missed and no other line may be reported.
pyright, when installed, must report an error on exactly the marked lines.

What the types cannot say is left out on purpose: an unknown enum string (``scope="pol"``) is
allowed because a newer service may send values batchprep does not know, and rules spanning several
fields (one user identity, one resource file source) are checked by ``validate()``.

The mistakes sit in a function that is never called: pytest imports this file when it collects
doctests.
"""

from __future__ import annotations

from typing import Any

from batchprep import (
    AutoUserSpecification,
    ContainerRegistry,
    ElevationLevel,
    EnvironmentSetting,
    JobPreparationTask,
    JobPreparationTaskExecutionInformation,
    JobReleaseTask,
    ResourceFile,
    TaskConstraints,
    TaskContainerSettings,
    UserIdentity,
)
from batchprep.interop import from_msrest_model, to_msrest_model


def mistakes(task: JobPreparationTask, theirs: Any) -> None:
    # Constructors
    JobPreparationTask(command_line=5)  # E: [arg-type]
    JobPreparationTask(command_line="run.sh", wait_for_sucess=True)  # E: [call-arg]
    JobPreparationTask(id="prep")  # E: [call-arg]
    JobPreparationTask(command_line=None)  # E: [arg-type]
    JobPreparationTask("run.sh")  # E: [call-arg] [arg-type]
    EnvironmentSetting(value="fast")  # E: [call-arg]
    TaskContainerSettings(container_run_options="--rm")  # E: [call-arg]
    ContainerRegistry(username="puller")  # E: [call-arg]
    TaskConstraints(max_wall_clock_time="PT1H")  # E: [arg-type]
    TaskConstraints(max_task_retry_count="3")  # E: [arg-type]
    ResourceFile(http_url="https://example.com/a.sh", file_path="a.sh", file_mode=0o755)  # E: [arg-type]
    AutoUserSpecification(scope=5)  # E: [arg-type]
    UserIdentity(auto_user="pool")  # E: [arg-type]
    JobPreparationTask(command_line="run.sh", environment_settings=[ResourceFile(http_url="u")])  # E: [list-item]
    JobReleaseTask(command_line="clean.sh", constraints=TaskConstraints())  # E: [call-arg]
    JobReleaseTask(command_line="clean.sh", max_wall_clock_time=900)  # E: [arg-type]
    JobPreparationTaskExecutionInformation(state="running")  # E: [call-arg]

    # Attributes
    task.constraints = "PT1H"  # E: [assignment]
    task.resource_files = [EnvironmentSetting(name="A")]  # E: [list-item]
    task.wait_for_sucess = False  # E: [attr-defined]
    task.submit()  # E: [attr-defined]
    print(task.constraints.max_task_retry_count)  # E: [union-attr]
    print(ElevationLevel.root)  # E: [attr-defined]

    # Results
    body: str = task.serialize()  # E: [assignment]
    problems: list[str] = task.validate()  # E: [assignment]
    wrong: ResourceFile = JobPreparationTask.deserialize("{}")  # E: [assignment]
    print(task.validate()[0].pathx)  # E: [attr-defined]
    task.validate(waive=5)  # E: [arg-type]

    # Interop
    prep: JobPreparationTask = from_msrest_model(theirs, ResourceFile)  # E: [assignment]
    to_msrest_model(task, drop=True)  # E: [call-arg]
    print(body, problems, wrong, prep)
