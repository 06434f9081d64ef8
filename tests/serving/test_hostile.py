"""Hostile clients of one tenant against the in-flight requests of another (issue 12): extreme but valid
sampling parameters and a storm of streams dropped mid-way by district "north" while district "south"'s
students are being answered. South's answers must equal what they are alone, every request must end, and the
replica must be idle and healthy afterwards. The endpoint is started for real (tiny model, loopback only);
every loop here is bounded in count and time.

The other parts of the hostile-client suite live beside their subject: test_row_isolation(_http).py (poison
rows inside the engine), test_errors.py and test_fuzz.py (odd ids, error shapes, schemathesis with 0 5xx),
test_admission_endpoint.py (capacity, deadlines, 32/64-client load, trusted proxies),
tests/flows/test_forget_lookalikes.py (forget by exact keys), tests/registry/test_faults.py and
tests/flows/test_faults.py (S3 and MLflow stopped mid-stage).
"""

import asyncio
import threading
import time

import httpx
import pytest

from aivo import stack
from brain.schemas import StudentProfile
from serving.auth import Tenants
from tests.conftest import make_settings

PROMPTS = ["What is 3/4 of 12?", "Name a prime number.", "Why is the sky blue?", "What is a noun?",
           "How do plants eat?", "What is 7 times 8?"]


@pytest.fixture(scope="module")
def ep(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("hostile"), model_cache=model_cache, max_new_tokens=400,
                             mlflow_tracking_uri="http://127.0.0.1:9", s3_endpoint_url="http://127.0.0.1:9",
                             serving_max_batch=16, admission_waiting=48)
    tenants = Tenants.for_settings(settings)
    for name in ("north", "south"):
        tenants.add_tenant(name)
        tenants.add_students(name, [StudentProfile(student_id=f"{name}-{i}", grade=3 + i) for i in range(6)])
    keys = {name: tenants.create_key(name) for name in ("north", "south")}
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, keys
    stack.stop_service(settings, "endpoint")


def _victim(i: int) -> dict:
    return {"model": f"student-south-{i}", "max_tokens": 12, "temperature": 0, "mode": "explain",
            "messages": [{"role": "user", "content": PROMPTS[i]}]}


def _post(settings, key, body) -> httpx.Response:
    return httpx.post(settings.endpoint_url + "/v1/chat/completions", json=body, timeout=120,
                      headers={"Authorization": f"Bearer {key}"})


def _answers_alone(settings, key) -> list[str]:
    out = []
    for i in range(len(PROMPTS)):
        r = _post(settings, key, _victim(i))
        assert r.status_code == 200, r.text
        out.append(r.json()["choices"][0]["message"]["content"])
    return out


def _victims_during(settings, key, attack) -> list[httpx.Response]:
    """South's requests, sent while ``attack()`` runs in another thread."""
    got: dict[int, httpx.Response] = {}
    threads = [threading.Thread(target=lambda i=i: got.__setitem__(i, _post(settings, key, _victim(i))))
               for i in range(len(PROMPTS))]
    attacker = threading.Thread(target=attack)
    attacker.start()
    for t in threads:
        t.start()
    for t in threads + [attacker]:
        t.join(150)
    assert len(got) == len(PROMPTS), "a victim never answered"
    return [got[i] for i in range(len(PROMPTS))]


def _idle(settings) -> dict:
    end = time.time() + 30
    while time.time() < end:
        health = httpx.get(settings.endpoint_url + "/health", timeout=10).json()
        if health["cache"]["running"] == 0 and health["admission"]["queue_depth"] == 0:
            return health
        time.sleep(0.2)
    raise AssertionError(f"the replica did not become idle: {health}")


def test_another_tenants_extreme_parameters_leave_the_victims_untouched(ep):
    settings, keys = ep
    alone = _answers_alone(settings, keys["south"])
    hostile = [dict(_victim(0), model="student-north-0", temperature=1.0, top_p=1e-300),
               dict(_victim(1), model="student-north-1", temperature=2.0, top_p=1e-300, seed=2**64 - 1),
               dict(_victim(2), model="student-north-2", temperature=1e-300),
               dict(_victim(3), model="student-north-3", temperature=0.7, seed=2**70),
               dict(_victim(4), model="student-north-4", temperature=float("1e308"), top_p=5e-324)]
    results: list[httpx.Response] = []

    def attack():
        for body in hostile:
            results.append(_post(settings, keys["north"], body))

    victims = _victims_during(settings, keys["south"], attack)
    assert [r.json()["choices"][0]["message"]["content"] for r in victims] == alone
    assert [r.status_code for r in results] == [200, 200, 200, 422, 422]  # 2**70 and 1e308: out of range
    assert all(r.status_code < 500 for r in results)
    assert _idle(settings)["cache"]["row_errors"] == 0


def test_a_storm_of_dropped_streams_leaves_the_victims_untouched(ep):
    settings, keys = ep
    alone = _answers_alone(settings, keys["south"])
    dropped = {"count": 0}

    async def storm():
        # 3 waves of 12 streams of north, each dropped after its first piece or at once: 36 disconnects.
        async with httpx.AsyncClient(base_url=settings.endpoint_url, timeout=60,
                                     headers={"Authorization": f"Bearer {keys['north']}"}) as c:
            async def one(i: int):
                body = dict(_victim(i % 6), model=f"student-north-{i % 6}", max_tokens=400, stream=True)
                async with c.stream("POST", "/v1/chat/completions", json=body) as r:
                    if i % 2:
                        async for _ in r.aiter_bytes():
                            break
                dropped["count"] += 1

            for wave in range(3):
                await asyncio.wait_for(asyncio.gather(*(one(wave * 12 + i) for i in range(12))), 60)

    victims = _victims_during(settings, keys["south"], lambda: asyncio.run(storm()))
    assert dropped["count"] == 36
    assert [r.json()["choices"][0]["message"]["content"] for r in victims] == alone
    health = _idle(settings)  # every dropped stream's row was freed, every place given back
    assert health["status"] == "ok" and health["cache"]["row_errors"] == 0
    assert _answers_alone(settings, keys["south"]) == alone  # and the replica answers as before
