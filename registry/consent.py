"""Consent records: per student and purpose, append-only in S3, the latest record wins.

Purposes:
- ``collect``: the platform may store the student's baseline assessments.
- ``personalise``: the platform may train a personal adapter (a clone) on them.

A record says granted or revoked, by whom (``actor``: a parent account, a
school official), through what (``source``: ``parent_portal``,
``district_agreement``, ``school_official``, ``sample_data``...) and when. Records live at
``consent/<student>/<purpose>/<time>-<uuid>.json`` and are never overwritten;
the key with the latest time is in force. Every change is also an audit event.

``require`` is what the pipeline and the endpoint call: it raises
``ConsentMissing`` (a PermissionError: a 403 at the API, a failed run in a
flow, never retried) when the latest record is absent or a revocation.

Run as: ``aivo consent grant stu-0001 --purpose all --source parent_portal --actor parent:42``,
``aivo consent show stu-0001``.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone

from brain.schemas import STUDENT_ID_PATTERN
from brain.settings import Settings
from registry import audit, storage

PURPOSES = ("collect", "personalise")
PREFIX = "consent/"


class ConsentMissing(PermissionError):
    """The student has no consent in force for the purpose (never granted, or revoked)."""

    def __init__(self, student_id: str, purpose: str, record: "ConsentRecord | None" = None):
        self.student_id, self.purpose, self.record = student_id, purpose, record
        why = ("never granted" if record is None else
               f"revoked {record.time} via {record.source}")
        super().__init__(f"no '{purpose}' consent for student {student_id} ({why}); "
                         f"record it with: aivo consent grant {student_id} --purpose {purpose} --source ...")


class ConsentRevoked(ConsentMissing):
    """Consent was withdrawn while a clone of the student was running."""


@dataclass(frozen=True)
class ConsentRecord:
    student_id: str
    purpose: str
    granted: bool
    source: str
    actor: str
    time: str  # ISO 8601, UTC
    note: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def _check(student_id: str, purpose: str) -> None:
    if not re.fullmatch(STUDENT_ID_PATTERN, student_id or ""):
        raise ValueError(f"not a student id: {student_id!r}")
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(PURPOSES)}, got {purpose!r}")


def _prefix(student_id: str, purpose: str | None = None) -> str:
    return f"{PREFIX}{student_id}/" + (f"{purpose}/" if purpose else "")


def _record(settings: Settings, student_id: str, purpose: str, granted: bool, source: str, actor: str,
            note: str = "", now: datetime | None = None) -> ConsentRecord:
    _check(student_id, purpose)
    if not source or not actor:
        raise ValueError("a consent record needs a source and an actor")
    now = (now or audit.utcnow()).astimezone(timezone.utc)
    rec = ConsentRecord(student_id=student_id, purpose=purpose, granted=granted, source=source, actor=actor,
                        time=now.isoformat(), note=note)
    key = f"{_prefix(student_id, purpose)}{audit.stamp(now)}-{uuid.uuid4().hex[:12]}.json"
    storage.s3_client(settings).put_object(Bucket=settings.s3_bucket, Key=key,
                                           Body=storage.canonical_json(rec.to_dict()),
                                           ContentType="application/json")
    audit.record(settings, actor, "consent.grant" if granted else "consent.revoke", student_id, obj=key,  # id masked
                 details={"purpose": purpose, "source": source}, now=now)
    return rec


def grant(settings: Settings, student_id: str, purpose: str, source: str, actor: str, note: str = "",
          now: datetime | None = None) -> ConsentRecord:
    """Record that ``purpose`` is consented to (appends a record)."""
    return _record(settings, student_id, purpose, True, source, actor, note, now)


def revoke(settings: Settings, student_id: str, purpose: str, source: str, actor: str, note: str = "",
           now: datetime | None = None) -> ConsentRecord:
    """Record that consent for ``purpose`` is withdrawn (appends a record); running clones stop."""
    return _record(settings, student_id, purpose, False, source, actor, note, now)


def _load(settings: Settings, key: str) -> ConsentRecord:
    body = storage.s3_client(settings).get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
    return ConsentRecord(**json.loads(body))


def get(settings: Settings, student_id: str, purpose: str) -> ConsentRecord | None:
    """The record in force (the latest), or None when none was ever recorded."""
    _check(student_id, purpose)
    keys = storage.list_keys(settings, _prefix(student_id, purpose))
    return _load(settings, max(keys)) if keys else None


def require(settings: Settings, student_id: str, purpose: str) -> ConsentRecord:
    """The granting record in force; ConsentMissing when there is none."""
    rec = get(settings, student_id, purpose)
    if rec is None or not rec.granted:
        raise ConsentMissing(student_id, purpose, rec)
    return rec


def require_all(settings: Settings, student_id: str, purposes=PURPOSES) -> None:
    for purpose in purposes:
        require(settings, student_id, purpose)


def history(settings: Settings, student_id: str) -> list[ConsentRecord]:
    """Every record of a student, oldest first (per purpose)."""
    if not re.fullmatch(STUDENT_ID_PATTERN, student_id or ""):
        raise ValueError(f"not a student id: {student_id!r}")
    keys = sorted(storage.list_keys(settings, _prefix(student_id)), key=lambda k: (k.rsplit("/", 1)[-1], k))
    return [_load(settings, k) for k in keys]


def expand_purposes(purpose: str) -> tuple[str, ...]:
    """'all' -> every purpose; otherwise the one named (checked)."""
    if purpose == "all":
        return PURPOSES
    if purpose not in PURPOSES:
        raise ValueError(f"purpose must be one of {', '.join(PURPOSES)} or all, got {purpose!r}")
    return (purpose,)
