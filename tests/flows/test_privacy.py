"""Data protection in the clone pipeline, on real Prefect, MLflow and S3 servers with the tiny model:
consent gating at ingest, PII canaries that must reach no store, training file, log or MLflow record,
consent withdrawn mid-run (the run stops and purges), and forget-student with the scan afterwards."""

import json
import logging
from pathlib import Path

import pytest
from mlflow import MlflowClient

from brain import settings as settings_module
from flows import clone as clone_flow
from flows.clone import clone_student
from flows.ingest import ingest_baseline
from registry import adapters, audit, consent, forget, storage
from tests.flows.test_clone import SAMPLES, TINY, _copy_sample, grant_consent

# What a child might type into a baseline; none of it may be kept. (No word here may be one Prefect
# uses in its random run names, e.g. animals: "wallaby" once matched a run named "...-wallaby".)
NEEDLES = ("zelda", "quintero", "zelda.q@", "867-5309", "zyxwell", "123-45-6789", "zeldas-page")


def _write(tmp_path: Path, data: dict) -> str:
    path = tmp_path / f"{data['student']['student_id']}.json"
    path.write_text(json.dumps(data))
    return str(path)


def _sample(student: str, new_id: str) -> dict:
    data = json.loads((SAMPLES / f"{student}.json").read_text())
    data["student"]["student_id"] = new_id
    return data


def _leaks(blob: bytes | str) -> list[str]:
    text = (blob.decode("utf-8", "replace") if isinstance(blob, bytes) else blob).lower()
    return [n for n in NEEDLES if n in text]


def test_no_consent_no_ingest_and_nothing_is_written(prefect_stack, tmp_path):
    settings = prefect_stack
    path = _write(tmp_path, _sample("stu-0002", "t-noconsent"))
    with pytest.raises(consent.ConsentMissing, match="no 'collect' consent for student t-noconsent"):
        ingest_baseline(baseline_path=path)
    consent.grant(settings, "t-noconsent", "collect", source="parent_portal", actor="parent:5")
    with pytest.raises(consent.ConsentMissing, match="'personalise' consent"):  # collecting is not training
        clone_student(baseline_path=path, **TINY)
    assert storage.list_keys(settings, "baselines/t-noconsent/") == []
    assert adapters.list_versions(settings, "t-noconsent") == []
    consent.grant(settings, "t-noconsent", "personalise", source="parent_portal", actor="parent:5")
    assert ingest_baseline(baseline_path=path).startswith(f"s3://{settings.s3_bucket}/baselines/t-noconsent/")
    assert [e.action for e in audit.read_events(settings, "t-noconsent")][-1] == "baseline.ingest"


@pytest.fixture
def roster(prefect_stack, tmp_path, monkeypatch):
    """The district roster names the child: AIVO_PII_ROSTER_FILE for the flows."""
    path = tmp_path / "roster.csv"
    path.write_text("student_id,first_name,last_name\nt-pii,Zelda,Quintero\n")
    monkeypatch.setenv("AIVO_PII_ROSTER_FILE", str(path))
    settings_module.get_settings.cache_clear()
    yield path
    monkeypatch.delenv("AIVO_PII_ROSTER_FILE")
    settings_module.get_settings.cache_clear()


def _canary_baseline(tmp_path: Path) -> str:
    data = _sample("stu-0003", "t-pii")
    items = data["items"]
    data["assessment_id"] = "Zelda Quintero fall"
    items[0]["student_answer"] = "My name is Zelda Quintero, my email is zelda.q@example.com " + items[0]["student_answer"]
    items[1]["student_answer"] += " (call my mom 555-867-5309)"
    items[2]["question"] += " Zelda lives at 42 Zyxwell Way, Springfield, IL 62704."
    items[3]["student_answer"] += " my SSN is 123-45-6789"
    items[4]["question"] += " Homework at http://zeldas-page.example.com/hw"
    assert len(_leaks(json.dumps(data))) == len(NEEDLES)
    grant_consent("t-pii")
    return _write(tmp_path, data)


def test_pii_canaries_reach_no_store_training_file_log_or_mlflow(prefect_stack, roster, tmp_path, caplog):
    settings = prefect_stack
    caplog.set_level(logging.DEBUG)
    training_files = {}

    def grab_training_data(sid, pct, stage):
        if sid == "t-pii" and stage.startswith("targets ready"):
            for f in (settings.data_dir / "work" / "t-pii").rglob("data.json"):
                training_files[str(f)] = f.read_bytes()

    clone_flow.PROGRESS_LISTENERS.append(grab_training_data)
    try:
        result = clone_student(baseline_path=_canary_baseline(tmp_path), **TINY)
    finally:
        clone_flow.PROGRESS_LISTENERS.clear()
    assert result["version"]

    # the distilled training data (personalised targets, held-out split)
    assert training_files and all(not _leaks(b) for b in training_files.values()), training_files.keys()
    assert any(b"{{ADDRESS}}" in b for b in training_files.values())  # the questions are in it, scrubbed
    # every S3 object: baselines, adapters, MLflow artifacts (eval report with generations), audit, consent
    client = storage.s3_client(settings)
    for key in storage.list_keys(settings, ""):
        body = client.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
        assert not _leaks(body), key
    [baseline_key] = storage.list_keys(settings, "baselines/t-pii/")
    stored = storage.get_json(settings, storage.s3_uri(settings, baseline_key))
    assert "{{PHONE}}" in json.dumps(stored) and "{{ADDRESS}}" in json.dumps(stored)
    # MLflow: registered model, version tags and description, run params, tags, metrics names
    ml = MlflowClient(settings.mlflow_tracking_uri)
    mv = ml.get_model_version(adapters.model_name("t-pii"), result["version"])
    model = ml.get_registered_model(adapters.model_name("t-pii"))
    run = ml.get_run(mv.run_id)
    for blob in (mv.tags, mv.description, model.description, model.tags, run.data.params, run.data.tags,
                 list(run.data.metrics)):
        assert not _leaks(json.dumps(blob, default=str)), blob
    # logs: this process, Prefect's run logs, and the servers' log files
    assert not _leaks("\n".join(r.getMessage() for r in caplog.records))
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as prefect:
        logs = prefect.read_logs(limit=200, offset=0)
        while len(logs) % 200 == 0 and logs:
            more = prefect.read_logs(limit=200, offset=len(logs))
            if not more:
                break
            logs += more
        runs = prefect.read_flow_runs(limit=200)
    assert logs and not _leaks("\n".join(log.message for log in logs))
    assert not _leaks(json.dumps([r.parameters for r in runs], default=str))  # flow-run parameters
    for path in settings.logs_dir.glob("*.log"):
        assert not _leaks(path.read_bytes()), path


def test_consent_withdrawn_mid_run_stops_the_run_and_purges_its_data(prefect_stack, tmp_path):
    settings = prefect_stack
    path = _copy_sample(tmp_path, "stu-0005", "t-revoke")
    seen, partial = [], {}

    def parent_withdraws(sid, pct, stage):
        seen.append(stage)
        if sid == "t-revoke" and stage.startswith("targets ready"):
            partial["baselines"] = storage.list_keys(settings, "baselines/t-revoke/")
            partial["scratch"] = [str(p) for p in (settings.data_dir / "work" / "t-revoke").rglob("*")]
            consent.revoke(settings, "t-revoke", "personalise", source="parent_portal", actor="parent:77")

    clone_flow.PROGRESS_LISTENERS.append(parent_withdraws)
    try:
        with pytest.raises(consent.ConsentRevoked, match="no 'personalise' consent for student t-revoke"):
            clone_student(baseline_path=path, **TINY)
    finally:
        clone_flow.PROGRESS_LISTENERS.clear()

    assert partial["baselines"] and partial["scratch"]  # there was something to purge
    assert seen[-1].startswith("stopped before fine-tune") and not any("fine-tune step" in s for s in seen)
    assert storage.list_keys(settings, "baselines/t-revoke/") == []
    assert not (settings.data_dir / "work" / "t-revoke").exists()
    assert adapters.list_versions(settings, "t-revoke") == [] and forget.student_runs(settings, "t-revoke") == []
    stopped = audit.read_events(settings, "t-revoke", action="clone.stopped")
    assert stopped and stopped[0].details["before"] == "fine-tune" and stopped[0].details["purged"]["baseline"] == 1


def test_forget_student_flow_leaves_nothing_but_the_tombstone(prefect_stack, roster, tmp_path):
    from flows.forget import forget_student

    settings = prefect_stack
    if not adapters.list_versions(settings, "t-pii"):
        clone_student(baseline_path=_canary_baseline(tmp_path), **TINY)
    champion = adapters.resolve(settings, "t-pii")
    storage.download_dir(settings, champion.prefix, settings.data_dir / "adapter-cache" / "t-pii" / champion.version)
    assert {"s3_keys", "mlflow_models", "mlflow_runs", "local_paths"} <= set(forget.scan_student(settings, "t-pii"))

    report = forget_student(student_id="t-pii", actor="parent:42 (ticket 1001)")
    assert report["remaining"] == {} and report["removed"]["mlflow_model_versions"] >= 1
    assert any(p.endswith("adapter-cache/t-pii") for p in report["cache_paths"])
    assert forget.scan_student(settings, "t-pii") == {}  # S3, MLflow, local files, Prefect's database
    # not even as text: no S3 object, log line, database page (Prefect's, MLflow's) or file name names it
    assert forget.find_mentions(settings, "t-pii") == {}
    assert adapters.resolve(settings, "t-pii") is None  # the endpoint serves the base model
    [stone] = audit.read_tombstones(settings, "t-pii")
    assert stone["actor"] == "parent:42 (ticket 1001)" and stone["removed"]["s3_objects"]["baselines"] >= 1
