"""Clone a student: baseline -> personalised LoRA adapter, evaluated against the base, registered in MLflow.

Stages (the reference document's, each a Prefect task, tracked in a progress
artifact ``clone-<student>``): load base (10%) -> personalised targets (30%) ->
fine-tune (30-75%, per optimizer step) -> evaluate (85%) -> save (90%) ->
register (100%). A markdown artifact ``clone-<student>-report`` holds the eval
table and the MLflow link.

Idempotent: the clone key (baseline data, recipe, base weights, brain version)
is looked up first; the same inputs return the registered version without
training again. Bad data fails at ingest and is never retried.

Faults (docs/pipeline.md): every S3/MLflow call of every stage retries
transient errors (connection refused/reset, timeouts, 5xx) with exponential
back-off for up to ``settings.registry_retry_budget_s`` (default 300 s;
registry/retry.py), so a registry or S3 outage of a few minutes delays a clone
instead of failing it. Publishing rolls back on failure; a failed upload
removes its staged files; each run starts by sweeping the student's
manifest-less adapter directories older than ``adapter_orphan_grace_s``.

Consent and PII: ingest refuses a student without ``collect`` and
``personalise`` consent and stores the PII-scrubbed baseline, which is what
the stages train on. Consent is checked again before every stage and after
registering; once withdrawn, the run stops (``ConsentRevoked``, a failed run,
not retried) and what it created is purged: its baseline object, its scratch
directory and any model version / MLflow run / adapter files it registered.

Run as: ``python -m flows.clone samples/baselines/stu-0001.json`` or
``aivo clone samples/baselines/stu-0001.json``; in the Prefect UI: deployment
``clone-student``.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import time
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_progress_artifact, update_progress_artifact
from prefect.cache_policies import NO_CACHE

from brain.schemas import Baseline
from brain.logs import student_field
from brain.settings import Settings, get_settings
from flows.ingest import admit_baseline, parse_baseline, read_baseline_source, scrub
from flows.stages import (
    CloneRecipe,
    CloneResult,
    brain_model,
    clone_key_for,
    evaluate_stage,
    prepare_stage,
    publish_stage,
    train_stage,
)
from registry import adapters, audit, clone_runs, consent, forget, retry, sweep
from registry.retry import is_transient, patient
from training import quality_gate

log = logging.getLogger(__name__)


def retry_if_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry only S3/MLflow outages; bad data and code errors fail at once."""
    try:
        exc = state.result(raise_on_failure=False)
    except Exception as err:  # noqa: BLE001
        exc = err
    return isinstance(exc, BaseException) and is_transient(exc)


# Callables (student_id, percent, stage) told of every progress update: the CLI's progress bar.
PROGRESS_LISTENERS: list = []


class CloneProgress:
    """The Prefect progress artifact of one clone, moved as the stages run."""

    def __init__(self, student_id: str):
        self.student_id = student_id
        self.artifact_id = create_progress_artifact(
            progress=0.0, key=clone_runs.progress_key(student_id),
            description=clone_runs.progress_description(student_id, "starting")
        )

    def __call__(self, percent: float, stage: str) -> None:
        update_progress_artifact(self.artifact_id, progress=round(min(100.0, percent), 1),
                                 description=clone_runs.progress_description(self.student_id, stage))
        for listener in PROGRESS_LISTENERS:
            listener(self.student_id, percent, stage)


@task(name="load-base-model", cache_policy=NO_CACHE)
def load_base(settings: Settings) -> dict:
    base, brain = brain_model(settings)
    return {"brain_version": brain.version, "name": base.name, "weights_sha256": base.weights_sha256, "params": base.num_parameters,
            "device": str(base.device), "load_seconds": round(base.load_seconds, 2)}


@task(name="find-existing-clone", cache_policy=NO_CACHE)
@patient
def find_existing(settings: Settings, student_id: str, clone_key: str) -> dict | None:
    found = adapters.find_by_clone_key(settings, student_id, clone_key)
    return found.to_dict() if found else None


@task(name="personalised-targets", cache_policy=NO_CACHE)
def prepare(settings: Settings, baseline: Baseline, recipe: CloneRecipe, work: Path) -> str:
    return str(prepare_stage(settings, baseline, recipe, work))


@task(name="fine-tune", cache_policy=NO_CACHE)
def fine_tune(settings: Settings, data_path: str, recipe: CloneRecipe, work: Path, progress: CloneProgress) -> str:
    def on_step(step: int, total: int, loss: float) -> None:
        progress(30 + 45 * step / max(total, 1), f"fine-tune step {step}/{total}, loss {loss:.3f}")

    return str(train_stage(settings, Path(data_path), recipe, work, on_step))


@task(name="evaluate", cache_policy=NO_CACHE)
def evaluate(settings: Settings, data_path: str, adapter_dir: str, baseline: Baseline, recipe: CloneRecipe) -> dict:
    return evaluate_stage(settings, Path(data_path), Path(adapter_dir), baseline, recipe)


@task(name=clone_runs.INGEST_FLOW, cache_policy=NO_CACHE)
@patient
def ingest(settings: Settings, baseline: Baseline) -> tuple[Baseline, str]:
    """Consent check, PII scrub, store (a task, not the ingest subflow: a subflow's parameters,
    the whole baseline, would be kept unscrubbed in Prefect's database)."""
    scrubbed, uri, counts = admit_baseline(settings, baseline, actor=clone_runs.flow_actor(clone_runs.CLONE_FLOW))
    get_run_logger().info("baseline of student %s stored, PII replaced: %s", scrubbed.student.student_id,
                          counts or "none")
    return scrubbed, uri


@task(name="register", cache_policy=NO_CACHE)  # publish_stage retries each S3/MLflow call itself
@patient
def register(settings: Settings, baseline: Baseline, baseline_uri: str, recipe: CloneRecipe, clone_key: str,
             adapter_dir: str, eval_report: dict, require_review: bool) -> dict:
    return publish_stage(settings, baseline, baseline_uri, recipe, clone_key, Path(adapter_dir), eval_report,
                         require_review).to_dict()


def _report_markdown(result: CloneResult, settings: Settings) -> str:
    ev = result.eval or {}
    link = (f"{settings.mlflow_tracking_uri}/#/models/{adapters.model_name(result.student_id)}/versions/"
            f"{result.version}") if result.version else "-"
    rows = [
        ("MLflow version", f"[{adapters.model_name(result.student_id)} v{result.version}]({link})"),
        ("alias", ", ".join(result.aliases) or "none (gate failed)"),
        ("teacher targets: accepted / retried / fallback",
         " / ".join(str((ev.get("targets") or {}).get(k, "-")) for k in ("accepted", "retried", "fallback"))),
        ("adapter", f"`{result.adapter_uri}` ({result.adapter_bytes} bytes)"),
        ("base eval loss (held-out personalised targets)", f"{ev.get('base_eval_loss', float('nan')):.4f}"),
        ("adapter eval loss", f"{ev.get('adapter_eval_loss', float('nan')):.4f}"),
        ("personalisation gain (adapter/base, lower is better)", f"{ev.get('personalization_gain', float('nan')):.3f}"),
        ("readability grade, base -> adapter (student grade)",
         f"{ev.get('base_readability_grade', float('nan')):.1f} -> {ev.get('adapter_readability_grade', float('nan')):.1f}"
         f" ({ev.get('student_grade')})"),
        ("gate", ("passed" if ev.get("gate_passed") else "FAILED") + ": " + "; ".join(ev.get("gate_reasons", []))),
        ("reused an identical clone", "yes" if result.reused else "no"),
        ("seconds (targets / train / eval / total)",
         " / ".join(f"{result.timings.get(k, 0):.1f}" for k in ("targets", "train", "eval", "total"))),
    ]
    table = "\n".join(f"| {k} | {v} |" for k, v in rows)
    quality = quality_gate.markdown(ev.get("quality"), ev.get("targets"))  # targets, rates per set, flagged samples
    return f"# Clone of student `{result.student_id}`\n\n| | |\n|---|---|\n{table}\n" + (f"\n{quality}" if quality else "")


def sweep_student(settings: Settings, student_id: str) -> list[str]:
    """Remove the student's adapter uploads that died half-way (no manifest, older than the grace period).
    Best effort and without retries: a clone never waits on, or fails for, its sweep."""
    try:
        with retry.patience(0):
            removed = sweep.sweep_incomplete(settings, f"adapters/{student_id}/")
    except Exception:  # noqa: BLE001
        log.warning("sweeping the incomplete uploads of student %s failed", student_id, exc_info=True,
                    extra=student_field(student_id))
        return []
    if removed:
        log.warning("student %s: removed %d incomplete adapter upload(s): %s", student_id, len(removed), removed,
                    extra=student_field(student_id))
    return removed


@patient
def run_clone(settings: Settings, baseline: Baseline, baseline_uri: str, recipe: CloneRecipe,
              progress: CloneProgress | None = None, as_tasks: bool = True,
              require_review: bool = False) -> CloneResult:
    """The stages of one clone: as Prefect tasks (clone_student), or as plain calls inside one task (a cohort).
    require_review: a passing adapter becomes `candidate` instead of `champion`."""
    sweep_student(settings, baseline.student.student_id)
    progress = progress or CloneProgress(baseline.student.student_id)
    if as_tasks:
        load, find, prep, tune, evaluate_, register_ = load_base, find_existing, prepare, fine_tune, evaluate, register
    else:
        load, find, prep, tune, evaluate_, register_ = (t.fn for t in (load_base, find_existing, prepare, fine_tune,
                                                                       evaluate, register))
    student = baseline.student.student_id
    baseline, _ = scrub(settings, baseline)  # idempotent: a baseline from ingest is scrubbed already
    start = time.perf_counter()
    work: Path | None = None
    published: dict | None = None

    def checkpoint(stage: str, percent: float) -> None:
        """Stop the run, and purge what it created, when consent is no longer in force."""
        try:
            consent.require_all(settings, student, consent.PURPOSES)
        except consent.ConsentMissing as exc:
            created = published if published and not published.get("reused") else {}
            purged = forget.purge_clone_run(settings, student, baseline_uri, version=created.get("version"),
                                            run_id=created.get("run_id"), work=work)
            audit.record(settings, clone_runs.flow_actor(clone_runs.CLONE_FLOW), "clone.stopped", student,
                         details={"before": stage, "purpose": exc.purpose, "purged": purged})
            progress(percent, f"stopped before {stage}: consent withdrawn, this run's data purged")
            raise consent.ConsentRevoked(student, exc.purpose, exc.record) from None

    checkpoint("load base", 0)
    progress(2, "loading the AIVO brain")
    base_info = load(settings)
    progress(10, "base model loaded")
    key = clone_key_for(settings, baseline, recipe)
    existing = find(settings, student, key)
    if existing is not None:
        progress(100, f"identical clone already registered as version {existing['version']}")
        return CloneResult.from_existing(existing, time.perf_counter() - start)

    work = settings.data_dir / "work" / student / key[:16]
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        checkpoint("personalised targets", 10)
        t = time.perf_counter()
        progress(12, "creating personalised targets (teacher answers)")
        data_path = prep(settings, baseline, recipe, work)
        t_targets = time.perf_counter() - t
        progress(30, "targets ready; fine-tuning")
        checkpoint("fine-tune", 30)
        t = time.perf_counter()
        adapter_dir = tune(settings, data_path, recipe, work, progress)
        t_train = time.perf_counter() - t
        progress(76, "evaluating adapter vs base")
        checkpoint("evaluate", 76)
        t = time.perf_counter()
        eval_report = evaluate_(settings, data_path, adapter_dir, baseline, recipe)
        t_eval = time.perf_counter() - t
        progress(90, "adapter saved; registering in MLflow")
        checkpoint("register", 90)
        published = register_(settings, baseline, baseline_uri, recipe, key, adapter_dir, eval_report, require_review)
        checkpoint("serving (after register)", 95)
        progress(100, f"registered version {published['version']}"
                      + (f" as {published['aliases'][0]}" if published["aliases"] else " (gate failed: no alias)"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    timings = {"targets": t_targets, "train": t_train, "eval": t_eval, "total": time.perf_counter() - start}
    return CloneResult(student_id=student, version=published["version"], aliases=published["aliases"],
                       adapter_uri=published["uri"], adapter_bytes=int(published["tags"].get("adapter_bytes", 0)),
                       run_id=published["run_id"], clone_key=key, reused=published["reused"], eval=eval_report,
                       base=base_info, timings=timings)


@flow(name=clone_runs.CLONE_FLOW)
def clone_student(
    baseline_path: str = "samples/baselines/stu-0001.json",
    recipe: CloneRecipe = CloneRecipe(),
    require_review: bool = False,
) -> dict:
    """Clone one student from a baseline file (path in the repo, or an s3:// URI).

    recipe: what the clone learns (recipe.lora: rank, alpha, epochs, learning rate, ...; the held-out
    share, the answers' length, target_tries: retries of a target the tutoring detectors reject) and the gate
    it must pass (recipe.gate: the adapter's held-out loss <= max_gain x the base's, its sampled answers at
    most max_grade_increase grades above the base's, and per tutoring detector, on the held-out items and the
    grade's probes, a rate of flagged answers <= the base's and <= its ceiling max_<detector>).
    require_review: register the passing adapter as `candidate`; a reviewer moves `champion` in MLflow.
    """
    settings = get_settings()
    raw = read_baseline_source(baseline_path, settings)
    baseline = parse_baseline(raw)  # fails here, before any write, when the baseline is bad
    baseline, baseline_uri = ingest(settings, baseline)  # consent, PII scrub, store: never retried
    result = run_clone(settings, baseline, baseline_uri, recipe, require_review=require_review)
    create_markdown_artifact(_report_markdown(result, settings), key=clone_runs.report_key(result.student_id),
                             description=clone_runs.report_description(result.student_id))
    get_run_logger().info("student %s -> %s v%s %s", result.student_id,
                          adapters.model_name(result.student_id), result.version, result.aliases)
    return result.to_dict()


if __name__ == "__main__":
    print(json.dumps(clone_student(baseline_path=sys.argv[1]), indent=2, default=str))
