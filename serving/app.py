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

Run as: ``python -m serving.app`` (or ``aivo serve``); host/port from
``AIVO_ENDPOINT_HOST`` / ``AIVO_ENDPOINT_PORT``.
"""


import asyncio
import logging
import threading
import time
from typing import Annotated, Literal

import litserve as ls
from fastapi import HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from brain.schemas import (
    NOT_BLANK,
    STUDENT_ID_PATTERN,
    Baseline,
    GenerationContext,
    JsonInt,
    Mode,
    OptionalJsonInt,
    StudentId,
)
from brain.settings import Settings, get_settings
from serving.admission import DEADLINE_HEADER, Admission, Ticket, submit
from serving.auth import AuthError, Principal, Tenants, authenticate, client_ip

log = logging.getLogger("aivo.serving")

BRAIN_MODEL_ID = "aivo-brain"


# -- request shapes of the OpenAI-compatible routes ---------------------------------------

# 'aivo-brain' or 'student-<id>' (the schema says so; the chat route answers 404 for a model that does not
# exist and 422 naming `model` for 'student-' followed by something that is not a student id).
MODEL_PATTERN = rf"^({BRAIN_MODEL_ID}|student-{STUDENT_ID_PATTERN[1:-1]})$"
_TEXT = NOT_BLANK  # JSON Schema's pattern is a search: at least one character that is not blank


class ContentPart(BaseModel):
    """One part of a message's content; only ``text`` parts are read (others are ignored)."""

    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: Literal["system", "user", "assistant", "developer"]
    content: str | Annotated[list[ContentPart], Field(max_length=100)]

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(part.text or "" for part in self.content if part.type == "text")


class StreamOptions(BaseModel):
    include_usage: bool = Field(False, strict=True)


_HAS_USER_TEXT = {"contains": {  # the schema's way of saying "at least one user message with text"
    "type": "object", "required": ["role", "content"],
    "properties": {"role": {"const": "user"}, "content": {"anyOf": [
        {"type": "string", "pattern": _TEXT},
        {"type": "array", "contains": {"type": "object", "required": ["type", "text"],
                                       "properties": {"type": {"const": "text"},
                                                      "text": {"type": "string", "pattern": _TEXT}}}}]}}}}


class ChatCompletionRequest(BaseModel):
    # The student: model 'student-<id>', else the user field or context.student_id (said in the schema; that
    # user/context name the model's student is not: a mismatch is a 400).
    model_config = ConfigDict(extra="ignore", json_schema_extra={"anyOf": [
        {"properties": {"model": {"type": "string", "pattern": "^student-"}}},
        {"required": ["user"], "properties": {"user": {"type": "string"}}},
        {"required": ["context"], "properties": {"context": {"type": "object"}}}]})
    model: str = Field(description="'student-<id>' for a student's clone, 'aivo-brain' for the base model "
                       "(an unknown model is a 404)", json_schema_extra={"pattern": MODEL_PATTERN})
    messages: list[ChatMessage] = Field(min_length=1, max_length=100, json_schema_extra=_HAS_USER_TEXT,
                                        description="at least one 'user' message with text; the last one is "
                                        "the question (moderated, mode-checked)")
    user: StudentId | None = Field(None, description="The student id (OpenAI's end-user field)")
    context: GenerationContext | None = Field(
        None, description="The student's profile for this request, used when the student is on no roster "
        "(the response's aivo.profile_source says which profile was used); context.student_id must be "
        "the student of model/user")
    # Per-request parameters: strict JSON types (no "0.5" or true coerced), finite, in the ranges the
    # engine executes (serving/sampling.py check_request); a bad value is a 422 naming the field.
    max_tokens: OptionalJsonInt = Field(None, ge=1, le=4096, strict=True)
    max_completion_tokens: OptionalJsonInt = Field(None, ge=1, le=4096, strict=True)
    temperature: float = Field(0.7, ge=0.0, le=2.0, strict=True, allow_inf_nan=False)
    top_p: float = Field(0.95, gt=0.0, le=1.0, strict=True, allow_inf_nan=False,
                         description="nucleus mass; the most likely token is always kept")
    n: JsonInt = Field(1, ge=1, le=1, strict=True, description="only 1 is supported")
    seed: OptionalJsonInt = Field(None, ge=0, le=2**64 - 1, strict=True,
                             description="an unsigned 64-bit integer: the same seed gives the same sample")
    stream: bool = Field(False, strict=True)
    stream_options: StreamOptions | None = None
    mode: Mode = Mode.tutor

    @field_validator("messages")
    @classmethod
    def _has_user(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        if not any(m.role == "user" and m.text().strip() for m in messages):
            raise ValueError("at least one 'user' message with text is required (the last one is the question)")
        return messages

    def question(self) -> str:
        """The last user message's text: what is moderated and mode-checked."""
        return next(m.text() for m in reversed(self.messages) if m.role == "user" and m.text().strip())


class CloneStartRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    baseline: Baseline = Field(description="The baseline assessment; item_id must be unique within items")
    require_review: bool = Field(False, strict=True)


# -- the moderation API (LitServe worker) ----------------------------------------------------

class ModerationRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20000)
    direction: Literal["input", "output"] = "input"


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
        from brain.moderation import Moderator

        self.moderator = Moderator(self.settings)

    def decode_request(self, request: ModerationRequest):
        return request

    def predict(self, requests):
        from brain.moderation import moderate

        return [moderate(r.text, r.direction, moderator=self.moderator, route="moderate") for r in requests]

    def encode_response(self, verdict):
        return {"allowed": verdict.allowed, "action": verdict.action, "categories": list(verdict.categories),
                "message": None if verdict.allowed else verdict.message}


# -- the service: engine + registry + policies, shared by the routes --------------------------

class Service:
    """Everything the routes share; the model loads in a background thread (``/health`` says 'loading')."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.tenants = Tenants.for_settings(settings)
        self.engine = None
        self.brain = None
        self.brain_version = None
        self.error: str | None = None
        self.started = time.time()
        self.moderator = None
        try:  # built once with these settings (webhook, thresholds); a failure here fails closed per request
            from brain.moderation import Moderator

            self.moderator = Moderator(settings)
            self.moderator.check("warm up", direction="input")
        except Exception:  # noqa: BLE001
            log.exception("the moderator could not be built: every request will get the safe fallback")
        from serving.ratelimit import RateLimiter

        self.limiter = RateLimiter(settings)
        self.admission = Admission.from_settings(settings)  # this replica's queue (serving/admission.py)

    def load(self) -> None:
        try:
            from registry.brain import load_brain
            from serving.adapters import AdapterResolver
            from serving.engine import Engine

            self.brain, self.brain_version = load_brain(self.settings)  # the engine's thread runs without grad
            resolver = AdapterResolver(self.settings, self.brain_version.version)
            ctx = getattr(self.brain.model.config, "max_position_embeddings", 4096) or 4096
            self.engine = Engine(self.brain, resolver, max_batch=self.settings.serving_max_batch,
                                 slots=self.settings.adapter_slots, cache_bytes=self.settings.adapter_cache_bytes,
                                 max_context=min(int(ctx), 8192)).start()
        except Exception as exc:  # noqa: BLE001 - reported by /health
            log.exception("loading the brain failed")
            self.error = f"{type(exc).__name__}: {exc}"
        # A replica started outside `aivo up` (a container) also removes adapter uploads a crash left without a
        # manifest (older than adapter_orphan_grace_s); in the background, and never fatal.
        threading.Thread(target=self._sweep, name="aivo-sweep", daemon=True).start()

    def _sweep(self) -> None:
        try:
            from registry import sweep

            removed = sweep.sweep_all(self.settings)
            if removed:
                log.warning("removed %d incomplete adapter upload(s) at start", len(removed))  # no ids: not a student record
        except Exception as exc:  # noqa: BLE001 - S3 may be down at start; the next start or clone sweeps
            log.warning("sweeping incomplete adapter uploads at start failed: %s: %s", type(exc).__name__, exc)

    @property
    def ready(self) -> bool:
        return self.engine is not None

    def require_ready(self) -> None:
        if not self.ready:
            raise HTTPException(503, self.error or "the model is still loading; retry in a few seconds")

    # -- identity ---------------------------------------------------------------
    def principal(self, request: Request) -> Principal:
        try:
            return authenticate(self.settings, self.tenants, request.headers.get("authorization"))
        except AuthError as exc:
            raise HTTPException(exc.status, exc.message) from None

    @staticmethod
    def check_student(principal: Principal, student_id: str) -> None:
        try:
            principal.check_student(student_id)
        except AuthError as exc:
            raise HTTPException(exc.status, exc.message) from None

    def check_limits(self, request: Request, principal: Principal, student_id: str | None, scope: str = "request"):
        limiter = getattr(self, "limiter", None)
        if limiter is None:
            return
        from serving.ratelimit import RateLimited

        try:
            ip = client_ip(request.client.host if request.client else None, request.headers,
                           self.settings.trusted_proxies, self.settings.forwarded_header)
            limiter.check_request(scope=scope, api_key=principal.key_id or principal.kind,
                                  student_id=student_id, ip=ip)
        except RateLimited as exc:
            raise HTTPException(429, f"rate limit exceeded ({exc.scope}); retry in {exc.retry_after}s",
                                headers={"Retry-After": str(exc.retry_after)}) from None

    def admit(self, request: Request, principal: Principal, student_id: str | None) -> Ticket:
        """A place in this replica's queue (429/503 at once), then the rate limits: a request refused
        by either counts against neither. Give the ticket back when the request ends."""
        ticket = self.admission.admit(principal.tenant_id or principal.kind, request.headers.get(DEADLINE_HEADER))
        try:
            self.check_limits(request, principal, student_id)
        except HTTPException:
            ticket.release("rate_limited")
            raise
        return ticket

    # -- prompts ------------------------------------------------------------------
    def encode(self, messages: list[dict[str, str]]) -> list[int]:
        return self.brain.tokenizer.apply_chat_template(messages, add_generation_prompt=True,
                                                        return_dict=True)["input_ids"]


def usage_of(done) -> dict:
    return {"prompt_tokens": done.prompt_tokens, "completion_tokens": done.completion_tokens,
            "total_tokens": done.prompt_tokens + done.completion_tokens}


async def _watch_disconnect(request: Request, stream) -> None:
    """Cancel the engine row when the client goes away (non-streamed requests)."""
    while not stream.cancelled.is_set():
        if await request.is_disconnected():
            stream.cancel()
            return
        await asyncio.sleep(0.25)


async def run_to_end(service: "Service", request: Request, engine_request, on_text=None, ticket=None):
    """Submit to the engine and collect (choice, text, finished); cancels the row if the client leaves."""
    from serving.engine import Finished

    stream = submit(service.engine, engine_request, ticket)
    watcher = asyncio.create_task(_watch_disconnect(request, stream))
    choice, pieces, done = None, [], None
    try:
        async for kind, value in stream.aevents():
            if kind == "start":
                choice = value
            elif kind == "text":
                pieces.append(value)
                if on_text is not None and on_text(value) is False:
                    stream.cancel()
            elif kind == "end":
                done = value
    finally:
        watcher.cancel()
        stream.cancel()
    if done is None:  # pragma: no cover - the engine always ends a stream
        done = Finished("error", len(engine_request.prompt_ids), 0, "", None, 0.0, "no result")
    return choice, "".join(pieces).strip(), done


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
    routes.register(server, service)
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
