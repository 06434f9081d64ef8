"""MLflow's part of forgetting a student: the registered model ``student-<id>`` and the student's runs.

A run is the student's when its tag ``student_id`` is the id, or (untagged) its name is exactly
``student-<id>-<8 hex>`` (what ``registry.adapters.publish`` names it). MLflow's API only
soft-deletes runs; they are then deleted for good in MLflow's database (``AIVO_MLFLOW_BACKEND_STORE_URI``,
default the local stack's sqlite file), which is vacuumed.

Run as: part of ``registry.forget.forget_student``.
"""

from __future__ import annotations

import re
import sqlite3
import time

from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from brain.settings import Settings
from registry import adapters, storage


def missing(exc: MlflowException) -> bool:
    """The model, version or run is not there (already deleted, or never made)."""
    return exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE")


def student_runs(settings: Settings, student_id: str, view: int = ViewType.ALL) -> list:
    """Runs of the student in every experiment (active and deleted): tag student_id == id, or no such
    tag and the run name publish gives, ``student-<id>-<8 hex>``, exactly."""
    client = adapters.client_for(settings)
    exps = [e.experiment_id for e in client.search_experiments(view_type=ViewType.ALL)]
    if not exps:
        return []
    found = {}
    name = adapters.model_name(student_id)
    own_name = re.compile(re.escape(name) + r"-[0-9a-f]{8}")
    for flt in (f"tags.student_id = '{student_id}'", f"attributes.run_name LIKE '{name}-%'"):
        token = None
        while True:
            page = client.search_runs(exps, flt, run_view_type=view, max_results=1000, page_token=token)
            # LIKE's '_' is a wildcard and student-stu-1-% also matches student-stu-1-b's runs: check exactly
            for r in page:
                tag = r.data.tags.get("student_id")
                if tag == student_id or (tag is None and own_name.fullmatch(r.info.run_name or "")):
                    found[r.info.run_id] = r
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


def hard_delete_runs(settings: Settings, run_ids: list[str]) -> int:
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


def vacuum_sqlite(uri: str | None) -> bool:
    """VACUUM a local sqlite database so deleted rows leave no copy in free pages."""
    if not uri or not uri.startswith("sqlite:///"):
        return False
    path = uri.removeprefix("sqlite:///")
    vacuumed = False
    for attempt in range(6):
        conn = sqlite3.connect(path, timeout=10, isolation_level=None)
        try:
            if not vacuumed:
                conn.execute("VACUUM")
                vacuumed = True
            # no old page image left in the WAL: a checkpoint a reader blocked reports busy (first
            # column 1) instead of raising; it is retried until it completes
            if conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0:
                return True
        except sqlite3.OperationalError:
            pass
        finally:
            conn.close()
        time.sleep(0.3 * 2**attempt)
    return False


def forget(settings: Settings, student_id: str, removed: dict, warnings: list[str]) -> None:
    """Delete the student's registered model and runs (for good where the database is reachable)."""
    client = adapters.client_for(settings)
    versions = adapters.list_versions(settings, student_id)
    try:
        client.delete_registered_model(adapters.model_name(student_id))
    except MlflowException as exc:
        if not missing(exc):
            raise
    runs = student_runs(settings, student_id)
    artifacts = 0
    for run in runs:
        artifacts += storage.delete_prefix(settings, f"mlflow/{run.info.experiment_id}/{run.info.run_id}/")
        if run.info.lifecycle_stage != "deleted":
            client.delete_run(run.info.run_id)
    hard = 0
    try:
        hard = hard_delete_runs(settings, [r.info.run_id for r in runs])
    except Exception as exc:  # noqa: BLE001 - report it: the scan will show the soft-deleted runs
        warnings.append(f"permanent deletion of MLflow runs failed: {type(exc).__name__}: {exc}")
    if runs and hard < len(runs):
        warnings.append(f"{len(runs) - hard} MLflow run(s) only soft-deleted: set "
                               "AIVO_MLFLOW_BACKEND_STORE_URI so forget can delete them for good")
    uri = backend_store_uri(settings) or ""
    if (runs or versions) and uri.startswith("sqlite:") and not vacuum_sqlite(uri):
        warnings.append("MLflow sqlite VACUUM did not complete (database busy); run it again later")
    removed.update(mlflow_model_versions=len(versions), mlflow_runs=len(runs),
                          mlflow_runs_purged=hard, mlflow_artifacts=artifacts)
