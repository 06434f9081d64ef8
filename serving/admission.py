"""Admission control of one replica: a bounded queue, a per-tenant share, deadlines, SSE keep-alives.

A replica holds at most ``capacity`` generation requests at once: the rows of the engine's batch
(``AIVO_SERVING_MAX_BATCH``) plus a waiting allowance (``AIVO_ADMISSION_WAITING``);
``AIVO_ADMISSION_CAPACITY`` sets the sum directly. The routes ask for a ticket after a request is
validated and before the rate limits are counted (``Service.admit``), so a refused request costs no
rate-limit budget. Refusals come at once, never after a wait:

- 429 + ``Retry-After``: the caller's tenant already holds ``AIVO_ADMISSION_TENANT_SHARE`` of the
  capacity while another tenant is present (holds a request, or asked within ``PRESENCE_S`` s).
  A tenant alone may use the whole capacity.
- 503 + ``Retry-After``: the replica is full.

Every admitted request has a deadline: ``AIVO_REQUEST_DEADLINE_S``, or less when the client sends
``X-Aivo-Deadline: <seconds>``. A request that got no row within ``AIVO_ADMISSION_MAX_WAIT_S`` ends
with 503 + ``Retry-After``; one past its deadline with 504. Non-streamed: that status and the error
body; streamed (the 200 is already sent): an ``{"error": {...}}`` event, then ``data: [DONE]``. The
engine row is cancelled either way. A stream silent for ``AIVO_SSE_KEEPALIVE_S`` (waiting for a row,
or text held back for moderation) gets the SSE comment ``: keep-alive``.

``Retry-After`` is an estimate: the median time a request held its place, times the requests ahead,
over the batch size, between 1 and ``RETRY_AFTER_MAX`` s. ``stats()`` is the ``admission`` part of
``/health``.

Run as: ``python -m serving.admission`` (prints the limits in force).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import queue
import threading
import time
from collections import Counter, deque

from fastapi import HTTPException

from brain.settings import Settings, get_settings

DEADLINE_HEADER = "x-aivo-deadline"
PRESENCE_S = 15.0  # a tenant counts as present this long after its last request
REAP_AFTER_S = 30.0  # a ticket nobody released (a request lost on the way) is dropped this long after its deadline
RETRY_AFTER_MAX = 30
KEEPALIVE = ": keep-alive\n\n"


def _pct(values, q: float) -> float | None:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else None


class Ticket:
    """One admitted request's place: its tenant, deadline and whether it has a row yet."""

    def __init__(self, admission: "Admission", tenant: str, deadline_s: float):
        self.admission, self.tenant, self.deadline_s = admission, tenant, deadline_s
        self.admitted_at = time.monotonic()
        self.deadline = self.admitted_at + deadline_s
        self.wait_until = self.admitted_at + admission.max_wait_s
        self.started_at: float | None = None
        self.released = False

    def start(self) -> None:
        """The engine gave this request a row (its first event)."""
        if self.started_at is None:
            self.started_at = time.monotonic()
            self.admission.record_wait(self.started_at - self.admitted_at)

    def expired(self) -> str | None:
        """'deadline', 'max_wait' (still no row), or None."""
        now = time.monotonic()
        if now >= self.deadline:
            return "deadline"
        if self.started_at is None and now >= self.wait_until:
            return "max_wait"
        return None

    def time_left(self) -> float:
        end = self.deadline if self.started_at is not None else min(self.deadline, self.wait_until)
        return max(0.0, end - time.monotonic())

    def failure(self, reason: str) -> HTTPException:
        """The error a request ends with when ``reason`` ('deadline' or 'max_wait') hits."""
        if reason == "max_wait":
            retry = self.admission.retry_after()
            return HTTPException(503, f"no free row within {self.admission.max_wait_s:g} s: this replica is busy; "
                                      f"retry after {retry} s", headers={"Retry-After": str(retry)})
        return HTTPException(504, f"the request's deadline of {self.deadline_s:g} s passed before the answer "
                                  "was complete; ask for less (max_tokens) or retry later")

    def release(self, outcome: str = "done") -> None:
        self.admission.release(self, outcome)


class Admission:
    """The replica's admitted requests (thread-safe: the routes' loop and assess's worker threads)."""

    def __init__(self, capacity: int, max_batch: int, *, max_wait_s: float = 20.0, tenant_share: float = 0.5,
                 deadline_s: float = 90.0, keepalive_s: float = 5.0):
        self.capacity, self.max_batch = max(1, capacity), max(1, max_batch)
        self.max_wait_s, self.tenant_share = max_wait_s, tenant_share
        self.deadline_s, self.keepalive_s = deadline_s, keepalive_s
        self.share_limit = max(1, math.floor(tenant_share * self.capacity))
        self._lock = threading.Lock()
        self._tickets: set[Ticket] = set()
        self._held: Counter[str] = Counter()
        self._seen: dict[str, float] = {}  # tenant -> last time it asked
        self._waits: deque[float] = deque(maxlen=2000)  # seconds from admission to a row (or to giving up)
        self._held_s: deque[float] = deque(maxlen=200)  # seconds a finished request held its place
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Admission":
        capacity = settings.admission_capacity or settings.serving_max_batch + settings.admission_waiting
        return cls(capacity, settings.serving_max_batch, max_wait_s=settings.admission_max_wait_s,
                   tenant_share=settings.admission_tenant_share, deadline_s=settings.request_deadline_s,
                   keepalive_s=settings.sse_keepalive_s)

    # -- admit / release ------------------------------------------------------------------
    def admit(self, tenant: str, deadline: str | None = None) -> Ticket:
        """A place for one request of ``tenant``, or HTTPException 429/503 (+ Retry-After) at once.
        ``deadline``: the client's X-Aivo-Deadline (seconds; capped at the server's deadline)."""
        deadline_s = self._deadline(deadline)
        with self._lock:
            now = time.monotonic()
            self._reap(now)
            for t in [t for t, at in self._seen.items() if now - at > PRESENCE_S and not self._held[t]]:
                del self._seen[t]
            others = any(t != tenant for t in self._seen)  # a tenant holding a place is always in _seen
            self._seen[tenant] = now
            held = self._held[tenant]
            if held >= self.share_limit and others:
                self.counts["rejected_tenant_share"] += 1
                retry = self._retry_after()
                raise HTTPException(429, f"your tenant holds {held} of this replica's {self.capacity} places, its "
                                         f"share while other tenants are served; retry after {retry} s",
                                    headers={"Retry-After": str(retry)})
            if len(self._tickets) >= self.capacity:
                self.counts["rejected_full"] += 1
                retry = self._retry_after()
                raise HTTPException(503, f"this replica is full ({self.capacity} requests running or waiting); "
                                         f"retry after {retry} s", headers={"Retry-After": str(retry)})
            ticket = Ticket(self, tenant, deadline_s)
            self._tickets.add(ticket)
            self._held[tenant] += 1
            self.counts["admitted"] += 1
            return ticket

    def _deadline(self, header: str | None) -> float:
        if header is None or not header.strip():
            return self.deadline_s
        try:
            value = float(header)
        except ValueError:
            value = math.nan
        if not value > 0 or math.isinf(value):
            raise HTTPException(422, f"{DEADLINE_HEADER}: must be a number of seconds > 0, got {header[:40]!r}")
        return min(value, self.deadline_s)

    def release(self, ticket: Ticket, outcome: str = "done") -> None:
        """Give the place back. ``outcome``: 'done', 'rate_limited', 'deadline', 'max_wait'."""
        with self._lock:
            self._release(ticket, outcome, time.monotonic())

    def _release(self, ticket: Ticket, outcome: str, now: float) -> None:
        if ticket.released:
            return
        ticket.released = True
        self._tickets.discard(ticket)
        self._held[ticket.tenant] -= 1
        if self._held[ticket.tenant] <= 0:
            del self._held[ticket.tenant]
        if outcome != "done":
            self.counts[outcome] += 1
        if outcome == "max_wait":
            self._waits.append(now - ticket.admitted_at)
        elif ticket.started_at is not None:
            self._held_s.append(now - ticket.admitted_at)

    def _reap(self, now: float) -> None:
        for ticket in [t for t in self._tickets if now > t.deadline + REAP_AFTER_S]:
            self._release(ticket, "reaped", now)

    def record_wait(self, seconds: float) -> None:
        with self._lock:
            self._waits.append(seconds)

    # -- figures ----------------------------------------------------------------------------
    def _retry_after(self) -> int:
        waiting = sum(1 for t in self._tickets if t.started_at is None)
        typical = _pct(self._held_s, 0.5) or 2.0
        return max(1, min(RETRY_AFTER_MAX, math.ceil(typical * (waiting + 1) / self.max_batch)))

    def retry_after(self) -> int:
        with self._lock:
            return self._retry_after()

    def stats(self) -> dict:
        with self._lock:
            self._reap(time.monotonic())
            running = sum(1 for t in self._tickets if t.started_at is not None)
            waits = list(self._waits)
            c = self.counts
            return {
                "capacity": self.capacity, "max_batch": self.max_batch, "waiting_allowance": self.capacity
                - self.max_batch, "tenant_share": self.tenant_share, "max_wait_s": self.max_wait_s,
                "deadline_s": self.deadline_s, "queue_depth": len(self._tickets), "running": running,
                "waiting": len(self._tickets) - running, "tenants": len(self._held),
                "wait_p50_ms": round(_pct(waits, 0.5) * 1000, 1) if waits else None,
                "wait_p95_ms": round(_pct(waits, 0.95) * 1000, 1) if waits else None,
                "admitted": c["admitted"],
                "rejected": {"full": c["rejected_full"], "tenant_share": c["rejected_tenant_share"],
                             "rate_limit": c["rate_limited"]},
                "ended": {"max_wait": c["max_wait"], "deadline": c["deadline"], "lost": c["reaped"]},
            }


# -- the engine's stream, watched -------------------------------------------------------------

class TrackedStream:
    """An engine Stream whose first event marks its ticket started (the wait is over)."""

    def __init__(self, stream, ticket: Ticket | None):
        self.stream, self.ticket = stream, ticket

    def __getattr__(self, name):
        return getattr(self.stream, name)

    async def aevents(self):
        async for kind, value in self.stream.aevents():
            if kind == "start" and self.ticket is not None:
                self.ticket.start()
            yield kind, value


def submit(engine, request, ticket: Ticket | None = None) -> TrackedStream:
    """``engine.submit`` from the running event loop, the stream tied to ``ticket``."""
    return TrackedStream(engine.submit(request, loop=asyncio.get_running_loop()), ticket)


async def run_guarded(ticket: Ticket, awaitable):
    """Await a non-streamed request's work within its ticket's wait and deadline, then give the place back.
    Past either, the work is cancelled (its engine row with it) and 503/504 is raised."""
    task = asyncio.ensure_future(awaitable)
    outcome = "done"
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=ticket.time_left())
            if done:
                return task.result()
            reason = ticket.expired()
            if reason:
                outcome = reason
                raise ticket.failure(reason)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task
        ticket.release(outcome)


def _error_event(error: HTTPException, code: str) -> str:
    body = {"type": "error", "error": {"message": str(error.detail), "type": "server_error", "code": code,
                                       "status": error.status_code}}
    retry = (error.headers or {}).get("Retry-After")
    if retry:
        body["error"]["retry_after"] = int(retry)
    return f"data: {json.dumps(body)}\n\n"


async def sse_guarded(chunks, ticket: Ticket):
    """An SSE body with the ticket's wait and deadline enforced and ``: keep-alive`` comments when silent.
    Past the wait or the deadline: an error event (``code`` queue_wait_exceeded / deadline_exceeded), then
    ``data: [DONE]``; the inner body is closed (its engine row cancelled). The place is given back at the end."""
    it = chunks.__aiter__()
    pending = None
    outcome = "done"
    try:
        while True:
            pending = asyncio.ensure_future(it.__anext__())
            while True:
                timeout = min(ticket.admission.keepalive_s, ticket.time_left())
                done, _ = await asyncio.wait({pending}, timeout=timeout)
                if done:
                    break
                reason = ticket.expired()
                if reason:
                    outcome = reason
                    pending.cancel()
                    with contextlib.suppress(BaseException):
                        await pending
                    code = "queue_wait_exceeded" if reason == "max_wait" else "deadline_exceeded"
                    yield _error_event(ticket.failure(reason), code)
                    yield "data: [DONE]\n\n"
                    return
                yield KEEPALIVE
            try:
                chunk = pending.result()
            except StopAsyncIteration:
                return
            pending = None
            yield chunk
    finally:
        if pending is not None and not pending.done():
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending
        with contextlib.suppress(BaseException):
            await it.aclose()
        ticket.release(outcome)


def generate_blocking(engine, request, ticket: Ticket):
    """For worker threads (assess): the whole answer within the ticket's wait and deadline, else 503/504
    (the row cancelled). Returns (choice, finished)."""
    stream = engine.submit(request)
    choice = None
    try:
        while True:
            try:
                kind, value = next(stream.events(timeout=max(0.01, ticket.time_left())))
            except queue.Empty:
                reason = ticket.expired()
                if reason:
                    raise ticket.failure(reason) from None
                continue
            if kind == "start":
                ticket.start()
                choice = value
            elif kind == "end":
                return choice, value
    finally:
        stream.cancel()


if __name__ == "__main__":
    admission = Admission.from_settings(get_settings())
    for key, value in admission.stats().items():
        if key in ("capacity", "max_batch", "waiting_allowance", "tenant_share", "max_wait_s", "deadline_s"):
            print(f"{key:<18} {value}")
    print(f"{'share_limit':<18} {admission.share_limit}")
    print(f"{'keepalive_s':<18} {admission.keepalive_s}")
