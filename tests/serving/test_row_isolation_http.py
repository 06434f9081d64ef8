"""Issue 12 over HTTP: hostile per-request parameters get a correct answer or a 4xx naming the field, and
the requests running next to them answer exactly as they do alone (the endpoint started for real, tiny model)."""

import json
import threading

import httpx
import pytest

from aivo import stack
from tests.conftest import make_settings

KEY = "isolation-key"


@pytest.fixture(scope="module")
def client(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("isolation"), model_cache=model_cache, api_keys=[KEY],
                             max_new_tokens=64)
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    with httpx.Client(base_url=settings.endpoint_url, timeout=120, headers={"Authorization": f"Bearer {KEY}"}) as c:
        yield c
    stack.stop_service(settings, "endpoint")


def _chat(user: str, prompt: str, **params) -> dict:
    return {"model": "aivo-brain", "user": user, "max_tokens": 8, "temperature": 0, "mode": "explain",
            "messages": [{"role": "user", "content": prompt}], **params}


VICTIMS = [_chat(f"victim-{i}", p) for i, p in enumerate(
    ["What is 3/4 of 12?", "Name a prime number.", "Why is the sky blue?", "What is a noun?",
     "How do plants eat?", "What is 7 times 8?"])]


def test_hostile_parameters_do_not_touch_the_other_requests(client):
    alone = []
    for body in VICTIMS:
        r = client.post("/v1/chat/completions", json=body)
        assert r.status_code == 200, r.text
        alone.append(r.json()["choices"][0]["message"]["content"])
    hostile = [_chat("attacker", "Tell me a story.", temperature=1.0, top_p=1e-300),
               _chat("attacker", "Tell me a story.", temperature=2.0, top_p=1e-300, seed=2**64 - 1),
               _chat("attacker", "Tell me a story.", temperature=1e-300),
               _chat("attacker", "Tell me a story.", temperature=0.7, seed=2**70)]
    bodies = hostile[:2] + VICTIMS + hostile[2:]
    answers: dict[int, httpx.Response] = {}

    def post(i):
        answers[i] = client.post("/v1/chat/completions", json=bodies[i])

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(150)
    assert len(answers) == len(bodies), "a request never answered"
    got = [answers[i] for i in range(len(bodies))]
    for r, want in zip(got[2:2 + len(VICTIMS)], alone):
        assert r.status_code == 200, r.text
        assert r.json()["choices"][0]["message"]["content"] == want
    for r in got[:2] + got[-2:-1]:  # valid, if odd: a correct answer
        assert r.status_code == 200, r.text
        assert r.json()["usage"]["completion_tokens"] >= 1
    seed = got[-1]
    assert seed.status_code == 422 and "seed" in seed.json()["error"]["message"]
    health = client.get("/health").json()
    assert health["cache"]["running"] == 0 and health["cache"]["row_errors"] == 0


@pytest.mark.parametrize("change, field", [
    ({"seed": 2**70}, "seed"), ({"seed": -1}, "seed"), ({"seed": True}, "seed"), ({"seed": "7"}, "seed"),
    ({"top_p": 0}, "top_p"), ({"top_p": 1.01}, "top_p"), ({"top_p": "0.5"}, "top_p"),
    ({"temperature": "0.5"}, "temperature"), ({"temperature": False}, "temperature"), ({"temperature": 2.5}, "temperature"),
    ({"max_tokens": 0}, "max_tokens"), ({"max_tokens": 8.5}, "max_tokens"), ({"max_tokens": "8"}, "max_tokens"),
    ({"max_completion_tokens": True}, "max_completion_tokens"), ({"n": True}, "n"),
])
def test_bad_chat_parameters_are_422_naming_the_field(client, change, field):
    r = client.post("/v1/chat/completions", json=_chat("victim-0", "Hi there.", **change))
    assert r.status_code == 422, r.text
    assert f"{field}:" in r.json()["error"]["message"]


@pytest.mark.parametrize("raw, field", [('"temperature": NaN', "temperature"), ('"top_p": Infinity', "top_p"),
                                        ('"temperature": -Infinity', "temperature")])
def test_non_finite_numbers_are_422(client, raw, field):
    """Python's JSON reader takes NaN and Infinity: the schema refuses them."""
    body = json.dumps(_chat("victim-0", "Hi there."))[:-1] + ", " + raw + "}"
    r = client.post("/v1/chat/completions", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"]
    gen = json.dumps({"prompt": "Hi", "context": {"student_id": "victim-0", "grade": 3}})[:-1] + ", " + raw + "}"
    if field == "temperature":
        r = client.post("/v1/generate", content=gen, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and "temperature" in r.json()["error"]["message"], r.text


@pytest.mark.parametrize("change", [{"temperature": "0.5"}, {"temperature": True}, {"max_tokens": "8"}])
def test_generate_parameters_are_strict(client, change):
    body = {"prompt": "Hi", "context": {"student_id": "victim-0", "grade": 3}, **change}
    r = client.post("/v1/generate", json=body)
    assert r.status_code == 422 and f"{next(iter(change))}:" in r.json()["error"]["message"], r.text
