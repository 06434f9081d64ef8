"""prefect.yaml's deployments, registered the way `make up` does, run by the stack's process worker."""

import os
import subprocess
import sys
import time

import httpx
import pytest

from aivo import stack
from registry import adapters
from tests.conftest import make_settings
from tests.flows.test_clone import OPEN_QUALITY

pytestmark = pytest.mark.stack


@pytest.fixture(scope="module")
def worker_stack(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("deploy"), model_cache=model_cache)
    env = {**os.environ, **settings.to_env()}
    up = subprocess.run([sys.executable, "-m", "aivo", "up", "--only", "s3", "--only", "mlflow", "--only",
                         "prefect", "--only", "worker"], env=env, capture_output=True, text=True, timeout=400)
    assert up.returncode == 0, up.stdout + up.stderr
    consent = subprocess.run([sys.executable, "-m", "aivo", "consent", "grant", "stu-0004", "stu-0006", "--purpose",
                              "all", "--source", "sample_data", "--actor", "tests"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert consent.returncode == 0, consent.stdout + consent.stderr
    yield settings
    stack.down(settings, echo=lambda _m: None)


def _api(settings, method, path, **kw):
    """Prefect's REST API; a 503 (its sqlite busy under load) is retried, as Prefect's own client does."""
    for attempt in range(6):
        r = httpx.request(method, settings.prefect_api_url + path, timeout=30, **kw)
        if r.status_code != 503:
            break
        time.sleep(0.5 * 2**attempt)
    r.raise_for_status()
    return r.json()


def test_deployments_are_registered_with_typed_parameters_and_a_weekly_schedule(worker_stack):
    deployments = {d["name"]: d for d in _api(worker_stack, "POST", "/deployments/filter", json={})}
    assert {"clone-student", "clone-cohort", "retrain-curriculum"} <= set(deployments)
    schema = deployments["clone-student"]["parameter_openapi_schema"]
    lora = schema["definitions"]["LoraRecipe"]["properties"]  # the form of parameter `recipe`, field `lora`
    assert lora["rank"]["type"] == "integer" and schema["properties"]["require_review"]["type"] == "boolean"
    assert schema["properties"]["baseline_path"]["default"] == "samples/baselines/stu-0001.json"
    schedules = deployments["retrain-curriculum"]["schedules"]
    assert schedules and schedules[0]["schedule"]["cron"] == "0 3 * * 0"
    assert deployments["clone-student"]["work_pool_name"] == worker_stack.prefect_work_pool


def test_a_run_started_like_the_ui_does_is_executed_by_the_worker(worker_stack):
    settings = worker_stack
    dep = next(d for d in _api(settings, "POST", "/deployments/filter", json={}) if d["name"] == "clone-student")
    run = _api(settings, "POST", f"/deployments/{dep['id']}/create_flow_run", json={"parameters": {
        "baseline_path": "samples/baselines/stu-0006.json",
        "recipe": {"lora": {"learning_rate": 0.02}, "gate": {"max_gain": 0.995, "max_grade_increase": 1000.0,
                                                          **OPEN_QUALITY}}}})
    deadline = time.monotonic() + 300
    state = None
    while time.monotonic() < deadline:
        state = _api(settings, "GET", f"/flow_runs/{run['id']}")["state"]["type"]
        if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            break
        time.sleep(2)
    assert state == "COMPLETED", state
    champion = adapters.resolve(settings, "stu-0006")
    assert champion is not None and champion.version == "1"
    arts = _api(settings, "POST", "/artifacts/filter", json={"artifacts": {"key": {"any_": ["clone-stu-0006"]}}})
    assert arts and arts[0]["data"] == 100


def test_cli_clone_shows_progress_and_the_registered_version(worker_stack, tmp_path):
    env = {**os.environ, **worker_stack.to_env()}
    done = subprocess.run([sys.executable, "-m", "aivo", "clone", "samples/baselines/stu-0004.json", "--epochs", "2"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert '"student_id": "stu-0004"' in done.stdout and "eval loss: base" in done.stdout
    assert adapters.list_versions(worker_stack, "stu-0004")


def test_cli_clone_of_a_bad_baseline_names_the_problem(worker_stack, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"assessment_id": "a", "student": {"student_id": "s", "grade": 19}, "items": []}')
    env = {**os.environ, **worker_stack.to_env()}
    done = subprocess.run([sys.executable, "-m", "aivo", "clone", str(bad)], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2 and "student.grade: grade must be K or 1-12" in done.stderr


def test_clone_started_through_the_endpoint_reports_stage_percent_and_version(worker_stack):
    """POST /v1/clone/start -> a clone-student run on the worker; GET /v1/clone/{id}/status follows it."""
    import json

    from registry import consent

    settings = worker_stack
    baseline = json.loads(open("samples/baselines/stu-0003.json").read())
    baseline["student"]["student_id"] = "api-clone-1"
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    try:
        url = settings.endpoint_url
        refused = httpx.post(url + "/v1/clone/start", json={"baseline": baseline}, timeout=60)
        assert refused.status_code == 403 and "consent" in refused.json()["error"]["message"]
        for purpose in consent.PURPOSES:
            consent.grant(settings, "api-clone-1", purpose, source="tests", actor="tests")
        bad = httpx.post(url + "/v1/clone/start", json={"baseline": {**baseline, "items": []}}, timeout=60)
        assert bad.status_code == 422 and "baseline.items" in bad.json()["error"]["message"]
        started = httpx.post(url + "/v1/clone/start", json={"baseline": baseline}, timeout=60)
        assert started.status_code == 200, started.text
        run_id = started.json()["run_id"]
        seen, status = set(), {}
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            status = httpx.get(f"{url}/v1/clone/{run_id}/status", timeout=30).json()
            seen.add((status["stage"], status["percent"]))
            if status["state"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
                break
            time.sleep(1)
        assert status["state"] == "COMPLETED", status
        assert status["percent"] == 100.0 and status["mlflow_version"] == "1" and status["student_id"] == "api-clone-1"
        assert len(seen) >= 2  # it moved while we watched
        assert httpx.get(f"{url}/v1/clone/not-a-uuid/status", timeout=30).status_code == 422
    finally:
        stack.stop_service(settings, "endpoint")
