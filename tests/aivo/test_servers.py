"""The real S3 and MLflow servers the stack starts (here through the test fixtures) work."""

import boto3
import mlflow
import pytest
from botocore.exceptions import ClientError
from mlflow import MlflowClient

from aivo.stack import s3_client, s3_env


def test_s3_store_round_trips_objects_and_checks_signatures(s3_server):
    client = s3_client(s3_server)
    client.put_object(Bucket=s3_server.s3_bucket, Key="health/probe.txt", Body=b"ok")
    assert client.get_object(Bucket=s3_server.s3_bucket, Key="health/probe.txt")["Body"].read() == b"ok"
    wrong = boto3.client("s3", endpoint_url=s3_server.s3_endpoint_url, aws_access_key_id=s3_server.s3_access_key,
                         aws_secret_access_key="wrong-secret", region_name="us-east-1")
    with pytest.raises(ClientError):
        wrong.get_object(Bucket=s3_server.s3_bucket, Key="health/probe.txt")


def test_mlflow_server_stores_runs_and_artifacts_in_s3(mlflow_server, tmp_path, monkeypatch):
    for key, value in s3_env(mlflow_server).items():
        monkeypatch.setenv(key, value)
    client = MlflowClient(tracking_uri=mlflow_server.mlflow_tracking_uri)
    exp = client.create_experiment("health-check")
    run = client.create_run(exp)
    client.log_metric(run.info.run_id, "loss", 0.5)
    (tmp_path / "note.txt").write_text("artifact")
    client.log_artifact(run.info.run_id, str(tmp_path / "note.txt"))
    assert client.get_run(run.info.run_id).data.metrics["loss"] == 0.5
    keys = [o["Key"] for o in s3_client(mlflow_server).list_objects_v2(
        Bucket=mlflow_server.s3_bucket, Prefix="mlflow/").get("Contents", [])]
    assert any(k.endswith(f"{run.info.run_id}/artifacts/note.txt") for k in keys), keys
    client.create_registered_model("health-model")
    mlflow.set_tracking_uri(mlflow_server.mlflow_tracking_uri)
    assert client.get_registered_model("health-model").name == "health-model"
