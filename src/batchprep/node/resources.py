"""Stage 2, resource files: downloaded into the working directory before the command starts.

- `httpUrl`: one file, streamed to disk (never held in memory), TLS verified, redirects followed, with
  connect and read timeouts; `filePath` is the file's path.
- `storageContainerUrl`: the container's blobs, listed and read with the official `azure-storage-blob`
  client (the `node` extra); only the blobs whose names start with `blobPrefix`. `filePath` is a
  directory, and each blob lands at `filePath/<whole blob name>`, the prefix's folders included.
- `autoStorageContainerName`: the same, in a container of the auto-storage account given to the node
  (a blob endpoint URL with a SAS, or a connection string).
- `fileMode` (octal, default `0770`) is applied to each file, which belongs to the task's account.

A file arrives whole or not at all (written beside its place, then renamed). A path or blob name that
would land outside the working directory is refused. A failure stops the task before its command
runs, is not retried, and carries the code the service uses (`BlobNotFound`, `BlobAccessDenied`,
`ResourceContainerNotFound`...). URLs in messages have their SAS signature masked.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from batchprep.models import ResourceFile
from batchprep.node._records import Record
from batchprep.redact import mask_connection_string, mask_sas_signature

__all__ = [
    "DownloadOptions",
    "Downloaded",
    "ResourceFailure",
    "ResourceSetupError",
    "download_all",
    "preflight",
]

DEFAULT_FILE_MODE = 0o770
_CHUNK = 1 << 20
_INSTALL_HINT = "pip install 'batchprep[node]'"

#: Called as a file arrives: (the file's path in the working directory, bytes so far, total or None).
Progress = Callable[[str, int, "int | None"], None]


class ResourceFailure(Exception):
    """A resource file could not be downloaded: the task fails, with the service's failure code.

    Attributes:
        code: `BlobNotFound`, `BlobAccessDenied`, `BlobDownloadTimedOut`, `BlobDownloadMiscError`,
            `ResourceContainerNotFound`, `ResourceContainerAccessDenied`, `ResourceContainerListTimedOut`,
            `ResourceContainerListMiscError`, `ResourceDirectoryCreateFailed`, `ResourceFileCreateFailed`,
            `ResourceFileWriteFailed` or `DiskFull`.
        message: What went wrong, with the resource file's place in the task and no secret.
        details: Name/value pairs for `failureInfo.details`.
    """

    def __init__(self, code: str, message: str, details: list[tuple[str, str]]) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class ResourceSetupError(Exception):
    """The node cannot download these resource files at all (a missing option or package): exit 2."""


class Downloaded(Record):
    """One file that arrived: where, and how big."""

    path: Path
    size: int

    __slots__ = ("path", "size")

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size


class DownloadOptions(Record):
    """How the node downloads.

    Attributes:
        timeout: Seconds to wait to connect, and for each read.
        auto_storage: The auto-storage account: a blob endpoint URL with a SAS, or a connection string.
        owner: The (uid, gid) the files and directories get; `None` keeps batchprep's own.
        progress: Called as bytes arrive.
    """

    timeout: float
    auto_storage: str | None
    owner: tuple[int, int] | None
    progress: Progress | None

    __slots__ = ("auto_storage", "owner", "progress", "timeout")

    def __init__(
        self,
        timeout: float = 60.0,
        auto_storage: str | None = None,
        owner: tuple[int, int] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.timeout = timeout
        self.auto_storage = auto_storage
        self.owner = owner
        self.progress = progress


class _Place(Record):
    """One resource file's place in the task, for messages and failure details."""

    index: int
    source: str
    details: list[tuple[str, str]]

    __slots__ = ("details", "index", "source")

    def __init__(self, index: int, source: str, details: list[tuple[str, str]] | None = None) -> None:
        self.index = index
        self.source = source
        self.details = [] if details is None else details

    @property
    def pointer(self) -> str:
        return f"/resourceFiles/{self.index}"

    def fail(self, code: str, what: str, file_path: str | None = None) -> ResourceFailure:
        details = [("ResourceFile", self.pointer), *self.details]
        if file_path is not None:
            details.append(("FilePath", file_path))
        return ResourceFailure(code, f"resource file {self.pointer} ({self.source}): {what}", details)


def preflight(resource_files: Iterable[ResourceFile], options: DownloadOptions) -> list[str]:
    """Check that this node can attempt the downloads at all, before anything runs.

    Returns:
        Notes on what is not emulated (managed identities).

    Raises:
        ResourceSetupError: A container source without `azure-storage-blob` installed, or an
            `autoStorageContainerName` without an auto-storage account.
    """
    notes: list[str] = []
    for index, resource in enumerate(resource_files):
        pointer = f"/resourceFiles/{index}"
        if resource.storage_container_url or resource.auto_storage_container_name:
            try:
                import azure.storage.blob  # noqa: F401 - only to know it is there
            except ImportError:
                raise ResourceSetupError(
                    f"{pointer}: downloading blob containers needs azure-storage-blob: {_INSTALL_HINT}"
                ) from None
        if resource.auto_storage_container_name and not options.auto_storage:
            raise ResourceSetupError(
                f"{pointer}: autoStorageContainerName {resource.auto_storage_container_name!r} needs the Batch "
                "account's auto-storage account: give --auto-storage (or BATCHPREP_AUTO_STORAGE) a blob endpoint "
                "URL with a SAS, or a connection string"
            )
        if resource.identity_reference is not None:
            notes.append(
                f"{pointer}: the managed identity is not emulated: the URL is read as given (with its SAS, if any)"
            )
    return notes


def download_all(resource_files: Iterable[ResourceFile], working: Path, options: DownloadOptions) -> list[Downloaded]:
    """Download every resource file into `working`, in order; stop at the first failure.

    Raises:
        ResourceFailure: A file could not be downloaded.
    """
    arrived: list[Downloaded] = []
    for index, resource in enumerate(resource_files):
        mode = int(resource.file_mode, 8) if resource.file_mode else DEFAULT_FILE_MODE
        if resource.http_url:
            place = _Place(
                index, mask_sas_signature(resource.http_url), [("Url", mask_sas_signature(resource.http_url))]
            )
            target = _target(working, place, resource.file_path or "")
            arrived.append(_write(working, target, place, _http(resource.http_url, place, options), mode, options))
            continue
        client, place = _container(index, resource, options)
        directory = resource.file_path or ""
        for name, size in _list(client, resource.blob_prefix, place):
            target = _target(working, place, directory, name)
            chunks = _blob_chunks(client, name, size, place)
            arrived.append(_write(working, target, place, chunks, mode, options))
    return arrived


# --- where files land ----------------------------------------------------------------------------------


def _target(working: Path, place: _Place, *parts: str) -> Path:
    """The place of a file in the working directory; refused if it would land anywhere else."""
    joined = posixpath.join(*parts) if parts else ""
    relative = posixpath.normpath(joined) if joined else ""
    if not relative or relative == "." or joined.endswith("/"):
        raise place.fail("ResourceFileCreateFailed", f"{joined!r} names a directory, not a file", joined)
    if posixpath.isabs(joined) or relative == ".." or relative.startswith("../") or "\x00" in joined:
        raise place.fail(
            "ResourceFileCreateFailed", f"{joined!r} would land outside the task's working directory: refused", joined
        )
    return working.joinpath(*relative.split("/"))


def _write(
    working: Path,
    target: Path,
    place: _Place,
    chunks: Iterator[tuple[bytes, int | None]],
    mode: int,
    options: DownloadOptions,
) -> Downloaded:
    """Write a file from its chunks next to its place, then move it there; give it its mode and owner."""
    label = target.relative_to(working).as_posix()
    try:
        created = _make_directories(working, target.parent)
    except OSError as err:
        raise place.fail(
            "ResourceDirectoryCreateFailed", f"cannot create the directory for {label!r}: {err.strerror}", label
        ) from None
    real_working, real_parent = os.path.realpath(working), os.path.realpath(target.parent)
    if os.path.commonpath([real_working, real_parent]) != real_working:
        raise place.fail(
            "ResourceFileCreateFailed", f"{label!r} would land outside the working directory (through a link)", label
        )
    if target.is_dir():
        raise place.fail(
            "ResourceFileCreateFailed", f"{label!r} is a directory on the node: cannot write a file there", label
        )
    partial = target.with_name(f".{target.name}.batchprep-partial")
    size = 0
    try:
        try:
            handle: IO[bytes] = open(partial, "wb")  # noqa: SIM115 - closed by the with below
        except OSError as err:
            raise place.fail("ResourceFileCreateFailed", f"cannot create {label!r}: {err.strerror}", label) from None
        with handle:
            for chunk, total in chunks:
                try:
                    handle.write(chunk)
                except OSError as err:
                    code = "DiskFull" if err.errno == errno.ENOSPC else "ResourceFileWriteFailed"
                    raise place.fail(code, f"cannot write {label!r}: {err.strerror}", label) from None
                size += len(chunk)
                if options.progress is not None:
                    options.progress(label, size, total)
        os.chmod(partial, mode)
        if options.owner is not None:
            os.chown(partial, *options.owner)
            for directory in created:
                os.chown(directory, *options.owner)
        os.replace(partial, target)
    finally:
        if partial.exists():
            partial.unlink()
    return Downloaded(target, size)


def _make_directories(working: Path, directory: Path) -> list[Path]:
    """Make `directory` and its missing parents below `working`; return the ones made."""
    missing: list[Path] = []
    here = directory
    while here != working and not here.exists():
        missing.append(here)
        here = here.parent
    for path in reversed(missing):
        path.mkdir()
    return missing


# --- HTTP ----------------------------------------------------------------------------------------------


def _http(url: str, place: _Place, options: DownloadOptions) -> Iterator[tuple[bytes, int | None]]:
    """The body of `url` in chunks, each with the total size when the server gives it."""
    if not url.lower().startswith(("http://", "https://")):
        raise place.fail("BlobDownloadMiscError", "only http:// and https:// URLs can be downloaded")
    import urllib.error  # only with HTTP resource files: they cost a tenth of a second to import
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "batchprep-node"})
    try:
        response = urllib.request.urlopen(request, timeout=options.timeout)
    except urllib.error.HTTPError as err:
        code = {404: "BlobNotFound", 401: "BlobAccessDenied", 403: "BlobAccessDenied"}.get(
            err.code, "BlobDownloadMiscError"
        )
        raise place.fail(code, f"the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise _connection_failure(place, err.reason) from None
    except (TimeoutError, OSError) as err:
        raise _connection_failure(place, err) from None
    return _read_response(response, place)


def _read_response(response: Any, place: _Place) -> Iterator[tuple[bytes, int | None]]:
    import http.client

    length = response.headers.get("Content-Length")
    total = int(length) if length and length.isdigit() else None
    received = 0
    with response:
        while True:
            try:
                chunk = response.read(_CHUNK)
            except (TimeoutError, OSError, http.client.HTTPException) as err:
                raise _connection_failure(place, err) from None
            if not chunk:
                if total is not None and received < total:
                    raise place.fail(
                        "BlobDownloadMiscError", f"the connection closed after {received} of {total} bytes"
                    )
                return
            received += len(chunk)
            yield chunk, total


def _connection_failure(place: _Place, reason: object) -> ResourceFailure:
    if isinstance(reason, TimeoutError) or "timed out" in str(reason):
        return place.fail("BlobDownloadTimedOut", "the download timed out")
    import ssl

    if isinstance(reason, ssl.SSLCertVerificationError):
        return place.fail(
            "BlobDownloadMiscError", f"the server's TLS certificate is not trusted ({reason.verify_message})"
        )
    text = getattr(reason, "strerror", None) or str(reason)
    return place.fail("BlobDownloadMiscError", f"the download failed: {mask_sas_signature(text)}")


# --- blob containers -----------------------------------------------------------------------------------


def _container(index: int, resource: ResourceFile, options: DownloadOptions) -> tuple[Any, _Place]:
    """The container client of a container source, and its place for messages."""
    from azure.storage.blob import BlobServiceClient, ContainerClient

    settings: dict[str, Any] = {
        "connection_timeout": options.timeout,
        "read_timeout": options.timeout,
        "retry_total": 2,
    }
    if resource.storage_container_url:
        shown = mask_sas_signature(resource.storage_container_url)
        place = _Place(index, shown, [("ContainerUrl", shown)])
        try:
            return ContainerClient.from_container_url(resource.storage_container_url, **settings), place
        except ValueError as err:
            raise place.fail(
                "ResourceContainerListMiscError", f"not a container URL: {mask_sas_signature(str(err))}"
            ) from None
    name = resource.auto_storage_container_name or ""
    place = _Place(index, f"auto-storage container {name!r}", [("ContainerName", name)])
    account = options.auto_storage or ""
    try:
        if account.lower().startswith(("http://", "https://")):
            service = BlobServiceClient(account_url=account, **settings)
        else:
            service = BlobServiceClient.from_connection_string(account, **settings)
    except ValueError as err:
        raise ResourceSetupError(
            f"--auto-storage is neither a blob endpoint URL nor a connection string: {mask_connection_string(str(err))}"
        ) from None
    return service.get_container_client(name), place


def _storage_failure(err: Exception, place: _Place, listing: bool, label: str | None = None) -> ResourceFailure:
    """The service's failure code for an error of the storage client."""
    from azure.core.exceptions import HttpResponseError

    status = getattr(err, "status_code", None)
    error_code = getattr(err, "error_code", None)
    error_code = getattr(error_code, "value", error_code)  # the client gives an enum member for known codes
    said = f"the storage service answered {status}" + (f" {error_code}" if error_code else "")
    if "timeout" in type(err).__name__.lower() or "timed out" in str(err):
        return place.fail("ResourceContainerListTimedOut" if listing else "BlobDownloadTimedOut", "timed out", label)
    if listing:
        if status == 404:
            return place.fail("ResourceContainerNotFound", f"{said}: the container does not exist", label)
        if status in (401, 403):
            return place.fail(
                "ResourceContainerAccessDenied",
                f"{said}: listing the container was refused (a SAS needs read and list permission, sp=rl)",
                label,
            )
    else:
        if status == 404:
            return place.fail("BlobNotFound", f"{said}: the blob does not exist", label)
        if status in (401, 403):
            return place.fail(
                "BlobAccessDenied", f"{said}: reading the blob was refused (a SAS needs read permission, sp=r)", label
            )
    code = "ResourceContainerListMiscError" if listing else "BlobDownloadMiscError"
    if isinstance(err, HttpResponseError) and status is not None:
        return place.fail(code, said, label)
    first_line = (str(err).strip().splitlines() or [type(err).__name__])[0]
    return place.fail(code, f"the storage service could not be reached: {mask_sas_signature(first_line)}", label)


def _list(client: Any, prefix: str | None, place: _Place) -> list[tuple[str, int | None]]:
    """The names and sizes of the blobs to download (folder markers left out)."""
    from azure.core.exceptions import AzureError

    try:
        return [
            (blob.name, blob.size)
            for blob in client.list_blobs(name_starts_with=prefix or None)
            if not blob.name.endswith("/")
        ]
    except AzureError as err:
        raise _storage_failure(err, place, listing=True) from None


def _blob_chunks(client: Any, name: str, size: int | None, place: _Place) -> Iterator[tuple[bytes, int | None]]:
    from azure.core.exceptions import AzureError

    try:
        stream = client.download_blob(name)
        for chunk in stream.chunks():
            yield chunk, size
    except AzureError as err:
        raise _storage_failure(err, place, listing=False, label=name) from None
