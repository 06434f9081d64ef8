"""Consent records (append-only, latest wins, clear refusal) and the audit log, on a real S3 server."""

from datetime import datetime, timedelta, timezone

import pytest

from registry import audit, consent, storage


def test_consent_latest_record_wins_and_require_refuses_clearly(s3_server):
    s = s3_server
    with pytest.raises(consent.ConsentMissing, match=r"no 'personalise' consent for student co-1 \(never granted\)"):
        consent.require(s, "co-1", "personalise")
    t0 = datetime(2026, 1, 5, 12, tzinfo=timezone.utc)
    consent.grant(s, "co-1", "personalise", source="parent_portal", actor="parent:7", now=t0)
    assert consent.require(s, "co-1", "personalise").source == "parent_portal"
    consent.revoke(s, "co-1", "personalise", source="parent_portal", actor="parent:7", now=t0 + timedelta(days=3))
    with pytest.raises(consent.ConsentMissing, match="revoked 2026-01-08") as err:
        consent.require(s, "co-1", "personalise")
    assert isinstance(err.value, PermissionError) and err.value.record.granted is False
    consent.grant(s, "co-1", "personalise", source="district_agreement", actor="admin:2", now=t0 + timedelta(days=9))
    assert consent.get(s, "co-1", "personalise").source == "district_agreement"
    # purposes are separate; records are appended, never overwritten
    with pytest.raises(consent.ConsentMissing):
        consent.require_all(s, "co-1")
    assert [(r.purpose, r.granted) for r in consent.history(s, "co-1")] == [
        ("personalise", True), ("personalise", False), ("personalise", True)]
    assert len(storage.list_keys(s, "consent/co-1/")) == 3


def test_consent_rejects_bad_input(s3_server):
    with pytest.raises(ValueError, match="purpose must be one of"):
        consent.grant(s3_server, "co-2", "marketing", source="x", actor="y")
    with pytest.raises(ValueError, match="not a student id"):
        consent.grant(s3_server, "../adapters", "collect", source="x", actor="y")
    with pytest.raises(ValueError, match="source and an actor"):
        consent.grant(s3_server, "co-2", "collect", source="", actor="y")
    assert consent.expand_purposes("all") == ("collect", "personalise")


def test_audit_events_are_append_only_hashed_and_filterable(s3_server):
    s = s3_server
    consent.grant(s, "au-1", "collect", source="parent_portal", actor="parent:9")  # an audited change
    audit.record(s, "flow:clone-student", "adapter.publish", "au-1", obj="student-au-1 v1")
    audit.record(s, "api-key:abc", "adapter.read", "au-2", obj="student-au-2 v3")
    audit.record(s, "retention-sweep", "retention.sweep", None, details={"removed": {"baselines": 2}})
    mine = audit.read_events(s, "au-1")
    assert [e.action for e in mine] == ["consent.grant", "adapter.publish"]
    assert mine[0].actor == "parent:9" and mine[0].details == {"purpose": "collect", "source": "parent_portal"}
    assert all(e.student == audit.student_hash(s, "au-1") for e in mine)
    assert [e.action for e in audit.read_events(s, action="consent.")] and all(
        e.action.startswith("consent.") for e in audit.read_events(s, action="consent."))
    # the id itself is in no event, key or body
    for key in storage.list_keys(s, audit.EVENTS):
        body = storage.s3_client(s).get_object(Bucket=s.s3_bucket, Key=key)["Body"].read()
        assert b"au-1" not in body and "au-1" not in key
    # every event is its own object: nothing is overwritten
    assert len(set(e.key for e in audit.read_events(s))) == len(audit.read_events(s))
    future = datetime.now(timezone.utc) + timedelta(days=1)
    assert audit.read_events(s, "au-1", since=future) == []


def test_student_hash_depends_on_the_salt(s3_server):
    other = s3_server.model_copy(update={"audit_salt": type(s3_server.audit_salt)("another-salt")})
    assert audit.student_hash(s3_server, "x") != audit.student_hash(other, "x")
    assert len(audit.student_hash(s3_server, "x")) == 64
