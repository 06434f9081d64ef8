"""The clones of the tutoring benchmark (benchmarks/tutor.py): each sample student's adapter, trained with the
pipeline's own functions (no servers) and kept under the model cache, and which clone answers an item.

Used by ``python -m benchmarks.tutor`` (``make eval-tutor``); not run on its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from brain.quality import TutorItem
from brain.schemas import Baseline


def clone_adapters(loaded, students: list[str], samples: Path, cache: Path, log=print) -> dict[str, dict]:
    """{student: {"dir", "grade", "seconds", "reused"}}: each student's adapter, trained with the pipeline's
    functions on ``loaded`` (left pristine) unless one of the same baseline, recipe and base is in ``cache``."""
    from flows.stages import CloneRecipe
    from training import data as tdata
    from training import lora as tlora

    recipe = CloneRecipe()
    out = {}
    for sid in students:
        baseline = Baseline.model_validate_json((samples / f"{sid}.json").read_text())
        material = json.dumps({"data": tdata.baseline_sha256(baseline), "recipe": recipe.training_config(),
                               "base": loaded.name, "weights": loaded.weights_sha256}, sort_keys=True)
        target = cache / f"{sid}-{hashlib.sha256(material.encode()).hexdigest()[:16]}"
        start = time.perf_counter()
        reused = (target / "adapter_config.json").exists()
        if not reused:
            log(f"training the clone of {sid} (grade {baseline.student.grade})")
            cloned = tdata.build_dataset(loaded, baseline, heldout_fraction=recipe.heldout_fraction,
                                         seed=recipe.lora.seed, max_new_tokens=recipe.max_new_tokens)
            trained = tlora.train_adapter(loaded, list(cloned.train["messages"]), recipe.lora)
            try:
                cache.mkdir(parents=True, exist_ok=True)
                tmp = Path(tempfile.mkdtemp(prefix=f".{sid}-", dir=cache))  # then renamed: never half-written
                tlora.save_adapter(trained, tmp)
                os.replace(tmp, target)
            finally:
                tlora.release(trained)
        out[sid] = {"dir": str(target), "grade": baseline.student.grade, "reused": reused,
                    "seconds": round(time.perf_counter() - start, 1)}
    return out


def nearest_student(item: TutorItem, grades: dict[str, int]) -> str:
    """The student whose grade is nearest the item's (ties: the first in ``grades``)."""
    return min(grades, key=lambda sid: abs(grades[sid] - item.grade))


# -- answering ---------------------------------------------------------------------------------------
