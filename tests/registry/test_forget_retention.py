"""Deletion (forget + scan + tombstone, purge of one clone run) and the retention sweep with a fake clock,
on real S3 and MLflow servers (adapters published from small files: no training)."""

import logging
from datetime import datetime, timedelta, timezone

import pytest
from mlflow import MlflowClient

from brain.logs import JsonFormatter, student_field
from registry import adapters, audit, consent, forget, retention, storage


@pytest.fixture
def adapter_dir(tmp_path):
    d = tmp_path / "adapter"
    d.mkdir()
    (d / "adapter_config.json").write_text('{"r": 8}')
    (d / "adapter_model.safetensors").write_bytes(b"\x01" * 1024)
    return d


def _publish(settings, student, adapter_dir, key, passed=True):
    return adapters.publish(settings, student, adapter_dir, key * 64, params={"rank": 8}, metrics={"loss": 1.0},
                            tags={"base_model": "tiny-random"}, loss_curve=[2.0, 1.0], eval_report={"ok": 1},
                            gate_passed=passed, description=f"LoRA clone of {student} from assessment a-1")


def _student_data(settings, sid, adapter_dir, keys=("a", "b")):
    """What a student leaves behind: consent, baseline, dataset, adapter versions + runs, audit, local caches."""
    for purpose in consent.PURPOSES:
        consent.grant(settings, sid, purpose, source="parent_portal", actor="parent:1")
    storage.put_json_content_addressed(settings, f"baselines/{sid}", {"student": sid, "items": [1, 2]})
    storage.put_json_content_addressed(settings, f"datasets/{sid}", {"rows": [sid]})
    versions = [_publish(settings, sid, adapter_dir, k, passed=(i == 0)) for i, k in enumerate(keys)]
    audit.record(settings, "api-key:x", "adapter.read", sid, obj=f"{adapters.model_name(sid)} v1")
    cache = settings.data_dir / "adapter-cache" / sid / "1"
    storage.download_dir(settings, versions[0].prefix, cache)
    scratch = settings.data_dir / "work" / sid / "k" / "data.json"
    scratch.parent.mkdir(parents=True, exist_ok=True)
    scratch.write_text(f'{{"student": "{sid}"}}')
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    record = logging.LogRecord("aivo.serving", logging.INFO, __file__, 1, "served student %s with %s v1",
                               (sid, adapters.model_name(sid)), None)
    record.__dict__.update(student_field(sid))  # a record about the student: brain/logs.py's JSON line
    with open(settings.logs_dir / "endpoint.log", "a") as log:
        log.write(f"{JsonFormatter().format(record)}\nunrelated line about {sid}\n")
    return versions


def test_forget_removes_every_trace_leaves_a_tombstone_and_spares_others(mlflow_server, adapter_dir):
    s = mlflow_server
    _student_data(s, "fg-1", adapter_dir)
    _student_data(s, "fg-10", adapter_dir)  # an id that starts like the forgotten one must survive
    assert forget.scan_student(s, "fg-1")  # the scan does find a student before

    report = forget.forget_student(s, "fg-1", actor="parent:1 via ticket 88", reason="parent request")
    assert report.remaining == {}, report.remaining
    assert report.warnings == []
    assert forget.scan_student(s, "fg-1") == {}
    removed = report.removed
    assert removed["mlflow_model_versions"] == 2 and removed["mlflow_runs"] == 2 and removed["mlflow_runs_purged"] == 2
    assert removed["s3_objects"] == {"baselines": 1, "datasets": 1, "adapters": 6, "consent": 2}
    # 2 consent grants + 2 adapter.publish + 1 adapter.read
    assert removed["audit_events"] == 5 and removed["log_records"] >= 1  # + the S3 store's records
    assert sorted(p.rsplit("/", 2)[-2] for p in report.cache_paths) == ["adapter-cache", "work"]

    # serving falls back to the base model: nothing resolves, not even a soft-deleted run is left
    assert adapters.resolve(s, "fg-1") is None
    assert forget.student_runs(s, "fg-1") == []
    # the tombstone: hashed id, actor, counts; no id
    [stone] = audit.read_tombstones(s, "fg-1")
    assert stone["student"] == audit.student_hash(s, "fg-1") and stone["actor"] == "parent:1 via ticket 88"
    assert stone["removed"]["mlflow_model_versions"] == 2 and "fg-1" not in str(stone)
    # the log loses the student's record, and nothing else: no line is edited (plain text stays as it is)
    log = (s.logs_dir / "endpoint.log").read_text()
    assert '"student": "fg-1"' not in log and '"student": "fg-10"' in log and "unrelated line about fg-1\n" in log
    # forgetting again: nothing is left, so the student is unknown and nothing changes
    with pytest.raises(forget.UnknownStudent):
        forget.forget_student(s, "fg-1", actor="parent:1 via ticket 88")
    assert len(audit.read_tombstones(s, "fg-1")) == 1

    # the other student is untouched
    assert [v.version for v in adapters.list_versions(s, "fg-10")] == ["2", "1"]
    assert consent.require(s, "fg-10", "personalise") and storage.list_keys(s, "baselines/fg-10/")
    assert (s.data_dir / "adapter-cache" / "fg-10").exists()
    forget.forget_student(s, "fg-10", actor="test cleanup")


def test_forget_of_an_unknown_student_changes_nothing_and_checks_its_input(mlflow_server):
    with pytest.raises(forget.UnknownStudent, match="nothing was changed"):
        forget.forget_student(mlflow_server, "fg-never", actor="ops")
    assert audit.read_tombstones(mlflow_server, "fg-never") == []
    with pytest.raises(ValueError, match="not a student id"):
        forget.forget_student(mlflow_server, "../baselines", actor="ops")
    with pytest.raises(ValueError, match="actor"):
        forget.forget_student(mlflow_server, "fg-never", actor="")


def test_purge_of_one_clone_run_leaves_the_students_other_versions(mlflow_server, adapter_dir):
    s = mlflow_server
    v1, = _student_data(s, "pg-1", adapter_dir, keys=("c",))
    uri = storage.put_json_content_addressed(s, "baselines/pg-1", {"the": "run's baseline"})
    v2 = _publish(s, "pg-1", adapter_dir, "d")
    purged = forget.purge_clone_run(s, "pg-1", uri, version=v2.version, work=s.data_dir / "work" / "pg-1")
    assert purged == {"baseline": 1, "scratch": 1, "version": 1, "run": 1, "s3_objects": purged["s3_objects"]}
    assert purged["s3_objects"] >= 3
    assert [v.version for v in adapters.list_versions(s, "pg-1")] == [v1.version]
    assert storage.list_keys(s, v2.prefix + "/") == [] and storage.list_keys(s, v1.prefix + "/")
    assert [r.info.run_id for r in forget.student_runs(s, "pg-1")] == [v1.run_id]
    forget.forget_student(s, "pg-1", actor="test cleanup")


def test_retention_sweep_with_a_fake_clock(mlflow_server, adapter_dir, tmp_path):
    # its own bucket and data dir: a sweep a decade ahead must not touch the other tests' data
    s = mlflow_server.model_copy(update={"s3_bucket": "aivo-retention", "data_dir": tmp_path / "data"})
    storage.s3_client(s).create_bucket(Bucket=s.s3_bucket)
    champion, failed = _student_data(s, "rt-1", adapter_dir, keys=("e", "f"))
    consent.revoke(s, "rt-1", "collect", source="parent_portal", actor="parent:1")
    consent.grant(s, "rt-1", "collect", source="parent_portal", actor="parent:1")
    audit.write_tombstone(s, "rt-gone", "ops", {"baselines": 1})
    (s.logs_dir / "old.log").write_text("an old log\n")
    now = datetime.now(timezone.utc)

    soon = retention.sweep(s, now=now + timedelta(days=10))  # only scratch (2 days) is older than its TTL
    assert soon["scratch"] == 1 and sum(soon.values()) == 1, soon
    assert storage.list_keys(s, "baselines/rt-1/") and len(adapters.list_versions(s, "rt-1")) == 2

    later = retention.sweep(s, now=now + timedelta(days=4000))
    assert later["baselines"] == 1 and later["datasets"] == 1 and later["adapter_versions"] == 1, later
    assert later["consent_records"] == 2 and later["audit_events"] >= 5 and later["tombstones"] == 0
    assert later["adapter_cache"] == 1 and later["logs"] >= 1
    assert [v.version for v in adapters.list_versions(s, "rt-1")] == [champion.version]  # the served one stays
    assert storage.list_keys(s, failed.prefix + "/") == []
    assert MlflowClient(s.mlflow_tracking_uri).get_run(failed.run_id).info.lifecycle_stage == "deleted"
    # the consent in force stays, for both purposes; the tombstone stays
    assert consent.require(s, "rt-1", "collect") and consent.require(s, "rt-1", "personalise")
    assert audit.read_tombstones(s, "rt-gone")
    assert audit.read_events(s, action="retention.sweep")  # the sweep itself is audited
    forget.forget_student(s, "rt-1", actor="test cleanup", scan=False)


def test_policy_file_is_checked(tmp_path, mlflow_server):
    assert retention.load_policy(mlflow_server)["tombstones"] is None
    bad = tmp_path / "r.yaml"
    bad.write_text("baselines: 30\nphotos: 3\n")
    with pytest.raises(ValueError, match="unknown retention categories"):
        retention.load_policy(mlflow_server.model_copy(update={"retention_policy_file": bad}))


def test_cli_consent_and_forget(mlflow_server, adapter_dir, monkeypatch):
    from typer.testing import CliRunner

    from aivo import cli

    s = mlflow_server
    monkeypatch.setattr(cli, "get_settings", lambda: s)
    run = CliRunner().invoke
    out = run(cli.app, ["consent", "grant", "cl-1", "cl-2", "--source", "sample_data", "--actor", "admin:t"])
    assert out.exit_code == 0 and out.output.count("granted") == 4, out.output
    out = run(cli.app, ["consent", "revoke", "cl-2", "--purpose", "personalise", "--source", "parent_portal",
                        "--actor", "parent:3"])
    assert out.exit_code == 0 and "cl-2: personalise revoked" in out.output
    out = run(cli.app, ["consent", "show", "cl-2"])
    assert "collect      granted" in out.output and "personalise  revoked" in out.output, out.output
    assert run(cli.app, ["consent", "grant", "cl-1", "--purpose", "ads", "--source", "x", "--actor", "y"]).exit_code == 2

    _publish(s, "cl-1", adapter_dir, "9")
    out = run(cli.app, ["forget", "cl-1", "--actor", "parent:9", "--yes", "--deep-scan"])
    assert out.exit_code == 0 and "student forgotten; tombstone audit/tombstones/" in out.output, out.output
    assert "text search skipped" in out.output  # cl-1 is too short to search as text
    out = run(cli.app, ["forget", "cl-1", "--actor", "parent:9", "--yes"])
    assert out.exit_code == 3 and "unknown student 'cl-1'" in out.output and "nothing was changed" in out.output
    assert forget.scan_student(s, "cl-1") == {} and consent.get(s, "cl-1", "collect") is None
    forget.forget_student(s, "cl-2", actor="test cleanup")


@pytest.mark.parametrize("text, found", [
    ("stu-1", True), ("student-stu-1 v2", True), ("clone-stu-1-report", True), ("run student-stu-1-0a1b2c3d", True),
    ("/tmp/x/stu-1.json", True), ("adapters/stu-1/abc", True), ("student stu-1.", True),
    ("stu-10", False), ("stu-1-b", False), ("student-stu-1-b", False), ("stu-1.5", False), ("xstu-1", False),
])
def test_the_id_is_matched_as_a_token_never_inside_another_id(text, found):
    """What the text search (a report, never a rewrite) finds: stu-1, not the ids stu-10, stu-1-b or stu-1.5."""
    assert bool(forget.mention_pattern("stu-1").search(text.encode())) is found
