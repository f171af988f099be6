"""batchprep: typed, strict, fast models for the Azure Batch Job Preparation Task.

Build a `JobPreparationTask` (and its `JobReleaseTask`) with keyword arguments, check it with
``validate()``, and turn it into the REST body with ``serialize()`` (or read one back with
``deserialize()``); read what the service reports about them per node with `read_status_page`. The
models speak the same wire format as the msrest-based ``azure.batch.models`` classes.
"""

import gc as _gc

# The imports below build the model classes and their generated functions: thousands of objects that
# live as long as the process, and no garbage worth collecting; a collection in their middle would
# cost a fifth of the import. The cyclic collector is paused while they run, and resumed after.
_resume_gc = _gc.isenabled()
_gc.disable()
try:
    from typing import TYPE_CHECKING

    from batchprep._fields import field
    from batchprep.durations import format_duration, parse_duration
    from batchprep.errors import BatchprepError, DeserializationError, SerializationError, ValidationError
    from batchprep.extractors import (
        attribute_key_case_insensitive_extractor,
        attribute_key_extractor,
        last_rest_key_case_insensitive_extractor,
        last_rest_key_extractor,
        rest_key_case_insensitive_extractor,
        rest_key_extractor,
    )
    from batchprep.limits import SizeWarning, size_warnings
    from batchprep.model import Model, register_enum
    from batchprep.models import (
        AutoUserScope,
        AutoUserSpecification,
        ComputeNodeIdentityReference,
        ContainerHostBatchBindMountEntry,
        ContainerHostDataPath,
        ContainerRegistry,
        ContainerWorkingDirectory,
        ElevationLevel,
        EnvironmentSetting,
        ErrorCategory,
        JobPreparationAndRelease,
        JobPreparationAndReleaseTaskExecutionInformation,
        JobPreparationTask,
        JobPreparationTaskExecutionInformation,
        JobPreparationTaskState,
        JobReleaseTask,
        JobReleaseTaskExecutionInformation,
        JobReleaseTaskState,
        NameValuePair,
        ResourceFile,
        RestEnum,
        TaskConstraints,
        TaskContainerExecutionInformation,
        TaskContainerSettings,
        TaskExecutionResult,
        TaskFailureInformation,
        UserIdentity,
    )
    from batchprep.status import StatusPage, iter_status, iter_status_pages, read_status_page
    from batchprep.transformers import attribute_transformer, full_restapi_key_transformer, last_restapi_key_transformer

    if TYPE_CHECKING:
        from batchprep.cmdline import cmd_command, shell_command
finally:
    if _resume_gc:
        _gc.enable()
    del _resume_gc

__version__ = "0.1.0"

#: Names imported on first use: the command-line builders need the shell-script reader, which most
#: programs never use and which would make ``import batchprep`` several times slower.
_LAZY = {"cmd_command": "batchprep.cmdline", "shell_command": "batchprep.cmdline"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'batchprep' has no attribute {name!r}")

__all__ = [
    "AutoUserScope",
    "AutoUserSpecification",
    "BatchprepError",
    "ComputeNodeIdentityReference",
    "ContainerHostBatchBindMountEntry",
    "ContainerHostDataPath",
    "ContainerRegistry",
    "ContainerWorkingDirectory",
    "DeserializationError",
    "ElevationLevel",
    "EnvironmentSetting",
    "ErrorCategory",
    "JobPreparationAndRelease",
    "JobPreparationAndReleaseTaskExecutionInformation",
    "JobPreparationTask",
    "JobPreparationTaskExecutionInformation",
    "JobPreparationTaskState",
    "JobReleaseTask",
    "JobReleaseTaskExecutionInformation",
    "JobReleaseTaskState",
    "RestEnum",
    "Model",
    "NameValuePair",
    "ResourceFile",
    "SerializationError",
    "SizeWarning",
    "StatusPage",
    "TaskConstraints",
    "TaskContainerExecutionInformation",
    "TaskContainerSettings",
    "TaskExecutionResult",
    "TaskFailureInformation",
    "UserIdentity",
    "ValidationError",
    "attribute_key_case_insensitive_extractor",
    "attribute_key_extractor",
    "attribute_transformer",
    "cmd_command",
    "field",
    "format_duration",
    "full_restapi_key_transformer",
    "iter_status",
    "iter_status_pages",
    "last_rest_key_case_insensitive_extractor",
    "last_rest_key_extractor",
    "last_restapi_key_transformer",
    "parse_duration",
    "read_status_page",
    "register_enum",
    "rest_key_case_insensitive_extractor",
    "rest_key_extractor",
    "shell_command",
    "size_warnings",
]
