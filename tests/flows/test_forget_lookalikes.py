"""Forget by structure, never by text: look-alike values planted in MLflow, Prefect, S3 and the logs
(``0``, ``1``, ids that contain the forgotten one: ``stu-10``, ``stu-1x``, ``stu_1``, the cron ``0 3 * * 0``,
JSON numbers, an experiment artifact location) must come out byte for byte; only the forgotten student's
rows go, and MLflow and Prefect keep answering. Real Prefect, MLflow and S3 servers."""

import json
import logging
import sqlite3
import time
from collections import Counter

import pytest
from mlflow import MlflowClient
from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import DeploymentScheduleCreate
from prefect.client.schemas.schedules import CronSchedule
from prefect.logging.handlers import APILogHandler
from prefect.runtime import flow_run, task_run

from brain.logs import JsonFormatter, student_field
from registry import adapters, audit, forget, storage

STUDENTS = ("stu-1", "stu-10", "stu-1x", "1")  # "0" is never a student here: forgetting it is a 404
CRON = "0 3 * * 0"


# -- planted Prefect runs -------------------------------------------------------------------------

@task(name="lookalike-note")
def note_task(text) -> str:
    get_run_logger().info("note %s", text)
    return str(task_run.get_id())


@flow(name="lookalike")
def lookalike(student_id: str | None = None, baseline: dict | None = None, baseline_path: str | None = None,
              note: str | None = None, extra: dict | None = None) -> str:
    parameters = {"student_id": student_id, "baseline": baseline, "baseline_path": baseline_path, "note": note,
                  "extra": extra}
    get_run_logger().info("parameters %s", json.dumps(parameters))
    note_task(json.dumps(parameters))
    create_markdown_artifact(f"# {json.dumps(parameters)} {CRON}", key="lookalike-report", description="0 1 stu-1")
    return str(flow_run.get_id())


@flow(name="lookalike-sub")
def sub() -> str:
    note_task("sub 0 1")
    return str(flow_run.get_id())


@flow(name="clone-student")
def fake_clone(student: str, baseline_path: str = "/tmp/baseline.json") -> dict:
    """What a clone-student run leaves (without tagging itself): the progress and report artifacts."""
    key = "".join(c if c.isalnum() else "-" for c in student.lower())
    create_progress_artifact(progress=90.0, key=f"clone-{key}", description=f"Clone of student {student}: register")
    create_markdown_artifact("# report 0 1", key=f"clone-{key}-report", description=f"Clone report of student {student}")
    return {"run": str(flow_run.get_id()), "sub": sub()}


@task(name="lookalike-clone-one")
def clone_one(student: str) -> str:
    key = "".join(c if c.isalnum() else "-" for c in student.lower())
    create_progress_artifact(progress=100.0, key=f"clone-{key}", description=f"Clone of student {student}: done")
    get_run_logger().info("cloned one")
    return str(task_run.get_id())


@flow(name="lookalike-cohort")
def cohort(students: list[str]) -> dict:
    return {"run": str(flow_run.get_id()), "tasks": {s: clone_one(s) for s in students}}


def _lookalike_params(bucket: str) -> list[dict]:
    return [{"note": "0", "extra": {"student_id": 0}}, {"extra": {"n": 0, "m": 1, "cron": CRON, "ids": ["stu-1x", 1, "1", 0]}},
            {"student_id": "stu-10"}, {"student_id": "stu-1x"}, {"student_id": "stu_1"},
            {"baseline": {"student": {"student_id": "stu-10"}}, "note": "stu-1"},
            {"baseline": {"student": {"student_id": 1}}}, {"extra": {"student_id": "stu-1"}},
            {"baseline_path": f"s3://{bucket}/baselines/stu-10/x.json"},
            {"baseline_path": f"s3://{bucket}/baselines/stu-1x/x.json"},
            {"baseline_path": "s3://other/baselines/stu-1/x.json"}, {"note": "student stu-1 0 3 * * 0"}]


def _plant_prefect(settings) -> dict[str, set[str]]:
    """Runs of each student and look-alike runs; returns {student: its flow run ids}."""
    runs: dict[str, set[str]] = {s: set() for s in STUDENTS}
    for params in _lookalike_params(settings.s3_bucket):
        lookalike(**params)
    with tags("0", "1", "student:stu-10", "student:stu-1x", "student:stu_1"):
        lookalike(note="tags")
    for sid in STUDENTS:
        with tags(f"student:{sid}"):
            runs[sid].add(lookalike(note="tagged"))
        runs[sid].add(lookalike(student_id=sid))
        runs[sid].add(lookalike(baseline={"student": {"student_id": sid}}))
        runs[sid].add(lookalike(baseline_path=f"s3://{settings.s3_bucket}/baselines/{sid}/incoming-0.json"))
    fake_clone("stu_1")  # same artifact key as stu-1's (clone-stu-1): planted first, so stu-1's is the latest
    for sid in ("stu-10", "stu-1"):
        out = fake_clone(sid)
        runs[sid] |= {out["run"], out["sub"]}
    out = cohort(["stu_1", "stu-10", "stu-1"])  # a run of many students: only stu-1's task run is stu-1's
    runs["cohort_tasks"] = out["tasks"]
    APILogHandler().flush()
    with get_client(sync_client=True) as client:
        flow_id = client.create_flow_from_name("lookalike")
        client.create_deployment(flow_id, "weekly-lookalike", paused=True, parameters={"n": 0, "cron": CRON},
                                 schedules=[DeploymentScheduleCreate(schedule=CronSchedule(cron=CRON), active=False)])
    return runs


# -- dumps ----------------------------------------------------------------------------------------

def _dump(path) -> dict[str, Counter]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: Counter(conn.execute(f'SELECT * FROM "{t}"').fetchall()) for t in tables}
    finally:
        conn.close()


def _quiet_dump(path, settle: float = 6.0) -> dict[str, Counter]:
    """A dump once the server has written what it still had queued (events are persisted in batches)."""
    last = _dump(path)
    for _ in range(10):
        time.sleep(settle)
        now = _dump(path)
        if now == last:
            return now
        last = now
    raise AssertionError(f"{path} keeps changing")


def _files(settings) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(settings.logs_dir.rglob("*")) if p.is_file()}


def _s3(settings) -> dict[str, bytes]:
    client = storage.s3_client(settings)
    return {k: client.get_object(Bucket=settings.s3_bucket, Key=k)["Body"].read() for k in storage.list_keys(settings, "")}


def _snapshot(settings) -> dict:
    return {"prefect": _quiet_dump(settings.data_dir / "prefect" / "prefect.db"),
            "mlflow": _dump(settings.data_dir / "mlflow" / "mlflow.db"), "logs": _files(settings), "s3": _s3(settings)}


def _prefect_ids(settings, run_ids: set[str]) -> set[str]:
    """The runs' ids, their task runs' and artifacts' (read through Prefect's API, not forget's code)."""
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        flt = FlowRunFilter(id=FlowRunFilterId(any_=list(run_ids)))
        ids = set(run_ids) | {str(t.id) for t in client.read_task_runs(flow_run_filter=flt)}
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=list(run_ids))))
        return ids | {str(a.id) for a in arts}


def _prefect_task_ids(settings, task_id: str | None) -> set[str]:
    """A task run's id and its artifacts' (read through Prefect's API)."""
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterTaskRunId

    if task_id is None:
        return set()
    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(task_run_id=ArtifactFilterTaskRunId(any_=[task_id])))
    return {task_id} | {str(a.id) for a in arts}


def _without(dump: dict[str, Counter], owned) -> dict[str, Counter]:
    """The dump less the rows ``owned(table, row)`` says are the student's; an event's resource rows go with it."""
    out = {t: Counter({r: n for r, n in rows.items() if not owned(t, r)}) for t, rows in dump.items()}
    if "events" in dump:
        gone = {r[-3] for r in dump["events"] if owned("events", r)}  # events.id (then created, updated)
        out["event_resources"] = Counter({r: n for r, n in out["event_resources"].items() if r[4] not in gone})
    return out


def _by_ids(ids: set[str]):
    return lambda table, row: any(i in str(v) for v in row for i in ids)


def _log_lines(settings) -> None:
    """JSON records (brain/logs.py) of every student, Prefect-style worker records, plain text look-alikes."""
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    fmt = JsonFormatter()

    def rec(msg, **extra):
        r = logging.LogRecord("aivo.serving", logging.INFO, __file__, 1, msg, None, None)
        r.__dict__.update(extra)
        return fmt.format(r) + "\n"

    lines = [rec(f"served student {s} at 0 3 * * 0", **student_field(s)) for s in (*STUDENTS, "stu_1")]
    lines += [rec("no student: stu-1 0 1 3"), rec("stu-1", student=["stu-1"]), "served stu-1 1 0 at 0 3 * * 0\n",
              '{"student": 1, "message": "a JSON number"}\n', '["stu-1", 0]\n', "{not json stu-1\n"]
    with open(settings.logs_dir / "endpoint.log", "a") as fh:
        fh.writelines(lines)


# -- tests ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def planted(prefect_stack, tmp_path_factory):
    settings = prefect_stack
    adapter = tmp_path_factory.mktemp("adapter")
    (adapter / "adapter_config.json").write_text('{"r": 8}')
    (adapter / "adapter_model.safetensors").write_bytes(b"\x01" * 256)
    versions = {}
    for sid in STUDENTS:
        storage.put_json_content_addressed(settings, f"baselines/{sid}", {"student": sid, "n": 0, "cron": CRON})
        versions[sid] = adapters.publish(settings, sid, adapter, sid.encode().hex().ljust(64, "0"), params={"rank": 8},
                                         metrics={"loss": 1.0}, tags={"note": "0 1"}, loss_curve=[1.0],
                                         eval_report={"n": 0}, gate_passed=True, description=f"0 3 * * 0 {sid}")
        (settings.data_dir / "adapter-cache" / sid / "1").mkdir(parents=True, exist_ok=True)
    ml = MlflowClient(settings.mlflow_tracking_uri)
    exp = ml.create_experiment("lookalike-0", artifact_location=f"s3://{settings.s3_bucket}/mlflow/stu-1/0/1")
    for name, tag in (("student-stu-1-0a1b2c3d", "stu-1x"), ("student-stu-1-notes", None), ("0", None)):
        run = ml.create_run(exp, run_name=name, tags={"student_id": tag, "cron": CRON} if tag else {"cron": CRON})
        ml.log_param(run.info.run_id, "id", "stu-1")
        ml.set_terminated(run.info.run_id)
    runs = _plant_prefect(settings)
    _log_lines(settings)
    with open(settings.logs_dir / "worker.log", "a") as fh:  # Prefect's JSON records of the worker
        for sid in ("stu-1", "stu-10", "1"):
            run_id = sorted(runs[sid])[0]
            fh.write(json.dumps({"name": "prefect.flow_runs", "msg": "Finished in state Completed() 0 1",
                                 "flow_run_id": run_id, "flow_run_name": "stu-1"}) + "\n")
    return settings, versions, runs, exp


def _is_record_of(line: bytes, sid: str, runs: set[str], bucket: str) -> bool:
    """A JSON record about the student: its field, one of its runs, an S3 path under one of its prefixes."""
    try:
        rec = json.loads(line)
    except ValueError:
        return False
    under = tuple(f"{bucket}/{p.format(sid=sid)}" for p in forget.STUDENT_PREFIXES)
    return isinstance(rec, dict) and (rec.get("student") == sid or rec.get("flow_run_id") in runs
                                      or (rec.get("object", "") + "/").replace("//", "/").startswith(under))


def _forget_and_compare(settings, sid: str, versions, runs) -> dict:
    before = _snapshot(settings)
    own = _prefect_ids(settings, runs[sid]) | _prefect_task_ids(settings, runs["cohort_tasks"].get(sid))
    report = forget.forget_student(settings, sid, actor="test:lookalikes")
    after = _snapshot(settings)
    assert report.remaining == {} and report.warnings == [], report

    # Prefect: every row that is not the student's is still there, unchanged, and nothing is new; only an
    # artifact collection whose latest artifact was the student's now names the newest one left
    expected = _without(before["prefect"], _by_ids(own))
    moved = {r[0] for r, _ in before["prefect"]["artifact_collection"].items() if _by_ids(own)("", r)}
    kept = {t: Counter(rows) for t, rows in after["prefect"].items()}
    for dump in (expected, kept):
        dump["artifact_collection"] = Counter({r: n for r, n in dump["artifact_collection"].items() if r[0] not in moved})
    assert {t: rows - kept[t] for t, rows in expected.items() if rows - kept[t]} == {}  # nothing else went
    assert {t: rows - expected[t] for t, rows in kept.items() if rows - expected[t]} == {}  # nothing changed
    artifacts = {r[0]: r for r in after["prefect"]["artifact"]}
    for r in after["prefect"]["artifact_collection"]:
        if r[0] in moved:  # (id, created, updated, key, latest_id, ...): the newest artifact of the key left
            assert r[4] == max((a for a in artifacts.values() if a[3] == r[3]), key=lambda a: a[1])[0]
    assert all(before["prefect"][t] != after["prefect"][t] for t in ("flow_run", "task_run", "log", "artifact"))

    # MLflow: only the model student-<id> and the student's runs went
    run_id, name = versions[sid].run_id, adapters.model_name(sid)
    assert _without(before["mlflow"], lambda t, row: run_id in row or name in row) == after["mlflow"]
    # S3: the student's prefixes and audit events went, a tombstone came, every other object is byte-identical
    new = set(after["s3"]) - set(before["s3"])
    assert len(new) == 1 and next(iter(new)).startswith(audit.TOMBSTONES)
    ref = audit.student_hash(settings, sid)[:16]
    gone = {k for k in before["s3"] if any(k.startswith(p.format(sid=sid)) for p in forget.STUDENT_PREFIXES)
            or (k.startswith(audit.EVENTS) and f"-{ref}-" in k) or (k.startswith("mlflow/") and f"/{run_id}/" in k)}
    assert {k: v for k, v in before["s3"].items() if k not in gone} == {k: v for k, v in after["s3"].items()
                                                                      if k not in new}
    # logs: exactly the student's JSON records went, every other line is byte-identical (the servers append)
    for path, data in before["logs"].items():
        kept_lines = b"".join(ln for ln in data.splitlines(keepends=True)
                              if not _is_record_of(ln, sid, own, settings.s3_bucket))
        assert after["logs"][path].startswith(kept_lines), path
        if path.endswith(("endpoint.log", "worker.log")):  # written by this test only
            assert after["logs"][path] == kept_lines and kept_lines != data, path
        assert not any(_is_record_of(ln, sid, own, settings.s3_bucket) for ln in after["logs"][path].splitlines())
    return report


def _healthy(settings, exp) -> None:
    ml = MlflowClient(settings.mlflow_tracking_uri)
    assert ml.get_experiment(exp).artifact_location == f"s3://{settings.s3_bucket}/mlflow/stu-1/0/1"
    assert {e.name for e in ml.search_experiments()} >= {"lookalike-0", adapters.EXPERIMENT}
    with get_client(sync_client=True) as client:
        dep = client.read_deployment_by_name("lookalike/weekly-lookalike")
        assert dep.schedules[0].schedule.cron == CRON and dep.parameters == {"n": 0, "cron": CRON}
        assert client.read_flow_runs(limit=200) and client.read_artifacts(limit=200)


def test_forgetting_stu_1_spares_stu_10_stu_1x_stu__1_and_every_lookalike(planted):
    settings, versions, runs, exp = planted
    report = _forget_and_compare(settings, "stu-1", versions, runs)
    assert report.removed["log_records"] >= 2 and report.removed["mlflow_runs"] == 1
    for other in ("stu-10", "stu-1x", "1"):
        assert adapters.resolve(settings, other) is not None and storage.list_keys(settings, f"baselines/{other}/")
        assert forget.scan_student(settings, other)["prefect_flow_runs"]
    _healthy(settings, exp)


def test_forgetting_1_spares_every_0_and_1_elsewhere(planted):
    settings, versions, runs, exp = planted
    _forget_and_compare(settings, "1", versions, runs)
    assert adapters.resolve(settings, "stu-10") is not None
    _healthy(settings, exp)


def test_an_unknown_student_is_refused_and_nothing_changes(planted):
    settings, _, _, exp = planted
    before = _snapshot(settings)
    for sid in ("0", "2", "stu", "stu-1"):  # stu-1 is gone after the test above (when run alone: known)
        if sid == "stu-1" and forget.scan_student(settings, sid):
            continue
        assert forget.scan_student(settings, sid) == {}
        with pytest.raises(forget.UnknownStudent, match="nothing was changed"):
            forget.forget_student(settings, sid, actor="test:hostile")
    assert _snapshot(settings) == before
    _healthy(settings, exp)


def test_the_forget_flow_reports_an_unknown_student_and_keeps_no_id_in_its_run(planted):
    from flows.forget import forget_student as forget_flow

    settings = planted[0]
    with pytest.raises(forget.UnknownStudent):
        forget_flow(student_id="0", actor="test:hostile")
    with get_client(sync_client=True) as client:
        [run] = client.read_flow_runs(sort="START_TIME_DESC", limit=1)
        assert run.parameters["student_id"] == forget.pseudonym(settings, "0") and run.state.is_failed()
