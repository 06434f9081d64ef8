"""The local servers as processes: the S3 store (rclone), MLflow and the Prefect server.

Holds the machinery the local stack (aivo/stack.py: ``aivo up``) and the
benchmarks share: a ``Service`` (command, environment, port, health check),
``start_service`` (its own process group, log under ``<data_dir>/logs``, pid
file under ``<data_dir>/run``), ``wait_healthy``, ``stop_service`` (stops
exactly the recorded process, checked against its start time, so a reused pid
is never killed), and ``up`` / ``down`` over a list of services in dependency
order (nothing half-started is left on failure). ``services`` are the three
servers the registry and the flows need; the stack adds the Prefect worker and
the endpoint. Prefect is launched as a command, never imported.

Run as: ``aivo up`` / ``aivo down`` (the whole stack), or from Python:
``servers.up(settings, only=["s3"])`` ... ``servers.down(settings)``.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from brain.settings import Settings, host_port
from registry.storage import s3_client

REPO_DIR = Path(__file__).resolve().parents[1]


class StackError(RuntimeError):
    """Something stops the stack from starting; the message says what and what to do."""


@dataclass
class Service:
    name: str
    title: str
    command: list[str]
    env: dict[str, str]
    host: str | None
    port: int | None
    port_setting: str | None  # the setting that moves the port, for error messages
    healthy: Callable[[], bool]
    url: str | None
    timeout: float = 120.0
    after_start: Callable[[], None] | None = None
    depends_on: list[str] = field(default_factory=list)


def executable(name: str) -> str:
    """An executable of this virtualenv (rclone, mlflow, prefect), else from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else name


def s3_env(settings: Settings) -> dict[str, str]:
    """Environment that makes boto3 / MLflow talk to the configured S3 store."""
    return {
        "AWS_ACCESS_KEY_ID": settings.s3_access_key,
        "AWS_SECRET_ACCESS_KEY": settings.s3_secret_key.get_secret_value(),
        "AWS_DEFAULT_REGION": settings.s3_region,
        "MLFLOW_S3_ENDPOINT_URL": settings.s3_endpoint_url,
    }


def prefect_db(data_dir: Path) -> Path:
    """The local Prefect server's sqlite database: ``<data_dir>/prefect/prefect.db``."""
    return Path(data_dir) / "prefect" / "prefect.db"


def prefect_env(settings: Settings) -> dict[str, str]:
    """Environment of the Prefect server and its worker: its home and sqlite database under ``<data_dir>/prefect``."""
    home = settings.data_dir / "prefect"
    return {
        "PREFECT_HOME": str(home),
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{prefect_db(settings.data_dir)}",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": settings.prefect_api_url,
        "PREFECT_UI_API_URL": settings.prefect_api_url,
        "DO_NOT_TRACK": "1",
    }


def http_ok(url: str) -> Callable[[], bool]:
    """A health check: ``url`` answers 200."""
    def check() -> bool:
        try:
            return httpx.get(url, timeout=3).status_code == 200
        except httpx.HTTPError:
            return False

    return check


def _s3_ok(settings: Settings) -> Callable[[], bool]:
    def check() -> bool:
        try:
            s3_client(settings).list_buckets()
            return True
        except Exception:
            return False

    return check


def ensure_bucket(settings: Settings) -> None:
    client = s3_client(settings)
    names = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if settings.s3_bucket not in names:
        client.create_bucket(Bucket=settings.s3_bucket)


def services(settings: Settings) -> list[Service]:
    """The S3 store, the MLflow server and the Prefect server, as configured in ``settings``."""
    data = settings.data_dir
    s3_host, s3_port = host_port(settings.s3_endpoint_url, 9100)
    ml_host, ml_port = host_port(settings.mlflow_tracking_uri, 5100)
    pf_host, pf_port = host_port(settings.prefect_api_url, 4200)
    return [
        Service(
            name="s3", title="S3 store (rclone serve s3)",
            command=[executable("rclone"), "serve", "s3", str(data / "s3"), "--addr", f"{s3_host}:{s3_port}",
                     "--auth-key", f"{settings.s3_access_key},{settings.s3_secret_key.get_secret_value()}",
                     "--use-json-log"],  # records name object paths in a field: forget drops a student's
            env={}, host=s3_host, port=s3_port, port_setting="AIVO_S3_ENDPOINT_URL",
            healthy=_s3_ok(settings), url=settings.s3_endpoint_url, timeout=30,
            after_start=lambda: ensure_bucket(settings),
        ),
        Service(
            name="mlflow", title="MLflow server",
            command=[executable("mlflow"), "server", "--host", ml_host, "--port", str(ml_port), "--workers", "1",
                     "--backend-store-uri", f"sqlite:///{data / 'mlflow' / 'mlflow.db'}",
                     "--artifacts-destination", f"s3://{settings.s3_bucket}/mlflow",
                     # no access log: request URLs name students (student-<id>) in plain text (docs/privacy.md)
                     "--uvicorn-opts", "--no-access-log"],
            env=s3_env(settings), host=ml_host, port=ml_port, port_setting="AIVO_MLFLOW_TRACKING_URI",
            healthy=http_ok(f"{settings.mlflow_tracking_uri}/health"), url=settings.mlflow_tracking_uri,
            timeout=120,  # needs S3 only when an artifact moves, so it starts beside it
        ),
        Service(
            name="prefect", title="Prefect server",
            command=[executable("prefect"), "server", "start", "--host", pf_host, "--port", str(pf_port)],
            env=prefect_env(settings), host=pf_host, port=pf_port, port_setting="AIVO_PREFECT_API_URL",
            healthy=http_ok(f"{settings.prefect_api_url}/health"), url=settings.prefect_ui_url, timeout=120,
        ),
    ]


# Process bookkeeping -------------------------------------------------------------------

def _pid_file(settings: Settings, name: str) -> Path:
    return settings.run_dir / f"{name}.json"


def recorded(settings: Settings, name: str) -> psutil.Process | None:
    """The live process recorded for a service, or None (stale pid files are removed)."""
    path = _pid_file(settings, name)
    if not path.exists():
        return None
    try:
        info = json.loads(path.read_text())
        proc = psutil.Process(info["pid"])
        if abs(proc.create_time() - info["create_time"]) < 1.0 and proc.status() != psutil.STATUS_ZOMBIE:
            return proc
    except (psutil.Error, ValueError, KeyError):
        pass
    path.unlink(missing_ok=True)
    return None


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _port_owner(port: int) -> str:
    try:
        for conn in psutil.net_connections(kind="tcp"):
            if conn.laddr and conn.laddr.port == port and conn.status == psutil.CONN_LISTEN and conn.pid:
                return f" by pid {conn.pid} ({psutil.Process(conn.pid).name()})"
    except (psutil.Error, PermissionError):
        pass
    return ""


def start_service(settings: Settings, svc: Service) -> psutil.Process:
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    for sub in ("s3", "mlflow", "prefect"):
        (settings.data_dir / sub).mkdir(parents=True, exist_ok=True)
    log_path = settings.logs_dir / f"{svc.name}.log"
    env = {**os.environ, **svc.env, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting: {' '.join(svc.command)}\n".encode())
        log.flush()
        popen = subprocess.Popen(
            svc.command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, cwd=REPO_DIR, start_new_session=True,
        )
    proc = psutil.Process(popen.pid)
    _pid_file(settings, svc.name).write_text(json.dumps(
        {"pid": proc.pid, "create_time": proc.create_time(), "command": svc.command, "log": str(log_path)}
    ))
    return proc


def wait_healthy(settings: Settings, svc: Service, proc: psutil.Process) -> None:
    log_path = settings.logs_dir / f"{svc.name}.log"
    deadline = time.monotonic() + svc.timeout
    while time.monotonic() < deadline:
        if not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE:
            raise StackError(f"{svc.title} exited during start-up; see {log_path}:\n" + log_tail(log_path))
        if svc.healthy():
            if svc.after_start:
                svc.after_start()
            return
        time.sleep(0.5)
    raise StackError(f"{svc.title} did not become healthy within {svc.timeout:.0f}s; see "
                     f"{log_path}:\n" + log_tail(log_path))


def log_tail(path: Path, lines: int = 15) -> str:
    """The last ``lines`` lines of a log file, for an error message ('' when it cannot be read)."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(proc: psutil.Process, grace: float = 15.0) -> None:
    """SIGTERM the process group and every descendant, SIGKILL what is left after ``grace``."""
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    for p in family:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _, alive = psutil.wait_procs(family, timeout=grace)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(alive, timeout=5)


def stop_service(settings: Settings, name: str) -> bool:
    proc = recorded(settings, name)
    if proc is not None:
        stop_process(proc)
    _pid_file(settings, name).unlink(missing_ok=True)
    return proc is not None


# Up and down ---------------------------------------------------------------------------

def up(settings: Settings, only: list[str] | None = None, echo: Callable[[str], None] = print,
       catalogue: list[Service] | None = None) -> list[Service]:
    """Start the services of ``catalogue`` (default: ``services``), or those named in ``only``.

    What already runs healthy is kept; what runs unhealthy is restarted. Services start in waves
    (each once its ``depends_on`` are healthy); on any failure what this call started is stopped.
    """
    chosen = [s for s in (catalogue or services(settings)) if only is None or s.name in only]
    to_start: list[Service] = []
    for svc in chosen:
        proc = recorded(settings, svc.name)
        if proc is not None and svc.healthy():
            echo(f"  {svc.title}: already running (pid {proc.pid})")
            continue
        if proc is not None:  # running but unhealthy: restart it
            stop_service(settings, svc.name)
        to_start.append(svc)
    taken = [s for s in to_start if s.port is not None and port_in_use(s.host, s.port)]
    if taken:
        raise StackError("\n".join(
            f"port {s.port} on {s.host} for the {s.title} is taken{_port_owner(s.port)}; "
            f"stop that process or choose another port with {s.port_setting}" for s in taken))

    started: list[Service] = []
    procs: dict[str, psutil.Process] = {}
    try:
        # Start everything whose dependencies are already up, then wait; repeat.
        pending = list(to_start)
        ready = {s.name for s in chosen} - {s.name for s in to_start}
        while pending:
            wave = [s for s in pending if all(d in ready or d not in {p.name for p in chosen}
                                                for d in s.depends_on)]
            if not wave:
                raise StackError(f"cannot order services: {[s.name for s in pending]}")
            for svc in wave:
                echo(f"  starting {svc.title} ...")
                procs[svc.name] = start_service(settings, svc)
                started.append(svc)
            for svc in wave:
                wait_healthy(settings, svc, procs[svc.name])
                echo(f"  {svc.title}: healthy" + (f" at {svc.url}" if svc.url else ""))
                ready.add(svc.name)
                pending.remove(svc)
    except BaseException:
        for svc in reversed(started):
            stop_service(settings, svc.name)
        raise
    return chosen


def down(settings: Settings, echo: Callable[[str], None] = print,
         catalogue: list[Service] | None = None) -> list[str]:
    """Stop the recorded processes of ``catalogue`` (default: ``services``), last started first."""
    stopped = []
    for svc in reversed(catalogue or services(settings)):
        if stop_service(settings, svc.name):
            stopped.append(svc.name)
            echo(f"  stopped {svc.title}")
    return stopped
