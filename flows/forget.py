"""Forget a student: every trace removed from every store, an audit tombstone left, a scan to prove it.

The work is ``registry.forget.forget_student`` (plain code the endpoint calls
too); this flow runs it, fails when the scan afterwards still finds the
student, and leaves a markdown artifact with the counts (hashed id only).

Run as: ``python -m flows.forget STUDENT_ID ACTOR`` or ``aivo forget STUDENT_ID --actor ...``;
in the Prefect UI: deployment ``forget-student``.
"""

from __future__ import annotations

import json
import sys

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

from brain.settings import get_settings
from registry import forget


class ForgetIncomplete(RuntimeError):
    """The scan after the deletion still found the student somewhere."""


@flow(name="forget-student")
def forget_student(student_id: str, actor: str, reason: str = "", deep_scan: bool = False) -> dict:
    """Delete all data of a student (baselines, datasets, adapters, MLflow model and runs, consent,
    caches, audit events), keep a tombstone. actor: who asked (e.g. 'parent:1234 via support ticket 88').
    deep_scan: afterwards also read every S3 object's bytes looking for the id (slow on a big bucket)."""
    settings = get_settings()
    report = forget.forget_student(settings, student_id, actor=actor, reason=reason)
    if deep_scan:
        report.remaining = forget.scan_student(settings, student_id, contents=True)
    ref = report.student_hash[:12]
    rows = "\n".join(f"| {k} | {v} |" for k, v in report.removed.items())
    create_markdown_artifact(
        f"# Student forgotten (hash {ref})\n\nactor: {actor}\n\n| removed | count |\n|---|---|\n{rows}\n\n"
        f"tombstone: `{report.tombstone}`\n\nscan afterwards: "
        + ("nothing found" if not report.remaining else f"**found** {sorted(report.remaining)}"),
        key="forget-student-report", description=f"forget of student hash {ref}")
    log = get_run_logger()
    for warning in report.warnings:
        log.warning(warning)
    log.info("student hash %s forgotten by %s: %s", ref, actor, report.removed)
    if report.remaining:
        raise ForgetIncomplete(f"after the deletion the scan still finds the student in {sorted(report.remaining)}: "
                               "run the forget again; see the report artifact")
    return report.to_dict()


if __name__ == "__main__":
    print(json.dumps(forget_student(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "cli"), indent=2))
