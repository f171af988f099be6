"""ISO 8601 durations as the Batch REST API writes them (``PT1H``, ``P7D``, ``PT0.0015S``).

Writing: a ``datetime.timedelta`` gets exactly the text msrest sends (``isodate.duration_isoformat``),
produced here without isodate.  Reading: the designator forms (``PnYnMnWnDTnHnMnS``) are parsed here;
the alternative form ``PYYYY-MM-DDThh:mm:ss`` is refused (isodate misreads short variants of it).

A duration read from the wire remembers its text, so an untouched value goes back unchanged even when
Python cannot hold it exactly: the service's "unlimited" ``P10675199DT2H48M5.4775807S`` has seven
fractional digits, and ``PT60M`` would otherwise come back as ``PT1H``.

Years and months are not fixed spans, but the Batch service (a .NET service, reading durations with
``XmlConvert``) counts a year as 365 days and a month as 30 days.  So does batchprep: ``P1M`` is read
as a `CalendarDuration`, a ``timedelta`` of 30 days that remembers its text.  ``validate()`` refuses
it in a time limit all the same: ``P30M`` is thirty months, and almost always a typo for ``PT30M``.
"""

from __future__ import annotations

import datetime
from typing import Any

from batchprep._lazy import lazy_pattern

__all__ = ["SPAN_MAX", "SPAN_MAX_TEXT", "CalendarDuration", "WireDuration", "format_duration", "parse_duration"]

_ZERO = datetime.timedelta(0)
_NUMBER = r"([0-9]+(?:[.,][0-9]+)?)"
_COMMON = lazy_pattern(
    rf"([+-])?P(?:{_NUMBER}W)?(?:{_NUMBER}D)?(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
#: The designator form with years and months too; the other ISO 8601 form (``PYYYY-MM-DDThh:mm:ss``)
#: is refused: isodate misreads short variants of it (``P0001T04`` as a year, a month and a day).
_CALENDAR = lazy_pattern(
    rf"[+-]?P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)


class WireDuration(datetime.timedelta):
    """A ``timedelta`` read from a REST body, which remembers the text it was read from.

    It behaves as a ``timedelta`` in every way; arithmetic gives plain ``timedelta`` values, so only an
    untouched value is written back with its original text.
    """

    __slots__ = ("wire_text",)
    wire_text: str

    @classmethod
    def of(cls, value: datetime.timedelta, text: str) -> WireDuration:
        made = cls(days=value.days, seconds=value.seconds, microseconds=value.microseconds)
        made.wire_text = text
        return made

    def __repr__(self) -> str:
        return datetime.timedelta.__repr__(datetime.timedelta(self.days, self.seconds, self.microseconds))

    def __reduce__(self) -> Any:
        return (_rebuild, (self.days, self.seconds, self.microseconds, self.wire_text))


def _rebuild(days: int, seconds: int, microseconds: int, text: str) -> WireDuration:
    return WireDuration.of(datetime.timedelta(days, seconds, microseconds), text)


class CalendarDuration(WireDuration):
    """A duration read from text with years or months (``P1M``), counted as the Batch service counts
    them: a year is 365 days, a month 30 days.

    It is a ``timedelta`` of that length which remembers its text (and writes it back unchanged), and
    whose ``years`` and ``months`` say what the text counted. ``validate()`` refuses one in a time
    limit: the service measures those as a fixed span.
    """

    __slots__ = ()

    @property
    def years(self) -> float:
        """The years the text counts (``P2Y6M``: 2)."""
        return _calendar_parts(self.wire_text)[0]

    @property
    def months(self) -> float:
        """The months the text counts (``P2Y6M``: 6)."""
        return _calendar_parts(self.wire_text)[1]

    def __repr__(self) -> str:
        return f"parse_duration({self.wire_text!r})"

    def __reduce__(self) -> Any:
        return (parse_duration, (self.wire_text,))


#: The longest span the Batch service takes (.NET's ``TimeSpan.MaxValue``), as it writes it: what a
#: response says for a limit that was left out ("unlimited").
SPAN_MAX_TEXT = "P10675199DT2H48M5.4775807S"
#: The longest ``timedelta`` within it (Python cannot hold its last 0.7 of a microsecond).
SPAN_MAX = datetime.timedelta(days=10675199, hours=2, minutes=48, seconds=5, microseconds=477580)


def within_span_max(value: datetime.timedelta) -> bool:
    """Whether a duration is at most the service's longest span (its own text for it included)."""
    return value <= SPAN_MAX or (type(value) is WireDuration and value.wire_text == SPAN_MAX_TEXT)


def format_duration(value: datetime.timedelta | Any) -> str:
    """Return the REST text of a ``datetime.timedelta`` (or an ``isodate.Duration``).

    Examples:
        >>> format_duration(datetime.timedelta(hours=1))
        'PT1H'
        >>> format_duration(datetime.timedelta(days=7))
        'P7D'
        >>> format_duration(datetime.timedelta(microseconds=1500))
        'PT0.0015S'
    """
    cls = type(value)
    if cls is WireDuration or cls is CalendarDuration:
        wire: str = value.wire_text  # type: ignore[union-attr]
        return wire
    if cls is datetime.timedelta:
        cached = format_cache.get(value)
        if cached is not None:
            return cached
    if cls is not datetime.timedelta and not isinstance(value, datetime.timedelta):
        snapshot: tuple[str, Any] | None = getattr(value, "_bp_wire", None)
        if snapshot is not None and snapshot[1] == (value.years, value.months, value.tdelta):
            return snapshot[0]  # unchanged since it was read
        import isodate

        formatted: str = isodate.duration_isoformat(value)
        return formatted
    total = (value.days * 86400 + value.seconds) * 1000000 + value.microseconds
    sign = "-" if total < 0 else ""
    seconds, micros = divmod(abs(total), 1000000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    text = sign + "P"
    if days:
        text += f"{days}D"
    if hours or minutes or seconds or micros:
        text += "T"
        if hours:
            text += f"{hours}H"
        if minutes:
            text += f"{minutes}M"
        if micros:
            text += f"{seconds}.{micros:06d}".rstrip("0") + "S"
        elif seconds:
            text += f"{seconds}S"
    elif not days:
        text += "0D"
    if cls is datetime.timedelta:
        if len(format_cache) >= CACHE_MAX:
            format_cache.clear()  # a crude bound: real workloads use a handful of distinct limits
        format_cache[value] = text
    return text


#: Text of recently formatted timedeltas: tasks repeat the same few limits over and over.
format_cache: dict[datetime.timedelta, str] = {}
CACHE_MAX = 4096


def parse_duration(text: str) -> datetime.timedelta | Any:
    """Parse ISO 8601 duration text: a `WireDuration`, or a `CalendarDuration` for years/months.

    Only the designator form (``P1Y2M3DT4H5M6.5S``, ``P2W``) is read; the alternative form
    ``PYYYY-MM-DDThh:mm:ss`` is refused. Years count 365 days and months 30, as the Batch service
    counts them.

    Raises:
        ValueError: the text is not an ISO 8601 duration.

    Examples:
        >>> parse_duration('PT1H30M')
        datetime.timedelta(seconds=5400)
        >>> format_duration(parse_duration('PT90M'))
        'PT90M'
    """
    if not isinstance(text, str):
        raise ValueError(f"an ISO 8601 duration must be a string, got {type(text).__name__}")
    known = _parsed.get(text)
    if known is not None:
        return known
    match = _COMMON.fullmatch(text)
    if match is not None:
        sign, weeks, days, hours, minutes, seconds = match.groups()
        if weeks is None and days is None and hours is None and minutes is None and seconds is None:
            raise ValueError(f"{text!r} is not an ISO 8601 duration: it has no component (e.g. 'PT0S')")
        if text.endswith("T"):
            raise ValueError(f"{text!r} is not an ISO 8601 duration: 'T' must be followed by a time component")
        try:
            value = datetime.timedelta(
                weeks=_float(weeks), days=_float(days), hours=_float(hours), minutes=_float(minutes), seconds=_float(seconds)
            )
        except OverflowError:
            raise ValueError(f"{text!r} is longer than Python's longest timedelta") from None
        if sign == "-":
            value = _ZERO - value
        wire = WireDuration.of(value, text)
        if len(_parsed) >= CACHE_MAX:
            _parsed.clear()
        _parsed[text] = wire  # shared safely: a WireDuration cannot change
        return wire
    return _parse_rare(text)


#: Recently parsed duration text: responses repeat the same few limits over and over.
_parsed: dict[str, WireDuration] = {}


def _float(number: str | None) -> float:
    return 0.0 if number is None else float(number.replace(",", "."))


def _parse_rare(text: str) -> Any:
    """Text with years or months, or a form the common pattern does not take (``P1.5W``...)."""
    match = _CALENDAR.fullmatch(text)
    if text.endswith(("P", "T")) or match is None or not any(match.groups()):
        raise ValueError(f"{text!r} is not an ISO 8601 duration (e.g. 'PT1H', 'P7D')")
    years, months, weeks, days, hours, minutes, seconds = (_float(g) for g in match.groups())
    try:
        value = datetime.timedelta(
            days=365 * years + 30 * months + 7 * weeks + days, hours=hours, minutes=minutes, seconds=seconds
        )
    except OverflowError:
        raise ValueError(f"{text!r} is longer than Python's longest timedelta") from None
    if text.startswith("-"):
        value = _ZERO - value
    made = (CalendarDuration if years or months else WireDuration).of(value, text)
    return made


def _calendar_parts(text: str) -> tuple[float, float]:
    match = _CALENDAR.fullmatch(text)
    if match is None:
        return (0.0, 0.0)
    return (_float(match.group(1)), _float(match.group(2)))


def is_duration(value: Any) -> bool:
    """Whether ``value`` is a Python duration batchprep can send: a ``timedelta`` (or an
    ``isodate.Duration``, which msrest-based code may hold, and which ``validate()`` then judges)."""
    if isinstance(value, datetime.timedelta):
        return True
    cls = type(value)
    return cls.__name__ == "Duration" and cls.__module__.startswith("isodate")


def calendar_text(value: Any) -> str | None:
    """The text of a duration that counts years or months (``P30M``), or None for a fixed span."""
    if type(value) is CalendarDuration:
        return value.wire_text
    if not isinstance(value, datetime.timedelta) and is_duration(value) and (value.years or value.months):
        return format_duration(value)
    return None
