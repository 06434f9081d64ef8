"""The AIVO Brain HTTP endpoint (LitServe).

Routes so far:
- ``GET /health``: 200 with device, GPU name/memory when present, base model,
  once the model is loaded; 503 while it loads.
- ``POST /v1/generate``: {prompt, context{student_id, grade, ...}, mode,
  max_tokens, temperature} -> {response, student_id, adapter_version, usage, ...},
  answered by the base model under the student-aware system prompt.

Bad input gets a 4xx whose ``error.message`` names the field and the problem.

Run as: ``python -m serving.app`` (or ``aivo serve``); host/port from
``AIVO_ENDPOINT_HOST`` / ``AIVO_ENDPOINT_PORT``.
"""


import hmac
import json
import logging
import time
from pathlib import Path

import litserve as ls
import torch
from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

import contextlib
import dataclasses

from brain.generate import generate
from brain.models import EMBEDDED, MANIFEST, TINY, resolve_device
from brain.prompts import build_messages
from brain.schemas import GenerationRequest
from brain.settings import Settings, get_settings
from registry.brain import load_brain
from serving.adapters import AdapterCache

log = logging.getLogger("aivo.serving")
_bearer = HTTPBearer(auto_error=False)


def check_api_key(settings: Settings, credentials: HTTPAuthorizationCredentials | None) -> None:
    """401 unless the bearer token is one of the configured keys (no keys configured: open)."""
    if not settings.api_keys:
        return
    if credentials is None:
        raise HTTPException(401, "missing API key: send 'Authorization: Bearer <key>'")
    given = credentials.credentials.encode()
    if not any(hmac.compare_digest(given, k.get_secret_value().encode()) for k in settings.api_keys):
        raise HTTPException(401, "invalid API key")


class BrainAPI(ls.LitAPI):
    """Student-aware generation with the base model."""

    def __init__(self, settings: Settings | None = None, **kwargs):
        super().__init__(api_path="/v1/generate", **kwargs)
        self.settings = settings or get_settings()

    # Runs in the HTTP server process as a FastAPI dependency of the route.
    def authorize(self, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)):
        check_api_key(self.settings, credentials)

    # Everything below runs in the inference worker process.
    def setup(self, device):
        self.brain, self.brain_version = load_brain(self.settings)
        self.adapters = AdapterCache(self.settings, self.brain.model, self.brain_version.version,
                                     max_bytes=self.settings.adapter_cache_bytes)

    def decode_request(self, request: GenerationRequest):
        if len(request.prompt) > self.settings.max_prompt_chars:
            raise HTTPException(
                413,
                f"prompt is {len(request.prompt)} characters; the limit is {self.settings.max_prompt_chars}",
            )
        if request.max_tokens > self.settings.max_new_tokens:
            raise HTTPException(
                422, f"max_tokens must be at most {self.settings.max_new_tokens}, got {request.max_tokens}"
            )
        return request

    def predict(self, request: GenerationRequest):
        start = time.perf_counter()
        profile = request.context.profile()
        messages = build_messages(profile, request.prompt, request.mode)
        choice = self.adapters.choose(request.context.student_id)
        peft = self.adapters.peft_model
        if choice.adapter_name is not None:
            peft.set_adapter(choice.adapter_name)
            model, scope = dataclasses.replace(self.brain, model=peft), contextlib.nullcontext()
        elif peft is not None:
            model, scope = dataclasses.replace(self.brain, model=peft), peft.disable_adapter()
        else:
            model, scope = self.brain, contextlib.nullcontext()
        with scope:
            out = generate(model, messages, request.max_tokens, request.temperature)
        return request, out, choice, time.perf_counter() - start

    def encode_response(self, output):
        request, out, choice, seconds = output
        return {
            "response": out.text,
            "student_id": request.context.student_id,
            "mode": request.mode.value,
            "base_model": self.brain.name,
            "brain_version": self.brain_version.version,
            "adapter_version": choice.version,
            "served_by": choice.note,
            "finish_reason": out.finish_reason,
            "usage": {
                "prompt_tokens": out.prompt_tokens,
                "completion_tokens": out.completion_tokens,
                "total_tokens": out.prompt_tokens + out.completion_tokens,
            },
            "latency_ms": round(seconds * 1000, 1),
        }


class BodySizeLimit:
    """ASGI middleware: 413 for a body over ``max_bytes`` (declared or streamed), before any parsing.

    (LitServe's own max_payload_size middleware breaks FastAPI's body parsing in 0.2.19.)
    """

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await self._reject(send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, f"request body is over {self.max_bytes} bytes")
            return message

        return await self.app(scope, counted, send)

    async def _reject(self, send):
        body = json.dumps({"error": {"message": f"request body is over {self.max_bytes} bytes",
                                     "type": "invalid_request_error"}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


def _validation_message(exc: RequestValidationError) -> tuple[str, list]:
    """One readable line naming each wrong field, plus pydantic's list."""
    parts = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        msg = err.get("msg", "invalid")
        if err.get("type") == "json_invalid":
            msg = f"malformed JSON body: {err.get('ctx', {}).get('error', msg)}"
        elif not loc:
            msg = "request body must be a JSON object (send Content-Type: application/json)"
        elif err.get("type") == "missing":
            msg = "field required"
        msg = msg.removeprefix("Value error, ")
        parts.append(f"{'.'.join(loc)}: {msg}" if loc and err.get("type") != "json_invalid" else msg)
    clean = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
    return "; ".join(parts) or "invalid request", clean


def _health_payload(settings: Settings, server: ls.LitServer) -> tuple[int, dict]:
    ready = bool(server.workers_setup_status) and all(
        v == ls.utils.WorkerSetupStatus.READY for v in server.workers_setup_status.values()
    )
    device = resolve_device(settings)
    body: dict = {
        "status": "ok" if ready else "loading",
        "base_model": settings.base_model,
        "device": device.type,
        "torch_threads": settings.cpu_threads() if device.type == "cpu" else None,
    }
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(0)
        body["gpu"] = {"name": props.name, "memory_total_mb": props.total_memory // 2**20}
    if settings.base_model in (EMBEDDED, TINY):
        manifest = Path(settings.model_cache_dir) / settings.base_model / MANIFEST
        if manifest.exists():
            body["base_model_sha256"] = json.loads(manifest.read_text())["weights_sha256"]
    return (200 if ready else 503), body


def build_server(settings: Settings | None = None) -> ls.LitServer:
    settings = settings or get_settings()
    server = ls.LitServer(
        BrainAPI(settings),
        accelerator="cuda" if resolve_device(settings).type == "cuda" else "cpu",
        devices=1,
        workers_per_device=1,
        timeout=300,
        healthcheck_path="/litserve/health",
    )

    server.app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)

    @server.app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        message, details = _validation_message(exc)
        return JSONResponse(
            status_code=422,
            content={"error": {"message": message, "type": "invalid_request_error"}, "detail": details},
        )

    @server.app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException):
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": {"message": str(exc.detail), "type": "invalid_request_error"
                               if exc.status_code < 500 else "server_error"}, "detail": exc.detail},
            headers=getattr(exc, "headers", None),
        )

    @server.app.get("/health")
    async def health():
        status, body = _health_payload(settings, server)
        return JSONResponse(status_code=status, content=body)

    return server


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    import os

    # A registry lookup sits on the request path: fail fast (and serve the base) rather than retry for minutes.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "1")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "5")
    settings = get_settings()
    server = build_server(settings)
    server.run(host=settings.endpoint_host, port=settings.endpoint_port,
               generate_client_file=False, log_level="warning")


if __name__ == "__main__":
    main()
