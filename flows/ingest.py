"""Ingest a baseline assessment: validate it, check consent, scrub PII, store it in S3 content-addressed.

Invalid input (missing fields, grade out of range, no items, duplicate item
ids, oversized payload) fails here, before anything is written, with a message
that names the problem; such a failure is never retried. So does a baseline of
a student without ``collect`` and ``personalise`` consent (registry/consent.py):
``ConsentMissing``, nothing written. What is stored is the scrubbed baseline
(brain/pii.py: names of the roster ``AIVO_PII_ROSTER_FILE``, e-mails, phones,
addresses, SSNs, URLs replaced by tokens); the ingest is an audit event.

Prefer ``baseline_path`` to the inline ``baseline``: a flow's parameters are kept
in Prefect's database, so inline JSON would be kept there unscrubbed. A
``clone-student`` or ``ingest-baseline`` run is tagged ``student:<id>`` once its
baseline is read: forget finds the student's runs by that exact tag.

Run as: ``python -m flows.ingest samples/baselines/stu-0001.json``
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run
from pydantic import ValidationError

from brain.schemas import Baseline
from brain.settings import Settings, get_settings
from registry import baselines, clone_runs, consent, storage

MAX_BASELINE_BYTES = 1_000_000  # ~500 items of generous size; anything larger is not a baseline
ONE_STUDENT_FLOWS = (clone_runs.CLONE_FLOW, clone_runs.INGEST_FLOW)  # runs about one student, tagged with it


class BaselineRejected(ValueError):
    """The baseline is not acceptable; the message says what is wrong. Never retried."""


def read_baseline_source(source: str | Path, settings: Settings) -> bytes:
    """Bytes of a baseline given as a local path or an s3:// URI."""
    text = str(source)
    if text.startswith("s3://"):
        bucket, key = storage.parse_s3_uri(text)
        return storage.s3_client(settings).get_object(Bucket=bucket, Key=key)["Body"].read()
    path = Path(text)
    if not path.is_file():
        raise BaselineRejected(f"baseline file not found: {text}")
    if path.stat().st_size > MAX_BASELINE_BYTES:
        raise BaselineRejected(f"baseline is {path.stat().st_size} bytes; the limit is {MAX_BASELINE_BYTES}")
    return path.read_bytes()


def parse_baseline(raw: dict | str | bytes) -> Baseline:
    """Validate a baseline; BaselineRejected names each wrong field."""
    if isinstance(raw, (str, bytes)):
        size = len(raw.encode() if isinstance(raw, str) else raw)
        if size > MAX_BASELINE_BYTES:
            raise BaselineRejected(f"baseline is {size} bytes; the limit is {MAX_BASELINE_BYTES}")
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise BaselineRejected(f"baseline is not valid JSON: {exc}") from None
    else:
        size = len(storage.canonical_json(raw))
        if size > MAX_BASELINE_BYTES:
            raise BaselineRejected(f"baseline is {size} bytes; the limit is {MAX_BASELINE_BYTES}")
    try:
        return Baseline.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            problems.append(f"{loc}: {msg}" if loc else msg)
        raise BaselineRejected("invalid baseline: " + "; ".join(problems)) from None


scrub = baselines.scrub  # the baseline with PII replaced, and the counts per kind (flows/clone.py reads it here)


def admit_baseline(settings: Settings, baseline: Baseline, actor: str = clone_runs.flow_actor(clone_runs.INGEST_FLOW),
                   known_names=()) -> tuple[Baseline, str, dict[str, int]]:
    """Consent -> PII scrub -> store at ``baselines/<student>/<sha256>.json`` -> audit event (the last three:
    ``registry.baselines.admit``, which the endpoint's clone start calls too).

    Returns the scrubbed baseline (train on this one), its s3:// URI (the same content
    gets the same URI) and the number of replacements per PII kind.
    Raises ConsentMissing, before anything is written, without collect + personalise consent.
    """
    student = baseline.student.student_id
    tag_run_with_student(student)
    consent.require_all(settings, student, consent.PURPOSES)
    return baselines.admit(settings, baseline, actor, known_names)  # scrub -> store -> audit (registry/baselines.py)


def tag_run_with_student(student_id: str) -> None:
    """Tag the current clone-student / ingest-baseline run ``student:<id>`` (registry/forget_prefect.py finds
    a student's runs by it). A cohort run holds many students and is not tagged; outside a run, nothing."""
    if flow_run.get_id() is None or flow_run.get_flow_name() not in ONE_STUDENT_FLOWS:
        return
    tag = clone_runs.student_tag(student_id)
    try:
        with get_client(sync_client=True) as client:
            run = client.read_flow_run(flow_run.get_id())
            if tag not in run.tags:
                client.update_flow_run(run.id, tags=[*run.tags, tag])
    except Exception as exc:  # noqa: BLE001 - the run goes on; forget still finds it by its clone artifacts
        get_run_logger().warning("could not tag the run with its student: %s", type(exc).__name__)


def store_baseline(settings: Settings, baseline: Baseline) -> str:
    """``admit_baseline`` (consent, scrub, store, audit) returning only the URI."""
    return admit_baseline(settings, baseline)[1]


@flow(name=clone_runs.INGEST_FLOW)
def ingest_baseline(baseline: dict | None = None, baseline_path: str | None = None) -> str:
    """Validate a baseline (a path / s3:// URI, or inline JSON), check consent, scrub PII, store it; returns its URI."""
    settings = get_settings()
    if (baseline is None) == (baseline_path is None):
        raise BaselineRejected("give exactly one of baseline (JSON) or baseline_path")
    parsed = parse_baseline(baseline if baseline is not None else read_baseline_source(baseline_path, settings))
    scrubbed, uri, counts = admit_baseline(settings, parsed)
    get_run_logger().info("baseline of student %s stored (%d items, PII replaced: %s)",
                          scrubbed.student.student_id, len(scrubbed.items), counts or "none")
    return uri


if __name__ == "__main__":
    print(ingest_baseline(baseline_path=sys.argv[1]))
