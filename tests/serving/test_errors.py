"""Every error in the documented shape, odd student ids refused naming the field, the profile's source.

In-process app (the same code `python -m serving.app` serves) on the tiny model, no registry: open
mode unless a test writes the tenants file. The odd ids are the ones a schemathesis run found as 500s.
"""

import json
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from brain.schemas import ACCOMMODATIONS_JSON, GRADE_TEXT_PATTERN, LEARNING_STYLE_JSON, NOT_BLANK, StudentProfile
from registry.adapters import AdapterVersion
from serving import routes_chat
from serving.adapters import Choice
from serving.app import Service, build_server
from serving.auth import Tenants
from serving.errors import PathIds
from tests.conftest import make_settings

ODD_IDS = ["../../etc", "stu/0001", "\u0455tu-0001", "stu-0001\n", "\x1bz", "..", "", " stu", "a" * 65, "st\u00fc"]
ODD_PATHS = ["%2E%2E", "stu%2F0001", "%D1%95tu", "stu%0A", "%1Bz", "%20stu", "st%C3%BC", "%FF"]
MSG = [{"role": "user", "content": "What is 3/4 of 12?"}]
CTX = {"student_id": "kid-1", "grade": 4}


class FakeResolver:
    """The registry as the engine sees it: one cloned student whose version tags carry its profile."""

    def __init__(self, profiles: dict[str, dict]):
        self.profiles = profiles

    def resolve(self, student_id):
        if student_id not in self.profiles:
            return None
        return AdapterVersion(student_id, "3", f"s3://b/adapters/{student_id}/k", None, ["champion"],
                              {"brain_version": "0", "profile": json.dumps(self.profiles[student_id])})

    def choose(self, student_id):
        return Choice(None, None, "base model: test resolver")

    def forget(self, student_id):
        return []


@pytest.fixture(scope="module")
def app(tmp_path_factory, model_cache):
    import os

    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"
    settings = make_settings(tmp_path_factory.mktemp("errors"), model_cache=model_cache, max_new_tokens=16,
                             max_body_bytes=20000, mlflow_tracking_uri="http://127.0.0.1:9",
                             s3_endpoint_url="http://127.0.0.1:9")
    service = Service(settings)
    service.load()
    assert service.ready, service.error
    service.engine.resolver = FakeResolver({"clone-1": {"grade": 2, "accommodations": ["dyslexia"]}})
    client = TestClient(build_server(settings, service).app, raise_server_exceptions=False)
    yield client, service
    service.engine.stop()


@pytest.fixture
def tenants(app):
    client, service = app
    t = Tenants.for_settings(service.settings)
    t.add_tenant("north")
    t.add_tenant("south")
    t.add_students("north", [StudentProfile(student_id="kid-1", grade=4)])
    t.add_students("south", [StudentProfile(student_id="kid-9", grade=7)])
    yield {"north": t.create_key("north"), "south": t.create_key("south")}
    t.path.unlink()


def _error(r, status, param=None):
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    err = r.json()["error"]
    assert set(err) >= {"message", "type"} and isinstance(err["message"], str) and err["type"]
    if param is not None:
        assert err["param"] == param and err["message"].startswith(f"{param}:"), err
    return err


# -- odd student ids: 422 naming the field, never a 500 ---------------------------------------------

@pytest.mark.parametrize("raw", ODD_PATHS)
def test_odd_ids_in_paths(app, raw):
    client, _ = app
    _error(client.post(f"/v1/students/{raw}/forget"), 422, "student_id")


@pytest.mark.parametrize("sid", ODD_IDS)
def test_odd_ids_in_bodies(app, sid):
    client, _ = app
    model = f"student-{sid}"
    _error(client.post("/v1/chat/completions", json={"model": model, "messages": MSG}), 422, "model")
    _error(client.post("/v1/chat/completions", json={"model": "aivo-brain", "user": sid, "messages": MSG}), 422,
           "user")
    _error(client.post("/v1/generate", json={"prompt": "hi", "context": {**CTX, "student_id": sid}}), 422,
           "context.student_id")
    _error(client.post("/v1/assess", json={"question": "2+2?", "student_answer": "4", "reference_answer": "4",
                                           "context": {**CTX, "student_id": sid}}), 422, "context.student_id")


def test_odd_ids_in_path_middleware_read_the_raw_path():
    sent = []

    async def app(scope, receive, send):  # pragma: no cover - must not be reached
        raise AssertionError("routed")

    async def send(message):
        sent.append(message)

    import asyncio

    scope = {"type": "http", "method": "POST", "path": "/v1/students/stu/0001/forget",
             "raw_path": b"/v1/students/stu%2F0001/forget", "headers": []}
    asyncio.run(PathIds(app)(scope, None, send))
    assert sent[0]["status"] == 422 and b"student_id" in sent[1]["body"]


# -- every error in one shape --------------------------------------------------------------------

def test_errors_of_every_kind_have_the_shape(app):
    client, _ = app
    assert _error(client.get("/no/such/route"), 404)["type"] == "not_found_error"
    r = client.delete("/v1/generate")
    assert _error(r, 405) and "POST" in r.headers["allow"]
    _error(client.post("/v1/moderate", content=b'{"text": ', headers={"content-type": "application/json"}), 422)
    _error(client.post("/v1/moderate", json={"text": 1}), 422, "text")
    _error(client.post("/v1/moderate", json={"text": "hi", "direction": "up"}), 422, "direction")
    _error(client.post("/v1/generate", content=b"{", headers={"content-type": "application/json"}), 422)
    _error(client.post("/v1/assess", content=b"{", headers={"content-type": "application/json"}), 422)
    _error(client.post("/v1/moderate", json={"text": "x" * 30000}), 413)
    chunks = (b"x" * 8000 for _ in range(4))  # no Content-Length: counted as it streams
    _error(client.post("/v1/generate", content=chunks, headers={"content-type": "application/json"}), 413)
    _error(client.post("/v1/generate", json={"prompt": "hi", "context": CTX, "max_tokens": 17}), 422, "max_tokens")
    err = _error(client.post("/v1/generate", json={"prompt": "hi", "context": {**CTX, "grade": 19}}), 422,
                 "context.grade")
    assert "details" in err and "detail" not in client.post("/v1/generate", json={}).json()


def test_unexpected_errors_are_a_json_500_without_internals(app, monkeypatch):
    client, service = app
    monkeypatch.setattr(routes_chat, "build_messages", lambda *a, **k: 1 / 0)
    err = _error(client.post("/v1/generate", json={"prompt": "hi", "context": CTX}), 500)
    assert err == {"message": "internal server error", "type": "server_error", "param": None}


def test_chat_models(app):
    client, _ = app
    # decision (docs/serving.md): `model` is required and names aivo-brain or student-<id>; anything else,
    # the empty string included, is a model that does not exist: 404 (the OpenAI SDK's NotFoundError)
    for model in ("", "gpt-4", "student", "aivo-brain-2"):
        _error(client.post("/v1/chat/completions", json={"model": model, "messages": MSG}), 404, "model")
    _error(client.post("/v1/chat/completions", json={"model": "aivo-brain", "messages": MSG}), 400, "user")
    _error(client.post("/v1/chat/completions", json={"model": "student-kid-1", "user": "kid-2", "messages": MSG}),
           400, "user")
    r = client.post("/v1/chat/completions", json={"model": "student-kid-1", "messages": MSG + [
        {"role": "assistant", "content": "Let us see."}], "max_tokens": 2})
    assert r.status_code == 200, r.text  # the last user message is the question; a trailing assistant turn is fine
    _error(client.post("/v1/chat/completions", json={"model": "student-kid-1", "max_tokens": 2,
                                                     "messages": [{"role": "assistant", "content": "x"}]}), 422,
           "messages")


# -- clone runs: "not yours" and "not there" look the same -------------------------------------------

def test_clone_status_does_not_leak_other_tenants_runs(app, tenants, monkeypatch):
    from tests.serving.prefect_stub import PrefectStub

    client, service = app
    prefect = PrefectStub()
    monkeypatch.setattr(service.settings, "prefect_api_url", prefect.url)
    try:
        theirs = prefect.add_run("kid-9")["id"]
        mine = prefect.add_run("kid-1")["id"]
        untagged = prefect.add_run(None)["id"]
        north = {"Authorization": f"Bearer {tenants['north']}"}
        ok = client.get(f"/v1/clone/{mine}/status", headers=north)
        assert ok.status_code == 200 and ok.json()["student_id"] == "kid-1"
        shapes = set()
        for rid in (theirs, untagged, str(uuid.uuid4())):  # another tenant's, nobody's, not there
            err = _error(client.get(f"/v1/clone/{rid}/status", headers=north), 404, "run_id")
            shapes.add(json.dumps({**err, "message": err["message"].replace(rid, "<id>")}, sort_keys=True))
        assert len(shapes) == 1, shapes
        south = {"Authorization": f"Bearer {tenants['south']}"}
        assert client.get(f"/v1/clone/{theirs}/status", headers=south).status_code == 200
        _error(client.get("/v1/clone/0/status", headers=north), 422, "run_id")
    finally:
        prefect.close()


# -- the profile: roster, request, clone, default; always named ----------------------------------------

def _system_prompts(service, monkeypatch):
    seen = []
    encode = service.encode

    def spy(messages):
        seen.append(messages[0]["content"])
        return encode(messages)

    monkeypatch.setattr(service, "encode", spy)
    return seen


def test_open_mode_chat_uses_the_clones_profile(app, monkeypatch):
    client, service = app
    seen = _system_prompts(service, monkeypatch)
    r = client.post("/v1/chat/completions", json={"model": "student-clone-1", "messages": MSG, "max_tokens": 2})
    assert r.status_code == 200, r.text
    assert r.json()["aivo"]["profile_source"] == "clone" and r.headers["x-aivo-profile-source"] == "clone"
    assert "Dyslexia" in seen[-1] and "grade 2" in seen[-1].lower()
    r = client.post("/v1/chat/completions", json={"model": "aivo-brain", "user": "clone-1", "messages": MSG,
                                                  "max_tokens": 2, "stream": True})
    assert r.headers["x-aivo-profile-source"] == "clone" and '"profile_source": "clone"' in r.text
    assert "Dyslexia" in seen[-1]
    r = client.post("/v1/chat/completions", json={"model": "student-new-1", "messages": MSG, "max_tokens": 2})
    assert r.json()["aivo"]["profile_source"] == "default" and "Dyslexia" not in seen[-1]
    r = client.post("/v1/chat/completions", json={"model": "student-clone-1", "messages": MSG, "max_tokens": 2,
                                                  "context": {"student_id": "clone-1", "grade": 9}})
    assert r.json()["aivo"]["profile_source"] == "request" and "Dyslexia" not in seen[-1]
    _error(client.post("/v1/chat/completions", json={"model": "student-clone-1", "messages": MSG,
                                                     "context": {"student_id": "kid-1", "grade": 9}}), 400,
           "context.student_id")


def test_the_roster_profile_wins_for_a_tenants_student(app, tenants, monkeypatch):
    client, service = app
    seen = _system_prompts(service, monkeypatch)
    north = {"Authorization": f"Bearer {tenants['north']}"}
    r = client.post("/v1/generate", headers=north, json={"prompt": "hi", "max_tokens": 2,
                                                         "context": {"student_id": "kid-1", "grade": 11}})
    assert r.status_code == 200 and r.json()["profile_source"] == "roster" and "grade 4" in seen[-1].lower()
    r = client.post("/v1/assess", headers=north, json={"question": "2+2?", "student_answer": "4",
                                                       "reference_answer": "4", "context": CTX})
    assert r.status_code == 200 and r.json()["profile_source"] == "roster"


def test_open_mode_generate_uses_the_requests_context(app):
    client, _ = app
    r = client.post("/v1/generate", json={"prompt": "hi", "context": {"student_id": "clone-1", "grade": 6},
                                          "max_tokens": 2})
    assert r.status_code == 200 and r.json()["profile_source"] == "request"


# -- the schema says exactly what the lenient profile fields accept ---------------------------------

def _accepts(**fields) -> bool:
    from pydantic import ValidationError

    from brain.schemas import GenerationContext

    try:
        GenerationContext.model_validate({"student_id": "s1", "grade": 3, **fields})
    except ValidationError:
        return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(GRADE_TEXT_PATTERN), st.text(alphabet="kKgGrRaAdDeEtThH0123456789 \t\x1c\u3000",
                                                                 max_size=14), st.text(max_size=8)))
def test_the_grade_pattern_is_what_the_parser_accepts(text):
    assert _accepts(grade=text) == bool(re.search(GRADE_TEXT_PATTERN, text))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.from_regex(ACCOMMODATIONS_JSON["anyOf"][1]["pattern"]),
                 st.text(alphabet="adhlsyxeniEL-_ ,;\x1c\u2003", max_size=20)))
def test_the_accommodations_pattern_is_what_the_model_accepts(text):
    assert _accepts(accommodations=text) == bool(re.search(ACCOMMODATIONS_JSON["anyOf"][1]["pattern"], text))
    item = ACCOMMODATIONS_JSON["anyOf"][0]["items"]["pattern"]
    if "," not in text and ";" not in text:
        assert _accepts(accommodations=[text]) == bool(re.search(item, text))


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.from_regex(LEARNING_STYLE_JSON["pattern"]), st.text(alphabet="readingwtsual/-_ \x85", max_size=16)))
def test_the_learning_style_pattern_is_what_the_model_accepts(text):
    assert _accepts(learning_style=text) == bool(re.search(LEARNING_STYLE_JSON["pattern"], text))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=" \t\n\x0b\x1c\x1f\x85\xa0\u2028\u3000\ufeffa", max_size=6))
def test_not_blank_is_what_strip_says(text):
    assert bool(re.search(NOT_BLANK, text)) == bool(text.strip())
