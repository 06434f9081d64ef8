"""One generation through the safety steps, shared by the generating routes (plain, SSE, OpenAI chat).

Every generation goes the same way: moderation of the input -> engine (the student's adapter) with
the output moderated as it streams -> moderation of the whole output -> mode check (tutor does not
give away the answer) -> the result naming the adapter version used. ``generate_once`` runs a
``Job`` to its end; ``stream_events`` yields it as it is checked. Used by the routes of
``python -m serving.app`` (serving/routes_chat.py).
"""

import json
import logging

from fastapi import HTTPException, Request

from brain.schemas import Mode
from serving.admission import submit
from serving.engine import EngineRequest
from serving.errors import FieldError
from serving.guards import guard_input, mode_check, safety_of, stream_guard, student_ref
from serving.service import Service, run_to_end, usage_of

log = logging.getLogger("aivo.serving")


class Job:
    """One prepared generation: who, what, with which limits."""

    def __init__(self, student_id, profile, messages, mode, max_tokens, temperature, top_p=0.95, seed=None,
                 use_adapter=True, user_text="", penalties: dict | None = None):
        self.student_id, self.profile, self.messages, self.mode = student_id, profile, messages, mode
        self.max_tokens, self.temperature, self.top_p, self.seed = max_tokens, temperature, top_p, seed
        self.use_adapter, self.user_text = use_adapter, user_text
        self.penalties = penalties  # the body's repetition penalties (None: read by ``admitted``)
        self.engine_request = self.ticket = None  # set once validated; the ticket: its place in the queue


def check_sizes(service: Service, prompt: str, max_tokens: int) -> None:
    s = service.settings
    if len(prompt) > s.max_prompt_chars:
        raise FieldError("prompt", f"{len(prompt)} characters; the limit is {s.max_prompt_chars}", 413)
    if max_tokens > s.max_new_tokens:
        raise FieldError("max_tokens", f"must be at most {s.max_new_tokens}, got {max_tokens}")


PENALTIES = ("frequency_penalty", "presence_penalty", "repetition_penalty")


def penalties_of(service: Service, body) -> dict:
    """The repetition penalties of a request body (GenerationRequest, ChatCompletionRequest, or its JSON),
    each one it leaves out (or null) at its default: frequency and presence 0 (OpenAI's), repetition
    ``settings.default_repetition_penalty`` (serving/penalties.py)."""
    get = body.get if isinstance(body, dict) else (lambda name: getattr(body, name, None))
    default = {"frequency_penalty": 0.0, "presence_penalty": 0.0,
               "repetition_penalty": service.settings.default_repetition_penalty}
    return {name: default[name] if get(name) is None else get(name) for name in PENALTIES}


def engine_request_of(service: Service, job: Job) -> EngineRequest:
    ids = service.encode(job.messages)
    if len(ids) + job.max_tokens > service.engine.max_context:
        raise HTTPException(413, f"prompt of {len(ids)} tokens plus max_tokens {job.max_tokens} is over the "
                                 f"model's context of {service.engine.max_context} tokens")
    return EngineRequest(prompt_ids=ids, max_tokens=job.max_tokens, temperature=job.temperature, top_p=job.top_p,
                         seed=job.seed, student_id=job.student_id, use_adapter=job.use_adapter,
                         **(job.penalties or penalties_of(service, None)))


def admitted(service: Service, request: Request, principal, job: Job) -> Job:
    """The job once it passed every check: 413 over the context, then a place in the queue (429/503),
    then the rate limits; a request refused on the way counts against no limit (serving/admission.py).

    A job made without ``penalties`` takes them from the request's JSON body, which FastAPI parsed (and
    validated against the route's body model) before the handler ran: the routes need not pass them."""
    if job.penalties is None:
        job.penalties = penalties_of(service, getattr(request, "_json", None))  # Starlette's parsed body
    job.engine_request = engine_request_of(service, job)
    job.ticket = service.admit(request, principal, job.student_id)
    return job


def served(service: Service, choice) -> dict:
    """Which adapter, brain and base model answered (``choice`` None: nothing was generated)."""
    return {"adapter_version": choice.version if choice else None,
            "served_by": choice.note if choice else "safety: not generated",
            "brain_version": service.brain_version.version if service.brain_version else None,
            "base_model": service.brain.name if service.brain else service.settings.base_model}


async def generate_once(service: Service, request: Request, job: Job, route: str) -> dict:
    """Run a job to the end: {text, choice, finished, safety, mode_problems, finish_reason}."""
    verdict_in = guard_input(service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        return {"text": verdict_in.message, "choice": None, "finished": None, "finish_reason": "content_filter",
                "safety": {"input": safety_of(verdict_in), "output": None}, "mode_problems": None}
    guard = stream_guard(service, job.student_id, route)
    hit = {}

    def on_text(delta):  # the answer is moderated as it is generated: a hit stops the generation
        verdict = guard.feed(delta)
        if verdict is not None and not verdict.allowed:
            hit["verdict"] = verdict
            return False
        return True

    choice, text, done = await run_to_end(service, request, job.engine_request or engine_request_of(service, job),
                                          on_text, job.ticket)
    if done.finish_reason == "error":
        raise HTTPException(500, f"generation failed: {done.error}")
    verdict_out = hit.get("verdict") or guard.finish()
    finish = done.finish_reason
    problems = None
    if not verdict_out.allowed:
        text, finish = verdict_out.message, "content_filter"
        log.warning("output blocked: student=%s categories=%s", student_ref(job.student_id),
                    ",".join(verdict_out.categories))
    else:
        text, problems = mode_check(job.mode, job.user_text, text, job.profile)
    return {"text": text, "choice": choice, "finished": done, "finish_reason": finish,
            "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict_out)}, "mode_problems": problems}


async def stream_events(service: Service, request: Request, job: Job, route: str):
    """Yield (kind, payload): ("start", served) ("text", str) ("replace", str) ("end", {...}).

    Text is released only after the moderator checked it (up to the last whole word); tutor answers
    go out a sentence at a time, each checked for a give-away of the final answer first."""
    verdict_in = guard_input(service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        yield "start", served(service, None)
        yield "text", verdict_in.message
        yield "end", {"finish_reason": "content_filter", "usage": None,
                      "safety": {"input": safety_of(verdict_in), "output": None}}
        return
    stream = submit(service.engine, job.engine_request or engine_request_of(service, job), job.ticket)
    guard = stream_guard(service, job.student_id, route)
    sent, pending = "", ""
    tutor = job.mode == Mode.tutor
    try:
        async for kind, value in stream.aevents():
            if kind == "start":
                yield "start", served(service, value)
            elif kind == "text":
                verdict = guard.feed(value)
                if verdict is not None and not verdict.allowed:
                    stream.cancel()
                    yield "replace", verdict.message
                    yield "end", {"finish_reason": "content_filter", "usage": None,
                                  "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}
                    return
                pending += guard.ready()
                if not pending:
                    continue
                # Tutor answers go out a sentence at a time, each checked for a give-away first.
                if tutor and not any(pending.rstrip().endswith(m) for m in (".", "?", "!", "\n")):
                    continue
                if tutor:
                    fixed, problems = mode_check(job.mode, job.user_text, sent + pending, job.profile)
                    if problems:
                        stream.cancel()
                        rest = fixed[len(sent):] if fixed.startswith(sent) else None
                        if rest is None:
                            yield "replace", fixed
                        elif rest:
                            yield "text", rest
                        yield "end", {"finish_reason": "stop", "usage": None, "mode_problems": problems,
                                      "safety": {"input": safety_of(verdict_in), "output": None}}
                        return
                yield "text", pending
                sent, pending = sent + pending, ""
            elif kind == "end":
                done = value
                if done.finish_reason == "error":
                    yield "end", {"finish_reason": "error", "error": done.error, "usage": usage_of(done)}
                    return
                verdict = guard.finish()
                pending += guard.ready()
                if not verdict.allowed:
                    yield "replace", verdict.message
                    yield "end", {"finish_reason": "content_filter", "usage": usage_of(done),
                                  "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}
                    return
                problems = None
                if pending:
                    fixed, problems = mode_check(job.mode, job.user_text, sent + pending, job.profile)
                    if problems and fixed.startswith(sent):
                        pending = fixed[len(sent):]
                    yield "text", pending
                yield "end", {"finish_reason": done.finish_reason, "usage": usage_of(done), "mode_problems": problems,
                              "ttft_ms": round(done.ttft_s * 1000, 1) if done.ttft_s else None,
                              "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict)}}
                return
    finally:
        stream.cancel()  # the client went away (or we are done): free the row


def sse(obj) -> str:
    """One server-sent event carrying ``obj`` as JSON."""
    return f"data: {json.dumps(obj)}\n\n"
