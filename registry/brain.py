"""Versions of the brain itself: registered model ``aivo-brain`` (curriculum fine-tunes of the base).

Each version is a curriculum LoRA adapter on top of the configured base model,
kept as an adapter (not merged) so a version is a few MB in S3 and serving can
apply it to the same base weights; its tags name the base model and weights
hash it was trained on. ``champion`` marks the brain that clones train on and
the endpoint serves. No registered version means the plain base model:
brain version ``"0"``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlflow.exceptions import MlflowException

from brain.models import LoadedModel, load_base_model
from brain.settings import Settings
from registry import storage
from registry.adapters import CHAMPION, client_for

BRAIN_MODEL = "aivo-brain"
BASE_ONLY = "0"


@dataclass
class BrainVersion:
    version: str  # "0" = the configured base model with no curriculum adapter
    uri: str | None  # s3:// directory of the curriculum adapter
    base_model: str
    base_weights_sha256: str | None

    @property
    def prefix(self) -> str | None:
        return storage.parse_s3_uri(self.uri)[1] if self.uri else None


def current_brain(settings: Settings, base_weights_sha256: str | None) -> BrainVersion:
    """The brain under alias champion, if it was trained on this base; else the base itself."""
    try:
        mv = client_for(settings).get_model_version_by_alias(BRAIN_MODEL, CHAMPION)
    except MlflowException as exc:
        if exc.error_code in ("RESOURCE_DOES_NOT_EXIST", "NOT_FOUND", "INVALID_PARAMETER_VALUE"):
            return BrainVersion(BASE_ONLY, None, settings.base_model, base_weights_sha256)
        raise
    tags = dict(mv.tags or {})
    if tags.get("base_weights_sha256") != base_weights_sha256:
        # a brain trained on another base (e.g. tiny vs embedded) does not apply to this one
        return BrainVersion(BASE_ONLY, None, settings.base_model, base_weights_sha256)
    return BrainVersion(str(mv.version), mv.source, tags.get("base_model", settings.base_model),
                        base_weights_sha256)


def _merge_into(settings: Settings, loaded: LoadedModel, brain: BrainVersion) -> LoadedModel:
    """Merge the curriculum adapter of ``brain`` into ``loaded``'s weights (nothing for the plain base)."""
    if brain.version == BASE_ONLY:
        return loaded
    from peft import PeftModel

    with tempfile.TemporaryDirectory() as tmp:
        storage.download_dir(settings, brain.prefix, Path(tmp))
        loaded.model = PeftModel.from_pretrained(loaded.model, tmp).merge_and_unload().eval()
    return loaded


def merge_brain(settings: Settings, brain: BrainVersion) -> LoadedModel:
    """A freshly loaded base with the curriculum adapter of ``brain`` merged into its weights."""
    return _merge_into(settings, load_base_model(settings), brain)


def load_brain(settings: Settings) -> tuple[LoadedModel, BrainVersion]:
    """The brain to serve: the base with ``aivo-brain@champion`` merged in (the base alone when none,
    or when the registry cannot be reached: serving must start even then)."""
    loaded = load_base_model(settings)
    try:
        brain = current_brain(settings, loaded.weights_sha256)
    except Exception:  # noqa: BLE001
        import logging

        logging.getLogger(__name__).exception("registry unreachable: serving the base model as brain version 0")
        return loaded, BrainVersion(BASE_ONLY, None, settings.base_model, loaded.weights_sha256)
    return _merge_into(settings, loaded, brain), brain
