"""Admitting a baseline into the store: PII scrub -> store under the student's prefix -> audit event.

One function for every side that stores a baseline: the ingest and clone flows
(flows/ingest.py ``admit_baseline``, after the consent check) and the endpoint's clone start
(serving/clones.py ``start_clone``, which hands the run the stored copy's URI, never the data).
What is stored is the scrubbed baseline (brain/pii.py: names of the roster
``AIVO_PII_ROSTER_FILE`` and ``known_names``, e-mails, phones, addresses, SSNs, URLs replaced by
tokens), content-addressed under ``baselines/<student>/``, the prefix deletion covers.
A plain function (no Prefect): called from flows and from ``python -m serving.app``.
"""

from __future__ import annotations

from brain import pii
from brain.schemas import Baseline
from brain.settings import Settings
from registry import audit, storage

PREFIX = "baselines/"
"""Every baseline of a student lies under ``baselines/<student>/`` (registry/forget.py deletes it whole)."""
INCOMING = "incoming-"
"""Name prefix of the copy the endpoint stores for a clone run it starts; the run admits it again."""


def scrub(settings: Settings, baseline: Baseline, known_names=()) -> tuple[Baseline, dict[str, int]]:
    """The baseline with PII replaced (roster names + ``known_names``), and the counts per kind."""
    return pii.scrub_baseline(baseline, [*known_names, *pii.load_roster(settings.pii_roster_file)])


def admit(settings: Settings, baseline: Baseline, actor: str, known_names=(),
          incoming: bool = False) -> tuple[Baseline, str, dict[str, int]]:
    """PII scrub -> store at ``baselines/<student>/<sha256>.json`` -> ``baseline.ingest`` audit event.

    Returns the scrubbed baseline (train on this one), its s3:// URI (the same content gets the
    same URI) and the number of replacements per PII kind. ``incoming``: the endpoint's copy for a
    clone run, stored as ``incoming-<sha256>.json`` and not audited here (the endpoint records
    ``clone.start`` with the run it creates; the run records ``baseline.ingest`` when it admits it).
    Consent is the caller's to check first: nothing here refuses a baseline.
    """
    student = baseline.student.student_id
    scrubbed, counts = scrub(settings, baseline, known_names)
    body = storage.canonical_json(scrubbed.model_dump(mode="json"))
    key = f"{PREFIX}{student}/{INCOMING if incoming else ''}{storage.sha256_bytes(body)}.json"
    storage.s3_client(settings).put_object(Bucket=settings.s3_bucket, Key=key, Body=body,
                                           ContentType="application/json")
    if not incoming:
        audit.record(settings, actor, "baseline.ingest", student, obj=key,
                     details={"items": len(scrubbed.items), "pii_replaced": counts})
    return scrubbed, storage.s3_uri(settings, key), counts
