"""The names a clone run is known by outside flows/: one definition for every side that reads them.

``flows/clone.py`` names its flow and deployment, and writes its progress and report artifacts, with these;
``serving/clones.py`` starts the deployment and reads the stage from the progress artifact's description;
``registry/forget_prefect.py`` recognises a student's clone artifacts. A rename here moves all three.
"""

from __future__ import annotations

CLONE_FLOW = "clone-student"
"""The Prefect flow's name (and its deployment's, prefect.yaml)."""
CLONE_DEPLOYMENT = f"{CLONE_FLOW}/{CLONE_FLOW}"
"""``<flow>/<deployment>``, as Prefect's API addresses a deployment."""
INGEST_FLOW = "ingest-baseline"
"""The ingest flow's name (and the clone flow's ingest task's)."""
REPORT_SUFFIX = "-report"
"""What a report artifact's key adds to the progress key."""


def flow_actor(flow_name: str) -> str:
    """The audit actor of a flow: ``flow:<name>``."""
    return f"flow:{flow_name}"


def student_tag(student_id: str) -> str:
    """The Prefect tag of a run about one student (forget deletes the runs that carry it)."""
    return f"student:{student_id}"


def artifact_key(student_id: str) -> str:
    """The student's part of a clone artifact key (Prefect allows lowercase letters, digits and '-')."""
    return "".join(c if c.isalnum() else "-" for c in student_id.lower())


def progress_key(student_id: str) -> str:
    return f"clone-{artifact_key(student_id)}"


def report_key(student_id: str) -> str:
    return f"{progress_key(student_id)}{REPORT_SUFFIX}"


def is_report_key(key: str) -> bool:
    """Whether an artifact key is a clone report's, whichever student it is of."""
    return key.startswith("clone-") and key.endswith(REPORT_SUFFIX)


def progress_description(student_id: str, stage: str) -> str:
    """The progress artifact's description: ``Clone of student <id>: <stage>``."""
    return f"{_progress_prefix(student_id)}{stage}"


def report_description(student_id: str) -> str:
    return f"Clone report of student {student_id}"


def stage_of(description: str | None) -> str | None:
    """The stage a progress description names (``progress_description``'s inverse), None when it names none."""
    return (description or "").rpartition(": ")[2] or None


def is_progress_of(description: str | None, student_id: str) -> bool:
    """Whether a progress description is this student's exactly (``stu-1`` is not ``stu-10``)."""
    return (description or "").startswith(_progress_prefix(student_id))


def _progress_prefix(student_id: str) -> str:
    return f"Clone of student {student_id}: "
