"""Masking secrets for display: what ``repr()``, error messages and `batchprep check`'s findings may show.

Three kinds of secret travel inside ordinary text (a command line, a URL, an environment value):
the signature of a shared access signature (``sig=...``), the password of a URL's user information
(``https://user:token@host``), and the key or SAS of an Azure Storage connection string
(``AccountKey=...``). Each is masked up to where it must end: a signature never holds a blank, a
quote or a shell operator, so that a message that quotes a command line keeps the text after it.
"""

from __future__ import annotations

import re

from batchprep._lazy import lazy_pattern

__all__ = ["MASK", "mask_connection_string", "mask_sas_signature", "mask_secrets", "mask_text", "mask_url_credentials"]

MASK = "***"

#: What ends a signature besides `&` and `#`: blanks, quotes, and what a shell reads as an operator.
_SIG_END = "&#\\s'\"`\\\\;)<>|"
_SIG = lazy_pattern(rf"((?<![A-Za-z0-9_-])sig=)[^{_SIG_END}]*", re.IGNORECASE)


def mask_sas_signature(text: str) -> str:
    """Hide the ``sig`` value of each shared access signature in the text; the rest stays readable.

    The signature ends at ``&`` or ``#``, at a blank, a quote, ``;``, ``)``, ``<``, ``>`` or ``|``,
    so that a SAS URL quoted inside a command line or a message masks only its signature.

    Examples:
        >>> mask_sas_signature("https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=abc%2Fdef")
        'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sig=***'
        >>> mask_sas_signature("curl 'https://a/f?sig=abc' -o f; tar xf f")
        "curl 'https://a/f?sig=***' -o f; tar xf f"
    """
    return _SIG.sub(lambda m: m.group(1) + MASK, text)


#: scheme://user:password@ or scheme://token@ (a user name alone is often a token: https://ghp_...@github.com).
_USER_INFO = lazy_pattern(r"\b([A-Za-z][A-Za-z0-9+.-]*://)([^\s/?#@:'\"`]*)(:[^\s/?#@'\"`]*)?@")


def mask_url_credentials(text: str) -> str:
    """Hide the password of each URL's user information, or the user name when it stands alone.

    Examples:
        >>> mask_url_credentials("git clone https://build:s3cret@dev.example.com/repo.git src")
        'git clone https://build:***@dev.example.com/repo.git src'
        >>> mask_url_credentials("https://ghp_token@github.com/org/repo")
        'https://***@github.com/org/repo'
    """

    def masked(m: re.Match[str]) -> str:
        scheme, user, password = m.group(1), m.group(2), m.group(3)
        return f"{scheme}{user}:{MASK}@" if password is not None else f"{scheme}{MASK}@"

    return _USER_INFO.sub(masked, text)


_CONNECTION_SECRET = lazy_pattern(r"((?:^|;)\s*(?:AccountKey|SharedAccessSignature)\s*=)[^;]*", re.IGNORECASE)
#: The same inside free text, where the value also ends at a blank or a quote.
_CONNECTION_SECRET_IN_TEXT = lazy_pattern(
    r"((?<![A-Za-z0-9_])(?:AccountKey|SharedAccessSignature)\s*=)[^;\s'\"`]*", re.IGNORECASE
)


def mask_connection_string(text: str) -> str:
    """Hide the account key and the SAS of an Azure Storage connection string, and any SAS signature.

    Examples:
        >>> mask_connection_string("AccountName=acct;AccountKey=a2V5==;BlobEndpoint=https://acct.blob.core.windows.net/")
        'AccountName=acct;AccountKey=***;BlobEndpoint=https://acct.blob.core.windows.net/'
    """
    return mask_sas_signature(_CONNECTION_SECRET.sub(lambda m: m.group(1) + MASK, text))


def mask_text(text: str) -> str:
    """Hide every secret batchprep knows in free text: SAS signatures, URL credentials, storage keys.

    What `batchprep check` prints and ``repr()`` shows goes through it: a message that quotes a
    command line or an environment value may hold any of them.

    Examples:
        >>> mask_text('az storage blob download --connection-string "AccountName=a;AccountKey=a2V5==" -n f')
        'az storage blob download --connection-string "AccountName=a;AccountKey=***" -n f'
    """
    text = _CONNECTION_SECRET_IN_TEXT.sub(lambda m: m.group(1) + MASK, text)
    return mask_url_credentials(mask_sas_signature(text))


#: Property names whose values are secrets wherever they appear (compared without case, '-' or '_').
_SECRET_NAMES = ("password", "secret", "token", "accountkey", "sharedkey", "sas", "credential")


def _secret_name(key: object) -> bool:
    folded = str(key).lower().replace("_", "").replace("-", "")
    return any(name in folded for name in _SECRET_NAMES)


def mask_secrets(value: object) -> object:
    """A copy of a JSON-like value fit for display: values under secret-looking names masked,
    and in every string the secrets `mask_text` knows.

    Examples:
        >>> mask_secrets({"Password": "pw", "url": "https://a/f?sig=abc", "n": [1]})
        {'Password': '***', 'url': 'https://a/f?sig=***', 'n': [1]}
    """
    if isinstance(value, dict):
        return {k: MASK if _secret_name(k) else mask_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(v) for v in value]
    if isinstance(value, str):
        return mask_text(value)
    return value
