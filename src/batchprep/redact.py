"""Masking secrets for display: what ``repr()`` and error messages may show."""

from __future__ import annotations

import re

__all__ = ["MASK", "mask_connection_string", "mask_sas_signature", "mask_secrets"]

MASK = "***"

_SIG = re.compile(r"([?&]sig=)[^&#]*", re.IGNORECASE)


def mask_sas_signature(url: str) -> str:
    """Hide the ``sig`` value of a shared access signature URL; the rest stays readable.

    Examples:
        >>> mask_sas_signature("https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=abc%2Fdef")
        'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=***'
    """
    return _SIG.sub(lambda m: m.group(1) + MASK, url)


_CONNECTION_SECRET = re.compile(r"((?:^|;)\s*(?:AccountKey|SharedAccessSignature)\s*=)[^;]*", re.IGNORECASE)


def mask_connection_string(text: str) -> str:
    """Hide the account key and the SAS of an Azure Storage connection string, and any SAS signature.

    Examples:
        >>> mask_connection_string("AccountName=acct;AccountKey=a2V5==;BlobEndpoint=https://acct.blob.core.windows.net/")
        'AccountName=acct;AccountKey=***;BlobEndpoint=https://acct.blob.core.windows.net/'
    """
    return mask_sas_signature(_CONNECTION_SECRET.sub(lambda m: m.group(1) + MASK, text))


#: Property names whose values are secrets wherever they appear (compared without case, '-' or '_').
_SECRET_NAMES = ("password", "secret", "token", "accountkey", "sharedkey", "sas", "credential")


def _secret_name(key: object) -> bool:
    folded = str(key).lower().replace("_", "").replace("-", "")
    return any(name in folded for name in _SECRET_NAMES)


def mask_secrets(value: object) -> object:
    """A copy of a JSON-like value fit for display: values under secret-looking names masked,
    SAS signatures in every string masked.

    Examples:
        >>> mask_secrets({"Password": "pw", "url": "https://a/f?sig=abc", "n": [1]})
        {'Password': '***', 'url': 'https://a/f?sig=***', 'n': [1]}
    """
    if isinstance(value, dict):
        return {k: MASK if _secret_name(k) else mask_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(v) for v in value]
    if isinstance(value, str):
        return mask_sas_signature(value)
    return value
