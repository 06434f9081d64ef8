"""The LoRA recipe: what decides a trained adapter besides its data.

A pydantic dataclass, so the recipes that contain it (flows/stages.py's
``CloneRecipe``, flows/curriculum.py's ``CurriculumRecipe``) are flow
parameters that Prefect validates and renders as a typed form, each field's
docstring as its help text. Kept apart from training/lora.py so that reading
the defaults (the ``aivo`` CLI's options, the Prefect form) loads no torch.
"""

from __future__ import annotations

from pydantic import ConfigDict
from pydantic.dataclasses import dataclass

# Every recipe object: unknown fields are an error (a typo in a form or a YAML file must not be ignored),
# and the docstring under each field is its description in the JSON schema (the Prefect form's help text).
RECIPE_CONFIG = ConfigDict(extra="forbid", use_attribute_docstrings=True)


@dataclass(frozen=True, config=RECIPE_CONFIG)
class LoraRecipe:
    """Everything that decides a clone's adapter besides its data."""

    rank: int = 8
    """LoRA rank r: the adapter's capacity (2 * r * d parameters per target matrix)."""
    alpha: int = 16
    """LoRA alpha; the update is scaled by alpha / rank."""
    dropout: float = 0.05
    """Dropout on the LoRA input during training."""
    target_modules: tuple[str, ...] = ("q_proj", "v_proj")
    """Names of the linear layers that get an adapter (attention query and value)."""
    epochs: int = 3
    """Passes over the train set; ~15 examples at batch 8 give 6 optimizer steps."""
    learning_rate: float = 2e-3
    """AdamW learning rate, constant. High because there are only a handful of steps."""
    batch_size: int = 8
    """Examples per optimizer step (loss = mean over the batch's assistant tokens)."""
    max_length: int = 384
    """Longest example in tokens; longer ones are cut at the end."""
    seed: int = 0
    """Seeds LoRA init, dropout and shuffling: same data + recipe -> same weights."""
