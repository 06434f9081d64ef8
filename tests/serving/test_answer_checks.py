"""Checked answers (issue 14 part 4): an answer that fails a detector is regenerated, then replaced by
the verified fallback, on every generating route; a streamed answer never emits a failing sentence.

The core (serving/answer_check.py) is tested with fake generate functions; the routes with the tiny
model's app and the engine's output faked (FakeEngine below), so the text of each try is known.
"""

import asyncio
import json

import pytest

from brain.schemas import StudentProfile
from serving.answer_check import SIMPLER, Checker, SentenceGate, checked, stats
from serving.answer_item import item_for

P4 = StudentProfile(student_id="kid-1", grade=4)
FRACTIONS = "What is 3/4 + 1/8?"
REVEAL = "Make eighths first. The answer is 7/8."
GOOD = "Make eighths first. What is 3/4 written in eighths?"


def tutor_checker(prompt=FRACTIONS, profile=P4, mode="tutor"):
    return Checker(item_for(prompt, profile, mode), mode, profile=profile)


def run(coro):
    return asyncio.run(coro)


# -- the item of a request ----------------------------------------------------------------------------

@pytest.mark.parametrize("prompt, answer, student, subject", [
    ("I got 4/12 for 3/4 + 1/8. Can you help?", "7/8", "4/12", "math"),
    ("What is 20% of 50?", "10", None, "math"),
    ("Solve 2x + 3 = 11", "4", None, "math"),
    ("What is 7 x 8? I think it is 54", "56", "54", "math"),
    ("What is the plural of mouse?", None, None, "ela"),
    ("Tell me about frogs.", None, None, None),
])
def test_the_item_of_a_request(prompt, answer, student, subject):
    item = item_for(prompt, P4, "tutor")
    assert (item.answer, item.student_answer, item.subject, item.grade) == (answer, student, subject, 4)


# -- the core loop --------------------------------------------------------------------------------------

def test_a_good_answer_passes_untouched():
    calls = []

    async def regenerate(attempt, extra):
        calls.append(attempt)
        return REVEAL

    text, quality = run(checked(GOOD, tutor_checker(), regenerate))
    assert text == GOOD and not calls
    assert quality["retries"] == 0 and not quality["fallback"] and quality["findings"] == []
    assert "reveal" in quality["checks"] and "level" in quality["checks"]


def test_a_failing_answer_is_regenerated_until_it_passes():
    tries = []

    async def regenerate(attempt, extra):
        tries.append((attempt, extra))
        return REVEAL if attempt == 1 else GOOD

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate))
    assert text == GOOD and tries == [(1, None), (2, None)]
    assert quality["retries"] == 2 and not quality["fallback"]
    assert [f["detector"] for f in quality["findings"]] == ["reveal"]
    assert "7/8" not in json.dumps(quality)  # the findings never repeat the answer


def test_when_every_try_fails_the_verified_fallback_is_sent():
    before = stats()

    async def regenerate(attempt, extra):
        return "So 3/4 + 1/8 = 7/8."

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate, tries=2))
    assert quality["fallback"] and quality["retries"] == 2
    assert "7/8" not in text and "0.875" not in text and text.endswith("?")
    assert not tutor_checker().findings(text)
    after = stats()
    assert after["retries"] - before["retries"] == 2 and after["fallbacks"] - before["fallbacks"] == 1


def test_a_level_finding_asks_for_simpler_language():
    hard = ("Photosynthesis constitutes an extraordinarily sophisticated biochemical transformation whereby "
            "chlorophyllous organisms systematically metabolize electromagnetic radiation, atmospheric carbon "
            "dioxide and environmental moisture into carbohydrate molecules.")
    plain = "Plants use sunlight to make food. They take in air and water. Then they make sugar."
    seen = []

    async def regenerate(attempt, extra):
        seen.append(extra)
        return plain

    checker = Checker(item_for("What is photosynthesis?", P4, "explain"), "explain", profile=P4)
    text, quality = run(checked(hard, checker, regenerate))
    assert seen == [SIMPLER] and text == plain and quality["findings"][0]["detector"] == "level"


def test_a_retry_that_would_miss_the_deadline_goes_straight_to_the_fallback():
    async def regenerate(attempt, extra):
        raise AssertionError("no retry may start")

    text, quality = run(checked(REVEAL, tutor_checker(), regenerate, time_left=lambda: 1.0, attempt_s=5.0))
    assert quality["retries"] == 0 and quality["fallback"] and quality["deadline"]
    assert "7/8" not in text


def test_a_lesson_missing_parts_is_retried_then_sent_with_the_template_parts():
    async def regenerate(attempt, extra):
        return "Cut a paper strip into four equal parts."

    checker = Checker(item_for("Write a lesson on fractions", None, "lesson"), "lesson")
    text, quality = run(checked("Fold paper in halves.", checker, regenerate))
    assert quality["retries"] == 2 and not quality["fallback"] and quality["repairs"]
    assert "Cut a paper strip" in text and "Objective:" in text and "exit ticket" in text


def test_the_sentence_gate_releases_only_sentences_that_passed():
    gate = SentenceGate(tutor_checker())
    out = [gate.feed(piece) for piece in ("Make eighths ", "first. The answer", " is 7/8. ", "Yes!")]
    assert "".join(out) == "Make eighths first. " and gate.failed and gate.failed[0].detector == "reveal"
    assert gate.finish() == "" and gate.released == "Make eighths first. "
    gate = SentenceGate(tutor_checker())
    assert gate.feed("Make eighths first. ") == "Make eighths first. "
    assert gate.feed("What is 3/4 in eighths?") == "" and gate.finish() == "What is 3/4 in eighths?"
    assert gate.failed is None
