"""Forget a student: delete the student's data, found by exact keys only, leave an audit tombstone, prove it.

``forget_student`` first looks the student up in every store by the same exact keys it
deletes by (``scan_student``); when nothing is found anywhere it raises ``UnknownStudent`` and
changes nothing. Otherwise it deletes, in this order (each step tolerates what is already
gone, so a repeated or interrupted forget finishes the job):

1. MLflow: the registered model ``student-<id>`` (every version and alias), and every run
   whose tag ``student_id`` is the id (or, untagged, whose name is ``student-<id>-<8 hex>``),
   with its artifacts in S3 (``mlflow/<exp>/<run>/``). The runs are then deleted for good in
   MLflow's database (``AIVO_MLFLOW_BACKEND_STORE_URI``, default the local stack's sqlite file,
   then vacuumed so no freed page keeps the data).
2. S3: the prefixes ``baselines/<id>/``, ``datasets/<id>/``, ``adapters/<id>/``, ``consent/<id>/``
   (trailing slash: ``stu-1`` never reaches ``stu-10``) and the student's audit events.
3. Local disk: ``adapter-cache/<id>/``, ``work/<id>/`` and the student's JSON log records
   (``registry/forget_local.py``); the student's Prefect runs with their logs, artifacts and
   events, by row (``registry/forget_prefect.py``), then a vacuum.
4. A tombstone ``audit/tombstones/<hash>/...`` (hashed id, time, actor, counts).

No text is ever replaced in a database or a log. ``find_mentions`` searches contents for the
id as a word (long ids only), as a report for a person to read.

Run as: ``aivo forget STUDENT_ID --actor <who>`` or the ``forget-student`` deployment.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mlflow.exceptions import MlflowException

from brain.schemas import check_student_id
from brain.settings import Settings
from registry import adapters, audit, forget_local, forget_mlflow, forget_prefect, storage
from registry.forget_mlflow import backend_store_uri, student_runs, vacuum_sqlite  # noqa: F401 - used by callers too

log = logging.getLogger(__name__)

STUDENT_PREFIXES = ("baselines/{sid}/", "datasets/{sid}/", "adapters/{sid}/", "consent/{sid}/")
MAX_SCAN_BYTES = 4 * 2**20  # object/file contents larger than this are checked by name only
MIN_MENTION_CHARS = 5  # shorter ids, or ids without a letter ("0", "1", "2024"), are not searched as text


class UnknownStudent(LookupError):
    """Nothing of the student is stored in any store: nothing was changed (the endpoint answers 404)."""

    def __init__(self, student_id: str, ref: str):
        super().__init__(f"nothing is stored for student hash {ref} (never known, or already forgotten); "
                         "nothing was changed")
        self.student_id = student_id


@dataclass
class ForgetReport:
    student_hash: str
    actor: str
    removed: dict = field(default_factory=dict)  # counts per store
    cache_paths: list[str] = field(default_factory=list)  # local adapter cache/scratch dirs removed
    tombstone: str = ""  # S3 key of the tombstone
    remaining: dict = field(default_factory=dict)  # scan_student after the forget (empty = clean)
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def pseudonym(settings: Settings, student_id: str) -> str:
    """What stands for a forgotten id where a record must stay (the forget-student run's own parameter)."""
    return f"forgotten-{audit.student_hash(settings, student_id)[:12]}"


# -- forget ----------------------------------------------------------------------------------

def forget_student(settings: Settings, student_id: str, actor: str, reason: str = "", scan: bool = True,
                   held_elsewhere: dict[str, int] | None = None) -> ForgetReport:
    """Delete everything of a student (MLflow, S3, local caches, log records, Prefect runs), write the
    tombstone, scan. Raises UnknownStudent, changing nothing, when no store holds anything of the student.

    held_elsewhere: counts of the student's records in stores the caller deletes itself (the endpoint's
    roster): they make the student known and go into the tombstone.
    """
    check_student_id(student_id)
    if not actor:
        raise ValueError("forget needs an actor (who asked for the deletion)")
    ref = audit.student_hash(settings, student_id)
    found = scan_student(settings, student_id)
    if not found and not any((held_elsewhere or {}).values()):
        raise UnknownStudent(student_id, ref[:12])
    report = ForgetReport(student_hash=ref, actor=actor)
    db = forget_prefect.database(settings.data_dir)
    runs = forget_prefect.student_rows(db, student_id, settings.s3_bucket)
    forget_mlflow.forget(settings, student_id, report.removed, report.warnings)
    s3 = {}
    for pattern in STUDENT_PREFIXES:
        prefix = pattern.format(sid=student_id)
        s3[prefix.split("/")[0]] = storage.delete_prefix(settings, prefix)
    report.removed["s3_objects"] = s3
    report.removed["audit_events"] = audit.delete_student_events(settings, student_id)
    report.cache_paths = forget_local.evict_local_caches(settings, student_id)
    report.removed["local_paths"] = len(report.cache_paths)
    # log records first: the worker's records are found by the Prefect run ids deleted next
    s3_paths = forget_local.s3_paths(settings, student_id, STUDENT_PREFIXES)
    report.removed["log_records"] = forget_local.delete_log_records(settings, student_id,
                                                                    runs.flow_runs | runs.task_runs, s3_paths)
    if db is not None:
        try:
            rows = forget_prefect.forget(db, student_id, settings.s3_bucket)
            report.removed["prefect_rows"] = rows
            if rows and not vacuum_sqlite(f"sqlite:///{db}"):
                report.warnings.append("Prefect sqlite VACUUM did not complete (database busy); run it again later")
        except sqlite3.Error as exc:
            report.warnings.append(f"{db}: deleting the student's Prefect runs failed ({exc}); run the forget again")
    report.removed.update(held_elsewhere or {})
    removed = {**report.removed, **({"reason": reason} if reason else {})}
    report.tombstone = audit.write_tombstone(settings, student_id, actor, removed)
    log.info("forgot student=%s by %s: %s", ref[:12], actor, report.removed)
    if scan:
        report.remaining = scan_student(settings, student_id)
    return report


def purge_clone_run(settings: Settings, student_id: str, baseline_uri: str | None = None,
                    version: str | None = None, run_id: str | None = None, work: Path | None = None) -> dict:
    """Remove what one clone run created (consent withdrawn mid-run): its baseline object, scratch,
    and the model version / run / adapter files it registered. Other runs' data is left alone."""
    removed = {"baseline": 0, "scratch": 0, "version": 0, "run": 0, "s3_objects": 0}
    client = storage.s3_client(settings)
    if baseline_uri:
        bucket, key = storage.parse_s3_uri(baseline_uri)
        client.delete_object(Bucket=bucket, Key=key)
        removed["baseline"] = 1
    if work is not None and Path(work).exists():
        shutil.rmtree(work, ignore_errors=True)
        removed["scratch"] = 1
        try:
            Path(work).parent.rmdir()  # work/<student>/ when this run was its only content
        except OSError:
            pass
    ml = adapters.client_for(settings)
    if version is not None:
        name = adapters.model_name(student_id)
        try:
            mv = ml.get_model_version(name, version)
            removed["s3_objects"] += storage.delete_prefix(settings, storage.parse_s3_uri(mv.source)[1] + "/")
            ml.delete_model_version(name, version)
            removed["version"] = 1
            run_id = run_id or mv.run_id
            if not adapters.list_versions(settings, student_id):
                ml.delete_registered_model(name)
        except MlflowException as exc:
            if not forget_mlflow.missing(exc):
                raise
    if run_id:
        try:
            run = ml.get_run(run_id)
            removed["s3_objects"] += storage.delete_prefix(settings, f"mlflow/{run.info.experiment_id}/{run_id}/")
            ml.delete_run(run_id)
            removed["run"] = 1
            forget_mlflow.hard_delete_runs(settings, [run_id])
        except MlflowException as exc:
            if not forget_mlflow.missing(exc):
                raise
    return removed


# -- scan ------------------------------------------------------------------------------------

def scan_student(settings: Settings, student_id: str) -> dict[str, list[str]]:
    """Where the student's data still is, by the exact keys forget deletes by: {store: [locations]};
    only stores with hits are listed. After a forget it is empty. The tombstone is not a finding.

    S3 keys under the student's prefixes; the student's audit events; MLflow models (name
    ``student-<id>`` or tag ``student_id``), their versions, and runs (every experiment, deleted ones
    included); the local cache and scratch directories; the student's Prefect flow runs, task runs and
    artifacts; JSON log records with the student's field or one of those runs.
    """
    check_student_id(student_id)
    found: dict[str, list[str]] = {}

    def hit(store: str, where: str) -> None:
        found.setdefault(store, []).append(where)

    for pattern in STUDENT_PREFIXES:
        for key in storage.list_keys(settings, pattern.format(sid=student_id)):
            hit("s3_keys", key)
    for key in audit.event_keys(settings, student_id):
        hit("audit_events", key)
    # MLflow: models are listed whole (a lookup by name would put the id in the server's access log)
    ml = adapters.client_for(settings)
    name = adapters.model_name(student_id)
    token = None
    while True:
        page = ml.search_registered_models(max_results=1000, page_token=token)
        for m in page:
            if m.name == name or m.tags.get("student_id") == student_id:
                hit("mlflow_models", m.name)
                for v in adapters.list_versions(settings, student_id, m.name):
                    hit("mlflow_versions", f"{m.name} v{v.version}")
        token = page.token
        if not token:
            break
    for run in student_runs(settings, student_id):  # a POST: the filter stays out of the access log
        hit("mlflow_runs", f"{run.info.run_id} ({run.info.lifecycle_stage})")
    for path in forget_local.cache_paths(settings, student_id):
        hit("local_paths", str(path))
    runs = forget_prefect.student_rows(forget_prefect.database(settings.data_dir), student_id, settings.s3_bucket)
    for store, ids in (("prefect_flow_runs", runs.flow_runs), ("prefect_task_runs", runs.task_runs),
                       ("prefect_artifacts", runs.artifacts)):
        for i in sorted(ids):
            hit(store, i)
    s3_paths = forget_local.s3_paths(settings, student_id, STUDENT_PREFIXES)
    for path, lines in forget_local.log_records(settings, student_id, runs.flow_runs | runs.task_runs,
                                                s3_paths).items():
        hit("log_records", f"{path}: lines {', '.join(map(str, lines))}")
    return found


def mention_pattern(student_id: str) -> re.Pattern:
    """The id as a token, also inside student-<id>, clone-<id>-report or a run name student-<id>-<8 hex>,
    or a file name <id>.json, but not inside another id: stu-1 matches neither stu-10, stu-1-b nor stu-1.5."""
    return re.compile(rb"(?<![A-Za-z0-9_.])" + re.escape(student_id.encode())
                      + rb"(?![A-Za-z0-9_]|\.(?!(?:json|csv|txt|log|ya?ml)\b)[A-Za-z0-9_-]|-(?!report\b|[0-9a-f]{8}\b)[A-Za-z0-9_])")


def find_mentions(settings: Settings, student_id: str, s3_contents: bool = True) -> dict[str, list[str]] | None:
    """Free-text search for the id as a word, a report for a person (forget never rewrites what it finds).

    S3 keys and, with ``s3_contents``, object bytes up to 4 MiB (a whole-bucket read); names and
    contents of files under the data dir (model cache and the S3 directory excepted). None when the
    id is too short or has no letter (``0``, ``1``, ``2024``): such a search finds only look-alikes.
    """
    check_student_id(student_id)
    if len(student_id) < MIN_MENTION_CHARS or not any(c.isalpha() for c in student_id):
        return None
    pattern = mention_pattern(student_id)
    found: dict[str, list[str]] = {}
    skip = {settings.model_cache_dir.resolve(), (settings.data_dir / "s3").resolve()}
    if settings.data_dir.is_dir():
        for path in settings.data_dir.rglob("*"):
            resolved = path.resolve()
            if any(resolved == s or s in resolved.parents for s in skip):
                continue
            if pattern.search(path.relative_to(settings.data_dir).as_posix().encode()):
                found.setdefault("local_paths", []).append(str(path))
            elif path.is_file() and path.stat().st_size <= 64 * MAX_SCAN_BYTES and pattern.search(path.read_bytes()):
                found.setdefault("local_files", []).append(str(path))
    client = storage.s3_client(settings)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3_bucket):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.startswith(audit.TOMBSTONES):
                continue
            if pattern.search(key.encode()):
                found.setdefault("s3_keys", []).append(key)
            elif s3_contents and obj["Size"] <= MAX_SCAN_BYTES:
                if pattern.search(client.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()):
                    found.setdefault("s3_contents", []).append(key)
    return found
