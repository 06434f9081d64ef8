"""Scale-out on one machine: two Prefect process workers share one work pool.

prefect.yaml's `clone-student` deployment is registered with `prefect deploy` (as
`make up` does) on a process pool whose concurrency limit is 2, the way the compose
stack and the Kubernetes pool are set up. A cohort of 4 clones (tiny model) is
submitted through the deployment; the runs' own records (the `prefect.worker.name`
label a worker puts on each run it takes, their start and end times) show that both
workers ran clones, side by side, and never more than 2 at once.

Each worker also takes one run at a time (`--limit 1`): with two runs allowed at
once, the second must then go to the other worker, so the spread does not depend
on which worker happens to poll first.

A second test registers infra/prefect's Kubernetes deployments with the real CLI.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from aivo import stack
from tests.conftest import make_settings
from tests.flows.test_clone import OPEN_QUALITY

pytestmark = pytest.mark.stack

REPO = Path(__file__).resolve().parents[2]
POOL = "aivo-local"  # prefect.yaml's pool: the file `make up` registers
POOL_LIMIT = 2
WORKERS = ("aivo-worker-a", "aivo-worker-b")
# the recipe tests/flows use with the tiny model: a gate it passes
TINY = {"recipe": {"lora": {"learning_rate": 0.02},
                   "gate": {"max_gain": 0.995, "max_grade_increase": 1000.0, **OPEN_QUALITY}}}
SAMPLES = ("stu-0001", "stu-0002", "stu-0003", "stu-0004")


def _api(settings, method: str, path: str, **kw):
    """Prefect's REST API; a 503 (its sqlite busy under load) is retried, as Prefect's own client does."""
    for attempt in range(6):
        r = httpx.request(method, settings.prefect_api_url + path, timeout=30, **kw)
        if r.status_code != 503:
            break
        time.sleep(0.5 * 2**attempt)
    r.raise_for_status()
    return r.json() if r.content else None


@pytest.fixture(scope="module")
def pool_stack(mlflow_server, tmp_path_factory, model_cache):
    """Its own Prefect server (sqlite) beside the session's S3 and MLflow, the pool, the deployments, two workers."""
    settings = make_settings(tmp_path_factory.mktemp("workers"), model_cache=model_cache,
                             s3_endpoint_url=mlflow_server.s3_endpoint_url, s3_bucket=mlflow_server.s3_bucket,
                             mlflow_tracking_uri=mlflow_server.mlflow_tracking_uri, prefect_work_pool=POOL)
    started: dict[str, object] = {}
    try:
        stack.up(settings, only=["prefect"], echo=lambda _m: None)
        started["prefect"] = None
        _api(settings, "POST", "/work_pools/", json={"name": POOL, "type": "process",
                                                      "concurrency_limit": POOL_LIMIT})
        _deploy(settings, "clone-student")
        base = next(s for s in stack.services(settings) if s.name == "worker")
        for name in WORKERS:
            svc = dataclasses.replace(
                base, name=name,
                command=[*base.command[:base.command.index("--name")], "--name", name, "--limit", "1"],
                # one torch thread per run: two clones share this machine's cores
                env={**base.env, "PREFECT_WORKER_QUERY_SECONDS": "1", "AIVO_TORCH_THREADS": "1"})
            proc = started[name] = stack.start_service(settings, svc)
            _wait(lambda: proc.is_running(), 5, f"worker {name} exited; see {settings.logs_dir / (name + '.log')}")
        _wait(lambda: len(_api(settings, "POST", f"/work_pools/{POOL}/workers/filter", json={})) == len(WORKERS),
              90, "both workers did not register with the pool")
        yield settings
    finally:
        for name, proc in reversed(started.items()):
            if proc is not None:  # a worker: its runs are over, so a short grace will do
                stack.stop_process(proc, grace=3)
            stack.stop_service(settings, name)


def _deploy(settings, name: str) -> None:
    """`prefect --no-prompt deploy --name NAME` from prefect.yaml, in the environment `make up` uses."""
    env = {**os.environ, **settings.to_env(), "PREFECT_API_URL": settings.prefect_api_url,
           "AIVO_REPO_DIR": str(REPO), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run([str(Path(sys.executable).parent / "prefect"), "--no-prompt", "deploy", "--name", name],
                          cwd=REPO, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _wait(ok, timeout: float, message: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ok():
            return
        time.sleep(0.5)
    raise AssertionError(message)


def _most_at_once(intervals: list[tuple[float, float]]) -> int:
    """Largest number of [start, end) intervals that overlap at one instant."""
    events = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    running = most = 0
    for _, step in events:  # at equal times the end (-1) sorts first
        running += step
        most = max(most, running)
    return most


def _ts(value: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def test_a_cohort_spreads_over_two_workers_within_the_pool_limit(pool_stack, tmp_path):
    settings = pool_stack
    pool = _api(settings, "GET", f"/work_pools/{POOL}")
    assert pool["type"] == "process" and pool["concurrency_limit"] == POOL_LIMIT
    dep = next(d for d in _api(settings, "POST", "/deployments/filter", json={}) if d["name"] == "clone-student")
    assert dep["work_pool_name"] == POOL

    from registry import consent

    runs = []
    for i, sample in enumerate(SAMPLES):
        student = f"workers-{i}"  # students of this test alone in the shared MLflow
        for purpose in consent.PURPOSES:  # ingest refuses a student without consent
            consent.grant(settings, student, purpose, source="test_fixture", actor="tests")
        data = json.loads((REPO / "samples" / "baselines" / f"{sample}.json").read_text())
        data["student"]["student_id"] = student
        path = tmp_path / f"{student}.json"
        path.write_text(json.dumps(data))
        runs.append(_api(settings, "POST", f"/deployments/{dep['id']}/create_flow_run",
                         json={"parameters": {"baseline_path": str(path), **TINY}})["id"])

    deadline = time.monotonic() + 300
    states: dict[str, dict] = {}
    peak_active = 0
    while time.monotonic() < deadline:
        states = {r: _api(settings, "GET", f"/flow_runs/{r}") for r in runs}
        active = [r for r, fr in states.items() if fr["state"]["type"] in ("PENDING", "RUNNING")]
        peak_active = max(peak_active, len(active))
        if all(fr["state"]["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for fr in states.values()):
            break
        time.sleep(1)

    summary = {r: (fr["state"]["type"], fr["labels"].get("prefect.worker.name")) for r, fr in states.items()}
    assert all(state == "COMPLETED" for state, _ in summary.values()), summary
    by_worker = {w: sum(1 for _, name in summary.values() if name == w) for w in WORKERS}
    assert all(n >= 1 for n in by_worker.values()), f"runs per worker: {by_worker}"
    assert sum(by_worker.values()) == len(runs), summary

    intervals = [(_ts(fr["start_time"]), _ts(fr["end_time"])) for fr in states.values()]
    most = _most_at_once(intervals)
    # never more than the pool allows (polled states and the runs' own times agree), and
    # the two workers did run clones side by side
    assert peak_active <= POOL_LIMIT and most <= POOL_LIMIT, (peak_active, most)
    assert most == POOL_LIMIT, f"the runs never overlapped: {intervals}"
    print(f"runs per worker {by_worker}; at most {most} running at once; "
          f"cohort wall time {max(e for _, e in intervals) - min(s for s, _ in intervals):.1f} s")


def test_the_kubernetes_deployments_register_on_a_kubernetes_pool(pool_stack):
    """infra/prefect with the real CLI: the pool from the base job template, then
    `prefect deploy --all --prefect-file infra/prefect/prefect.kubernetes.yaml`.
    (Runs after the cohort test: these deployments replace the local ones of the same name.)"""
    import yaml

    settings = pool_stack
    template = json.loads((REPO / "infra" / "prefect" / "k8s-base-job-template.json").read_text())
    _api(settings, "POST", "/work_pools/", json={"name": "aivo-k8s", "type": "kubernetes",
                                                 "base_job_template": template, "concurrency_limit": 4})
    image = "registry.example/aivo/runner:0.1.0"
    env = {**os.environ, "PREFECT_API_URL": settings.prefect_api_url, "AIVO_RUNNER_IMAGE": image,
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    done = subprocess.run([str(Path(sys.executable).parent / "prefect"), "--no-prompt", "deploy", "--all",
                           "--prefect-file", "infra/prefect/prefect.kubernetes.yaml"], cwd=REPO, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]

    declared = {d["name"]: d for d in yaml.safe_load(
        (REPO / "infra" / "prefect" / "prefect.kubernetes.yaml").read_text())["deployments"]}
    registered = {d["name"]: d for d in _api(settings, "POST", "/deployments/filter", json={})
                  if d["work_pool_name"] == "aivo-k8s"}
    assert set(registered) == set(declared)
    for name, dep in registered.items():
        expected = {**declared[name]["work_pool"]["job_variables"], "image": image}
        assert dep["job_variables"] == expected, name
        assert dep["global_concurrency_limit"]["limit"] == declared[name]["concurrency_limit"], name
        assert dep["pull_steps"] == [{"prefect.deployments.steps.set_working_directory": {"directory": "/app"}}]
    pool = _api(settings, "GET", "/work_pools/aivo-k8s")
    assert pool["type"] == "kubernetes" and pool["concurrency_limit"] == 4
    assert pool["base_job_template"] == template
