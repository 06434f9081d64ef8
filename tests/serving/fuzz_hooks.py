"""Schemathesis hooks for tests/serving/test_fuzz.py (loaded by the schemathesis CLI).

Two constraints between values have no words in JSON Schema; they are documented in the fields'
descriptions (serving/openapi.py), schema-valid cases are made to keep them (``map_case``, so the
requests reach the routes' logic) and a failure that is only about them is dropped:

- chat completions: ``user`` / ``context.student_id`` must name the student of ``model`` (400);
- clone start: ``item_id`` unique within ``baseline.items`` (422 naming it).

And one limit of the fuzzer, not of the API: it compares integers with the schema's bounds as doubles,
so an integer beyond 2**53 next to a bound (``seed`` up to 2**64 - 1) can be judged on the wrong side
of it; failures of cases that carry such an integer are dropped (tests/serving/test_row_isolation_http.py
checks ``seed`` at 2**64 - 1 and 2**70 exactly).

Anything else (a 5xx, a 422 for a schema-valid request, an answer off the schema) fails the run.
"""

import json
import os

import schemathesis


def _dropped(why: str, failure, case, response) -> bool:
    """Drop a failure (False); with FUZZ_DROPPED_LOG=<file> each one is written there."""
    path = os.environ.get("FUZZ_DROPPED_LOG")
    if path:
        with open(path, "a") as f:
            f.write(json.dumps({"why": why, "code": getattr(failure, "code", None), "status": response.status_code,
                                "operation": case.operation.label, "body": response.text[:300]}) + "\n")
    return False


def _positive(case) -> bool:
    meta = getattr(case, "meta", None)
    return bool(meta and meta.generation.mode.is_positive and isinstance(case.body, dict))


@schemathesis.hook
def map_case(context, case):
    if not _positive(case):
        return case
    body = case.body
    if case.operation.path == "/v1/chat/completions":
        model, user = body.get("model"), body.get("user")
        sid = model[len("student-"):] if isinstance(model, str) and model.startswith("student-") else user
        if isinstance(sid, str):
            if isinstance(user, str):
                body["user"] = sid
            if isinstance(body.get("context"), dict):
                body["context"]["student_id"] = sid
    elif case.operation.path == "/v1/clone/start":
        items = (body.get("baseline") or {}).get("items") if isinstance(body.get("baseline"), dict) else None
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, dict):
                    item["item_id"] = f"i{i}"
    return case


def _error(response) -> tuple[str, str]:
    try:
        err = response.json().get("error") or {}
    except Exception:  # noqa: BLE001
        return "", ""
    return str(err.get("param") or ""), str(err.get("message") or "")


def _huge(value) -> bool:
    if isinstance(value, dict):
        return any(_huge(v) for v in value.values())
    if isinstance(value, list):
        return any(_huge(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool) and abs(value) > 2**53


@schemathesis.hook
def filter_failure(context, failure, case, response) -> bool:
    if _huge(getattr(case, "body", None)):
        return _dropped("integer beyond 2**53", failure, case, response)
    if getattr(failure, "code", None) != "ST202":  # "Schema-valid request rejected"
        return True
    param, message = _error(response)
    if response.status_code == 400 and param in ("user", "context.student_id") and (
            "name different students" in message or "is not the student of this request" in message):
        return _dropped("user/context name another student than model", failure, case, response)
    if response.status_code == 422 and "duplicate item_id" in message:
        return _dropped("duplicate item_id", failure, case, response)
    return True
