"""``iso-8601`` timestamps against msrest 0.7.1, both directions.

The status models' ``startTime``, ``endTime`` and ``lastRetryTime`` are read from service responses
(seven fractional digits, ``Z``) and written by tools that report them (the local node): batchprep
must accept and refuse the same text as msrest, read the same moments, and write the same text.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable

import azure.batch.models as az
import pytest
from hypothesis import given
from hypothesis import strategies as st
from msrest.exceptions import DeserializationError as MsrestDeserializationError
from msrest.serialization import Deserializer, Serializer

import batchprep as bp
from batchprep._primitives import CODECS, Invalid
from strategies import moments, timestamp_near_misses, timestamp_texts, utc_offsets

_ISO = CODECS["iso-8601"]
offsets = utc_offsets()


def _reading(load: Callable[[str], datetime.datetime], refusal: type[Exception]) -> Callable[[str], datetime.datetime | None]:
    def read(text: str) -> datetime.datetime | None:
        try:
            return load(text)
        except refusal:
            return None

    return read


#: The moment each library reads from a text, or None where it refuses the text.
msrest_reads = _reading(Deserializer.deserialize_iso, MsrestDeserializationError)
batchprep_reads = _reading(_ISO.load, Invalid)


def assert_same_moment(ours: datetime.datetime | None, theirs: datetime.datetime | None) -> None:
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is not None and theirs is not None:
        assert ours == theirs
        assert ours.utcoffset() == theirs.utcoffset()
        assert (ours.tzinfo is None) == (theirs.tzinfo is None)
        assert ours.microsecond == theirs.microsecond


@given(timestamp_texts())
def test_timestamps_are_read_as_msrest_reads_them(text: str) -> None:
    assert_same_moment(batchprep_reads(text), msrest_reads(text))


@given(timestamp_near_misses() | st.text("0123456789-T:.Z+z ", max_size=32))
def test_near_misses_are_refused_or_read_as_msrest_does(text: str) -> None:
    assert_same_moment(batchprep_reads(text), msrest_reads(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The service's own form: seven digits, the seventh dropped (not rounded), as msrest does.
        ("2026-01-31T12:00:00.1234567Z", datetime.datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=datetime.timezone.utc)),
        ("2026-01-31T12:00:00.9999999Z", datetime.datetime(2026, 1, 31, 12, 0, 0, 999999, tzinfo=datetime.timezone.utc)),
        ("2026-01-31t12:00:00z", datetime.datetime(2026, 1, 31, 12, tzinfo=datetime.timezone.utc)),
        (
            "2026-01-31T12:00:00.5+05:30",
            datetime.datetime(2026, 1, 31, 12, 0, 0, 500000, tzinfo=datetime.timezone(datetime.timedelta(hours=5, minutes=30))),
        ),
        ("2026-01-31T12:00:00", datetime.datetime(2026, 1, 31, 12)),  # no zone: naive, as msrest reads it
    ],
)
def test_the_service_forms_are_read_exactly(text: str, expected: datetime.datetime) -> None:
    read = _ISO.load(text)
    assert read == expected and read.utcoffset() == expected.utcoffset() and read.microsecond == expected.microsecond
    assert_same_moment(read, msrest_reads(text))
    assert eval(repr(read), {"datetime": datetime}) == read  # datetime.timezone, not isodate's classes


@pytest.mark.parametrize("text", ["2026-02-30T12:00:00Z", "2026-01-31T25:00:00Z", "2026-01-31", "12:00:00Z", "0001-01-01T00:00:00+01:00", ""])
def test_impossible_timestamps_are_refused_with_their_path(text: str) -> None:
    assert msrest_reads(text) is None
    body = {"startTime": text, "state": "running", "retryCount": 0}
    with pytest.raises(bp.DeserializationError) as info:
        bp.JobPreparationTaskExecutionInformation.deserialize(body)
    [problem] = info.value.errors
    assert (problem.rule, problem.path) == ("format", "/startTime")


zones = st.one_of(
    st.none(),
    st.just(datetime.timezone.utc),
    offsets.map(datetime.timezone),
    st.timedeltas(min_value=datetime.timedelta(hours=-23), max_value=datetime.timedelta(hours=23)).map(datetime.timezone),
)


@given(moments(), zones)
def test_timestamps_are_written_as_msrest_writes_them(moment: datetime.datetime, zone: datetime.tzinfo | None) -> None:
    value = moment.replace(tzinfo=zone)
    try:
        theirs = Serializer.serialize_iso(value)
    except Exception:  # a moment that leaves the years 1 to 9999 once in UTC
        assert not _ISO.check(value)
        return
    assert _ISO.check(value)
    assert _ISO.dump(value) == theirs


@given(moments(), zones, st.sampled_from(["running", "completed", "Running"]))
def test_status_models_write_and_read_timestamps_as_azure_batch_does(
    moment: datetime.datetime, zone: datetime.tzinfo | None, state: str
) -> None:
    value = moment.replace(tzinfo=zone)
    if not _ISO.check(value):
        return
    ours = bp.JobReleaseTaskExecutionInformation(start_time=value, end_time=value, state=state)
    theirs = az.JobReleaseTaskExecutionInformation(start_time=value, end_time=value, state=state)
    body = ours.serialize()
    assert body == theirs.serialize()
    again = bp.JobReleaseTaskExecutionInformation.deserialize(json.dumps(body))
    assert_same_moment(again.start_time, az.JobReleaseTaskExecutionInformation.deserialize(body).start_time)
    assert again.serialize() == body
