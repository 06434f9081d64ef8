"""The safety steps every route that writes to a student shares: moderation in and out.

Moderation fails closed (brain.safety) with the service's moderator, built once with its
settings; a self-harm disclosure escalates to a trusted adult. The answer checks that follow
moderation (a tutor does not give the answer away, ...) are serving/answer_check.py, run by
serving/answers.py. Log lines name a student only by ``student_ref``.
Used by the routes of ``python -m serving.app``.
"""

import logging

from brain.settings import get_settings, student_hash
from serving.service import Service

log = logging.getLogger("aivo.serving")


def student_ref(student_id: str | None) -> str:
    """The first 16 hex of the student's salted hash (brain.settings.student_hash), for log lines that
    hold no student ids."""
    return student_hash(get_settings(), student_id)[:16] if student_id else "-"


def moderate(service: Service, text: str, direction: str, student_id: str | None = None, route: str | None = None):
    """Fail-closed moderation (brain.safety); a self-harm disclosure escalates to a trusted adult."""
    from brain.safety.moderator import moderate as _moderate

    return _moderate(text, direction, moderator=service.moderator, student_id=student_id, route=route)


def safety_of(verdict) -> dict | None:
    """A verdict as the responses' ``safety`` fields show it."""
    if verdict is None:
        return None
    return {"allowed": verdict.allowed, "action": verdict.action, "categories": list(verdict.categories)}


def guard_input(service: Service, text: str, student_id: str | None, route: str):
    verdict = moderate(service, text, "input", student_id, route)
    if not verdict.allowed:
        log.warning("input blocked: route=%s student=%s categories=%s", route, student_ref(student_id),
                    ",".join(verdict.categories))
    return verdict


def stream_guard(service: Service, student_id: str | None, route: str):
    from brain.safety.streams import StreamModerator

    return StreamModerator(service.moderator, student_id=student_id, route=route)
