"""Schemathesis over every route of the running endpoint (tiny model, real S3 + MLflow, a Prefect stand-in).

Open mode (the README's default) first, then with tenants and a key. Every check schemathesis has
runs (no 5xx; status codes, content types, headers and bodies as the schema says; schema-valid
requests accepted, schema-invalid ones rejected; missing auth refused) except the stateful ones.
Allowed besides schemathesis' defaults: 413 (a prompt over the model's context or the whole
conversation over the prompt limit: not expressible in JSON Schema); tests/serving/fuzz_hooks.py
drops the two documented cross-field constraints. Bounded: about 35 s of requests per mode.

Also here, because it needs the same registered clone: in open mode a chat completion for a cloned
student is personalised with the clone's profile (its accommodations), and says so.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from aivo import stack
from brain.prompts import build_messages
from brain.schemas import Mode, StudentProfile
from registry import adapters, storage
from registry.forget import backend_store_uri
from serving.auth import Tenants
from tests.conftest import make_settings
from tests.serving.prefect_stub import PrefectStub
from tests.serving.test_student_adapters import _train

ROOT = Path(__file__).resolve().parents[2]
CLONE = StudentProfile(student_id="fz-clone", grade=3, learning_style="visual", accommodations=["dyslexia"])
QUESTION = "What is 3/4 of 12?"
FUZZ_SECONDS = int(os.environ.get("FUZZ_SECONDS", "35"))
CONFIG = """
hooks = "tests.serving.fuzz_hooks"
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "413", "429"]
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]
"""


@pytest.fixture(scope="module")
def fuzzed(mlflow_server, tiny, tmp_path_factory, model_cache):
    tmp = tmp_path_factory.mktemp("fuzz")
    baseline = json.loads((ROOT / "samples/baselines/stu-0001.json").read_text())
    baseline["student"] = CLONE.model_dump(mode="json")
    key = "baselines/fz-clone/incoming-test.json"
    storage.s3_client(mlflow_server).put_object(Bucket=mlflow_server.s3_bucket, Key=key,
                                                Body=json.dumps(baseline).encode())
    uri = storage.s3_uri(mlflow_server, key)
    adapters.publish(mlflow_server, "fz-clone", _train(tiny, tmp, 21, "Draw twelve dots."), "f" * 64, params={},
                     metrics={}, tags={"brain_version": "0", "baseline_uri": uri, "grade": "3"}, loss_curve=[1.0],
                     eval_report={}, gate_passed=True)
    prefect = PrefectStub()
    settings = make_settings(tmp, model_cache=model_cache, s3_endpoint_url=mlflow_server.s3_endpoint_url,
                             s3_bucket=mlflow_server.s3_bucket, mlflow_tracking_uri=mlflow_server.mlflow_tracking_uri,
                             mlflow_backend_store_uri=backend_store_uri(mlflow_server), prefect_api_url=prefect.url,
                             max_new_tokens=8, max_prompt_chars=1500)
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, prefect
    stack.stop_service(settings, "endpoint")
    prefect.close()


def _schemathesis(settings, tmp_path, *headers: str) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "--no-color", "run",
           f"{settings.endpoint_url}/openapi.json", "--checks", "all", "--phases", "examples,coverage,fuzzing",
           "--max-time", str(FUZZ_SECONDS), "--max-examples", "8", "-w", "2", "--seed", "20261207",
           "--request-timeout", "60", "--report-dir", str(tmp_path / "report")]
    for header in headers:
        cmd += ["-H", header]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=FUZZ_SECONDS + 240)
    out = done.stdout + done.stderr
    summary = out[out.rfind("SUMMARY"):] if "SUMMARY" in out else out[-3000:]
    print(summary)
    assert done.returncode == 0, "\n".join(line[:400] for line in out.splitlines()[-400:])
    assert "Tested: " in summary and "generated" in summary, summary


def test_fuzz_every_route_in_open_mode(fuzzed, tmp_path):
    settings, _ = fuzzed
    assert httpx.get(settings.endpoint_url + "/health").json()["auth"].startswith("open")
    _schemathesis(settings, tmp_path)


def test_open_mode_chat_uses_the_clones_profile(fuzzed, tiny):
    settings, _ = fuzzed
    ask = {"messages": [{"role": "user", "content": QUESTION}], "max_tokens": 4, "temperature": 0}
    r = httpx.post(settings.endpoint_url + "/v1/chat/completions", json={"model": "student-fz-clone", **ask},
                   timeout=60)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["aivo"]["profile_source"] == "clone" and r.headers["x-aivo-profile-source"] == "clone"
    assert body["aivo"]["adapter_version"] == "1"
    # the prompt the endpoint built is the one the clone's profile gives (grade 3, visual, dyslexia)
    system = build_messages(CLONE, QUESTION, Mode.tutor)[0]
    assert "Dyslexia" in system["content"]
    expected = tiny.tokenizer.apply_chat_template([system, {"role": "user", "content": QUESTION}],
                                                  add_generation_prompt=True, return_dict=True)["input_ids"]
    assert body["usage"]["prompt_tokens"] == len(expected)
    # a student with no clone, no roster entry and no context: the default, and the answer says so
    other = httpx.post(settings.endpoint_url + "/v1/chat/completions", json={"model": "student-fz-none", **ask},
                       timeout=60).json()
    assert other["aivo"]["profile_source"] == "default" and other["usage"]["prompt_tokens"] < len(expected)
    # the request's context wins over the clone (open mode has no roster)
    ctx = {"student_id": "fz-clone", "grade": 3}
    mine = httpx.post(settings.endpoint_url + "/v1/chat/completions",
                      json={"model": "student-fz-clone", "context": ctx, **ask}, timeout=60).json()
    assert mine["aivo"]["profile_source"] == "request"


def test_fuzz_every_route_with_tenants(fuzzed, tmp_path):
    settings, prefect = fuzzed
    tenants = Tenants.for_settings(settings)
    tenants.add_tenant("fuzz")
    tenants.add_students("fuzz", [StudentProfile(student_id="stu-0042", grade=4, accommodations=["adhd"])])
    key = tenants.create_key("fuzz")
    try:
        assert httpx.get(settings.endpoint_url + "/health").json()["auth"] == "api keys"
        _schemathesis(settings, tmp_path, f"Authorization: Bearer {key}")
    finally:
        tenants.path.unlink()
