"""The routes about one student's record: assessment, clone runs (through Prefect) and deletion.

- ``POST /v1/assess``: grade a student's answer (serving/assess.py: exact, rules, the brain's label scores,
  overlap as the last resort), the feedback moderated;
- ``POST /v1/clone/start``, ``GET /v1/clone/{run_id}/status``: a clone run (serving/clones.py), only
  with the student's consent, only of a student the key may see;
- ``POST /v1/students/{student_id}/forget``: delete the student's data (registry/forget.py).

Included into the app of ``python -m serving.app`` (serving/routes.py); the service comes from
``request.app.state``.
"""

import asyncio

from fastapi import APIRouter, HTTPException, Request
from fastapi import Path as PathParam

from brain.schemas import STUDENT_ID_PATTERN
from serving.admission import run_guarded
from serving.clones import clone_status_of, start_clone
from serving.errors import RunId, check_student_id
from serving.generation import served
from serving.guards import guard_input, moderate, safety_of
from serving.profiles import context_of
from serving.schemas import AssessRequest, CloneStartRequest
from serving.service import service_of

router = APIRouter()


async def json_body(request: Request):
    try:
        return await request.json()
    except Exception as exc:  # noqa: BLE001
        raise HTTPException(422, f"malformed JSON body: {exc}") from None


# -- assessment --------------------------------------------------------------------------------

@router.post("/v1/assess")
async def assess_route(request: Request):
    from serving.assess import assess

    service = service_of(request)
    service.require_ready()
    raw = await json_body(request)
    try:
        body = AssessRequest.model_validate(raw)
    except Exception as exc:  # pydantic.ValidationError
        from fastapi.exceptions import RequestValidationError

        raise RequestValidationError(exc.errors()) from None
    principal = service.principal(request)
    sid = check_student_id(body.context.student_id, "context.student_id")
    service.check_student(principal, sid)
    chosen = service.profiles.resolve(principal, sid, body.context.profile())  # roster or the request: no I/O
    if chosen.source == "roster":
        body = body.model_copy(update={"context": context_of(chosen.profile, body.context.subject)})
    ticket = service.admit(request, principal, sid)
    verdict_in = await asyncio.to_thread(guard_input, service, body.student_answer, sid, "assess")
    if not verdict_in.allowed:
        ticket.release()
        return {"student_id": sid, "score": 0.0, "correct": False, "feedback": verdict_in.message,
                "method": "safety", "adapter_version": None, "safety": {"input": safety_of(verdict_in)}}

    def score_fn(messages, labels, prefix):  # the brain's label scores (serving/label_scores.py), beside the engine
        return service.label_scorer().score(messages, labels, prefix)

    result = await run_guarded(ticket, asyncio.to_thread(assess, body, score_fn=score_fn))
    out = result.model_dump(mode="json")
    verdict_out = moderate(service, out.get("feedback", ""), "output", sid, "assess")
    if not verdict_out.allowed:
        out["feedback"] = verdict_out.message
    graded_by = {"model": "the brain: label scores", "overlap": "word overlap (the model could not score)"}
    return {**out, "student_id": sid, **served(service, None), "served_by": graded_by.get(result.method, "exact rules (no model)"),
            "profile_source": chosen.source,
            "safety": {"input": safety_of(verdict_in), "output": safety_of(verdict_out)}}


# -- clones through Prefect --------------------------------------------------------------------

@router.post("/v1/clone/start")
async def clone_start(body: CloneStartRequest, request: Request):
    service = service_of(request)
    principal = service.principal(request)
    baseline = body.baseline
    sid = baseline.student.student_id
    service.check_student(principal, sid)
    service.check_limits(request, principal, sid, scope="clone")
    from registry.consent import ConsentMissing, require_all

    try:
        await asyncio.to_thread(require_all, service.settings, sid)  # collect + personalise, before anything is stored
    except ConsentMissing as exc:
        raise HTTPException(403, str(exc)) from None
    run = await asyncio.to_thread(start_clone, service.settings, baseline, body.require_review, principal.actor)
    return {"run_id": run["id"], "student_id": sid, "state": run.get("state_type"),
            "status_url": f"/v1/clone/{run['id']}/status"}


@router.get("/v1/clone/{run_id}/status")
async def clone_status(run_id: RunId, request: Request):
    service = service_of(request)
    principal = service.principal(request)

    def may_see(student_id: str | None) -> bool:  # another tenant's run and no run look the same: 404
        return principal.all_students or (student_id is not None and student_id in principal.roster)

    return await asyncio.to_thread(clone_status_of, service.settings, run_id, may_see)


# -- deletion ----------------------------------------------------------------------------------

@router.post("/v1/students/{student_id}/forget")
async def forget(request: Request, student_id: str = PathParam(..., pattern=STUDENT_ID_PATTERN)):
    """Delete the student's data by exact keys (registry/forget.py); 404, nothing changed, when no
    store (the rosters included) holds anything of the student."""
    from registry.forget import UnknownStudent, forget_student

    service = service_of(request)
    principal = service.principal(request)
    service.check_student(principal, student_id)
    rostered = sum(student_id in t.get("students", {}) for t in service.tenants.data()["tenants"].values())
    conversations = getattr(service, "conversations", None)
    remembered = conversations.count(student_id) if conversations is not None else 0
    try:
        report = await asyncio.to_thread(forget_student, service.settings, student_id, principal.actor,
                                         held_elsewhere={"roster_entries": rostered,
                                                         "conversation_turns": remembered})
    except UnknownStudent:
        raise HTTPException(404, f"unknown student {student_id!r}: nothing is stored for this id "
                                 "(never known, or already forgotten); nothing was changed") from None
    if service.engine is not None:
        service.engine.forget_student(student_id)
    service.profiles.forget(student_id)
    if conversations is not None:
        conversations.forget(student_id)  # the recent messages kept for the conversation check
    service.tenants.remove_student(student_id)
    return {"student_id": student_id, "forgotten": True,
            "report": report if isinstance(report, dict) else getattr(report, "to_dict", lambda: {})()}
