"""The verified fallback (issue 14): short, true, never the answer, never the student's mistake as right.

Every item of the tutoring benchmark and the probe set is checked in tutor mode (the
numbers are read here with brain.mathcheck, independently of the fallback's own guard),
and in explain mode (the answer is stated); a few hand-picked items pin exact wording.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import sympy as sp

from brain import readability
from brain.mathcheck import NotCheckable, parse_answer, parse_math, parse_number, same_value
from brain.schemas import Accommodation
from brain.quality.fallback import build, fallback, false_claims, next_step, slip

DATA = Path(__file__).resolve().parents[2] / "brain" / "quality" / "data"
ITEMS = [json.loads(line) for name in ("tutor_bench.jsonl", "probes.jsonl")
         for line in (DATA / name).read_text().splitlines() if line.strip()]
IDS = [item["id"] for item in ITEMS]
MATH = [i for i in ITEMS if i["subject"] == "math"]

ENDORSE = re.compile(r"\b(?:that's|that is|you're|you are|it's|it is) (?:right|correct)\b|\bgood job\b|"
                     r"\bgreat job\b|\bwell done\b|\byou got it\b|^\s*yes\b|\bcorrect!", re.I)


def values(text: str) -> list[sp.Expr]:
    """Every number the text shows ('-5' and '3 - 5' both count as 5 and -5; '10%' as 10 and 1/10)."""
    out = []
    for m in re.finditer(r"(?<![\w.])(-\s?)?\$?(\d+(?:\.\d+)?(?:/\d+)?)(%?)", text):
        value, _ = parse_number(m.group(2))
        out += [value, -value] if m.group(1) else [value]
        if m.group(3):
            out.append(value / 100)
    return out


def answer_values(item: dict) -> list[sp.Expr]:
    out = []
    for form in [item["answer"], *item.get("accept", [])]:
        try:
            out += [v for it in parse_answer(form).items for v, _ in it.values]
        except NotCheckable:
            pass
    return out


def claims_true(text: str) -> bool:
    """Each 'a op b = c' (and chains a = b = c) in the text holds under sympy."""
    side = r"[\d\s.()/+\-×÷^]*\d[\d\s.()/+\-×÷^]*"
    for chain in re.finditer(rf"{side}(?:={side})+", text):
        sides = [parse_math(s.replace("×", "*").replace("÷", "/").strip().rstrip(".")) for s in
                 chain.group(0).split("=")]
        if not all(same_value(a, b) for a, b in zip(sides, sides[1:])):
            return False
    return True


def has_phrase(text: str, phrase: str) -> bool:
    phrase = phrase.strip().rstrip(".")
    return bool(re.search(r"\w", phrase)) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I) is not None


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])[\"”')]*\s+(?=[A-Z\"'(])", text.strip()) if s]


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_tutor_fallback_is_short_true_and_never_the_answer(item):
    text = fallback(item, "tutor")
    assert text.strip()
    assert len(sentences(text)) <= 3, text
    assert len(text.split()) <= 60, text
    assert not ENDORSE.search(text), text
    assert "student" not in text.lower(), text
    assert claims_true(text), text
    words = readability.words(text)
    if len(words) >= 20:  # within the student's reading band (serving's rule: grade + 3)
        assert readability.fk_grade(words, len(sentences(text))) <= max(item["grade"], 2) + 3, text
    sa = item.get("student_answer")
    if item["subject"] == "math":
        stated = values(text)
        assert not any(same_value(v, a) for v in stated for a in answer_values(item)), text
        if sa:
            shown = values(item["prompt"])
            quoted = 1 if sa in item["prompt"] else 0
            for s in [v for it in parse_answer(sa).items for v, _ in it.values]:
                if any(same_value(v, s) for v in stated):  # only where the problem itself shows it
                    assert sum(same_value(v, s) for v in shown) > quoted, text
    else:
        for form in [item["answer"], *item.get("accept", [])]:
            assert not has_phrase(text, form), (form, text)
        if sa and (len(sa) > 3 or " " in sa):
            assert not has_phrase(text, sa), (sa, text)
    if sa:
        assert re.search(r"isn't right yet|not quite yet", text, re.I), text


@pytest.mark.parametrize("item", ITEMS, ids=IDS)
def test_explain_fallback_states_the_answer(item):
    text = fallback(item, "explain")
    assert len(sentences(text)) <= 3 and len(text.split()) <= 60, text
    assert claims_true(text), text
    assert not ENDORSE.search(text), text
    if item["subject"] == "math":
        assert any(same_value(v, a) for v in values(text) for a in answer_values(item)), text
    else:
        assert any(has_phrase(text, f) for f in [item["answer"], *item.get("accept", [])]), text


def test_most_math_items_get_a_derived_step():
    kinds = [build(i, "tutor").kind for i in MATH]
    assert kinds.count("step") >= 0.9 * len(kinds)


def _math(prompt, answer=None, **kw):
    return {"subject": "math", "grade": kw.pop("grade", 5), "prompt": prompt, "answer": answer, **kw}


@pytest.mark.parametrize("prompt,answer,expected", [
    ("What is 3/4 + 1/8?", "7/8", "What common denominator could 4 and 8 share?"),
    ("What is 7 × 8?", "56", "Try 7 × 4 first, then double it. What do you get?"),
    ("Solve x + 5 = 12.", "7", "What could you do to both sides to undo the + 5?"),
    ("What is 15% of 80?", "12", "What is 10% of 80? Use it to build up to 15%."),
    ("What is 48 - 12 + 2?", "38", "Work from left to right. What is 48 - 12?"),
    ("What is 12 + 3 × 4?", "24", "Multiply before you add or subtract. What is 3 × 4?"),
    ("What is -4 × (3 - 8)?", "20", "Start inside the parentheses. What is 3 - 8?"),
    ("What is the area of a rectangle that is 8 ft long and 3 ft wide?", "24",
     "Which two lengths do you multiply for a rectangle's area?"),
])
def test_hand_picked_steps(prompt, answer, expected):
    assert fallback(_math(prompt, answer), "tutor") == expected


def test_a_step_that_would_state_the_answer_is_not_used():
    # undoing "+ 5" names 5, the answer: the step names no number then
    text = fallback(_math("Solve x + 5 = 10.", "5", grade=6), "tutor")
    assert "5" not in text and "on the x side" in text
    # 10% of 80 is the answer itself: asked, never stated
    assert "8" not in re.sub(r"80", "", fallback(_math("What is 10% of 80?", "8"), "tutor"))


def test_misconception_is_named_not_repeated():
    item = _math("I got 2/6 for 1/3 + 1/3. Can you help?", "2/3", grade=4, student_answer="2/6",
                 misconception="adds the numerators and also adds the denominators")
    text = fallback(item, "tutor")
    assert text.startswith("Not quite yet: a common slip is to add the numerators and also add the denominators.")
    assert "2/6" not in text and "1/3" not in text.replace("1/3 + 1/3", "")
    assert slip("doesn't know that 'yes' needs a comma") == "a common slip is to not know that 'yes' needs a comma"
    assert slip("The student adds the tops") is None


def test_adhd_gets_one_step_without_the_extra_sentence():
    item = _math("I got 2/6 for 1/3 + 1/3. Can you help?", "2/3", grade=4, student_answer="2/6",
                 misconception="adds the numerators and also adds the denominators", accommodations=["adhd"])
    text = fallback(item, "tutor")
    assert text.startswith("That answer isn't right yet.") and "slip" not in text


def test_ela_hint_guides_without_the_word():
    item = {"subject": "ela", "topic": "plurals", "grade": 2, "prompt": "What is the plural of mouse?",
            "answer": "mice", "accept": []}
    assert fallback(item, "tutor") == ("Mouse is one of the special nouns that change their vowel in the plural. "
                                       "What word do you say for more than one?")
    assert "mice" in fallback(item, "explain")


def test_explain_shows_the_worked_steps():
    text = fallback(_math("Can you explain 3/4 + 1/8?", "7/8"), "explain")
    assert text.endswith("Worked out, 3/4 + 1/8 = 6/8 + 1/8 = 7/8.")
    text = fallback(_math("How do I solve 2x - 14 = 8?", "11", grade=7), "explain")
    assert text.endswith("Worked out, 2x = 22, so x = 11.")


def test_unknown_answer_gets_a_step_or_a_generic_question():
    # a request with math but no known answer: the problem is solved here, and its answer kept out
    item = _math("How do I solve 2x + 3 = 11?", grade=7)
    text = fallback(item, "tutor")
    assert text == "What could you do to both sides to undo the + 3?" and "4" not in text
    assert next_step(item) == text
    assert fallback(_math("Can you help me with my homework?"), "tutor") == \
        "What is the question asking you to find? What do you know already?"
    assert build({"subject": "ela", "grade": 4, "prompt": "What is a theme?"}, "tutor").kind == "generic"
    assert fallback({"subject": "science", "grade": 4, "prompt": "Why is the sky blue?"}, "tutor").endswith("?")


def test_items_as_objects_and_next_step():
    item = SimpleNamespace(subject="math", topic="fractions", grade=5, accommodations=[], mode="tutor",
                           prompt="What is 3/4 + 1/8?", answer="7/8", accept=["0.875"], variable=None, unit=None,
                           student_answer=None, misconception=None)
    assert next_step(item) == "What common denominator could 4 and 8 share?"
    assert next_step({"subject": "ela", "grade": 3, "prompt": "What is the plural of man?", "answer": "men"}) is None


def test_false_claims_are_found():
    assert false_claims("7 × 8 = 54, so keep going.") == ["7 × 8 = 54,"[:-1]]
    assert false_claims("3/4 + 1/8 = 6/8 + 1/8 = 7/8.") == []


def test_accommodations_as_enums_and_odd_prompts():
    item = SimpleNamespace(subject="math", grade=4, prompt="I got 2/6 for 1/3 + 1/3.", answer="2/3",
                           student_answer="2/6", misconception="adds the numerators and also adds the denominators",
                           accommodations=[Accommodation.adhd])
    assert fallback(item, "tutor").startswith("That answer isn't right yet.")
    generic = "What is the question asking you to find? What do you know already?"
    for prompt in ["", "1/0 + 2", "What is 2^999?", "Solve x^2 = 4", "Solve 2x + 3y = 7", "((((1+2",
                   "What is 7 / 0?", "Solve 0x = 5", "x = 5", "What is 3.5.6 + 2?", "what is five plus six"]:
        assert fallback(_math(prompt), "tutor") == generic, prompt
    assert fallback(_math("a" * 5000 + " 3 + 4", grade=1), "tutor") == "Start at 3 and count on 4. Where do you land?"
