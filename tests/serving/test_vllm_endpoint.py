"""The endpoint on vLLM (``AIVO_ENGINE=vllm``), started as ``make up`` starts it: a cloned student's adapter,
published to the real MLflow + S3, served through vLLM's CPU build to the README's curl and to the official
``openai`` SDK; an alias move and forget-student change what vLLM serves (tiny model with 32-wide heads)."""

from __future__ import annotations

import time

import httpx
import openai
import pytest

from aivo import stack
from brain.models import TINY_H32, load_base_model
from registry.forget import backend_store_uri
from serving.vllm_setup import vllm_python
from tests.conftest import make_settings
from tests.serving.test_student_adapters import PROMPT, _is_served, _local, _publish, _train


@pytest.fixture(scope="module")
def vserved(mlflow_server, tmp_path_factory, model_cache):
    tmp = tmp_path_factory.mktemp("vllm-endpoint")
    settings = make_settings(tmp, model_cache=model_cache, base_model=TINY_H32, engine="vllm",
                             s3_endpoint_url=mlflow_server.s3_endpoint_url, s3_bucket=mlflow_server.s3_bucket,
                             mlflow_tracking_uri=mlflow_server.mlflow_tracking_uri, max_new_tokens=64,
                             mlflow_backend_store_uri=backend_store_uri(mlflow_server))
    if vllm_python(settings) is None:
        pytest.skip("vLLM is not installed here (.venv/vllm; `make vllm`)")
    h32 = load_base_model(settings)
    paths = {"a": _train(h32, tmp, 21, "Twelve split in four is three, times three is nine."),
             "b": _train(h32, tmp, 22, "Let us draw twelve dots and circle groups.")}
    _publish(mlflow_server, "vl-1", paths["a"], "v")
    _publish(mlflow_server, "vl-2", paths["b"], "w")
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, h32, paths
    stack.stop_service(settings, "endpoint")


def _health(settings) -> dict:
    return httpx.get(settings.endpoint_url + "/health", timeout=10).json()


def _ask(settings, student) -> dict:
    r = httpx.post(settings.endpoint_url + "/v1/generate", timeout=60, json={
        "prompt": PROMPT, "context": {"student_id": student, "grade": 4}, "max_tokens": 12, "temperature": 0,
        "repetition_penalty": 1})
    assert r.status_code == 200, r.text
    return r.json()


def test_the_readme_curl_is_served_by_vllm_with_the_students_adapter(vserved):
    settings, h32, paths = vserved
    cache = _health(settings)["cache"]
    assert cache["engine"] == "vllm" and cache["alive"] and cache["vllm"]
    for student, path in (("vl-1", paths["a"]), ("vl-2", paths["b"])):
        body = _ask(settings, student)
        assert body["adapter_version"] == "1" and f"student-{student} v1" in body["served_by"]
        assert _is_served(body, _local(h32, path, student))  # PEFT's answer for this adapter


def test_the_openai_sdk_streams_a_students_clone_through_vllm(vserved):
    settings, _, _ = vserved
    client = openai.OpenAI(base_url=settings.endpoint_url + "/v1", api_key="unused", max_retries=0)
    chunks = list(client.chat.completions.create(
        model="student-vl-1", messages=[{"role": "user", "content": PROMPT}], max_tokens=8, temperature=0,
        stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[0].system_fingerprint == "brain-0-adapter-v1"
    assert 1 <= chunks[-1].usage.completion_tokens
    whole = client.chat.completions.create(model="student-vl-1", max_tokens=8, temperature=0,
                                           messages=[{"role": "user", "content": PROMPT}])
    assert whole.choices[0].message.content == text.strip()


def test_an_alias_move_and_forget_reach_vllm(vserved):
    settings, _, paths = vserved
    assert _publish(settings, "vl-2", paths["a"], "x").version == "2"  # champion moves to version 2
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _ask(settings, "vl-2")["adapter_version"] != "2":
        time.sleep(0.5)
    assert _ask(settings, "vl-2")["adapter_version"] == "2"
    assert _health(settings)["cache"]["adapters_unloaded"] >= 1  # version 1 left vLLM
    before = _health(settings)["cache"]["adapters_unloaded"]
    r = httpx.post(settings.endpoint_url + "/v1/students/vl-1/forget", json={}, timeout=60)
    assert r.status_code == 200, r.text
    assert _health(settings)["cache"]["adapters_unloaded"] == before + 1
    assert _ask(settings, "vl-1")["adapter_version"] is None
