"""The stages of a clone as plain functions (no Prefect): the flows wrap them in tasks.

Stages hand each other paths under a scratch work directory, never models:
the base model comes from the process-wide cache (``brain_model``), the data
set and the adapter are files.

Every stage runs ``patient`` (registry/retry.py): its S3 and MLflow calls, the
brain lookup included, retry transient errors for up to
``settings.registry_retry_budget_s`` (default 300 s) before the stage fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from pydantic.dataclasses import dataclass as pydantic_dataclass

from brain.models import LoadedModel, shared_base_model
from brain.schemas import Baseline, Mode
from brain.settings import Settings
from registry import adapters, storage
from registry.brain import BASE_ONLY, BrainVersion, current_brain, merge_brain
from registry.retry import patient
from training import data as tdata
from training import evaluate as tevaluate
from training import lora as tlora
from training import quality_gate
from training.evaluate import GatePolicy
from training.recipe import RECIPE_CONFIG, LoraRecipe

log = logging.getLogger(__name__)


@pydantic_dataclass(frozen=True, config=RECIPE_CONFIG)
class CloneRecipe:
    """Everything that decides what a clone learns and whether it passes: the Prefect form of a clone.

    The defaults live in the parts (``LoraRecipe``, ``GatePolicy``) and here, nowhere else.
    """

    lora: LoraRecipe = field(default_factory=LoraRecipe)
    """The LoRA training recipe (rank, alpha, epochs, learning rate, ...); its seed also draws the held-out split."""
    heldout_fraction: float = 0.25
    """Share of each skill's items kept for evaluation."""
    max_new_tokens: int = tdata.MAX_NEW_TOKENS
    """Length of the teacher's answers and of the evaluation samples (the quality gate's answers too)."""
    target_tries: int = tdata.TARGET_TRIES
    """A teacher target the tutoring detectors reject is sampled again this many times (fixed seeds) before the
    verified fallback replaces it; 0: straight to the fallback."""
    gate: GatePolicy = field(default_factory=GatePolicy)
    """When the clone is good enough to register with an alias (held-out loss, readability, and the tutoring
    detectors on held-out items and the grade's probes, each vs the base)."""

    def training_config(self) -> dict:
        """What changes the trained weights (the gate does not), flat: the clone key's recipe and the MLflow params.

        ``max_length`` is recorded only when it differs from its default: the flow could not set it
        before the recipe was one object, and leaving it out keeps every earlier clone key valid.
        """
        d = asdict(self.lora)
        if d["max_length"] == LoraRecipe.max_length:
            del d["max_length"]
        d.update(target_modules=list(self.lora.target_modules), heldout_fraction=self.heldout_fraction,
                 max_new_tokens=self.max_new_tokens, target_tries=self.target_tries, method=tdata.METHOD_VERSION)
        return d

    @classmethod
    def from_recorded(cls, training_config: dict, gate_policy: dict) -> "CloneRecipe":
        """The recipe of a registered clone, from its ``training_config`` and ``gate_policy`` tags
        (fields the tags lack take today's defaults)."""
        lora_fields = {f.name for f in fields(LoraRecipe)}
        gate_fields = {f.name for f in fields(GatePolicy)}
        own = {k: v for k, v in training_config.items() if k in ("heldout_fraction", "max_new_tokens", "target_tries")}
        return cls(lora=LoraRecipe(**{k: v for k, v in training_config.items() if k in lora_fields}),
                   gate=GatePolicy(**{k: v for k, v in gate_policy.items() if k in gate_fields}), **own)


@dataclass
class CloneResult:
    student_id: str
    version: str
    aliases: list[str]
    adapter_uri: str
    adapter_bytes: int
    run_id: str | None
    clone_key: str
    reused: bool
    eval: dict = field(default_factory=dict)
    base: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_existing(cls, v: dict, seconds: float) -> "CloneResult":
        tags = v.get("tags", {})
        ev = json.loads(tags["eval_summary"]) if "eval_summary" in tags else {}
        return cls(student_id=v["student_id"], version=v["version"], aliases=v.get("aliases", []),
                   adapter_uri=v["uri"], adapter_bytes=int(tags.get("adapter_bytes", 0)), run_id=v.get("run_id"),
                   clone_key=tags.get("clone_key", ""), reused=True, eval=ev, timings={"total": seconds})


# The brain (base + current curriculum adapter merged) ----------------------------------

_BRAINS: dict[tuple, tuple[LoadedModel, BrainVersion]] = {}
_BRAINS_LOCK = threading.Lock()
_LEASED = threading.local()  # a cohort worker thread's own replica of the brain


class ReplicaPool:
    """Bounded parallelism for a cohort: N in-memory replicas of the brain, one per concurrent clone.

    The base is loaded once; replicas 2..N are deep copies of it in memory (a
    LoRA injection mutates the model it trains on, so concurrent clones each
    need their own). ``with pool.lease(): ...`` makes ``brain_model`` return
    the leased replica in this thread.
    """

    def __init__(self, settings: Settings, size: int):
        import copy
        import queue

        first = brain_model(settings)
        self._free: "queue.Queue[tuple[LoadedModel, BrainVersion]]" = queue.Queue()
        self._free.put(first)
        for _ in range(max(1, size) - 1):
            model, brain = first
            replica = copy.copy(model)
            replica.model = copy.deepcopy(model.model)
            self._free.put((replica, brain))

    def lease(self):
        import contextlib

        @contextlib.contextmanager
        def _lease():
            item = self._free.get()
            _LEASED.item = item
            try:
                yield item
            finally:
                _LEASED.item = None
                self._free.put(item)

        return _lease()


@patient
def brain_model(settings: Settings) -> tuple[LoadedModel, BrainVersion]:
    """The model clones train on: the base with the `aivo-brain@champion` curriculum adapter merged in.

    Loaded once per process and brain version (or this thread's leased cohort replica).
    """
    leased = getattr(_LEASED, "item", None)
    if leased is not None:
        return leased
    base = shared_base_model(settings)
    brain = current_brain(settings, base.weights_sha256)
    if brain.version == BASE_ONLY:
        return base, brain
    key = (settings.base_model, str(settings.model_cache_dir), brain.version)
    with _BRAINS_LOCK:
        if key not in _BRAINS:
            _BRAINS[key] = (merge_brain(settings, brain), brain)
        return _BRAINS[key]


@patient
def clone_key_for(settings: Settings, baseline: Baseline, recipe: CloneRecipe) -> str:
    """sha256 of what decides the adapter: data, recipe, base weights, brain version."""
    base, brain = brain_model(settings)
    material = {
        "data": tdata.baseline_sha256(baseline),
        "recipe": recipe.training_config(),
        "base": settings.base_model,
        "base_weights": base.weights_sha256,
        "brain_version": brain.version,
    }
    return hashlib.sha256(storage.canonical_json(material)).hexdigest()


# Stages -------------------------------------------------------------------------------

@patient
def prepare_stage(settings: Settings, baseline: Baseline, recipe: CloneRecipe, work: Path) -> Path:
    """Split the baseline and distil verified personalised targets; write them to ``work/data.json``."""
    model, _ = brain_model(settings)
    cloned = tdata.build_dataset(model, baseline, heldout_fraction=recipe.heldout_fraction, seed=recipe.lora.seed,
                                 max_new_tokens=recipe.max_new_tokens, tries=recipe.target_tries)
    path = work / "data.json"
    path.write_text(json.dumps({
        "train": cloned.train.to_list(), "heldout": cloned.heldout.to_list(), "targets": cloned.targets,
        "data_sha256": cloned.data_sha256, "mode": cloned.mode.value, "distill_seconds": cloned.distill_seconds,
    }))
    return path


def _load_data(path: Path) -> dict:
    return json.loads(path.read_text())


@patient
def train_stage(settings: Settings, data_path: Path, recipe: CloneRecipe, work: Path,
                progress: Callable[[int, int, float], None] | None = None) -> Path:
    """Train the LoRA adapter on the train split; write it to ``work/adapter`` and the curve to ``work/train.json``."""
    model, _ = brain_model(settings)
    data = _load_data(data_path)
    trained = tlora.train_adapter(model, [row["messages"] for row in data["train"]], recipe.lora, progress)
    try:
        adapter_dir = work / "adapter"
        tlora.save_adapter(trained, adapter_dir)
    finally:
        tlora.release(trained)
    (work / "train.json").write_text(json.dumps({
        "loss_curve": trained.losses, "seconds": trained.seconds,
        "trainable_params": trained.trainable_params,
    }))
    return adapter_dir


def load_trained(loaded: LoadedModel, adapter_dir: Path, recipe: CloneRecipe) -> tlora.TrainedAdapter:
    """A saved adapter made live on the shared base again (release() removes it)."""
    from peft import PeftModel

    flags = {n: p.requires_grad for n, p in loaded.model.named_parameters()}
    peft_model = PeftModel.from_pretrained(loaded.model, str(adapter_dir)).eval()
    return tlora.TrainedAdapter(model=peft_model, config=peft_model.peft_config["default"], recipe=recipe.lora,
                                losses=[], seconds=0.0, trainable_params=0, examples=0, base_name=loaded.name,
                                base_weights_sha256=loaded.weights_sha256, _requires_grad=flags)


@patient
def evaluate_stage(settings: Settings, data_path: Path, adapter_dir: Path, baseline: Baseline,
                   recipe: CloneRecipe) -> dict:
    """Adapter vs base on the held-out personalised targets and, read by the tutoring detectors, on the held-out
    items and the grade's probes (training/quality_gate.py); the gate decides pass/fail."""
    from datasets import Dataset

    model, _ = brain_model(settings)
    data = _load_data(data_path)
    sets = quality_gate.clone_sets(baseline.student, baseline.items, data["heldout"], Mode(data["mode"]))
    trained = load_trained(model, adapter_dir, recipe)
    try:
        report = tevaluate.evaluate_clone(model, trained, Dataset.from_list(data["heldout"]), baseline.student,
                                          max_new_tokens=recipe.max_new_tokens, policy=recipe.gate, quality=sets)
    finally:
        tlora.release(trained)
    out = report.to_dict()
    out["train_items"], out["heldout_items"] = len(data["train"]), len(data["heldout"])
    out["targets"] = data.get("targets")
    return out


def version_quality_tags(targets: dict, quality: dict | None, reasons: list[str]) -> dict[str, str]:
    """What the MLflow version shows about its targets and its quality gate (adapters.publish truncates long
    values): targets_accepted / _retried / _fallback, targets (counts and detectors fired), quality_gate
    (passed, rates per set: adapter and base), quality_flagged (a few flagged samples), gate_reasons."""
    tags = {f"targets_{k}": str(targets[k]) for k in ("accepted", "retried", "fallback") if k in targets}
    if targets:
        tags["targets"] = json.dumps({k: v for k, v in targets.items() if k != "rejected"}, sort_keys=True)
    if quality:
        tags["quality_gate"] = json.dumps({"passed": quality["passed"], "sets": quality["sets"]}, sort_keys=True)
        flagged = list(quality["flagged"])
        while flagged and len(json.dumps(flagged)) > adapters.MAX_TAG_CHARS:  # whole samples, valid JSON
            flagged.pop()
        tags["quality_flagged"] = json.dumps(flagged)
    tags["gate_reasons"] = "\n".join(reasons)
    return tags


@patient
def publish_stage(settings: Settings, baseline: Baseline, baseline_uri: str, recipe: CloneRecipe, clone_key: str,
                  adapter_dir: Path, eval_report: dict, require_review: bool = False) -> adapters.AdapterVersion:
    """Upload the adapter to S3 and register it in MLflow with params, metrics, tags and the loss curve."""
    model, brain = brain_model(settings)
    train = json.loads((adapter_dir.parent / "train.json").read_text())
    data = _load_data(adapter_dir.parent / "data.json")
    summary = {k: eval_report.get(k) for k in ("base_eval_loss", "adapter_eval_loss", "personalization_gain",
                                                "base_readability_grade", "adapter_readability_grade",
                                                "gate_passed")}
    metrics = {k: v for k, v in summary.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    metrics.update(train_seconds=train["seconds"], distill_seconds=data["distill_seconds"],
                   trainable_params=train["trainable_params"], final_train_loss=train["loss_curve"][-1],
                   train_items=len(data["train"]), heldout_items=len(data["heldout"]))
    targets, quality = data.get("targets") or {}, eval_report.get("quality")
    metrics.update({f"targets_{k}": targets[k] for k in ("accepted", "retried", "fallback") if k in targets})
    metrics.update(quality_gate.metrics(quality) if quality else {})
    tags = {
        "base_model": settings.base_model,
        "base_weights_sha256": model.weights_sha256 or "external",
        "brain_version": brain.version,
        "data_sha256": data["data_sha256"],
        "baseline_uri": baseline_uri,
        "assessment_id": baseline.assessment_id,
        "grade": str(baseline.student.grade),
        "training_config": json.dumps(recipe.training_config(), sort_keys=True),
        "eval_summary": json.dumps(summary),
        "gate_policy": json.dumps({**asdict(recipe.gate), "require_review": require_review}),
        "method": tdata.METHOD_VERSION,
        **version_quality_tags(targets, quality, eval_report.get("gate_reasons", [])),
    }
    params = {**recipe.training_config(), "base_model": settings.base_model, "brain_version": brain.version,
              "require_review": require_review, **asdict(recipe.gate)}
    return adapters.publish(
        settings, baseline.student.student_id, adapter_dir, clone_key, params=params, metrics=metrics, tags=tags,
        loss_curve=train["loss_curve"], eval_report=eval_report, gate_passed=bool(eval_report.get("gate_passed")),
        require_review=require_review,
        description=f"LoRA clone of {baseline.student.student_id} from assessment {baseline.assessment_id}",
    )
