"""What a run changed in a directory: the evidence `--check-idempotent` shows.

A snapshot records, for every file, directory and link below a directory, its kind, mode, size and
(for files up to 64 MiB) a SHA-256 of its content; larger files are compared by size and modification
time. Two snapshots give the paths added, removed and changed. A file rewritten with the same content
is not a change.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from batchprep.node._records import Record

__all__ = ["Changes", "Snapshot", "snapshot"]

_HASHED_UP_TO = 64 << 20

#: path relative to the snapshot's directory -> (kind, mode, size, content digest or link target or mtime)
Snapshot = dict[str, tuple[str, int, int, str]]


def _entry(path: Path) -> tuple[str, int, int, str]:
    info = path.lstat()
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return ("link", mode, 0, os.readlink(path))
    if stat.S_ISDIR(info.st_mode):
        return ("directory", mode, 0, "")
    if info.st_size > _HASHED_UP_TO:
        return ("file", mode, info.st_size, f"mtime:{info.st_mtime_ns}")
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return ("file", mode, info.st_size, digest.hexdigest())


def snapshot(directory: Path) -> Snapshot:
    """Every entry below `directory` (not following links); an entry that cannot be read is left out."""
    found: Snapshot = {}
    if not directory.is_dir():
        return found
    for parent, directories, files in os.walk(directory):
        for name in [*directories, *files]:
            path = Path(parent) / name
            try:
                found[path.relative_to(directory).as_posix()] = _entry(path)
            except OSError:
                continue
    return found


class Changes(Record):
    """The difference between two snapshots of one directory.

    Attributes:
        directory: The directory.
        added: Paths there only after.
        removed: Paths there only before.
        changed: Paths whose content, kind or mode differ.
    """

    directory: Path
    added: list[str]
    removed: list[str]
    changed: list[str]

    __slots__ = ("added", "changed", "directory", "removed")

    def __init__(
        self,
        directory: Path,
        added: list[str] | None = None,
        removed: list[str] | None = None,
        changed: list[str] | None = None,
    ) -> None:
        self.directory = directory
        self.added = [] if added is None else added
        self.removed = [] if removed is None else removed
        self.changed = [] if changed is None else changed

    @classmethod
    def between(cls, directory: Path, before: Snapshot, after: Snapshot) -> Changes:
        return cls(
            directory,
            sorted(set(after) - set(before)),
            sorted(set(before) - set(after)),
            sorted(p for p in set(before) & set(after) if before[p] != after[p]),
        )

    @property
    def none(self) -> bool:
        return not (self.added or self.removed or self.changed)
