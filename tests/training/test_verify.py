"""Verified training targets: a deliberately bad teacher's targets are retried, then replaced by fallbacks."""

from __future__ import annotations

import re

import pytest

from brain.prompts import chat_ids
from brain.quality import check
from brain.schemas import Baseline, BaselineItem, Mode, StudentProfile
from tests.training.conftest import make_baseline
from training import data, verify

PROFILE = StudentProfile(student_id="s-1", grade=3, subjects=["math"], accommodations=["adhd"])


def _item(**kw) -> BaselineItem:
    values = dict(item_id="q1", question="What is 7 × 8?", skill="multiplication facts", standard="3.OA.C.7",
                  student_answer="54", correct_answer="56", correct=False, seconds_taken=10.0)
    return BaselineItem(**{**values, **kw})


def test_tutor_item_carries_the_answer_the_students_answer_and_the_profile():
    item = verify.tutor_item(PROFILE, _item())
    assert (item.prompt, item.answer, item.student_answer, item.grade, item.mode) == ("What is 7 × 8?", "56", "54",
                                                                                       3, "tutor")
    assert item.subject == "math" and item.has("adhd") and item.id == "q1"
    ela = verify.tutor_item(PROFILE, _item(standard="L.3.1", skill="irregular plurals", correct_answer="mice"))
    assert ela.subject == "ela" and ela.topic == "plurals"
    nothing = verify.tutor_item(StudentProfile(student_id="s", grade=10, subjects=["science"]),
                                _item(standard="HS-LS1-2", student_answer=""))
    assert nothing.subject is None and nothing.student_answer is None


def test_retry_seeds_are_fixed_and_differ_by_item_and_try():
    assert verify.derived_seed(0, "q1", 0) == verify.derived_seed(0, "q1", 0)
    seeds = {verify.derived_seed(s, i, a) for s in (0, 1) for i in ("q1", "q2") for a in (0, 1)}
    assert len(seeds) == 8 and all(0 <= s < 2**63 for s in seeds)


BAD = "Great job! The answer is 56. 7 x 8 = 54."  # reveals (tutor mode) and states wrong math
GOOD = "Let's think together. What is 7 x 4? Can you double it?"


def test_a_target_is_accepted_retried_or_replaced_by_the_verified_fallback():
    items = [_item(item_id="ok"), _item(item_id="retry"), _item(item_id="bad")]
    checked = [verify.tutor_item(PROFILE, i) for i in items]
    assert check(GOOD, checked[0], "tutor") == [] and {f.detector for f in check(BAD, checked[0], "tutor")} >= {
        "reveal", "wrong_claim"}
    calls = []

    def resample(indices, attempt):
        calls.append((list(indices), attempt))
        return [GOOD if items[i].item_id == "retry" and attempt == 1 else BAD for i in indices]

    targets, stats = verify.verify_targets(items, checked, [GOOD, BAD, ""], resample, Mode.tutor, tries=2)
    assert calls == [([1, 2], 0), ([1, 2], 1)]  # only the rejected ones, once per try
    assert (stats.accepted, stats.retried, stats.fallback, stats.tries) == (1, 1, 1, 2)
    assert targets[:2] == [GOOD, GOOD]
    assert stats.first_fired["empty"] == 1 and stats.first_fired["reveal"] == 1
    assert stats.fired["reveal"] == 4 and stats.fired["wrong_claim"] == 4  # every rejected candidate: 1 + 2 + 1
    assert [r["item_id"] for r in stats.rejected] == ["retry", "bad"]
    fallback = targets[2]
    assert not re.search(r"\b56\b|\b54\b", fallback) and check(fallback, checked[2], "tutor") == []
    assert stats.fallback_flagged == 0

    none, s0 = verify.verify_targets(items, checked, [BAD, BAD, BAD], resample, "tutor", tries=0)
    assert (s0.accepted, s0.retried, s0.fallback) == (0, 0, 3)


def test_a_false_comparison_is_not_learnt():
    item = _item(question="Is 0.25 bigger than 0.3?", correct_answer="no", student_answer="yes",
                 skill="compare decimals", standard="4.NF.C.7")
    checked = [verify.tutor_item(PROFILE, item)]
    wrong = "Yes! 0.25 is bigger than 0.3 because 25 is more than 3."
    targets, stats = verify.verify_targets([item], checked, [wrong], lambda idx, attempt: [wrong] * len(idx),
                                           Mode.explain, tries=1)
    assert stats.fallback == 1 and stats.fired["wrong_comparison"] == 2 and targets[0] != wrong


def test_sampling_is_fixed_by_the_row_seed(base):
    tok = base.tokenizer
    prompts = [chat_ids(tok, [{"role": "user", "content": f"What is {k} + {k}?"}]) for k in range(3)]
    args = (8, tok.eos_token_id, tok.pad_token_id, base.device)
    first = verify.sample_generate(base.model, prompts, [1, 2, 3], 1.0, *args)
    again = verify.sample_generate(base.model, prompts, [1, 2, 3], 1.0, *args)
    other = verify.sample_generate(base.model, prompts, [4, 5, 6], 1.0, *args)
    assert first == again and first != other


def _answer_from(system: str) -> str:
    """The correct answer the teacher's notes carry (what a bad teacher blurts out)."""
    m = re.search(r'the right answer is (.+?)\. Kindly', system) or re.search(r'You answered "(.+?)" here before, and',
                                                                            system)
    return m.group(1)


def bad_teacher(monkeypatch, base_answer: str = "What do you notice about the numbers?") -> list:
    """Teacher answers (greedy and sampled) that reveal the answer and state wrong math; the student-prompt rows
    (the base's own answers) get ``base_answer``. Returns the list of sampled calls (seeds, temperature)."""
    sampled = []

    def answer(conv):
        system = conv[0]["content"]
        return f"The answer is {_answer_from(system)}. 7 x 8 = 54." if "here before" in system else base_answer

    def fake_generate(loaded, conversations, max_new_tokens=48, batch_size=32, model=None):
        return [(answer(c), True, "") for c in conversations]

    def fake_sample(loaded, model, conversations, seeds, temperature, max_new_tokens, batch_size=32):
        sampled.append((list(seeds), temperature))
        return [(answer(c), True, "") for c in conversations]

    monkeypatch.setattr(data, "generate_answers", fake_generate)
    monkeypatch.setattr(data, "sample_answers", fake_sample)
    return sampled


def test_a_deliberately_bad_teacher_is_retried_then_replaced(base, monkeypatch):
    baseline: Baseline = make_baseline()
    sampled = bad_teacher(monkeypatch)
    cloned = data.build_dataset(base, baseline, max_new_tokens=8, seed=3, tries=2)
    n = len(baseline.items)
    t = cloned.targets
    assert (t["accepted"], t["retried"], t["fallback"]) == (0, 0, n)
    assert t["first_fired"]["wrong_claim"] == n and t["first_fired"]["reveal"] == sum(not i.correct for i in
                                                                                       baseline.items)
    assert t["fired"]["wrong_claim"] == 3 * n  # the greedy target and two retries, all rejected
    assert [temp for _, temp in sampled] == list(verify.TEMPERATURES)
    ids = [r["item_id"] for r in cloned.train] + [r["item_id"] for r in cloned.heldout]
    assert sampled[0][0] == [verify.derived_seed(3, i, 0) for i in ids]  # train then held-out items, fixed seeds
    by_id = {i.item_id: i for i in baseline.items}
    for row in list(cloned.train) + list(cloned.heldout):
        target, item = row["messages"][2]["content"], by_id[row["item_id"]]
        assert "7 x 8 = 54" not in target and "The answer is" not in target
        assert target == data.fallback_target(item, baseline.student)
        assert check(target, verify.tutor_item(baseline.student, item), "tutor") == []


def test_a_good_teacher_is_accepted_as_it_is(base, monkeypatch):
    def fake_generate(loaded, conversations, max_new_tokens=48, batch_size=32, model=None):
        return [("Let's look at the question together. What do you know already?", True, "")] * len(conversations)

    monkeypatch.setattr(data, "generate_answers", fake_generate)
    monkeypatch.setattr(data, "sample_answers", lambda *a, **k: pytest.fail("nothing to retry"))
    cloned = data.build_dataset(base, make_baseline(), max_new_tokens=8)
    assert (cloned.targets["accepted"], cloned.targets["retried"], cloned.targets["fallback"]) == (11, 0, 0)
