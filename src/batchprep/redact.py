"""Masking secrets for display: what ``repr()`` and error messages may show."""

from __future__ import annotations

import re

__all__ = ["MASK", "mask_sas_signature"]

MASK = "***"

_SIG = re.compile(r"([?&]sig=)[^&#]*", re.IGNORECASE)


def mask_sas_signature(url: str) -> str:
    """Hide the ``sig`` value of a shared access signature URL; the rest stays readable.

    Examples:
        >>> mask_sas_signature("https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=abc%2Fdef")
        'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=***'
    """
    return _SIG.sub(lambda m: m.group(1) + MASK, url)
