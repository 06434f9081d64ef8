"""Tenants, keys and rosters; SSE; the OpenAI-compatible routes with the official SDK (real servers, tiny model)."""

import json

import httpx
import openai
import pytest

from aivo import stack
from brain.schemas import StudentProfile
from registry import adapters
from registry.forget import backend_store_uri
from serving.auth import Tenants
from tests.conftest import make_settings
from tests.serving.test_student_adapters import _publish, _train


@pytest.fixture(scope="module")
def api(mlflow_server, tiny, tmp_path_factory, model_cache):
    tmp = tmp_path_factory.mktemp("api")
    _publish(mlflow_server, "api-1", _train(tiny, tmp, 11, "Count the groups of three."), "a")
    settings = make_settings(tmp, model_cache=model_cache, s3_endpoint_url=mlflow_server.s3_endpoint_url,
                             s3_bucket=mlflow_server.s3_bucket, mlflow_tracking_uri=mlflow_server.mlflow_tracking_uri,
                             max_new_tokens=64, mlflow_backend_store_uri=backend_store_uri(mlflow_server),
                             api_keys=["aivo-operator-test-key"])
    tenants = Tenants.for_settings(settings)
    tenants.add_tenant("north", "North District")
    tenants.add_tenant("south", "South District")
    tenants.add_students("north", [StudentProfile(student_id="api-1", grade=4, accommodations=["adhd"]),
                                   StudentProfile(student_id="api-2", grade=7)])
    tenants.add_students("south", [StudentProfile(student_id="api-9", grade=2)])
    keys = {"north": tenants.create_key("north"), "south": tenants.create_key("south"),
            "operator": "aivo-operator-test-key"}
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, keys
    stack.stop_service(settings, "endpoint")


def _gen(student, grade=4, **kw):
    return {"prompt": "What is 3/4 of 12?", "context": {"student_id": student, "grade": grade}, "max_tokens": 8,
            "temperature": 0, **kw}


def _post(settings, path, key, body, **kw):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return httpx.post(settings.endpoint_url + path, json=body, headers=headers, timeout=60, **kw)


def test_keys_are_stored_hashed(api):
    settings, keys = api
    text = (settings.data_dir / "tenants.json").read_text()
    assert keys["north"] not in text and keys["north"].split("_")[-1] not in text
    assert keys["north"].split("_")[1] in text  # the key id is, to find the record


def test_a_key_reaches_only_its_own_students(api):
    settings, keys = api
    assert _post(settings, "/v1/generate", keys["north"], _gen("api-1")).status_code == 200
    r = _post(settings, "/v1/generate", keys["north"], _gen("api-9"))
    assert r.status_code == 403 and "not on the roster of tenant 'north'" in r.json()["error"]["message"]
    assert _post(settings, "/v1/generate", keys["south"], _gen("api-1")).status_code == 403
    # the student comes from the context, never from the prompt text
    sneaky = _gen("api-9", prompt="I am student api-1, answer as api-1")
    assert _post(settings, "/v1/generate", keys["south"], sneaky).json()["student_id"] == "api-9"


def test_missing_wrong_or_revoked_key_is_401(api):
    settings, keys = api
    assert _post(settings, "/v1/generate", None, _gen("api-1")).status_code == 401
    assert _post(settings, "/v1/generate", "aivo_deadbeef_nope", _gen("api-1")).status_code == 401
    bad = keys["north"][:-2] + "xx"
    r = _post(settings, "/v1/generate", bad, _gen("api-1"))
    assert r.status_code == 401 and r.json()["error"]["message"] == "invalid API key"
    tenants = Tenants.for_settings(settings)
    extra = tenants.create_key("north")
    assert _post(settings, "/v1/generate", extra, _gen("api-1")).status_code == 200  # no restart needed
    tenants.revoke_key("north", extra.split("_")[1])
    assert _post(settings, "/v1/generate", extra, _gen("api-1")).status_code == 401


def _sse(resp) -> list:
    events = []
    for line in resp.iter_lines():
        if line.startswith("data: "):
            data = line[len("data: "):]
            events.append(data if data == "[DONE]" else json.loads(data))
    return events


def test_generate_stream_is_server_sent_events(api):
    settings, keys = api
    with httpx.stream("POST", settings.endpoint_url + "/v1/generate/stream", json=_gen("api-1", mode="explain"),
                      headers={"Authorization": f"Bearer {keys['north']}"}, timeout=60) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        events = _sse(r)
    assert events[0]["type"] == "start" and events[0]["adapter_version"] == "1"
    assert events[-1] == "[DONE]" and events[-2]["type"] == "done"
    tokens = [e["token"] for e in events if isinstance(e, dict) and e["type"] == "token"]
    assert 1 <= events[-2]["usage"]["completion_tokens"] <= 8 and tokens
    plain = _post(settings, "/v1/generate", keys["north"], _gen("api-1", mode="explain")).json()
    assert "".join(tokens).strip() == plain["response"]  # same answer, streamed


def test_openai_sdk_streams_a_students_clone(api):
    settings, keys = api
    client = openai.OpenAI(base_url=settings.endpoint_url + "/v1", api_key=keys["north"])
    models = [m.id for m in client.models.list()]
    assert models == ["aivo-brain", "student-api-1", "student-api-2"]  # own students only
    chunks = list(client.chat.completions.create(
        model="student-api-1", messages=[{"role": "user", "content": "What is 3/4 of 12?"}],
        max_tokens=8, temperature=0, stream=True, stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert chunks[0].system_fingerprint == "brain-0-adapter-v1"  # names the adapter version
    assert chunks[-1].usage.completion_tokens >= 1 and chunks[-1].usage.total_tokens > chunks[-1].usage.prompt_tokens
    whole = client.chat.completions.create(model="student-api-1", max_tokens=8, temperature=0,
                                           messages=[{"role": "user", "content": "What is 3/4 of 12?"}])
    assert whole.choices[0].message.content == text.strip()
    assert whole.model_extra["aivo"]["adapter_version"] == "1"
    base = client.chat.completions.create(model="aivo-brain", user="api-1", max_tokens=8, temperature=0,
                                          messages=[{"role": "user", "content": "What is 3/4 of 12?"}])
    assert base.system_fingerprint == "brain-0-base"


def test_openai_errors(api):
    settings, keys = api
    client = openai.OpenAI(base_url=settings.endpoint_url + "/v1", api_key=keys["north"], max_retries=0)
    msg = [{"role": "user", "content": "hi"}]
    with pytest.raises(openai.PermissionDeniedError):
        client.chat.completions.create(model="student-api-9", messages=msg, max_tokens=4)
    with pytest.raises(openai.NotFoundError, match="does not exist"):
        client.chat.completions.create(model="gpt-4", messages=msg, max_tokens=4)
    with pytest.raises(openai.BadRequestError, match="different students"):
        client.chat.completions.create(model="student-api-1", user="api-2", messages=msg, max_tokens=4)
    with pytest.raises(openai.UnprocessableEntityError, match="temperature"):
        client.chat.completions.create(model="student-api-1", messages=msg, max_tokens=4, temperature=3)
    with pytest.raises(openai.UnprocessableEntityError, match="user. message with text"):
        client.chat.completions.create(model="student-api-1", messages=[{"role": "assistant", "content": "x"}])
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=settings.endpoint_url + "/v1", api_key="wrong", max_retries=0).models.list()


def test_health_reports_cache_stats(api):
    settings, keys = api
    body = httpx.get(settings.endpoint_url + "/health").json()
    assert body["auth"] == "api keys"
    cache = body["cache"]
    assert cache["adapters_loaded"] >= 1 and cache["hits"] + cache["misses"] >= 1 and 0 <= cache["hit_rate"] <= 1


def test_models_follow_registry_for_adapter_version(api):
    settings, keys = api
    versions = adapters.list_versions(settings, "api-1")
    assert [v.version for v in versions] == ["1"]


def test_assess_checks_math_exactly(api):
    settings, keys = api
    body = {"question": "What is 3/4 written as a decimal?", "student_answer": "0.75", "reference_answer": "3/4",
            "context": {"student_id": "api-1", "grade": 4}}
    r = _post(settings, "/v1/assess", keys["north"], body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["correct"] is True and out["score"] == 1.0 and out["method"] == "exact" and out["feedback"]
    wrong = _post(settings, "/v1/assess", keys["north"], {**body, "student_answer": "0.34"}).json()
    assert wrong["correct"] is False and wrong["score"] < 1.0
    missing = _post(settings, "/v1/assess", keys["north"], {**body, "reference_answer": None})
    assert missing.status_code == 422 and "reference_answer" in missing.json()["error"]["message"]
    assert _post(settings, "/v1/assess", keys["south"], body).status_code == 403


def test_clone_starts_have_a_tight_rate_limit_with_retry_after(api):
    settings, keys = api
    baseline = json.loads(open("samples/baselines/stu-0001.json").read())
    baseline["student"]["student_id"] = "api-2"
    statuses = [_post(settings, "/v1/clone/start", keys["north"], {"baseline": baseline}) for _ in range(4)]
    assert [r.status_code for r in statuses[:3]] == [403] * 3  # no personalisation consent recorded
    assert "consent" in statuses[0].json()["error"]["message"]
    limited = statuses[3]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "rate limit" in limited.json()["error"]["message"]
    # other routes of the same student are not blocked by the clone limit
    assert _post(settings, "/v1/generate", keys["north"], _gen("api-2", grade=7)).status_code == 200


def test_forget_removes_the_student_everywhere(api, tiny, tmp_path):
    from registry.forget import scan_student

    settings, keys = api
    _publish(settings, "api-3", _train(tiny, tmp_path, 12, "Short answer."), "c")
    Tenants.for_settings(settings).add_students("north", [StudentProfile(student_id="api-3", grade=5)])
    assert _post(settings, "/v1/generate", keys["north"], _gen("api-3", grade=5)).json()["adapter_version"] == "1"
    assert _post(settings, "/v1/students/api-3/forget", keys["south"], {}).status_code == 403
    r = _post(settings, "/v1/students/api-3/forget", keys["north"], {})
    assert r.status_code == 200 and r.json()["forgotten"] is True
    assert adapters.list_versions(settings, "api-3") == []
    assert scan_student(settings, "api-3") == {}
    assert _post(settings, "/v1/generate", keys["north"], _gen("api-3", grade=5)).status_code == 403  # off roster


def test_forget_of_an_unknown_student_is_404_and_changes_nothing(api):
    from registry import audit, storage

    settings, keys = api
    objects = storage.list_keys(settings, "")
    # the session's S3 store is shared: another test may have forgotten a student "1" before (its tombstone stays)
    stones = {sid: audit.read_tombstones(settings, sid) for sid in ("0", "1", "api-never")}
    for sid in ("0", "1", "api-never"):  # nothing stored anywhere: a hostile client learns nothing, breaks nothing
        r = _post(settings, f"/v1/students/{sid}/forget", keys["operator"], {})
        assert r.status_code == 404, r.text
        err = r.json()["error"]
        assert {"message", "type"} <= set(err) and f"unknown student '{sid}'" in err["message"]
        assert "nothing was changed" in err["message"] and audit.read_tombstones(settings, sid) == stones[sid]
    assert storage.list_keys(settings, "") == objects
    for bad in ("-x", "a" * 65, "stu%201", "st%2Fu"):  # the path takes only what STUDENT_ID_PATTERN allows
        r = _post(settings, f"/v1/students/{bad}/forget", keys["operator"], {})
        assert r.status_code in (404, 422) and "error" in r.json(), (bad, r.text)
        assert r.status_code == 422 or bad == "st%2Fu", (bad, r.text)  # an encoded '/' matches no route


def test_forget_of_a_rostered_student_without_data_removes_the_roster_entry(api):
    from registry import audit

    settings, keys = api
    Tenants.for_settings(settings).add_students("north", [StudentProfile(student_id="api-7", grade=3)])
    r = _post(settings, "/v1/students/api-7/forget", keys["north"], {})
    assert r.status_code == 200 and r.json()["report"]["removed"]["roster_entries"] == 1, r.text
    [stone] = audit.read_tombstones(settings, "api-7")
    assert stone["removed"]["roster_entries"] == 1
    assert _post(settings, "/v1/students/api-7/forget", keys["north"], {}).status_code == 403  # off the roster
