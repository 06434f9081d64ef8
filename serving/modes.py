"""Checks on a generated answer, per mode: tutor, explain, lesson, assess.

    check = check_output(Mode.tutor, "What is 3/4 + 1/8?", "Make the eighths. The answer is 7/8.", profile)
    check.ok, check.problems, check.fixed_text
    # False, ['tutor: ...final answer...'], 'Make the eighths. What do you get when you add them?'

- ``tutor``: the output must not state the final answer of the student's
  problem. When the prompt holds a checkable problem (arithmetic, an equation
  with one variable, simplify/expand/factor an expression), it is solved with
  sympy and each sentence of the output that states that answer is replaced by
  a guiding question; every other sentence is kept verbatim, so a prefix
  already streamed stays valid. Word problems are not solved (no check).
  Finding and solving the problem is ``serving.tutor_problem``; this module
  finds the sentences that give the answer away and rewrites them.
- ``lesson``: objective, activities and a check for understanding, plus the
  standard code when the prompt names one; missing parts are added from a
  template (see ``LESSON_TEMPLATE``).
- ``explain`` / ``assess``: length and sentence length for the student's
  reading level; too long is cut at a sentence end; Flesch-Kincaid grade
  above the level is reported, not rewritten.

The lesson and length checks, and ``ModeCheck``, are ``serving.text_checks``;
the per-mode instructions for the model are ``brain.prompts.MODE_INSTRUCTIONS``.
At serving time these checks act through ``serving.answer_check`` (docs/serving.md, Checked
answers): the tutor check is its ``give_away`` detector (a failing answer is regenerated or
replaced by the verified fallback, not sent redacted), a lesson's missing parts trigger a retry
and then the template repair, an over-long explanation is cut.
"""

from __future__ import annotations

import re

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from brain.mathcheck import GLOBALS, NUMBER, TRANSFORMS, NotCheckable, normalize, parse_math, parse_number
from brain.schemas import GenerationContext, Mode, StudentProfile
from serving.text_checks import ModeCheck, check_length, check_lesson, sentences
from serving.tutor_problem import math_spans, solve_problem


def _profile(context: StudentProfile | GenerationContext | None) -> StudentProfile | None:
    return context.profile() if isinstance(context, GenerationContext) else context


def check_output(
    mode: Mode | str,
    prompt: str,
    output: str,
    context: StudentProfile | GenerationContext | None = None,
    *,
    standard: str | None = None,
) -> ModeCheck:
    """Check one output of ``mode`` for ``prompt``; ``fixed_text`` is the output to send."""
    mode = Mode(mode)
    profile = _profile(context)
    if mode == Mode.tutor:
        return check_tutor(prompt, output)
    if mode == Mode.lesson:
        return check_lesson(prompt, output, standard)
    return check_length(output, profile)


# -- tutor: no final answer ----------------------------------------------------------------

GUIDING_QUESTIONS = {
    "add": "What do you get when you add them?",
    "subtract": "What do you get when you subtract?",
    "multiply": "What do you get when you multiply them?",
    "divide": "What do you get when you divide?",
    "power": "What do you get when you multiply it by itself that many times?",
    "solve": "What value of {var} makes both sides equal? Try it and check!",
    "simplify": "What do you get when you combine the like terms?",
    "expand": "What do you get when you multiply each term out?",
    "factor": "Which two factors multiply to give this expression?",
    "evaluate": "What do you get when you work it out?",
    "reduce": "What number divides both the top and the bottom?",
}

_CUE_BEFORE = re.compile(
    r"(?:=|≈|→|:|\bis|\bare|\bequals?|\banswer\b[^.?!]*|\bresult\b[^.?!]*|\bgets?|\bgot|\bmakes?|\bgives?|"
    r"\bbecomes?|\bwould be|\bhave|\bhas|\bleaves?|\bleft with)\s*(?:[a-z]\s*=\s*)?"
    r"(?:(?:exactly|just|about|simply|then|now|so|only)\s+)?\$?$", re.I)
_NUM_TOKEN = re.compile(rf"(?<![\w.])([-+]?\s?{NUMBER})(\s*%)?(?![\w]|\.\d|\s*/\s*\d)", re.I)


def _numbers_in(text: str) -> list[sp.Rational]:
    out = []
    for m in _NUM_TOKEN.finditer(text):
        try:
            value, _ = parse_number(m.group(1).replace(" ", "") if "/" not in m.group(1) else m.group(1))
        except NotCheckable:
            continue
        out.append(value / 100 if m.group(2) else value)
    return out


def _statesparse_number(sentence: str, answers: list[sp.Expr], prompt_numbers: list[sp.Rational]) -> bool:
    sentence = re.sub(r"\\d?frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}", r"\1/\2", sentence)  # LaTeX \frac{7}{8}
    sentence = re.sub(r"(?<=\d),(?=\d{3}\b)", "", sentence)  # 1,024
    for m in _NUM_TOKEN.finditer(sentence):
        try:
            raw = m.group(1)
            value, places = parse_number(raw if "/" in raw else raw.replace(" ", ""))
        except NotCheckable:
            continue
        if m.group(2):
            value = value / 100
        for answer in answers:
            if answer.free_symbols:
                continue
            if answer.is_Rational:
                hit = value == answer
            else:  # an irrational answer stated as a decimal (sqrt(2) ~ 1.41)
                hit = places is not None and abs(sp.N(answer, 30) - value) <= sp.Rational(1, 2) / 10**places
            if not hit:
                continue
            before = sentence[max(0, m.start() - 60): m.start()]
            if _CUE_BEFORE.search(before):
                return True
            # no cue: still a give-away unless a small whole number or one from the problem itself
            small = value.is_Integer and abs(value) <= 10
            if not small and value not in prompt_numbers:
                return True
    return False


def _signature(expr: sp.Expr) -> list[str]:
    return sorted(str(t) for t in sp.Add.make_args(expr))


def _states_expression(sentence: str, answers: list[sp.Expr]) -> bool:
    """A side of the sentence's math written in the answer's form (restating the problem is fine)."""
    targets = [_signature(a) for a in answers if a.free_symbols]
    names = {str(s) for a in answers for s in a.free_symbols}
    for span in math_spans(sentence):
        for side in span.split("="):
            side = side.strip()
            if not side:
                continue
            try:
                parse_math(side, names)  # safety and size checks
                raw = parse_expr(normalize(side), local_dict={}, global_dict=dict(GLOBALS),
                                 transformations=TRANSFORMS, evaluate=False)
                sig = sorted(str(t.doit()) for t in sp.Add.make_args(raw))
            except Exception:  # noqa: BLE001
                continue
            if sig in targets:
                return True
    return False


def _restated(prompt: str) -> list[re.Pattern]:
    """The prompt's own math ('2x + 3 = 11'), to blank out of the output: restating it is fine."""
    out = []
    for span in math_spans(prompt):
        compact = re.sub(r"\s+", "", span)
        if re.search(r"[-+*/^=]", compact.lstrip("-")):
            out.append(re.compile(r"\s*".join(map(re.escape, compact)), re.I))
    return out


def check_tutor(prompt: str, output: str) -> ModeCheck:
    problem = solve_problem(prompt)
    if problem is None:
        return ModeCheck(True, [], output)
    prompt_numbers = _numbers_in(" ".join(math_spans(prompt)) + " " + prompt)
    restated = _restated(prompt)
    bad = []
    for start, end in sentences(output):
        sentence = output[start:end]
        for pattern in restated:
            sentence = pattern.sub(" ; ", sentence)
        if problem.symbolic:
            hit = _states_expression(sentence, problem.answers)
        else:
            hit = _statesparse_number(sentence, problem.answers, prompt_numbers)
        if hit:
            bad.append((start, end))
    if not bad:
        return ModeCheck(True, [], output)
    question = GUIDING_QUESTIONS[problem.operation].format(var=problem.variable or "x")
    pieces, cursor, asked = [], 0, False
    for start, end in bad:
        pieces.append(output[cursor:start])
        if not asked and question not in output:
            trailing = output[start:end][len(output[start:end].rstrip()):]
            pieces.append(question + (trailing or ""))
            asked = True
        cursor = end
    pieces.append(output[cursor:])
    fixed = "".join(pieces)
    if not fixed.strip():
        fixed = question
    plural = "s" if len(bad) > 1 else ""
    return ModeCheck(False, [f"tutor: {len(bad)} sentence{plural} stated the final answer of the student's "
                             f"problem; replaced with a guiding question"], fixed)
