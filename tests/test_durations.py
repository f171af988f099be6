"""The duration codec: isodate's text and values, without isodate's cost, and lossless round trips."""

from __future__ import annotations

import copy
import datetime
import pickle

import isodate
import pytest
from hypothesis import given, strategies as st

from batchprep import TaskConstraints, format_duration, full_restapi_key_transformer, parse_duration
import batchprep as bp
from batchprep.durations import SPAN_MAX, SPAN_MAX_TEXT, CalendarDuration, WireDuration


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
    # Years and months are read and written back as they came, but refused as time limits (the
    # service measures those as a fixed span): waived, they go out unchanged.
    waive = ("durations-fixed-span",) if "Y" in text or "M" in text.partition("T")[0] else ()
    assert constraints.serialize(waive=waive) == body
    assert copy.deepcopy(constraints).serialize(waive=waive) == body
    assert pickle.loads(pickle.dumps(constraints)).serialize(waive=waive) == body
    assert constraints.as_dict(key_transformer=full_restapi_key_transformer) == body


@pytest.mark.parametrize(
    ("text", "days"), [("P1M", 30), ("P1Y", 365), ("P1Y2M", 425), ("P2Y3M4DT5H", 730 + 90 + 4), ("-P1M", -30), ("P0.5M", 15)]
)
def test_years_and_months_are_read_as_the_service_counts_them(text: str, days: int) -> None:
    value = parse_duration(text)
    assert isinstance(value, CalendarDuration) and isinstance(value, datetime.timedelta)
    assert value.days == days and format_duration(value) == text
    assert repr(value) == f"parse_duration({text!r})"
    assert eval(repr(value), {"parse_duration": parse_duration}) == value
    moved = value + datetime.timedelta(days=1)
    assert type(moved) is datetime.timedelta  # arithmetic gives a plain span, written afresh


def test_a_time_limit_with_months_is_refused_with_the_likely_fix() -> None:
    constraints = TaskConstraints.deserialize({"maxWallClockTime": "P30M", "retentionTime": "P1Y"})
    assert [(e.rule, e.path, e.service_rule, e.message) for e in constraints.validate()] == [
        (
            "fixed_span",
            "/maxWallClockTime",
            "durations-fixed-span",
            "P30M is 30 months; did you mean PT30M (30 minutes)? The Batch service measures time limits as a "
            "fixed span: use days, e.g. P30D",
        ),
        (
            "fixed_span",
            "/retentionTime",
            "durations-fixed-span",
            "P1Y is 1 year; the Batch service measures time limits as a fixed span: use days, e.g. P365D",
        ),
    ]
    with pytest.raises(bp.SerializationError):
        constraints.serialize()


def test_the_longest_span_the_service_takes_is_the_limit() -> None:
    unlimited = TaskConstraints.deserialize({"maxWallClockTime": SPAN_MAX_TEXT})  # what responses say
    assert unlimited.validate() == [] and unlimited.serialize() == {"maxWallClockTime": SPAN_MAX_TEXT}
    assert TaskConstraints(max_wall_clock_time=SPAN_MAX).validate() == []
    for longer in (SPAN_MAX + datetime.timedelta(microseconds=1), datetime.timedelta(days=10675200)):
        [problem] = TaskConstraints(max_wall_clock_time=longer).validate()
        assert (problem.rule, problem.service_rule) == ("maximum", "durations-maximum")
        assert problem.message == (
            "is longer than the longest span the service takes (P10675199DT2H48M5.4775807S, about 29,227 years); "
            "leave the limit out for no limit"
        )
    [problem] = TaskConstraints.deserialize({"retentionTime": "P10675200D"}).validate()
    assert problem.path == "/retentionTime" and problem.rule == "maximum"


@pytest.mark.parametrize(
    ("value", "fix"),
    [
        ("PT5M", "pass datetime.timedelta(minutes=5), or batchprep.parse_duration('PT5M')"),
        ("PT1H30M", "pass datetime.timedelta(hours=1, minutes=30), or batchprep.parse_duration('PT1H30M')"),
        ("30 minutes", "pass a datetime.timedelta, e.g. datetime.timedelta(minutes=5)"),
        (1800, "pass datetime.timedelta(seconds=1800) if it is a number of seconds"),
        (2.5, "pass datetime.timedelta(seconds=2.5) if it is a number of seconds"),
    ],
)
def test_a_duration_given_as_text_or_a_number_is_refused_with_the_fix(value: object, fix: str) -> None:
    [problem] = TaskConstraints(max_wall_clock_time=value).validate()  # type: ignore[arg-type]
    assert problem.rule == "type" and problem.message.endswith(": " + fix)


def test_negative_durations_read_back_but_are_not_sent() -> None:
    constraints = TaskConstraints.deserialize({"maxWallClockTime": "-P1D", "retentionTime": "-PT5M"})
    assert constraints.as_dict(key_transformer=full_restapi_key_transformer) == {
        "maxWallClockTime": "-P1D",
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


def test_an_isodate_duration_given_in_python_is_judged_as_a_calendar_span() -> None:
    constraints = TaskConstraints(retention_time=isodate.Duration(years=1))  # type: ignore[arg-type]
    [problem] = constraints.validate()
    assert problem.rule == "fixed_span" and problem.message.startswith("P1Y is 1 year;")
    assert constraints.serialize(waive="durations-fixed-span") == {"retentionTime": "P1Y"}
