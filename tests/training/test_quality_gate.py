"""The quality gate: clone vs base under the tutoring detectors, on held-out items and the grade's probes."""

from __future__ import annotations

import json

import pytest
from datasets import Dataset

from brain.prompts import build_messages
from brain.schemas import BaselineItem, Mode, StudentProfile
from tests.training.conftest import make_baseline
from training import data, evaluate, lora, quality_gate
from training.evaluate import GatePolicy, evaluate_clone

PROFILE = StudentProfile(student_id="s-1", grade=3, subjects=["math"])
ITEMS = [BaselineItem(item_id=f"q{k}", question=f"What is {k} × 8?", skill="multiplication facts",
                      standard="3.OA.C.7", student_answer=str(8 * k - 2), correct_answer=str(8 * k), correct=False,
                      seconds_taken=5.0) for k in (6, 7)]
GOOD = "Let's think together. What do you know already?"
# states the answer (tutor mode), false math, talks about the student, repeats itself
BAD = "The student forgot. 7 x 8 = 54. 7 x 8 = 54. 7 x 8 = 54. The answer is 56."


def test_probe_set_is_the_students_grade_clamped_into_2_to_8_with_the_students_profile():
    for grade, probe_grade in ((0, 2), (3, 3), (8, 8), (11, 8)):
        profile = StudentProfile(student_id="s", grade=grade, accommodations=["adhd"])
        probes = quality_gate.probe_set(profile)
        assert probes.name == "probes" and len(probes.items) == len(probes.prompts) == 8
        assert all(i.id.startswith("probe-") and f"-g{probe_grade}-" in i.id for i in probes.items)
        assert all(i.grade == grade and i.has("adhd") for i in probes.items)  # read at the student's level
        for item, prompt in zip(probes.items, probes.prompts):
            assert prompt == build_messages(profile, item.prompt, Mode(item.mode))
    assert {i.mode for i in quality_gate.probe_set(PROFILE).items} <= {"tutor", "explain", "assess"}


def test_judge_passes_no_worse_than_the_base_and_under_the_ceilings():
    held = quality_gate.heldout_set(PROFILE, ITEMS, base_answers=[GOOD, GOOD])
    good = quality_gate.judge(GatePolicy(), [held], {"heldout": [GOOD, GOOD]}, {"heldout": [GOOD, GOOD]})
    assert good["passed"] and good["reasons"][0].startswith("PASS quality on heldout (2 items)")
    assert good["sets"]["heldout"]["adapter"]["reveal"] == 0 and good["flagged"] == []

    bad = quality_gate.judge(GatePolicy(), [held], {"heldout": [GOOD, GOOD]}, {"heldout": [BAD, GOOD]})
    assert not bad["passed"]
    rates = bad["sets"]["heldout"]["adapter"]
    assert rates["persona"] == rates["wrong_claim"] == rates["degeneration"] == 0.5
    reason = bad["reasons"][0]
    assert reason.startswith("FAIL quality on heldout") and "persona 0.50 > base 0.00" in reason
    assert "persona 0.50 > ceiling 0.25" in reason and "wrong_claim 0.50 > ceiling 0.25" in reason
    assert {f["detector"] for f in bad["flagged"]} >= {"persona", "wrong_claim"}
    sample = bad["flagged"][0]
    assert sample["side"] == "adapter" and sample["item"] == "q6" and sample["prompt"] == "What is 6 × 8?"
    assert sample["text"].startswith("The student forgot.")

    # The base as bad as the clone: only the ceilings fail; a lenient policy passes.
    same = quality_gate.judge(GatePolicy(), [held], {"heldout": [BAD, GOOD]}, {"heldout": [BAD, GOOD]})
    assert not same["passed"] and "> base" not in same["reasons"][0] and "> ceiling" in same["reasons"][0]
    open_ = GatePolicy(max_rate_increase=1.0, max_reveal=1, max_wrong_claim=1, max_echo=1, max_persona=1,
                       max_degeneration=1)
    assert quality_gate.judge(open_, [held], {"heldout": [GOOD, GOOD]}, {"heldout": [BAD, BAD]})["passed"]

    m = quality_gate.metrics(bad)
    assert m["quality_passed"] == 0.0 and m["quality_heldout_adapter_persona"] == 0.5
    assert m["quality_heldout_base_persona"] == 0.0
    text = quality_gate.markdown(bad, {"accepted": 1, "retried": 2, "fallback": 3, "tries": 2, "fired": {"reveal": 4}})
    assert "accepted 1, retried 2, fallback 3" in text and "Quality gate: FAILED" in text and "persona" in text


@pytest.fixture(scope="module")
def trained_clone(base):
    b = make_baseline()
    train_items, heldout_items = data.split_items(b)

    def rows(items):
        return [{"item_id": i.item_id, "skill": i.skill, "standard": i.standard,
                 "messages": data.student_messages(b.student, i) + [{"role": "assistant", "content": GOOD}]}
                for i in items]
    trained = lora.train_adapter(base, [r["messages"] for r in rows(train_items)], lora.LoraRecipe(epochs=1))
    yield b, Dataset.from_list(rows(heldout_items)), trained
    lora.release(trained)


LENIENT = dict(max_gain=100.0, max_grade_increase=1000.0)  # the tiny model's loss and readability say nothing


def test_evaluate_clone_fails_a_clone_whose_answers_fail_the_detectors(base, trained_clone, monkeypatch):
    b, heldout, trained = trained_clone
    sets = quality_gate.clone_sets(b.student, b.items, heldout.to_list())
    asked = []

    def clone_says(text):
        def fake(loaded, trained_, prompts, max_new_tokens=48):
            asked.append(len(prompts))
            return [text] * len(prompts)
        return fake

    monkeypatch.setattr(evaluate, "adapter_answers", clone_says(BAD))
    report = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=4,
                            policy=GatePolicy(**LENIENT), quality=sets)
    # one call for the samples, the held-out items and the probes (the samples are held-out prompts: asked once)
    assert asked == [len(heldout) + 8]
    assert not report.gate_passed and len(report.gate_reasons) == 4
    assert report.gate_reasons[:2] == [r for r in report.gate_reasons if "eval loss" in r or "readability" in r]
    assert report.gate_reasons[2].startswith("FAIL quality on heldout") and report.gate_reasons[3].startswith(
        "FAIL quality on probes (8 items)")
    assert report.quality["sets"]["probes"]["adapter"]["persona"] == 1.0
    assert report.metrics()["quality_probes_adapter_persona"] == 1.0
    assert report.samples[0]["adapter"] == BAD
    json.dumps(report.to_dict())

    monkeypatch.setattr(evaluate, "adapter_answers", clone_says(GOOD))
    good = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=4,
                          policy=GatePolicy(**LENIENT), quality=sets)
    assert good.gate_passed and all(r.startswith("PASS") for r in good.gate_reasons), good.gate_reasons
    assert all(rate == 0 for s in good.quality["sets"].values() for rate in s["adapter"].values())
