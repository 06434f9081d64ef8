"""Retention: a TTL per data category (retention.yaml), enforced by ``sweep``.

``sweep(settings, now)`` removes what is older than its category's TTL:
S3 baselines, datasets, superseded consent records, audit events (tombstones
are kept), adapter versions without an alias (MLflow version, its run and run
artifacts, and its files in S3), and on the local disk clone scratch, endpoint
adapter-cache entries and log files. Only adapter versions whose files live
in this deployment's bucket are considered. ``now`` is the clock (tests pass a
date in the future instead of waiting a year). Each sweep is an audit event.

Run as: ``python -m flows.retention`` (the ``retention-sweep`` deployment runs daily).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml
from mlflow.exceptions import MlflowException

from brain.settings import Settings
from registry import adapters, audit, storage

CATEGORIES = ("baselines", "datasets", "scratch", "adapter_versions", "consent_records", "audit_events",
              "tombstones", "logs", "adapter_cache")
DEFAULT_POLICY = Path(__file__).resolve().parents[1] / "retention.yaml"


def load_policy(settings: Settings) -> dict[str, float | None]:
    """TTL in days per category (None = kept until the student is forgotten)."""
    path = settings.retention_policy_file or DEFAULT_POLICY
    data = yaml.safe_load(Path(path).read_text()) or {}
    unknown = set(data) - set(CATEGORIES)
    if unknown:
        raise ValueError(f"{path}: unknown retention categories {sorted(unknown)}; known: {', '.join(CATEGORIES)}")
    policy: dict[str, float | None] = {c: None for c in CATEGORIES}
    for cat, days in data.items():
        if days is not None and (not isinstance(days, (int, float)) or days < 0):
            raise ValueError(f"{path}: {cat} must be a number of days >= 0 or null, got {days!r}")
        policy[cat] = days
    return policy


def _objects(settings: Settings, prefix: str) -> list[dict]:
    client = storage.s3_client(settings)
    out = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=settings.s3_bucket, Prefix=prefix):
        out.extend(page.get("Contents", []))
    return out


def _delete_keys(settings: Settings, keys: list[str]) -> int:
    client = storage.s3_client(settings)
    for i in range(0, len(keys), 1000):
        client.delete_objects(Bucket=settings.s3_bucket,
                              Delete={"Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
    return len(keys)


def _expire_prefix(settings: Settings, prefix: str, cutoff: datetime, keep: set[str] = frozenset()) -> int:
    return _delete_keys(settings, [o["Key"] for o in _objects(settings, prefix)
                                   if o["LastModified"] < cutoff and o["Key"] not in keep])


def _consent_in_force(settings: Settings) -> set[str]:
    """The latest record key of every (student, purpose): never expired."""
    latest: dict[str, str] = {}
    for obj in _objects(settings, "consent/"):
        group = obj["Key"].rsplit("/", 1)[0]
        latest[group] = max(latest.get(group, ""), obj["Key"])
    return set(latest.values())


def _expire_adapter_versions(settings: Settings, cutoff: datetime) -> int:
    """Delete versions without an alias created before the cutoff (version, run + artifacts, S3 files)."""
    client = adapters.client_for(settings)
    ours = f"s3://{settings.s3_bucket}/"
    removed = 0
    for student in adapters.registered_students(settings):
        versions = adapters.list_versions(settings, student)
        for v in versions:
            mv = client.get_model_version(adapters.model_name(student), v.version)
            created = datetime.fromtimestamp(mv.creation_timestamp / 1000, tz=timezone.utc)
            if v.aliases or created >= cutoff or not v.uri.startswith(ours):
                continue
            storage.delete_prefix(settings, v.prefix + "/")
            client.delete_model_version(adapters.model_name(student), v.version)
            if v.run_id:
                try:
                    run = client.get_run(v.run_id)
                    storage.delete_prefix(settings, f"mlflow/{run.info.experiment_id}/{v.run_id}/")
                    client.delete_run(v.run_id)
                except MlflowException as exc:
                    if not adapters._not_found(exc):
                        raise
            removed += 1
        if versions and not adapters.list_versions(settings, student):
            client.delete_registered_model(adapters.model_name(student))
    return removed


def _expire_paths(paths, cutoff: datetime) -> int:
    n = 0
    for path in paths:
        if datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc) < cutoff:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
            n += 1
    return n


def sweep(settings: Settings, now: datetime | None = None, policy: dict | None = None,
          actor: str = "retention-sweep") -> dict[str, int]:
    """Remove everything older than its category's TTL; returns how many items per category."""
    now = (now or audit.utcnow()).astimezone(timezone.utc)
    policy = policy or load_policy(settings)
    removed: dict[str, int] = {c: 0 for c in CATEGORIES}  # categories without a TTL stay at 0

    def cutoff(cat: str) -> datetime | None:
        days = policy.get(cat)
        return None if days is None else now - timedelta(days=days)

    if c := cutoff("baselines"):
        removed["baselines"] = _expire_prefix(settings, "baselines/", c)
    if c := cutoff("datasets"):
        removed["datasets"] = _expire_prefix(settings, "datasets/", c)
    if c := cutoff("consent_records"):
        removed["consent_records"] = _expire_prefix(settings, "consent/", c, keep=_consent_in_force(settings))
    if c := cutoff("audit_events"):
        removed["audit_events"] = _expire_prefix(settings, audit.EVENTS, c)
    if c := cutoff("tombstones"):
        removed["tombstones"] = _expire_prefix(settings, audit.TOMBSTONES, c)
    if c := cutoff("adapter_versions"):
        removed["adapter_versions"] = _expire_adapter_versions(settings, c)
    data = settings.data_dir
    if c := cutoff("scratch"):
        work = data / "work"
        removed["scratch"] = _expire_paths(sorted(p for d in work.glob("*") if d.is_dir() for p in d.iterdir()), c)
    if c := cutoff("adapter_cache"):
        cache = data / "adapter-cache"
        removed["adapter_cache"] = _expire_paths(sorted(p for d in cache.glob("*") if d.is_dir()
                                                        for p in d.iterdir()), c)
    if c := cutoff("logs"):
        removed["logs"] = _expire_paths(sorted(p for p in settings.logs_dir.rglob("*") if p.is_file()), c)
    audit.record(settings, actor, "retention.sweep", None, obj=str(settings.retention_policy_file or DEFAULT_POLICY),
                 details={"now": now.isoformat(), "removed": removed})
    return removed
