"""Admission control, deadlines, keep-alives and trusted proxies behind the real endpoint (tiny model, loopback).

One endpoint (`python -m serving.app`, started as `make up` does) with a small replica: 2 rows + 2 waiting
= capacity 4, a tenant's share 2, 3 s maximum wait, keep-alives after 0.25 s, 4 requests/minute per IP,
and 127.0.0.2 as the only trusted proxy. Clients pick their socket address on loopback (127.0.0.1/.2/.3),
so one machine plays an untrusted client, a trusted proxy and a second client. Every test starts idle.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time

import httpx
import pytest

from aivo import stack
from brain.schemas import StudentProfile
from serving.auth import Tenants
from tests.conftest import make_settings

PROXY, CLIENT, OTHER = "127.0.0.2", "127.0.0.1", "127.0.0.3"
LONG = 1400  # tokens: several seconds of the tiny model on 2 cores, so a row stays busy
DEADLINE = 0.2  # s: far below LONG tokens even on a quiet fast machine (0.8 s was reached there once: a 200)
_ips = (f"198.51.100.{i % 250}" if i < 250 else f"203.0.113.{i % 250}" for i in itertools.count(1))


@pytest.fixture(scope="module")
def ep(tmp_path_factory, model_cache):
    settings = make_settings(tmp_path_factory.mktemp("admission"), model_cache=model_cache,
                             mlflow_tracking_uri="http://127.0.0.1:9", s3_endpoint_url="http://127.0.0.1:9",
                             serving_max_batch=2, admission_waiting=2, admission_max_wait_s=3.0,
                             request_deadline_s=20.0, sse_keepalive_s=0.25, max_new_tokens=LONG,
                             trusted_proxies=PROXY, ratelimit_ip="4/minute", api_keys=["op-key"])
    tenants = Tenants.for_settings(settings)
    for name in ("north", "south"):
        tenants.add_tenant(name)
        tenants.add_students(name, [StudentProfile(student_id=f"{name}-{i}", grade=4) for i in range(1, 4)])
    keys = {name: tenants.create_key(name) for name in ("north", "south")} | {"operator": "op-key"}
    stack.up(settings, only=["endpoint"], echo=lambda _m: None)
    yield settings, keys
    stack.stop_service(settings, "endpoint")


def _client(settings, source=PROXY, timeout=30.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=settings.endpoint_url, timeout=timeout,
                             transport=httpx.AsyncHTTPTransport(local_address=source),
                             limits=httpx.Limits(max_connections=200, max_keepalive_connections=0))


def _gen(tenant, max_tokens=8, **kw):
    return {"prompt": "Tell me about frogs.", "context": {"student_id": f"{tenant}-1", "grade": 4},
            "max_tokens": max_tokens, "temperature": 0, "mode": "explain", **kw}


def _chat(tenant, max_tokens=8):
    return {"model": f"student-{tenant}-1", "max_tokens": max_tokens, "temperature": 0, "stream": True,
            "mode": "explain", "messages": [{"role": "user", "content": "Tell me about frogs."}]}


def _headers(keys, tenant, xff: str | None = "auto", deadline: float | None = None) -> dict:
    h = {"Authorization": f"Bearer {keys[tenant]}"}
    if xff:
        h["X-Forwarded-For"] = next(_ips) if xff == "auto" else xff
    if deadline is not None:
        h["X-Aivo-Deadline"] = str(deadline)
    return h


def _health(settings) -> dict:
    return httpx.get(settings.endpoint_url + "/health", timeout=10).json()["admission"]


@pytest.fixture(autouse=True)
def idle(ep):
    """Each test starts with nothing running or waiting."""
    end = time.time() + 30
    while _health(ep[0])["queue_depth"] and time.time() < end:
        time.sleep(0.2)
    assert _health(ep[0])["queue_depth"] == 0


async def _hold(client, keys, tenant, n):
    """n long streams of ``tenant``, admitted (their headers are in) and left open."""
    held = []
    for _ in range(n):
        req = client.build_request("POST", "/v1/generate/stream", json=_gen(tenant, LONG),
                                   headers=_headers(keys, tenant))
        resp = await client.send(req, stream=True)
        assert resp.status_code == 200
        held.append(resp)
    return held


async def _lines(resp, limit_s: float) -> list[str]:
    out = []
    async with asyncio.timeout(limit_s):
        async for line in resp.aiter_lines():
            if line:
                out.append(line)
    return out


def _refusal(resp, status):
    assert resp.status_code == status, resp.text
    assert resp.elapsed.total_seconds() < 2.0  # at once, not after a wait
    assert 1 <= int(resp.headers["Retry-After"]) <= 30
    error = resp.json()["error"]
    assert error["message"] and error["type"]
    return error


def test_over_capacity_is_refused_at_once_and_costs_no_rate_limit_budget(ep):
    settings, keys = ep

    async def run():
        async with _client(settings) as c:
            held = await _hold(c, keys, "north", 2) + await _hold(c, keys, "south", 2)  # capacity 4: full
            ip = "192.0.2.77"
            full = await c.post("/v1/generate", json=_gen("operator"), headers=_headers(keys, "operator", ip))
            share = await c.post("/v1/generate", json=_gen("north"), headers=_headers(keys, "north", ip))
            stats = _health(settings)
            for r in held:
                await r.aclose()
            return full, share, stats

    full, share, stats = asyncio.run(run())
    assert "full" in _refusal(full, 503)["message"]
    assert _refusal(share, 429)["type"] == "rate_limit_error"
    assert stats["queue_depth"] == 4 and stats["capacity"] == 4
    assert stats["rejected"]["full"] >= 1 and stats["rejected"]["tenant_share"] >= 1

    async def budget():  # the refused requests came from 192.0.2.77: it still has all 4 of its budget
        async with _client(settings) as c:
            return [(await c.post("/v1/generate", json=_gen("north", 1), headers=_headers(keys, "north",
                                                                                         "192.0.2.77"))).status_code
                    for _ in range(5)]

    _wait_idle(settings)
    assert asyncio.run(budget()) == [200, 200, 200, 200, 429]


def _wait_idle(settings):
    end = time.time() + 30
    while _health(settings)["queue_depth"] and time.time() < end:
        time.sleep(0.2)


def test_a_waiting_stream_gets_keepalives_and_always_ends(ep):
    settings, keys = ep

    async def run():
        async with _client(settings) as c:
            held = await _hold(c, keys, "north", 1) + await _hold(c, keys, "south", 1)
            end = time.time() + 10
            while _health(settings)["running"] < 2 and time.time() < end:  # both rows busy
                await asyncio.sleep(0.1)
            async with c.stream("POST", "/v1/generate/stream", json=_gen("operator", 4),
                                headers=_headers(keys, "operator")) as r:
                assert r.status_code == 200
                start, lines, times = time.perf_counter(), [], []
                async with asyncio.timeout(10):
                    async for line in r.aiter_lines():
                        if line:
                            lines.append(line)
                            times.append(time.perf_counter() - start)
            for h in held:
                await h.aclose()
            return lines, times

    lines, times = asyncio.run(run())
    first_data = next(i for i, line in enumerate(lines) if line.startswith("data: "))
    assert all(line == ": keep-alive" for line in lines[:first_data])
    # While it waits (the held rows usually keep it waiting until the 3 s max wait; on a fast machine they
    # can finish sooner and it waits less) it is never silent for long: keep-alive every 0.25 s of silence,
    # checked by the server's loop: gaps of 0.25-0.5 s; a loaded CI machine once stalled the endpoint's
    # loop for 1.6 s, so the bound is the 3 s max wait. Without keep-alives a wait over 1.5 s fails below.
    gaps = [b - a for a, b in zip([0.0] + times[:first_data], times[:first_data + 1])]
    assert max(gaps) < 3.0, gaps
    assert first_data >= 1 or times[first_data] < 1.5, times[:first_data + 1]
    assert lines[-1] == "data: [DONE]"
    last = json.loads(lines[-2][len("data: "):])  # it got a row, or it waited 3 s and was told so
    assert last["type"] == "done" or last["error"]["code"] == "queue_wait_exceeded"


def test_a_request_past_its_deadline_ends_with_an_error(ep):
    settings, keys = ep

    async def run():
        async with _client(settings) as c:
            plain = await c.post("/v1/generate", json=_gen("north", LONG),
                                 headers=_headers(keys, "north", deadline=DEADLINE))
            t = time.perf_counter()
            async with c.stream("POST", "/v1/chat/completions", json=_chat("south", LONG),
                                headers=_headers(keys, "south", deadline=DEADLINE)) as r:
                lines = await _lines(r, 10)
            return plain, lines, time.perf_counter() - t

    plain, lines, stream_s = asyncio.run(run())
    assert plain.status_code == 504 and plain.elapsed.total_seconds() < 3
    assert "deadline" in plain.json()["error"]["message"]
    assert stream_s < 3 and lines[-1] == "data: [DONE]"
    assert json.loads(lines[-2][len("data: "):])["error"]["code"] == "deadline_exceeded"
    assert _health(settings)["ended"]["deadline"] >= 2


async def _one(c, keys, i: int, deadline: float) -> tuple[str, float]:
    """One client's request; returns (outcome, seconds). Raises if it does not end."""
    tenant = ("north", "south", "operator")[i % 3]
    start = time.perf_counter()
    headers = _headers(keys, tenant, deadline=deadline)
    if i % 2:
        r = await c.post("/v1/generate", json=_gen(tenant, 160), headers=headers)
        outcome = str(r.status_code)
        assert r.status_code in (200, 429, 503, 504), r.text
        if r.status_code != 200:
            assert r.json()["error"]["message"]
    else:
        async with c.stream("POST", "/v1/chat/completions", json=_chat(tenant, 160), headers=headers) as r:
            outcome = str(r.status_code)
            if r.status_code == 200:
                lines = await _lines(r, deadline + 3)
                assert lines[-1] == "data: [DONE]"
                last = json.loads(lines[-2][len("data: "):])
                outcome = "stream:" + (last["error"]["code"] if "error" in last else "done")
            else:
                assert r.status_code in (429, 503)
    return outcome, time.perf_counter() - start


@pytest.mark.parametrize("clients", [32, 64])
def test_every_request_of_a_load_run_ends_within_its_deadline(ep, clients):
    settings, keys = ep
    deadline = 4.0

    async def run():
        async with _client(settings, timeout=deadline + 5) as c:
            return await asyncio.gather(*[_one(c, keys, i, deadline) for i in range(clients)])

    results = asyncio.run(run())
    outcomes = [o for o, _ in results]
    assert len(results) == clients
    assert max(s for _, s in results) < deadline + 2.0, sorted(results, key=lambda r: -r[1])[:5]
    assert {"200", "stream:done"} & set(outcomes)  # some were served ...
    assert {"429", "503"} & set(outcomes)  # ... and the rest refused at once, with a capacity of 4
    # refused at once: never a wait for a row (3 s) or the deadline (4 s). Measured from the first request
    # of the burst, so the median also counts the endpoint accepting 64 connections; it was 1.18 s once on a
    # 2-core CI machine, hence half the maximum wait as the bound.
    refused = [s for o, s in results if o in ("429", "503")]
    assert sorted(refused)[len(refused) // 2] < 1.5


def test_forwarded_for_rotation_from_an_untrusted_peer_gets_no_fresh_budget(ep):
    settings, keys = ep

    async def run(source):
        async with _client(settings, source=source) as c:
            return [(await c.post("/v1/generate", json=_gen("north", 1),
                                  headers=_headers(keys, "north"))).status_code for _ in range(6)]

    assert asyncio.run(run(CLIENT)) == [200] * 4 + [429] * 2  # a new X-Forwarded-For each time: ignored
    assert asyncio.run(run(PROXY)) == [200] * 6  # through the trusted proxy each is another client


def test_a_413_costs_no_rate_limit_budget(ep):
    settings, keys = ep

    async def run():
        async with _client(settings, source=OTHER) as c:
            big = [(await c.post("/v1/generate", json=_gen("north", 1, prompt="x" * 5000),
                                 headers=_headers(keys, "north", xff=None))).status_code for _ in range(6)]
            ok = [(await c.post("/v1/generate", json=_gen("north", 1),
                                headers=_headers(keys, "north", xff=None))).status_code for _ in range(5)]
            return big, ok

    big, ok = asyncio.run(run())
    assert big == [413] * 6 and ok == [200] * 4 + [429]
