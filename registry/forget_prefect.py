"""The local Prefect database's part of forgetting a student: runs found by exact keys, deleted by row.

A flow run is the student's when one of these holds (JSON parsed, values compared whole):

- its tags hold ``student:<id>`` (clones started by the endpoint; every ``clone-student`` and
  ``ingest-baseline`` run tags itself once it has read the baseline, see ``flows/ingest.py``);
- a parameter that carries a student holds the id: ``student_id`` (``forget-student``),
  ``baseline.student.student_id`` (an inline baseline), or ``baseline_path`` / ``baseline`` an
  ``s3://<bucket>/baselines/<id>/...`` URI (what the endpoint passes);
- it is a ``clone-student`` run that owns one of the student's clone artifacts.

A clone artifact (progress ``clone-<key>``, report ``clone-<key>-report``, see ``flows/clone.py``) is
the student's when its description names the student exactly (``Clone of student <id>: <stage>``,
``Clone report of student <id>``). Inside a ``clone-cohort`` run (many students) the artifact's task
run is the student's, not the whole run.

Deleted with a run: its subflow runs, task runs, states, logs, artifacts (an artifact collection
whose latest version goes falls back to the newest one left, or goes too), flow-run inputs, state
cache entries, and the events about any of them (event ``resource_id``, or ``related_resource_ids``)
with their ``event_resources`` rows. Nothing else is read or written; the file is then vacuumed.

Run as: part of ``registry.forget.forget_student``; ``python -m registry.forget_prefect STUDENT``
prints what would be deleted from the local stack's database (read only).
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from registry import clone_runs, servers

# parameter paths that carry a student id (flows/forget.py, flows/ingest.py); and parameters that
# carry a baseline URI (flows/clone.py, flows/ingest.py), the student's when under baselines/<id>/
STUDENT_PARAMETERS = (("student_id",), ("baseline", "student", "student_id"))
BASELINE_URI_PARAMETERS = ("baseline_path", "baseline")
@dataclass
class PrefectRows:
    """The student's rows in Prefect's database, by table."""

    flow_runs: set[str] = field(default_factory=set)
    task_runs: set[str] = field(default_factory=set)
    artifacts: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.flow_runs or self.task_runs or self.artifacts)


def database(data_dir: Path) -> Path | None:
    """The local stack's Prefect database (registry/servers.py), when there is one."""
    path = servers.prefect_db(data_dir)
    return path if path.exists() else None


def _json(value):
    try:
        return json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return None


def _at(obj, path: tuple[str, ...]):
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def names_student(tags, parameters, student_id: str, bucket: str) -> bool:
    """True when a flow run's tags or parameters (parsed JSON) name the student by an exact key."""
    if isinstance(tags, list) and clone_runs.student_tag(student_id) in tags:
        return True
    if not isinstance(parameters, dict):
        return False
    if any(_at(parameters, path) == student_id for path in STUDENT_PARAMETERS):
        return True
    prefix = f"s3://{bucket}/baselines/{student_id}/"
    return any(isinstance(parameters.get(p), str) and parameters[p].startswith(prefix)
               for p in BASELINE_URI_PARAMETERS)


def _clone_artifact(key, description, student_id: str) -> bool:
    return (key == clone_runs.progress_key(student_id) and clone_runs.is_progress_of(description, student_id)
            or key == clone_runs.report_key(student_id) and description == clone_runs.report_description(student_id))


def _in(column: str, ids: set[str]) -> tuple[str, list[str]]:
    return f"{column} IN ({','.join('?' * len(ids))})", sorted(ids)


def find(conn: sqlite3.Connection, student_id: str, bucket: str) -> PrefectRows:
    """The student's flow runs (with their subflows), task runs and artifacts."""
    rows = PrefectRows()
    for run_id, tags, params in conn.execute("SELECT id, tags, parameters FROM flow_run"):
        if names_student(_json(tags), _json(params), student_id, bucket):
            rows.flow_runs.add(run_id)
    clone_flows = {r[0] for r in conn.execute("SELECT id FROM flow WHERE name = ?", (clone_runs.CLONE_FLOW,))}
    for art_id, key, desc, run_id, task_id in conn.execute(
            "SELECT id, key, description, flow_run_id, task_run_id FROM artifact WHERE key IN (?, ?)",
            (clone_runs.progress_key(student_id), clone_runs.report_key(student_id))):
        if not _clone_artifact(key, desc, student_id):
            continue
        rows.artifacts.add(art_id)
        flow_id = conn.execute("SELECT flow_id FROM flow_run WHERE id = ?", (run_id,)).fetchone()
        if flow_id and flow_id[0] in clone_flows:
            rows.flow_runs.add(run_id)
        elif task_id:  # a cohort run: only the task run of this student
            rows.task_runs.add(task_id)
    while True:  # task runs of the runs, and subflow runs of those task runs
        if rows.flow_runs:
            where, args = _in("flow_run_id", rows.flow_runs)
            rows.task_runs |= {r[0] for r in conn.execute(f"SELECT id FROM task_run WHERE {where}", args)}
        if not rows.task_runs:
            break
        where, args = _in("parent_task_run_id", rows.task_runs)
        sub = {r[0] for r in conn.execute(f"SELECT id FROM flow_run WHERE {where}", args)} - rows.flow_runs
        if not sub:
            break
        rows.flow_runs |= sub
    for column, ids in (("flow_run_id", rows.flow_runs), ("task_run_id", rows.task_runs)):
        if ids:
            where, args = _in(column, ids)
            rows.artifacts |= {r[0] for r in conn.execute(f"SELECT id FROM artifact WHERE {where}", args)}
    return rows


def _event_ids(conn: sqlite3.Connection, resources: set[str]) -> set[str]:
    """Events about any of the resources: as the event's resource, or among its related resources."""
    found = set()
    for rid in resources:
        uuid = rid.rsplit(".", 1)[-1]  # a UUID: LIKE only narrows, the JSON list is compared exactly below
        for event_id, resource_id, related in conn.execute(
                "SELECT id, resource_id, related_resource_ids FROM events WHERE resource_id = ? "
                "OR related_resource_ids LIKE ?", (rid, f"%{uuid}%")):
            rel = _json(related)
            if resource_id == rid or (isinstance(rel, list) and rid in rel):
                found.add(event_id)
    return found


def delete(conn: sqlite3.Connection, rows: PrefectRows) -> dict[str, int]:
    """Delete the rows (one transaction); returns counts per table."""
    counts: dict[str, int] = {}

    def run(table: str, column: str, ids: set[str]) -> None:
        if ids:
            where, args = _in(column, ids)
            counts[table] = counts.get(table, 0) + conn.execute(f'DELETE FROM "{table}" WHERE {where}', args).rowcount

    resources = ({f"prefect.flow-run.{i}" for i in rows.flow_runs} | {f"prefect.task-run.{i}" for i in rows.task_runs}
                 | {f"prefect.artifact.{i}" for i in rows.artifacts})
    events = _event_ids(conn, resources)
    states = set()
    if rows.task_runs:
        where, args = _in("task_run_id", rows.task_runs)
        states = {r[0] for r in conn.execute(f"SELECT id FROM task_run_state WHERE {where}", args)}
    collections = []
    if rows.artifacts:
        where, args = _in("latest_id", rows.artifacts)
        collections = conn.execute(f"SELECT id, key FROM artifact_collection WHERE {where}", args).fetchall()
    run("events", "id", events)
    run("event_resources", "event_id", events)
    run("event_resources", "resource_id", resources)
    run("artifact", "id", rows.artifacts)
    run("log", "flow_run_id", rows.flow_runs)
    run("log", "task_run_id", rows.task_runs)
    run("task_run_state_cache", "task_run_state_id", states)
    run("task_run_state", "task_run_id", rows.task_runs)
    run("task_run", "id", rows.task_runs)
    run("flow_run_input", "flow_run_id", rows.flow_runs)
    run("flow_run_state", "flow_run_id", rows.flow_runs)
    run("flow_run", "id", rows.flow_runs)
    for coll_id, key in collections:  # what Prefect does when an artifact goes: the newest one left is latest
        left = conn.execute("SELECT id, task_run_id, flow_run_id, type, data, description, metadata_ FROM artifact "
                            "WHERE key = ? ORDER BY created DESC LIMIT 1", (key,)).fetchone()
        if left:
            conn.execute("UPDATE artifact_collection SET latest_id = ?, task_run_id = ?, flow_run_id = ?, type = ?, "
                         "data = ?, description = ?, metadata_ = ? WHERE id = ?", (*left, coll_id))
        else:
            conn.execute("DELETE FROM artifact_collection WHERE id = ?", (coll_id,))
        counts["artifact_collection"] = counts.get("artifact_collection", 0) + 1
    return counts


def connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=30, isolation_level=None)


def forget(path: Path, student_id: str, bucket: str) -> dict[str, int]:
    """Find and delete the student's rows in one write transaction (so the server adds nothing in between),
    retried while the server holds the lock; returns counts per table."""
    for attempt in range(6):
        conn = connect(path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            counts = delete(conn, find(conn, student_id, bucket))
            conn.execute("COMMIT")
            return counts
        except sqlite3.OperationalError as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if "locked" not in str(exc) or attempt == 5:
                raise
            time.sleep(0.3 * 2**attempt)
        finally:
            conn.close()
    return {}


def student_rows(path: Path | None, student_id: str, bucket: str) -> PrefectRows:
    """What ``forget`` would delete (read only)."""
    if path is None:
        return PrefectRows()
    conn = connect(path)
    try:
        return find(conn, student_id, bucket)
    finally:
        conn.close()


if __name__ == "__main__":
    from brain.settings import get_settings

    settings = get_settings()
    found = student_rows(database(settings.data_dir), sys.argv[1], settings.s3_bucket)
    print(json.dumps({k: sorted(v) for k, v in vars(found).items()}, indent=2))
