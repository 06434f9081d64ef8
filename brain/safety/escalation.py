"""Escalation: a self-harm, abuse-disclosure or grooming verdict becomes a safety event for a trusted adult.

``safety_event`` builds a ``SafetyEvent`` from a verdict (the salted student hash, categories and
Llama Guard codes, time; the child's text only with ``AIVO_SAFETY_WEBHOOK_INCLUDE_TEXT=true``);
``escalate`` hands it to every function in ``LISTENERS`` (tests, an audit log, metrics) and POSTs it
as JSON to ``AIVO_SAFETY_WEBHOOK_URL``. Neither ever raises: an escalation problem is logged and
never unblocks or breaks the answer.

Nothing to run: ``brain.safety.moderator.moderate`` escalates when it is given a ``student_id``.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from brain.safety.verdict import Verdict
from brain.settings import Settings, get_settings, student_hash

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SafetyEvent:
    """What a trusted adult's system receives: ids and categories, never text unless configured."""

    event_id: str
    time: str  # ISO 8601, UTC
    student_hash: str | None  # salted sha256 of the student id, as in the audit log
    categories: tuple[str, ...]
    llama_guard: tuple[str, ...]
    action: str
    direction: str
    route: str | None = None
    text: str | None = None  # only with AIVO_SAFETY_WEBHOOK_INCLUDE_TEXT=true

    def to_json(self) -> dict:
        data = asdict(self)
        data["categories"], data["llama_guard"] = list(self.categories), list(self.llama_guard)
        if data["text"] is None:
            del data["text"]
        return data


def safety_event(
    verdict: Verdict,
    *,
    student_id: str | None = None,
    route: str | None = None,
    text: str | None = None,
    settings: Settings | None = None,
) -> SafetyEvent:
    settings = settings or get_settings()
    return SafetyEvent(
        event_id=uuid.uuid4().hex,
        time=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        student_hash=student_hash(settings or get_settings(), student_id) if student_id is not None else None,
        categories=verdict.categories,
        llama_guard=verdict.llama_guard,
        action=verdict.action,
        direction=verdict.direction,
        route=route,
        text=text if settings.safety_webhook_include_text else None,
    )


# In-process listeners (tests, an audit log, metrics): called with every escalated event.
LISTENERS: list[Callable[[SafetyEvent], None]] = []


def escalate(event: SafetyEvent, settings: Settings | None = None) -> bool:
    """Tell the listeners and POST the event to ``AIVO_SAFETY_WEBHOOK_URL``; never raises.

    Returns True when the webhook answered 2xx (False when it failed or none is set).
    """
    for listener in list(LISTENERS):
        try:
            listener(event)
        except Exception as exc:
            log.warning("safety listener failed (%s): event=%s", type(exc).__name__, event.event_id)
    try:
        settings = settings or get_settings()
        url = settings.safety_webhook_url
        if not url:
            log.info("safety event %s student=%s categories=%s (no webhook set)",
                     event.event_id, (event.student_hash or "-")[:12], ",".join(event.categories))
            return False
        request = urllib.request.Request(
            url, data=json.dumps(event.to_json()).encode(), method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "aivo-brain-safety/1"},
        )
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=settings.safety_webhook_timeout_s) as response:
            ok = 200 <= response.status < 300
        log.info("safety event %s student=%s categories=%s webhook=%s (%.0f ms)", event.event_id,
                 (event.student_hash or "-")[:12], ",".join(event.categories), response.status,
                 (time.perf_counter() - start) * 1000)
        return ok
    except Exception as exc:
        log.error("safety webhook failed (%s): event=%s", type(exc).__name__, event.event_id)
        return False
