"""ISO 8601 durations as the Batch REST API writes them (``PT1H``, ``P7D``, ``PT0.0015S``).

The text matches what msrest sends, which is what ``isodate.duration_isoformat`` writes.  isodate is
imported on first use only, so ``import batchprep`` stays cheap for code that never touches a duration.
"""

from __future__ import annotations

import datetime
from typing import Any

__all__ = ["format_duration", "parse_duration"]


def format_duration(value: datetime.timedelta | Any) -> str:
    """Return the REST text of a ``datetime.timedelta`` (or an ``isodate.Duration``).

    >>> format_duration(datetime.timedelta(hours=1))
    'PT1H'
    >>> format_duration(datetime.timedelta(days=7))
    'P7D'
    """
    import isodate

    text: str = isodate.duration_isoformat(value)
    return text


def parse_duration(text: str) -> datetime.timedelta | Any:
    """Parse ISO 8601 duration text into a ``timedelta``, or an ``isodate.Duration`` for years/months.

    Raises:
        ValueError: the text is not an ISO 8601 duration.

    >>> parse_duration('PT1H30M')
    datetime.timedelta(seconds=5400)
    """
    import isodate

    if not isinstance(text, str):
        raise ValueError(f"an ISO 8601 duration must be a string, got {type(text).__name__}")
    try:
        return isodate.parse_duration(text)
    except (isodate.ISO8601Error, ValueError, OverflowError) as err:
        raise ValueError(f"{text!r} is not an ISO 8601 duration (e.g. 'PT1H', 'P7D')") from err


def is_duration(value: Any) -> bool:
    """Whether ``value`` is a Python duration batchprep can send."""
    if isinstance(value, datetime.timedelta):
        return True
    cls = type(value)
    return cls.__name__ == "Duration" and cls.__module__.startswith("isodate")
