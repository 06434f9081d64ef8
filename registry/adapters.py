"""Student adapters in the MLflow registry, their files in S3: publish, resolve, list, delete.

Layout:
- S3 ``adapters/<student>/<key>/``: the PEFT adapter files plus ``_MANIFEST.json``
  (written last). ``<key>`` is the first 16 hex digits of the clone key, the
  sha256 of (baseline data, training recipe, base model weights, brain version):
  the same inputs give the same key, which is how a repeated clone is recognised.
- MLflow registered model ``student-<id>``: one model version per adapter, its
  ``source`` the S3 directory, its tags the clone key, base model, weights hash,
  brain version, data sha and gate result; the MLflow run of the clone (experiment
  ``aivo-clones``) holds params, metrics, the loss curve image and the eval report.
- Aliases: gate passed -> ``champion`` (or ``candidate`` when review is required:
  a reviewer then moves ``champion`` in the MLflow UI); gate failed -> no alias.

``publish`` uploads first and registers second; if anything fails after the
upload it removes what it created (model version, S3 objects, run), so a
half-registered version or orphan alias never remains. A failed upload removes
its own staged files (registry/storage.py); ``registry.sweep`` removes what an
outage kept it from removing. MLflow calls go through ``registry.retry``.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mlflow import MlflowClient
from mlflow.entities import RunStatus
from mlflow.exceptions import MlflowException

from brain.settings import Settings
from brain.logs import student_field
from registry import retry, storage

log = logging.getLogger(__name__)

EXPERIMENT = "aivo-clones"
CHAMPION, CANDIDATE = "champion", "candidate"


def model_name(student_id: str) -> str:
    return f"student-{student_id}"


def adapter_prefix(student_id: str, clone_key: str) -> str:
    return f"adapters/{student_id}/{clone_key[:16]}"


# Longest version tag value written (older MLflow registries store 5000 characters); longer ones are cut.
MAX_TAG_CHARS = 5000


def tag_value(value) -> str:
    """A version tag's value as a string of at most MAX_TAG_CHARS (cut ones end with '... [truncated]')."""
    text = str(value)
    mark = "... [truncated]"
    return text if len(text) <= MAX_TAG_CHARS else text[: MAX_TAG_CHARS - len(mark)] + mark


# MlflowClient methods that make something new: repeated only when the request never reached the server.
CREATES = frozenset({"create_run", "create_model_version", "log_metric", "log_batch"})


def client_for(settings: Settings) -> MlflowClient:
    """An MlflowClient whose calls retry transient errors within the context's ``retry.patience``."""
    client = MlflowClient(tracking_uri=settings.mlflow_tracking_uri, registry_uri=settings.mlflow_tracking_uri)
    return retry.Retrying(client, "mlflow", creates=CREATES)  # type: ignore[return-value]


@dataclass
class AdapterVersion:
    """One registered adapter version of a student."""

    student_id: str
    version: str
    uri: str  # s3://bucket/adapters/<student>/<key>
    run_id: str | None
    aliases: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    reused: bool = False  # publish found the same clone already registered

    @property
    def prefix(self) -> str:
        return storage.parse_s3_uri(self.uri)[1]

    def to_dict(self) -> dict:
        return asdict(self)


def _version(student_id: str, mv, reused: bool = False) -> AdapterVersion:
    return AdapterVersion(student_id=student_id, version=str(mv.version), uri=mv.source, run_id=mv.run_id,
                          aliases=list(getattr(mv, "aliases", []) or []), tags=dict(mv.tags or {}),
                          reused=reused)


def _not_found(exc: MlflowException) -> bool:
    return exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE")


def list_versions(settings: Settings, student_id: str, name: str | None = None) -> list[AdapterVersion]:
    """Every registered version of a student (or of registered model ``name``), newest first."""
    client = client_for(settings)
    name = name or model_name(student_id)
    try:
        found = client.search_model_versions(f"name = '{name}'")
    except MlflowException as exc:
        if _not_found(exc):
            return []
        raise
    versions = [_version(student_id, client.get_model_version(mv.name, mv.version)) for mv in found]
    return sorted(versions, key=lambda v: int(v.version), reverse=True)


def find_by_clone_key(settings: Settings, student_id: str, clone_key: str,
                      name: str | None = None) -> AdapterVersion | None:
    for v in list_versions(settings, student_id, name):
        if v.tags.get("clone_key") == clone_key:
            return AdapterVersion(**{**v.to_dict(), "reused": True})
    return None


def resolve(settings: Settings, student_id: str, alias: str = CHAMPION) -> AdapterVersion | None:
    """The version under ``alias`` (default champion) with a complete upload, or None."""
    client = client_for(settings)
    try:
        mv = client.get_model_version_by_alias(model_name(student_id), alias)
    except MlflowException as exc:
        if _not_found(exc):
            return None
        raise
    version = _version(student_id, mv)
    if storage.read_manifest(settings, version.prefix) is None:
        log.error("student %s version %s: adapter upload incomplete, not served", student_id, version.version,
                  extra=student_field(student_id))
        return None
    return version


def _loss_curve_png(losses: list[float], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5), dpi=100)
    ax.plot(range(1, len(losses) + 1), losses, marker="o", markersize=3)
    ax.set_xlabel("optimizer step")
    ax.set_ylabel("training loss (assistant tokens)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _experiment_id(client: MlflowClient, name: str = EXPERIMENT) -> str:
    exp = client.get_experiment_by_name(name)
    if exp is not None:
        return exp.experiment_id
    try:
        return client.create_experiment(name)
    except MlflowException:  # created concurrently
        return client.get_experiment_by_name(name).experiment_id


def publish(
    settings: Settings,
    student_id: str,
    adapter_dir: Path,
    clone_key: str,
    params: dict,
    metrics: dict[str, float],
    tags: dict[str, str],
    loss_curve: list[float],
    eval_report: dict,
    gate_passed: bool,
    require_review: bool = False,
    description: str = "",
    registered_model: str | None = None,
    prefix: str | None = None,
    experiment: str = EXPERIMENT,
) -> AdapterVersion:
    """Upload the adapter to S3, then register it as a new version of ``student-<id>``.

    Idempotent: a clone with the same ``clone_key`` already registered is returned
    (``reused=True``) and nothing new is written. ``registered_model``/``prefix``/
    ``experiment`` let the brain's curriculum adapters use the same path.
    """
    name = registered_model or model_name(student_id)
    existing = find_by_clone_key(settings, student_id, clone_key, name)
    if existing is not None:
        return existing

    client = client_for(settings)
    prefix = prefix or adapter_prefix(student_id, clone_key)
    uri = storage.s3_uri(settings, prefix)
    run_id: str | None = None
    version: str | None = None
    uploaded = False  # a failed upload removes its own files (storage.upload_dir)
    all_tags = {**{k: tag_value(v) for k, v in tags.items()}, "clone_key": clone_key,
                "gate": "passed" if gate_passed else "failed"}
    if student_id:
        all_tags["student_id"] = student_id
    try:
        manifest = storage.upload_dir(settings, adapter_dir, prefix)
        uploaded = True
        all_tags["adapter_bytes"] = str(manifest["total_bytes"])

        run = client.create_run(_experiment_id(client, experiment), run_name=f"{name}-{clone_key[:8]}",
                                tags={**all_tags, "mlflow.note.content": description})
        run_id = run.info.run_id
        for k, v in params.items():
            client.log_param(run_id, k, str(v)[:6000])
        for k, v in metrics.items():
            if v is not None:
                client.log_metric(run_id, k, float(v))
        for step, loss in enumerate(loss_curve, start=1):
            client.log_metric(run_id, "train_loss", float(loss), step=step)
        with tempfile.TemporaryDirectory() as tmp:
            png = Path(tmp) / "loss_curve.png"
            _loss_curve_png(loss_curve, png, f"{name}: LoRA training loss")
            client.log_artifact(run_id, str(png))
            (Path(tmp) / "eval.json").write_text(json.dumps(eval_report, indent=2))
            client.log_artifact(run_id, str(Path(tmp) / "eval.json"))
            (Path(tmp) / "adapter_manifest.json").write_text(json.dumps({"uri": uri, **manifest}, indent=2))
            client.log_artifact(run_id, str(Path(tmp) / "adapter_manifest.json"))

        try:
            client.create_registered_model(name, tags={"student_id": student_id} if student_id else None,
                                           description=description.split(" from ")[0] or name)
        except MlflowException as exc:
            if exc.error_code != "RESOURCE_ALREADY_EXISTS":
                raise
        mv = client.create_model_version(name, source=uri, run_id=run_id, tags=all_tags,
                                         description=description or None)
        version = str(mv.version)
        alias = None
        if gate_passed:
            alias = CANDIDATE if require_review else CHAMPION
            client.set_registered_model_alias(name, alias, version)
        client.set_terminated(run_id, RunStatus.to_string(RunStatus.FINISHED))
        result = AdapterVersion(student_id=student_id, version=version, uri=uri, run_id=run_id,
                                aliases=[alias] if alias else [], tags=all_tags)
    except BaseException:
        _rollback(settings, client, name, version, run_id, prefix if uploaded else None)
        raise
    _audit(settings, "pipeline", "adapter.publish", student_id, f"{name} v{version}",
           {"alias": alias, "adapter_bytes": manifest["total_bytes"]})
    return result


def _audit(settings: Settings, actor: str, action: str, student_id: str | None, obj: str, details: dict) -> None:
    """An audit event; a failure to write it is logged, never undoes what was done."""
    from registry import audit

    try:
        audit.record(settings, actor, action, student_id, obj=obj, details=details)
    except Exception:  # noqa: BLE001
        log.exception("audit event %s could not be written", action)


def _rollback(settings: Settings, client: MlflowClient, name: str, version: str | None,
              run_id: str | None, prefix: str | None) -> None:
    """Remove what a failed publish created; best effort, each step on its own, all of them within
    ``retry.CLEANUP_BUDGET_S`` of retrying (what an outage keeps from going: the sweeper, or the
    clone's own purge, removes later)."""
    steps = []
    if version is not None:
        steps.append(lambda: client.delete_model_version(name, version))
    if run_id is not None:
        steps.append(lambda: client.set_terminated(run_id, RunStatus.to_string(RunStatus.FAILED)))
        steps.append(lambda: client.delete_run(run_id))
    if prefix is not None:
        steps.append(lambda: storage.delete_prefix(settings, prefix))
    end = time.monotonic() + retry.CLEANUP_BUDGET_S
    for step in steps:
        try:
            with retry.patience(max(0.0, end - time.monotonic())):
                step()
        except Exception:  # noqa: BLE001 - keep rolling back the rest
            log.exception("rollback step failed")


def set_alias(settings: Settings, student_id: str, alias: str, version: str, name: str | None = None) -> None:
    """What a reviewer does in the MLflow UI, for scripts and tests."""
    client_for(settings).set_registered_model_alias(name or model_name(student_id), alias, version)
    _audit(settings, "script", "adapter.alias", student_id, f"{name or model_name(student_id)} {alias} -> v{version}", {})


def registered_students(settings: Settings) -> list[str]:
    """Ids of every student with a registered model."""
    client = client_for(settings)
    names, token = [], None
    while True:
        page = client.search_registered_models("name LIKE 'student-%'", max_results=1000, page_token=token)
        names.extend(m.name for m in page)
        token = page.token
        if not token:
            break
    return sorted(n.removeprefix("student-") for n in names if n.startswith("student-"))


def delete_student(settings: Settings, student_id: str) -> dict:
    """Remove every adapter version, clone run (and its artifacts) and S3 object of a student."""
    client = client_for(settings)
    removed = {"versions": 0, "runs": 0, "s3_objects": 0}
    versions = list_versions(settings, student_id)
    exp = client.get_experiment_by_name(EXPERIMENT)
    runs = []
    if exp is not None:
        runs = client.search_runs([exp.experiment_id], f"tags.student_id = '{student_id}'", max_results=5000)
    try:
        client.delete_registered_model(model_name(student_id))
        removed["versions"] = len(versions)
    except MlflowException as exc:
        if not _not_found(exc):
            raise
    for run in runs:
        artifact_prefix = f"mlflow/{run.info.experiment_id}/{run.info.run_id}/"
        removed["s3_objects"] += storage.delete_prefix(settings, artifact_prefix)
        client.delete_run(run.info.run_id)
        removed["runs"] += 1
    for prefix in (f"adapters/{student_id}/", f"baselines/{student_id}/", f"datasets/{student_id}/"):
        removed["s3_objects"] += storage.delete_prefix(settings, prefix)
    return removed
