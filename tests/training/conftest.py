"""Fixtures for the training tests: the tiny random Llama (own data dir, loaded once) and a small baseline."""

from __future__ import annotations

import pytest

from brain.schemas import Baseline
from brain.settings import Settings


@pytest.fixture(scope="session")
def base(tmp_path_factory, model_cache):
    """Tiny 2-layer random Llama with the SmolLM2 tokenizer; this package's own copy (tests inject LoRA into it)."""
    from brain.models import load_base_model

    return load_base_model(Settings(_env_file=None, base_model="tiny-random", model_cache=model_cache,
                                    data_dir=tmp_path_factory.mktemp("training-data")))


def make_baseline(n_per_skill: dict[str, int] | None = None, assessment_id: str = "a-1") -> Baseline:
    """A grade-4 maths baseline: every third item right, the others wrong with a telltale answer."""
    n_per_skill = n_per_skill or {"fractions": 4, "multiplication": 4, "place value": 2, "area": 1}
    items = []
    for skill, n in n_per_skill.items():
        for k in range(n):
            i = len(items)
            correct = i % 3 == 0
            items.append({
                "item_id": f"q{i:02d}",
                "question": f"{skill} question {k}: what is {i} + {k}?",
                "skill": skill,
                "standard": "4.NF.A.1" if skill == "fractions" else None,
                "student_answer": str(i + k) if correct else f"wrong-{i}{k}",
                "correct_answer": str(i + k),
                "correct": correct,
                "seconds_taken": 30 + i,
            })
    return Baseline.model_validate({
        "assessment_id": assessment_id,
        "student": {"student_id": "stu-7", "grade": 4, "subjects": ["math"], "accommodations": ["dyslexia"]},
        "items": items,
    })


@pytest.fixture
def baseline() -> Baseline:
    return make_baseline()
