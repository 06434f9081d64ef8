"""The generating routes: ``/v1/generate`` (plain and SSE) and the OpenAI-compatible chat and models.

Each handler builds a ``Job`` (authenticated, the student on the key's roster, sizes checked, the
profile resolved, a place in the queue) and runs it through the conversation check (serving/guards.py
``guard_conversation``: the student's recent messages and the request's user turns, for grooming that
builds over many messages), then serving/answers.py, which moderates the input and the output and checks
the answer (regenerating it or sending the verified fallback). Included into the app of ``python -m serving.app``
(serving/routes.py); the service comes from ``request.app.state``.
"""

import asyncio
import time
import uuid

from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from brain.prompts import build_messages
from brain.schemas import GenerationRequest
from serving.admission import run_guarded, sse_guarded
from serving.errors import FieldError, check_student_id
from serving.answers import answer, answer_events
from serving.generation import Job, admitted, check_sizes, penalties_of, served, sse
from serving.guards import guard_conversation
from serving.profiles import HEADER as PROFILE_HEADER
from serving.profiles import chat_student
from serving.schemas import BRAIN_MODEL_ID, ChatCompletionRequest
from serving.service import Service, service_of

router = APIRouter()
NO_USAGE = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}  # nothing was generated


# -- every generating route: the conversation check, then the answer (serving/answers.py) ---------

async def checked_answer(service: Service, request: Request, job: Job, route: str) -> dict:
    """``answer`` after the conversation check (serving/guards.py): a conversation that crossed the line
    gets the grooming block, shaped as answers.py shapes a blocked input, and nothing is generated."""
    block = await asyncio.to_thread(guard_conversation, service, job, route)
    if block is not None:
        return {"text": block.verdict.message, "choice": None, "finished": None, "finish_reason": "content_filter",
                "usage": None, "safety": block.safety(), "quality": None}
    return await answer(service, request, job, route)


async def checked_events(service: Service, request: Request, job: Job, route: str):
    """``answer_events`` after the conversation check, as ``checked_answer``."""
    block = await asyncio.to_thread(guard_conversation, service, job, route)
    if block is not None:
        yield "start", served(service, None)
        yield "text", block.verdict.message
        yield "end", {"finish_reason": "content_filter", "usage": None, "quality": None, "safety": block.safety()}
        return
    async for event in answer_events(service, request, job, route):
        yield event


# -- /v1/generate ----------------------------------------------------------------------------

def job_from_generate(service: Service, request: Request, body: GenerationRequest) -> Job:
    settings = service.settings
    service.require_ready()
    principal = service.principal(request)
    sid = check_student_id(body.context.student_id, "context.student_id")
    service.check_student(principal, sid)
    max_tokens = body.max_tokens if "max_tokens" in body.model_fields_set else min(body.max_tokens,
                                                                                  settings.max_new_tokens)
    check_sizes(service, body.prompt, max_tokens)
    chosen = service.profiles.resolve(principal, sid, body.context.profile())  # roster or the request: no I/O
    profile = chosen.profile
    messages = build_messages(profile, body.prompt, body.mode)
    job = Job(sid, profile, messages, body.mode, max_tokens, body.temperature, user_text=body.prompt,
              penalties=penalties_of(service, body))
    job.profile_source = chosen.source
    return admitted(service, request, principal, job)


@router.post("/v1/generate")
async def generate(body: GenerationRequest, request: Request):
    start = time.perf_counter()
    service = service_of(request)
    job = job_from_generate(service, request, body)
    out = await run_guarded(job.ticket, checked_answer(service, request, job, "generate"))
    return {
        "response": out["text"], "student_id": job.student_id, "mode": job.mode.value,
        **served(service, out["choice"]), "profile_source": job.profile_source,
        "finish_reason": out["finish_reason"],
        "usage": out["usage"] or dict(NO_USAGE),
        "safety": out["safety"], "quality": out["quality"], "mode_check": repairs_of(out["quality"]),
        "latency_ms": round((time.perf_counter() - start) * 1000, 1),
    }


def repairs_of(quality: dict | None) -> list[str] | None:
    """The older ``mode_check`` field: the repairs made to the answer (a lesson's template parts, a cut)."""
    return (quality or {}).get("repairs")


@router.post("/v1/generate/stream")
async def generate_stream(body: GenerationRequest, request: Request):
    service = service_of(request)
    job = job_from_generate(service, request, body)

    async def events():
        async for kind, value in checked_events(service, request, job, "generate_stream"):
            if kind == "start":
                yield sse({"type": "start", "student_id": job.student_id, "mode": job.mode.value,
                           "profile_source": job.profile_source, **value})
            elif kind == "text":
                yield sse({"type": "token", "token": value})
            elif kind == "replace":
                yield sse({"type": "replace", "text": value})
            elif kind == "end":
                yield sse({"type": "done", "done": True, "student_id": job.student_id, **value,
                           "mode_check": repairs_of(value.get("quality"))})
        yield "data: [DONE]\n\n"

    return StreamingResponse(sse_guarded(events(), job.ticket), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


# -- OpenAI-compatible -----------------------------------------------------------------------

async def job_from_chat(service: Service, request: Request, body: ChatCompletionRequest) -> Job:
    settings = service.settings
    service.require_ready()
    principal = service.principal(request)
    sid, use_adapter = chat_student(body.model, body.user, body.context.student_id if body.context else None,
                                    BRAIN_MODEL_ID)
    service.check_student(principal, sid)
    for name in ("max_tokens", "max_completion_tokens"):  # both are checked, whichever is used
        if (getattr(body, name) or 0) > settings.max_new_tokens:
            raise FieldError(name, f"must be at most {settings.max_new_tokens}, got {getattr(body, name)}")
    max_tokens = body.max_completion_tokens or body.max_tokens or min(256, settings.max_new_tokens)
    last = body.question()
    check_sizes(service, "".join(m.text() for m in body.messages), max_tokens)
    chosen = await asyncio.to_thread(service.profiles.resolve, principal, sid,
                                     body.context.profile() if body.context else None, service.engine)
    profile = chosen.profile
    system = build_messages(profile, last, body.mode)[0]
    app_system = [m.text() for m in body.messages if m.role in ("system", "developer")]
    if app_system:
        system = {"role": "system", "content": system["content"] + "\n" + "\n".join(app_system)}
    turns = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in ("user", "assistant")]
    job = Job(sid, profile, [system] + turns, body.mode, max_tokens, body.temperature, body.top_p, body.seed,
              use_adapter=use_adapter, user_text=last, penalties=penalties_of(service, body),
              user_turns=[m.text() for m in body.messages if m.role == "user" and m.text().strip()])
    job.profile_source = chosen.source
    return admitted(service, request, principal, job)


def fingerprint(served: dict) -> str:
    v = served.get("adapter_version")
    return f"brain-{served.get('brain_version')}" + (f"-adapter-v{v}" if v else "-base")


@router.post("/v1/chat/completions")
async def chat_completions(body: ChatCompletionRequest, request: Request, response: Response):
    service = service_of(request)
    job = await job_from_chat(service, request, body)
    response.headers[PROFILE_HEADER] = job.profile_source
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    if not body.stream:
        out = await run_guarded(job.ticket, checked_answer(service, request, job, "chat_completions"))
        answered_by = served(service, out["choice"])
        return {
            "id": cid, "object": "chat.completion", "created": created, "model": body.model,
            "system_fingerprint": fingerprint(answered_by),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": out["text"]},
                         "finish_reason": "length" if out["finish_reason"] == "length" else
                         ("content_filter" if out["finish_reason"] == "content_filter" else "stop")}],
            "usage": out["usage"] or dict(NO_USAGE),
            "quality": out["quality"],  # beside choices: what the answer checks did (docs/serving.md)
            "aivo": {**answered_by, "student_id": job.student_id, "profile_source": job.profile_source,
                     "safety": out["safety"], "mode_check": repairs_of(out["quality"])},
        }
    include_usage = bool(body.stream_options and body.stream_options.include_usage)

    async def events():
        answered_by = {}

        def chunk(delta, finish=None, extra=None):
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": body.model,
                   "system_fingerprint": fingerprint(answered_by),
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if extra:
                obj.update(extra)
            return sse(obj)

        async for kind, value in checked_events(service, request, job, "chat_completions_stream"):
            if kind == "start":
                answered_by = value
                yield chunk({"role": "assistant", "content": ""}, extra={"aivo": {
                    **answered_by, "student_id": job.student_id, "profile_source": job.profile_source}})
            elif kind == "text":
                yield chunk({"content": value})
            elif kind == "replace":
                yield chunk({"content": value}, extra={"aivo": {"replace": True}})
            elif kind == "end":
                finish = value["finish_reason"]
                finish = finish if finish in ("length", "content_filter") else "stop"
                yield chunk({}, finish, extra={"quality": value.get("quality"), "aivo": {
                    "safety": value.get("safety"), "mode_check": repairs_of(value.get("quality"))}})
                if include_usage:
                    usage = value.get("usage") or dict(NO_USAGE)
                    yield sse({"id": cid, "object": "chat.completion.chunk", "created": created,
                               "model": body.model, "system_fingerprint": fingerprint(answered_by),
                               "choices": [], "usage": usage})
        yield "data: [DONE]\n\n"

    return StreamingResponse(sse_guarded(events(), job.ticket), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                                      PROFILE_HEADER: job.profile_source})


@router.get("/v1/models")
async def models(request: Request):
    service = service_of(request)
    principal = service.principal(request)
    created = int(service.started)
    if principal.all_students:
        from registry.adapters import registered_students

        try:
            students = await asyncio.to_thread(registered_students, service.settings)
        except Exception:  # noqa: BLE001
            students = []
    else:
        students = sorted(principal.roster)
    data = [{"id": BRAIN_MODEL_ID, "object": "model", "created": created, "owned_by": "aivo"}]
    data += [{"id": f"student-{s}", "object": "model", "created": created, "owned_by": principal.tenant_id
              or "aivo"} for s in students]
    return {"object": "list", "data": data}
