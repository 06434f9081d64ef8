"""The service every route shares: engine, registry, auth, limits and queue, held on ``app.state.service``.

``Service`` loads the brain in a background thread (``/health`` says 'loading' until then), holds each
student's recent messages for the conversation check (``conversations``, serving/conversation_memory.py) and
answers the routes' common questions: who is calling, may they see this student, is there room in
the queue. ``run_to_end`` runs one engine request to its end for a route, freeing the row when the
client leaves. Built by ``serving.app.build_server`` (``python -m serving.app``, ``aivo up``);
a route reads it with ``service_of(request)``.
"""

import asyncio
import logging
import threading
import time

from fastapi import HTTPException, Request

from brain.prompts import chat_ids
from brain.settings import Settings
from serving.admission import DEADLINE_HEADER, Admission, Ticket, submit
from serving.auth import AuthError, Principal, Tenants, authenticate, client_ip
from serving.profiles import ProfileResolver

log = logging.getLogger("aivo.serving")


class Service:
    """Everything the routes share; the model loads in a background thread (``/health`` says 'loading')."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.tenants = Tenants.for_settings(settings)
        self.profiles = ProfileResolver(settings, self.tenants)  # forget: service.profiles.forget
        from serving.conversation_memory import ConversationMemory

        # each student's recent messages, in memory only, for the conversation check (forget: .forget)
        self.conversations = ConversationMemory.from_settings(settings).start()
        self.engine = None
        self.brain = None
        self.brain_version = None
        self.error: str | None = None
        self.started = time.time()
        self.moderator = None
        try:  # built once with these settings (webhook, thresholds); a failure here fails closed per request
            from brain.safety.moderator import Moderator

            self.moderator = Moderator(settings)
            self.moderator.check("warm up", direction="input")
            # the language path trains its model on first use (seconds): here, not on a child's message
            self.moderator.check("hola, ¿me ayudas con la tarea de ciencias?", direction="input")
            from brain.safety.conversation_model import get_turn_model

            get_turn_model()  # the conversation check's per-turn model trains once (1-4 s): here, not on a request
        except Exception:  # noqa: BLE001
            log.exception("the moderator could not be built: every request will get the safe fallback")
        from serving.ratelimit import RateLimiter

        self.limiter = RateLimiter(settings)
        self.admission = Admission.from_settings(settings)  # this replica's queue (serving/admission.py)
        self._scorer, self._scorer_lock = None, threading.Lock()  # label_scorer()

    def load(self) -> None:
        try:
            from registry.brain import load_brain
            from serving.adapters import AdapterResolver
            from serving.engine import Engine  # (imports transformers' cache classes before the load thread runs)
            from serving.vllm_engine import VllmEngine
            from serving.vllm_setup import choose_engine, model_dir_for_vllm

            self.brain, self.brain_version = load_brain(self.settings)  # the engine's thread runs without grad
            self._warm_checks()
            resolver = AdapterResolver(self.settings, self.brain_version.version)
            ctx = min(int(getattr(self.brain.model.config, "max_position_embeddings", 4096) or 4096), 8192)
            if choose_engine(self.settings, self.brain.device.type) == "vllm":  # docs/serving.md, "Engines"
                self.engine = VllmEngine(model_dir_for_vllm(self.settings, self.brain, self.brain_version),
                                         self.brain.tokenizer, resolver, self.settings,
                                         max_batch=self.settings.serving_max_batch, max_context=ctx,
                                         device=self.brain.device.type).start()
            else:
                self.engine = Engine(self.brain, resolver, max_batch=self.settings.serving_max_batch,
                                     slots=self.settings.adapter_slots, cache_bytes=self.settings.adapter_cache_bytes,
                                     max_context=ctx, prefix_cache_bytes=self.settings.prefix_cache_bytes,
                                     prefill_chunk=self.settings.prefill_chunk_tokens,
                                     weights=self.settings.serving_weights).start()
        except Exception as exc:  # noqa: BLE001 - reported by /health
            log.exception("loading the brain failed")
            self.error = f"{type(exc).__name__}: {exc}"
        # A replica started outside `aivo up` (a container) also removes adapter uploads a crash left without a
        # manifest (older than adapter_orphan_grace_s); in the background, and never fatal.
        threading.Thread(target=self._sweep, name="aivo-sweep", daemon=True).start()

    @staticmethod
    def _warm_checks() -> None:
        """The answer checks' first call warms sympy (about a second): here, not on a child's first answer."""
        try:
            from serving.answer_check import warm

            warm()
        except Exception:  # noqa: BLE001 - a cold first check is slower, not wrong
            log.exception("warming the answer checks failed")

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

    def label_scorer(self):
        """The brain's label scorer (serving/label_scores.py), built on first use: ``/v1/assess`` asks it
        for the model's verdict as a constrained choice, beside the engine, never through it."""
        with self._scorer_lock:
            if getattr(self, "_scorer", None) is None:
                from serving.label_scores import LabelScorer

                self._scorer = LabelScorer(self.brain.model, self.brain.tokenizer)
            return self._scorer

    # -- prompts ------------------------------------------------------------------
    def encode(self, messages: list[dict[str, str]]) -> list[int]:
        return chat_ids(self.brain.tokenizer, messages)


def service_of(request: Request) -> Service:
    """The service of the app serving this request (``build_server`` puts it on ``app.state``)."""
    return request.app.state.service


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


async def run_to_end(service: Service, request: Request, engine_request, on_text=None, ticket=None):
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
