"""The endpoint's routes, assembled: the routers by role included into the LitServer's FastAPI app, and ``/health``.

- serving/routes_chat.py: ``/v1/generate`` (plain and SSE), ``/v1/chat/completions``, ``/v1/models``;
- serving/routes_students.py: ``/v1/assess``, ``/v1/clone/...``, ``/v1/students/{student_id}/forget``;
- here: ``GET /health``.

Every handler is a module-level function that reads the service (serving/service.py) from
``request.app.state.service``, which ``serving.app.build_server`` sets. Every generating route goes
through the same steps (serving/generation.py): authenticate the key -> the student must be on the
key's roster -> rate limits -> the conversation check (serving/guards.py ``guard_conversation``: the student's
recent messages with this request's, for grooming built over many messages) -> moderation of the input -> engine (the student's adapter) with the
output moderated as it streams -> moderation of the whole output -> the answer checks (serving/answer_check.py: regenerated
or replaced by the verified fallback on a finding) -> response naming the adapter version used.

Run as part of ``python -m serving.app``.
"""

import json

import torch
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from brain.models import EMBEDDED, MANIFEST, TINY, TINY_H32, resolve_device
from serving import answer_check, routes_chat, routes_students
from serving.service import service_of

router = APIRouter()


@router.get("/health")
async def health(request: Request):
    service = service_of(request)
    settings = service.settings
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
    if settings.base_model in (EMBEDDED, TINY, TINY_H32):
        manifest = settings.model_cache_dir / settings.base_model / MANIFEST
        if manifest.exists():
            body["base_model_sha256"] = json.loads(manifest.read_text())["weights_sha256"]
    if service.ready:
        body["brain_version"] = service.brain_version.version
        body["cache"] = service.engine.stats()
        body["quality"] = answer_check.stats()  # this process's checked answers: retries, fallbacks
    body["admission"] = service.admission.stats()
    return JSONResponse(status_code=200 if service.ready else 503, content=body)


ROUTERS = (routes_chat.router, routes_students.router, router)
"""In the order the OpenAPI schema lists their paths."""


def install(app: FastAPI) -> None:
    """Add every route to ``app`` (its ``state.service`` must be set before the first request).

    The routers' routes join the app's own list, flat: ``app.routes`` lists every path, as LitServe's
    and the tests read it (FastAPI 0.139's ``include_router`` would nest each router as one lazy entry)."""
    for r in ROUTERS:
        app.router.routes.extend(r.routes)
