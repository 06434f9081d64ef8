"""The endpoint serves each student's champion adapter (real MLflow + S3 + LitServe, tiny model)."""

import time

import httpx
import pytest
from peft import PeftModel

from aivo import stack
from brain.generate import generate
from brain.prompts import build_messages
from brain.quality import TutorItem, check
from brain.schemas import GenerationRequest
from registry import adapters
from tests.conftest import make_settings
from training.lora import LoraRecipe, release, save_adapter, train_adapter

PROMPT = "What is 3/4 of 12?"


def _messages(student):
    req = GenerationRequest.model_validate({"prompt": PROMPT, "context": {"student_id": student, "grade": 4}})
    return build_messages(req.context.profile(), req.prompt, req.mode)


def _train(tiny, tmp_path, seed, reply):
    convo = _messages("x")[:1] + [{"role": "user", "content": PROMPT}, {"role": "assistant", "content": reply}]
    trained = train_adapter(tiny, [convo] * 8, LoraRecipe(learning_rate=0.05, epochs=4, seed=seed, rank=4))
    out = tmp_path / f"adapter-{seed}"
    save_adapter(trained, out)
    release(trained)
    return out


def _publish(settings, student, path, key, brain="0"):
    return adapters.publish(settings, student, path, key * 64, params={}, metrics={},
                            tags={"brain_version": brain}, loss_curve=[1.0], eval_report={}, gate_passed=True)


@pytest.fixture(scope="module")
def served(mlflow_server, tiny, tmp_path_factory, model_cache):
    tmp = tmp_path_factory.mktemp("adapters")
    paths = {"a": _train(tiny, tmp, 1, "Twelve split in four is three, times three is nine."),
             "b": _train(tiny, tmp, 2, "Let us draw twelve dots and circle groups."),
             "c": _train(tiny, tmp, 3, "Multiply first, then divide.")}
    _publish(mlflow_server, "sa-1", paths["a"], "1")
    _publish(mlflow_server, "sa-2", paths["b"], "2")
    _publish(mlflow_server, "sa-old", paths["c"], "3", brain="7")  # trained on a brain that is not served
    settings = make_settings(tmp_path_factory.mktemp("serve"), model_cache=model_cache,
                             s3_endpoint_url=mlflow_server.s3_endpoint_url, s3_bucket=mlflow_server.s3_bucket,
                             mlflow_tracking_uri=mlflow_server.mlflow_tracking_uri)
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, paths
    stack.stop_service(settings, "endpoint")


def _ask(settings, student):
    r = httpx.post(settings.endpoint_url + "/v1/generate", timeout=60, json={
        "prompt": PROMPT, "context": {"student_id": student, "grade": 4}, "max_tokens": 12, "temperature": 0,
        "repetition_penalty": 1})  # the unpenalised model, as the local generation below
    assert r.status_code == 200, r.text
    return r.json()


def _local(tiny, path, student):
    peft = PeftModel.from_pretrained(tiny.model, str(path)).eval()
    try:
        import dataclasses

        return generate(dataclasses.replace(tiny, model=peft), _messages(student), 12, 0).text
    finally:
        peft.unload()


def _is_served(body, local: str) -> bool:
    """The served answer is this local generation: the same text, or (when that text fails the answer
    checks, e.g. "circle circle ...", and is regenerated) a first try flagged for the same findings."""
    if body["quality"]["retries"] == 0:
        return body["response"] == local
    mode = GenerationRequest(prompt=PROMPT, context={"student_id": "sa-x", "grade": 4}).mode.value
    flagged = {f.detector for f in check(local, TutorItem(prompt=PROMPT, grade=4, mode=mode), mode)}
    return bool(flagged) and flagged <= {f["detector"] for f in body["quality"]["findings"]}


def test_each_student_gets_their_own_adapter(served, tiny):
    settings, paths = served
    one, two, nobody = _ask(settings, "sa-1"), _ask(settings, "sa-2"), _ask(settings, "sa-none")
    assert one["adapter_version"] == "1" and "student-sa-1 v1" in one["served_by"]
    assert two["adapter_version"] == "1" and "student-sa-2 v1" in two["served_by"]
    assert nobody["adapter_version"] is None and "no approved adapter" in nobody["served_by"]
    # the text is exactly what that student's adapter produces, and differs from the other's
    assert _is_served(one, _local(tiny, paths["a"], "sa-1"))
    assert _is_served(two, _local(tiny, paths["b"], "sa-2"))
    assert _local(tiny, paths["a"], "sa-1") != _local(tiny, paths["b"], "sa-2")
    assert _is_served(nobody, generate(tiny, _messages("sa-none"), 12, 0).text)
    # interleaved requests keep their routing
    assert _ask(settings, "sa-1")["response"] == one["response"]


def test_adapter_of_another_brain_version_is_not_applied(served):
    settings, _ = served
    body = _ask(settings, "sa-old")
    assert body["adapter_version"] is None and "trained on brain version 7" in body["served_by"]


def test_moving_champion_changes_what_is_served_within_seconds(served, tmp_path):
    settings, paths = served
    v2 = _publish(settings, "sa-2", paths["a"], "4")  # a new version (another key), champion moves to it
    assert v2.version == "2"
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _ask(settings, "sa-2")["adapter_version"] != "2":
        time.sleep(0.5)
    assert _ask(settings, "sa-2")["adapter_version"] == "2"
    adapters.set_alias(settings, "sa-2", "champion", "1")  # a reviewer moves it back in the UI
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _ask(settings, "sa-2")["adapter_version"] != "1":
        time.sleep(0.5)
    assert _ask(settings, "sa-2")["adapter_version"] == "1"
