"""Resource files: HTTP downloads from a local server, blob containers and auto-storage from Azurite."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ADMIN, run_node, write_json

from batchprep import AutoUserSpecification, JobPreparationTask, ResourceFile, UserIdentity
from batchprep.node import DownloadOptions, Node, NodeError, RunOptions, TaskCheckError, resources

#: Writes a marker, so a test can tell whether the command ran after the downloads.
MARK = "/bin/sh -c 'touch ran'"


def prepare(
    node_dir: Path, files: list[dict[str, Any]], *, admin: bool = True, retries: int = 0, **downloads: Any
) -> Any:
    body: dict[str, Any] = {"commandLine": MARK, "resourceFiles": files, "constraints": {"maxTaskRetryCount": retries}}
    if admin:
        body["userIdentity"] = ADMIN
    node = Node(node_dir, options=RunOptions(downloads=DownloadOptions(**downloads)))
    return node.prepare(JobPreparationTask.deserialize(body), "job")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- HTTP ---------------------------------------------------------------------------------------------


def test_http_files_land_at_their_file_path_with_their_mode(node_dir: Path, http: Any) -> None:
    first = http.add("/tools/setup.sh", b"#!/bin/sh\necho set up\n")
    second = http.add("/data/big.bin", os.urandom(3 << 20))
    result = prepare(
        node_dir,
        [
            {"httpUrl": first, "filePath": "setup.sh", "fileMode": "0755"},
            {"httpUrl": second, "filePath": "in/deep/big.bin"},
        ],
    )
    assert result.succeeded, result.info
    wd = result.directories.working
    assert (wd / "setup.sh").read_bytes() == b"#!/bin/sh\necho set up\n"
    assert (wd / "in" / "deep" / "big.bin").read_bytes() == http.routes["/data/big.bin"].body
    assert (mode(wd / "setup.sh"), mode(wd / "in" / "deep" / "big.bin")) == (0o755, 0o770)  # 0770: the default
    assert [d.size for d in result.downloads] == [22, 3 << 20]
    assert (wd / "ran").exists()
    assert not [p for p in wd.rglob("*") if "partial" in p.name]


def test_downloads_belong_to_the_non_admin_account(node_dir: Path, http: Any) -> None:
    url = http.add("/f.txt", b"data")
    result = prepare(node_dir, [{"httpUrl": url, "filePath": "sub/f.txt"}], admin=False)
    assert result.succeeded, result.info
    wd = result.directories.working
    nobody = 65534
    assert {(wd / "sub").stat().st_uid, (wd / "sub" / "f.txt").stat().st_uid, wd.stat().st_uid} == {nobody}
    assert (wd / "ran").stat().st_uid == nobody


def test_redirects_are_followed(node_dir: Path, http: Any) -> None:
    http.add("/real", b"the real file")
    url = http.add("/moved", b"", status=302, headers={"Location": "/real"})
    result = prepare(node_dir, [{"httpUrl": url, "filePath": "f"}])
    assert (result.directories.working / "f").read_bytes() == b"the real file"


@pytest.mark.parametrize(
    ("status", "code"), [(404, "BlobNotFound"), (403, "BlobAccessDenied"), (500, "BlobDownloadMiscError")]
)
def test_a_failed_download_fails_the_task_without_running_or_retrying_it(
    node_dir: Path, http: Any, status: int, code: str
) -> None:
    url = http.add("/missing.tgz", b"nope", status=status)
    result = prepare(node_dir, [{"httpUrl": url + "?sv=2022&sig=TOPSECRET", "filePath": "m.tgz"}], retries=3)
    info = result.info
    assert (info["state"], info["result"], info["failureInfo"]["code"]) == ("completed", "failure", code)
    assert info["failureInfo"]["category"] == "usererror"
    assert "exitCode" not in info and info["retryCount"] == 0
    assert not (result.directories.working / "ran").exists()
    assert not (result.directories.working / "m.tgz").exists()
    assert http.requests == ["/missing.tgz?sv=2022&sig=TOPSECRET"]  # asked once: not retried
    text = json.dumps(info)
    assert "TOPSECRET" not in text and "sig=***" in text
    assert info["failureInfo"]["message"].startswith(f"resource file /resourceFiles/0 ({url}?sv=2022&sig=***): ")


def test_a_slow_server_times_out(node_dir: Path, http: Any) -> None:
    url = http.add("/slow", b"late", delay=2.0)
    result = prepare(node_dir, [{"httpUrl": url, "filePath": "slow"}], timeout=0.3)
    assert result.info["failureInfo"]["code"] == "BlobDownloadTimedOut"


def test_a_truncated_answer_leaves_no_partial_file(node_dir: Path, http: Any) -> None:
    url = http.add("/short", b"only ten b", headers={"Content-Length": "1000"})
    result = prepare(node_dir, [{"httpUrl": url, "filePath": "short"}])
    assert result.info["failureInfo"]["code"] == "BlobDownloadMiscError"
    assert list(result.directories.working.iterdir()) == []


def test_only_http_and_https(node_dir: Path) -> None:
    result = prepare(node_dir, [{"httpUrl": "file:///etc/passwd", "filePath": "passwd"}])
    assert result.info["failureInfo"]["code"] == "BlobDownloadMiscError"
    assert "only http:// and https:// URLs" in result.info["failureInfo"]["message"]


def test_a_file_path_where_a_directory_is_refused(node_dir: Path, http: Any) -> None:
    url = http.add("/x", b"x")
    result = prepare(node_dir, [{"httpUrl": url, "filePath": "d/x"}, {"httpUrl": url, "filePath": "d"}])
    assert result.info["failureInfo"]["code"] == "ResourceFileCreateFailed"
    assert result.info["failureInfo"]["details"][0] == {"name": "ResourceFile", "value": "/resourceFiles/1"}


# --- blob containers (Azurite) ------------------------------------------------------------------------

BLOBS = {
    "genomes/2024-06/chr1.fa": b">chr1\nACGT\n",
    "genomes/2024-06/index/chr1.fai": b"chr1\t4\n",
    "genomes/2023-01/chr1.fa": b">old\n",
    "README": b"read me",
}


def test_a_container_prefix_keeps_the_whole_blob_names(node_dir: Path, azurite: Any) -> None:
    container = azurite.container(BLOBS)
    result = prepare(
        node_dir,
        [
            {
                "storageContainerUrl": azurite.container_url(container),
                "blobPrefix": "genomes/2024-06/",
                "filePath": "ref",
            }
        ],
    )
    assert result.succeeded, result.info
    wd = result.directories.working
    found = sorted(p.relative_to(wd).as_posix() for p in wd.rglob("*") if p.is_file())
    assert found == ["ran", "ref/genomes/2024-06/chr1.fa", "ref/genomes/2024-06/index/chr1.fai"]
    assert (wd / "ref/genomes/2024-06/chr1.fa").read_bytes() == b">chr1\nACGT\n"
    assert mode(wd / "ref/genomes/2024-06/chr1.fa") == 0o770


def test_a_whole_container_without_a_file_path(node_dir: Path, azurite: Any) -> None:
    container = azurite.container(BLOBS)
    result = prepare(node_dir, [{"storageContainerUrl": azurite.container_url(container), "fileMode": "0644"}])
    assert result.succeeded, result.info
    assert {
        p.relative_to(result.directories.working).as_posix()
        for p in result.directories.working.rglob("*")
        if p.is_file()
    } == {*BLOBS, "ran"}
    assert mode(result.directories.working / "README") == 0o644


@pytest.mark.parametrize(
    ("permission", "existing", "code"),
    [
        ("rl", False, "ResourceContainerNotFound"),
        ("r", True, "ResourceContainerAccessDenied"),  # cannot list
        ("l", True, "BlobAccessDenied"),  # lists, cannot read
    ],
)
def test_container_failures_have_the_service_codes(
    node_dir: Path, azurite: Any, permission: str, existing: bool, code: str
) -> None:
    container = azurite.container(BLOBS) if existing else "no-such-container"
    url = azurite.container_url(container, permission)
    result = prepare(node_dir, [{"storageContainerUrl": url, "filePath": "in"}], retries=2)
    failure = result.info["failureInfo"]
    assert (result.info["result"], failure["code"], result.info["retryCount"]) == ("failure", code, 0)
    assert not (result.directories.working / "ran").exists()
    assert "StorageErrorCode" not in failure["message"]  # the service's own spelling of the error code
    signature = url.split("sig=")[1].split("&")[0]
    assert signature not in json.dumps(result.info)


def test_a_blob_name_that_climbs_out_is_refused(node_dir: Path, azurite: Any) -> None:
    container = azurite.container({"ok.txt": b"ok", "/escape.txt": b"out"})
    result = prepare(node_dir, [{"storageContainerUrl": azurite.container_url(container), "filePath": "in"}])
    names = [b.name for b in azurite.service.get_container_client(container).list_blobs()]
    assert "/escape.txt" in names  # the storage service keeps such a name as it is
    failure = result.info["failureInfo"]
    assert failure["code"] == "ResourceFileCreateFailed"
    assert failure["message"].endswith("'/escape.txt' would land outside the task's working directory: refused")
    assert not list(node_dir.parent.rglob("escape.txt")) and not Path("/escape.txt").exists()


def test_a_file_path_that_climbs_out_is_refused_even_unchecked(node_dir: Path, http: Any) -> None:
    # The check refuses it first, also for a model built in Python; the stage refuses it on its own too.
    climbing = ResourceFile(http_url=http.add("/x", b"x"), file_path="sub/../../outside")
    task = JobPreparationTask(
        command_line=MARK,
        resource_files=[climbing],
        user_identity=UserIdentity(auto_user=AutoUserSpecification(elevation_level="admin")),
    )
    with pytest.raises(TaskCheckError) as checked:
        Node(node_dir).prepare(task, "job")
    assert [(e.path, e.rule) for e in checked.value.errors] == [("/resourceFiles/0/filePath", "relative_path")]
    assert not node_dir.exists()
    working = node_dir / "wd"
    working.mkdir(parents=True)
    with pytest.raises(resources.ResourceFailure) as refused:
        resources.download_all([climbing], working, DownloadOptions())
    assert refused.value.code == "ResourceFileCreateFailed"
    assert not (node_dir / "outside").exists() and not (node_dir.parent / "outside").exists()


@pytest.mark.parametrize("kind", ["connection string", "account SAS"])
def test_auto_storage_containers(node_dir: Path, azurite: Any, kind: str) -> None:
    container = azurite.container(BLOBS)
    account = azurite.connection_string if kind == "connection string" else azurite.account_sas_endpoint()
    result = prepare(
        node_dir,
        [{"autoStorageContainerName": container, "blobPrefix": "README", "filePath": "docs"}],
        auto_storage=account,
    )
    assert result.succeeded, result.info
    assert (result.directories.working / "docs" / "README").read_bytes() == b"read me"


def test_auto_storage_without_an_account_stops_before_anything_runs(node_dir: Path) -> None:
    with pytest.raises(
        NodeError,
        match=r"/resourceFiles/0: autoStorageContainerName 'inputs' needs the Batch "
        r"account's auto-storage account: give --auto-storage",
    ):
        prepare(node_dir, [{"autoStorageContainerName": "inputs"}])
    assert not (node_dir / "workitems").exists() or not any((node_dir / "workitems").iterdir())


def test_the_command_line_never_shows_an_account_key(files_dir: Path, node_dir: Path, azurite: Any) -> None:
    task = write_json(
        files_dir / "task.json",
        {
            "commandLine": MARK,
            "resourceFiles": [{"autoStorageContainerName": "missing-container"}],
            "userIdentity": ADMIN,
        },
    )
    done = run_node(
        task, node_dir, "--format", "json", env={"BATCHPREP_AUTO_STORAGE": azurite.connection_string}, job="j"
    )
    assert done.returncode == 1, done.stderr
    info = json.loads(done.stdout)
    assert info["failureInfo"]["code"] == "ResourceContainerNotFound"
    assert "Eby8vdM02x" not in done.stdout + done.stderr
