"""The verified fallback: a short guiding text built from the item itself, never from the model.

    fallback(item, "tutor")   # "What common denominator could 4 and 8 share?"
    fallback(item, "explain") # "... Worked out, 3/4 + 1/8 = 6/8 + 1/8 = 7/8."
    next_step(item)           # the math step question alone, or None
    build(item, "tutor")      # Fallback(text, kind): kind "step" | "hint" | "generic"

When a tutoring answer fails the quality checks and retries fail too, serving sends
this text; training uses it as the target when the teacher's targets fail (issue 14).
``item`` is a ``TutorItem`` or any object or dict with its fields (subject, topic,
grade, accommodations, mode, prompt, answer, accept, unit, student_answer,
misconception; all but prompt and grade may be missing).

- math: the problem is found in the prompt and solved with sympy
  (``brain.quality.fallback_math``; questions in words: ``brain.quality.fallback_word``);
  the text asks for the NEXT step. Every candidate is checked before it is used: each
  ``a op b = c`` it writes must be true, and no number in it may equal the final answer
  (tutor and assess modes) or the student's wrong answer (unless the problem itself
  shows that number). When no candidate passes, a generic guiding question is sent.
- ELA with a known answer or a known topic (serving: ``brain.quality.ela_task``): a hint on
  the rule (``brain.quality.fallback_ela``) that holds neither the answer nor an accepted
  form as a word; with the answer unknown, a hint that does not depend on it.
- a student answer with a misconception: the text says the answer isn't right yet and
  names the slip ("a common slip is to ..."), never repeating the wrong answer.
- explain mode: the step, then the final answer (math: worked out with sympy).
- ADHD and English learners: the step with a plain "not right yet" (no slip sentence).
- Over the student's reading band (Flesch-Kincaid, ``brain.readability``): the slip, then
  the step's context sentence, are dropped.
- At most 3 sentences and 60 words, always.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sympy as sp

from brain import readability
from brain.mathcheck import NotCheckable, parse_answer, parse_math, parse_number, same_value
from brain.quality.fallback_ela import ela_steps
from brain.quality.fallback_math import step_candidates
from brain.quality.fallback_problem import MathProblem, find_problem, worked
from brain.quality.fallback_word import problem_numbers, word_steps

MAX_WORDS = 60
MAX_SENTENCES = 3
GENERIC = {
    "math": "What is the question asking you to find? What do you know already?",
    "ela": "What is the question asking you to do? Which words in it give you a clue?",
}
GENERIC_OTHER = "What is the question asking you to find? What do you know already?"
WORD_GENERIC = "What is the question asking you to find? Will you add, subtract, multiply or divide?"
NOT_YET = "That answer isn't right yet."
READING_SLACK = 3  # the reading band: Flesch-Kincaid up to max(grade, 2) + 3 (serving's rule), for 20+ words
MIN_WORDS_FOR_GRADE = 20


@dataclass
class Fallback:
    """The text and how it was made: 'step' (math next step), 'hint' (ELA rule), 'generic'."""

    text: str
    kind: str


def _get(item: Any, name: str, default: Any = None) -> Any:
    value = item.get(name, default) if isinstance(item, Mapping) else getattr(item, name, default)
    return default if value is None else value


# -- what a text states ------------------------------------------------------------------------

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_TOKEN = re.compile(r"(?<![\w.])(-\s?)?\$?(\d+(?:\.\d+)?(?:/\d+)?)(%?)")


def stated_values(text: str) -> list[sp.Expr]:
    """Every value a text shows, read generously: '-5' and '3 - 5' both give -5 and 5; '10%' gives 10 and 1/10."""
    out: list[sp.Expr] = []
    for m in _TOKEN.finditer(text):
        try:
            value, _ = parse_number(m.group(2))
        except NotCheckable:
            continue
        out += [value, -value] if m.group(1) else [value]
        if m.group(3):
            out.append(value / 100)
    for word in re.findall(r"[a-z]+", text.lower()):
        if word in _NUMBER_WORDS:
            out.append(sp.Integer(_NUMBER_WORDS[word]))
        elif word == "half":
            out.append(sp.Rational(1, 2))
    return out


_SIDE = r"[\d\s.()/+\-×÷*^]*\d[\d\s.()/+\-×÷*^]*"
_CHAIN = re.compile(rf"{_SIDE}(?:={_SIDE})+")


def false_claims(text: str) -> list[str]:
    """Each 'a op b = c' in the text (chains too: a = b = c) that sympy finds false."""
    bad = []
    for chain in _CHAIN.finditer(text):
        sides = []
        for side in chain.group(0).split("="):
            try:
                sides.append(parse_math(side.replace("×", "*").replace("÷", "/").strip().rstrip(".")))
            except NotCheckable:
                sides.append(None)
        for a, b in zip(sides, sides[1:]):
            if a is not None and b is not None and not same_value(a, b):
                bad.append(chain.group(0).strip())
    return bad


def _math_values(text: str | None) -> list[sp.Expr]:
    if not text:
        return []
    try:
        return [v for it in parse_answer(text).items for v, _ in it.values]
    except NotCheckable:
        return []


def _has_word(text: str, form: str) -> bool:
    form = form.strip().strip(".").strip()
    if not re.search(r"\w", form):
        return False
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.I) is not None


@dataclass
class _Guard:
    """What a candidate text must not state: the answer's values or words, the student's answer."""

    answers: list[sp.Expr]
    answer_words: list[str]
    student: list[sp.Expr]
    student_words: list[str]

    def ok(self, text: str) -> bool:
        if false_claims(text):
            return False
        values = stated_values(text)
        for v in values:
            if any(same_value(v, a) for a in self.answers + self.student):
                return False
        return not any(_has_word(text, w) for w in self.answer_words + self.student_words)


def _guard(item: Any, mode: str, problem: MathProblem | None) -> _Guard:
    subject = _get(item, "subject", "math")
    answer, accept = _get(item, "answer"), list(_get(item, "accept", []))
    sa, prompt = _get(item, "student_answer"), _get(item, "prompt", "")
    hide = mode != "explain"
    answers: list[sp.Expr] = []
    words: list[str] = []
    if subject == "math":
        if hide:
            for form in [answer, *accept]:
                answers += _math_values(form)
            if problem is not None:
                answers.append(problem.value)
        student = []
        if sa:
            shown = [v for n in problem_numbers(prompt) for v in _math_values(n)]
            quoted = 1 if sa in prompt else 0
            for v in _math_values(sa):
                if sum(same_value(v, s) for s in shown) <= quoted:
                    student.append(v)
        return _Guard(answers, [], student, [])
    if hide and answer:
        words = [answer, *accept]
    return _Guard([], words, [], [sa] if sa and (len(sa) > 3 or " " in sa.strip()) else [])


# -- pieces of the text ------------------------------------------------------------------------

_VERBS = set("""adds subtracts multiplies divides writes thinks forgets puts uses confuses takes gives drops moves
finds flips counts leaves lines changes treats loses works skips mixes ignores picks reads guesses calls fixes keeps
gets makes says sees tries carries brings changes misses""".split())


_JOINS = {"and", "but", "then", "also", "or", "never", "just", "only"}  # a verb after these is the slip's too


def _base(verb: str) -> str:
    if verb.endswith("ies"):
        return verb[:-3] + "y"
    if re.search(r"(sses|shes|ches|xes|zes)$", verb):
        return verb[:-2]
    return verb[:-1]


def slip(misconception: str | None) -> str | None:
    """'adds the numerators and also adds the denominators' -> 'a common slip is to add the numerators and also
    add the denominators'; None when the wording can't be turned to the second person."""
    if not misconception or re.search(r"\bstudent|\bhe\b|\bshe\b|\bhis\b|\bher\b", misconception, re.I):
        return None
    words = misconception.strip().rstrip(".").split()
    if not words or words[0] not in _VERBS | {"doesn't"}:
        return None
    out = []
    for i, w in enumerate(words):
        prev = words[i - 1] if i else ""
        lead, core = re.match(r"(\(?)(.*)", w).groups()
        if core == "doesn't" and (i == 0 or prev in ("and", "then")):
            out.append(lead + "not")
        elif core in _VERBS and (i == 0 or lead or prev in _JOINS):
            out.append(lead + _base(core))
        else:
            out.append(w)
    return "a common slip is to " + " ".join(out)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])[\"”')]*\s+(?=[A-Z\"'(])", text.strip()) if s]


def _words(text: str) -> int:
    return len(text.split())


def _unit_text(item: Any, answer: str) -> str:
    unit = _get(item, "unit")
    if not unit:
        return answer
    if unit == "dollars" and not answer.startswith("-"):
        return "$" + answer
    if unit == "%":
        return answer + "%"
    m = re.fullmatch(r"(\w+)\^2", unit)
    return f"{answer} square {m.group(1)}" if m else f"{answer} {unit}"


def _explain_line(item: Any, problem: MathProblem | None) -> str | None:
    answer = _get(item, "answer")
    if _get(item, "subject", "math") == "math":
        if problem is not None and (answer is None or any(same_value(problem.value, v) for v in _math_values(answer))):
            line = worked(problem)
            if line:
                return f"Worked out, {line}."
        if answer:
            return f"The answer is {_unit_text(item, answer)}."
        return None
    if not answer:
        return None
    if " " not in answer.strip():
        return f"The answer is {answer}."
    return f'One right answer is "{answer}"' + ("" if answer.strip()[-1] in ".?!" else ".")


def _compose(lead: str | None, step: str, final: str | None) -> str:
    """Lead (not-yet and the slip), step, final answer: at most 3 sentences and 60 words.

    Too long, the step loses sentences: its context in tutor mode (the question stays), its
    question in explain mode (the answer follows)."""
    step_s = _sentences(step)
    parts = ([lead] if lead else []) + step_s + ([final] if final else [])
    while len(parts) > MAX_SENTENCES:
        if len(step_s) > 1:
            parts.remove(step_s.pop(-1 if final else 0))
        elif lead and lead in parts:
            parts.remove(lead)
        else:
            break
    text = " ".join(parts)
    if _words(text) > MAX_WORDS and lead:
        text = " ".join([NOT_YET] + step_s + ([final] if final else []))
    return text


def _lead(item: Any, guard: _Guard, short: bool) -> str | None:
    if not _get(item, "student_answer"):
        return None
    named = slip(_get(item, "misconception"))
    if named and not short:
        sentence = f"Not quite yet: {named}."
        if guard.ok(sentence) and _words(sentence) <= 24:
            return sentence
    return NOT_YET


# -- the fallback --------------------------------------------------------------------------------

def _candidates(item: Any, problem: MathProblem | None) -> tuple[list[str], str]:
    subject, prompt, grade = _get(item, "subject", "math"), _get(item, "prompt", ""), int(_get(item, "grade", 5))
    if subject == "math":
        if problem is not None:
            steps = step_candidates(problem, grade)
        else:
            steps = word_steps(prompt, grade)
        return steps, "step"
    if subject == "ela" and (_get(item, "answer") or _get(item, "topic")):
        return ela_steps(_get(item, "topic"), prompt, _get(item, "answer"), _get(item, "misconception")), "hint"
    return [], "generic"


def _problem(item: Any) -> MathProblem | None:
    if _get(item, "subject", "math") != "math":
        return None
    prompt, answer = _get(item, "prompt", ""), _get(item, "answer")
    values = _math_values(answer) if answer else []
    if answer and not values:
        return None
    return find_problem(prompt, values[0] if values else None)


def build(item: Any, mode: str | None = None) -> Fallback:
    """The fallback text for an item and how it was made (see the module docstring)."""
    mode = mode or _get(item, "mode", "tutor")
    subject = _get(item, "subject", "math")
    accommodations = {getattr(a, "value", a) for a in _get(item, "accommodations", [])}
    short = bool(accommodations & {"adhd", "english_learner"})
    problem = _problem(item)
    guard = _guard(item, mode, problem)
    steps, kind = _candidates(item, problem)
    step = next((s for s in steps if guard.ok(s)), None)
    if step is None:
        kind = "generic"
        generic = GENERIC.get(subject, GENERIC_OTHER)
        if subject == "math" and _get(item, "topic") == "word_problems":
            generic = WORD_GENERIC
        step = generic
    final = _explain_line(item, problem) if mode == "explain" else None
    lead = _lead(item, guard, short)
    # the named slip first; over the reading band, the plain "not right yet", then the step's question alone
    drafts = [_compose(lead, step, final), _compose(lead and NOT_YET, step, final),
              _compose(lead and NOT_YET, _sentences(step)[-1], final)]
    band = max(int(_get(item, "grade", 5)), 2) + READING_SLACK
    text = next((d for d in drafts if _reading_grade(d) <= band), min(drafts, key=_reading_grade))
    return Fallback(text, kind)


def _reading_grade(text: str) -> float:
    """Flesch-Kincaid grade of a text of 20+ words; 0 for shorter ones (too short to grade)."""
    words = readability.words(text)
    if len(words) < MIN_WORDS_FOR_GRADE:
        return 0.0
    return readability.fk_grade(words, len([s for s in _sentences(text) if readability.words(s)]))


def fallback(item: Any, mode: str | None = None) -> str:
    """A short, warm, checked guiding text for the item (``mode`` defaults to the item's, else tutor)."""
    return build(item, mode).text


def next_step(item: Any) -> str | None:
    """The math next-step question alone (checked as in tutor mode), or None when none can be derived."""
    if _get(item, "subject", "math") != "math":
        return None
    problem = _problem(item)
    guard = _guard(item, "tutor", problem)
    steps, _ = _candidates(item, problem)
    return next((s for s in steps if guard.ok(s)), None)
