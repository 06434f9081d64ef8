"""Retrain the brain on the K-12 curriculum set, register it as ``aivo-brain``, re-clone stale students.

Decision (see registry/brain.py): a brain version is a curriculum LoRA adapter
on the base, kept as an adapter (a few MB in S3, not a merged copy of the
base); whoever uses the brain merges it into the base weights at load. The new
adapter is trained on the base, evaluated on held-out curriculum items
against the current brain (``aivo-brain@champion``, or the plain base), and
becomes ``champion`` when its held-out loss is lower. Students whose champion
adapter was trained on another brain version are then re-cloned from their
stored baselines with their recorded recipe.

Run as: ``python -m flows.curriculum``; in the Prefect UI: deployment
``retrain-curriculum`` (scheduled weekly).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, field

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from pydantic.dataclasses import dataclass as pydantic_dataclass

from brain.models import shared_base_model
from brain.settings import Settings, get_settings
from flows.clone import CloneProgress, run_clone
from flows.ingest import parse_baseline, read_baseline_source
from flows.stages import CloneRecipe, brain_model
from registry import adapters, storage
from registry.brain import BRAIN_MODEL, current_brain
from registry.retry import patient
from training import evaluate as tevaluate
from training import lora as tlora
from training.curriculum_set import curriculum_sha256, load_curriculum, split_curriculum
from training.recipe import RECIPE_CONFIG, LoraRecipe

EXPERIMENT = "aivo-brain-curriculum"


@pydantic_dataclass(frozen=True, config=RECIPE_CONFIG)
class CurriculumRecipe:
    """What the brain's curriculum retraining learns: the Prefect form of retrain-curriculum."""

    lora: LoraRecipe = field(default_factory=lambda: LoraRecipe(epochs=1, learning_rate=5e-4))
    """The LoRA training recipe: one epoch, at a gentler learning rate than a clone's (every student shares it)."""
    max_train_items: int = 0
    """Curriculum items trained on: 0 = all; a smaller number for a quick run."""
    heldout_fraction: float = 0.15
    """Share of the curriculum held out to compare the new brain with the current one."""


@task(name="train-curriculum", cache_policy=NO_CACHE)
def train_curriculum(settings: Settings, curriculum: CurriculumRecipe) -> dict:
    items = load_curriculum()
    train, heldout = split_curriculum(items, curriculum.heldout_fraction)
    if curriculum.max_train_items:
        train = train[:curriculum.max_train_items]
    heldout_msgs = [i.messages() for i in heldout]

    current_model, current = brain_model(settings)
    current_loss = tevaluate.eval_loss(current_model.model, current_model.tokenizer, heldout_msgs,
                                       current_model.device)
    base = shared_base_model(settings)
    recipe = curriculum.lora
    key_material = {"curriculum": curriculum_sha256(items), "recipe": asdict(recipe) | {"target_modules": list(
        recipe.target_modules)}, "max_train_items": curriculum.max_train_items, "base_weights": base.weights_sha256}
    key = storage.sha256_bytes(storage.canonical_json(key_material))
    work = settings.data_dir / "work" / "curriculum" / key[:16]
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    trained = tlora.train_adapter(base, [i.messages() for i in train], recipe)
    try:
        new_loss = tevaluate.eval_loss(trained.model, base.tokenizer, heldout_msgs, base.device)
        tlora.save_adapter(trained, work / "adapter")
    finally:
        tlora.release(trained)
    return {"key": key, "adapter_dir": str(work / "adapter"), "current_version": current.version,
            "current_eval_loss": current_loss, "new_eval_loss": new_loss, "train_items": len(train),
            "heldout_items": len(heldout), "loss_curve": trained.losses, "train_seconds": trained.seconds,
            "curriculum_sha256": curriculum_sha256(items), "recipe": key_material["recipe"]}


@task(name="register-brain", cache_policy=NO_CACHE)  # publish retries each S3/MLflow call (registry/retry.py)
@patient
def register_brain(settings: Settings, trained: dict, require_review: bool) -> dict:
    base = shared_base_model(settings)
    passed = trained["new_eval_loss"] < trained["current_eval_loss"]
    reasons = (f"held-out curriculum loss {trained['new_eval_loss']:.4f} vs current brain "
               f"v{trained['current_version']} {trained['current_eval_loss']:.4f}: "
               + ("improved" if passed else "not improved"))
    version = adapters.publish(
        settings, "", __import__("pathlib").Path(trained["adapter_dir"]), trained["key"],
        params={**trained["recipe"], "train_items": trained["train_items"]},
        metrics={"current_eval_loss": trained["current_eval_loss"], "new_eval_loss": trained["new_eval_loss"],
                 "train_seconds": trained["train_seconds"]},
        tags={"base_model": settings.base_model, "base_weights_sha256": base.weights_sha256 or "external",
              "curriculum_sha256": trained["curriculum_sha256"], "replaces_brain_version": trained["current_version"],
              "gate_reasons": reasons},
        loss_curve=trained["loss_curve"], eval_report={**trained, "gate_reasons": reasons}, gate_passed=passed,
        require_review=require_review, description="AIVO brain: curriculum LoRA on the base model",
        registered_model=BRAIN_MODEL, prefix=f"brains/{trained['key'][:16]}", experiment=EXPERIMENT,
    )
    return {**version.to_dict(), "gate_passed": passed, "gate_reasons": reasons}


def stale_students(settings: Settings, brain_version: str) -> list[adapters.AdapterVersion]:
    """Champion adapters trained on a brain version other than ``brain_version``.

    A student who already has a version on this brain (a `candidate` awaiting review) is not stale.
    """
    stale = []
    for student in adapters.registered_students(settings):
        champion = adapters.resolve(settings, student)
        if champion is None or champion.tags.get("brain_version") == brain_version:
            continue
        if any(v.tags.get("brain_version") == brain_version for v in adapters.list_versions(settings, student)):
            continue
        stale.append(champion)
    return stale


@flow(name="retrain-curriculum")
def retrain_curriculum(
    retrain: bool = True,
    reclone_stale: bool = True,
    recipe: CurriculumRecipe = CurriculumRecipe(),
    require_review: bool = False,
) -> dict:
    """Fine-tune the brain on the curriculum (retrain) and re-clone students built on an older brain (reclone_stale).

    recipe: the curriculum LoRA recipe, the items trained on and the held-out share.
    require_review: register a better brain as `candidate`; a reviewer moves `champion` in MLflow.
    Re-clones keep each student's recorded recipe and review policy.
    """
    settings = get_settings()
    log = get_run_logger()
    summary: dict = {}
    if retrain:
        trained = train_curriculum(settings, recipe)
        try:
            registered = register_brain(settings, trained, require_review)
        finally:
            shutil.rmtree(trained["adapter_dir"], ignore_errors=True)
        summary["brain"] = registered
        create_markdown_artifact(
            f"# Curriculum retraining\n\n| | |\n|---|---|\n"
            f"| new version | {BRAIN_MODEL} v{registered['version']} ({', '.join(registered['aliases']) or 'no alias'}) |\n"
            f"| held-out loss, current brain v{trained['current_version']} | {trained['current_eval_loss']:.4f} |\n"
            f"| held-out loss, new brain | {trained['new_eval_loss']:.4f} |\n"
            f"| items (train / held out) | {trained['train_items']} / {trained['heldout_items']} |\n"
            f"| gate | {registered['gate_reasons']} |\n",
            key="curriculum-report", description="Curriculum retraining")
    brain = current_brain(settings, shared_base_model(settings).weights_sha256)
    summary["brain_version"] = brain.version
    rows = []
    if reclone_stale:
        from registry.consent import ConsentMissing, require_all

        for old in stale_students(settings, brain.version):
            start = time.perf_counter()
            try:  # a student whose consent was withdrawn keeps their old adapter and is not re-trained
                require_all(settings, old.student_id)
            except ConsentMissing as exc:
                rows.append({"student_id": old.student_id, "old_version": old.version,
                             "old_brain": old.tags.get("brain_version"), "new_version": "-",
                             "new_brain": brain.version, "alias": f"skipped: {exc}", "seconds": 0.0})
                continue
            baseline = parse_baseline(read_baseline_source(old.tags["baseline_uri"], settings))
            gate_policy = json.loads(old.tags.get("gate_policy", "{}"))
            clone_recipe = CloneRecipe.from_recorded(json.loads(old.tags.get("training_config", "{}")), gate_policy)
            result = run_clone(settings, baseline, old.tags["baseline_uri"], clone_recipe,
                               CloneProgress(baseline.student.student_id),
                               require_review=bool(gate_policy.get("require_review", False)))
            rows.append({"student_id": old.student_id, "old_version": old.version,
                         "old_brain": old.tags.get("brain_version"), "new_version": result.version,
                         "new_brain": brain.version, "alias": ",".join(result.aliases) or "-",
                         "seconds": round(time.perf_counter() - start, 1)})
        if rows:
            create_table_artifact(rows, key="curriculum-reclones", description="Students re-cloned on the new brain")
    summary["recloned"] = rows
    log.info("brain version %s; %d students re-cloned", brain.version, len(rows))
    return summary


if __name__ == "__main__":
    print(json.dumps(retrain_curriculum(), indent=2, default=str))
