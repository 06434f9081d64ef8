"""Clone runs through Prefect's REST API: start one, read its status (serving never imports prefect or flows/).

``start_clone`` scrubs the baseline's PII and writes it to S3 under the student's prefix, which deletion
covers (registry/baselines.py ``admit``), and creates a run of the clone deployment (registry/clone_runs.py)
with its URI (never the data: Prefect stores parameters).
``clone_status_of`` reads the run and its progress artifact; a run the caller may not see (another tenant's,
or one of no student) is the same 404 as a run that does not exist, so a client cannot probe for runs.
"""

import logging

import httpx
from fastapi import HTTPException

from registry import clone_runs
from serving.errors import FieldError

log = logging.getLogger("aivo.serving")


def prefect_request(settings, method: str, path: str, **kw) -> httpx.Response:
    try:
        r = httpx.request(method, settings.prefect_api_url.rstrip("/") + path, timeout=15, **kw)
    except httpx.HTTPError as exc:
        raise HTTPException(503, f"Prefect API unreachable at {settings.prefect_api_url}: {exc}") from None
    if r.status_code == 404:
        raise HTTPException(404, f"Prefect: not found ({path})")
    if r.status_code >= 400:
        raise HTTPException(502, f"Prefect API error {r.status_code}: {r.text[:200]}")
    return r


def start_clone(settings, baseline, require_review: bool, actor: str = "api") -> dict:
    from registry import audit, baselines

    # PII is scrubbed first; the baseline goes to S3 (content-addressed, under the student's prefix that
    # deletion covers) and the run gets its URI, never the data itself (Prefect stores parameters).
    baseline, uri, _ = baselines.admit(settings, baseline, actor, incoming=True)
    dep = prefect_request(settings, "GET", f"/deployments/name/{clone_runs.CLONE_DEPLOYMENT}").json()
    run = prefect_request(settings, "POST", f"/deployments/{dep['id']}/create_flow_run", json={
        "parameters": {"baseline_path": uri, "require_review": require_review},
        "tags": ["clone", "api", clone_runs.student_tag(baseline.student.student_id)],
    }).json()
    audit.record(settings, actor, "clone.start", baseline.student.student_id, obj=f"flow_run:{run['id']}")
    return {"id": run["id"], "state_type": (run.get("state") or {}).get("type")}


def clone_status_of(settings, run_id: str, may_see=lambda student_id: True) -> dict:
    missing = FieldError("run_id", f"no clone run {run_id} (or not one of your students')", 404)
    try:
        run = prefect_request(settings, "GET", f"/flow_runs/{run_id}").json()
    except HTTPException as exc:
        if exc.status_code == 404:
            raise missing from None
        raise
    student = next((t.split(":", 1)[1] for t in run.get("tags", []) if t.startswith("student:")), None)
    if not may_see(student):
        raise missing
    state = run.get("state") or {}
    out = {"run_id": run_id, "student_id": student, "state": state.get("type"), "state_name": state.get("name"),
           "stage": None, "percent": 0.0, "mlflow_version": None}
    arts = prefect_request(settings, "POST", "/artifacts/filter", json={
        "artifacts": {"flow_run_id": {"any_": [run_id]}}, "sort": "CREATED_DESC", "limit": 20}).json()
    for art in arts:
        if art.get("type") == "progress":
            out["percent"] = float(art.get("data") or 0)
            out["stage"] = clone_runs.stage_of(art.get("description"))
            break
    if state.get("type") == "COMPLETED":
        out["percent"] = 100.0
        for art in arts:
            if art.get("type") == "markdown" and clone_runs.is_report_key(art.get("key", "")):
                out["report_key"] = art["key"]
        try:
            from registry.adapters import list_versions

            if student:
                versions = list_versions(settings, student)
                if versions:
                    out["mlflow_version"] = max(versions, key=lambda v: int(v.version)).version
        except Exception:  # noqa: BLE001
            log.exception("reading MLflow versions for run %s failed", run_id)
    return out

