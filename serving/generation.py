"""A generation request made ready for the engine, shared by the generating routes (plain, SSE, OpenAI chat).

A ``Job`` is one prepared request: who, what, with which limits; ``admitted`` validates it (413 over
the context), gives it a place in the queue and applies the rate limits; ``engine_request_of`` makes
its engine request (the repetition penalties included). The request's run through the safety steps
(moderation in and out, then the answer checks: regenerate or fallback) is serving/answers.py.
Used by the routes of ``python -m serving.app`` (serving/routes_chat.py).
"""

import json

from fastapi import HTTPException, Request

from serving.engine import EngineRequest
from serving.errors import FieldError
from serving.service import Service


class Job:
    """One prepared generation: who, what, with which limits."""

    def __init__(self, student_id, profile, messages, mode, max_tokens, temperature, top_p=0.95, seed=None,
                 use_adapter=True, user_text="", penalties: dict | None = None, user_turns: list[str] | None = None):
        self.student_id, self.profile, self.messages, self.mode = student_id, profile, messages, mode
        self.max_tokens, self.temperature, self.top_p, self.seed = max_tokens, temperature, top_p, seed
        self.use_adapter, self.user_text = use_adapter, user_text
        # every user message of the request, oldest first (a chat's history; the prompt alone for /v1/generate):
        # what the conversation check (serving/guards.py guard_conversation) scores with the student's memory
        self.user_turns = list(user_turns) if user_turns else [user_text]
        self.penalties = penalties  # the body's repetition penalties (None: the defaults)
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
    then the rate limits; a request refused on the way counts against no limit (serving/admission.py)."""
    job.engine_request = engine_request_of(service, job)
    job.ticket = service.admit(request, principal, job.student_id)
    return job


def served(service: Service, choice) -> dict:
    """Which adapter, brain and base model answered (``choice`` None: nothing was generated)."""
    return {"adapter_version": choice.version if choice else None,
            "served_by": choice.note if choice else "safety: not generated",
            "brain_version": service.brain_version.version if service.brain_version else None,
            "base_model": service.brain.name if service.brain else service.settings.base_model}


def sse(obj) -> str:
    """One server-sent event carrying ``obj`` as JSON."""
    return f"data: {json.dumps(obj)}\n\n"
