"""The duration codec: isodate's text and values, without isodate's cost, and lossless round trips."""

from __future__ import annotations

import copy
import datetime
import pickle

import isodate
import pytest
from hypothesis import given, strategies as st

from batchprep import TaskConstraints, format_duration, full_restapi_key_transformer, parse_duration
from batchprep.durations import WireDuration


@given(st.timedeltas())
def test_format_equals_isodate_for_every_timedelta(value: datetime.timedelta) -> None:
    assert format_duration(value) == isodate.duration_isoformat(value)


numbers = st.one_of(
    st.integers(0, 10**6).map(str),
    st.tuples(st.integers(0, 10**5), st.integers(0, 10**9), st.sampled_from(".,")).map(lambda t: f"{t[0]}{t[2]}{t[1]}"),
)


@st.composite
def duration_texts(draw: st.DrawFn) -> str:
    sign = draw(st.sampled_from(["", "-", "+"]))
    parts = {unit: draw(st.none() | numbers) for unit in "WDHMS"}
    date = "".join(f"{parts[u]}{u}" for u in "WD" if parts[u] is not None)
    time = "".join(f"{parts[u]}{u}" for u in "HMS" if parts[u] is not None)
    if not date and not time:
        time = "0S"
    return f"{sign}P{date}{'T' + time if time else ''}"


@given(duration_texts())
def test_parse_equals_isodate_and_keeps_the_text(text: str) -> None:
    try:
        expected = isodate.parse_duration(text)
    except OverflowError:
        with pytest.raises(ValueError):
            parse_duration(text)
        return
    value = parse_duration(text)
    assert value == expected
    assert format_duration(value) == text


@pytest.mark.parametrize(
    "text",
    ["PT1H", "P7D", "PT0.0015S", "P10675199DT2H48M5.4775807S", "PT60M", "P1W", "PT0S", "P1Y2M", "P2Y3M4DT5H", "P1M"],
)
def test_wire_text_survives_a_round_trip_through_the_model(text: str) -> None:
    body = {"maxWallClockTime": text, "retentionTime": text}
    constraints = TaskConstraints.deserialize(body)
    assert constraints.serialize() == body
    assert copy.deepcopy(constraints).serialize() == body
    assert pickle.loads(pickle.dumps(constraints)).serialize() == body


def test_negative_durations_read_back_but_are_not_sent() -> None:
    constraints = TaskConstraints.deserialize({"maxWallClockTime": "-P1M", "retentionTime": "-PT5M"})
    assert constraints.as_dict(key_transformer=full_restapi_key_transformer) == {
        "maxWallClockTime": "-P1M",
        "retentionTime": "-PT5M",
    }
    assert [(e.rule, e.path) for e in constraints.validate()] == [
        ("minimum", "/maxWallClockTime"),
        ("minimum", "/retentionTime"),
    ]


def test_a_changed_duration_is_written_afresh() -> None:
    value = parse_duration("PT60M")
    assert isinstance(value, WireDuration) and value == datetime.timedelta(hours=1)
    assert format_duration(value) == "PT60M"
    assert format_duration(value + datetime.timedelta(minutes=1)) == "PT1H1M"
    assert repr(value) == "datetime.timedelta(seconds=3600)"


@pytest.mark.parametrize("text", ["", "P", "PT", "P1DT", "PT1.5", "1H", "P1H", "p1d", "PT1H ", "PT1H\n", "P١D", "P0001T04", "P72T0909", "P0001-02-03T04:05:06", "P99999999999999D"])
def test_text_that_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not an ISO 8601 duration|longer than"):
        parse_duration(text)


def test_a_calendar_duration_changed_in_place_is_written_afresh() -> None:
    constraints = TaskConstraints.deserialize({"retentionTime": "P1Y"})
    assert constraints.serialize() == {"retentionTime": "P1Y"}
    constraints.retention_time.years = 2  # type: ignore[union-attr]
    assert constraints.serialize() == {"retentionTime": "P2Y"}
