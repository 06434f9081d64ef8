"""Mode checks on generated text: the tutor never gives the answer away, lessons have their shape,
explanations fit the student's reading level."""

import pytest

from brain.schemas import GenerationContext, Mode, StudentProfile
from serving.modes import check_output
from serving.text_checks import find_standard, readability_grade
from serving.tutor_problem import solve_problem

P4 = StudentProfile(student_id="stu-1", grade=4)


@pytest.mark.parametrize("prompt, answers", [
    ("What is 3/4 + 1/8?", ["7/8"]),
    ("Solve 2x+3=11", ["4"]),
    ("solve for x: 2x + 3 = 11", ["4"]),
    ("What is 20% of 50?", ["10"]),
    ("What is 3/4 of 12?", ["9"]),
    ("What is 7 times 8?", ["56"]),
    ("What is 12 divided by 4?", ["3"]),
    ("What is 6/8 in simplest form?", ["3/4"]),
    ("x^2 - 5x + 6 = 0, find x", ["2", "3"]),
    ("If x = 3, what is 2x + 1?", ["7"]),
    ("Simplify 2x + 3x", ["5*x"]),
    ("Factor x^2 + 3x + 2", ["(x + 1)*(x + 2)"]),
])
def test_the_students_problem_is_solved(prompt, answers):
    problem = solve_problem(prompt)
    assert problem is not None and sorted(str(a) for a in problem.answers) == answers


@pytest.mark.parametrize("prompt", ["What is photosynthesis?", "Sam has 3 apples and gets 4 more. How many?",
                                    "What is 3/4?", "Explain the water cycle"])
def test_no_checkable_problem_means_no_tutor_check(prompt):
    assert solve_problem(prompt) is None
    assert check_output(Mode.tutor, prompt, "The answer is 7.", P4).ok


@pytest.mark.parametrize("prompt, output, kept", [
    ("What is 3/4 + 1/8?", "First make eighths: 3/4 = 6/8. Then 6/8 + 1/8 = 7/8. Great job!",
     "First make eighths: 3/4 = 6/8. "),
    ("What is 3/4 + 1/8?", "Think in eighths. The answer is 0.875.", "Think in eighths. "),
    ("What is 3/4 + 1/8?", "Think in eighths. Do you get 7/8?", "Think in eighths. "),
    ("Solve 2x+3=11", "We have 2x + 3 = 11. Subtract 3 to get 2x = 8. So x = 4.", "We have 2x + 3 = 11. "),
    ("Simplify 2x + 3x", "2x + 3x means two x's and three x's. Together that is 5x.",
     "2x + 3x means two x's and three x's. "),
    ("What is 45 - 17?", "Take 10 from 45. That leaves 35. Then take away 7 more: 28", "Take 10 from 45. "),
])
def test_tutor_output_that_gives_the_answer_is_redacted(prompt, output, kept):
    check = check_output("tutor", prompt, output, P4)
    assert not check.ok and len(check.problems) >= 1
    assert check.fixed_text.startswith(kept)  # sentences before it stay verbatim (streaming relies on it)
    assert "?" in check.fixed_text[len(kept):]
    answer = str(solve_problem(prompt).answers[0])
    assert all(answer not in p for p in check.problems)  # the problems never repeat the answer
    assert not check_output("tutor", prompt, check.fixed_text, P4).problems


@pytest.mark.parametrize("prompt, output", [
    ("What is 3/4 + 1/8?", "First make eighths: 3/4 = 6/8. Now add 1/8. What do you get?"),
    ("Solve 2x+3=11", "We have 2x + 3 = 11. Subtract 3 from both sides. What is left?"),
    ("Solve 2x + 3 = 11", "Step 1: subtract 3 from both sides. Step 2: divide both sides by 2. There are 2 steps."),
    ("Simplify 2x + 3x", "2x + 3x means two x's and three x's. How many x's in all?"),
    ("What is 9 + 6?", "Start at 9 and count 6 more. What number do you land on?"),
])
def test_socratic_tutor_output_passes(prompt, output):
    check = check_output(Mode.tutor, prompt, output, GenerationContext(student_id="s", grade=3))
    assert check.ok and check.fixed_text == output, check.problems


def test_lesson_missing_parts_are_added_from_the_template():
    prompt = "Write a lesson plan for 3.NF.A.1 on unit fractions"
    assert find_standard(prompt) == "3.NF.A.1"
    check = check_output(Mode.lesson, prompt, "Cut a paper strip into four equal parts.", P4)
    assert not check.ok and len(check.problems) == 4
    text = check.fixed_text
    assert text.startswith("Standard: 3.NF.A.1\nObjective: Students will understand and practice unit fractions.")
    assert "Cut a paper strip into four equal parts." in text
    assert "Activities:" in text and "Check for understanding:" in text
    assert check_output(Mode.lesson, prompt, text, P4).ok


def test_a_complete_lesson_passes_and_the_standard_may_be_passed_in():
    plan = ("Standard: 5-PS1-1\nObjective: Students will model matter as tiny particles.\n"
            "1. Warm-up: inflate a balloon.\n2. Guided practice: draw particles.\n"
            "Exit ticket: explain why the balloon got bigger.")
    assert check_output(Mode.lesson, "Plan a lesson on matter", plan, None, standard="5-PS1-1").ok
    wrong = check_output(Mode.lesson, "Plan a lesson on matter", plan, None, standard="MS-PS1-4")
    assert not wrong.ok and wrong.fixed_text.startswith("Standard: MS-PS1-4")


@pytest.mark.parametrize("code", ["3.NF.A.1", "K.CC.A.1", "6.RP.A.3a", "HSA-REI.B.3", "RL.3.1", "MS-LS1-6",
                                  "CCSS.MATH.CONTENT.4.OA.A.1"])
def test_standard_codes_are_recognised(code):
    assert find_standard(f"Make a lesson for {code} please") == code


def test_explanations_fit_the_reading_level():
    simple = "Plants make food from light. They use water and air too. The food helps them grow."
    hard = ("Photosynthesis is the biochemical process through which chlorophyll-containing organisms convert "
            "electromagnetic radiation into chemical energy, synthesizing carbohydrates from atmospheric carbon "
            "dioxide and water while liberating molecular oxygen.")
    second = GenerationContext(student_id="s", grade=2)
    assert check_output(Mode.explain, "What is photosynthesis?", simple, second).ok
    check = check_output(Mode.explain, "What is photosynthesis?", hard, second)
    assert not check.ok and any(p.startswith("readability") for p in check.problems)
    assert readability_grade(hard) > readability_grade(simple)
    high_school = ("Photosynthesis is the process plants use to turn light energy into chemical energy. Inside the "
                   "chloroplasts, chlorophyll absorbs sunlight, and the plant combines carbon dioxide and water to "
                   "make glucose. Oxygen is released as a byproduct.")
    assert check_output(Mode.explain, "q", high_school, GenerationContext(student_id="s", grade=10)).ok
    assert not check_output(Mode.explain, "q", high_school, second).ok


def test_too_long_is_cut_at_a_sentence_end():
    text = " ".join(f"Sentence {i} has a few short words." for i in range(40))  # 280 words
    adhd = StudentProfile(student_id="s", grade=3, accommodations=["adhd"])
    check = check_output(Mode.explain, "q", text, adhd)
    assert not check.ok and check.problems[0].startswith("length")
    assert text.startswith(check.fixed_text) and check.fixed_text.endswith(".")
    assert len(check.fixed_text.split()) <= 120  # 180 words at grades 3-5, two thirds with ADHD
    assert check_output(Mode.assess, "q", text, None).ok  # no student: no level to check against
    assert not check_output(Mode.explain, "q", "  ", P4).ok
