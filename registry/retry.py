"""Retrying S3 and MLflow calls through an outage: one helper for every registry/S3 call of a clone.

What is retried: transient errors only (``is_transient``): connection refused or
reset, connect/read timeouts, HTTP 5xx and 429 from S3 or MLflow. A 404 of a
model or object that does not exist, a validation error, a bad request or a bug
fails at once.

How long: each call keeps retrying one outage with exponential back-off (0.5 s,
doubling, at most 15 s between tries) until its budget is spent, then raises the
last error. The budget is opt-in and per context: ``with patience(seconds):``
(or the ``patient`` decorator, which reads ``settings.registry_retry_budget_s``,
default 300 s) makes every registry call inside it retry that long. Outside,
the budget is 0: one try, as before (the endpoint answers from what it knows
rather than hold a request for minutes). The clone stages (flows/stages.py,
flows/clone.py) run patient, so a clone survives a registry or S3 outage of a
few minutes at any point. MLflow's own client retries
(``MLFLOW_HTTP_REQUEST_MAX_RETRIES``, default 7: minutes of its own back-off on
a refused connection) happen inside each try and the budget is checked between
tries, so a call waits at least the budget and at most about the budget plus
one MLflow try; set that variable low (0-2) to make the budget exact.

Calls that create something (an MLflow run, a model version, a metric point)
are retried only when the request never reached the server (connection refused,
connect timeout), so a lost response never makes a duplicate.

Plain Python: no Prefect here (only flows/ imports it).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import re
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

from brain.logs import object_field

log = logging.getLogger(__name__)

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 15.0
CLEANUP_BUDGET_S = 60.0  # removing what a failed upload/publish wrote: its own, shorter window

T = TypeVar("T")

_BUDGET: contextvars.ContextVar[float] = contextvars.ContextVar("aivo_retry_budget", default=0.0)
_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("aivo_retry_active", default=False)

_CONNECT_TEXT = ("Connection refused", "Failed to establish a new connection", "NewConnectionError",
                 "ConnectTimeout", "Name or service not known", "Temporary failure in name resolution")
_TRANSIENT_TEXT = _CONNECT_TEXT + ("Connection aborted", "Connection reset",
                                   "RemoteDisconnected", "timed out", "too many 5", "too many 429")
_STATUS_TEXT = re.compile(r"(?:error code|status code|status_code=?)\s*:?\s*(5\d\d|429)")
_S3_TRANSIENT_CODES = {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "Throttling",
                       "ThrottlingException", "RequestTimeTooSkewed", "503", "500", "502", "504"}
_MLFLOW_TRANSIENT_CODES = {"TEMPORARILY_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED", "DEADLINE_EXCEEDED"}


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The error and its explicit causes (``raise ... from``), not what was being handled when it arose."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__


def _classify(exc: BaseException) -> bool | None:
    """True: an outage; False: surely not (a 404, a 4xx, a registry answer); None: look at its cause."""
    if isinstance(exc, (ConnectionError, TimeoutError)):  # refused, reset, aborted, socket timeouts
        return True
    try:
        from botocore.exceptions import BotoCoreError, ClientError, HTTPClientError

        if isinstance(exc, HTTPClientError) or (isinstance(exc, BotoCoreError)
                                                and type(exc).__name__ in ("EndpointConnectionError",
                                                                           "ConnectTimeoutError",
                                                                           "IncompleteReadError")):
            return True
        if isinstance(exc, ClientError):
            meta = exc.response.get("ResponseMetadata", {})
            status = int(meta.get("HTTPStatusCode") or 0)
            return status >= 500 or status == 429 or exc.response.get("Error", {}).get("Code") in _S3_TRANSIENT_CODES
    except ImportError:  # pragma: no cover
        pass
    try:
        import requests

        if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
            return True
        if isinstance(exc, requests.exceptions.HTTPError) and exc.response is not None:
            return exc.response.status_code >= 500 or exc.response.status_code == 429
    except ImportError:  # pragma: no cover
        pass
    try:
        from mlflow.exceptions import MlflowException, RestException

        if isinstance(exc, MlflowException):
            if exc.error_code in _MLFLOW_TRANSIENT_CODES:
                return True
            if isinstance(exc, RestException):  # the server answered: a 5xx is an outage (e.g. of its store)
                return exc.get_http_status_code() >= 500
            text = str(exc)  # the client's wrapper of a failed request names the cause in its message
            return bool(_STATUS_TEXT.search(text)) or any(s in text for s in _TRANSIENT_TEXT)
    except ImportError:  # pragma: no cover
        pass
    return None


def is_transient(exc: BaseException) -> bool:
    """An S3 or MLflow outage (worth a retry), as opposed to bad data, a missing object or a bug."""
    for e in _chain(exc):
        verdict = _classify(e)
        if verdict is not None:
            return verdict
    return False


def never_reached_server(exc: BaseException) -> bool:
    """The request surely did not arrive (refused, no route, connect timeout): safe to repeat even a create."""
    for e in _chain(exc):
        if isinstance(e, (ConnectionRefusedError,)) or type(e).__name__ in ("EndpointConnectionError",
                                                                            "ConnectTimeoutError",
                                                                            "NewConnectionError", "ConnectTimeout"):
            return True
        if any(s in str(e) for s in _CONNECT_TEXT):
            return True
    return False


def _short(exc: BaseException, limit: int = 240) -> str:
    """The start and the end of a long message (a failed request's cause is at its end)."""
    text = str(exc)
    return text if len(text) <= limit else f"{text[:limit // 2]} ... {text[-limit // 2:]}"


def current_budget() -> float:
    """Seconds a registry call in this context may keep retrying one outage (0: one try)."""
    return _BUDGET.get()


@contextlib.contextmanager
def patience(seconds: float) -> Iterator[None]:
    """Registry and S3 calls inside retry transient errors for up to ``seconds`` each."""
    token = _BUDGET.set(max(0.0, float(seconds)))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def patient(fn: Callable[..., T]) -> Callable[..., T]:
    """Run ``fn(settings, ...)`` with ``patience(settings.registry_retry_budget_s)``."""

    @functools.wraps(fn)
    def wrapper(settings, *args, **kwargs):
        with patience(settings.registry_retry_budget_s):
            return fn(settings, *args, **kwargs)

    return wrapper


def call(fn: Callable[..., T], *args, what: str = "", idempotent: bool = True, budget: float | None = None,
         sleep: Callable[[float], None] = time.sleep, log_extra: dict | None = None, **kwargs) -> T:
    """``fn(*args, **kwargs)``, retried on transient errors with exponential back-off within the budget.

    The retry log names the error's text only with ``log_extra`` (e.g. ``brain.logs.object_field``): S3
    and MLflow errors quote keys and model names that hold a student's id, and forget deletes a record by
    its fields, never by its text. Without it the record names the error's type only.

    Inside another ``call`` (a retried operation made of retried calls) it runs once: the outer
    call owns the budget, so budgets never multiply.
    """
    if _ACTIVE.get():
        return fn(*args, **kwargs)
    budget = current_budget() if budget is None else budget
    deadline = time.monotonic() + budget
    delay, attempt = FIRST_DELAY_S, 0
    token = _ACTIVE.set(True)
    try:
        while True:
            attempt += 1
            try:
                return fn(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - classified below, re-raised unless transient
                left = deadline - time.monotonic()
                if left <= 0 or not is_transient(exc) or not (idempotent or never_reached_server(exc)):
                    if attempt > 1:
                        log.error("%s failed after %d tries: %s", what or getattr(fn, "__name__", "call"),
                                  attempt, _short(exc) if log_extra else type(exc).__name__, extra=log_extra)
                    raise
                wait = min(delay, left)
                log.warning("%s: transient error (%s: %s); try %d again in %.1fs (%.0fs of retry budget left)",
                            what or getattr(fn, "__name__", "call"), type(exc).__name__,
                            _short(exc) if log_extra else "-", attempt + 1, wait, left, extra=log_extra)
                sleep(wait)
                delay = min(delay * 2, MAX_DELAY_S)
    finally:
        _ACTIVE.reset(token)


class Retrying:
    """A client (boto3 S3, MlflowClient) whose method calls go through ``call``.

    Attributes that are not methods (``client.exceptions``, ``client.meta``) pass through unchanged.
    ``creates``: methods that make something new, retried only when the request never reached the server.
    """

    def __init__(self, client, name: str, creates: frozenset[str] = frozenset()):
        object.__setattr__(self, "wrapped", client)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "creates", creates)

    def __getattr__(self, attr: str):
        value = getattr(self.wrapped, attr)
        if not callable(value) or attr.startswith("_"):
            return value

        @functools.wraps(value)
        def method(*args, **kwargs):
            # S3 calls name their object: the record carries it as a field (forget finds it by that field)
            key = kwargs.get("Key", kwargs.get("Prefix"))
            extra = object_field(kwargs["Bucket"], key) if "Bucket" in kwargs and key is not None else None
            return call(value, *args, what=f"{self.name}.{attr}", idempotent=attr not in self.creates,
                        log_extra=extra, **kwargs)

        return method

    def __repr__(self) -> str:
        return f"Retrying({self.wrapped!r})"
