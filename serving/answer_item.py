"""The tutoring item of a request: what the answer checks (serving/answer_check.py) read.

    item = item_for("I got 4/12 for 3/4 + 1/8. Can you help?", profile, "tutor")
    item.answer, item.student_answer, item.subject   # '7/8', '4/12', 'math'

A ``brain.quality.TutorItem`` built from the request alone: the prompt (the last user message),
grade and accommodations from the resolved profile, the mode, a guessed subject, and, when the
prompt's problem can be solved, its answer:

- the answer: ``brain.quality.fallback_problem.find_problem`` first (arithmetic with its shape kept,
  one-letter linear equations, blanks), then ``serving.tutor_problem.solve_problem`` for what it does
  not read ('20% of 50', '3/4 of 12', 'x^2 - 5x + 6 = 0', 'If x = 3, what is 2x + 1?'); only exact
  rational answers (a symbolic answer, simplify/expand/factor, is checked by serving.modes instead).
  ELA questions are read by ``brain.quality.ela_task.read_ela``: plurals and past tenses get their
  answer (irregular tables, then the spelling rules), every ELA question its topic (the fallback's
  hint) and the child's word answer. Word problems and the other ELA questions (meanings, parts of
  speech, punctuation) have no known answer here: the answer-based detectors (reveal, echo, a
  wrong final answer) then check nothing, and the tutor-mode ``tells`` check
  (``brain.quality.tells``) reads the answer's shape instead.
- the student's answer: for ELA, the word ``read_ela`` finds; for math, a number after 'I got', 'I get', 'my answer is', 'I think it's',
  'I wrote', 'I put', 'I said', 'I answered', 'is it' ('I got 4/12', 'my answer is x = 5'), when it
  differs from the prompt's problem.
- the subject: 'math' when a problem was solved or the prompt has digits, 'ela' on ELA words
  (plural, past tense, noun, verb, synonym, punctuation...), else None.
"""

from __future__ import annotations

import re

import sympy as sp

from brain.quality import TutorItem
from brain.quality.ela_task import read_ela
from brain.quality.fallback_problem import find_problem, fmt
from brain.schemas import Mode, StudentProfile

DEFAULT_GRADE = 5  # only when no profile is known (the routes always resolve one)
_STUDENT = re.compile(
    r"\b(?:i\s+(?:got|get|have|found|wrote|put|said|answered|think\s+(?:it's|it\s+is|the\s+answer\s+is|that's|"
    r"i\s+got))|my\s+answer\s+(?:is|was)|is\s+it|i\s+think\s+it's)\s*:?\s*[\"'“‘]?"
    r"(?P<ans>(?:[a-z]\s*=\s*)?-?\$?\d+(?:\.\d+)?(?:\s*/\s*\d+)?%?)", re.I)
_ELA = re.compile(r"\b(?:plural|singular|past tense|present tense|future tense|verb|noun|adjective|adverb|"
                  r"pronoun|preposition|conjunction|synonym|antonym|prefix|suffix|punctuation|comma|apostrophe|"
                  r"capital|spell|spelling|sentence|contraction|homophone|vocabulary|word)s?\b", re.I)


def known_answer(prompt: str) -> tuple[str, str | None] | None:
    """(answer, variable) of the prompt's problem solved exactly, or None when none can be solved."""
    try:
        problem = find_problem(prompt)
    except Exception:  # noqa: BLE001  (odd text: no problem)
        problem = None
    if problem is not None and problem.value.is_Rational:
        return fmt(problem.value, "." not in problem.text), None if problem.blank else problem.variable
    from serving.tutor_problem import solve_problem

    try:
        solved = solve_problem(prompt)
    except Exception:  # noqa: BLE001
        solved = None
    if solved is None or solved.symbolic or not solved.answers:
        return None
    if not all(sp.nsimplify(a).is_Rational for a in solved.answers):
        return None
    values = [fmt(sp.nsimplify(a), "." not in solved.expression) for a in solved.answers]
    var = solved.variable if solved.operation == "solve" else None
    if len(values) == 1:
        return values[0], var
    return " or ".join(f"{var or 'x'} = {v}" for v in values), var


def student_answer_in(prompt: str, answer: str | None) -> str | None:
    """The student's own (math) answer stated in the prompt ('I got 4/12'), or None."""
    m = _STUDENT.search(prompt)
    if not m:
        return None
    stated = re.sub(r"\s+", " ", m.group("ans")).strip()
    return stated if stated and stated != answer else None


def subject_of(prompt: str, solved: bool) -> str | None:
    if solved:
        return "math"
    if _ELA.search(prompt):
        return "ela"
    return "math" if re.search(r"\d", prompt) else None


def item_for(prompt: str, profile: StudentProfile | None, mode: Mode | str) -> TutorItem:
    """The TutorItem of one request (see the module docstring)."""
    found = known_answer(prompt)
    answer, variable = found if found else (None, None)
    task = None if found else read_ela(prompt)
    if task is not None:
        subject, topic, accept, student = "ela", task.topic, list(task.accept), task.student_answer
        answer = task.answer
    else:
        subject, topic, accept = subject_of(prompt, found is not None), None, []
        student = student_answer_in(prompt, answer) if subject == "math" else None
    return TutorItem(prompt=prompt, grade=profile.grade if profile else DEFAULT_GRADE,
                     accommodations=list(profile.accommodations) if profile else [],
                     mode=Mode(mode).value, subject=subject, topic=topic, answer=answer, accept=accept,
                     variable=variable, student_answer=student)
