"""Append-only audit log: who read or changed which student's data or adapter, and when.

One S3 object per event, never overwritten (its key holds the time and a
uuid), under ``audit/events/<yyyy>/<mm>/<dd>/``. An event holds the actor, the
action (``baseline.ingest``, ``consent.grant``, ``adapter.publish``,
``adapter.read``, ``student.forget``...), the student as a salted sha256 hash
(``AIVO_AUDIT_SALT``; never the id itself), the object touched (an S3 key
prefix, a model name) and small details (counts, sources: never prompt or
answer text).

Deletion tombstones live apart, under ``audit/tombstones/<hash>/``: the one
record of a forgotten student that remains (hash, time, actor, counts of what
was removed). Retention keeps tombstones; events expire after the audit TTL
(retention.yaml), and ``forget`` removes the forgotten student's events.

Run as: ``python -m registry.audit [STUDENT_ID]`` (prints the events, newest last).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from brain.settings import Settings, get_settings, student_hash
from registry import storage

log = logging.getLogger("aivo.audit")

EVENTS = "audit/events/"
TOMBSTONES = "audit/tombstones/"
SYSTEM = "system"  # the hash slot of an event about no particular student


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def stamp(now: datetime) -> str:
    """Sortable UTC time for object keys: 20261124T101500123456Z."""
    return now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class AuditEvent:
    time: str  # ISO 8601, UTC
    actor: str  # who: an operator, 'api-key:<hash>', 'flow:clone-student', 'retention-sweep'
    action: str  # what: baseline.ingest, consent.grant, consent.revoke, adapter.publish, student.forget...
    student: str  # salted sha256 of the student id, or 'system'
    object: str = ""  # what was touched: S3 key/prefix, model name ('{student}' stands for the id)
    details: dict = field(default_factory=dict)  # counts and sources; never free text of a student
    key: str = ""  # where the event is stored

    def to_dict(self) -> dict:
        return asdict(self)


def record(settings: Settings, actor: str, action: str, student_id: str | None = None, obj: str = "",
           details: dict | None = None, now: datetime | None = None) -> AuditEvent:
    """Append one event (a new S3 object); returns it with its key."""
    now = (now or utcnow()).astimezone(timezone.utc)
    who = student_hash(settings, student_id) if student_id else SYSTEM
    if student_id:  # the id never enters the log, not even inside an object name
        obj = re.sub(rf"(?<![A-Za-z0-9_.]){re.escape(student_id)}(?![A-Za-z0-9_])", "{student}", obj)
    key = (f"{EVENTS}{now:%Y/%m/%d}/{stamp(now)}-{who[:16] if who != SYSTEM else SYSTEM}-"
           f"{uuid.uuid4().hex[:12]}.json")
    event = AuditEvent(time=now.astimezone(timezone.utc).isoformat(), actor=actor, action=action, student=who,
                       object=obj, details=dict(details or {}), key=key)
    storage.s3_client(settings).put_object(Bucket=settings.s3_bucket, Key=key, Body=storage.canonical_json(
        {k: v for k, v in event.to_dict().items() if k != "key"}), ContentType="application/json")
    log.info("audit %s by %s student=%s object=%s", action, actor, who[:12], obj)
    return event


def _read(settings: Settings, key: str) -> dict:
    body = storage.s3_client(settings).get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
    return {**json.loads(body), "key": key}


def event_keys(settings: Settings, student_id: str | None = None) -> list[str]:
    """Keys of every event (of one student when given), oldest first."""
    keys = sorted(storage.list_keys(settings, EVENTS))
    if student_id is None:
        return keys
    tag = f"-{student_hash(settings, student_id)[:16]}-"
    return [k for k in keys if tag in k.rsplit("/", 1)[-1]]


def read_events(settings: Settings, student_id: str | None = None, action: str | None = None,
                since: datetime | None = None, until: datetime | None = None) -> list[AuditEvent]:
    """Events oldest first, filtered by student, action prefix (``consent.``) and time range."""
    out = []
    for key in event_keys(settings, student_id):
        name = key.rsplit("/", 1)[-1]
        when = datetime.strptime(name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=timezone.utc)
        if (since and when < since) or (until and when > until):
            continue
        data = _read(settings, key)
        if action and not data["action"].startswith(action):
            continue
        out.append(AuditEvent(**data))
    return out


def delete_student_events(settings: Settings, student_id: str) -> int:
    """Remove a forgotten student's events (the tombstone counts them); returns how many."""
    keys = event_keys(settings, student_id)
    client = storage.s3_client(settings)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=settings.s3_bucket,
                              Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    return len(keys)


def write_tombstone(settings: Settings, student_id: str, actor: str, removed: dict,
                    now: datetime | None = None) -> str:
    """The lasting record of a deletion: hashed id, time, actor, counts. Returns its key."""
    now = (now or utcnow()).astimezone(timezone.utc)
    who = student_hash(settings, student_id)
    key = f"{TOMBSTONES}{who}/{stamp(now)}-{uuid.uuid4().hex[:12]}.json"
    body = {"student": who, "time": now.astimezone(timezone.utc).isoformat(), "actor": actor,
            "action": "student.forget", "removed": removed}
    storage.s3_client(settings).put_object(Bucket=settings.s3_bucket, Key=key, Body=storage.canonical_json(body),
                                           ContentType="application/json")
    log.info("tombstone for student=%s by %s", who[:12], actor)
    return key


def read_tombstones(settings: Settings, student_id: str) -> list[dict]:
    prefix = f"{TOMBSTONES}{student_hash(settings, student_id)}/"
    return [_read(settings, k) for k in sorted(storage.list_keys(settings, prefix))]


if __name__ == "__main__":
    for ev in read_events(get_settings(), sys.argv[1] if len(sys.argv) > 1 else None):
        print(json.dumps(ev.to_dict()))
