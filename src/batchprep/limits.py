"""How close a REST body comes to the Batch service's request size limits.

These are warnings, not validation errors: a body near a limit is valid, and the exact limits belong
to the service (they have changed over time).  ``serialize()`` never refuses a body for its size.
"""

from __future__ import annotations

from typing import Any, NamedTuple

__all__ = ["MAX_BODY_BYTES", "MAX_DOCUMENT_CHARS", "MAX_RESOURCE_FILES_CHARS", "SizeWarning", "size_warnings"]

#: The service refuses request bodies over 1 MiB (``RequestEntityTooLarge``).
MAX_BODY_BYTES = 1024 * 1024
#: Older service versions capped the serialized resource file list at 32,768 characters.
MAX_RESOURCE_FILES_CHARS = 32768
#: ``deserialize()`` refuses JSON or XML text longer than this many characters (or bytes).
MAX_DOCUMENT_CHARS = 64 * 1024 * 1024
#: A body this share of a limit or more is reported as approaching it.
WARN_AT = 0.9


class SizeWarning(NamedTuple):
    """A part of the body at or near a size limit.

    Attributes:
        path: A JSON pointer to the part ('' for the whole body).
        size: Its size, in the limit's unit.
        limit: The limit.
        message: What to tell a person.
    """

    path: str
    size: int
    limit: int
    message: str

    def __str__(self) -> str:
        return f"{self.path or '/'}: {self.message}"


def _measure(value: Any) -> int:
    import json

    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def _check(path: str, size: int, limit: int, what: str, unit: str, note: str = "") -> SizeWarning | None:
    if size >= WARN_AT * limit:
        state = "over" if size > limit else f"at {100 * size / limit:.0f}% of"
        return SizeWarning(path, size, limit, f"{what} is {size:,} {unit}, {state} the limit of {limit:,}{note}")
    return None


def size_warnings(task: Any) -> list[SizeWarning]:
    """Warnings for a task (a model or its REST body) that is at or near a request size limit.

    The resource file list is the usual cause; zip files, application packages or a container image
    keep it short.
    """
    body = task if isinstance(task, dict) else task.as_dict(keep_readonly=False, key_transformer=_rest_keys())
    warnings = [_check("", _measure(body), MAX_BODY_BYTES, "the request body", "bytes")]
    files = body.get("resourceFiles")
    if files:
        import json

        chars = len(json.dumps(files, separators=(",", ":")))
        warnings.append(
            _check(
                "/resourceFiles",
                chars,
                MAX_RESOURCE_FILES_CHARS,
                "the resource file list",
                "characters",
                " that older service versions enforce",
            )
        )
    return [w for w in warnings if w is not None]


def _rest_keys() -> Any:
    from batchprep.transformers import full_restapi_key_transformer

    return full_restapi_key_transformer
