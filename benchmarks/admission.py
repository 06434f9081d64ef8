"""Admission benchmark: 8, 32 and 64 concurrent clients against one replica (embedded SmolLM2-135M, this CPU).

The endpoint's routes run in this process (uvicorn on a loopback port, the same app `python -m serving.app`
serves) with the default admission settings (rate limits lifted, so every refusal is admission's):
capacity = serving_max_batch 16 + 8 waiting, 20 s maximum
wait. Each level runs ``WINDOW_S`` seconds of closed-loop clients, half ``POST /v1/generate``, half
streamed ``POST /v1/chat/completions`` (``TOKENS`` tokens each, ``X-Aivo-Deadline: DEADLINE_S``); a client
refused with 429/503 sleeps its Retry-After times a random 1-2 (back-off with jitter) and tries again.
Requests in flight when the window closes run to their end. Per level:

- capacity, wait for a row p50/p95 (server side, admission stats), latency and first-token p50/p95 of
  the served requests, the longest silence inside a stream (keep-alives count as traffic);
- attempts, served, refused (429/503 at once) and the rejection rate, ended by the wait or the deadline;
- whether every request ended (a status, or ``[DONE]``) within its deadline + ``GRACE_S``.

Run as: ``python -m benchmarks.run admission`` (about 2 minutes) -> benchmarks/results/admission.md/.json.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks.workload import PROMPTS

LEVELS = (8, 32, 64)
WINDOW_S = 20.0
DEADLINE_S = 30.0
GRACE_S = 5.0
TOKENS = 64


def _pct(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, round(q * (len(values) - 1)))], 1) if values else None


async def _request(client, i: int, n: int) -> dict:
    """One request; what became of it, and how long each part took (ms)."""
    prompt = PROMPTS[(i + n) % len(PROMPTS)]
    headers = {"X-Aivo-Deadline": str(DEADLINE_S)}
    start = time.perf_counter()
    out = {"kind": "stream" if n % 2 else "plain", "ended": False}
    try:
        if n % 2 == 0:
            r = await client.post("/v1/generate", headers=headers, json={
                "prompt": prompt, "context": {"student_id": f"bench-{i}", "grade": 5}, "mode": "explain",
                "max_tokens": TOKENS, "temperature": 0})
            out.update(status=r.status_code, ended=True, retry_after=r.headers.get("retry-after"))
            if r.status_code != 200:
                out["error"] = r.json()["error"]["message"]
        else:
            body = {"model": "aivo-brain", "user": f"bench-{i}", "stream": True, "mode": "explain",
                    "max_tokens": TOKENS, "temperature": 0, "messages": [{"role": "user", "content": prompt}]}
            async with client.stream("POST", "/v1/chat/completions", headers=headers, json=body) as r:
                out.update(status=r.status_code, retry_after=r.headers.get("retry-after"))
                last, gap = time.perf_counter(), 0.0
                async for line in r.aiter_lines():
                    now = time.perf_counter()
                    if not line:
                        continue
                    gap, last = max(gap, now - last), now
                    if line == "data: [DONE]":
                        out["ended"] = True
                    elif line.startswith("data: ") and r.status_code == 200:
                        event = json.loads(line[6:])
                        if "error" in event:
                            out["error_code"] = event["error"]["code"]
                        elif "first_token_ms" not in out and ((event.get("choices") or [{}])[0]
                                                               .get("delta", {}).get("content")):
                            out["first_token_ms"] = (now - start) * 1000
                if r.status_code != 200:
                    out["ended"] = True
                out["max_gap_s"] = gap
    except Exception as exc:  # noqa: BLE001 - a client timeout: the request did not end in time
        out["exception"] = type(exc).__name__
    out["ms"] = (time.perf_counter() - start) * 1000
    return out


async def _level(base_url: str, clients: int) -> list[dict]:
    import httpx

    stop_at = time.perf_counter() + WINDOW_S
    results: list[dict] = []

    async def client_loop(i: int, client):
        n = i
        while time.perf_counter() < stop_at:
            res = await _request(client, i, n)
            results.append(res)
            n += 1
            if res.get("status") in (429, 503):
                await asyncio.sleep(float(res.get("retry_after") or 1) * (1 + random.random()))

    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    async with httpx.AsyncClient(base_url=base_url, timeout=DEADLINE_S + GRACE_S, limits=limits) as client:
        await asyncio.gather(*[client_loop(i, client) for i in range(clients)])
    return results


def _summary(clients: int, results: list[dict], stats: dict) -> dict:
    served = [r for r in results if r.get("status") == 200 and not r.get("error_code")]
    refused = [r for r in results if r.get("status") in (429, 503) and r["ms"] < 2000]
    waited_out = [r for r in results if r.get("error_code") == "queue_wait_exceeded"
                  or (r.get("status") == 503 and r["ms"] >= 2000)]
    deadline = [r for r in results if r.get("error_code") == "deadline_exceeded" or r.get("status") == 504]
    streams = [r for r in served if r["kind"] == "stream"]
    return {
        "clients": clients, "capacity": stats["capacity"], "max_batch": stats["max_batch"],
        "attempts": len(results), "served": len(served), "refused_at_once": len(refused),
        "refused_429": sum(r["status"] == 429 for r in refused), "refused_503": sum(r["status"] == 503 for r in refused),
        "rejection_rate": round(len(refused) / max(1, len(results)), 3),
        "ended_max_wait": len(waited_out), "ended_deadline": len(deadline),
        "all_ended": all(r["ended"] and r["ms"] <= (DEADLINE_S + GRACE_S) * 1000 for r in results),
        "not_ended": sum(not r["ended"] for r in results),
        "wait_ms_p50": stats["wait_p50_ms"], "wait_ms_p95": stats["wait_p95_ms"],
        "latency_ms_p50": _pct([r["ms"] for r in served], 0.5), "latency_ms_p95": _pct([r["ms"] for r in served], 0.95),
        "first_token_ms_p50": _pct([r["first_token_ms"] for r in streams if "first_token_ms" in r], 0.5),
        "first_token_ms_p95": _pct([r["first_token_ms"] for r in streams if "first_token_ms" in r], 0.95),
        "refusal_ms_p95": _pct([r["ms"] for r in refused], 0.95),
        "longest_stream_silence_s": round(max([r.get("max_gap_s", 0) for r in results] or [0]), 2),
        "served_per_minute": round(len(served) * 60 / WINDOW_S, 1),
    }


def bench_admission(settings_factory) -> dict:
    import socket

    import uvicorn

    from serving.admission import Admission
    from serving.app import Service, build_server

    os.environ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0"  # no registry here: every student gets the base
    # Rate limits lifted (all clients share one loopback IP; the limits have their own tests): every 429 and
    # 503 here is admission's.
    lifted = "1000000/minute"
    settings = settings_factory(Path(tempfile.mkdtemp(prefix="aivo-bench-admission-"))).model_copy(
        update={"ratelimit_ip": lifted, "ratelimit_student": lifted, "ratelimit_api_key": lifted})
    service = Service(settings)
    service.load()
    if not service.ready:
        raise RuntimeError(service.error)
    service.engine.resolver = None
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_server(settings, service).app, host="127.0.0.1", port=port,
                                           lifespan="off", proxy_headers=False, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    levels = []
    try:
        asyncio.run(_level(f"http://127.0.0.1:{port}", 2))  # warm up (kernels, first prefill)
        for clients in LEVELS:
            service.admission = Admission.from_settings(settings)  # figures of this level only
            tokens, start = service.engine.tokens_out, time.perf_counter()
            results = asyncio.run(_level(f"http://127.0.0.1:{port}", clients))
            levels.append(_summary(clients, results, service.admission.stats()))
            levels[-1]["load_avg_1min"] = round(os.getloadavg()[0], 1)  # other processes on this machine
            levels[-1]["engine_tokens_per_s"] = round((service.engine.tokens_out - tokens)
                                                      / (time.perf_counter() - start), 1)
            print(f"admission {levels[-1]}", file=sys.stderr)
    finally:
        server.should_exit = True
        service.engine.stop()
    return {"model": settings.base_model, "device": service.engine.device.type, "threads": settings.cpu_threads(),
            "window_s": WINDOW_S, "deadline_s": DEADLINE_S, "tokens_per_request": TOKENS,
            "max_wait_s": settings.admission_max_wait_s, "keepalive_s": settings.sse_keepalive_s, "levels": levels}


def markdown(result: dict) -> str:
    lines = [
        "# Admission benchmark (embedded SmolLM2-135M-Instruct, CPU)", "",
        f"Machine: {os.cpu_count()} cores, torch threads {result['threads']}. Command: "
        "`python -m benchmarks.run admission`. One replica, rate limits lifted, default admission settings (capacity = "
        f"max_batch + 8 waiting, {result['max_wait_s']:g} s maximum wait, keep-alive every "
        f"{result['keepalive_s']:g} s). Each level: {result['window_s']:g} s of closed-loop clients, half "
        f"`/v1/generate`, half streamed `/v1/chat/completions`, {result['tokens_per_request']} tokens, "
        f"`X-Aivo-Deadline: {result['deadline_s']:g}`; a refused client sleeps Retry-After x (1 + random) and "
        "tries again. Wait = admission to a row (server side).", "",
        "| clients | capacity | attempts | served | refused at once (429/503) | rejection rate | ended by wait / "
        "deadline | all ended in time | wait p50 / p95 ms | latency p50 / p95 ms | first token p50 / p95 ms | "
        "refusal p95 ms | longest stream silence s | engine tok/s | load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for lv in result["levels"]:
        lines.append(
            f"| {lv['clients']} | {lv['capacity']} | {lv['attempts']} | {lv['served']} | {lv['refused_at_once']} "
            f"({lv['refused_429']}/{lv['refused_503']}) | {lv['rejection_rate']:.1%} | {lv['ended_max_wait']} / "
            f"{lv['ended_deadline']} | {'yes' if lv['all_ended'] else 'NO (' + str(lv['not_ended']) + ')'} | "
            f"{lv['wait_ms_p50']} / {lv['wait_ms_p95']} | {lv['latency_ms_p50']} / {lv['latency_ms_p95']} | "
            f"{lv['first_token_ms_p50']} / {lv['first_token_ms_p95']} | {lv['refusal_ms_p95']} | "
            f"{lv['longest_stream_silence_s']} | {lv['engine_tokens_per_s']} | {lv['load_avg_1min']} |")
    return "\n".join(lines) + "\n"
