"""Complete bodies to start from, as JSON or as commented YAML: a Job Preparation Task, its Job
Release Task, and a Job - Add body with both.

`batchprep example` prints them (``--release``, ``--job``).  The preparation task is the one
`examples/quickstart.py` builds with the models; `examples/job-preparation-task.json` and `.yaml`,
`examples/job-release-task.json` and `examples/job.json` are this module's output, and the tests
keep them the same.  The YAML is written here, without PyYAML: a small emitter for the few shapes
the bodies have (objects, arrays, strings, integers, booleans), with a comment above each property.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

__all__ = ["KINDS", "example_body", "example_json", "example_yaml"]

_IDENTITY = {
    "resourceId": (
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/batch-rg"
        "/providers/Microsoft.ManagedIdentity/userAssignedIdentities/batch-pull"
    )
}

_BODY: dict[str, Any] = {
    "id": "prepare-node",
    "commandLine": (
        '/bin/sh -c "./setup.sh && mkdir -p $AZ_BATCH_NODE_SHARED_DIR/refdata'
        ' && cp -r reference-data/. $AZ_BATCH_NODE_SHARED_DIR/refdata/"'
    ),
    "containerSettings": {
        "imageName": "batchtools.azurecr.io/prep/refdata-tools:1.4",
        "registry": {"registryServer": "batchtools.azurecr.io", "identityReference": _IDENTITY},
        "workingDirectory": "taskWorkingDirectory",
    },
    "resourceFiles": [
        {
            "httpUrl": (
                "https://batchdata.blob.core.windows.net/tools/setup.sh"
                "?sv=2022-11-02&sr=b&sp=r&se=2030-01-01T00%3A00%3A00Z&sig=REPLACE-WITH-YOUR-SIGNATURE"
            ),
            "filePath": "setup.sh",
            "fileMode": "0755",
        },
        {
            "storageContainerUrl": "https://batchdata.blob.core.windows.net/reference",
            "blobPrefix": "genomes/2024-06/",
            "filePath": "reference-data",
            "identityReference": _IDENTITY,
        },
        {"autoStorageContainerName": "job-inputs", "filePath": "inputs"},
    ],
    "environmentSettings": [
        {"name": "REFDATA_RELEASE", "value": "2024-06"},
        {"name": "LC_ALL", "value": "C.UTF-8"},
    ],
    "constraints": {"maxWallClockTime": "PT30M", "retentionTime": "P1D", "maxTaskRetryCount": 2},
    "waitForSuccess": True,
    "userIdentity": {"autoUser": {"scope": "pool", "elevationLevel": "admin"}},
    "rerunOnNodeRebootAfterSuccess": False,
}

_HEADER = (
    "A Job Preparation Task: the body of 'jobPreparationTask' in the Batch REST API's Job - Add.",
    "Batch runs it on each node before any other task of the job runs there.",
    "Check it with:  batchprep check job-preparation-task.yaml   (YAML needs: pip install 'batchprep[yaml]')",
    "Every property but commandLine is optional; leave out what you do not need.",
)

#: JSON pointer -> the comment written above that property.
_NOTES: dict[str, tuple[str, ...]] = {
    "/id": ("At most 64 letters, digits, '-' and '_'. Without it the service calls the task 'jobpreparation'.",),
    "/commandLine": (
        "Not run in a shell: call one for '&&' and $VARIABLES. The task may run again on the same",
        "node (reboot, reimage, recovery), so every step must be safe to repeat (mkdir -p, overwrite).",
    ),
    "/containerSettings": ("Run the task in a container image (optional).",),
    "/containerSettings/registry": (
        "A private registry, reached with a managed identity of the pool: no password stored.",
        "With a user name instead: username and password.",
    ),
    "/containerSettings/workingDirectory": (
        "taskWorkingDirectory (where the resource files are) or containerImageDefault.",
    ),
    "/resourceFiles": ("Downloaded into the task's working directory before it starts.",),
    "/resourceFiles/0": (
        "One file from a URL: filePath is required. The 'sig' of a SAS URL is a secret.",
        "fileMode is octal permission bits for Linux nodes (quoted: it is text, not a number).",
    ),
    "/resourceFiles/1": ("The blobs of a container whose names start with blobPrefix, read with a managed identity.",),
    "/resourceFiles/2": ("A container of the storage account linked to the Batch account.",),
    "/environmentSettings": ("Environment variables of the task; each name at most once.",),
    "/constraints": (
        "maxWallClockTime and retentionTime are ISO 8601 durations (PT30M = 30 minutes, P1D = 1 day).",
        "maxTaskRetryCount: 0 = no retry, -1 = retry without limit.",
    ),
    "/waitForSuccess": ("No other task of the job starts on a node until this one has exited with 0 there.",),
    "/userIdentity": ("Run as the pool-wide auto-user with admin rights; or give username (a user of the pool).",),
    "/rerunOnNodeRebootAfterSuccess": ("The data survives a reboot on the node's disk: no need to run again.",),
}

_RELEASE_BODY: dict[str, Any] = {
    "id": "clean-node",
    "commandLine": '/bin/sh -c "rm -rf $AZ_BATCH_NODE_SHARED_DIR/refdata"',
    "maxWallClockTime": "PT5M",
    "retentionTime": "P1D",
    "userIdentity": {"autoUser": {"scope": "pool", "elevationLevel": "admin"}},
}

_RELEASE_HEADER = (
    "A Job Release Task: the body of 'jobReleaseTask' in the Batch REST API's Job - Add.",
    "Batch runs it when the job ends, on each node that ran the job's preparation task;",
    "a job may have one only together with a Job Preparation Task.",
    "Check it with:  batchprep check job-release-task.yaml   (YAML needs: pip install 'batchprep[yaml]')",
)

_RELEASE_NOTES: dict[str, tuple[str, ...]] = {
    "/id": (
        "At most 64 letters, digits, '-' and '_'. Without it the service calls the task 'jobrelease'.",
        "It must differ from the preparation task's ID.",
    ),
    "/commandLine": (
        "Undo what the preparation task did. Not run in a shell: call one for $VARIABLES.",
        "It runs again if the node reboots while it runs, so it must be safe to repeat.",
    ),
    "/maxWallClockTime": ("At most 15 minutes (PT15M, also the default): the service refuses a longer limit.",),
    "/retentionTime": ("How long the task's directory stays on the node (P1D = 1 day; 7 days by default).",),
    "/userIdentity": ("The preparation task's auto-user, so that it may delete what that task wrote.",),
}

_JOB_HEADER = (
    "A Job - Add body with both tasks; batchprep checks jobPreparationTask and jobReleaseTask",
    "and the rules that tie them, and leaves the rest of the job to the service.",
    "Check it with:  batchprep check job.yaml   (YAML needs: pip install 'batchprep[yaml]')",
)

_JOB_NOTES: dict[str, tuple[str, ...]] = {
    "/poolInfo": ("The pool the job runs on.",),
    "/jobPreparationTask": ("Runs on each node before any other task of the job runs there.",),
    "/jobReleaseTask": ("Runs on those nodes when the job ends.",),
    **{f"/jobPreparationTask{path}": note for path, note in _NOTES.items()},
    **{f"/jobReleaseTask{path}": note for path, note in _RELEASE_NOTES.items()},
}

#: What `example_body` can give, with its body, its YAML header and its comments.
KINDS: dict[str, tuple[dict[str, Any], tuple[str, ...], dict[str, tuple[str, ...]]]] = {
    "preparation": (_BODY, _HEADER, _NOTES),
    "release": (_RELEASE_BODY, _RELEASE_HEADER, _RELEASE_NOTES),
    "job": (
        {"id": "refdata-2024-06", "poolInfo": {"poolId": "genomics"}, "jobPreparationTask": _BODY, "jobReleaseTask": _RELEASE_BODY},
        _JOB_HEADER,
        _JOB_NOTES,
    ),
}

#: Plain YAML scalars that stay text in YAML 1.1 and 1.2 alike (no numbers, no yes/no/on/off/null).
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_.-]*")
_NOT_PLAIN = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def example_body(kind: str = "preparation") -> dict[str, Any]:
    """A fresh copy of an example REST body (valid, with every common property set).

    Args:
        kind: ``preparation`` (a Job Preparation Task), ``release`` (a Job Release Task) or ``job``
            (a Job - Add body with both).
    """
    return copy.deepcopy(_kind(kind)[0])


def example_json(kind: str = "preparation") -> str:
    """An example body as JSON text, indented by 2 spaces, without a final newline."""
    return json.dumps(_kind(kind)[0], indent=2)


def example_yaml(kind: str = "preparation") -> str:
    """An example body as YAML with comments, ending with a newline."""
    body, header, notes = _kind(kind)
    lines = [*(f"# {line}" for line in header), ""]
    _mapping(body, "", 0, lines, notes)
    return "\n".join(lines) + "\n"


def _kind(kind: str) -> tuple[dict[str, Any], tuple[str, ...], dict[str, tuple[str, ...]]]:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}") from None


def _scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value.lower() not in _NOT_PLAIN:
        return value
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar
    raise TypeError(f"the YAML writer takes strings, integers and booleans, not {type(value).__name__}")


Notes = dict[str, tuple[str, ...]]


def _mapping(body: dict[str, Any], path: str, indent: int, lines: list[str], notes: Notes) -> None:
    pad = " " * indent
    for key, value in body.items():
        lines.extend(f"{pad}# {line}" for line in notes.get(f"{path}/{key}", ()))
        if isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _mapping(value, f"{path}/{key}", indent + 2, lines, notes)
        elif isinstance(value, list):
            lines.append(f"{pad}{key}:")
            _sequence(value, f"{path}/{key}", indent + 2, lines, notes)
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")


def _sequence(items: list[Any], path: str, indent: int, lines: list[str], notes: Notes) -> None:
    pad = " " * indent
    for index, item in enumerate(items):
        lines.extend(f"{pad}# {line}" for line in notes.get(f"{path}/{index}", ()))
        if not isinstance(item, dict):
            lines.append(f"{pad}- {_scalar(item)}")
            continue
        inner: list[str] = []
        _mapping(item, f"{path}/{index}", indent + 2, inner, notes)
        first = next(i for i, line in enumerate(inner) if not line.lstrip().startswith("#"))
        lines.extend(f"{pad}{line.lstrip()}" for line in inner[:first])  # comments of the first key
        lines.append(f"{pad}- {inner[first][indent + 2 :]}")
        lines.extend(inner[first + 1 :])
