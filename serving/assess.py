"""Assessment grading for ``POST /v1/assess``: exact checks, exact normalisations, then the model's verdict.

    result = assess(AssessRequest(question="What is 3/4 + 1/8?", student_answer="0.875",
                                  reference_answer="7/8", context={"student_id": "s1", "grade": 4}),
                    score_fn=scorer.score)
    result.score, result.correct, result.method   # 1.0, True, "exact"

In order, the first that decides wins (``method`` says which, ``note`` why):

1. ``exact``: checkable answers (numbers, fractions, percentages, units, expressions, ``x = 4``,
   lists) compared by ``brain.mathcompare.check_exact``; the same text.
2. ``normalized``: the exact rules of ``brain.open_answers.decide`` (formulas <-> names, number words,
   surnames of the reference's person, articles, misspellings of long words).
3. ``model``: the model's verdict as a constrained choice: ``score_fn(messages, labels, prefix)``
   returns its log-probabilities of the labels " Yes" / " No" after the grader prompt
   (``serving.label_scores.LabelScorer.score``), so a verdict always exists. Without ``score_fn``, a
   caller's ``generate_fn(messages, max_new_tokens) -> str`` is asked for a free-text verdict instead.
4. ``overlap``: the last resort, when the model could not be run (scoring raised, the prompt is over
   its budget) or its free text held no verdict: the share of the reference's key words in the answer.

The feedback is written for the student's reading level. The request and result models are
``serving.schemas``; the accuracy of each method is ``python -m benchmarks.open_answers``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from brain.mathcompare import check_exact
from brain.open_answers import decide
from brain.schemas import grade_label, parse_grade
from serving.schemas import AssessRequest, AssessResult
from serving.text_checks import grade_band

GenerateFn = Callable[[list[dict[str, str]], int], str]
ScoreFn = Callable[[list[dict[str, str]], list[str], str], dict[str, float]]  # (messages, labels, prefix)

OPEN_CORRECT_AT = 0.6  # open answers: score at or above this is "correct"
GRADER_MAX_TOKENS = 96


# -- feedback ---------------------------------------------------------------------------------

# One line per grade band: K-2, 3-5, 6-8, 9-12. K-5 sentences stay under ten words.
_FEEDBACK: dict[str, tuple[str, str, str, str]] = {
    "equal": ("Yes! That is right. Great job!",
              "Correct! {expected} is right. Nice work!",
              "Correct: your answer matches {expected}. Well done.",
              "Correct. Your answer is equivalent to {expected}."),
    "different": ("Good try! The answer is {expected}. Let's try another one.",
                  "Not quite. The answer is {expected}. Check each step again.",
                  "Not quite. The correct answer is {expected}. Compare your steps with it to find "
                  "where they differ.",
                  "Incorrect. The expected answer is {expected}; compare your work step by step to find "
                  "where it went wrong."),
    "partial": ("Good start! You got part of it. The full answer is {expected}.",
                "You got part of it. The full answer is {expected}. Look for what is missing.",
                "Partly correct. The full answer is {expected}; check the parts that differ.",
                "Partly correct. The complete answer is {expected}; review the parts that differ."),
    "units": ("Your number is right! Check the unit. It is {expected}.",
              "Your number is right. Check the unit. It is {expected}.",
              "Your number is right, but the unit is not: the answer is {expected}.",
              "The value is right but the unit is wrong: the answer is {expected}."),
    "close": ("So close! The exact answer is {expected}.",
              "Close! The exact answer is {expected}. Try a fraction.",
              "Close, but not exact. The exact answer is {expected}; a fraction keeps it exact.",
              "Close, but a rounded decimal is not exact. The exact answer is {expected}."),
    "blank": ("Give it a try! Write your answer.",
              "You did not write an answer yet. Give it a try!",
              "No answer was given. Try the question, then check your work.",
              "No answer was given. Attempt the question and show your reasoning."),
    # open answers (graded by the model or by overlap); {expected} only when the reference is short
    "open_correct": ("Yes! That is right. Great job!",
                     "Correct! You got the main idea. Nice work!",
                     "Correct: your answer covers the main points. Well done.",
                     "Correct. Your answer covers the key points."),
    "open_partial": ("Good start! You got part of it.",
                     "You got part of it. Add a little more.",
                     "Partly correct. Some key points are missing.",
                     "Partly correct. Some key points are missing or unclear."),
    "open_different": ("Good try! Let's look at it again.",
                       "Not quite. Let's look at it again.",
                       "Not quite. Compare your answer with the key points.",
                       "Incorrect. Compare your answer with the key points."),
}
_SHOW_REFERENCE = ("Here is one answer: {expected}", "Here is a good answer: {expected}",
                   "A complete answer: {expected}", "A complete answer: {expected}")


def feedback_text(status: str, level: int, expected: str | None = None) -> str:
    """Encouraging feedback at a reading level (grade 0-12); may give the expected answer."""
    band = grade_band(level)
    text = _FEEDBACK[status][band].format(expected=(expected or "").strip())
    if status.startswith("open_") and status != "open_correct" and expected and len(expected) <= 200:
        text += " " + _SHOW_REFERENCE[band].format(expected=expected.strip())
    return text


# -- open answers ------------------------------------------------------------------------------

_GRADER_SYSTEM = (
    "You grade a {grade} student's answer to a school question. Compare the student's answer with the "
    "reference answer{and_rubric}. Judge the meaning, not spelling or grammar.\n"
    "Reply with exactly three lines:\n"
    "VERDICT: correct, partly correct, or incorrect\n"
    "SCORE: a number from 0 to 1\n"
    "FEEDBACK: one short, kind sentence for the student"
)
_VERDICT_RE = re.compile(r"verdict\s*[:\-]?\s*\**\s*(partly correct|partially correct|partial|partly|"
                         r"incorrect|not correct|wrong|correct|right)", re.I)
_LEADING_VERDICT_RE = re.compile(r"^\W*(partly correct|partially correct|incorrect|not correct|correct)\b", re.I)
_SCORE_RE = re.compile(r"score\s*[:\-]?\s*\**\s*(\d+(?:\.\d+)?)\s*(%|/\s*(\d+))?", re.I)
_FEEDBACK_RE = re.compile(r"feedback\s*[:\-]\s*\**\s*(.+)", re.I)
_STOP = set("""a an the and or but of to in on at by for with from as is are was were be been being it its
this that these those they them their he she his her we you your i my me our not no yes do does did so
than then there here which who what when where why how because if also can will would could should has
have had into about over under more most very just only some any all each""".split())


def parse_verdict(text: str) -> tuple[float, bool, str | None] | None:
    """(score, correct, model feedback) from the grader's reply, or None when it says neither a
    verdict nor a score. When verdict and score disagree, the verdict wins."""
    verdict = None
    m = _VERDICT_RE.search(text) or _LEADING_VERDICT_RE.search(text.strip())
    if m:
        word = m.group(1).lower()
        verdict = ("partial" if word.startswith("part") else
                   "incorrect" if word in ("incorrect", "not correct", "wrong") else "correct")
    score = None
    m = _SCORE_RE.search(text)
    if m:
        value = float(m.group(1))
        if m.group(2) == "%":
            value /= 100
        elif m.group(3):
            value = value / float(m.group(3)) if float(m.group(3)) > 0 else 0.0
        elif value > 1:
            value = value / 10 if value <= 10 else value / 100
        score = min(1.0, max(0.0, value))
    if verdict is None and score is None:
        return None
    from_verdict = {"correct": 1.0, "partial": 0.5, "incorrect": 0.0}
    if verdict is not None and (score is None or (verdict == "correct" and score < 0.5)
                                or (verdict == "incorrect" and score > 0.5)):
        score = from_verdict[verdict]
    correct = verdict == "correct" if verdict is not None else score >= OPEN_CORRECT_AT
    m = _FEEDBACK_RE.search(text)
    comment = m.group(1).strip() if m else None
    return score, correct, comment


def _content_words(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z0-9]+", text.lower()):
        if w in _STOP or len(w) < 2:
            continue
        for suffix in ("ing", "ed", "es", "s"):
            if len(w) > len(suffix) + 3 and w.endswith(suffix):
                w = w[: -len(suffix)]
                break
        out.add(w)
    return out


def overlap_score(student_answer: str, reference: str) -> float:
    """Share of the reference's content words that the student's answer contains (0..1)."""
    ref = _content_words(reference)
    if not ref:
        return 0.0
    return round(len(ref & _content_words(student_answer)) / len(ref), 3)


def _first_sentence(text: str, max_chars: int = 160) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= max_chars else ""


# -- the model's verdict: its scores for a fixed label set ----------------------------------------

GRADER_LABELS = (" Yes", " No")  # one token each in the SmolLM2/Llama vocabularies (any tokens work)
GRADER_PREFIX = "Answer:"  # the start of the model's reply; the labels continue it
LABEL_BIAS = 0.11  # added to log P(Yes) - log P(No): the best on the DEV half of benchmarks/open_answers.py (embedded model)
GRADER_MAX_CHARS = 300  # each of question, reference, rubric and answer: bounds the prompt
_LABEL_SYSTEM = "You are a teacher. You check if a student's answer to a school question is correct."
_LABEL_ASK = "Is the student's answer correct? Answer Yes or No."


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= GRADER_MAX_CHARS else text[:GRADER_MAX_CHARS] + "..."


def _grader_facts(question: str, student_answer: str, reference: str | None, rubric: str | None) -> str:
    lines = [f"Question: {_clip(question)}"]
    if reference:
        lines.append(f"Correct answer: {_clip(reference)}")
    if rubric:
        lines.append(f"Rubric: {_clip(rubric)}")
    lines.append(f"Student's answer: {_clip(student_answer)}")
    return "\n".join(lines)


def grader_messages(question: str, student_answer: str, reference: str | None, rubric: str | None,
                    grade: int) -> list[dict[str, str]]:
    """The prompt whose next token the labels are scored as."""
    return [{"role": "system", "content": _LABEL_SYSTEM},
            {"role": "user", "content": _grader_facts(question, student_answer, reference, rubric) + "\n" + _LABEL_ASK}]


def label_verdict(score_fn: ScoreFn, question: str, student_answer: str, reference: str | None,
                  rubric: str | None, grade: int) -> tuple[float, float]:
    """(P(correct), margin): the model's log-prob margin of " Yes" over " No" plus ``LABEL_BIAS``; a
    verdict always exists (margin >= 0: correct). Raises when the model cannot score."""
    yes, no = GRADER_LABELS
    scores = score_fn(grader_messages(question, student_answer, reference, rubric, grade), [yes, no], GRADER_PREFIX)
    margin = float(scores[yes]) - float(scores[no]) + LABEL_BIAS
    if not math.isfinite(margin):
        raise ValueError(f"label scores are not finite: {scores}")
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, margin)))), margin


def _free_text_verdict(generate_fn: GenerateFn, question: str, student_answer: str, reference: str | None,
                       rubric: str | None, grade: int) -> tuple[float, bool, str | None] | None:
    """The older way, for callers with only a generator: ask for VERDICT/SCORE/FEEDBACK lines, parse them."""
    system = _GRADER_SYSTEM.format(grade=grade_label(grade), and_rubric=" and the rubric" if rubric else "")
    reply = generate_fn([{"role": "system", "content": system},
                         {"role": "user", "content": _grader_facts(question, student_answer, reference, rubric)}],
                        GRADER_MAX_TOKENS)
    return parse_verdict(reply or "")


def grade_open(
    question: str,
    student_answer: str,
    reference: str | None,
    rubric: str | None,
    grade: int | str,
    generate_fn: GenerateFn | None = None,
    reading_level: int | None = None,
    score_fn: ScoreFn | None = None,
) -> AssessResult:
    """Grade a prose answer: an exact rule of ``brain.open_answers`` when one decides, else the model's
    verdict (``score_fn``: label scores; else ``generate_fn``: free text), else word overlap with the
    reference (or rubric), the last resort when the model cannot be run or gave no verdict."""
    grade = parse_grade(grade)
    level = grade if reading_level is None else reading_level
    decision = decide(student_answer, reference, question) if reference else None
    comment, status = None, None
    if decision is not None:
        score, correct, method, note = float(decision.correct), decision.correct, decision.method, decision.note
        status = "open_correct" if correct else "different"
    else:
        verdict, why = None, ""
        if score_fn is not None:
            try:
                probability, margin = label_verdict(score_fn, question, student_answer, reference, rubric, grade)
                verdict = (probability, margin >= 0, None)
                why = f"graded by the model's label scores (P(correct) {probability:.2f})"
            except Exception as exc:  # noqa: BLE001 - a model that cannot score falls back, and says so
                why = f"the model could not score the labels ({type(exc).__name__}: {str(exc)[:120]})"
        elif generate_fn is not None:
            verdict = _free_text_verdict(generate_fn, question, student_answer, reference, rubric, grade)
            why = "graded by the model's reply" if verdict else "the model's reply had no verdict"
        else:
            why = "no model to grade with"
        if verdict is not None:
            (score, correct, comment), method = verdict, "model"
            note = f"{why}, against the " + ("reference" if reference else "rubric")
        else:
            score = overlap_score(student_answer, reference or rubric or "")
            correct, method = score >= OPEN_CORRECT_AT, "overlap"
            note = f"{why}; {score:.0%} of the {'reference' if reference else 'rubric'}'s key words are in the answer"
    if status is None:
        status = "open_correct" if correct else "open_partial" if score >= 0.3 else "open_different"
    text = feedback_text(status, level, reference)
    comment = _first_sentence(comment) if comment else ""
    if comment and (level > 5 or len(comment.split()) <= 12):
        text = f"{text} {comment}"
    return AssessResult(score=round(score, 3), correct=correct, feedback=text, method=method, expected=reference,
                        note=note)


# -- the route's entry point ------------------------------------------------------------------

def assess(request: AssessRequest, generate_fn: GenerateFn | None = None, score_fn: ScoreFn | None = None
           ) -> AssessResult:
    """Grade one answer: exact when the reference is checkable, then the exact rules, the model's
    verdict, and overlap as the last resort (``grade_open``)."""
    level = request.context.profile().effective_reading_level
    reference = request.reference_answer.strip() if request.reference_answer else None
    if not request.student_answer.strip():
        return AssessResult(score=0.0, correct=False, feedback=feedback_text("blank", level), method="exact",
                            expected=reference, note="blank answer")
    if reference is not None:
        check = check_exact(request.student_answer, reference)
        if check is not None:
            return AssessResult(score=check.score, correct=check.correct, method="exact", expected=reference,
                                feedback=feedback_text(check.status, level, reference), note=check.note)
    return grade_open(request.question, request.student_answer, reference, request.rubric,
                      request.context.grade, generate_fn, reading_level=level, score_fn=score_fn)
