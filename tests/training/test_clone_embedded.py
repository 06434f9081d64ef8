"""A whole clone with the real SmolLM2-135M-Instruct: distil, train, evaluate, save, release."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from peft import PeftModel

from brain.prompts import chat_ids
from brain.schemas import Baseline
from training import data, lora
from training.evaluate import evaluate_clone

SAMPLE = Path(__file__).parent / "data" / "baseline_grade4_math.json"


@pytest.mark.embedded
def test_clone_of_a_real_baseline_beats_the_base_and_leaves_it_untouched(embedded_first_load, tmp_path):
    loaded, _ = embedded_first_load
    full = Baseline.model_validate_json(SAMPLE.read_text())
    # Three skills, 12 items (9 train, 3 held out), short answers: about 30 s on 2 CPU cores.
    skills = {"fraction equivalence", "adding fractions", "area and perimeter"}
    baseline = full.model_copy(update={"items": [i for i in full.items if i.skill in skills]})
    probe = torch.tensor([chat_ids(loaded.tokenizer, data.student_messages(baseline.student, baseline.items[0]))],
                         device=loaded.device)
    with torch.inference_mode():
        before = loaded.model(input_ids=probe).logits

    cloned = data.build_dataset(loaded, baseline, max_new_tokens=32)
    assert (len(cloned.train), len(cloned.heldout)) == (9, 3)
    trained = lora.train_adapter(loaded, list(cloned.train["messages"]))
    try:
        report = evaluate_clone(loaded, trained, cloned.heldout, baseline.student, max_new_tokens=32)
        paths = lora.save_adapter(trained, tmp_path / "adapter")
    finally:
        lora.release(trained)

    assert report.adapter_eval_loss < 0.95 * report.base_eval_loss, report.gate_reasons
    assert report.gate_passed, report.gate_reasons
    assert all(s["adapter"] for s in report.samples) and len(report.samples) == 3
    json.dumps(report.to_dict())
    assert sum(p.stat().st_size for p in paths) < 3_000_000  # r=8 on q/v of 30 layers: ~1.9 MB
    with torch.inference_mode():
        assert torch.equal(loaded.model(input_ids=probe).logits, before)  # the shared base is pristine again
        reloaded = PeftModel.from_pretrained(loaded.model, str(tmp_path / "adapter"))
        try:
            assert not torch.equal(reloaded(input_ids=probe).logits, before)
        finally:
            reloaded.unload()
