"""`aivo up` / `aivo down` as a user runs them: the whole local stack, real servers, real model."""

import os
import socket
import subprocess
import sys

import httpx
import psutil
import pytest

from aivo import stack
from tests.conftest import make_settings

pytestmark = pytest.mark.stack


def _aivo(settings, *args, timeout=400):
    env = {**os.environ, **settings.to_env()}
    return subprocess.run([sys.executable, "-m", "aivo", *args], env=env, capture_output=True,
                          text=True, timeout=timeout)


def _recorded_pids(settings) -> list[int]:
    import json

    return [json.loads(p.read_text())["pid"] for p in settings.run_dir.glob("*.json")]


@pytest.mark.embedded
def test_up_serves_the_embedded_model_and_down_leaves_nothing(embedded_first_load, tmp_path):
    _, embedded = embedded_first_load
    settings = make_settings(tmp_path / "data", base_model="smollm2-135m-instruct",
                             model_cache=embedded.model_cache_dir)
    try:
        up = _aivo(settings, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        for url in (settings.prefect_ui_url, settings.mlflow_tracking_uri, settings.endpoint_url):
            assert url in up.stdout  # the URLs are printed

        pids = _recorded_pids(settings)
        assert len(pids) == 5
        family = {p for pid in pids for p in [pid, *(c.pid for c in psutil.Process(pid).children(recursive=True))]}

        # UIs answer
        assert "<html" in httpx.get(settings.prefect_ui_url + "/", timeout=10).text.lower()
        assert "<html" in httpx.get(settings.mlflow_tracking_uri + "/", timeout=10).text.lower()
        assert httpx.get(settings.prefect_api_url + "/health", timeout=10).status_code == 200
        # a worker polls the local work pool
        workers = httpx.post(f"{settings.prefect_api_url}/work_pools/{settings.prefect_work_pool}/workers/filter",
                             json={}, timeout=10).json()
        assert workers and workers[0]["name"] == "aivo-local-worker"

        # The README's request, answered by SmolLM2-135M-Instruct for a student context
        r = httpx.post(settings.endpoint_url + "/v1/generate", timeout=120, json={
            "prompt": "What is photosynthesis?",
            "context": {"student_id": "student123", "grade": "5", "subject": "Science"},
            "max_tokens": 48, "temperature": 0})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["base_model"] == "smollm2-135m-instruct"
        assert any(w in body["response"].lower() for w in ("plant", "light", "energy", "sun")), body

        # data written now must survive down/up
        s3 = stack.s3_client(settings)
        s3.put_object(Bucket=settings.s3_bucket, Key="keep/me.txt", Body=b"kept")
        exp_id = httpx.post(settings.mlflow_tracking_uri + "/api/2.0/mlflow/experiments/create",
                            json={"name": "survives"}, timeout=10).json()["experiment_id"]

        status = _aivo(settings, "status", "--json")
        assert status.returncode == 0 and '"healthy": true' in status.stdout

        down = _aivo(settings, "down")
        assert down.returncode == 0
        assert not any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE
                       for p in family)
        assert not list(settings.run_dir.glob("*.json"))

        up2 = _aivo(settings, "up", "--only", "s3", "--only", "mlflow")
        assert up2.returncode == 0, up2.stderr
        assert s3.get_object(Bucket=settings.s3_bucket, Key="keep/me.txt")["Body"].read() == b"kept"
        got = httpx.get(settings.mlflow_tracking_uri + "/api/2.0/mlflow/experiments/get",
                        params={"experiment_id": exp_id}, timeout=10).json()
        assert got["experiment"]["name"] == "survives"
    finally:
        _aivo(settings, "down")


def test_a_taken_port_is_named_and_nothing_starts(tmp_path):
    settings = make_settings(tmp_path / "data")
    host, port = "127.0.0.1", int(settings.mlflow_tracking_uri.rsplit(":", 1)[1])
    with socket.socket() as blocker:
        blocker.bind((host, port))
        blocker.listen()
        result = _aivo(settings, "up", timeout=60)
    assert result.returncode == 1
    assert f"port {port}" in result.stderr and "AIVO_MLFLOW_TRACKING_URI" in result.stderr
    assert not list(settings.run_dir.glob("*.json")) if settings.run_dir.exists() else True


def test_down_with_nothing_running_says_so(tmp_path):
    result = _aivo(make_settings(tmp_path / "data"), "down", timeout=60)
    assert result.returncode == 0 and "nothing was running" in result.stdout
