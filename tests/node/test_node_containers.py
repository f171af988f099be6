"""Containers: the engine path with a fake `docker` on PATH that records its arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from node_helpers import ADMIN, run_node, write_json

CONTAINER = {
    "imageName": "example.azurecr.io/tools:1.0",
    "containerRunOptions": "--cpus 2 --label 'team=data science'",
}


def body(**extra: Any) -> dict[str, Any]:
    return {
        "commandLine": "/bin/sh -c 'echo $AZ_BATCH_TASK_ID > marker'",
        "containerSettings": CONTAINER,
        "environmentSettings": [{"name": "REFDATA", "value": "2024-06"}],
        "userIdentity": ADMIN,
        **extra,
    }


def test_the_task_runs_through_the_engine_as_batch_runs_it(files_dir: Path, node_dir: Path, fake_docker: Any) -> None:
    task = write_json(files_dir / "task.json", body())
    done = run_node(task, node_dir, "--format", "json", env=fake_docker.env())
    assert done.returncode == 0, done.stderr
    calls = fake_docker.calls()
    assert [c["argv"][0] for c in calls] == ["create", "start", "inspect", "rm"]
    create = calls[0]["argv"]
    wd = node_dir / "workitems" / "job" / "job-1" / "jobpreparation" / "wd"
    assert create[:5] == ["create", "-v", f"{node_dir}:{node_dir}", "-w", str(wd)]
    passed = [create[i + 1] for i, a in enumerate(create) if a == "-e"]
    assert "AZ_BATCH_TASK_WORKING_DIR" in passed and "REFDATA" in passed
    assert "PATH" not in passed and "HOME" not in passed
    image = create.index("example.azurecr.io/tools:1.0")
    assert create[image - 4 : image] == ["--cpus", "2", "--label", "team=data science"]
    assert create[image + 1 :] == ["/bin/sh", "-c", "echo $AZ_BATCH_TASK_ID > marker"]
    # Values travel in the engine's environment, not on its command line.
    assert calls[0]["env"]["AZ_BATCH_TASK_WORKING_DIR"] == str(wd)
    assert all(str(wd) != a for a in create[6:])
    container_id = calls[1]["argv"][2]
    assert calls[1]["argv"] == ["start", "--attach", container_id]
    info = json.loads(done.stdout)
    assert info["containerInfo"] == {"containerId": container_id, "state": "exited"}
    assert (wd.parent / "stdout.txt").read_text() == "hello from the container\n"


def test_the_image_working_directory_and_bind_mounts(files_dir: Path, node_dir: Path, fake_docker: Any) -> None:
    settings = {
        "imageName": "tools:1",
        "workingDirectory": "containerImageDefault",
        "containerHostBatchBindMounts": [{"source": "Shared", "isReadOnly": True}, {"source": "Applications"}],
    }
    task = write_json(files_dir / "task.json", body(containerSettings=settings))
    done = run_node(task, node_dir, env=fake_docker.env())
    assert done.returncode == 0, done.stderr
    create = fake_docker.calls()[0]["argv"]
    task_dir = node_dir / "workitems" / "job" / "job-1" / "jobpreparation"
    assert "-w" not in create
    mounts = [create[i + 1] for i, a in enumerate(create) if a == "-v"]
    assert mounts == [
        f"{task_dir}:{task_dir}",
        f"{node_dir}/shared:{node_dir}/shared:ro",
        f"{node_dir}/applications:{node_dir}/applications",
    ]


def test_an_exit_code_from_the_container_is_retried(files_dir: Path, node_dir: Path, fake_docker: Any) -> None:
    task = write_json(files_dir / "task.json", body(constraints={"maxTaskRetryCount": 1}))
    done = run_node(
        task,
        node_dir,
        "--format",
        "json",
        env=fake_docker.env(FAKE_DOCKER_EXIT="4"),
    )
    assert done.returncode == 1
    info = json.loads(done.stdout)
    assert (info["exitCode"], info["retryCount"], info["failureInfo"]["code"]) == (4, 1, "FailureExitCode")
    assert [c["argv"][0] for c in fake_docker.calls()].count("create") == 2  # a new container per attempt


def test_a_refused_image_is_container_invalid_image(files_dir: Path, node_dir: Path, fake_docker: Any) -> None:
    task = write_json(files_dir / "task.json", body())
    error = "Error response from daemon: pull access denied for tools, repository does not exist"
    done = run_node(
        task,
        node_dir,
        "--format",
        "json",
        env=fake_docker.env(FAKE_DOCKER_CREATE_ERROR=error),
    )
    assert done.returncode == 1
    failure = json.loads(done.stdout)["failureInfo"]
    assert failure["code"] == "ContainerInvalidImage"
    assert failure["message"] == f"the container could not be created: {error}"


def test_a_registry_password_goes_on_stdin_only(files_dir: Path, node_dir: Path, fake_docker: Any) -> None:
    settings = {
        **CONTAINER,
        "registry": {"registryServer": "example.azurecr.io", "username": "puller", "password": "hunter2-registry"},
    }
    task = write_json(files_dir / "task.json", body(containerSettings=settings))
    done = run_node(task, node_dir, env=fake_docker.env())
    assert done.returncode == 0, done.stderr
    login = fake_docker.calls()[0]
    assert login["argv"] == ["login", "--username", "puller", "--password-stdin", "example.azurecr.io"]
    assert login["stdin"] == len("hunter2-registry")
    assert "hunter2" not in done.stdout + done.stderr + fake_docker.log.read_text()


def test_without_an_engine_exit_2_unless_no_container(files_dir: Path, node_dir: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    task = write_json(files_dir / "task.json", body())
    env = {"PATH": f"{empty}:/usr/bin:/bin"}  # /usr/local/bin holds the machine's docker client
    done = run_node(task, node_dir, env=env)
    assert done.returncode == 2
    assert "there is no container engine (docker or podman) on PATH" in done.stderr
    assert not (node_dir / "workitems" / "job").exists()
    host = run_node(task, node_dir, "--no-container", env=env)
    assert host.returncode == 0, host.stderr
    assert "note: --no-container: the command runs on the host, not in its container image" in host.stderr
    assert (node_dir / "workitems/job/job-1/jobpreparation/wd/marker").read_text() == "jobpreparation\n"
