"""What a newcomer meets first: honest enums and durations, and the comforts of a modern model library.

The command line's side of it (misspelt keys and values in files, standard input, JSON output for
unreadable files) is in tests/test_cli_newcomer.py.
"""

from __future__ import annotations

import datetime
import pickle
import re

import pytest

import batchprep as bp

# --- enum values: one spelling, however they are given ----------------------------------------------


def test_a_known_value_in_another_letter_case_is_the_member_whichever_way_it_is_given() -> None:
    given = bp.AutoUserSpecification(elevation_level="Admin", scope="POOL")
    assert given.elevation_level is bp.ElevationLevel.admin and given.scope is bp.AutoUserScope.pool
    assert given == bp.AutoUserSpecification(elevation_level="admin", scope="pool")
    assert given == bp.AutoUserSpecification.deserialize({"elevationLevel": "ADMIN", "scope": "Pool"})
    given.elevation_level = "NonAdmin"
    assert given.elevation_level is bp.ElevationLevel.non_admin
    assert given.serialize() == {"scope": "pool", "elevationLevel": "nonadmin"}
    assert repr(given) == "AutoUserSpecification(scope='pool', elevation_level='nonadmin')"
    assert pickle.loads(pickle.dumps(given)) == given


def test_other_text_is_kept_as_written_for_a_newer_service() -> None:
    newer = bp.AutoUserSpecification(elevation_level="superUser")
    assert newer.elevation_level == "superUser" and type(newer.elevation_level) is str
    assert newer.serialize() == {"elevationLevel": "superUser"}
    spaced = bp.AutoUserSpecification(elevation_level="admin ")  # not a letter-case difference
    assert type(spaced.elevation_level) is str


def test_an_unset_enum_attribute_says_its_own_name() -> None:
    spec = bp.AutoUserSpecification(scope="pool")
    del spec.scope
    with pytest.raises(AttributeError, match="^'AutoUserSpecification' object has no attribute 'scope'$"):
        spec.scope  # noqa: B018


def test_enums_look_up_values_in_any_letter_case_and_print_their_value() -> None:
    assert bp.ElevationLevel("Admin") is bp.ElevationLevel.admin
    assert bp.ContainerWorkingDirectory("TASKWORKINGDIRECTORY") is bp.ContainerWorkingDirectory.task_working_directory
    with pytest.raises(ValueError, match="'administrator' is not a valid ElevationLevel"):
        bp.ElevationLevel("administrator")
    assert str(bp.ElevationLevel.admin) == "admin"
    assert f"{bp.AutoUserScope.task}" == "task" and f"{bp.AutoUserScope.task:>6}" == "  task"
    assert issubclass(bp.ElevationLevel, bp.RestEnum) and isinstance(bp.ElevationLevel.admin, str)


# --- secrets ----------------------------------------------------------------------------------------------


def test_repr_masks_sas_signatures_in_every_text_field() -> None:
    task = bp.JobPreparationTask(
        command_line="/bin/sh -c 'curl -o a.tgz \"https://acct.blob.core.windows.net/c/a.tgz?sv=2022-11-02&sig=Zm9v%2Bbar\"'",
        environment_settings=[bp.EnvironmentSetting(name="URL", value="https://a/c?sp=r&sig=c2VjcmV0")],
    )
    shown = repr(task)
    assert "Zm9v" not in shown and "c2VjcmV0" not in shown
    assert "sv=2022-11-02&sig=***" in shown and "sp=r&sig=***" in shown
    assert task.command_line.endswith("sig=Zm9v%2Bbar\"'")  # the value itself is untouched


# --- the comforts of a modern model library ----------------------------------------------------------


def test_replace_makes_a_changed_copy_through_the_constructor() -> None:
    import copy
    import sys

    task = bp.JobPreparationTask(command_line="a", id="one", additional_properties={"newer": 1})
    other = task.replace(id="two")
    assert (other.id, other.command_line, other.additional_properties) == ("two", "a", {"newer": 1})
    assert task.id == "one" and other.additional_properties is not task.additional_properties
    with pytest.raises(TypeError, match=r"got an unexpected keyword argument 'comand_line' \(did you mean 'command_line'\?\)"):
        task.replace(comand_line="b")
    if sys.version_info >= (3, 13):
        assert copy.replace(task, id="three").id == "three"  # type: ignore[attr-defined]
    assert bp.JobPreparationTask.__replace__ is bp.JobPreparationTask.replace


def test_replace_keeps_what_the_service_set() -> None:
    info = bp.JobPreparationTaskExecutionInformation.deserialize(
        {"startTime": "2026-01-31T10:00:00Z", "state": "completed", "retryCount": 0, "exitCode": 1}
    )
    again = info.replace(exit_code=0)
    assert again.exit_code == 0 and again.start_time == info.start_time and again.state is info.state


def test_models_take_part_in_pattern_matching() -> None:
    assert bp.EnvironmentSetting.__match_args__ == ("name", "value")
    match bp.EnvironmentSetting(name="PATH", value="/opt/bin"):
        case bp.EnvironmentSetting("PATH", value):
            assert value == "/opt/bin"
        case _:
            pytest.fail("did not match")


def test_the_constructor_signature_shows_the_real_names_annotations_and_defaults() -> None:
    import inspect
    import pydoc

    signature = inspect.signature(bp.EnvironmentSetting)
    assert str(signature) == (
        "(*, name: str, value: str | None = None, additional_properties: dict[str, typing.Any] | None = None) -> None"
    )
    parameters = inspect.signature(bp.JobPreparationTask).parameters
    assert list(parameters)[:3] == ["id", "command_line", "container_settings"]
    assert parameters["command_line"].default is inspect.Parameter.empty  # required
    assert parameters["resource_files"].annotation == list[bp.ResourceFile] | None
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    assert not any(name.startswith("_bp") for name in parameters)
    init = inspect.signature(bp.EnvironmentSetting.__init__)
    assert list(init.parameters)[:3] == ["self", "name", "value"]
    assert init.parameters["name"].annotation == "str"
    text = pydoc.render_doc(bp.EnvironmentSetting, renderer=pydoc.plaintext)
    page = " ".join(re.sub(r"^ \|", "", text, flags=re.MULTILINE).split())  # without pydoc's margin
    assert "EnvironmentSetting(*, name: str, value: str | None = None," in page.replace("( *", "(*")  # one line or several


def test_a_model_left_inside_an_azure_batch_15_model_says_to_convert_it() -> None:
    # azure-batch 15.x models write the values they hold with as_dict(exclude_readonly=...).
    with pytest.raises(TypeError, match=r"inside an azure-batch 15\.x model.*batchprep\.interop\.to_batch_v15\(\)"):
        bp.EnvironmentSetting(name="A").as_dict(exclude_readonly=True)
