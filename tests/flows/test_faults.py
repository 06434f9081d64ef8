"""The clone stages through an outage, against a REAL MLflow server that the test stops and restarts,
and the sweep each clone run starts with.

The MLflow test starts its own S3 + MLflow servers (function scope): stopping them never touches the
session servers other tests use.
"""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aivo import stack
from flows import clone as clone_flow
from flows import stages
from flows.ingest import parse_baseline
from flows.stages import CloneRecipe
from registry import adapters, retry, storage
from registry.brain import BASE_ONLY
from tests.conftest import make_settings

pytestmark = pytest.mark.stack

SAMPLES = Path(__file__).parents[2] / "samples" / "baselines"
BUDGET_S = 90.0  # long enough for an MLflow restart on a busy 2-core machine; production default 300 s


@pytest.fixture
def own_registry(tmp_path, model_cache, monkeypatch):
    # each try fails fast (MLflow's own client retries off): registry.retry rides the outage out
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    settings = make_settings(tmp_path / "stack", model_cache=model_cache, registry_retry_budget_s=BUDGET_S)
    stack.up(settings, only=["s3", "mlflow"], echo=lambda _m: None)
    try:
        yield settings
    finally:
        stack.stop_service(settings, "mlflow")
        stack.stop_service(settings, "s3")


def restart_later(settings, name: str, delay: float) -> threading.Thread:
    def run():
        time.sleep(delay)
        stack.up(settings, only=[name], echo=lambda _m: None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_registry_lookups_of_the_stages_survive_an_mlflow_restart(own_registry):
    """MLflow stops while a clone is between stages; the evaluate stage's brain lookup (brain_model ->
    aivo-brain@champion) and the find-existing lookup wait it out and then answer."""
    s = own_registry
    t0 = time.monotonic()
    client = adapters.client_for(s)  # a registered version to find (its files do not matter here)
    client.create_registered_model(adapters.model_name("fm-1"))
    published = client.create_model_version(adapters.model_name("fm-1"), source=storage.s3_uri(s, "adapters/fm-1/x"),
                                            tags={"clone_key": "f" * 64})
    stages.brain_model(s)  # the tiny base loaded before the outage: only the registry lookup is timed
    print(f"setup in the test: {time.monotonic() - t0:.1f}s")

    with retry.patience(BUDGET_S):  # a model that does not exist: answered at once, never retried
        t = time.monotonic()
        assert adapters.resolve(s, "nobody") is None
        assert time.monotonic() - t < 3.0

    stack.stop_service(s, "mlflow")
    stopped = time.monotonic()
    restart = restart_later(s, "mlflow", 2.0)
    find = retry.patient(adapters.find_by_clone_key)
    with ThreadPoolExecutor(2) as pool:
        brain_f = pool.submit(stages.brain_model, s)  # the stage function: patient with the settings' budget
        found_f = pool.submit(find, s, "fm-1", "f" * 64)
        _, brain = brain_f.result(timeout=BUDGET_S + 30)
        found = found_f.result(timeout=BUDGET_S + 30)
    waited = time.monotonic() - stopped
    restart.join(60)
    assert brain.version == BASE_ONLY  # no aivo-brain registered: the base, after a real answer
    assert found is not None and found.version == published.version and found.reused
    assert waited > 2.0
    print(f"registry lookups survived an MLflow outage of {waited:.1f}s (budget {BUDGET_S:.0f}s)")


def test_each_clone_run_starts_by_sweeping_the_students_dead_uploads(s3_server, monkeypatch):
    s = s3_server.model_copy(update={"adapter_orphan_grace_s": 1.0})
    client = storage.s3_client(s)
    old, fresh, other = ("adapters/fs-1/" + "6" * 16, "adapters/fs-1/" + "7" * 16, "adapters/fs-2/" + "8" * 16)
    for directory in (old, other):
        client.put_object(Bucket=s.s3_bucket, Key=f"{directory}/adapter_config.json", Body=b"{}")
    time.sleep(1.5)
    client.put_object(Bucket=s.s3_bucket, Key=f"{fresh}/adapter_config.json", Body=b"{}")

    class Stop(Exception):
        pass

    real_sweep = clone_flow.sweep_student

    def sweep_then_stop(settings, student_id):
        raise Stop(real_sweep(settings, student_id))

    monkeypatch.setattr(clone_flow, "sweep_student", sweep_then_stop)
    data = json.loads((SAMPLES / "stu-0001.json").read_text())
    data["student"]["student_id"] = "fs-1"
    baseline = parse_baseline(data)
    with pytest.raises(Stop) as stop:
        clone_flow.run_clone(s, baseline, "s3://unused", CloneRecipe(), progress=lambda *_: None, as_tasks=False)
    assert stop.value.args[0] == [old]
    assert storage.list_keys(s, old + "/") == []
    assert storage.list_keys(s, fresh + "/")  # younger than the grace period: may still be uploading
    assert storage.list_keys(s, other + "/")  # another student's: left to its own clone or `aivo up`
