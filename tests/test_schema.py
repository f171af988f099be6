"""The JSON Schema of `batchprep.schema`: valid draft 2020-12, as lenient as batchprep, strict about types.

The schema must accept every body batchprep accepts (the shipped examples, the bodies in tests/data,
random valid bodies with unknown properties, nulls for optional properties, any duration batchprep
reads), and refuse the wrong JSON types and the broken rules it can express.
"""

from __future__ import annotations

import copy
import doctest
import json
import re
from pathlib import Path
from typing import Any

import bodies
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import batchprep
from batchprep import Model, field, lint
from batchprep.durations import parse_duration
from batchprep.example import example_body
from batchprep.model import registry
from batchprep.schema import _SERVICE_RULES, DURATION_PATTERN, ecma_pattern, json_schema

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = sorted((ROOT / "tests" / "data").glob("*.json"))

SCHEMA = json_schema()
VALIDATOR = Draft202012Validator(SCHEMA)


def schema_errors(body: Any) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(body)]


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert SCHEMA["$ref"] == "#/$defs/JobPreparationTask"


def test_the_schema_is_json_and_the_same_every_time() -> None:
    assert json.loads(json.dumps(SCHEMA)) == SCHEMA
    assert json_schema() == SCHEMA
    json_schema()["$defs"]["ResourceFile"]["oneOf"].clear()  # the caller's copy, not module state
    assert json_schema() == SCHEMA


#: The bodies a schema is generated for: the task, its release twin, the two in a job, a status entry.
ROOTS = (
    batchprep.JobPreparationTask,
    batchprep.JobReleaseTask,
    batchprep.JobPreparationAndRelease,
    batchprep.JobPreparationAndReleaseTaskExecutionInformation,
)


def test_every_model_of_the_family_has_a_definition_from_its_fields() -> None:
    family = {
        name
        for name, cls in registry.items()
        if isinstance(cls, type) and issubclass(cls, Model) and cls.__module__.startswith("batchprep.models")
    }
    schemas = [json_schema(root) for root in ROOTS]
    for schema in schemas:
        Draft202012Validator.check_schema(schema)
    assert set().union(*(schema["$defs"] for schema in schemas)) == family
    job = json_schema(batchprep.JobPreparationAndRelease)["$defs"]
    assert set(SCHEMA["$defs"]) < set(job) and "JobReleaseTask" in job  # the job's schema holds both tasks
    for schema in schemas:
        for name, entry in schema["$defs"].items():
            cls = registry[name]
            assert list(entry["properties"]) == [f.wire_key for f in cls._bp_fields]
            assert entry.get("required", []) == [f.wire_key for f in cls._bp_fields if f.required]
            assert entry["additionalProperties"] is True
            assert entry == SCHEMA["$defs"].get(name, entry)  # a model has the same entry everywhere


def test_every_rule_spanning_several_properties_has_a_decision() -> None:
    """A new service rule must be given a JSON Schema form, or None (checked by batchprep only)."""
    for cls in registry.values():
        for rule in getattr(cls, "_bp_checks", ()):
            assert rule.report in _SERVICE_RULES, (
                f"{cls.__name__}: {rule.report.__name__} is not in schema._SERVICE_RULES"
            )


def test_rules_and_enums_come_from_the_declarations() -> None:
    task = SCHEMA["$defs"]["JobPreparationTask"]["properties"]
    assert task["id"]["maxLength"] == 64
    assert task["id"]["pattern"] == "^[A-Za-z0-9_-]+$"
    assert task["commandLine"]["type"] == "string"  # required: null is not allowed
    file_mode = SCHEMA["$defs"]["ResourceFile"]["properties"]["fileMode"]
    assert file_mode["pattern"] == "^[0-7]{3,4}$"
    constraints = SCHEMA["$defs"]["TaskConstraints"]["properties"]
    assert constraints["maxTaskRetryCount"]["minimum"] == -1
    assert "format" not in constraints["maxWallClockTime"]  # RFC 3339 durations are narrower
    assert constraints["maxWallClockTime"]["pattern"] == DURATION_PATTERN
    scope = SCHEMA["$defs"]["AutoUserSpecification"]["properties"]["scope"]
    assert scope["anyOf"] == [{"enum": ["task", "pool"]}, {"type": "string"}, {"type": "null"}]
    # Descriptions come from the docstrings, with REST keys instead of Python names.
    assert "`httpUrl`" in SCHEMA["$defs"]["ResourceFile"]["properties"]["filePath"]["description"]


def test_a_model_of_your_own_gets_its_schema_too() -> None:
    class Lease(Model):
        """A lease on a node."""

        holder: str = field("holder", "str", max_length=16, pattern=r"[a-z]")
        ttl: Any = field("timeToLive", "duration", default=None)
        labels: Any = field("labels", "{str}", default=None)
        hosts: Any = field("hosts", "[str]", default=None, min_items=1, unique=True)

    schema = json_schema(Lease)
    Draft202012Validator.check_schema(schema)
    assert schema["$defs"]["Lease"]["properties"] == {
        "holder": {"type": "string", "maxLength": 16, "pattern": "^(?:[a-z])"},
        "timeToLive": {"type": ["string", "null"], "pattern": DURATION_PATTERN},
        "labels": {"type": ["object", "null"], "additionalProperties": {"type": "string"}},
        "hosts": {"type": ["array", "null"], "items": {"type": "string"}, "minItems": 1, "uniqueItems": True},
    }
    assert schema["$defs"]["Lease"]["required"] == ["holder"]


def test_python_only_patterns_are_refused() -> None:
    assert ecma_pattern(r"^a\Z") == "^a$"
    with pytest.raises(TypeError, match="Python-only"):
        ecma_pattern(r"(?P<name>a)")
    with pytest.raises(TypeError, match="Python-only"):
        ecma_pattern(r"a\Zb")


@pytest.mark.parametrize("path", [EXAMPLES / "job-preparation-task.json", *DATA], ids=lambda p: p.name)
def test_valid_bodies_are_accepted(path: Path) -> None:
    assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_yaml_example_is_accepted() -> None:
    assert schema_errors(yaml.safe_load((EXAMPLES / "job-preparation-task.yaml").read_text(encoding="utf-8"))) == []


@given(bodies.job_preparation_tasks(extras=True))
def test_random_valid_bodies_are_accepted(body: dict[str, Any]) -> None:
    assert schema_errors(body) == []


@given(bodies.job_preparation_tasks(extras=True), st.data())
def test_null_for_an_optional_property_is_accepted_like_batchprep_does(
    body: dict[str, Any], data: st.DataObject
) -> None:
    optional = sorted(set(body) & set(SCHEMA["$defs"]["JobPreparationTask"]["properties"]) - {"commandLine"})
    for key in data.draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []:
        body[key] = None
    assert lint.check(body).ok
    assert schema_errors(body) == []


def test_a_null_source_does_not_count_as_a_source() -> None:
    body = {"commandLine": "x", "resourceFiles": [{"httpUrl": None, "autoStorageContainerName": "in"}]}
    assert lint.check(body).ok
    assert schema_errors(body) == []


@given(
    st.lists(
        st.sampled_from(["P", "T", "-", "+", ":", ".", ",", "W", "Z", "Y", "M", "D", "H", "S", "0", "7", "12", "2024"]),
        max_size=10,
    ).map("".join)
)
def test_every_duration_batchprep_reads_matches_the_pattern(text: str) -> None:
    try:
        parse_duration(text)
    except ValueError:
        return
    assert re.search(DURATION_PATTERN, text), text


@pytest.mark.parametrize(
    "text",
    [
        "PT1H",
        "P7D",
        "P2W",
        "P1Y2M",
        "-PT5M",
        "PT0.5S",
        "PT1,5S",
        "P10675199DT2H48M5.4775807S",
    ],
)
def test_durations_batchprep_reads(text: str) -> None:
    parse_duration(text)
    assert re.search(DURATION_PATTERN, text)


@pytest.mark.parametrize(
    "text",
    ["", "P", "PT", "P1DT", "1 hour", "PT1X", "pt1h", "PT1H ", "P٣D", "30 minutes", "P0001-02-03T04:05:06", "P72T0909"],
)
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)
    assert not re.search(DURATION_PATTERN, text)


def test_the_broken_example_is_refused() -> None:
    broken = json.loads((EXAMPLES / "broken-job-preparation-task.json").read_text(encoding="utf-8"))
    assert schema_errors(broken)


def _changed(path: str, value: Any) -> dict[str, Any]:
    """The example body with the value at a JSON pointer replaced (or removed, for `...`)."""
    body = example_body()
    *parents, last = path.strip("/").split("/")
    here: Any = body
    for token in parents:
        here = here[int(token)] if isinstance(here, list) else here[token]
    key: Any = int(last) if isinstance(here, list) else last
    if value is ...:
        del here[key]
    else:
        here[key] = copy.deepcopy(value)
    return body


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/commandLine", 5),
        ("/commandLine", None),
        ("/commandLine", ...),
        ("/constraints/maxTaskRetryCount", 3.7),
        ("/constraints/maxTaskRetryCount", "3"),
        ("/constraints/maxTaskRetryCount", -2),
        ("/waitForSuccess", "yes"),
        ("/resourceFiles", {"httpUrl": "https://example.com/a"}),
        ("/resourceFiles/0", None),
        ("/resourceFiles/0/filePath", ...),
        ("/resourceFiles/0/fileMode", "rwxr-xr-x"),
        ("/resourceFiles/0/fileMode", 755),
        ("/resourceFiles/2", {"filePath": "inputs"}),
        ("/resourceFiles/2/httpUrl", "https://example.com/a"),
        ("/resourceFiles/2/identityReference", {"resourceId": "/id"}),
        ("/resourceFiles/0/blobPrefix", "a/"),
        ("/id", "prepare node"),
        ("/id", "x" * 65),
        ("/id", ""),
        ("/constraints/maxWallClockTime", "30 minutes"),
        ("/constraints/retentionTime", 86400),
        ("/environmentSettings", [None]),
        ("/environmentSettings/0/name", ...),
        ("/containerSettings/imageName", ...),
        ("/containerSettings/workingDirectory", 1),
        ("/userIdentity", {"username": "batch", "autoUser": {"scope": "pool"}}),
        ("/userIdentity", {}),
        ("/userIdentity", {"username": None}),
        ("/constraints/maxTaskRetryCount", 2**31),
        ("/resourceFiles/0/filePath", "tools/"),
        ("/resourceFiles/0/filePath", "."),
        ("/resourceFiles/0/filePath", "tools\\.."),
        ("/userIdentity/autoUser/scope", ["pool"]),
        ("/containerSettings/registry/identityReference/resourceId", False),
    ],
)
def test_wrong_types_and_broken_rules_are_refused_by_both(path: str, value: Any) -> None:
    body = _changed(path, value)
    assert schema_errors(body), f"the schema accepted {path} = {value!r}"
    assert not lint.check(body).ok, f"batchprep accepted {path} = {value!r}"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("/userIdentity/autoUser/scope", "Pool"),  # any letter case
        ("/userIdentity/autoUser/scope", "node"),  # a value from a newer service
        ("/allowTaskPreemption", True),  # an unknown property
        ("/waitForSuccess", None),
        ("/constraints/maxTaskRetryCount", 2**31 - 1),
        ("/resourceFiles/1/filePath", "reference-data/"),  # a container source's directory
        ("/resourceFiles/0/filePath", ".setup.sh"),
    ],
)
def test_what_batchprep_accepts_the_schema_accepts(path: str, value: Any) -> None:
    body = _changed(path, value)
    assert lint.check(body).ok
    assert schema_errors(body) == []


@pytest.mark.parametrize("module", [batchprep.schema, lint, batchprep.example])
def test_module_doctests(module: Any) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=True)
    assert result.failed == 0


def _job_errors(body: Any) -> list[str]:
    validator = Draft202012Validator(json_schema(batchprep.JobPreparationAndRelease))
    return [f"{error.json_path}: {error.message}" for error in validator.iter_errors(body)]


def test_the_job_schema_takes_a_job_body_and_refuses_a_release_task_alone() -> None:
    release = {"commandLine": "/bin/sh -c 'rm -rf $AZ_BATCH_NODE_SHARED_DIR/refdata'"}
    job = {"id": "job", "poolInfo": {"poolId": "pool"}, "jobPreparationTask": example_body(), "jobReleaseTask": release}
    assert _job_errors(job) == []
    assert lint.check(job, batchprep.JobPreparationAndRelease).ok
    alone = {"id": "job", "poolInfo": {"poolId": "pool"}, "jobReleaseTask": release}
    assert _job_errors(alone)
    assert [p.service_rule for p in lint.check(alone, batchprep.JobPreparationAndRelease).problems] == [
        "release-needs-preparation"
    ]
    assert _job_errors({**job, "jobReleaseTask": {**release, "maxWallClockTime": "5 minutes"}})
