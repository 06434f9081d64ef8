"""Retention sweep: remove what is older than its TTL in retention.yaml (registry/retention.py).

Run as: ``python -m flows.retention``; in the Prefect UI: deployment ``retention-sweep`` (daily).
"""

from __future__ import annotations

import json

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from brain.settings import get_settings
from registry import retention


@flow(name="retention-sweep")
def retention_sweep() -> dict:
    """Enforce the retention policy (TTL per data category) on S3, MLflow and the local disk."""
    settings = get_settings()
    policy = retention.load_policy(settings)
    removed = retention.sweep(settings, policy=policy)
    create_table_artifact([{"category": c, "ttl_days": policy.get(c), "removed": removed.get(c, 0)}
                           for c in retention.CATEGORIES], key="retention-sweep",
                          description="items removed per data category")
    get_run_logger().info("retention sweep removed %s", removed)
    return removed


if __name__ == "__main__":
    print(json.dumps(retention_sweep(), indent=2))
