"""The endpoint's routes: generation (plain, SSE, OpenAI chat), models, assessment, clones, forget, health.

Every generation route goes through the same steps: authenticate the key ->
the student must be on the key's roster -> rate limits -> moderation of the
input -> engine (the student's adapter) with the output moderated as it
streams -> moderation of the whole output -> mode check (tutor does not give
away the answer) -> response naming the adapter version used.
"""

import asyncio
import json
import logging
import time
import uuid

import torch
from fastapi import HTTPException, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from brain.models import EMBEDDED, MANIFEST, TINY, resolve_device
from brain.prompts import build_messages
from brain.schemas import GenerationRequest, Mode, StudentProfile
from brain.settings import get_settings, student_hash
from serving.app import (
    BRAIN_MODEL_ID,
    ChatCompletionRequest,
    CloneStartRequest,
    Service,
    run_to_end,
    usage_of,
)
from serving.admission import generate_blocking, run_guarded, sse_guarded, submit
from serving.clones import clone_status_of, start_clone
from serving.engine import EngineRequest
from serving.errors import FieldError, RunId, check_student_id
from serving.profiles import HEADER as PROFILE_HEADER
from serving.profiles import ProfileResolver, chat_student, context_of

log = logging.getLogger("aivo.serving")


def student_ref(student_id: str | None) -> str:
    """The first 16 hex of the student's salted hash (brain.settings.student_hash), for log lines that
    hold no student ids."""
    return student_hash(get_settings(), student_id)[:16] if student_id else "-"


# -- safety glue -----------------------------------------------------------------------

_MODERATOR = None  # the service's Moderator (built with its settings at load); None: the process default


def moderate(text: str, direction: str, student_id: str | None = None, route: str | None = None):
    """Fail-closed moderation (brain.moderation); a self-harm disclosure escalates to a trusted adult."""
    from brain.moderation import moderate as _moderate

    return _moderate(text, direction, moderator=_MODERATOR, student_id=student_id, route=route)


def _safety(verdict) -> dict | None:
    if verdict is None:
        return None
    return {"allowed": verdict.allowed, "action": verdict.action, "categories": list(verdict.categories)}


def guard_input(service: Service, text: str, student_id: str | None, route: str):
    verdict = moderate(text, "input", student_id, route)
    if not verdict.allowed:
        log.warning("input blocked: route=%s student=%s categories=%s", route, student_ref(student_id),
                    ",".join(verdict.categories))
    return verdict


def stream_guard(student_id: str | None, route: str):
    from brain.moderation import StreamModerator

    return StreamModerator(_MODERATOR, student_id=student_id, route=route)


def mode_check(mode: Mode, prompt: str, text: str, profile: StudentProfile | None):
    from serving.modes import check_output

    result = check_output(mode, prompt, text, profile)
    if result.ok:
        return text, None
    return (result.fixed_text or text), list(result.problems)


# -- generation core -----------------------------------------------------------------------

class Job:
    """One prepared generation: who, what, with which limits."""

    def __init__(self, student_id, profile, messages, mode, max_tokens, temperature, top_p=0.95, seed=None,
                 use_adapter=True, user_text=""):
        self.student_id, self.profile, self.messages, self.mode = student_id, profile, messages, mode
        self.max_tokens, self.temperature, self.top_p, self.seed = max_tokens, temperature, top_p, seed
        self.use_adapter, self.user_text = use_adapter, user_text
        self.engine_request = self.ticket = None  # set once validated; the ticket: its place in the queue


def _check_sizes(service: Service, prompt: str, max_tokens: int) -> None:
    s = service.settings
    if len(prompt) > s.max_prompt_chars:
        raise FieldError("prompt", f"{len(prompt)} characters; the limit is {s.max_prompt_chars}", 413)
    if max_tokens > s.max_new_tokens:
        raise FieldError("max_tokens", f"must be at most {s.max_new_tokens}, got {max_tokens}")


def _engine_request(service: Service, job: Job) -> EngineRequest:
    ids = service.encode(job.messages)
    if len(ids) + job.max_tokens > service.engine.max_context:
        raise HTTPException(413, f"prompt of {len(ids)} tokens plus max_tokens {job.max_tokens} is over the "
                                 f"model's context of {service.engine.max_context} tokens")
    return EngineRequest(prompt_ids=ids, max_tokens=job.max_tokens, temperature=job.temperature, top_p=job.top_p,
                         seed=job.seed, student_id=job.student_id, use_adapter=job.use_adapter)


def _served(service: Service, choice) -> dict:
    return {"adapter_version": choice.version if choice else None,
            "served_by": choice.note if choice else "safety: not generated",
            "brain_version": service.brain_version.version if service.brain_version else None,
            "base_model": service.brain.name if service.brain else service.settings.base_model}


async def generate_once(service: Service, request: Request, job: Job, route: str) -> dict:
    """Run a job to the end: {text, choice, finished, safety, mode_problems, finish_reason}."""
    verdict_in = guard_input(service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        return {"text": verdict_in.message, "choice": None, "finished": None, "finish_reason": "content_filter",
                "safety": {"input": _safety(verdict_in), "output": None}, "mode_problems": None}
    guard = stream_guard(job.student_id, route)
    hit = {}

    def on_text(delta):  # the answer is moderated as it is generated: a hit stops the generation
        verdict = guard.feed(delta)
        if verdict is not None and not verdict.allowed:
            hit["verdict"] = verdict
            return False
        return True

    choice, text, done = await run_to_end(service, request, job.engine_request or _engine_request(service, job),
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
            "safety": {"input": _safety(verdict_in), "output": _safety(verdict_out)}, "mode_problems": problems}


async def stream_events(service: Service, request: Request, job: Job, route: str):
    """Yield (kind, payload): ("start", served) ("text", str) ("replace", str) ("end", {...}).

    Text is released only after the moderator checked it (up to the last whole word); tutor answers
    go out a sentence at a time, each checked for a give-away of the final answer first."""
    verdict_in = guard_input(service, job.user_text, job.student_id, route)
    if not verdict_in.allowed:
        yield "start", _served(service, None)
        yield "text", verdict_in.message
        yield "end", {"finish_reason": "content_filter", "usage": None,
                      "safety": {"input": _safety(verdict_in), "output": None}}
        return
    stream = submit(service.engine, job.engine_request or _engine_request(service, job), job.ticket)
    guard = stream_guard(job.student_id, route)
    sent, pending = "", ""
    tutor = job.mode == Mode.tutor
    try:
        async for kind, value in stream.aevents():
            if kind == "start":
                yield "start", _served(service, value)
            elif kind == "text":
                verdict = guard.feed(value)
                if verdict is not None and not verdict.allowed:
                    stream.cancel()
                    yield "replace", verdict.message
                    yield "end", {"finish_reason": "content_filter", "usage": None,
                                  "safety": {"input": _safety(verdict_in), "output": _safety(verdict)}}
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
                                      "safety": {"input": _safety(verdict_in), "output": None}}
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
                                  "safety": {"input": _safety(verdict_in), "output": _safety(verdict)}}
                    return
                problems = None
                if pending:
                    fixed, problems = mode_check(job.mode, job.user_text, sent + pending, job.profile)
                    if problems and fixed.startswith(sent):
                        pending = fixed[len(sent):]
                    yield "text", pending
                yield "end", {"finish_reason": done.finish_reason, "usage": usage_of(done), "mode_problems": problems,
                              "ttft_ms": round(done.ttft_s * 1000, 1) if done.ttft_s else None,
                              "safety": {"input": _safety(verdict_in), "output": _safety(verdict)}}
                return
    finally:
        stream.cancel()  # the client went away (or we are done): free the row


def _sse(obj) -> str:
    return f"data: {json.dumps(obj)}\n\n"


# -- routes ----------------------------------------------------------------------------------

def register(server, service: Service) -> None:
    global _MODERATOR
    app = server.app
    settings = service.settings
    _MODERATOR = service.moderator
    profiles = service.profiles = ProfileResolver(settings, service.tenants)  # forget: service.profiles.forget

    def job_from_generate(request: Request, body: GenerationRequest):
        service.require_ready()
        principal = service.principal(request)
        sid = check_student_id(body.context.student_id, "context.student_id")
        service.check_student(principal, sid)
        max_tokens = body.max_tokens if "max_tokens" in body.model_fields_set else min(body.max_tokens,
                                                                                      settings.max_new_tokens)
        _check_sizes(service, body.prompt, max_tokens)
        chosen = profiles.resolve(principal, sid, body.context.profile())  # roster or the request: no I/O
        profile = chosen.profile
        messages = build_messages(profile, body.prompt, body.mode)
        job = Job(sid, profile, messages, body.mode, max_tokens, body.temperature, user_text=body.prompt)
        job.profile_source = chosen.source
        return admitted(request, principal, job)

    def admitted(request: Request, principal, job: Job) -> Job:
        """The job once it passed every check: 413 over the context, then a place in the queue (429/503),
        then the rate limits; a request refused on the way counts against no limit (serving/admission.py)."""
        job.engine_request = _engine_request(service, job)
        job.ticket = service.admit(request, principal, job.student_id)
        return job

    @app.post("/v1/generate")
    async def generate(body: GenerationRequest, request: Request):
        start = time.perf_counter()
        job = job_from_generate(request, body)
        out = await run_guarded(job.ticket, generate_once(service, request, job, "generate"))
        done = out["finished"]
        return {
            "response": out["text"], "student_id": job.student_id, "mode": job.mode.value,
            **_served(service, out["choice"]), "profile_source": job.profile_source,
            "finish_reason": out["finish_reason"],
            "usage": usage_of(done) if done else {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "safety": out["safety"], "mode_check": out["mode_problems"],
            "latency_ms": round((time.perf_counter() - start) * 1000, 1),
        }

    @app.post("/v1/generate/stream")
    async def generate_stream(body: GenerationRequest, request: Request):
        job = job_from_generate(request, body)

        async def events():
            async for kind, value in stream_events(service, request, job, "generate_stream"):
                if kind == "start":
                    yield _sse({"type": "start", "student_id": job.student_id, "mode": job.mode.value,
                                "profile_source": job.profile_source, **value})
                elif kind == "text":
                    yield _sse({"type": "token", "token": value})
                elif kind == "replace":
                    yield _sse({"type": "replace", "text": value})
                elif kind == "end":
                    yield _sse({"type": "done", "done": True, "student_id": job.student_id, **value})
            yield "data: [DONE]\n\n"

        return StreamingResponse(sse_guarded(events(), job.ticket), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    # -- OpenAI-compatible ------------------------------------------------------------
    async def job_from_chat(request: Request, body: ChatCompletionRequest):
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
        _check_sizes(service, "".join(m.text() for m in body.messages), max_tokens)
        chosen = await asyncio.to_thread(profiles.resolve, principal, sid,
                                         body.context.profile() if body.context else None, service.engine)
        profile = chosen.profile
        system = build_messages(profile, last, body.mode)[0]
        app_system = [m.text() for m in body.messages if m.role in ("system", "developer")]
        if app_system:
            system = {"role": "system", "content": system["content"] + "\n" + "\n".join(app_system)}
        turns = [{"role": m.role, "content": m.text()} for m in body.messages if m.role in ("user", "assistant")]
        job = Job(sid, profile, [system] + turns, body.mode, max_tokens, body.temperature, body.top_p, body.seed,
                  use_adapter=use_adapter, user_text=last)
        job.profile_source = chosen.source
        return admitted(request, principal, job)

    def fingerprint(served: dict) -> str:
        v = served.get("adapter_version")
        return f"brain-{served.get('brain_version')}" + (f"-adapter-v{v}" if v else "-base")

    @app.post("/v1/chat/completions")
    async def chat_completions(body: ChatCompletionRequest, request: Request, response: Response):
        job = await job_from_chat(request, body)
        response.headers[PROFILE_HEADER] = job.profile_source
        cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
        if not body.stream:
            out = await run_guarded(job.ticket, generate_once(service, request, job, "chat_completions"))
            served = _served(service, out["choice"])
            done = out["finished"]
            return {
                "id": cid, "object": "chat.completion", "created": created, "model": body.model,
                "system_fingerprint": fingerprint(served),
                "choices": [{"index": 0, "message": {"role": "assistant", "content": out["text"]},
                             "finish_reason": "length" if out["finish_reason"] == "length" else
                             ("content_filter" if out["finish_reason"] == "content_filter" else "stop")}],
                "usage": usage_of(done) if done else {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "aivo": {**served, "student_id": job.student_id, "profile_source": job.profile_source,
                         "safety": out["safety"], "mode_check": out["mode_problems"]},
            }
        include_usage = bool(body.stream_options and body.stream_options.include_usage)

        async def events():
            served = {}

            def chunk(delta, finish=None, extra=None):
                obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": body.model,
                       "system_fingerprint": fingerprint(served),
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
                if extra:
                    obj.update(extra)
                return _sse(obj)

            async for kind, value in stream_events(service, request, job, "chat_completions_stream"):
                if kind == "start":
                    served = value
                    yield chunk({"role": "assistant", "content": ""}, extra={"aivo": {
                        **served, "student_id": job.student_id, "profile_source": job.profile_source}})
                elif kind == "text":
                    yield chunk({"content": value})
                elif kind == "replace":
                    yield chunk({"content": value}, extra={"aivo": {"replace": True}})
                elif kind == "end":
                    finish = value["finish_reason"]
                    finish = finish if finish in ("length", "content_filter") else "stop"
                    yield chunk({}, finish, extra={"aivo": {"safety": value.get("safety"),
                                                            "mode_check": value.get("mode_problems")}})
                    if include_usage:
                        usage = value.get("usage") or {"prompt_tokens": 0, "completion_tokens": 0,
                                                       "total_tokens": 0}
                        yield _sse({"id": cid, "object": "chat.completion.chunk", "created": created,
                                    "model": body.model, "system_fingerprint": fingerprint(served),
                                    "choices": [], "usage": usage})
            yield "data: [DONE]\n\n"

        return StreamingResponse(sse_guarded(events(), job.ticket), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no",
                                          PROFILE_HEADER: job.profile_source})

    @app.get("/v1/models")
    async def models(request: Request):
        principal = service.principal(request)
        created = int(service.started)
        if principal.all_students:
            from registry.adapters import registered_students

            try:
                students = await asyncio.to_thread(registered_students, settings)
            except Exception:  # noqa: BLE001
                students = []
        else:
            students = sorted(principal.roster)
        data = [{"id": BRAIN_MODEL_ID, "object": "model", "created": created, "owned_by": "aivo"}]
        data += [{"id": f"student-{s}", "object": "model", "created": created, "owned_by": principal.tenant_id
                  or "aivo"} for s in students]
        return {"object": "list", "data": data}

    # -- assessment ----------------------------------------------------------------------
    @app.post("/v1/assess")
    async def assess_route(request: Request):
        from serving.assess import AssessRequest, assess

        service.require_ready()
        raw = await _json_body(request)
        try:
            body = AssessRequest.model_validate(raw)
        except Exception as exc:  # pydantic.ValidationError
            from fastapi.exceptions import RequestValidationError

            raise RequestValidationError(exc.errors()) from None
        principal = service.principal(request)
        sid = check_student_id(body.context.student_id, "context.student_id")
        service.check_student(principal, sid)
        chosen = profiles.resolve(principal, sid, body.context.profile())  # roster or the request: no I/O
        if chosen.source == "roster":
            body = body.model_copy(update={"context": context_of(chosen.profile, body.context.subject)})
        ticket = service.admit(request, principal, sid)
        verdict_in = guard_input(service, body.student_answer, sid, "assess")
        if not verdict_in.allowed:
            ticket.release()
            return {"student_id": sid, "score": 0.0, "correct": False, "feedback": verdict_in.message,
                    "method": "safety", "adapter_version": None, "safety": {"input": _safety(verdict_in)}}
        used = {}

        def generate_fn(messages, max_new_tokens):
            ids = service.encode(messages)
            if len(ids) + max_new_tokens > service.engine.max_context:  # graded without the model (overlap)
                return ""
            choice, done = generate_blocking(service.engine, EngineRequest(ids, max_new_tokens, 0.0, student_id=sid),
                                             ticket)
            used["choice"] = choice
            return done.text

        result = await run_guarded(ticket, asyncio.to_thread(assess, body, generate_fn))
        out = result.model_dump(mode="json")
        verdict_out = moderate(out.get("feedback", ""), "output", sid, "assess")
        if not verdict_out.allowed:
            out["feedback"] = verdict_out.message
        return {**out, "student_id": sid, **_served(service, used.get("choice")), "profile_source": chosen.source,
                "safety": {"input": _safety(verdict_in), "output": _safety(verdict_out)}}

    # -- clones through Prefect ------------------------------------------------------------
    @app.post("/v1/clone/start")
    async def clone_start(body: CloneStartRequest, request: Request):
        principal = service.principal(request)
        baseline = body.baseline
        sid = baseline.student.student_id
        service.check_student(principal, sid)
        service.check_limits(request, principal, sid, scope="clone")
        from registry.consent import ConsentMissing, require_all

        try:
            await asyncio.to_thread(require_all, settings, sid)  # collect + personalise, before anything is stored
        except ConsentMissing as exc:
            raise HTTPException(403, str(exc)) from None
        run = await asyncio.to_thread(start_clone, settings, baseline, body.require_review,
                                      principal.actor)
        return {"run_id": run["id"], "student_id": sid, "state": run.get("state_type"),
                "status_url": f"/v1/clone/{run['id']}/status"}

    @app.get("/v1/clone/{run_id}/status")
    async def clone_status(run_id: RunId, request: Request):
        principal = service.principal(request)

        def may_see(student_id: str | None) -> bool:  # another tenant's run and no run look the same: 404
            return principal.all_students or (student_id is not None and student_id in principal.roster)

        return await asyncio.to_thread(clone_status_of, settings, run_id, may_see)

    # -- deletion ----------------------------------------------------------------------------
    from fastapi import Path as PathParam

    from brain.schemas import STUDENT_ID_PATTERN

    @app.post("/v1/students/{student_id}/forget")
    async def forget(request: Request, student_id: str = PathParam(..., pattern=STUDENT_ID_PATTERN)):
        """Delete the student's data by exact keys (registry/forget.py); 404, nothing changed, when no
        store (the rosters included) holds anything of the student."""
        from registry.forget import UnknownStudent, forget_student

        principal = service.principal(request)
        service.check_student(principal, student_id)
        rostered = sum(student_id in t.get("students", {}) for t in service.tenants.data()["tenants"].values())
        try:
            report = await asyncio.to_thread(forget_student, settings, student_id, principal.actor,
                                             held_elsewhere={"roster_entries": rostered})
        except UnknownStudent:
            raise HTTPException(404, f"unknown student {student_id!r}: nothing is stored for this id "
                                     "(never known, or already forgotten); nothing was changed") from None
        if service.engine is not None:
            service.engine.forget_student(student_id)
        service.profiles.forget(student_id)
        service.tenants.remove_student(student_id)
        return {"student_id": student_id, "forgotten": True,
                "report": report if isinstance(report, dict) else getattr(report, "to_dict", lambda: {})()}

    # -- health ------------------------------------------------------------------------------
    @app.get("/health")
    async def health():
        device = resolve_device(settings)
        body = {
            "status": "ok" if service.ready else ("error" if service.error else "loading"),
            "base_model": settings.base_model,
            "device": device.type,
            "torch_threads": settings.cpu_threads() if device.type == "cpu" else None,
            "auth": "open (no API keys or tenants configured)" if not settings.api_keys
            and not service.tenants.configured() else "api keys",
        }
        if service.error:
            body["error"] = service.error
        if device.type == "cuda":
            props = torch.cuda.get_device_properties(0)
            body["gpu"] = {"name": props.name, "memory_total_mb": props.total_memory // 2**20,
                           "memory_allocated_mb": torch.cuda.memory_allocated(0) // 2**20}
        if settings.base_model in (EMBEDDED, TINY):
            manifest = settings.model_cache_dir / settings.base_model / MANIFEST
            if manifest.exists():
                body["base_model_sha256"] = json.loads(manifest.read_text())["weights_sha256"]
        if service.ready:
            body["brain_version"] = service.brain_version.version
            body["cache"] = service.engine.stats()
        body["admission"] = service.admission.stats()
        return JSONResponse(status_code=200 if service.ready else 503, content=body)


async def _json_body(request: Request):
    try:
        return await request.json()
    except Exception as exc:  # noqa: BLE001
        raise HTTPException(422, f"malformed JSON body: {exc}") from None
