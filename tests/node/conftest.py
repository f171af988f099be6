"""Real parts for the local node's tests: node directories, an HTTP server, Azurite, a fake docker.

- `node_dir`: a new directory every account can reach (the suite runs as root, and non-admin tasks
  run as `nobody`, who cannot enter pytest's own 0700 temporary directories).
- `http`: a threading HTTP server on 127.0.0.1, with routes a test adds (files, redirects, errors, slow
  answers).
- `azurite`: the Azure Storage emulator (npm `azurite`) on a free port of 127.0.0.1, started once per
  session; containers, blobs and SAS tokens are made with `azure-storage-blob`. It is found in
  `.ci-node/` (where `.ci/run` installs it), on `PATH`, or installed there with npm on first use. In
  CI a missing Azurite fails the tests instead of skipping them.
- `fake_docker`: a `docker` executable that records its arguments (and a few variables it was given)
  as JSON lines, and acts like an engine: `create` prints an ID, `start --attach` prints a line and
  exits with `FAKE_DOCKER_EXIT`, `inspect` reports the state.
"""

from __future__ import annotations

import datetime
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http import server as http_server
from pathlib import Path
from typing import Any

import pytest
from node_helpers import ROOT

AZURITE_VERSION = "3.35.0"  # the newest that runs on Node.js 20
# Azurite's published development account: not a secret, the same for every Azurite.
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


@pytest.fixture
def node_dir() -> Iterator[Path]:
    """A path for a new node, below a directory every account can enter."""
    base = Path(tempfile.mkdtemp(prefix="batchprep-node-", dir="/tmp"))
    os.chmod(base, 0o755)
    yield base / "node"
    for directory, _, _ in os.walk(base):
        os.chmod(directory, 0o755)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def files_dir(node_dir: Path) -> Path:
    """A directory for task files next to the node (readable by every account)."""
    place = node_dir.parent / "files"
    place.mkdir()
    return place


# --- HTTP ----------------------------------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class HttpServer:
    """Routes by path; every request is recorded."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []
        server = self

        class Handler(http_server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                route = server.routes.get(self.path.split("?")[0], Route(404, b"no such file"))
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in {"Content-Length": str(len(route.body)), **route.headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http_server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, path: str, body: bytes = b"", status: int = 200, **options: Any) -> str:
        self.routes[path] = Route(status, body, **options)
        return self.base + path


@pytest.fixture(scope="session")
def _http_server() -> Iterator[HttpServer]:
    server = HttpServer()
    yield server
    server.server.shutdown()


@pytest.fixture
def http(_http_server: HttpServer) -> Iterator[HttpServer]:
    yield _http_server
    _http_server.routes.clear()
    _http_server.requests.clear()


# --- Azurite -------------------------------------------------------------------------------------------


def _azurite_binary() -> str | None:
    local = ROOT / ".ci-node" / "node_modules" / ".bin" / "azurite-blob"
    if local.exists():
        return str(local)
    found = shutil.which("azurite-blob")
    if found:
        return found
    npm = shutil.which("npm")
    if npm is None:
        return None
    done = subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(ROOT / ".ci-node"),
            "--no-audit",
            "--no-fund",
            "--silent",
            f"azurite@{AZURITE_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return str(local) if done.returncode == 0 and local.exists() else None


class Azurite:
    """A running Azurite blob service and helpers to fill it."""

    def __init__(self, port: int) -> None:
        from azure.storage.blob import BlobServiceClient

        self.endpoint = f"http://127.0.0.1:{port}/{DEV_ACCOUNT}"
        self.connection_string = f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};BlobEndpoint={self.endpoint};"
        self.service = BlobServiceClient.from_connection_string(self.connection_string)
        self._names = iter(range(1_000_000))

    def container(self, blobs: dict[str, bytes], name: str | None = None) -> str:
        """A new container holding `blobs`; returns its name."""
        name = name or f"c{os.getpid()}-{next(self._names)}"
        client = self.service.create_container(name)
        for blob, data in blobs.items():
            client.upload_blob(blob, data)
        return name

    def sas(self, container: str, permission: str = "rl") -> str:
        from azure.storage.blob import ContainerSasPermissions, generate_container_sas

        return generate_container_sas(
            DEV_ACCOUNT,
            container,
            account_key=DEV_KEY,
            permission=ContainerSasPermissions.from_string(permission),
            expiry=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1),
        )

    def container_url(self, container: str, permission: str | None = "rl") -> str:
        url = f"{self.endpoint}/{container}"
        return f"{url}?{self.sas(container, permission)}" if permission else url

    def account_sas_endpoint(self) -> str:
        from azure.storage.blob import AccountSasPermissions, ResourceTypes, generate_account_sas

        token = generate_account_sas(
            DEV_ACCOUNT,
            DEV_KEY,
            resource_types=ResourceTypes(container=True, object=True),
            permission=AccountSasPermissions(read=True, list=True),
            expiry=datetime.datetime.now(datetime.UTC) + datetime.timedelta(hours=1),
        )
        return f"{self.endpoint}?{token}"


@pytest.fixture(scope="session")
def azurite(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Azurite]:
    binary = _azurite_binary()
    if binary is None:
        reason = (
            "Azurite is not installed and npm could not install it: "
            f"npm install --prefix .ci-node azurite@{AZURITE_VERSION}"
        )
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    workspace = tmp_path_factory.mktemp("azurite")
    process = subprocess.Popen(
        [
            binary,
            "--blobHost",
            "127.0.0.1",
            "--blobPort",
            "0",
            "--location",
            str(workspace),
            "--silent",
            "--skipApiVersionCheck",
            "--disableTelemetry",
            "--loose",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    port = None
    deadline = time.monotonic() + 60
    seen = []
    while port is None and time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if "successfully listens on" in line:
            port = int(line.rsplit(":", 1)[1].strip().rstrip("/"))
    if port is None:
        process.kill()
        pytest.fail(f"Azurite did not start: {''.join(seen)}", pytrace=False)
    # Keep reading its output so that it never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in process.stdout or ()], daemon=True).start()
    yield Azurite(port)
    process.terminate()
    process.wait(timeout=30)


# --- a fake container engine ---------------------------------------------------------------------------

_FAKE_DOCKER = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"argv": args, "env": {{k: v for k, v in os.environ.items() if k.startswith(("AZ_BATCH_", "FAKE_SEEN_"))}}}}
if args[:1] == ["login"]:
    record["stdin"] = len(sys.stdin.read())
with open(os.environ["FAKE_DOCKER_LOG"], "a") as log:
    log.write(json.dumps(record) + "\\n")
if args[:1] == ["create"]:
    if os.environ.get("FAKE_DOCKER_CREATE_ERROR"):
        sys.stderr.write(os.environ["FAKE_DOCKER_CREATE_ERROR"] + "\\n")
        sys.exit(125)
    print("c0ffee" + str(os.getpid()))
elif args[:1] == ["start"]:
    print("hello from the container")
    sys.exit(int(os.environ.get("FAKE_DOCKER_EXIT", "0")))
elif args[:1] == ["inspect"]:
    print(json.dumps({{"Status": "exited", "Error": "", "ExitCode": int(os.environ.get("FAKE_DOCKER_EXIT", "0"))}}))
"""


@dataclass
class FakeDocker:
    bin: Path
    log: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for batchprep: the fake engine first on PATH."""
        return {"PATH": f"{self.bin}:{os.environ['PATH']}", "FAKE_DOCKER_LOG": str(self.log), **extra}


@pytest.fixture
def fake_docker(tmp_path: Path) -> FakeDocker:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker"
    script.write_text(_FAKE_DOCKER.format(python=sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return FakeDocker(bin_dir, tmp_path / "docker.log")
