"""The local stack: S3 store, MLflow, Prefect server + worker, LitServe endpoint.

``up`` starts what is not running yet and prints the URLs: the three servers
of registry/servers.py (which also holds the process machinery: process
groups, logs under ``<data_dir>/logs``, pid files under ``<data_dir>/run``,
health checks), plus the Prefect worker (it registers the deployments of
prefect.yaml once it polls) and the endpoint. Once the S3 store is up it
sweeps adapter uploads that died half-way (no manifest, older than
``adapter_orphan_grace_s``: registry/sweep.py). ``down`` stops exactly the
processes recorded in those pid files (checked against their start time, so a
reused pid is never killed). Data lives under ``<data_dir>`` and survives down/up.

Run as: ``aivo up`` / ``aivo down`` / ``aivo status`` (``make up`` / ``make down``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import httpx

from brain.settings import Settings
from registry import servers
from registry.servers import (  # noqa: F401 - re-exported: the CLI, tests and fixtures use them from here
    REPO_DIR,
    Service,
    StackError,
    executable,
    http_ok,
    prefect_env,
    s3_env,
    start_service,
    stop_process,
    stop_service,
)
from registry.storage import s3_client  # noqa: F401 - re-exported


def _worker_ok(settings: Settings) -> Callable[[], bool]:
    url = f"{settings.prefect_api_url}/work_pools/{settings.prefect_work_pool}/workers/filter"

    def check() -> bool:
        try:
            r = httpx.post(url, json={}, timeout=3)
            return r.status_code == 200 and len(r.json()) > 0
        except (httpx.HTTPError, ValueError):
            return False

    return check


def register_deployments(settings: Settings) -> None:
    """`prefect deploy --all` from prefect.yaml against the stack's Prefect server."""
    env = {**os.environ, **settings.to_env(), "PREFECT_API_URL": settings.prefect_api_url,
           "AIVO_REPO_DIR": str(REPO_DIR), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    log_path = settings.logs_dir / "deploy.log"
    with open(log_path, "ab") as log:
        done = subprocess.run([executable("prefect"), "--no-prompt", "deploy", "--all"], cwd=REPO_DIR, env=env,
                              stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, timeout=300)
    if done.returncode != 0:
        raise StackError(f"registering the Prefect deployments failed; see {log_path}:\n{servers.log_tail(log_path)}")


def services(settings: Settings) -> list[Service]:
    """The whole stack, in start order: S3, MLflow, Prefect server (registry/servers.py), worker, endpoint."""
    return [
        *servers.services(settings),
        Service(
            name="worker", title=f"Prefect worker (pool {settings.prefect_work_pool})",
            command=[executable("prefect"), "worker", "start", "--pool", settings.prefect_work_pool,
                     "--type", "process", "--name", "aivo-local-worker"],
            # JSON records (flow_run_id in each): forget drops a student's runs' records (docs/privacy.md)
            env={**settings.to_env(), **prefect_env(settings), **s3_env(settings), "AIVO_REPO_DIR": str(REPO_DIR),
                 "PREFECT_LOGGING_HANDLERS_CONSOLE_FORMATTER": "json",
                 # the MLflow client prints run URLs and model names (student-<id>) as plain text: not here
                 "MLFLOW_SUPPRESS_PRINTING_URL_TO_STDOUT": "true", "MLFLOW_LOGGING_LEVEL": "WARNING"},
            host=None, port=None, port_setting=None,
            healthy=_worker_ok(settings), url=None, timeout=90, depends_on=["prefect"],
            after_start=lambda: register_deployments(settings),
        ),
        Service(
            name="endpoint", title="AIVO endpoint (LitServe)",
            command=[sys.executable, "-m", "brain.logs", "serving.app"],  # JSON log records (brain/logs.py)
            env={**settings.to_env(), **s3_env(settings)},
            host=settings.endpoint_host, port=settings.endpoint_port,
            port_setting="AIVO_ENDPOINT_PORT",
            healthy=http_ok(f"{settings.endpoint_url}/health"), url=settings.endpoint_url, timeout=300,
        ),
    ]


def up(settings: Settings, only: list[str] | None = None, echo: Callable[[str], None] = print) -> list[Service]:
    """Start the stack (or the services named in ``only``); nothing half-started is left on failure."""
    chosen = servers.up(settings, only=only, echo=echo, catalogue=services(settings))
    if any(s.name == "s3" for s in chosen):
        sweep_incomplete_uploads(settings, echo)
    return chosen


def sweep_incomplete_uploads(settings: Settings, echo: Callable[[str], None] = print) -> list[str]:
    """Remove adapter directories without a manifest older than the grace period; best effort."""
    from registry import sweep

    try:
        removed = sweep.sweep_all(settings)
    except Exception as exc:  # noqa: BLE001 - a failed sweep never stops the stack
        echo(f"  sweeping incomplete adapter uploads failed: {type(exc).__name__}: {exc}")
        return []
    if removed:
        echo(f"  removed {len(removed)} incomplete adapter upload(s) (no manifest, older than "
             f"{settings.adapter_orphan_grace_s:.0f}s): {', '.join(removed)}")
    return removed


def down(settings: Settings, echo: Callable[[str], None] = print) -> list[str]:
    """Stop every service of the stack that runs (endpoint first, S3 last)."""
    return servers.down(settings, echo=echo, catalogue=services(settings))


def status(settings: Settings) -> list[dict]:
    rows = []
    for svc in services(settings):
        proc = servers.recorded(settings, svc.name)
        rows.append({
            "service": svc.name, "title": svc.title, "pid": proc.pid if proc else None,
            "running": proc is not None, "healthy": bool(proc) and svc.healthy(), "url": svc.url,
        })
    return rows


def urls(settings: Settings) -> dict[str, str]:
    return {
        "Prefect UI": settings.prefect_ui_url,
        "MLflow UI": settings.mlflow_tracking_uri,
        "S3 store": f"{settings.s3_endpoint_url} (bucket {settings.s3_bucket})",
        "Endpoint": settings.endpoint_url,
        "Logs": str(settings.logs_dir),
    }
