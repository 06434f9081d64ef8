"""Rate limits per API key, per student, per IP and on clone starts: 429 semantics with Retry-After."""

import time

import pytest

from serving.ratelimit import SCOPES, RateLimited, RateLimiter
from tests.conftest import make_settings


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
