"""A clone's training targets do not depend on the CPU's kernels.

CI machines differ (AMD EPYC, Intel Xeon with AVX512-BF16 or AMX). The teacher's greedy
targets, decoded in bf16, flipped with the kernel path and moved the embedded clone's gain
from 0.73 to 0.97 (docs/pipeline.md). Here the same items are distilled twice with the real
SmolLM2-135M-Instruct: in this process (the machine's best kernels) and in a child process whose
ATen, MKL and oneDNN kernels are capped at AVX2, as on an older or other-vendor CPU. The targets
must be the same text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from brain.schemas import Baseline
from training import data

SAMPLE = Path(__file__).parent / "data" / "baseline_grade4_math.json"
SKILLS = {"fraction equivalence", "adding fractions"}
AVX2_ONLY = {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}

CHILD = """
import json, sys
from brain.models import load_base_model
from brain.schemas import Baseline
from brain.settings import Settings
from training import data
args = json.loads(sys.argv[1])
loaded = load_base_model(Settings(_env_file=None, **args["settings"]))
baseline = Baseline.model_validate_json(args["baseline"])
print(json.dumps(data.distill_targets(loaded, baseline.student, baseline.items, max_new_tokens=args["tokens"])))
"""


def _baseline() -> Baseline:
    full = Baseline.model_validate_json(SAMPLE.read_text())
    return full.model_copy(update={"items": [i for i in full.items if i.skill in SKILLS]})


@pytest.mark.embedded
def test_teacher_targets_are_the_same_under_another_cpus_kernels(embedded_first_load):
    loaded, settings = embedded_first_load
    baseline = _baseline()
    assert len(baseline.items) >= 4
    here = data.distill_targets(loaded, baseline.student, baseline.items, max_new_tokens=32)

    args = {
        "settings": {"base_model": settings.base_model, "data_dir": str(settings.data_dir),
                     "model_cache": str(settings.model_cache_dir)},
        "baseline": baseline.model_dump_json(), "tokens": 32,
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIVO_")} | AVX2_ONLY
    out = subprocess.run([sys.executable, "-c", CHILD, json.dumps(args)], env=env, capture_output=True,
                         text=True, timeout=600, cwd=Path(__file__).resolve().parents[2])
    assert out.returncode == 0, out.stderr[-2000:]
    there = json.loads(out.stdout.strip().splitlines()[-1])
    assert there == here
