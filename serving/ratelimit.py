"""Rate limits of the endpoint: per API key, per student, per client IP, and a tight one on clone starts.

Built on the ``limits`` library with a moving window. Counters live in
``AIVO_RATELIMIT_STORAGE_URI``: ``memory://`` (one process, local) or
``redis://host:6379`` (shared by every replica, production). Limits are
``limits`` strings, several separated by ';' ("3/hour;10/day"), one setting per
scope: ``AIVO_RATELIMIT_API_KEY``, ``AIVO_RATELIMIT_STUDENT``, ``AIVO_RATELIMIT_IP``,
``AIVO_RATELIMIT_CLONE_START``.

Keys are hashed before they reach the counter store: API keys are secrets and
student ids are personal data, neither belongs in Redis.

    limiter = RateLimiter(settings)
    try:
        limiter.check("student", student_id)
    except RateLimited as exc:
        return 429, {"Retry-After": str(exc.retry_after_seconds)}

Run as: ``python -m serving.ratelimit`` (prints the limits in force).
"""

from __future__ import annotations

import hashlib
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from brain.settings import Settings, get_settings

SCOPES = ("api_key", "student", "ip", "clone_start")


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
        self.storage = storage_from_string(storage_uri or settings.ratelimit_storage_uri)
        self.limiter = MovingWindowRateLimiter(self.storage)

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
        for item, scope, ident in checks:  # test them all first, so a refused request counts against none
            if not self.limiter.test(item, scope, ident):
                raise RateLimited(self._retry_after(item, scope, ident), scope, str(item))
        for item, scope, ident in checks:
            if not self.limiter.hit(item, scope, ident):  # lost a race with another request
                raise RateLimited(self._retry_after(item, scope, ident), scope, str(item))

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
