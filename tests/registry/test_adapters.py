"""registry.adapters against real MLflow and S3 servers: publish, resolve, idempotency, rollback, delete."""

import pytest
from mlflow import MlflowClient

from registry import adapters, storage


@pytest.fixture
def adapter_dir(tmp_path):
    d = tmp_path / "adapter"
    d.mkdir()
    (d / "adapter_config.json").write_text('{"r": 8}')
    (d / "adapter_model.safetensors").write_bytes(b"\x00" * 2048)
    return d


def _publish(settings, student, adapter_dir, key, passed=True, review=False):
    return adapters.publish(settings, student, adapter_dir, key, params={"rank": 8}, metrics={"adapter_eval_loss": 1.0},
                            tags={"base_model": "tiny-random"}, loss_curve=[3.0, 2.0, 1.5], eval_report={"ok": 1},
                            gate_passed=passed, require_review=review)


def test_publish_resolve_list_and_idempotency(mlflow_server, adapter_dir):
    s = mlflow_server
    v1 = _publish(s, "r-1", adapter_dir, "a" * 64)
    assert v1.version == "1" and v1.aliases == ["champion"] and v1.uri.endswith("adapters/r-1/" + "a" * 16)
    assert _publish(s, "r-1", adapter_dir, "a" * 64).reused
    v2 = _publish(s, "r-1", adapter_dir, "b" * 64, passed=False)
    assert v2.aliases == []
    assert [v.version for v in adapters.list_versions(s, "r-1")] == ["2", "1"]
    assert adapters.resolve(s, "r-1").version == "1"  # a failed gate does not move champion
    manifest = storage.read_manifest(s, v1.prefix)
    assert manifest["files"]["adapter_model.safetensors"]["bytes"] == 2048
    out = storage.download_dir(s, v1.prefix, adapter_dir.parent / "back")
    assert (out / "adapter_model.safetensors").read_bytes() == b"\x00" * 2048


def test_incomplete_upload_is_never_served(mlflow_server, adapter_dir):
    s = mlflow_server
    v = _publish(s, "r-2", adapter_dir, "c" * 64)
    storage.s3_client(s).delete_object(Bucket=s.s3_bucket, Key=f"{v.prefix}/{storage.MANIFEST}")
    assert adapters.resolve(s, "r-2") is None
    with pytest.raises(FileNotFoundError, match="not a complete upload"):
        storage.download_dir(s, v.prefix, adapter_dir.parent / "x")


def test_resolve_unknown_student_is_none(mlflow_server):
    assert adapters.resolve(mlflow_server, "nobody") is None
    assert adapters.list_versions(mlflow_server, "nobody") == []


def test_failure_after_upload_rolls_everything_back(mlflow_server, adapter_dir, monkeypatch):
    s = mlflow_server
    _publish(s, "r-3", adapter_dir, "d" * 64)  # v1 champion stays untouched

    def boom(self, *a, **k):
        raise RuntimeError("alias service down")

    monkeypatch.setattr(MlflowClient, "set_registered_model_alias", boom)
    with pytest.raises(RuntimeError):
        _publish(s, "r-3", adapter_dir, "e" * 64)
    monkeypatch.undo()
    assert [v.version for v in adapters.list_versions(s, "r-3")] == ["1"]
    assert adapters.resolve(s, "r-3").version == "1"
    assert storage.list_keys(s, "adapters/r-3/" + "e" * 16) == []


def test_delete_student_removes_versions_runs_and_objects(mlflow_server, adapter_dir):
    s = mlflow_server
    _publish(s, "r-4", adapter_dir, "f" * 64)
    _publish(s, "r-4", adapter_dir, "0" * 64)
    storage.put_json_content_addressed(s, "baselines/r-4", {"x": 1})
    removed = adapters.delete_student(s, "r-4")
    assert removed["versions"] == 2 and removed["runs"] == 2 and removed["s3_objects"] >= 7
    assert adapters.list_versions(s, "r-4") == []
    for prefix in ("adapters/r-4/", "baselines/r-4/"):
        assert storage.list_keys(s, prefix) == []
    client = MlflowClient(s.mlflow_tracking_uri)
    exp = client.get_experiment_by_name(adapters.EXPERIMENT)
    assert client.search_runs([exp.experiment_id], "tags.student_id = 'r-4'") == []
    assert "r-4" not in adapters.registered_students(s)
