"""Clone evaluation: eval loss with and without the adapter, readability, samples, the gate."""

from __future__ import annotations

import json
import math

import pytest
import textstat
from datasets import Dataset

from tests.training.conftest import make_baseline
from training import data, lora
from training.evaluate import GatePolicy, check_gate, eval_loss, evaluate_clone, readability_grade


def test_gate_passes_only_when_every_criterion_does():
    policy = GatePolicy()  # max_gain 0.95, max_grade_increase 2
    ok, reasons = check_gate(policy, base_loss=2.0, adapter_loss=1.8, base_grade=4.0, adapter_grade=5.5)
    assert ok and len(reasons) == 2 and all(r.startswith("PASS") for r in reasons)
    assert "1.8000" in reasons[0] and "1.9000" in reasons[0]  # adapter vs 0.95 x base, with numbers

    ok, reasons = check_gate(policy, 2.0, 1.95, 4.0, 4.0)  # only 2.5% better than the base
    assert not ok and reasons[0].startswith("FAIL eval loss") and reasons[1].startswith("PASS")

    ok, reasons = check_gate(policy, 2.0, 1.0, 4.0, 6.5)  # language harder by 2.5 grades
    assert not ok and reasons[1].startswith("FAIL readability") and "6.5" in reasons[1]

    ok, reasons = check_gate(policy, 2.0, 1.0, 4.0, 4.0, flagged=[False, True, False])
    assert not ok and reasons[2] == "FAIL moderation: 1 of 3 adapter samples flagged"
    assert check_gate(policy, 2.0, 1.0, 4.0, 4.0, flagged=[False])[0]
    assert check_gate(GatePolicy(max_gain=1.0), 2.0, 1.99, 4.0, 4.0)[0]

    ok, reasons = check_gate(policy, 2.0, 1.0, math.nan, 30.0)  # the base said nothing: no comparison
    assert ok and reasons[1] == "PASS readability: not compared (the base samples have no words)"


def test_readability_grade_matches_textstat_and_survives_numbers():
    prose = "To add two fractions, add the tops. Keep the bottom number the same."
    assert readability_grade([prose]) == pytest.approx(textstat.flesch_kincaid_grade(prose))
    maths = readability_grade(["1/4 + 2/4 = 3/4.", "Count the 3 quarters of the pizza, zxqv."])
    assert -5 < maths < 10  # textstat 0.7.7 itself raises KeyError on "4" and "zxqv"
    hard = "Equivalence of rational quantities necessitates proportional multiplication of numerators."
    assert readability_grade([hard]) > readability_grade([prose]) + 5
    assert math.isnan(readability_grade(["", "  "]))
    # An answer cut at the token limit ends a sentence instead of running into the next answer.
    assert readability_grade(["Add the tops", "Keep the bottom"]) == readability_grade(["Add the tops. Keep the bottom."])


@pytest.fixture(scope="module")
def clone(base):
    b = make_baseline()
    train_items, heldout_items = data.split_items(b)
    def rows(items):
        return [{"item_id": i.item_id, "skill": i.skill, "standard": i.standard,
                 "messages": data.student_messages(b.student, i) + [{"role": "assistant", "content":
                             f"You wrote {i.student_answer}. Count again: {i.correct_answer}."}]} for i in items]
    return b, rows(train_items), Dataset.from_list(rows(heldout_items))


def test_evaluate_clone_compares_adapter_and_base(base, clone):
    b, train, heldout = clone
    messages = [r["messages"] for r in train]
    base_loss = eval_loss(base.model, base.tokenizer, list(heldout["messages"]), base.device)
    trained = lora.train_adapter(base, messages, lora.LoraRecipe(epochs=8, batch_size=4, learning_rate=3e-2))
    try:
        # The random model's gibberish has no meaningful reading grade: a lenient policy for that criterion.
        report = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=6,
                                policy=GatePolicy(max_gain=0.99, max_grade_increase=100))
        strict = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=6,
                                policy=GatePolicy(max_gain=0.5))
        flagged = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=6,
                                 moderate=lambda text: True)
    finally:
        lora.release(trained)
    assert report.base_eval_loss == pytest.approx(base_loss, rel=1e-6)  # adapter disabled = the base
    assert report.adapter_eval_loss < report.base_eval_loss - 0.2
    assert report.personalization_gain == pytest.approx(report.adapter_eval_loss / report.base_eval_loss)
    assert report.gate_passed and len(report.gate_reasons) == 2
    assert not strict.gate_passed and strict.gate_reasons[0].startswith("FAIL eval loss")
    assert (report.student_grade, report.student_reading_level, report.heldout_items) == (4, 4, len(heldout))
    assert [s["item_id"] for s in report.samples] == list(heldout["item_id"])[:2]
    assert report.samples[0]["prompt"] == heldout[0]["messages"][1]["content"]
    assert {"base", "adapter", "flagged"} <= report.samples[0].keys()
    json.dumps(report.to_dict())  # the flows log it as JSON
    assert set(report.metrics()) >= {"base_eval_loss", "adapter_eval_loss", "personalization_gain"}

    assert not flagged.gate_passed and flagged.gate_reasons[-1].startswith("FAIL moderation: 2 of 2")
    assert all(s["flagged"] for s in flagged.samples)


def test_base_samples_come_from_the_base_answer_column_when_present(base, clone):
    b, train, heldout = clone
    given = heldout.add_column("base_answer", [f"Base says {k}. It is a short answer." for k in range(len(heldout))])
    trained = lora.train_adapter(base, [r["messages"] for r in train], lora.LoraRecipe(epochs=1))
    try:
        report = evaluate_clone(base, trained, given, b.student, samples=2, max_new_tokens=4)
        generated = evaluate_clone(base, trained, heldout, b.student, samples=2, max_new_tokens=4)
    finally:
        lora.release(trained)
    assert [s["base"] for s in report.samples] == ["Base says 0. It is a short answer.",
                                                  "Base says 1. It is a short answer."]
    assert report.base_readability_grade == readability_grade([s["base"] for s in report.samples])
    assert all(s["base"] != report.samples[0]["base"] for s in generated.samples)


def test_evaluate_needs_the_live_adapter(base, clone):
    b, train, heldout = clone
    trained = lora.train_adapter(base, [r["messages"] for r in train[:2]], lora.LoraRecipe(epochs=1))
    lora.release(trained)
    with pytest.raises(RuntimeError, match="before release"):
        evaluate_clone(base, trained, heldout, b.student)
