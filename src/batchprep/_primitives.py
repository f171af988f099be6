"""How each msrest primitive type is checked, written to the wire and read back.

One `Codec` per type string.  ``check`` says whether a Python value may be sent, ``dump`` turns
a checked value into its JSON form (msrest's exact text), ``load`` reads a JSON value strictly and
raises `Bad` (with a short reason) for anything that would need a lossy guess.
"""

from __future__ import annotations

import datetime
import enum
import re
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

from batchprep import durations
from batchprep._lazy import lazy_pattern

_UTC = datetime.timezone.utc


class Invalid(Exception):
    """A wire value cannot be read (raised bare on the fast path, which builds no message)."""


class Bad(Invalid):
    """A wire value has the right JSON type but unreadable content; the text says why."""


class WrongType(Invalid):
    """A wire value has the wrong JSON type."""


class Codec(NamedTuple):
    check: Callable[[Any], bool]
    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]
    #: The Python type(s) a user should pass, for error messages.
    python: str


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def dump_str(v: Any) -> str:
    if type(v) is str:
        return v
    if isinstance(v, enum.Enum):
        return str(v.value)
    return str.__str__(v)


def _load_str(v: Any) -> str:
    if isinstance(v, str):
        return v
    raise WrongType


def _load_int(v: Any) -> int:
    if type(v) is int:
        return v
    raise WrongType


def _load_float(v: Any) -> float:
    if _is_number(v):
        return float(v)
    raise WrongType


def _load_bool(v: Any) -> bool:
    if v is True or v is False:
        return v
    raise WrongType


def _check_decimal(v: Any) -> bool:
    if _is_number(v):
        return True
    decimal = sys.modules.get("decimal")  # a Decimal exists only if someone imported decimal
    return decimal is not None and isinstance(v, decimal.Decimal)


def _load_decimal(v: Any) -> Any:
    import decimal

    if isinstance(v, decimal.Decimal):
        return v
    if not (_is_number(v) or isinstance(v, str)):
        raise WrongType
    try:
        return decimal.Decimal(v)
    except decimal.DecimalException:
        raise Bad("not a decimal number") from None


def _load_duration(v: Any) -> Any:
    if durations.is_duration(v):
        return v
    if not isinstance(v, str):
        raise WrongType
    try:
        return durations.parse_duration(v)
    except ValueError:
        raise Bad("not an ISO 8601 duration such as 'PT1H' or 'P7D'") from None


def dump_iso(v: datetime.datetime) -> str:
    utc = v.utctimetuple()
    fraction = str(v.microsecond).rjust(6, "0").rstrip("0").ljust(3, "0")
    return "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{}Z".format(
        utc.tm_year, utc.tm_mon, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, fraction
    )


def _check_iso(v: Any) -> bool:
    if not isinstance(v, datetime.datetime):
        return False
    try:
        year = v.utctimetuple().tm_year
    except (OverflowError, ValueError):
        return False
    return 1 <= year <= 9999


_ISO_SHAPE = lazy_pattern(r"\d{4}[-]\d{2}[-]\d{2}T\d{2}:\d{2}:\d{2}\.?\d*Z?[-+]?[\d{2}]?:?[\d{2}]?")
#: The form the Batch service writes (``2026-01-31T12:00:00.1234567Z``), and the same with an offset or
#: without a time zone: read by ``datetime.fromisoformat``, which keeps six fractional digits as
#: msrest does. Anything else msrest accepts goes through isodate, as msrest's reader does.
#: (Compiled at import, not lazily: every timestamp the Python reader reads goes through it.)
_ISO_COMMON = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?")
_ISO_EXAMPLE = "not an ISO 8601 date-time such as '2026-01-31T12:00:00Z'"


def _in_range(moment: datetime.datetime) -> datetime.datetime:
    """msrest's range: the moment, in UTC, falls in the years 1 to 9999."""
    try:
        year = moment.utctimetuple().tm_year
    except (ValueError, OverflowError):
        raise Bad("date-time out of range") from None
    if not 1 <= year <= 9999:
        raise Bad("date-time out of range")
    return moment


def _load_iso(v: Any) -> datetime.datetime:
    """Read ``iso-8601`` text as msrest 0.7.1 reads it: the same moments, accepted and refused alike.

    Offsets become ``datetime.timezone`` objects (msrest keeps isodate's tzinfo classes): the same
    moment and offset, with a ``repr`` that evaluates back. Digits after the sixth fractional one
    are dropped, as msrest drops them.
    """
    if isinstance(v, datetime.datetime):
        return v
    if not isinstance(v, str):
        raise WrongType
    text = v.upper()
    if _ISO_COMMON.fullmatch(text):
        try:
            return _in_range(_from_iso(text))
        except ValueError:  # 24:00:00, 30 February...: isodate has the last word
            pass
    return _load_iso_rare(text)


_from_iso = datetime.datetime.fromisoformat


def _load_iso_rare(text: str) -> datetime.datetime:
    import isodate

    if not _ISO_SHAPE.match(text):
        raise Bad(_ISO_EXAMPLE)
    head, dot, tail = text.partition(".")
    if dot:
        digits = re.match(r"\d*", tail).group()  # type: ignore[union-attr]
        if len(digits) > 6:  # Python keeps microseconds: the service may send 7 digits
            text = head + "." + digits[:6] + tail[len(digits) :]
    try:
        parsed: datetime.datetime = isodate.parse_datetime(text)
    except (ValueError, OverflowError, isodate.ISO8601Error):
        raise Bad(_ISO_EXAMPLE) from None
    offset = parsed.utcoffset()
    if offset is not None:
        try:
            parsed = parsed.replace(tzinfo=datetime.timezone(offset))
        except ValueError:  # an offset of a day or more: datetime.timezone cannot hold it
            pass
    return _in_range(parsed)


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def dump_rfc(v: datetime.datetime) -> str:
    utc = v.utctimetuple()
    return "{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT".format(
        _DAYS[utc.tm_wday], utc.tm_mday, _MONTHS[utc.tm_mon], utc.tm_year, utc.tm_hour, utc.tm_min, utc.tm_sec
    )


def _check_rfc(v: Any) -> bool:
    if not isinstance(v, datetime.datetime):
        return False
    try:
        v.utctimetuple()
    except (OverflowError, ValueError):
        return False
    return True


def _load_rfc(v: Any) -> datetime.datetime:
    if isinstance(v, datetime.datetime):
        return v
    if not isinstance(v, str):
        raise WrongType
    import email.utils

    parsed = email.utils.parsedate_tz(v)
    if parsed is None:
        raise Bad("not an RFC 1123 date-time such as 'Sat, 31 Jan 2026 12:00:00 GMT'")
    try:
        offset = datetime.timedelta(seconds=parsed[9] or 0)
        return datetime.datetime(*parsed[:6], tzinfo=datetime.timezone(offset))
    except (ValueError, OverflowError):
        raise Bad("not an RFC 1123 date-time such as 'Sat, 31 Jan 2026 12:00:00 GMT'") from None


def dump_date(v: datetime.date) -> str:
    return "{:04}-{:02}-{:02}".format(v.year, v.month, v.day)


_LETTERS = lazy_pattern(r"[^\W\d_]", re.I | re.U)


def _load_date(v: Any) -> datetime.date:
    if isinstance(v, datetime.date) and not isinstance(v, datetime.datetime):
        return v
    if not isinstance(v, str):
        raise WrongType
    import isodate

    if _LETTERS.search(v):
        raise Bad("not an ISO 8601 date such as '2026-01-31'")
    try:
        day: datetime.date = isodate.parse_date(v, defaultmonth=None, defaultday=None)
        return day
    except (ValueError, TypeError, isodate.ISO8601Error):
        raise Bad("not an ISO 8601 date such as '2026-01-31'") from None


def dump_time(v: datetime.time) -> str:
    text = "{:02}:{:02}:{:02}".format(v.hour, v.minute, v.second)
    if v.microsecond:
        text += ".{:06}".format(v.microsecond)  # msrest writes {:02}: 5 µs would read back as 50 ms
    return text


def _load_time(v: Any) -> datetime.time:
    if isinstance(v, datetime.time):
        return v
    if not isinstance(v, str):
        raise WrongType
    import isodate

    if _LETTERS.search(v):
        raise Bad("not an ISO 8601 time such as '12:30:00'")
    try:
        moment: datetime.time = isodate.parse_time(v)
        return moment
    except (ValueError, isodate.ISO8601Error):
        raise Bad("not an ISO 8601 time such as '12:30:00'") from None


def dump_unix(v: Any) -> int:
    if isinstance(v, int):
        return int(v)
    import calendar

    return int(calendar.timegm(v.utctimetuple()))


def _check_unix(v: Any) -> bool:
    return _is_int(v) or _check_rfc(v)


def _load_unix(v: Any) -> datetime.datetime:
    if isinstance(v, datetime.datetime):
        return v
    if not _is_number(v):
        raise WrongType
    try:
        return datetime.datetime.fromtimestamp(v, _UTC)
    except (ValueError, OverflowError, OSError):
        raise Bad("Unix timestamp out of range") from None


def dump_base64(v: bytes) -> str:
    import base64

    return base64.b64encode(v).decode("ascii").strip("=").replace("+", "-").replace("/", "_")


def _load_base64(v: Any) -> bytes:
    if isinstance(v, (bytes, bytearray)):
        return bytes(v)
    if not isinstance(v, str):
        raise WrongType
    padded = v + "=" * (3 - (len(v) + 3) % 4)
    import base64
    import binascii

    try:
        return base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise Bad("not URL-safe base64 text") from None


def dump_bytearray(v: bytes) -> str:
    import base64

    return base64.b64encode(v).decode()


def _load_bytearray(v: Any) -> bytearray:
    if isinstance(v, bytearray):
        return v
    if not isinstance(v, str):
        raise WrongType
    import base64
    import binascii

    try:
        return bytearray(base64.b64decode(v, validate=True))
    except (binascii.Error, ValueError):
        raise Bad("not base64 text") from None


def _is_bytes(v: Any) -> bool:
    return isinstance(v, (bytes, bytearray))


def dump_object(v: Any) -> Any:
    """msrest's rules for a value typed ``object``: JSON values as they are, a few Python types as text."""
    cls = type(v)
    if v is None or cls is str or cls is bool or cls is int or cls is float:
        return v
    if cls is dict:
        return {dump_str(k): dump_object(x) for k, x in v.items()}
    if cls is list:
        return [dump_object(x) for x in v]
    if isinstance(v, enum.Enum):
        return v.value
    if isinstance(v, str):
        return dump_str(v)
    if cls is datetime.datetime:
        return dump_iso(v)
    if cls is datetime.date:
        return dump_date(v)
    if cls is datetime.time:
        return dump_time(v)
    if durations.is_duration(v):
        return durations.format_duration(v)
    if cls.__name__ == "Decimal" and cls.__module__ == "decimal":
        return float(v)
    if hasattr(v, "_bp_fields"):
        return v.serialize()
    if isinstance(v, (int, float)):
        return v
    raise TypeError(f"{cls.__name__} values cannot be sent as JSON")


def _check_object(v: Any) -> bool:
    try:
        dump_object(v)
    except (TypeError, ValueError, RecursionError):
        return False
    return True


def load_object(v: Any) -> Any:
    """A JSON value typed ``object``: copied, so the caller's document is never shared or changed."""
    cls = type(v)
    if cls is dict:
        return {k: load_object(x) for k, x in v.items()}
    if cls is list:
        return [load_object(x) for x in v]
    return v


def _identity(v: Any) -> Any:
    return v


CODECS: dict[str, Codec] = {
    "str": Codec(lambda v: isinstance(v, str), dump_str, _load_str, "str"),
    "int": Codec(_is_int, int, _load_int, "int"),
    "long": Codec(_is_int, int, _load_int, "int"),
    "bool": Codec(lambda v: isinstance(v, bool), _identity, _load_bool, "bool"),
    "float": Codec(_is_number, float, _load_float, "float"),
    "decimal": Codec(_check_decimal, float, _load_decimal, "decimal.Decimal"),
    "duration": Codec(durations.is_duration, durations.format_duration, _load_duration, "datetime.timedelta"),
    "iso-8601": Codec(_check_iso, dump_iso, _load_iso, "datetime.datetime"),
    "rfc-1123": Codec(_check_rfc, dump_rfc, _load_rfc, "datetime.datetime"),
    "date": Codec(
        lambda v: isinstance(v, datetime.date) and not isinstance(v, datetime.datetime),
        dump_date,
        _load_date,
        "datetime.date",
    ),
    "time": Codec(lambda v: isinstance(v, datetime.time), dump_time, _load_time, "datetime.time"),
    "unix-time": Codec(_check_unix, dump_unix, _load_unix, "datetime.datetime or int"),
    "base64": Codec(_is_bytes, dump_base64, _load_base64, "bytes"),
    "bytearray": Codec(_is_bytes, dump_bytearray, _load_bytearray, "bytes or bytearray"),
    "object": Codec(_check_object, dump_object, load_object, "a JSON-compatible value"),
}


def enum_checker(enum_cls: type[enum.Enum]) -> Callable[[Any], bool]:
    """An enum field takes a string, or a member of its enum.

    A member of another enum is refused, except one of the same name (azure-batch's twin of the
    enum, which msrest puts in place when a batchprep model travels inside an azure-batch model).
    """
    name = enum_cls.__name__

    def check_enum(v: Any) -> bool:
        if isinstance(v, enum.Enum):
            cls = type(v)
            return (cls is enum_cls or cls.__name__ == name) and isinstance(v.value, str)
        return isinstance(v, str)

    return check_enum


def enum_dumper(enum_cls: type[enum.Enum]) -> Callable[[Any], str]:
    """Canonical REST text for an enum field: exact value, case-insensitive match, or the text as given."""
    exact: dict[str, str] = {m.value: m.value for m in enum_cls}
    folded: dict[str, str] = {m.value.lower(): m.value for m in enum_cls}

    def dump_enum(v: Any) -> str:
        text = v.value if isinstance(v, enum.Enum) else v
        try:
            return exact[text]
        except KeyError:
            # Unknown values come from newer services; they go back unchanged.
            return folded.get(text.lower(), str.__str__(text))

    return dump_enum


def enum_loader(enum_cls: type[enum.Enum]) -> Callable[[Any], Any]:
    """Read an enum from the wire: its member when known (any letter case), else the text unchanged."""
    exact = {m.value: m for m in enum_cls}
    folded = {m.value.lower(): m for m in enum_cls}

    def load_enum(v: Any) -> Any:
        if isinstance(v, enum.Enum):
            if isinstance(v, enum_cls):
                return v
            v = v.value
        if not isinstance(v, str):
            raise WrongType
        member = exact.get(v)
        if member is None:
            member = folded.get(v.lower())
        return v if member is None else member

    return load_enum
