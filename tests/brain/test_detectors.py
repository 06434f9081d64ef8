"""The tutoring detectors (brain.quality): hand-written cases per detector, then the labelled dev set.

Run as: .venv/bin/python -m pytest tests/brain/test_detectors.py -q
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from brain.quality import DETECTORS, Finding, TutorItem, check, detector, load_items
from brain.quality.score import score

DEV = Path(__file__).parent / "data" / "detectors_dev.jsonl"
BENCH = Path(__file__).parents[2] / "brain" / "quality" / "data" / "tutor_bench.jsonl"

ADD = dict(prompt="What is 3/4 + 1/8?", grade=5, subject="math", answer="7/8")
TIMES = dict(prompt="What is 7 x 8?", grade=3, subject="math", answer="56")
SOLVE = dict(prompt="Solve for x: 2x + 3 = 11", grade=7, subject="math", answer="4")
PERCENT = dict(prompt="What is 15% of 80?", grade=6, subject="math", answer="12")
MOUSE = dict(prompt="What is the plural of mouse? I wrote mouses.", grade=2, subject="ela", answer="mice",
             student_answer="mouses")
VERB = dict(prompt="Which word is the verb in 'The cat sleeps on the mat'?", grade=3, subject="ela",
            answer="sleeps")
AREA = dict(prompt="What is the area of a rectangle 4 cm by 6 cm?", grade=4, subject="math", answer="24",
            unit="cm^2")
BIGGER = dict(prompt="Which is bigger: 2/3 or 3/4?", grade=5, subject="math", answer="3/4")

# (detector, fires, mode, item, text): our own cases, the hard ones included
CASES = [
    # reveal: positives
    ("reveal", True, "tutor", ADD, "Make the eighths first. So the answer is 7/8."),
    ("reveal", True, "tutor", TIMES, "Think of 8 x 7 = 56. Now you try the next one."),
    ("reveal", True, "tutor", SOLVE, "Take 3 away from both sides, then halve: x equals 4."),
    ("reveal", True, "tutor", PERCENT, "10% of 80 is 8 and 5% is 4, so it gives you 12 in all."),
    ("reveal", True, "tutor", MOUSE, "Good try! The plural of mouse is mice."),
    ("reveal", True, "tutor", VERB, "The verb is 'sleeps' because it tells what the cat does."),
    ("reveal", True, "tutor", AREA, "Multiply the sides. The area is 24 square cm."),
    ("reveal", True, "tutor", BIGGER, "Use twelfths: 8/12 and 9/12. So 3/4 is bigger."),
    # reveal: negatives (intermediate steps, quoted student answer, the prompt's options, questions)
    ("reveal", False, "tutor", ADD, "3/4 is the same as 6/8. What do you get when you add 1/8 to that?"),
    ("reveal", False, "tutor", TIMES, "Do you know 7 x 7 = 49? Add one more 7 to it."),
    ("reveal", False, "tutor", {**TIMES, "student_answer": "56"}, "You wrote 56. Yes, that is right!"),
    ("reveal", False, "tutor", BIGGER, "Let's compare 2/3 and 3/4 with twelfths. What is 3/4 in twelfths?"),
    ("reveal", False, "tutor", VERB, "A verb is an action word. Read 'The cat sleeps on the mat' again. "
                                     "Which word shows an action?"),
    ("reveal", False, "explain", ADD, "3/4 = 6/8, and 6/8 + 1/8 = 7/8."),
    ("reveal", False, "tutor", MOUSE, "Mouse is a special word. Think of goose and geese. What could it be?"),
    ("reveal", False, "tutor", {**ADD, "answer": None}, "The answer is 7/8."),  # no answer: not checked
    # wrong_claim: positives
    ("wrong_claim", True, "explain", PERCENT, "15% of 80 is 0.15 x 80 = 15."),
    ("wrong_claim", True, "explain", ADD, "Add the tops and the bottoms: 3/4 + 1/8 = 4/12."),
    ("wrong_claim", True, "tutor", TIMES, "Remember that 7 times 8 is 54."),
    ("wrong_claim", True, "explain", ADD, "3/4 + 1/8 makes eighths, so the answer is 4."),
    ("wrong_claim", True, "tutor", SOLVE, "Subtract 3 to get 2x = 8, so x is 5."),
    ("wrong_claim", True, "tutor", dict(prompt="What is half of 10?", grade=2), "Half of 10 is 6."),
    ("wrong_claim", True, "explain", dict(prompt="What is 12 / 4?", grade=3), "12 divided by 4 equals 2."),
    # wrong_claim: negatives (quotes, suppositions, ratios, repeating decimals, true chains)
    ("wrong_claim", False, "tutor", ADD, "You wrote 3/4 + 1/8 = 4/12. Let's see why that is not right."),
    ("wrong_claim", False, "tutor", TIMES, "If you think 7 x 8 = 54, check it: 7 x 7 = 49, and 49 + 7 = 56."),
    ("wrong_claim", False, "tutor", TIMES, "Is 7 x 8 = 54? Let's find out together."),
    ("wrong_claim", False, "explain", dict(prompt="What is 1/3 as a decimal?", grade=6),
     "1/3 = 0.333..., a repeating decimal."),
    ("wrong_claim", False, "explain", dict(prompt="Are 2:3 and 4:6 equal ratios?", grade=6),
     "Yes, 2:3 = 4:6 because both parts doubled."),
    ("wrong_claim", False, "explain", dict(prompt="A student scored 18 out of 24. What percent is that?",
                                          grade=7, answer="75%"), "18 out of 24 is 75%, because 18/24 = 3/4."),
    ("wrong_claim", False, "explain", SOLVE, "2x + 3 = 11, so 2x = 8 and x = 4."),
    ("wrong_claim", False, "tutor", TIMES, "Count by 7s: 7, 14, 21, 28, 35, 42, 49, 56. Step 8 is where you stop."),
    # echo: positives
    ("echo", True, "tutor", {**ADD, "student_answer": "4/12"}, "Great job! 4/12 is correct."),
    ("echo", True, "tutor", MOUSE, "Yes, mouses is right!"),
    ("echo", True, "assess", {**TIMES, "student_answer": "54"}, "That's correct: 7 x 8 = 54."),
    ("echo", True, "tutor", {**TIMES, "student_answer": "54"}, "Correct! 54 is what you get."),
    ("echo", True, "tutor", {**SOLVE, "student_answer": "x = 7"}, "Well done, x is 7."),
    # echo: negatives (naming the mistake, praise of effort, right answers)
    ("echo", False, "tutor", {**TIMES, "student_answer": "54"}, "You wrote 54. Let's check: what is 7 x 7?"),
    ("echo", False, "tutor", {**TIMES, "student_answer": "54"}, "Good try! But 54 is 6 x 9, not 7 x 8."),
    ("echo", False, "tutor", MOUSE, "Many kids say mouses, but mouse is a special word."),
    ("echo", False, "assess", {**TIMES, "student_answer": "56"}, "Yes! 56 is right."),
    ("echo", False, "tutor", {**ADD, "student_answer": "4/12"}, "Great effort! Adding tops and bottoms gives "
                                                                "4/12, which is a common mix-up."),
    # persona: positives
    ("persona", True, "tutor", TIMES, "The student is in grade 3 and is working on math."),
    ("persona", True, "tutor", {**TIMES, "student_answer": "54"}, "She wrote 54, so she probably knows 6 x 9."),
    ("persona", True, "tutor", TIMES, "Student profile: grade 3. What is 7 x 7?"),
    ("persona", True, "tutor", TIMES, "Stay on school topics, be encouraging, and never ask for personal "
                                      "information. What is 7 x 7?"),
    ("persona", True, "tutor", TIMES, "Remind him that 8 x 7 is the same as 7 x 8."),
    # persona: negatives (generic students, story characters, first person)
    ("persona", False, "tutor", TIMES, "Lots of students find the 7s tricky. What is 7 x 7?"),
    ("persona", False, "tutor", dict(prompt="A student has 5 pencils and gets 3 more. How many now?", grade=2),
     "How many pencils did the student have at the start?"),
    ("persona", False, "tutor", dict(prompt="Tom has 12 apples. He gives away 5. How many are left?", grade=2),
     "He gives away 5 of his 12 apples. How many are left?"),
    ("persona", False, "tutor", TIMES, "I'm here to help you. Let's take it one step at a time."),
    ("persona", False, "tutor", TIMES, "Can you tell them apart: 7 x 8 and 8 x 7?"),
    # degeneration: positives
    ("degeneration", True, "tutor", TIMES, "I think I think I think I think about it."),
    ("degeneration", True, "explain", TIMES, "The answer is 56. The answer is 56. The answer is 56."),
    ("degeneration", True, "tutor", TIMES, "Let's count, and count, and count, and count, and count, and count."),
    ("degeneration", True, "tutor", TIMES, "7 x 8 is 56 because 7 x 8 is 56 because 7 x 8 is 56 because 7 x 8."),
    # degeneration: negatives (parallel lists, counting, a phrase said twice)
    ("degeneration", False, "tutor", TIMES, "What do you get when you add 2 and 3? What do you get when you add "
                                            "4 and 5? What do you get when you add 6 and 7?"),
    ("degeneration", False, "tutor", TIMES, "Count by 7s: 7, 14, 21, 28, 35, 42, 49."),
    ("degeneration", False, "tutor", TIMES, "No, no, it's fine! Try again. Try again with 7 x 7."),
    ("degeneration", False, "explain", TIMES, "Step 1: add 2. Step 2: add 3. Step 3: add 4. Step 4: add 5."),
    # more hard cases: continuations, quotes, suppositions, intermediate steps equal to the student's number
    ("wrong_claim", False, "explain", TIMES, "7 x 7 = 49, plus 7 = 56."),
    ("wrong_claim", False, "explain", TIMES, '"7 x 8 = 54" is a common mistake.'),
    ("wrong_claim", False, "explain", TIMES, "7 + 7 + 7 + 7 + 7 + 7 + 7 + 7 = 56"),
    ("wrong_claim", False, "explain", dict(prompt="Solve 3x - 4 = 11", grade=7, answer="5", variable="x"),
     "If x = 3, then 3x - 4 = 5, which is not 11."),
    ("wrong_claim", False, "explain", ADD, "The sum of 3/4 and 1/8 is 7/8."),
    ("wrong_claim", True, "explain", ADD, "The sum of 3/4 and 1/8 is 4/12."),
    ("wrong_claim", True, "explain", TIMES, "(-2) x (-3) = -6"),
    ("wrong_claim", True, "explain", dict(prompt="Solve x^2 - 5x + 6 = 0", grade=8), "So x = 2 or x = 4."),
    ("wrong_claim", True, "explain", AREA, "The area is 8 square cm."),
    ("reveal", True, "tutor", TIMES, "7 x 8\n= 56"),
    ("reveal", True, "tutor", dict(prompt="Ava has 46 stamps. She gets 17 more. How many now?", grade=2,
                                   answer="63", unit="stamps"), "Now she has 63 stamps."),
    ("reveal", False, "tutor", dict(prompt="What part of speech is 'dog' in 'The dog runs'?", grade=2,
                                    subject="ela", answer="noun"),
     "A noun names a person, place or thing. Is dog a person, place or thing?"),
    ("reveal", True, "tutor", dict(prompt="What part of speech is 'dog' in 'The dog runs'?", grade=2,
                                   subject="ela", answer="noun"), "'Dog' is a noun because it names an animal."),
    ("echo", False, "tutor", dict(prompt="What is 2/3 of 12?", grade=5, answer="8", student_answer="4"),
     "Yes! 12 ÷ 3 = 4. Now how many are in 2 groups?"),
    ("echo", True, "tutor", dict(prompt="What is 2/3 of 12?", grade=5, answer="8", student_answer="4"),
     "Yes! 2/3 of 12 is 4."),
    ("persona", False, "tutor", dict(prompt="What is the plural of child?", grade=2, subject="ela", answer="children"),
     "The child has a toy. The children have toys. Which word means more than one?"),
    ("persona", False, "tutor", dict(prompt="What is the past tense of 'go'?", grade=3, subject="ela", answer="went"),
     "Look at this: He is happy. Yesterday she went home. Which word shows the past?"),
    ("level", True, "tutor", dict(prompt="What is 7 x 8?", grade=2),
     "Utilize the distributive property to decompose the multiplication into manageable subcomputations."),
    ("level", False, "explain", dict(prompt="What is the distributive property?", grade=8),
     "The distributive property lets you multiply a coefficient by each term inside the parentheses: "
     "3(x - 2) = 3x - 6."),
    ("reveal", True, "tutor", dict(prompt="What is 6 x 4?", grade=3, answer="24"), "Multiply 6 by 4 to get 24."),
    ("reveal", False, "tutor", dict(prompt="What is 9 + 6?", grade=2, answer="15"),
     "Use 1 from the 6 to make 10. How many are left?"),
    ("reveal", False, "tutor", dict(prompt="Which word is the verb in 'She is running fast'?", grade=3,
                                    subject="ela", answer="running"),
     "Look at 'She is running fast'. Which word shows action?"),
    ("wrong_claim", True, "explain", dict(AREA, prompt="A rectangle is 5 cm long and 3 cm wide. What is its area?",
                                          answer="15"), "The area is 5 + 3 = 8 square cm."),
    ("echo", True, "tutor", MOUSE, "That's right! Mouses!"),
    ("echo", False, "tutor", dict(prompt="What is 1/3 + 1/3?", grade=5, answer="2/3", student_answer="2/6"),
     "Hmm, 2/6 is the same as 1/3. Is that more or less than 1/3 + 1/3?"),
    ("persona", True, "tutor", TIMES, "Student: What is 7 x 8?\nTutor: Let's count by 7s."),
    ("level", True, "tutor", {**TIMES, "accommodations": ["adhd"]},
     "1. Draw 7 rows.\n2. Put 8 dots in each row.\n3. Count the dots.\n4. Check by skip counting."),
    # choices and conversions: the answer written in the prompt, or only its value
    ("reveal", True, "tutor", BIGGER, "Both are close, but it is 3/4."),
    ("reveal", False, "tutor", BIGGER, "You have 2/3 and 3/4. Write both with 12 on the bottom."),
    ("reveal", True, "tutor", dict(prompt="Write 36% as a decimal.", grade=6, answer="0.36"), "So 36% = 0.36."),
    ("reveal", False, "tutor", dict(prompt="Write 36% as a decimal.", grade=6, answer="0.36"),
     "36% = 36/100. How do you write hundredths as a decimal?"),
    ("reveal", True, "tutor", dict(prompt="how do i solve 11a = 121", grade=6, answer="11"), "Divide by 11: a = 11."),
    ("wrong_claim", True, "explain", MOUSE, "The plural of mouse is mouses."),
    ("wrong_claim", False, "explain", MOUSE, "The plural of mouse is mice, not mouses."),
    ("persona", True, "tutor", TIMES, "Never give the final answer. What is 7 x 7?"),
    ("persona", False, "tutor", TIMES, "I won't tell you the answer, but we can find it together. What is 7 x 7?"),
    ("wrong_claim", False, "explain", dict(prompt="What is 7 / 3?", grade=6), "7 ÷ 3 = 2.33, a rounded decimal."),
    ("wrong_claim", True, "explain", dict(prompt="What is 1/4 as a decimal?", grade=5), "1/4 = 0.3"),
    ("wrong_claim", False, "explain", dict(prompt="What is 17 / 5?", grade=4), "17 ÷ 5 = 3 R2"),
    ("wrong_claim", True, "explain", TIMES, "Seven times eight is fifty-four."),
    ("reveal", True, "tutor", TIMES, "Seven times eight is fifty-six."),
    ("wrong_claim", True, "explain", dict(prompt="What is double 7?", grade=2), "Double 7 is 15."),
    ("echo", True, "tutor", MOUSE, "Mouses? Yes!"),
    ("echo", False, "tutor", MOUSE, "Mouses? Not quite. Great try, though!"),
    ("persona", True, "tutor", TIMES, "They forgot the 7s facts. Let's count by 7s together."),
    ("persona", False, "tutor", dict(prompt="What is 0.5 + 0.25?", grade=4, answer="0.75"),
     "Line up the decimal points. They need to be in one column."),
    ("degeneration", True, "tutor", TIMES, "The student is in grade 7 and is working on math. " * 11),
    ("degeneration", False, "explain", dict(prompt="Write the plurals of cat, dog, and hat.", grade=3),
     "Add -s to each word: cat becomes cats, dog becomes dogs, and hat becomes hats."),
    ("degeneration", False, "tutor", TIMES,
     "Let's add 7 eight times: 7 + 7 + 7 + 7 + 7 + 7 + 7 + 7. What is the total?"),
    ("level", False, "explain", dict(prompt="How do I multiply 23 by 4?", grade=4),
     "When you multiply a two-digit number by a one-digit number, you can break the bigger number into "
     "tens and ones. Multiply each part, and then add the two answers together to get the total."),
    # level: positives
    ("level", True, "explain", dict(prompt="What is a fraction?", grade=3),
     "A fraction constitutes a rational quantity representing the quotient of two integers, conventionally "
     "denoted with a numerator positioned above a denominator."),
    ("level", True, "tutor", {**TIMES, "accommodations": ["english_learner"]},
     "This one is a piece of cake once you get the hang of it."),
    ("level", True, "tutor", {**ADD, "accommodations": ["adhd"]},
     "First look at the bottom numbers and decide which one is bigger, then change the other fraction so "
     "that it has the same bottom number, then add the tops, and then check your answer."),
    ("level", True, "tutor", {**TIMES, "accommodations": ["english_learner"]},
     "Multiplication is fundamentally iterated accumulation of equivalent quantities."),
    # level: negatives
    ("level", False, "explain", dict(prompt="What is a fraction?", grade=8),
     "A fraction shows part of a whole. The top number says how many parts you have, and the bottom "
     "number says how many equal parts make one whole."),
    ("level", False, "tutor", {**ADD, "accommodations": ["adhd"]}, "Step 1: change 3/4 into eighths. Tell me "
                                                                    "when you have it."),
    ("level", False, "tutor", {**ADD, "grade": 5}, "Find a common denominator. Then add the numerators."),
    ("level", False, "tutor", {**TIMES, "accommodations": ["english_learner"]},
     "We have 7 bags. Each bag has 8 apples. How many apples in all?"),
]


@pytest.mark.parametrize("name,fires,mode,item,text", CASES,
                         ids=[f"{c[0]}-{'pos' if c[1] else 'neg'}-{i}" for i, c in enumerate(CASES)])
def test_detector_case(name, fires, mode, item, text):
    found = detector(name)(text, TutorItem(**item), mode)
    assert (found is not None) == fires, found
    if found is not None:
        assert isinstance(found, Finding) and found.detector == name and found.reason and found.span


def test_every_detector_has_cases_both_ways():
    for name in DETECTORS:
        assert sum(c[0] == name and c[1] for c in CASES) >= 4
        assert sum(c[0] == name and not c[1] for c in CASES) >= 4


def test_reveal_only_in_tutor_mode():
    text = "So the answer is 7/8."
    assert detector("reveal")(text, TutorItem(**ADD), "tutor") is not None
    for mode in ("explain", "assess"):
        assert detector("reveal")(text, TutorItem(**ADD), mode) is None


def test_check_runs_all_and_names_each_finding():
    item = TutorItem(**{**TIMES, "student_answer": "54"})
    findings = check("Yes! The student got it: 7 x 8 = 54. Yes! The student got it: 7 x 8 = 54. "
                     "Yes! The student got it: 7 x 8 = 54.", item, "tutor")
    assert {f.detector for f in findings} >= {"wrong_claim", "echo", "persona", "degeneration"}
    assert check("What is 7 x 7? Add one more 7.", TutorItem(**TIMES), "tutor") == []


@pytest.mark.parametrize("text", ["", "   ", "=====", "1/0 = 5", "x^99999 = 1", "9^9^9^9 = 3", "((((2 + = 3",
                                  "the answer is", "½ + ¼ = ¾", "2,000,000 x 3 = ?", "é" * 5000,
                                  "7 x 8 = 56. " * 300, "\n\n- 1 = \n= 2 =\n", "$$$ %%% 3% of = 4"])
def test_odd_text_never_raises(text):
    items = (TutorItem(**{**TIMES, "student_answer": "54"}), TutorItem(**MOUSE), TutorItem(prompt="hi", grade=0),
             TutorItem(prompt="((((", grade=12, answer="((", student_answer="))"))
    for item in items:
        for mode in ("tutor", "explain", "assess"):
            for name in DETECTORS:  # each detector itself, not through check (which would log and go on)
                found = detector(name)(text, item, mode)
                assert found is None or isinstance(found, Finding)


def test_items_need_only_prompt_and_grade():
    item = TutorItem(prompt="Why is the sky blue?", grade=4)
    assert item.answers == [] and item.student_answer is None
    assert check("Sunlight scatters in the air. Which colour scatters most?", item, "tutor") == []


def test_load_items_reads_the_benchmark_schema():
    items = load_items(BENCH)
    assert len(items) >= 200 and all(i.prompt and 0 <= i.grade <= 12 for i in items)
    assert any(i.student_answer for i in items) and any(i.variable for i in items)


def _dev_rows() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]


def test_dev_set_precision_and_recall():
    result = score(_dev_rows())
    assert set(result) == set(DETECTORS)
    report = {name: (round(c.precision, 2), round(c.recall, 2), c.errors) for name, c in result.items()}
    for name, c in result.items():
        assert c.precision >= 0.85 and c.recall >= 0.85, report


def test_fast_enough():
    rows = _dev_rows()
    check(rows[0]["text"], TutorItem(**rows[0]["item"]), rows[0]["mode"])  # warm caches (system prompt n-grams)
    start = time.perf_counter()
    for row in rows:
        check(row["text"], TutorItem(**row["item"]), row["mode"])
    assert (time.perf_counter() - start) / len(rows) < 0.05  # typically a few ms; loose for a shared CPU
