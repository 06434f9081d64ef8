"""Rate limits of the endpoint: per API key, per student, per client IP, and a tight one on clone starts.

Built on the ``limits`` library with a moving window. Counters live in
``AIVO_RATELIMIT_STORAGE_URI``: ``memory://`` (one process, local) or
``redis://host:6379`` (shared by every replica, production). Limits are
``limits`` strings, several separated by ';' ("3/hour;10/day"), one setting per
scope: ``AIVO_RATELIMIT_API_KEY``, ``AIVO_RATELIMIT_STUDENT``, ``AIVO_RATELIMIT_IP``,
``AIVO_RATELIMIT_CLONE_START``.

Keys are hashed before they reach the counter store: API keys are secrets and
student ids are personal data, neither belongs in Redis.

When the counter store is unreachable (Redis down, timeout after ``STORE_TIMEOUT_SECONDS``)
the limiter does not take the endpoint down with it: ordinary requests are let through
unchecked (fail open), while clone starts, which cost minutes of compute each, are refused
with ``RateLimited(scope="clone_start", limit="counter store unavailable")`` and a
``Retry-After`` of ``STORE_DOWN_RETRY_AFTER`` seconds (fail closed). Either way the outage is
logged: an ERROR with the traceback when it starts, a reminder at most once a minute with
the number of requests let through, and a WARNING when the store answers again.

    limiter = RateLimiter(settings)
    try:
        limiter.check("student", student_id)
    except RateLimited as exc:
        return 429, {"Retry-After": str(exc.retry_after_seconds)}

Run as: ``python -m serving.ratelimit`` (prints the limits in force).
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from brain.settings import Settings, get_settings

SCOPES = ("api_key", "student", "ip", "clone_start")
# Scopes refused (rather than let through) while the counter store is unreachable.
FAIL_CLOSED_SCOPES = frozenset({"clone_start"})
STORE_DOWN_RETRY_AFTER = 60
# Socket timeouts for redis:// stores, so a black-holed Redis delays a request by at most about
# this much instead of hanging it; ?socket_timeout=... in the URI takes precedence.
STORE_TIMEOUT_SECONDS = 1.0
OUTAGE_LOG_EVERY_SECONDS = 60.0

log = logging.getLogger(__name__)


class RateLimited(Exception):
    """A limit is exhausted: answer 429 with ``Retry-After: retry_after_seconds``."""

    def __init__(self, retry_after_seconds: int, scope: str, limit: str = ""):
        self.retry_after_seconds, self.scope, self.limit = retry_after_seconds, scope, limit
        super().__init__(f"rate limit {limit or ''} for {scope} exceeded; retry after {retry_after_seconds} s")

    @property
    def retry_after(self) -> int:
        return self.retry_after_seconds

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_seconds)}


class RateLimiter:
    """Checks and counts one request against the limits of a scope."""

    def __init__(self, settings: Settings, limits: dict[str, str] | None = None, storage_uri: str | None = None):
        configured = {"api_key": settings.ratelimit_api_key, "student": settings.ratelimit_student,
                      "ip": settings.ratelimit_ip, "clone_start": settings.ratelimit_clone_start}
        configured.update(limits or {})
        unknown = set(configured) - set(SCOPES)
        if unknown:
            raise ValueError(f"unknown rate-limit scopes {sorted(unknown)}; known: {', '.join(SCOPES)}")
        self.limits: dict[str, list[RateLimitItem]] = {}
        for scope, text in configured.items():
            try:
                self.limits[scope] = parse_many(text) if text else []
            except ValueError as exc:
                raise ValueError(f"rate limit for {scope}: {text!r} is not a limit like '60/minute' ({exc})") from None
        uri = storage_uri or settings.ratelimit_storage_uri
        options = ({"socket_connect_timeout": STORE_TIMEOUT_SECONDS, "socket_timeout": STORE_TIMEOUT_SECONDS}
                   if uri.split("://", 1)[0] in ("redis", "rediss", "redis+unix") else {})
        self.storage = storage_from_string(uri, **options)  # connects lazily: a Redis down at start is no error
        self.limiter = MovingWindowRateLimiter(self.storage)
        # what the store raises when it is unreachable (redis.RedisError); the in-process store cannot be
        self._store_errors = () if isinstance(self.storage, MemoryStorage) else self.storage.base_exceptions
        self._outage_lock = threading.Lock()
        self._outage_since: float | None = None  # when the current store outage began
        self._outage_logged = 0.0
        self._outage_unchecked = 0  # requests let through unchecked during the current outage

    @staticmethod
    def _key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()[:32]

    def check(self, scope: str, key: str) -> None:
        """Count one request of ``key`` in ``scope``; RateLimited (nothing counted) when a limit is exhausted."""
        self.check_all([(scope, key)])

    def check_all(self, pairs: list[tuple[str, str]]) -> None:
        """Count one request against several (scope, key) pairs, all or none."""
        checks = []
        for scope, key in pairs:
            if scope not in self.limits:
                raise ValueError(f"unknown rate-limit scope {scope!r}; known: {', '.join(SCOPES)}")
            ident = self._key(key)
            checks += [(item, scope, ident) for item in self.limits[scope]]
        if not checks:
            return
        try:
            for item, scope, ident in checks:  # test them all first, so a refused request counts against none
                if not self.limiter.test(item, scope, ident):
                    raise RateLimited(self._retry_after(item, scope, ident), scope, str(item))
            for item, scope, ident in checks:
                if not self.limiter.hit(item, scope, ident):  # lost a race with another request
                    raise RateLimited(self._retry_after(item, scope, ident), scope, str(item))
        except self._store_errors as exc:
            self._store_unavailable(exc, {scope for _, scope, _ in checks})
            return
        if self._outage_since is not None:
            self._store_back()

    def _store_unavailable(self, exc: Exception, scopes: set[str]) -> None:
        """The counter store failed: log it (throttled), refuse fail-closed scopes, let the rest through."""
        closed = sorted(scopes & FAIL_CLOSED_SCOPES)
        now = time.time()
        with self._outage_lock:
            first = self._outage_since is None
            if first:
                self._outage_since, self._outage_unchecked = now, 0
            if not closed:
                self._outage_unchecked += 1
            due = first or now - self._outage_logged >= OUTAGE_LOG_EVERY_SECONDS
            if due:
                self._outage_logged = now
            since, unchecked = self._outage_since, self._outage_unchecked
        if first:
            log.error("rate-limit counter store unreachable (%s): requests pass unchecked, clone starts are "
                      "refused until it answers again", type(exc).__name__, exc_info=exc)
        elif due:
            log.error("rate-limit counter store still unreachable after %.0f s (%s: %s); %d requests passed "
                      "unchecked so far", now - since, type(exc).__name__, exc, unchecked)
        if closed:
            raise RateLimited(STORE_DOWN_RETRY_AFTER, closed[0], "counter store unavailable") from None

    def _store_back(self) -> None:
        with self._outage_lock:
            if self._outage_since is None:
                return
            since, unchecked, self._outage_since = self._outage_since, self._outage_unchecked, None
        log.warning("rate-limit counter store answers again after %.0f s; %d requests passed unchecked meanwhile",
                    time.time() - since, unchecked)

    def check_request(self, scope: str = "request", api_key: str | None = None, student_id: str | None = None,
                      ip: str | None = None) -> None:
        """The endpoint's check: per API key, per student and per IP; ``scope='clone'`` adds the
        clone-start limit per student and per API key."""
        pairs = [(s, k) for s, k in (("api_key", api_key), ("student", student_id), ("ip", ip)) if k]
        if scope == "clone":
            pairs += [("clone_start", f"student:{student_id}")] if student_id else []
            pairs += [("clone_start", f"api_key:{api_key}")] if api_key else []
        elif scope != "request":
            raise ValueError(f"scope must be 'request' or 'clone', got {scope!r}")
        self.check_all(pairs)

    def remaining(self, scope: str, key: str) -> int:
        """Requests left before the tightest limit of the scope refuses (for X-RateLimit-Remaining)."""
        ident = self._key(key)
        stats = [self.limiter.get_window_stats(item, scope, ident).remaining for item in self.limits[scope]]
        return min(stats) if stats else 10**9

    def _retry_after(self, item: RateLimitItem, scope: str, ident: str) -> int:
        reset = self.limiter.get_window_stats(item, scope, ident).reset_time
        return max(1, math.ceil(reset - time.time()))

    def reset(self) -> None:
        """Forget every counter (tests, or after changing limits)."""
        self.storage.reset()


if __name__ == "__main__":
    for scope, items in RateLimiter(get_settings()).limits.items():
        print(f"{scope:<12} {'; '.join(str(i) for i in items)}")
