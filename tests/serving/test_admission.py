"""Admission control (bounded queue, tenant share, deadlines, keep-alives) and the trusted-proxy client IP.

No model here: the queue and the guards are driven with stand-ins; tests/serving/test_admission_endpoint.py
runs the same code behind the real endpoint with the tiny model.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from fastapi import HTTPException
from starlette.datastructures import Headers

from serving import admission as admission_module
from serving.admission import KEEPALIVE, Admission, run_guarded, sse_guarded
from serving.auth import client_ip
from tests.conftest import make_settings


def _admission(capacity=4, max_batch=2, **kw) -> Admission:
    kw = {"max_wait_s": 5.0, "tenant_share": 0.5, "deadline_s": 10.0, "keepalive_s": 0.05, **kw}
    return Admission(capacity, max_batch, **kw)


def _refused(admission, tenant, status):
    start = time.perf_counter()
    with pytest.raises(HTTPException) as err:
        admission.admit(tenant)
    assert err.value.status_code == status
    assert time.perf_counter() - start < 0.1  # at once, never queued
    assert 1 <= int(err.value.headers["Retry-After"]) <= 30
    return err.value


def test_capacity_is_max_batch_plus_waiting_allowance_by_default(tmp_path):
    settings = make_settings(tmp_path, serving_max_batch=16, admission_waiting=8)
    assert Admission.from_settings(settings).capacity == 24
    assert Admission.from_settings(make_settings(tmp_path, admission_capacity=5)).capacity == 5


def test_a_full_replica_answers_503_with_retry_after_at_once():
    admission = _admission()
    tickets = [admission.admit("north") for _ in range(4)]  # a tenant alone may use the whole capacity
    err = _refused(admission, "north", 503)
    assert "full" in err.detail
    tickets[0].release()
    admission.admit("north")
    stats = admission.stats()
    assert stats["queue_depth"] == 4 and stats["waiting"] == 4 and stats["rejected"]["full"] == 1


def test_a_tenant_over_its_share_gets_429_while_others_are_present():
    admission = _admission(capacity=6, tenant_share=0.5)
    assert admission.share_limit == 3
    admission.admit("south")
    north = [admission.admit("north") for _ in range(3)]
    err = _refused(admission, "north", 429)
    assert "share" in err.detail
    admission.admit("south")  # the other tenant still gets in
    north[0].release()
    admission.admit("north")
    assert admission.stats()["rejected"]["tenant_share"] == 1


def test_a_tenant_refused_for_a_full_replica_caps_the_one_holding_it():
    admission = _admission(capacity=4)
    north = [admission.admit("north") for _ in range(4)]
    _refused(admission, "south", 503)  # south is now present: north is held to its share from here on
    north[0].release()
    _refused(admission, "north", 429)
    admission.admit("south")


def test_client_deadline_header_can_only_shorten_and_is_checked():
    admission = _admission(deadline_s=10.0)
    assert admission.admit("t", "2.5").deadline_s == 2.5
    assert admission.admit("t", "600").deadline_s == 10.0
    for bad in ("soon", "-1", "0", "nan", "inf"):
        with pytest.raises(HTTPException) as err:
            admission.admit("t", bad)
        assert err.value.status_code == 422 and "x-aivo-deadline" in err.value.detail


def test_lost_tickets_are_reaped_after_their_deadline(monkeypatch):
    monkeypatch.setattr(admission_module, "REAP_AFTER_S", 0.0)
    admission = _admission(capacity=1, deadline_s=0.01)
    admission.admit("t")  # never released: a request lost on the way
    time.sleep(0.02)
    admission.admit("t")
    assert admission.stats()["ended"]["lost"] == 1


async def _slow(seconds, value="ok"):
    await asyncio.sleep(seconds)
    return value


def test_run_guarded_ends_a_request_past_its_deadline_with_504():
    admission = _admission(deadline_s=0.2)
    ticket = admission.admit("t")
    ticket.start()
    start = time.perf_counter()
    with pytest.raises(HTTPException) as err:
        asyncio.run(run_guarded(ticket, _slow(5)))
    assert err.value.status_code == 504 and "deadline" in err.value.detail
    assert time.perf_counter() - start < 1.0
    assert admission.stats()["queue_depth"] == 0 and admission.stats()["ended"]["deadline"] == 1


def test_run_guarded_ends_a_request_that_waited_too_long_with_503():
    admission = _admission(max_wait_s=0.2)
    ticket = admission.admit("t")  # never started: no row within max_wait
    with pytest.raises(HTTPException) as err:
        asyncio.run(run_guarded(ticket, _slow(5)))
    assert err.value.status_code == 503 and int(err.value.headers["Retry-After"]) >= 1
    assert admission.stats()["ended"]["max_wait"] == 1 and admission.stats()["wait_p50_ms"] >= 200
    ticket = admission.admit("t")
    assert asyncio.run(run_guarded(ticket, _slow(0.01))) == "ok"
    assert admission.stats()["queue_depth"] == 0


async def _collect(agen) -> list[str]:
    return [chunk async for chunk in agen]


def test_a_silent_stream_gets_keepalives_then_its_chunks():
    admission = _admission(keepalive_s=0.05)
    ticket = admission.admit("t")

    async def body():
        await asyncio.sleep(0.3)  # waiting for a row
        ticket.start()
        yield "data: 1\n\n"
        await asyncio.sleep(0.2)  # text held back
        yield "data: [DONE]\n\n"

    chunks = asyncio.run(_collect(sse_guarded(body(), ticket)))
    first = chunks.index("data: 1\n\n")
    assert first >= 3 and set(chunks[:first]) == {KEEPALIVE}
    assert KEEPALIVE in chunks[first + 1:] and chunks[-1] == "data: [DONE]\n\n"
    assert ticket.released


@pytest.mark.parametrize("reason,code", [("deadline", "deadline_exceeded"), ("max_wait", "queue_wait_exceeded")])
def test_a_stream_past_its_deadline_ends_with_an_error_event_then_done(reason, code):
    admission = _admission(deadline_s=0.3 if reason == "deadline" else 10, max_wait_s=0.3)
    ticket = admission.admit("t")
    closed = []

    async def body():
        try:
            if reason == "deadline":
                ticket.start()
                yield "data: 1\n\n"
            await asyncio.sleep(30)
            yield "data: never\n\n"
        finally:
            closed.append(True)  # where the engine row is cancelled

    start = time.perf_counter()
    chunks = asyncio.run(_collect(sse_guarded(body(), ticket)))
    assert time.perf_counter() - start < 1.5
    assert chunks[-1] == "data: [DONE]\n\n" and "data: never\n\n" not in chunks
    event = json.loads(chunks[-2][len("data: "):])
    assert event["type"] == "error" and event["error"]["code"] == code and event["error"]["message"]
    assert closed and ticket.released and admission.stats()["ended"][reason] == 1


# -- the client address behind trusted proxies -----------------------------------------------

def _h(**headers) -> Headers:
    return Headers(raw=[(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()])


PROXIES = ["10.0.0.0/8", "127.0.0.2"]


def test_forwarded_for_from_an_untrusted_peer_is_ignored():
    assert client_ip("203.0.113.9", _h(x_forwarded_for="1.1.1.1"), PROXIES) == "203.0.113.9"
    assert client_ip("127.0.0.1", _h(x_forwarded_for="1.1.1.1"), []) == "127.0.0.1"
    assert client_ip("testclient", _h(x_forwarded_for="1.1.1.1"), PROXIES) == "testclient"
    assert client_ip(None, _h(), PROXIES) == "-"


def test_a_trusted_proxy_gives_the_right_most_untrusted_address():
    # whatever the client wrote on the left is not believed: the proxy's appended entry wins
    assert client_ip("127.0.0.2", _h(x_forwarded_for="6.6.6.6, 1.1.1.1"), PROXIES) == "1.1.1.1"
    assert client_ip("10.0.0.5", _h(x_forwarded_for="6.6.6.6, 1.1.1.1, 10.1.2.3"), PROXIES) == "1.1.1.1"
    assert client_ip("10.0.0.5", _h(x_forwarded_for="1.1.1.1:5555"), PROXIES) == "1.1.1.1"
    assert client_ip("10.0.0.5", _h(x_forwarded_for="10.9.9.9, 10.1.2.3"), PROXIES) == "10.9.9.9"
    assert client_ip("10.0.0.5", _h(x_forwarded_for="junk, 10.1.2.3"), PROXIES) == "10.1.2.3"
    assert client_ip("10.0.0.5", _h(), PROXIES) == "10.0.0.5"
    assert client_ip("::ffff:10.0.0.5", _h(x_forwarded_for="1.1.1.1"), PROXIES) == "1.1.1.1"


def test_only_the_configured_header_is_read():
    fwd = 'for=192.0.2.60;proto=http, for="[2001:db8::1]:443"'
    assert client_ip("10.0.0.5", _h(forwarded=fwd), PROXIES, "forwarded") == "2001:db8::1"
    assert client_ip("10.0.0.5", _h(forwarded=fwd, x_forwarded_for="5.5.5.5"), PROXIES) == "5.5.5.5"
    assert client_ip("10.0.0.5", _h(x_forwarded_for="5.5.5.5"), PROXIES, "forwarded") == "10.0.0.5"


def test_trusted_proxies_setting_is_validated(tmp_path):
    assert make_settings(tmp_path, trusted_proxies="10.0.0.0/8, 127.0.0.2").trusted_proxies == PROXIES
    with pytest.raises(ValueError, match="not an IP address"):
        make_settings(tmp_path, trusted_proxies="proxy.internal")
