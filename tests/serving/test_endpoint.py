"""The LitServe endpoint, started for real (tiny model) and called over HTTP."""

import httpx
import pytest

from aivo import stack
from tests.conftest import make_settings

KEY = "test-key-1"
GOOD = {
    "prompt": "What is photosynthesis?",
    "context": {"student_id": "student123", "grade": "5", "subject": "Science", "disability": "adhd"},
    "max_tokens": 8,
    "temperature": 0,
}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("endpoint"), model_cache=model_cache,
                             api_keys=[KEY, "second-key"], max_prompt_chars=2000, max_new_tokens=64)
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    client = httpx.Client(base_url=settings.endpoint_url, timeout=60,
                          headers={"Authorization": f"Bearer {KEY}"})
    yield client
    client.close()
    stack.stop_service(settings, "endpoint")


def _error(resp) -> str:
    return resp.json()["error"]["message"]


def test_health_reports_device_and_model(endpoint):
    r = endpoint.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["device"] == "cpu" and body["base_model"] == "tiny-random"
    assert len(body["base_model_sha256"]) == 64


def test_generate_answers_for_a_student_context(endpoint):
    r = endpoint.post("/v1/generate", json=GOOD)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["student_id"] == "student123" and body["mode"] == "explain"
    assert body["adapter_version"] is None and "base model" in body["served_by"]
    assert 1 <= body["usage"]["completion_tokens"] <= 8
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + body["usage"]["completion_tokens"]
    # greedy: the same request gives the same text
    assert endpoint.post("/v1/generate", json=GOOD).json()["response"] == body["response"]


def test_the_student_context_changes_the_prompt(endpoint):
    plain = endpoint.post("/v1/generate", json={**GOOD, "context": {"student_id": "s2", "grade": 5}}).json()
    adhd = endpoint.post("/v1/generate", json=GOOD).json()
    assert adhd["usage"]["prompt_tokens"] > plain["usage"]["prompt_tokens"]  # ADHD rules are in the prompt


@pytest.mark.parametrize(
    "body, status, message",
    [
        ('{"prompt": "What is",', 422, "malformed JSON"),
        ({"prompt": "hi"}, 422, "context: field required"),
        ({**GOOD, "context": {"student_id": "s1", "grade": "19"}}, 422, "context.grade: grade must be K or 1-12"),
        ({**GOOD, "prompt": "   "}, 422, "prompt: prompt must not be empty"),
        ({**GOOD, "prompt": ""}, 422, "prompt"),
        ({**GOOD, "max_tokens": 0}, 422, "max_tokens"),
        ({**GOOD, "max_tokens": 65}, 422, "max_tokens: must be at most 64"),
        ({**GOOD, "temperature": 5}, 422, "temperature"),
        ({**GOOD, "mode": "sing"}, 422, "mode"),
        ({**GOOD, "context": {**GOOD["context"], "disability": "telepathy"}}, 422, "context.disability"),
        ({**GOOD, "prompt": "x" * 2001}, 413, "prompt: 2001 characters; the limit is 2000"),
        ({**GOOD, "prompt": "x" * 70000}, 413, "request body is over"),
        ([1, 2], 422, "body"),
    ],
)
def test_bad_requests_get_4xx_naming_the_problem(endpoint, body, status, message):
    if isinstance(body, str):
        r = endpoint.post("/v1/generate", content=body, headers={"Content-Type": "application/json"})
    else:
        r = endpoint.post("/v1/generate", json=body)
    assert r.status_code == status, r.text
    assert message in _error(r)
    # and the server keeps serving
    assert endpoint.post("/v1/generate", json=GOOD).status_code == 200


def test_missing_or_wrong_api_key_is_401(endpoint):
    url = str(endpoint.base_url) + "/v1/generate"
    assert httpx.post(url, json=GOOD).status_code == 401
    r = httpx.post(url, json=GOOD, headers={"Authorization": "Bearer nope"})
    assert r.status_code == 401 and "invalid API key" in _error(r)
    ok = httpx.post(url, json=GOOD, headers={"Authorization": "Bearer second-key"}, timeout=60)
    assert ok.status_code == 200
