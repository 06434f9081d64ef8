"""Forget a student: remove every trace from every store, leave an audit tombstone, prove it with a scan.

``forget_student`` removes, in this order (each step tolerates what is already gone,
so a repeated or interrupted forget finishes the job):

1. MLflow: the registered model ``student-<id>`` (every version and alias), and
   every run of the student in any experiment (tag ``student_id``, or a run
   name ``student-<id>-...``), with its artifacts in S3 (``mlflow/<exp>/<run>/``).
   MLflow's API only soft-deletes runs; the runs are then deleted for good in
   MLflow's backend database (``AIVO_MLFLOW_BACKEND_STORE_URI``, default the local
   stack's sqlite file, which is then vacuumed so no freed page keeps the data).
2. S3: ``baselines/<id>/``, ``datasets/<id>/``, ``adapters/<id>/``, ``consent/<id>/``
   and the student's audit events.
3. Local disk under the data dir: the endpoint's adapter cache ``adapter-cache/<id>/``
   and clone scratch ``work/<id>/`` (the paths are returned: the endpoint drops
   its in-memory entries for them); in local log files and the local stack's
   sqlite databases (Prefect's flow-run parameters, logs, artifacts, events) the
   id is replaced by ``forgotten-<hash>``, and the databases are vacuumed.
4. A tombstone ``audit/tombstones/<hash>/...`` (hashed id, time, actor, counts).

``scan_student`` then looks in every store (all S3 keys and object contents,
MLflow models, versions and runs of every experiment including deleted ones,
file names and contents under the data dir) and returns what it finds; after
a forget it is empty.

Run as: ``aivo forget STUDENT_ID --actor <who>`` or the ``forget-student`` deployment.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from brain.schemas import STUDENT_ID_PATTERN
from brain.settings import Settings
from registry import adapters, audit, storage

log = logging.getLogger(__name__)

STUDENT_PREFIXES = ("baselines/{sid}/", "datasets/{sid}/", "adapters/{sid}/", "consent/{sid}/")
MAX_SCAN_BYTES = 4 * 2**20  # object/file contents larger than this are checked by name only


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


def _check_id(student_id: str) -> None:
    if not re.fullmatch(STUDENT_ID_PATTERN, student_id or ""):
        raise ValueError(f"not a student id: {student_id!r}")


def _mentions(student_id: str) -> re.Pattern:
    """The id as a token, also inside student-<id>, clone-<id>-report or a run name student-<id>-<8 hex>,
    or a file name <id>.json, but not inside another id: stu-1 matches neither stu-10, stu-1-b nor stu-1.5."""
    return re.compile(rb"(?<![A-Za-z0-9_.])" + re.escape(student_id.encode())
                      + rb"(?![A-Za-z0-9_]|\.(?!(?:json|csv|txt|log|ya?ml)\b)[A-Za-z0-9_-]|-(?!report\b|[0-9a-f]{8}\b)[A-Za-z0-9_])")


# -- MLflow ------------------------------------------------------------------------------

def student_runs(settings: Settings, student_id: str, view: int = ViewType.ALL) -> list:
    """Runs of the student in every experiment (active and deleted): tag student_id or run name student-<id>-*."""
    client = adapters.client_for(settings)
    exps = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    if not exps:
        return []
    found = {}
    name = adapters.model_name(student_id)
    own_name = re.compile(re.escape(name) + r"-[0-9a-f]{8}")  # publish names runs student-<id>-<key[:8]>
    for flt in (f"tags.student_id = '{student_id}'", f"attributes.run_name LIKE '{name}-%'"):
        token = None
        while True:
            page = client.search_runs(exps, flt, run_view_type=view, max_results=1000, page_token=token)
            # LIKE's '_' is a wildcard and student-stu-1-% also matches student-stu-1-b's runs: check exactly
            found.update({r.info.run_id: r for r in page if r.data.tags.get("student_id") == student_id
                          or own_name.fullmatch(r.info.run_name or "")})
            token = page.token
            if not token:
                break
    return list(found.values())


def backend_store_uri(settings: Settings) -> str | None:
    """MLflow's database: the setting, else the local stack's sqlite file when it exists."""
    if settings.mlflow_backend_store_uri:
        return settings.mlflow_backend_store_uri
    local = settings.data_dir / "mlflow" / "mlflow.db"
    return f"sqlite:///{local}" if local.exists() else None


def _hard_delete_runs(settings: Settings, run_ids: list[str]) -> int:
    """Delete soft-deleted runs for good in MLflow's database (what `mlflow gc` does); returns how many."""
    uri = backend_store_uri(settings)
    if not uri or not run_ids:
        return 0
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    store = SqlAlchemyStore(uri, "mlflow-artifacts:/")
    done = 0
    try:
        for run_id in run_ids:
            for attempt in range(5):
                try:
                    store._hard_delete_run(run_id)
                    done += 1
                    break
                except MlflowException as exc:
                    if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
                        break
                    raise
                except Exception as exc:  # noqa: BLE001 - sqlite busy while the server writes
                    if "locked" not in str(exc) or attempt == 4:
                        raise
                    time.sleep(0.2 * 2**attempt)
    finally:
        store.engine.dispose()
    return done


def _vacuum_sqlite(uri: str | None) -> bool:
    """VACUUM a local sqlite backend so deleted rows leave no copy in free pages."""
    if not uri or not uri.startswith("sqlite:///"):
        return False
    path = uri.removeprefix("sqlite:///")
    for attempt in range(6):
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # no old page image left in the WAL
            return True
        except sqlite3.OperationalError:
            time.sleep(0.3 * 2**attempt)
        finally:
            conn.close()
    return False


def _forget_mlflow(settings: Settings, student_id: str, report: ForgetReport) -> None:
    client = adapters.client_for(settings)
    versions = adapters.list_versions(settings, student_id)
    try:
        client.delete_registered_model(adapters.model_name(student_id))
    except MlflowException as exc:
        if not adapters._not_found(exc):
            raise
    runs = student_runs(settings, student_id)
    artifacts = 0
    for run in runs:
        artifacts += storage.delete_prefix(settings, f"mlflow/{run.info.experiment_id}/{run.info.run_id}/")
        if run.info.lifecycle_stage != "deleted":
            client.delete_run(run.info.run_id)
    hard = 0
    try:
        hard = _hard_delete_runs(settings, [r.info.run_id for r in runs])
    except Exception as exc:  # noqa: BLE001 - report it: the scan will show the soft-deleted runs
        report.warnings.append(f"permanent deletion of MLflow runs failed: {type(exc).__name__}: {exc}")
    if runs and hard < len(runs):
        report.warnings.append(f"{len(runs) - hard} MLflow run(s) only soft-deleted: set "
                               "AIVO_MLFLOW_BACKEND_STORE_URI so forget can delete them for good")
    if runs and not _vacuum_sqlite(backend_store_uri(settings)) and (backend_store_uri(settings) or "").startswith(
            "sqlite:"):
        report.warnings.append("MLflow sqlite VACUUM did not complete (database busy); run it again later")
    report.removed.update(mlflow_model_versions=len(versions), mlflow_runs=len(runs),
                          mlflow_runs_purged=hard, mlflow_artifacts=artifacts)


# -- local disk ----------------------------------------------------------------------------

def evict_local_caches(settings: Settings, student_id: str) -> list[str]:
    """Remove the student's adapter disk cache and clone scratch; returns the paths removed.

    The endpoint calls this (or gets the paths from ``forget_student``) and drops its
    in-memory adapters of the student.
    """
    _check_id(student_id)
    removed = []
    for path in (settings.data_dir / "adapter-cache" / student_id, settings.data_dir / "work" / student_id):
        if path.exists():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(str(path))
    return removed


def _patterns(student_id: str) -> list[re.Pattern]:
    """The id, and the id as Prefect artifact keys spell it (lowercase, '-' for other characters)."""
    keyed = "".join(c if c.isalnum() else "-" for c in student_id.lower())
    return [_mentions(student_id)] + ([_mentions(keyed)] if keyed != student_id else [])


def pseudonym(settings: Settings, student_id: str) -> str:
    """What replaces a forgotten id in logs and local databases (valid in a Prefect artifact key too)."""
    return f"forgotten-{audit.student_hash(settings, student_id)[:12]}"


def redact_local_logs(settings: Settings, student_id: str) -> int:
    """Replace the id by its pseudonym in the local log files; returns the number of replacements."""
    repl = pseudonym(settings, student_id).encode()
    total = 0
    if not settings.logs_dir.is_dir():
        return 0
    for path in settings.logs_dir.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        n = 0
        for pattern in _patterns(student_id):
            data, k = pattern.subn(repl, data)
            n += k
        if n:
            # writers append (O_APPEND), so rewriting in place keeps their later lines
            with open(path, "r+b") as fh:
                fh.write(data)
                fh.truncate()
            total += n
    return total


def local_databases(settings: Settings) -> list[Path]:
    """The sqlite databases of the local stack (Prefect's, MLflow's) under the data dir."""
    return sorted(p for sub in ("prefect", "mlflow") for p in (settings.data_dir / sub).glob("*.db"))


def redact_sqlite(path: Path, student_id: str, replacement: str) -> int:
    """Replace the id in every text value of a sqlite database, then VACUUM it; returns the replacements.

    For the local stack's Prefect database (flow-run parameters, logs, artifacts, events,
    state messages mention students) and what MLflow's API leaves in its own.
    A production Postgres is cleaned by the services' own retention instead (docs/privacy.md).
    """
    patterns = [(p, p.pattern) for p in _patterns(student_id)]
    needles = {student_id, "".join(c if c.isalnum() else "-" for c in student_id.lower())}
    total = 0
    conn = sqlite3.connect(path, timeout=30)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
                  if not r[0].startswith("sqlite_")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for col in columns:
                for needle in needles:
                    try:
                        rows = conn.execute(f'SELECT rowid, "{col}" FROM "{table}" WHERE "{col}" LIKE ?',
                                            (f"%{needle}%",)).fetchall()
                    except sqlite3.OperationalError:  # a table without rowid, a virtual table
                        continue
                    for rowid, value in rows:
                        if not isinstance(value, str):
                            continue
                        new = value
                        for pattern, _ in patterns:
                            new = pattern.sub(replacement.encode(), new.encode()).decode()
                        if new != value:
                            conn.execute(f'UPDATE "{table}" SET "{col}" = ? WHERE rowid = ?', (new, rowid))
                            total += 1
            conn.commit()
    finally:
        conn.close()
    _vacuum_sqlite(f"sqlite:///{path}")
    return total


# -- forget ----------------------------------------------------------------------------------

def forget_student(settings: Settings, student_id: str, actor: str, reason: str = "",
                   scan: bool = True) -> ForgetReport:
    """Remove everything of a student (MLflow, S3, local caches, logs), write the tombstone, scan."""
    _check_id(student_id)
    if not actor:
        raise ValueError("forget needs an actor (who asked for the deletion)")
    report = ForgetReport(student_hash=audit.student_hash(settings, student_id), actor=actor)
    _forget_mlflow(settings, student_id, report)
    s3 = {}
    for pattern in STUDENT_PREFIXES:
        prefix = pattern.format(sid=student_id)
        s3[prefix.split("/")[0]] = storage.delete_prefix(settings, prefix)
    report.removed["s3_objects"] = s3
    report.removed["audit_events"] = audit.delete_student_events(settings, student_id)
    report.cache_paths = evict_local_caches(settings, student_id)
    report.removed["local_paths"] = len(report.cache_paths)
    report.removed["log_mentions_redacted"] = redact_local_logs(settings, student_id)
    for db in local_databases(settings):
        try:
            report.removed[f"db_values_redacted:{db.parent.name}"] = redact_sqlite(
                db, student_id, pseudonym(settings, student_id))
        except sqlite3.Error as exc:
            report.warnings.append(f"{db}: redaction failed ({exc}); run the forget again")
    removed = {**report.removed, **({"reason": reason} if reason else {})}
    report.tombstone = audit.write_tombstone(settings, student_id, actor, removed)
    log.info("forgot student=%s by %s: %s", report.student_hash[:12], actor, report.removed)
    if scan:  # object bodies are not read here (a whole bucket per request); scan_student does by default
        report.remaining = scan_student(settings, student_id, contents=False)
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
            if not adapters._not_found(exc):
                raise
    if run_id:
        try:
            run = ml.get_run(run_id)
            removed["s3_objects"] += storage.delete_prefix(settings, f"mlflow/{run.info.experiment_id}/{run_id}/")
            ml.delete_run(run_id)
            removed["run"] = 1
            _hard_delete_runs(settings, [run_id])
        except MlflowException as exc:
            if not adapters._not_found(exc):
                raise
    return removed


# -- scan ------------------------------------------------------------------------------------

def scan_student(settings: Settings, student_id: str, contents: bool = True) -> dict[str, list[str]]:
    """Where the student can still be found: {store: [locations]}; only stores with hits are listed.

    Stores: S3 keys (every prefix, MLflow's artifact store included) and, with ``contents``, the
    bytes of every object up to 4 MiB (a whole-bucket read: for audits and tests); the student's audit events; MLflow registered models,
    versions and runs (all experiments, deleted runs included); names and contents of files
    under the data dir, the local Prefect and MLflow databases included (model cache and S3
    directory excepted: the S3 store is scanned through its API). The tombstone is not a finding.
    """
    _check_id(student_id)
    patterns = _patterns(student_id)
    found: dict[str, list[str]] = {}

    def mentions(data: bytes) -> bool:
        return any(p.search(data) for p in patterns)

    def hit(store: str, where: str) -> None:
        found.setdefault(store, []).append(where)

    # local files first: the lookups below leave lines in the servers' access logs
    skip = {settings.model_cache_dir.resolve(), (settings.data_dir / "s3").resolve()}
    if settings.data_dir.is_dir():
        for path in settings.data_dir.rglob("*"):
            resolved = path.resolve()
            if any(resolved == s or s in resolved.parents for s in skip):
                continue
            rel = path.relative_to(settings.data_dir).as_posix()
            if mentions(rel.encode()):
                hit("local_paths", str(path))
            elif path.is_file() and path.stat().st_size <= 64 * MAX_SCAN_BYTES:
                if mentions(path.read_bytes()):
                    hit("local_files", str(path))
    client = storage.s3_client(settings)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3_bucket):
        for obj in page.get("Contents", []):
            key = obj["Key"]
            if key.startswith(audit.TOMBSTONES):
                continue
            if mentions(key.encode()):
                hit("s3_keys", key)
            elif contents and obj["Size"] <= MAX_SCAN_BYTES:
                body = client.get_object(Bucket=settings.s3_bucket, Key=key)["Body"].read()
                if mentions(body):
                    hit("s3_contents", key)
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

    return found

