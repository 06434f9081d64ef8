"""The AIVO Brain HTTP endpoint (LitServe).

Routes (shapes in docs/serving.md):
- ``POST /v1/generate``, ``POST /v1/generate/stream`` (server-sent events)
- ``POST /v1/chat/completions``, ``GET /v1/models`` (OpenAI-compatible)
- ``POST /v1/assess``
- ``POST /v1/clone/start``, ``GET /v1/clone/{run_id}/status`` (through Prefect's REST API)
- ``POST /v1/moderate`` (the LitServe API: text -> moderation verdict, batched in its worker)
- ``POST /v1/students/{student_id}/forget``
- ``GET /health``

Generation runs in the continuous-batching engine (serving/engine.py) inside
this process: every route's requests share one batch, each row with its own
student's adapter, and a client that disconnects frees its row at the next
step. LitServe runs the HTTP server (uvicorn in a thread of this process, so
the routes and the engine share memory) and the moderation worker.

Bad input gets a 4xx whose ``error.message`` names the field and the problem.

This module builds the server: the moderation API (LitServe's own route) and the
routes (serving/routes.py assembles serving/routes_chat.py and serving/routes_students.py),
which read the shared ``Service`` (serving/service.py) from ``app.state.service``; the
request models are serving/schemas.py's.

Run as: ``python -m serving.app`` (or ``aivo serve``); host/port from
``AIVO_ENDPOINT_HOST`` / ``AIVO_ENDPOINT_PORT``.
"""


import logging
import threading

import litserve as ls
from fastapi import HTTPException, Request

from brain.settings import Settings, get_settings
from serving.auth import AuthError, Tenants, authenticate
from serving.schemas import ModerationRequest
from serving.service import Service

log = logging.getLogger("aivo.serving")


# -- the moderation API (LitServe worker) ----------------------------------------------------

class ModerationAPI(ls.LitAPI):
    """``POST /v1/moderate``: apps check a text (a student's message before sending, a page before showing)."""

    def __init__(self, settings: Settings, **kwargs):
        super().__init__(api_path="/v1/moderate", max_batch_size=16, batch_timeout=0.01, **kwargs)
        self.settings = settings

    def authorize(self, request: Request):
        try:
            authenticate(self.settings, Tenants.for_settings(self.settings), request.headers.get("authorization"))
        except AuthError as exc:
            raise HTTPException(exc.status, exc.message) from None

    def setup(self, device):
        from brain.safety.moderator import Moderator

        self.moderator = Moderator(self.settings)

    def decode_request(self, request: ModerationRequest):
        return request

    def predict(self, requests):
        from brain.safety.moderator import moderate

        return [moderate(r.text, r.direction, moderator=self.moderator, route="moderate") for r in requests]

    def encode_response(self, verdict):
        return {"allowed": verdict.allowed, "action": verdict.action, "categories": list(verdict.categories),
                "message": None if verdict.allowed else verdict.message}


# -- the server --------------------------------------------------------------------------------

def build_server(settings: Settings | None = None, service: Service | None = None) -> ls.LitServer:
    from serving import errors, openapi, routes

    settings = settings or get_settings()
    service = service or Service(settings)
    server = ls.LitServer(
        ModerationAPI(settings),
        accelerator="cpu",
        devices=1,
        workers_per_device=1,
        timeout=60,
        healthcheck_path="/litserve/health",
    )
    server.app.state.service = service
    errors.install(server.app, settings.max_body_bytes)
    routes.install(server.app)  # the handlers read the service from app.state
    openapi.install(server.app, settings, lambda: bool(settings.api_keys) or service.tenants.configured())
    return server


def main() -> None:
    from brain import logs

    logs.setup()  # JSON lines, also in a container: forget finds a student's records by their field
    import os

    # A registry lookup sits on a student's first request: fail fast (and serve the base) rather than retry.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    settings = get_settings()
    service = Service(settings)
    if not settings.api_keys and not service.tenants.configured():
        log.warning("no API keys and no tenants configured: the endpoint is OPEN (local development only)")
    threading.Thread(target=service.load, name="aivo-load", daemon=True).start()
    server = build_server(settings, service)
    server.run(host=settings.endpoint_host, port=settings.endpoint_port, generate_client_file=False,
               log_level="warning", api_server_worker_type="thread",
               proxy_headers=False)  # the client IP is ours to tell (serving/auth.py client_ip), not uvicorn's


if __name__ == "__main__":
    main()
