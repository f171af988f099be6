"""What a newcomer meets first: honest enums and durations, and the comforts of a modern model library.

The command line's side of it (misspelt keys and values in files, standard input, JSON output for
unreadable files) is in tests/test_cli_newcomer.py.
"""

from __future__ import annotations

import datetime
import pickle

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
