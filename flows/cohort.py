"""Clone many students in one run: the base model is loaded once, clones run with bounded parallelism.

Each baseline is validated first; a bad one is reported in the summary and
does not stop the others. A summary table artifact ``clone-cohort-summary``
lists every student's version, alias, losses and time.

Run as: ``python -m flows.cohort samples/baselines`` or ``aivo clone-cohort samples/baselines``;
in the Prefect UI: deployment ``clone-cohort``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from brain.settings import Settings, get_settings
from flows.clone import CloneProgress, retry_if_transient, run_clone
from flows.ingest import BaselineRejected, parse_baseline, read_baseline_source, store_baseline
from flows.stages import CloneRecipe, ReplicaPool
from registry.retry import patient

MAX_PARALLEL = 8


@task(name="clone-one-student", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[3, 10],
      retry_condition_fn=retry_if_transient)
@patient  # reading and storing the baseline wait out an S3 outage like the stages do
def clone_one(settings: Settings, path: str, recipe: CloneRecipe, require_review: bool, pool: ReplicaPool) -> dict:
    start = time.perf_counter()
    try:
        baseline = parse_baseline(read_baseline_source(path, settings))
    except BaselineRejected as exc:
        return {"file": Path(path).name, "student_id": None, "status": "rejected", "error": str(exc)}
    uri = store_baseline(settings, baseline)
    with pool.lease():
        start = time.perf_counter()  # the clone's own time, not the wait for a free replica
        result = run_clone(settings, baseline, uri, recipe, CloneProgress(baseline.student.student_id),
                           as_tasks=False, require_review=require_review)
    ev = result.eval or {}
    return {
        "file": Path(path).name, "student_id": result.student_id, "status": "reused" if result.reused else "cloned",
        "version": result.version, "alias": ",".join(result.aliases) or "-",
        "base_eval_loss": ev.get("base_eval_loss"), "adapter_eval_loss": ev.get("adapter_eval_loss"),
        "gate": "passed" if ev.get("gate_passed") else "failed", "adapter_bytes": result.adapter_bytes,
        "seconds": round(time.perf_counter() - start, 1),
    }


@flow(name="clone-cohort", task_runner=ThreadPoolTaskRunner(max_workers=MAX_PARALLEL))
def clone_cohort(
    baselines_dir: str = "samples/baselines",
    parallelism: int = 1,
    recipe: CloneRecipe = CloneRecipe(),
    require_review: bool = False,
) -> list[dict]:
    """Clone every *.json baseline in a directory. parallelism: concurrent clones (each holds a copy of the base).

    recipe and require_review: as in clone-student, the same for every student.
    """
    if not 1 <= parallelism <= MAX_PARALLEL:
        raise ValueError(f"parallelism must be 1-{MAX_PARALLEL}, got {parallelism}")
    settings = get_settings()
    files = sorted(str(p) for p in Path(baselines_dir).glob("*.json"))
    if not files:
        raise ValueError(f"no *.json baselines in {baselines_dir}")
    start = time.perf_counter()
    pool = ReplicaPool(settings, min(parallelism, len(files)))  # loads the base model once
    futures = [clone_one.submit(settings, f, recipe, require_review, pool) for f in files]
    rows = []
    for path, fut in zip(files, futures):
        try:
            rows.append(fut.result())
        except Exception as exc:  # noqa: BLE001 - one student's failure must not hide the others
            rows.append({"file": Path(path).name, "student_id": None, "status": "failed",
                         "error": f"{type(exc).__name__}: {exc}"})
    create_table_artifact(rows, key="clone-cohort-summary",
                          description=f"{len(files)} baselines, parallelism {parallelism}, "
                                      f"{time.perf_counter() - start:.0f}s")
    failed = [r for r in rows if r["status"] in ("failed", "rejected")]
    get_run_logger().info("cohort: %d cloned/reused, %d failed or rejected", len(rows) - len(failed), len(failed))
    if failed and len(failed) == len(rows):
        raise RuntimeError(f"every clone of the cohort failed: {failed[0].get('error')}")
    return rows


if __name__ == "__main__":
    print(json.dumps(clone_cohort(baselines_dir=sys.argv[1] if len(sys.argv) > 1 else "samples/baselines"),
                     indent=2, default=str))
