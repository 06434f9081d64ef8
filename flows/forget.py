"""Forget a student: the student's data deleted by exact keys, an audit tombstone left, a scan to prove it.

The work is ``registry.forget.forget_student`` (plain code the endpoint calls
too); this flow runs it, fails when the scan afterwards still finds the
student, and leaves a markdown artifact with the counts (hashed id only). A
student of whom nothing is stored fails the run with ``UnknownStudent`` and
changes nothing. This run's own ``student_id`` parameter (Prefect keeps it) is
replaced by the pseudonym ``forgotten-<hash12>`` before anything else.

Run as: ``python -m flows.forget STUDENT_ID ACTOR`` or ``aivo forget STUDENT_ID --actor ...``;
in the Prefect UI: deployment ``forget-student``.
"""

from __future__ import annotations

import json
import sys

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.client.orchestration import get_client
from prefect.runtime import flow_run

from brain.schemas import check_student_id
from brain.settings import Settings, get_settings
from registry import audit, forget


class ForgetIncomplete(RuntimeError):
    """The scan after the deletion still found the student somewhere."""


def unname_this_run(settings: Settings, student_id: str) -> None:
    """Replace this run's ``student_id`` parameter by the pseudonym (the one value, by its key)."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(run_id)
        if run.parameters.get("student_id") == student_id:
            client.update_flow_run(run.id, parameters={**run.parameters,
                                                       "student_id": forget.pseudonym(settings, student_id)})


@flow(name="forget-student")
def forget_student(student_id: str, actor: str, reason: str = "", deep_scan: bool = False) -> dict:
    """Delete all data of a student (baselines, datasets, adapters, MLflow model and runs, consent,
    caches, audit events, Prefect runs, log records), keep a tombstone. actor: who asked (e.g.
    'parent:1234 via support ticket 88'). deep_scan: afterwards also search every S3 object's and
    local file's bytes for the id as a word (a report, slow on a big bucket; not for short ids)."""
    settings = get_settings()
    check_student_id(student_id)
    unname_this_run(settings, student_id)
    log = get_run_logger()
    ref = audit.student_hash(settings, student_id)[:12]
    try:
        report = forget.forget_student(settings, student_id, actor=actor, reason=reason)
    except forget.UnknownStudent as exc:
        create_markdown_artifact(f"# Nothing to forget (hash {ref})\n\nactor: {actor}\n\n{exc}",
                                 key="forget-student-report", description=f"forget of student hash {ref}")
        log.warning("%s", exc)
        raise
    mentions = forget.find_mentions(settings, student_id) if deep_scan else None
    rows = "\n".join(f"| {k} | {v} |" for k, v in report.removed.items())
    create_markdown_artifact(
        f"# Student forgotten (hash {ref})\n\nactor: {actor}\n\n| removed | count |\n|---|---|\n{rows}\n\n"
        f"tombstone: `{report.tombstone}`\n\nscan afterwards: "
        + ("nothing found" if not report.remaining else f"**found** {sorted(report.remaining)}")
        + ("" if mentions is None else f"\n\ntext search (report only): {sorted(mentions) or 'nothing found'}"),
        key="forget-student-report", description=f"forget of student hash {ref}")
    for warning in report.warnings:
        log.warning(warning)
    if mentions:
        log.warning("the id still occurs as text in %s (not student data by key; see `aivo forget --deep-scan`)",
                    sorted(mentions))
    log.info("student hash %s forgotten by %s: %s", ref, actor, report.removed)
    if report.remaining:
        raise ForgetIncomplete(f"after the deletion the scan still finds the student in {sorted(report.remaining)}: "
                               "run the forget again; see the report artifact")
    return report.to_dict()


if __name__ == "__main__":
    print(json.dumps(forget_student(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "cli"), indent=2))
