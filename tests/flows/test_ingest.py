"""Bad baselines fail at ingest with a message naming the problem; nothing reaches S3 or MLflow."""

import json
from pathlib import Path

import pytest
from mlflow import MlflowClient

from flows.clone import clone_student
from flows.ingest import BaselineRejected, ingest_baseline, parse_baseline
from registry import storage
from tests.flows.test_clone import grant_consent

SAMPLE = Path(__file__).parents[2] / "samples" / "baselines" / "stu-0002.json"


def _sample() -> dict:
    return json.loads(SAMPLE.read_text())


def _bad_cases():
    missing = _sample()
    del missing["items"][0]["correct_answer"]
    grade = _sample()
    grade["student"]["grade"] = 19
    empty = _sample()
    empty["items"] = []
    dup = _sample()
    dup["items"][1]["item_id"] = dup["items"][0]["item_id"]
    big = _sample()
    big["items"][0]["question"] = "x" * 1500
    big["items"] = [dict(big["items"][0], item_id=f"q{i}") for i in range(500)] + [big["items"][0]] * 300
    no_student = _sample()
    del no_student["student"]
    return [
        (missing, "items.0.correct_answer: Field required"),
        (grade, "student.grade: grade must be K or 1-12, got 19"),
        (empty, "items: List should have at least 1 item"),
        (dup, "duplicate item_id"),
        (big, "the limit is 1000000"),
        (no_student, "student: Field required"),
    ]


@pytest.mark.parametrize("bad, message", _bad_cases(), ids=["missing-field", "grade-19", "no-items",
                                                            "duplicate-ids", "oversized", "no-student"])
def test_bad_baseline_is_rejected_by_the_clone_flow_and_nothing_is_written(prefect_stack, tmp_path, bad, message):
    settings = prefect_stack
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    before = set(storage.list_keys(settings, ""))
    models_before = len(MlflowClient(settings.mlflow_tracking_uri).search_registered_models())
    with pytest.raises(BaselineRejected) as err:
        clone_student(baseline_path=str(path))
    assert message in str(err.value)
    assert set(storage.list_keys(settings, "")) == before
    assert len(MlflowClient(settings.mlflow_tracking_uri).search_registered_models()) == models_before


def test_malformed_json_and_missing_file_are_named():
    with pytest.raises(BaselineRejected, match="not valid JSON"):
        parse_baseline('{"assessment_id": ')
    with pytest.raises(BaselineRejected, match="baseline file not found"):
        clone_student.fn(baseline_path="/no/such/baseline.json")


def test_ingest_stores_content_addressed(prefect_stack):
    settings = prefect_stack
    grant_consent("stu-0002")
    uri1 = ingest_baseline(baseline=_sample())
    uri2 = ingest_baseline(baseline_path=str(SAMPLE))
    assert uri1 == uri2 and uri1.startswith(f"s3://{settings.s3_bucket}/baselines/stu-0002/")
    stored = storage.get_json(settings, uri1)
    assert parse_baseline(stored) == parse_baseline(_sample())
