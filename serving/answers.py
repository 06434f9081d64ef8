"""One request's answer through every step: moderated, generated, moderated, checked, retried or replaced.

    out = await answer(service, request, job, "generate")          # plain: {text, ..., quality}
    async for kind, value in answer_events(service, request, job, "generate_stream"): ...

Moderation comes first, as before (serving/guards.py): the input, then the output as it is generated
and once whole; only a moderated answer is checked (serving/answer_check.py), and a moderation block
on any try ends the request with the safety message (``content_filter``). An answer with a finding
is regenerated (``settings``-free defaults: ``TRIES`` retries, each at temperature at least
``RETRY_TEMPERATURE`` with seed ``seed + attempt`` so a greedy request does not repeat itself; after a
``level`` finding the system prompt gains ``answer_check.SIMPLER``); a retry that would not fit in the
request's deadline (its admission ticket) is not started. When no try passes, the verified fallback
is sent, moderated too. The tries count against the request's ticket (its deadline and its place).

Streams (``answer_events``): text is released a sentence at a time, each sentence only after the
moderator and then the quality checks passed it with the text before it (``SentenceGate``). On the
first failing sentence the try is stopped. If nothing was released yet, the answer is regenerated
(the same checks on each try); once something was released, the fallback is sent as the rest of the
answer (a lesson: the template's missing parts). The client never sees a sentence that failed.
``usage`` is the last try's (within max_tokens); ``quality.generated_tokens`` adds up every try's. Used by the routes of serving/routes_chat.py.
"""

import asyncio
import copy
import logging
import time

from fastapi import HTTPException, Request

from serving.admission import submit
from serving.answer_check import (
    Checker, SentenceGate, checked, instruction_for, quality_of, record, retry_allowed,
)
from serving.answer_item import item_for
from serving.generation import Job, engine_request_of, served
from serving.guards import guard_input, moderate, safety_of, stream_guard, student_ref
from serving.service import Service, run_to_end, usage_of
from serving.text_checks import lesson_appendix

log = logging.getLogger("aivo.serving")

TRIES = 2
RETRY_TEMPERATURE = 0.7


class _Blocked(Exception):
    """A retry's output was blocked by the moderator: the request ends with its message."""

    def __init__(self, out: dict):
        self.out = out


def checker_of(job: Job) -> Checker:
    return Checker(item_for(job.user_text, job.profile, job.mode), job.mode, prompt=job.user_text,
                   profile=job.profile)


def retry_request(service: Service, job: Job, attempt: int, extra: str | None):
    """The engine request of retry ``attempt``: another seed, some temperature, ``extra`` in the system
    prompt; None when it no longer fits the model's context."""
    again = copy.copy(job)
    if extra and job.messages and job.messages[0]["role"] == "system":
        again.messages = [{"role": "system", "content": job.messages[0]["content"] + "\n" + extra}, *job.messages[1:]]
    again.temperature = max(job.temperature or 0.0, RETRY_TEMPERATURE)
    again.seed = ((job.seed or 0) + attempt) % 2**64  # the API takes unsigned 64-bit seeds
    try:
        return engine_request_of(service, again)
    except HTTPException:
        return None


def _usage(dones) -> dict | None:
    """The usage of the last try (the answer sent, or the one the fallback replaced): within max_tokens,
    as clients expect; ``quality.generated_tokens`` adds up every try's."""
    dones = [d for d in dones if d is not None]
    return usage_of(dones[-1]) if dones else None


def _generated(quality: dict | None, dones) -> None:
    if quality is not None:
        quality["generated_tokens"] = sum(d.completion_tokens for d in dones if d is not None)


def _fallback_checked(service: Service, job: Job, route: str, text: str) -> str:
    """The fallback is fixed text, but it is moderated like any output (cheap)."""
    verdict = moderate(service, text, "output", job.student_id, route)
    return text if verdict.allowed else verdict.message


# -- plain ------------------------------------------------------------------------------------------

async def _one_try(service: Service, request: Request, job: Job, route: str, engine_request) -> dict:
    """One generation, moderated as it streams and once whole: {text, choice, finished, verdict}."""
    guard = stream_guard(service, job.student_id, route)
    hit = {}

    def on_text(delta):  # a moderation hit stops the generation
        verdict = guard.feed(delta)
        if verdict is not None and not verdict.allowed:
            hit["verdict"] = verdict
            return False
        return True

    choice, text, done = await run_to_end(service, request, engine_request, on_text, job.ticket)
    if done.finish_reason == "error":
        raise HTTPException(500, f"generation failed: {done.error}")
    verdict = hit.get("verdict") or await asyncio.to_thread(guard.finish)
    if not verdict.allowed:
        log.warning("output blocked: student=%s categories=%s", student_ref(job.student_id),
                    ",".join(verdict.categories))
    return {"text": text, "choice": choice, "finished": done, "verdict": verdict}


async def answer(service: Service, request: Request, job: Job, route: str) -> dict:
    """Run a job to its checked answer: {text, choice, finished, finish_reason, usage, safety, quality}."""
    verdict_in = await asyncio.to_thread(guard_input, service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        return {"text": verdict_in.message, "choice": None, "finished": None, "finish_reason": "content_filter",
                "usage": None, "safety": {"input": safety_of(verdict_in), "output": None}, "quality": None}
    t0 = time.perf_counter()
    first = await _one_try(service, request, job, route, job.engine_request or engine_request_of(service, job))
    tries = [first]

    def blocked(out: dict) -> dict:
        return {"text": out["verdict"].message, "choice": first["choice"], "finished": out["finished"],
                "finish_reason": "content_filter", "usage": _usage(t["finished"] for t in tries),
                "safety": {"input": safety_of(verdict_in), "output": safety_of(out["verdict"])}, "quality": None}

    if not first["verdict"].allowed:
        return blocked(first)

    async def regenerate(attempt: int, extra: str | None):
        engine_request = retry_request(service, job, attempt, extra)
        if engine_request is None:
            return None
        out = await _one_try(service, request, job, route, engine_request)
        tries.append(out)
        if not out["verdict"].allowed:
            raise _Blocked(out)
        return out["text"]

    checker = checker_of(job)
    try:
        text, quality = await checked(first["text"], checker, regenerate, tries=TRIES,
                                      time_left=job.ticket.time_left if job.ticket else None,
                                      attempt_s=time.perf_counter() - t0)
    except _Blocked as exc:
        return blocked(exc.out)
    last = tries[-1]
    _generated(quality, (t["finished"] for t in tries))
    if quality["fallback"]:
        text = _fallback_checked(service, job, route, text)
    finish = "stop" if quality["fallback"] else last["finished"].finish_reason
    return {"text": text, "choice": first["choice"], "finished": last["finished"], "finish_reason": finish,
            "usage": _usage(t["finished"] for t in tries), "quality": quality,
            "safety": {"input": safety_of(verdict_in), "output": safety_of(last["verdict"])}}


# -- streamed ---------------------------------------------------------------------------------------

async def answer_events(service: Service, request: Request, job: Job, route: str):
    """Yield (kind, payload): ("start", served) ("text", str) ("replace", str) ("end", {...}); see the
    module docstring. The end's payload: finish_reason, usage, ttft_ms, safety, quality."""
    verdict_in = await asyncio.to_thread(guard_input, service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        yield "start", served(service, None)
        yield "text", verdict_in.message
        yield "end", {"finish_reason": "content_filter", "usage": None, "quality": None,
                      "safety": {"input": safety_of(verdict_in), "output": None}}
        return
    checker = checker_of(job)
    engine_request = job.engine_request or engine_request_of(service, job)
    dones, quality, started, ttft, verdict = [], None, False, None, None
    check_s, attempt_s, gate = 0.0, None, None
    while True:
        t0 = time.perf_counter()
        stream = submit(service.engine, engine_request, job.ticket)
        guard, gate = stream_guard(service, job.student_id, route), SentenceGate(checker)
        done = None
        try:
            async for kind, value in stream.aevents():
                if kind == "start" and not started:
                    started = True
                    yield "start", served(service, value)
                elif kind == "text" and not gate.stopped:
                    verdict = guard.feed(value)
                    if verdict is not None and not verdict.allowed:
                        yield "replace", verdict.message
                        yield "end", {"finish_reason": "content_filter", "usage": _usage(dones), "quality": quality,
                                      "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}
                        return
                    out = gate.feed(guard.ready())
                    if out:
                        yield "text", out
                    if gate.stopped:
                        stream.cancel()  # read on to the end event (its usage), ignoring the text
                elif kind == "end":
                    done = value
        finally:
            stream.cancel()  # the client went away (or we are done): free the row
        dones.append(done)
        attempt_s = max(attempt_s or 0.0, time.perf_counter() - t0)
        if done is not None and done.finish_reason == "error":
            yield "end", {"finish_reason": "error", "error": done.error, "usage": _usage(dones), "quality": quality}
            return
        if ttft is None and done is not None and done.ttft_s:
            ttft = round(done.ttft_s * 1000, 1)
        if not gate.stopped:
            verdict = await asyncio.to_thread(guard.finish)
            if not verdict.allowed:
                yield "replace", verdict.message
                yield "end", {"finish_reason": "content_filter", "usage": _usage(dones), "quality": quality,
                              "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}
                return
            out = gate.feed(guard.ready())
            out += gate.finish() if not gate.stopped else ""
            if out:
                yield "text", out
        check_s += gate.check_s
        if quality is None:
            quality = quality_of(checker, gate.failed or [])
        if gate.failed is None:
            break
        if not gate.released.strip() and retry_allowed(quality, TRIES, job.ticket.time_left if job.ticket
                                                       else None, attempt_s):
            engine_request = retry_request(service, job, quality["retries"] + 1, instruction_for(gate.failed))
            if engine_request is not None:
                quality["retries"] += 1
                continue
        rest = checker.fallback(gate.released)
        if gate.released.strip() and not rest.startswith("\n"):
            rest = ("" if gate.released[-1:].isspace() else " ") + rest
        quality["fallback"] = True
        yield "text", _fallback_checked(service, job, route, rest)
        break
    t1 = time.perf_counter()
    if gate.cut:
        quality["repairs"] = ["length: over this student's length; cut at a sentence end"]
    elif not quality["fallback"] and (appendix := lesson_appendix(job.user_text, gate.released)
                                       if checker.mode.value == "lesson" else ""):
        quality["repairs"] = [f.reason for f in checker.findings(gate.released) if f.detector == "lesson"]
        yield "text", appendix
    record(quality, check_s + time.perf_counter() - t1)
    _generated(quality, dones)
    last = dones[-1]
    finish = "stop" if quality["fallback"] or gate.cut or last is None else last.finish_reason
    yield "end", {"finish_reason": finish, "usage": _usage(dones), "ttft_ms": ttft, "quality": quality,
                  "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}

