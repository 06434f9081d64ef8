"""False comparisons and wrong yes/no answers to a comparison question (brain/quality/comparisons.py)."""

from __future__ import annotations

import pytest

from brain.quality import TutorItem
from brain.quality.comparisons import wrong_comparison

ASKED = TutorItem(prompt="Is 3/5 bigger than 1/2?", grade=4)
OTHER = TutorItem(prompt="Can you help me compare decimals?", grade=5)


@pytest.mark.parametrize("text", [
    "0.25 is bigger than 0.3 because 25 is more than 3.",
    "Remember that 2/3 is less than 1/2.",
    "So -7 > -2 on the number line.",
    "We know 40% is greater than 1/2.",
    "It's true that 1.5 <= 1.25.",
])
def test_false_comparisons(text):
    found = wrong_comparison(text, OTHER)
    assert found is not None and found.detector == "wrong_comparison", text


@pytest.mark.parametrize("text", [
    "0.3 is bigger than 0.25: compare tenths first.",
    "Is 0.25 bigger than 0.3? Let's check the tenths.",
    "If 2/3 is less than 1/2, then ... let's test that.",
    "You said 0.25 is bigger than 0.3. Look at the tenths place.",
    "Notice that 60% > 1/2.",
    "Let's compare: which one is closer to 1?",
])
def test_true_or_unasserted_comparisons_pass(text):
    assert wrong_comparison(text, OTHER) is None, text


@pytest.mark.parametrize("text, wrong", [
    ("No, 3/5 is not bigger. Try making tenths.", True),
    ("Nope! Think about halves.", True),
    ("Yes! Can you say why?", False),
    ("Let's compare them with tenths. What is 3/5 in tenths?", False),
])
def test_the_opening_yes_or_no_of_a_comparison_question(text, wrong):
    assert (wrong_comparison(text, ASKED) is not None) is wrong
