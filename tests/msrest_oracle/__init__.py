"""The msrest side of the differential tests: oracle models and batchprep <-> msrest converters.

Only model and enum classes may be imported into this namespace as names: msrest's
``Model._infer_class_models`` reads every class found here as a dependency of the oracle models.
"""

from msrest_oracle.convert import EXTRACTORS, TRANSFORMERS, oracle_class, plain, rules_and_targets, to_msrest
from msrest_oracle.models import (
    AutoUserScope,
    AutoUserSpecification,
    ComputeNodeIdentityReference,
    ContainerHostBatchBindMountEntry,
    ContainerHostDataPath,
    ContainerRegistry,
    ContainerWorkingDirectory,
    ElevationLevel,
    EnvironmentSetting,
    JobPreparationTask,
    ResourceFile,
    TaskConstraints,
    TaskContainerSettings,
    UserIdentity,
)

__all__ = [
    "EXTRACTORS",
    "TRANSFORMERS",
    "AutoUserScope",
    "AutoUserSpecification",
    "ComputeNodeIdentityReference",
    "ContainerHostBatchBindMountEntry",
    "ContainerHostDataPath",
    "ContainerRegistry",
    "ContainerWorkingDirectory",
    "ElevationLevel",
    "EnvironmentSetting",
    "JobPreparationTask",
    "ResourceFile",
    "TaskConstraints",
    "TaskContainerSettings",
    "UserIdentity",
    "oracle_class",
    "plain",
    "rules_and_targets",
    "to_msrest",
]
