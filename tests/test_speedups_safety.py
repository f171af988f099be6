"""The compiled walk never crashes the interpreter, and its answers never depend on it being there.

What can go wrong in a C walk over Python objects is that Python code runs in the middle of it (a
callback, a finalizer started by a garbage collection, another thread) and changes what the walk
read before.  These tests make that happen on purpose: threads that reassign fields with values of
every wrong kind while others serialize, validate and read; finalizers that change a tree at each
allocation the walk makes; classes changed after their plans were built; document keys whose ``==``
is Python code; and plans built from wrong parts.  Each call must return the Python answer (for a
race: the answer for one of the states the object went through) or raise the Python error.  CI runs
this file under AddressSanitizer and UndefinedBehaviorSanitizer too (.ci/sanitize).
"""

from __future__ import annotations

import copy
import datetime
import functools
import gc
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

import batchprep as bp
from batchprep import _codegen, model
from batchprep._codegen import native
from batchprep.durations import WireDuration
from batchprep.service_rules import ServiceRule
from batchprep.status import StatusPage, read_status_page

SWITCHED_OFF = os.environ.get("BATCHPREP_PURE_PYTHON", "") not in ("", "0")
compiled_only = pytest.mark.skipif(
    not native.ENABLED and (SWITCHED_OFF or not os.environ.get("CI")),
    reason="batchprep._speedups is not built or is switched off",
)

#: How long each race runs: long enough for many thousands of interleavings, short enough for CI.
RACE_SECONDS = 1.0


def good_settings() -> list[bp.EnvironmentSetting]:
    return [bp.EnvironmentSetting(name="A", value="1"), bp.EnvironmentSetting(name="B", value="2")]


def racing_task() -> bp.JobPreparationTask:
    """A task whose walk calls Python code half-way (an enum value the walk leaves to its helper)."""
    return bp.JobPreparationTask(
        id="prep",
        command_line="/bin/sh -c true",
        resource_files=[bp.ResourceFile(http_url="https://example.com/a", file_path="a", file_mode="0755")],
        environment_settings=good_settings(),
        constraints=bp.TaskConstraints(max_wall_clock_time=datetime.timedelta(minutes=5)),
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(scope="newerValue")),
    )


class Text(str):
    pass


#: What the racing threads put into each field: the good value first, then every kind of wrong one.
WRONG_VALUES: dict[str, list[Callable[[], Any]]] = {
    "environment_settings": [
        good_settings,
        lambda: [b"A" * 64, b"A" * 64],
        lambda: None,
        lambda: [bp.EnvironmentSetting(name="A"), bp.EnvironmentSetting(name="A")],
        lambda: 5,
        lambda: (bp.EnvironmentSetting(name="T"),),
        lambda: [None, bp.EnvironmentSetting(name="A")],
        lambda: [bp.EnvironmentSetting(name=Text("A")), bp.EnvironmentSetting(name=3)],  # type: ignore[arg-type]
    ],
    "command_line": [lambda: "/bin/sh -c true", lambda: 5, lambda: None, lambda: Text("x"), lambda: b"x"],
    "id": [lambda: "prep", lambda: "not an id!", lambda: None, lambda: 3, lambda: "x" * 65],
    "resource_files": [
        lambda: [bp.ResourceFile(http_url="https://example.com/a", file_path="a", file_mode="0755")],
        lambda: [bp.ResourceFile(http_url="https://example.com/a", file_path="../a")],
        lambda: [object()],
        lambda: [],
    ],
}


def wire_forms(field: str) -> list[Any]:
    """Every wire value a field can have in a body written while the threads change it."""
    forms = []
    for make in WRONG_VALUES[field]:
        task = racing_task()
        setattr(task, field, make())
        try:
            body = task._bp_dump(False, None, {})
        except Exception:  # noqa: BLE001 - a value that cannot be written at all
            continue
        wire_key = next(f.wire_key for f in bp.JobPreparationTask._bp_fields if f.name == field)
        if wire_key in body:
            forms.append(body[wire_key])
    return forms


@contextmanager
def fast_switching() -> Iterator[None]:
    """Threads switch every few microseconds: many more interleavings per second."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def raised_by_python(err: BaseException) -> bool:
    """Whether an error was raised by batchprep's Python code (a generated function or a module).

    Under a race the Python functions can meet a value that another thread changed after it was
    checked, and fail on it: that is the Python answer too. The compiled walk never raises one.
    """
    frames = []
    tb = err.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    package = os.path.dirname(bp.__file__)
    return bool(frames) and (frames[-1].startswith("<batchprep generated") or frames[-1].startswith(package))


def race(targets: list[Callable[[], None]], seconds: float = RACE_SECONDS) -> list[BaseException]:
    """Run each target in a loop on its own thread for ``seconds``; return what they raised."""
    stop = threading.Event()
    failures: list[BaseException] = []

    def loop(target: Callable[[], None]) -> None:
        try:
            while not stop.is_set():
                target()
        except BaseException as err:  # noqa: BLE001 - reported by the test
            failures.append(err)

    threads = [threading.Thread(target=loop, args=(target,)) for target in targets]
    with fast_switching():
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
    return failures


def mutator(task: bp.JobPreparationTask, field: str) -> Callable[[], None]:
    values = WRONG_VALUES[field]
    count = iter(range(1 << 62))

    def change() -> None:
        setattr(task, field, values[next(count) % len(values)]())

    return change


def test_threads_that_change_a_task_while_others_write_it_never_crash_it() -> None:
    task = racing_task()
    allowed = {f: wire_forms(f) for f in WRONG_VALUES}
    allowed_keys = {f.wire_key for f in bp.JobPreparationTask._bp_fields}
    wire = {f.name: f.wire_key for f in bp.JobPreparationTask._bp_fields}
    outcomes = {"written": 0, "refused": 0}

    def write() -> None:
        try:
            body = task.serialize()
        except bp.SerializationError as err:
            assert err.errors, "a refusal lists its problems"
            outcomes["refused"] += 1
            return
        except (AttributeError, TypeError, ValueError) as err:
            assert raised_by_python(err), err
            outcomes["refused"] += 1
            return
        outcomes["written"] += 1
        assert set(body) <= allowed_keys
        for field, forms in allowed.items():
            if wire[field] in body:
                assert body[wire[field]] in forms, (field, body[wire[field]])

    def check() -> None:
        try:
            problems = task.validate()
        except (AttributeError, TypeError, ValueError) as err:
            assert raised_by_python(err), err
            return
        for problem in problems:
            assert isinstance(problem, bp.ValidationError) and problem.path.startswith("/")

    def as_dict() -> None:
        try:
            assert isinstance(task.as_dict(), dict)
        except bp.SerializationError as err:
            assert all(e.rule == "type" for e in err.errors)
        except (AttributeError, TypeError, ValueError) as err:
            assert raised_by_python(err), err

    failures = race([write, check, as_dict, *(mutator(task, field) for field in WRONG_VALUES)])
    assert failures == []
    assert outcomes["written"] and outcomes["refused"]  # both kinds of state were met
    # Once the threads stop, the walk and the Python function agree again.
    for field, values in WRONG_VALUES.items():
        setattr(task, field, values[0]())
    python = _codegen.compiled(bp.JobPreparationTask, "serialize", model._SERIALIZE_MODES[False])
    assert task.serialize() == getattr(python, "__wrapped__", python)(task)


def test_threads_that_change_a_document_while_others_read_it_never_crash_it() -> None:
    document = racing_task().serialize()
    values: dict[str, list[Any]] = {
        "environmentSettings": [document["environmentSettings"], [b"x"], [{"name": 1}], None, "x", [[]]],
        "commandLine": ["run", 5, None, [1]],
        "constraints": [document["constraints"], {"maxWallClockTime": "soon"}, {"maxWallClockTime": 5}, 7],
        "userIdentity": [document["userIdentity"], {"autoUser": {"scope": 3}}, {"autoUser": []}],
        "newer": [1, None, {"a": [1]}],
    }
    counter = iter(range(1 << 62))

    def change() -> None:
        key = list(values)[next(counter) % len(values)]
        choice = values[key][next(counter) % len(values[key])]
        if key == "newer" and choice is None:
            document.pop(key, None)  # the document changes size too
        else:
            document[key] = choice

    def read(reader: Callable[[Any], bp.JobPreparationTask]) -> Callable[[], None]:
        def go() -> None:
            try:
                task = reader(document)
            except bp.DeserializationError as err:
                assert err.errors or "cannot read" in str(err)
                return
            except RuntimeError as err:  # what Python says of a dict that changes size while read
                assert "changed during iteration" in str(err) or "changed size during iteration" in str(err)
                return
            except (AttributeError, TypeError, ValueError) as err:
                assert raised_by_python(err), err
                return
            assert isinstance(task, bp.JobPreparationTask)

        return go

    failures = race([read(bp.JobPreparationTask.deserialize), read(bp.JobPreparationTask.from_dict), change, change])
    assert failures == []


# --- the status models, the release task: timestamps, duration limits, file names ------------------


class Zone(datetime.tzinfo):
    """A time zone of Python code that changes the entry it is read from (the walk never asks it)."""

    def __init__(self, entry: Any = None) -> None:
        self.entry = entry

    def utcoffset(self, dt: datetime.datetime | None) -> datetime.timedelta:
        if self.entry is not None:
            self.entry.job_release_task_execution_info = None
        return datetime.timedelta(hours=1)

    def dst(self, dt: datetime.datetime | None) -> None:
        return None


_UTC = datetime.timezone.utc
MOMENT = datetime.datetime(2026, 1, 31, 12, 0, 0, 123456, tzinfo=_UTC)


def racing_entry() -> bp.JobPreparationAndReleaseTaskExecutionInformation:
    """A status entry whose walk calls Python code half-way (a newer enum value)."""
    return bp.JobPreparationAndReleaseTaskExecutionInformation(
        pool_id="pool",
        node_id="tvm-1",
        job_preparation_task_execution_info=bp.JobPreparationTaskExecutionInformation(
            start_time=MOMENT,
            end_time=MOMENT + datetime.timedelta(seconds=9),
            state="completed",
            retry_count=0,
            exit_code=1,
            result="failure",
            failure_info=bp.TaskFailureInformation(
                category="newerCategory",
                code="FailureExitCode",
                details=[bp.NameValuePair(name="n", value="v"), bp.NameValuePair(name="m")],
            ),
        ),
        job_release_task_execution_info=bp.JobReleaseTaskExecutionInformation(start_time=MOMENT, state="running"),
    )


def changing(target: Any, field: str, values: list[Callable[[], Any]]) -> Callable[[], None]:
    count = iter(range(1 << 62))

    def change() -> None:
        setattr(target, field, values[next(count) % len(values)]())

    return change


def writers(tree: bp.Model, outcomes: dict[str, int]) -> list[Callable[[], None]]:
    """serialize, validate and as_dict in loops: each returns a body or problems, or raises a Python error."""

    def write() -> None:
        try:
            assert isinstance(tree.serialize(), dict)
            outcomes["written"] += 1
        except bp.SerializationError as err:
            assert err.errors, "a refusal lists its problems"
            outcomes["refused"] += 1
        except (AttributeError, TypeError, ValueError, OverflowError) as err:
            assert raised_by_python(err), err

    def check() -> None:
        try:
            assert all(isinstance(p, bp.ValidationError) for p in tree.validate())
        except (AttributeError, TypeError, ValueError, OverflowError) as err:
            assert raised_by_python(err), err

    def as_dict() -> None:
        try:
            assert isinstance(tree.as_dict(), dict)
        except bp.SerializationError as err:
            assert all(e.rule == "type" for e in err.errors)
        except (AttributeError, TypeError, ValueError, OverflowError) as err:
            assert raised_by_python(err), err

    return [write, check, as_dict]


def test_threads_that_change_a_status_entry_while_others_write_it_never_crash_it() -> None:
    entry = racing_entry()
    info = entry.job_preparation_task_execution_info
    failure = info.failure_info  # type: ignore[union-attr]
    moments: list[Callable[[], Any]] = [
        lambda: MOMENT,
        lambda: MOMENT.replace(tzinfo=None),
        lambda: MOMENT.replace(tzinfo=datetime.timezone(datetime.timedelta(hours=-5, seconds=1))),
        lambda: MOMENT.replace(tzinfo=Zone(entry)),
        lambda: datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
        lambda: "2026-01-31T12:00:00Z",
        lambda: None,
        lambda: MOMENT.date(),
    ]
    release = [lambda: bp.JobReleaseTaskExecutionInformation(start_time=MOMENT, state="running"), lambda: None, lambda: object()]
    details: list[Callable[[], Any]] = [lambda: [bp.NameValuePair(name="n")], lambda: [b"x" * 64], lambda: None, lambda: (None,)]
    outcomes = {"written": 0, "refused": 0}
    failures = race(
        [
            *writers(entry, outcomes),
            changing(info, "start_time", moments),
            changing(info, "end_time", moments[:7]),
            changing(entry, "job_release_task_execution_info", release),
            changing(failure, "details", details),
        ]
    )
    assert failures == []
    assert outcomes["written"] and outcomes["refused"]


def test_threads_that_change_a_release_task_while_others_write_it_never_crash_it() -> None:
    resource_file = bp.ResourceFile(http_url="https://example.com/a", file_path="tools/a")
    task = bp.JobReleaseTask(
        command_line="/bin/sh -c true",
        resource_files=[resource_file],
        max_wall_clock_time=datetime.timedelta(minutes=5),
        user_identity=bp.UserIdentity(auto_user=bp.AutoUserSpecification(scope="newerValue")),
    )
    limits: list[Callable[[], Any]] = [
        lambda: datetime.timedelta(minutes=5),
        lambda: datetime.timedelta(minutes=16),
        lambda: WireDuration.of(datetime.timedelta(minutes=15), "PT15M"),
        lambda: datetime.timedelta(seconds=-1),
        lambda: "PT5M",
        lambda: None,
    ]
    paths: list[Callable[[], Any]] = [lambda: "tools/a", lambda: "tools/", lambda: None, lambda: 5, lambda: Text("a")]
    urls: list[Callable[[], Any]] = [lambda: "https://example.com/a", lambda: None, lambda: b"https://"]
    outcomes = {"written": 0, "refused": 0}
    failures = race(
        [
            *writers(task, outcomes),
            changing(task, "max_wall_clock_time", limits),
            changing(task, "retention_time", limits[:5]),  # (lists of coprime lengths: every combination comes up)
            changing(resource_file, "file_path", paths),
            changing(resource_file, "http_url", urls),
        ]
    )
    assert failures == []
    assert outcomes["written"] and outcomes["refused"]


def status_page(entries: int = 3) -> dict[str, Any]:
    page = StatusPage(value=[racing_entry() for _ in range(entries)], next_link="https://x/next").serialize()
    page["value"][0]["jobPreparationTaskExecutionInfo"]["startTime"] = "2026-01-31T12:00:00.1234567Z"
    page["value"][0]["jobPreparationTaskExecutionInfo"]["lastRetryTime"] = "2026-01-31T11:00:00+01:00"
    return page


def test_threads_that_change_a_status_page_while_others_read_it_never_crash_it() -> None:
    document = status_page()
    entries = document["value"]
    texts = ["2026-01-31T12:00:00.1234567Z", "2026-01-31T12:00:00+0100", "soon", 5, None, ["2026"], "2026-02-30T00:00:00Z"]
    counter = iter(range(1 << 62))

    def change() -> None:
        step = next(counter)
        info = entries[step % len(entries)]["jobPreparationTaskExecutionInfo"]
        info["startTime" if step % 2 else "endTime"] = texts[step % len(texts)]
        if step % 5 == 0:
            entries.append(copy.deepcopy(entries[0])) if len(entries) < 6 else entries.pop()
        if step % 7 == 0:
            document["value"] = entries if step % 14 else [{"nodeId": 1}]

    def read(reader: Callable[[Any], Any]) -> Callable[[], None]:
        def go() -> None:
            try:
                assert isinstance(reader(document), StatusPage)
            except bp.DeserializationError as err:
                assert err.errors or "cannot read" in str(err)
            except RuntimeError as err:  # what Python says of a dict that changes size while read
                assert "changed" in str(err) and "during iteration" in str(err)
            except (AttributeError, TypeError, ValueError) as err:
                assert raised_by_python(err), err

        return go

    failures = race([read(StatusPage.deserialize), read(StatusPage.from_dict), read(read_status_page), change, change])
    assert failures == []


# --- finalizers run by a collection at any allocation of the walk ----------------------------------


class Finalizer:
    """Cyclic garbage whose finalizer runs ``action`` when a collection finds it."""

    def __init__(self, action: Callable[[], None]) -> None:
        self.me = self
        self.action = action

    def __del__(self) -> None:
        self.action()


def sweep(
    call: Callable[[], Any], prepare: Callable[[], None], action: Callable[[], None], allocations: int = 40
) -> list[Any]:
    """Call ``call`` with a collection due at its k-th allocation, for each k in turn; return the answers.

    The collection finds a `Finalizer` that runs ``action``. The free lists of dicts and lists are
    emptied first, so that every allocation counts towards the collection; ``call`` must not
    allocate before it reaches batchprep (a method bound beforehand, say).
    """
    answers = []
    thresholds = gc.get_threshold()
    try:
        for k in range(1, allocations + 1):
            prepare()
            gc.collect(0)
            drained = ([{} for _ in range(100)], [[] for _ in range(100)])
            Finalizer(action)
            gc.set_threshold(gc.get_count()[0] + k - 1)  # (a collection starts when the count exceeds it)
            try:
                answers.append(call())
            except (bp.SerializationError, bp.DeserializationError) as err:
                answers.append(("error", sorted((e.path, e.rule) for e in err.errors)))
            finally:
                gc.set_threshold(*thresholds)
            del drained
    finally:
        gc.set_threshold(*thresholds)
        gc.collect()
    return answers


def python_answer(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (bp.SerializationError, bp.DeserializationError) as err:
        return ("error", sorted((e.path, e.rule) for e in err.errors))


def leaves(value: Any, path: str = "") -> dict[str, Any]:
    """A JSON value as {JSON pointer: scalar, empty list or empty object}."""
    if isinstance(value, dict) and value:
        return {k: v for key, item in value.items() for k, v in leaves(item, f"{path}/{key}").items()}
    if isinstance(value, list) and value:
        return {k: v for index, item in enumerate(value) for k, v in leaves(item, f"{path}/{index}").items()}
    return {path: value}


def canonical(answer: Any, by_leaf: bool = False) -> tuple[str, Any]:
    """("body", {key: JSON text}) for a body or a model (with ``by_leaf``, {JSON pointer: JSON text} of
    each leaf), ("problems", {(path, rule)}) for problems."""
    if isinstance(answer, tuple) and answer[0] == "error":
        return ("problems", set(map(tuple, answer[1])))
    if isinstance(answer, list):
        return ("problems", {(p.path, p.rule) for p in answer})
    if isinstance(answer, bp.Model):
        answer = answer.serialize(send_additional_properties=True)
    parts = leaves(answer) if by_leaf else answer
    return ("body", {key: json.dumps(value, sort_keys=True, default=repr) for key, value in parts.items()})


def assert_between(
    answer: Any, before: Any, after: Any, bodies: list[dict[str, Any]] | None = None, by_leaf: bool = False
) -> None:
    """An answer given while a finalizer changed the input part-way: each part is from before or after.

    A body's every property (with ``by_leaf``, every leaf value of a nested body) is as it is in one
    of ``bodies`` (missing counts; by default the bodies of ``before`` and ``after`` where they are
    bodies); problems are problems of the one state or of the other, and there are none only if one
    of the states has none.
    """
    kind, value = canonical(answer, by_leaf)
    states = [canonical(before, by_leaf), canonical(after, by_leaf)]
    if kind == "problems":
        problem_sets = [v for k, v in states if k == "problems"]
        assert value <= set().union(*problem_sets), value
        assert value or any(not v for v in problem_sets) or any(k == "body" for k, _ in states)
        return
    possible = [canonical(body, by_leaf)[1] for body in bodies] if bodies is not None else [v for k, v in states if k == "body"]
    assert possible, f"written although neither state can be: {value}"
    for key in set(value).union(*possible):
        assert any(value.get(key) == body.get(key) for body in possible), (key, value.get(key))


@pytest.mark.parametrize("method", ["serialize", "validate", "as_dict"])
@pytest.mark.parametrize(
    "changed",
    [lambda: [b"A" * 64, b"A" * 64], lambda: None, lambda: [bp.EnvironmentSetting(name="A")] * 2, lambda: 7],
    ids=["bytes", "none", "duplicates", "int"],
)
def test_a_finalizer_that_changes_the_task_mid_walk_gets_a_python_answer(
    method: str, changed: Callable[[], Any]
) -> None:
    task = racing_task()
    call = getattr(task, method)  # bound once: calling it allocates nothing before the walk

    def prepare() -> None:
        task.environment_settings = good_settings()

    def action() -> None:
        task.environment_settings = changed()

    prepare()
    before = python_answer(call)
    action()
    after = python_answer(call)
    for answer in sweep(call, prepare, action):
        assert_between(answer, before, after)


@pytest.mark.parametrize("lookup", ["deserialize", "from_dict"])
def test_a_finalizer_that_changes_the_document_mid_read_gets_a_python_answer(lookup: str) -> None:
    document: dict[str, Any] = {}

    def prepare() -> None:
        document.clear()
        document.update(racing_task().serialize())

    def action() -> None:
        document["environmentSettings"] = [b"A" * 64]
        document.pop("constraints", None)
        document["newer"] = "value"

    call = functools.partial(getattr(bp.JobPreparationTask, lookup), document)

    prepare()
    before, before_document = python_answer(call), dict(document)
    action()
    after, after_document = python_answer(call), dict(document)
    for answer in sweep(call, prepare, action):
        assert_between(answer, before, after, bodies=[before_document, after_document])


#: What a finalizer does to a status entry or page: a change the Python functions accept
#: (timestamps of a zone of Python code or in a rarer form, a shorter list, a property dropped), and
#: one they refuse.
ENTRY_CHANGES: dict[str, Callable[[Any], None]] = {
    "accepted": lambda entry: (
        setattr(entry.job_preparation_task_execution_info, "start_time", MOMENT.replace(tzinfo=Zone())),
        setattr(entry.job_preparation_task_execution_info, "end_time", MOMENT.replace(tzinfo=None)),
        setattr(entry, "job_release_task_execution_info", None),
        entry.job_preparation_task_execution_info.failure_info.details.__delitem__(slice(1, None)),  # shrinks it
    ),
    "refused": lambda entry: (
        setattr(entry.job_preparation_task_execution_info, "start_time", "2026-01-31T12:00:00Z"),
        setattr(entry.job_preparation_task_execution_info.failure_info, "details", [b"x" * 64]),
    ),
}


def _change_page(page: dict[str, Any], accepted: bool) -> None:
    first = page["value"][0]["jobPreparationTaskExecutionInfo"]
    if accepted:
        first["startTime"] = "2026-01-31T13:00:00+0100"  # read by the Python reader
        first.pop("lastRetryTime", None)
        page["value"][1]["nodeUrl"] = "https://x/node"
        del page["value"][2:]  # (a finalizer may run twice: every change can be made again)
        page["newer"] = "value"
    else:
        first["startTime"] = 5
        page["value"][1]["jobReleaseTaskExecutionInfo"]["startTime"] = "2026-02-30T00:00:00Z"


@pytest.mark.parametrize("change", list(ENTRY_CHANGES))
@pytest.mark.parametrize("method", ["serialize", "validate", "as_dict"])
def test_a_finalizer_that_changes_a_status_entry_mid_walk_gets_a_python_answer(method: str, change: str) -> None:
    entry = racing_entry()
    call = getattr(entry, method)
    fresh = racing_entry()

    def prepare() -> None:
        for f in type(entry)._bp_fields:
            setattr(entry, f.name, copy.deepcopy(getattr(fresh, f.name)))

    def action() -> None:
        ENTRY_CHANGES[change](entry)

    prepare()
    before = python_answer(call)
    action()
    after = python_answer(call)
    for answer in sweep(call, prepare, action, allocations=60):
        assert_between(answer, before, after, by_leaf=True)


@pytest.mark.parametrize("accepted", [True, False], ids=["accepted", "refused"])
@pytest.mark.parametrize("lookup", ["deserialize", "from_dict"])
def test_a_finalizer_that_changes_a_status_page_mid_read_gets_a_python_answer(lookup: str, accepted: bool) -> None:
    document: dict[str, Any] = {}

    def prepare() -> None:
        document.clear()
        document.update(status_page())

    call = functools.partial(getattr(StatusPage, lookup), document)
    prepare()
    before = python_answer(call)
    _change_page(document, accepted)
    after = python_answer(call)
    for answer in sweep(call, prepare, lambda: _change_page(document, accepted), allocations=60):
        assert_between(answer, before, after, by_leaf=True)


# --- classes changed after their plans were built ----------------------------------------------------


SCENARIO = """
import json
import batchprep as bp

class Leaf(bp.Model):
    name: str = bp.field("name", "str")

class Root(bp.Model):
    label: str | None = bp.field("label", "str", default=None)
    count: int | None = bp.field("count", "int", default=None)
    leaves: list | None = bp.field("leaves", "[Leaf]", default=None)

def show(title, call):
    try:
        value = call()
    except Exception as err:
        value = f"{type(err).__name__}: {err}"
    if isinstance(value, bp.Model):
        value = repr(value)
    print(title, json.dumps(value, default=repr, sort_keys=True))

root = Root(label="a", count=1, leaves=[Leaf(name="x")])
body = {"label": "b", "count": 2, "leaves": [{"name": "y"}]}
for step in ("first use",):
    show(step, root.serialize); show(step, root.validate); show(step, root.as_dict)
    show(step, lambda: Root.deserialize(body)); show(step, lambda: Root.from_dict(body))

Root.label = property(lambda self: "patched label")
show("property", root.serialize); show("property", root.as_dict); show("property", root.validate)
show("property", lambda: Root.deserialize(body))

Leaf.__getattribute__ = lambda self, name: "seen " + object.__getattribute__(self, name) if name == "name" else object.__getattribute__(self, name)
show("getattribute", root.serialize); show("getattribute", root.as_dict)
show("getattribute", lambda: Root.deserialize(body).leaves[0].name)

del Leaf.__getattribute__
Root.label = property(lambda self: 5)
show("wrong type", root.serialize); show("wrong type", root.validate)
"""


@compiled_only
def test_a_class_changed_after_first_use_gives_the_same_answers_with_and_without_the_extension() -> None:
    runs = {}
    for pure in ("0", "1"):
        env = {**os.environ, "BATCHPREP_PURE_PYTHON": pure}
        done = subprocess.run([sys.executable, "-c", SCENARIO], capture_output=True, text=True, env=env, check=True)
        runs[pure] = done.stdout.splitlines()
    assert runs["0"] == runs["1"]
    assert 'property {"count": 1, "label": "patched label", "leaves": [{"name": "x"}]}' in runs["0"]
    assert 'getattribute {"count": 1, "label": "patched label", "leaves": [{"name": "seen x"}]}' in runs["0"]


@compiled_only
def test_a_changed_class_gets_new_compiled_codecs_when_it_still_can() -> None:
    class Changing(bp.Model):
        name: str = bp.field("name", "str")

    item = Changing(name="n")
    assert item.serialize() == {"name": "n"}
    codec = Changing._bp_compiled["serialize"]
    assert isinstance(codec, bp._speedups.Codec) and codec.native(item) is not NotImplemented  # type: ignore[attr-defined]
    Changing.describe = lambda self: f"Changing {self.name}"  # type: ignore[attr-defined]  # a helper, not a field
    assert codec.native(item) is NotImplemented  # the plan no longer matches the class
    assert item.serialize() == {"name": "n"}  # the Python answer, and the codec learns it is stale
    assert codec.stale and "serialize" not in Changing._bp_compiled
    assert item.serialize() == {"name": "n"}
    fresh = Changing._bp_compiled["serialize"]
    assert fresh is not codec and not fresh.stale and fresh.native(item) == {"name": "n"}


@compiled_only
def test_a_nested_class_changed_after_first_use_reaches_its_parents() -> None:
    class Inner(bp.Model):
        name: str = bp.field("name", "str")

    class Outer(bp.Model):
        inner: Inner | None = bp.field("inner", "Inner", default=None)

    outer = Outer(inner=Inner(name="n"))
    assert outer.serialize() == {"inner": {"name": "n"}}
    assert Outer.deserialize({"inner": {"name": "m"}}).inner.name == "m"  # type: ignore[union-attr]
    Inner.name = property(lambda self: "changed")  # type: ignore[assignment,misc]
    assert outer.serialize() == {"inner": {"name": "changed"}}
    assert outer.serialize() == {"inner": {"name": "changed"}}
    # A property over a field: no plan for Inner any more, nor for the classes that hold one.
    assert native.plan_of(Inner) is None and native.plan_of(Outer) is None
    assert not isinstance(_codegen.compiled(Outer, "serialize", model._SERIALIZE_MODES[False]), bp._speedups.Codec)  # type: ignore[attr-defined]


@compiled_only
def test_copy_and_pickle_do_not_change_the_classes() -> None:
    import copy
    import pickle

    task = racing_task()
    tags = {cls: bp._speedups.version_tag(cls) for cls in (bp.JobPreparationTask, bp.EnvironmentSetting)}  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(copy.deepcopy(task))) == task
    assert {cls: bp._speedups.version_tag(cls) for cls in tags} == tags  # type: ignore[attr-defined]


# --- keys whose hash or == is Python code ----------------------------------------------------------


class FickleKey:
    """Equal to "commandLine" the first time it is compared, and to nothing after."""

    def __init__(self) -> None:
        self.compared = 0

    def __hash__(self) -> int:
        return hash("commandLine")

    def __eq__(self, other: object) -> bool:
        self.compared += 1
        return other == "commandLine" and self.compared == 1

    def __repr__(self) -> str:
        return "FickleKey()"


class KeyText(str):
    pass


@compiled_only
@pytest.mark.parametrize(
    "make",
    [
        lambda: {FickleKey(): "run.sh"},
        lambda: {FickleKey(): "run.sh", "commandLine": "other.sh"},
        lambda: {KeyText("commandLine"): "run.sh"},
        lambda: {"commandLine": "run.sh", 1: "x"},
    ],
    ids=["fickle", "fickle-and-str", "str-subclass", "int"],
)
def test_keys_that_are_not_plain_str_go_to_the_python_reader(make: Callable[[], dict[Any, Any]]) -> None:
    for mode in ("rest", "ci"):
        codec = _codegen.compiled(bp.JobPreparationTask, "load", model._FAST_LOADS[mode])
        assert codec.native(make()) is NotImplemented
        try:
            python = repr(codec.__wrapped__(make()))
        except Exception as err:  # noqa: BLE001 - compared below
            python = f"{type(err).__name__}"
        try:
            compiled = repr(codec(make()))
        except Exception as err:  # noqa: BLE001
            compiled = f"{type(err).__name__}"
        assert compiled == python


# --- plans and rules built from wrong parts --------------------------------------------------------


def test_a_rule_with_a_malformed_compiled_form_is_refused_when_the_class_is_made() -> None:
    def report(obj: Any, path: str, errors: list[bp.ValidationError]) -> None:
        pass

    cases = {
        ("requires", "a"): "takes 2 attribute names, not 1",
        ("excludes", "a", "b", "c"): "takes 2 attribute names, not 3",
        ("unique", "a"): "takes 2 attribute names, not 1",
        ("exactly_one",): "takes at least 1 attribute names, not 0",
        ("sometimes", "a"): "is not one of the operations",
        ("requires", "a", "nope"): "names ['nope'], which are not fields of Ruled",
        "requires": "is not one of the operations",
        ("file_name", "a"): "takes 2 attribute names, not 1",
        ("duration_range", None, datetime.timedelta(1)): "takes at least 1 attribute names, not 0",
        ("duration_range", "a"): "takes 2 parameters before its attribute names, not 1",
        ("duration_range", "a", "b"): "takes a minimum and a maximum that are each a datetime.timedelta or None",
        ("duration_range", None, None, "a"): "takes a minimum, a maximum or both",
        ("duration_range", datetime.timedelta(2), datetime.timedelta(1), "a"): "has a minimum above its maximum",
        ("duration_range", None, WireDuration.of(datetime.timedelta(1), "P1D"), "a"): "each a datetime.timedelta or None",
        ("duration_range", None, 900, "a"): "each a datetime.timedelta or None",
        ("duration_range", None, datetime.timedelta(1), "nope"): "names ['nope'], which are not fields of Ruled",
    }
    for form, message in cases.items():
        rule = ServiceRule(report, "True", native=(form,))  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=message.replace("[", r"\[")):

            class Ruled(bp.Model):
                a: str | None = bp.field("a", "str", default=None)
                b: str | None = bp.field("b", "str", default=None)
                _bp_checks = (rule,)


def unrelated_specs() -> tuple[Any, ...]:
    return tuple(
        native._field_spec(bp.JobPreparationTask, f, bp.JobPreparationTask._bp_resolve(), frozenset())
        for f in bp.JobPreparationTask._bp_fields
    )


@compiled_only
def test_a_plan_built_from_the_slots_of_another_class_is_refused() -> None:
    ext = native._ext
    plan = native.plan_of(bp.EnvironmentSetting)
    known = frozenset({"name", "value"})
    with pytest.raises(TypeError, match="is not a slot of EnvironmentSetting or of one of its bases"):
        ext.Plan(
            cls=bp.EnvironmentSetting,
            extra=bp.Model.__dict__["_bp_extra"],
            fields=unrelated_specs(),
            checks=(),
            known=known,
            exact=known,
            send_additional=False,
            ci_ok=True,
        )
    with pytest.raises(TypeError, match="is not a slot of"):
        ext.Plan(
            cls=bp.EnvironmentSetting,
            extra=bp.JobPreparationTask.__dict__["command_line"],
            fields=(),
            checks=(),
            known=known,
            exact=known,
            send_additional=False,
            ci_ok=True,
        )
    assert plan is not None and not plan.stale


@compiled_only
def test_a_plan_with_broken_parts_is_refused_with_a_reason() -> None:
    ext = native._ext
    cls = bp.EnvironmentSetting
    name, value = (native._field_spec(cls, f, cls._bp_resolve(), frozenset()) for f in cls._bp_fields)
    extra = bp.Model.__dict__["_bp_extra"]
    base = dict(
        cls=cls,
        extra=extra,
        checks=(),
        known=frozenset({"name"}),
        exact=frozenset({"name"}),
        send_additional=False,
        ci_ok=True,
    )
    name_descr, value_descr = cls.__dict__["name"], cls.__dict__["value"]
    minute = datetime.timedelta(minutes=1)

    def spec(**changes: Any) -> tuple[Any, ...]:
        parts = list(name)
        order = ["descr", "wire", "attr", "kind", "required", "readonly", "min_length", "max_length", "pattern",
                 "minimum", "maximum", "minimum_ex", "maximum_ex", "enum_cls", "enum_dump", "enum_dumper",
                 "enum_load", "enum_loader", "child"]  # fmt: skip
        for key, change in changes.items():
            parts[order.index(key)] = change
        return tuple(parts)

    broken = {
        "unknown field kind 99": dict(fields=(spec(kind=99),)),
        "a length limit is -1": dict(fields=(spec(min_length=-5),)),
        "a numeric limit is an int, a float or None": dict(fields=(spec(minimum=object()),)),
        "a pattern is a callable": dict(fields=(spec(pattern="^a$"),)),
        "needs the plan of its class": dict(fields=(spec(kind=ext.MODEL),)),
        "only an enum field has enum tables": dict(fields=(spec(enum_dump={}),)),
        "an enum field needs its class": dict(fields=(spec(kind=ext.ENUM),)),
        "tables are dicts keyed by str": dict(
            fields=(
                spec(
                    kind=ext.ENUM,
                    enum_cls=bp.ElevationLevel,
                    enum_dump={1: "a"},
                    enum_dumper=str,
                    enum_load={},
                    enum_loader=str,
                ),
            )
        ),
        "two fields of a plan share a slot": dict(fields=(name, name)),
        "a field spec is a tuple": dict(fields=(list(name),)),
        "frozensets of str": dict(fields=(name,), known=frozenset({1})),
        "reads 2 to 2 fields, not 1": dict(fields=(name, value), checks=((ext.REQUIRES, (name_descr,), None, ()),)),
        "unknown check opcode 42": dict(fields=(name,), checks=((42, (name_descr,), None, ()),)),
        "which is not a field of the plan": dict(fields=(value,), checks=((ext.EXACTLY_ONE, (name_descr,), None, ()),)),
        "a unique check reads a list of models": dict(
            fields=(name,), checks=((ext.UNIQUE, (name_descr,), name_descr, ()),)
        ),
        "only a unique check reads a slot of each item": dict(
            fields=(name,), checks=((ext.EXACTLY_ONE, (name_descr,), name_descr, ()),)
        ),
        "check opcode 7 takes no parameters": dict(
            fields=(name, value), checks=((ext.FILE_NAME, (name_descr, value_descr), None, (minute,)),)
        ),
        "reads 2 to 2 fields, not 3": dict(
            fields=(name, value), checks=((ext.FILE_NAME, (name_descr, value_descr, name_descr), None, ()),)
        ),
        "two parameters, a minimum and a maximum": dict(
            fields=(name,), checks=((ext.DURATION_RANGE, (name_descr,), None, (minute,)),)
        ),
        "a minimum, a maximum or both": dict(
            fields=(name,), checks=((ext.DURATION_RANGE, (name_descr,), None, (None, None)),)
        ),
        "minimum is above its maximum": dict(
            fields=(name,), checks=((ext.DURATION_RANGE, (name_descr,), None, (minute, datetime.timedelta(0))),)
        ),
        "limits are datetime.timedelta values or None": dict(
            fields=(name,), checks=((ext.DURATION_RANGE, (name_descr,), None, (60, None)),)
        ),
        "limits are datetime.timedelta values or None, not datetime.timedelta": dict(  # a subclass: not compared in C
            fields=(name,), checks=((ext.DURATION_RANGE, (name_descr,), None, (None, WireDuration.of(minute, "PT1M"))),)
        ),
        "a check spec": dict(fields=(name,), checks=((ext.EXACTLY_ONE, (name_descr,), None),)),  # no parameters
    }
    for message, parts in broken.items():
        with pytest.raises((TypeError, ValueError), match=message):
            ext.Plan(**{**base, **parts})


@compiled_only
def test_classes_the_walk_cannot_create_or_read_directly_get_no_plan() -> None:
    ext = native._ext
    known = frozenset({"name"})

    class Slotted(dict):  # type: ignore[type-arg]
        __slots__ = ("name", "_bp_extra")

    class Hooked:
        __slots__ = ("name", "_bp_extra")

        def __getattr__(self, name: str) -> Any:
            return None

    for cls in (Slotted, Hooked):
        with pytest.raises(TypeError, match="creates, reads or sets its attributes its own way"):
            ext.Plan(
                cls=cls,
                extra=cls.__dict__["_bp_extra"],
                fields=(),
                checks=(),
                known=known,
                exact=known,
                send_additional=False,
                ci_ok=True,
            )

    class Fallback(bp.Model):
        name: str | None = bp.field("name", "str", default=None)

        def __getattr__(self, name: str) -> Any:
            return "fallback"

    assert native.plan_of(Fallback) is None
    assert Fallback(name="n").serialize() == {"name": "n"}


@compiled_only
def test_the_module_declares_what_it_needs() -> None:
    ext = native._ext
    assert ext.__spec__ is not None  # multi-phase initialisation: a real module spec
    code = "import batchprep._speedups as m, sys; print(m.ABI_VERSION); print(getattr(sys, '_is_gil_enabled', lambda: True)())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == [str(native.ABI_VERSION), "True"]


@compiled_only
def test_a_subinterpreter_uses_the_python_functions() -> None:
    code = textwrap.dedent(
        """
        import sys
        try:
            import _interpreters as interpreters  # 3.13
        except ImportError:
            import _xxsubinterpreters as interpreters  # 3.11, 3.12
        script = (
            "import batchprep as bp\\n"
            "from batchprep._codegen import native\\n"
            "assert native._ext is None, native._ext\\n"
            "assert bp.JobPreparationTask(command_line='c').serialize() == {'commandLine': 'c'}\\n"
        )
        interp = interpreters.create()
        try:
            failure = interpreters.run_string(interp, script)
        finally:
            interpreters.destroy(interp)
        print(failure or "ok")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if "No module named" in done.stderr:
        pytest.skip("this Python has no subinterpreter module")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
