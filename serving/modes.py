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
- ``lesson``: objective, activities and a check for understanding, plus the
  standard code when the prompt names one; missing parts are added from a
  template (see ``LESSON_TEMPLATE``).
- ``explain`` / ``assess``: length and sentence length for the student's
  reading level; too long is cut at a sentence end; Flesch-Kincaid grade
  above the level is reported, not rewritten.

The per-mode instructions for the model are ``brain.prompts.MODE_INSTRUCTIONS``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

from brain import readability
from brain.schemas import Accommodation, GenerationContext, Mode, StudentProfile
from serving.assess import _GLOBALS, _TRANSFORMS, NUMBER, NotCheckable, _normalize, _number, parse_math


@dataclass
class ModeCheck:
    ok: bool
    problems: list[str] = field(default_factory=list)  # never contain the answer itself
    fixed_text: str = ""  # the output when ok, else the repaired output


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

@dataclass
class Problem:
    """A checkable problem found in a prompt and its answer(s)."""

    expression: str  # the math as found ("3/4 + 1/8", "2x+3=11")
    answers: list[sp.Expr]
    operation: str  # add subtract multiply divide power evaluate reduce solve simplify expand factor
    variable: str | None = None

    @property
    def symbolic(self) -> bool:
        return any(a.free_symbols for a in self.answers)


_WORD_OPS = [
    (r"\bmultiplied by\b", "*"), (r"\bdivided by\b", "/"), (r"\btimes\b", "*"), (r"\bplus\b", "+"),
    (r"\bminus\b", "-"), (r"\bsquared\b", "^2"), (r"\bcubed\b", "^3"),
    (r"(\d)\s*(?:%|percent)\s+of\s+", r"\1/100*"),
    (rf"({NUMBER})\s+of\s+(?=\d)", r"(\1)*"),  # "3/4 of 12"
    (r"(\d)\s+x\s+(\d)", r"\1*\2"),  # "3 x 4"
]
_VERBS = ("simplify", "expand", "factor", "combine")


def _math_spans(text: str) -> list[str]:
    """Runs of math in a sentence: numbers, single-letter variables, operators, '='."""
    low = _normalize(text) if len(text) < 4000 else text.lower()
    for pattern, repl in _WORD_OPS:
        low = re.sub(pattern, repl, low)
    # words of 2+ letters (other than sqrt/pi), and sentence punctuation, end a span
    low = re.sub(r"\b(?!sqrt\b|pi\b)[a-z]{2,}\b|[?!,;:\"']|\.(?!\d)|\b[ai]\b(?!\s*[-+*/^=])", "|", low)
    spans = []
    for span in low.split("|"):
        span = span.strip().strip("=").strip()
        if re.search(r"\d", span) and len(span) <= 200:
            spans.append(span)
    return spans


def _operation(expr_text: str) -> str:
    body = re.sub(r"\d+/\d+", "1", expr_text)  # a fraction is a number, not a division
    body = re.sub(r"^\s*-", "", body)
    for sym, name in (("+", "add"), ("-", "subtract"), ("*", "multiply"), ("/", "divide"), ("^", "power")):
        if sym in body:
            return name
    return "multiply" if re.search(r"\d\s*\(|\)\s*\(|\)\s*\d", body) else "evaluate"


def solve_problem(prompt: str) -> Problem | None:
    """The student's problem and its answer, when the prompt holds checkable math; else None.

    'What is 3/4 + 1/8?' -> 7/8; 'Solve 2x + 3 = 11' -> 4; 'What is 20% of 50?' -> 10;
    'Simplify 2x + 3x' -> 5x; 'x^2 - 5x + 6 = 0' -> 2, 3.
    """
    spans = _math_spans(prompt)
    verb = next((v for v in _VERBS if re.search(rf"\b{v}", prompt.lower())), None)
    given: dict[sp.Symbol, sp.Expr] = {}  # "If x = 3, what is 2x + 1?"
    equations, expressions = [], []
    for span in spans:
        m = re.fullmatch(rf"([a-z])\s*=\s*(-?\s*{NUMBER})", span)
        if m:
            try:
                given[sp.Symbol(m.group(1))] = _number(m.group(2).replace(" ", "") if "/" not in m.group(2)
                                                       else m.group(2))[0]
            except NotCheckable:
                pass
        elif span.count("=") == 1:
            equations.append(span)
        elif "=" not in span:
            expressions.append(span)
    for span in equations:
        lhs, rhs = span.split("=")
        try:
            eq = (parse_math(lhs) - parse_math(rhs)).subs(given)
        except NotCheckable:
            continue
        if len(eq.free_symbols) != 1:
            continue
        var = next(iter(eq.free_symbols))
        # polynomials up to degree 4 only: sympy's solve is fast and exact there
        if not eq.is_polynomial(var) or sp.degree(eq, var) > 4 or sp.degree(eq, var) < 1:
            continue
        try:
            roots = [r for r in sp.solve(eq, var) if r.is_real]
        except Exception:  # noqa: BLE001  (prompts are arbitrary text: no check rather than a 500)
            continue
        if roots:
            return Problem(span, roots, "solve", str(var))
    best: Problem | None = None
    for span in expressions:
        frac = re.fullmatch(r"(\d+)/(\d+)", span)
        if frac and int(frac.group(2)) and math.gcd(int(frac.group(1)), int(frac.group(2))) > 1:
            # "What is 6/8 in simplest form?" / "What is 12/4?"; a fraction in lowest terms is no problem
            value = sp.Rational(int(frac.group(1)), int(frac.group(2)))
            problem = Problem(span, [value], "reduce" if not value.is_Integer else "divide")
            best = best if best is not None and len(best.expression) > len(span) else problem
            continue
        has_op = re.search(r"[-+*/^(]|sqrt", span.lstrip("-")) and not re.fullmatch(rf"-?\s*{NUMBER}", span)
        has_op = has_op or re.fullmatch(r"\d+\s+/\s*\d+|\d+\s*/\s+\d+", span)  # "12 / 4" is a division
        if not has_op and not (given and re.search(r"[a-z]", span)):
            continue  # a lone number or fraction (3/4) is not a problem
        try:
            expr = parse_math(span).subs(given)
        except NotCheckable:
            continue
        if expr.free_symbols:
            if verb is None:
                continue
            try:
                answer = {"expand": sp.expand, "factor": sp.factor}.get(verb, sp.simplify)(expr)
            except Exception:  # noqa: BLE001
                continue
            problem = Problem(span, [answer], verb if verb != "combine" else "simplify")
        else:
            problem = Problem(span, [expr], _operation(span) if has_op else "evaluate")
        if best is None or len(span) > len(best.expression):
            best = problem
    return best


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


def _sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; the end includes the trailing punctuation and spaces.
    A '.' between digits (0.75) does not end a sentence."""
    spans, start = [], 0
    for m in re.finditer(r"(?:[.!?]+(?=\s|$)|\n)\s*", text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _numbers_in(text: str) -> list[sp.Rational]:
    out = []
    for m in _NUM_TOKEN.finditer(text):
        try:
            value, _ = _number(m.group(1).replace(" ", "") if "/" not in m.group(1) else m.group(1))
        except NotCheckable:
            continue
        out.append(value / 100 if m.group(2) else value)
    return out


def _states_number(sentence: str, answers: list[sp.Expr], prompt_numbers: list[sp.Rational]) -> bool:
    sentence = re.sub(r"\\d?frac\{\s*(\d+)\s*\}\{\s*(\d+)\s*\}", r"\1/\2", sentence)  # LaTeX \frac{7}{8}
    sentence = re.sub(r"(?<=\d),(?=\d{3}\b)", "", sentence)  # 1,024
    for m in _NUM_TOKEN.finditer(sentence):
        try:
            raw = m.group(1)
            value, places = _number(raw if "/" in raw else raw.replace(" ", ""))
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
    for span in _math_spans(sentence):
        for side in span.split("="):
            side = side.strip()
            if not side:
                continue
            try:
                parse_math(side, names)  # safety and size checks
                raw = parse_expr(_normalize(side), local_dict={}, global_dict=dict(_GLOBALS),
                                 transformations=_TRANSFORMS, evaluate=False)
                sig = sorted(str(t.doit()) for t in sp.Add.make_args(raw))
            except Exception:  # noqa: BLE001
                continue
            if sig in targets:
                return True
    return False


def _restated(prompt: str) -> list[re.Pattern]:
    """The prompt's own math ('2x + 3 = 11'), to blank out of the output: restating it is fine."""
    out = []
    for span in _math_spans(prompt):
        compact = re.sub(r"\s+", "", span)
        if re.search(r"[-+*/^=]", compact.lstrip("-")):
            out.append(re.compile(r"\s*".join(map(re.escape, compact)), re.I))
    return out


def check_tutor(prompt: str, output: str) -> ModeCheck:
    problem = solve_problem(prompt)
    if problem is None:
        return ModeCheck(True, [], output)
    prompt_numbers = _numbers_in(" ".join(_math_spans(prompt)) + " " + prompt)
    restated = _restated(prompt)
    bad = []
    for start, end in _sentences(output):
        sentence = output[start:end]
        for pattern in restated:
            sentence = pattern.sub(" ; ", sentence)
        if problem.symbolic:
            hit = _states_expression(sentence, problem.answers)
        else:
            hit = _states_number(sentence, problem.answers, prompt_numbers)
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


# -- lesson: plan shape and standard ----------------------------------------------------------

STANDARD_RE = re.compile(
    r"\b(?:CCSS\.(?:MATH\.CONTENT|ELA-LITERACY)\.)?(?:"
    r"(?:K|[1-8])\.[A-Z]{1,3}(?:\.[A-Z])?\.\d{1,2}[a-z]?"  # Common Core math: 3.NF.A.1, 6.RP.3a
    r"|HS[ANFGS][.-][A-Z]{1,3}(?:\.[A-Z])?\.\d{1,2}[a-z]?"  # high-school math: HSA-REI.B.3
    r"|(?:RL|RI|RF|W|SL|L)\.(?:K|\d{1,2}(?:-\d{1,2})?)\.\d{1,2}[a-z]?"  # ELA: RL.3.1
    r"|(?:K|[1-5]|MS|HS)-(?:PS|LS|ESS|ETS)\d-\d{1,2}"  # NGSS: 5-PS1-1, MS-LS1-6
    r")\b",
    re.I,
)
_OBJECTIVE_RE = re.compile(r"\b(objectives?|learning goals?|goals?|learning targets?|students will|swbat|i can)\b",
                           re.I)
_ACTIVITIES_RE = re.compile(r"\b(activit(?:y|ies)|steps?|procedure|warm[- ]?up|direct instruction|"
                            r"guided practice|independent practice|practice)\b", re.I)
_CHECK_RE = re.compile(r"\b(checks? for understanding|checking for understanding|exit tickets?|quick check|"
                       r"assessment|quiz|formative)\b", re.I)
_LIST_ITEM_RE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+\S", re.M)

# What a repaired lesson gets for each missing part (documented in docs/serving.md).
LESSON_TEMPLATE = {
    "standard": "Standard: {standard}",
    "objective": "Objective: Students will understand and practice {topic}.",
    "activities": (
        "Activities:\n"
        "1. Warm-up: a short review question on what students already know.\n"
        "2. Direct instruction: model one example step by step.\n"
        "3. Guided practice: solve two examples together.\n"
        "4. Independent practice: students solve similar problems on their own."
    ),
    "check": "Check for understanding: each student solves one new problem and explains the answer "
             "(exit ticket).",
}


def find_standard(text: str) -> str | None:
    m = STANDARD_RE.search(text)
    return m.group(0) if m else None


def _standard_key(code: str) -> str:
    return re.sub(r"^ccss\.(?:math\.content|ela-literacy)\.", "", code.strip().lower()).replace("-", ".")


def _topic(prompt: str, standard: str | None) -> str:
    text = prompt.strip()
    if standard:
        text = re.sub(re.escape(standard), "", text, flags=re.I)
    text = re.sub(r"^(?:please\s+)?(?:write|create|make|plan|give(?: me)?|draft|prepare)\s+(?:a|an|the)?\s*"
                  r"(?:short\s+|quick\s+|simple\s+)?(?:lesson(?:\s+plan)?|plan)\s*(?:on|about|for|to teach|"
                  r"teaching|covering)?\s*", "", text, flags=re.I)
    text = re.sub(r"\s+", " ", text).strip(" .?!:;,-")
    text = re.sub(r"^(?:standard|for|on)\s*", "", text, flags=re.I).strip(" .?!:;,-")
    return text or "today's skill"


def check_lesson(prompt: str, output: str, standard: str | None = None) -> ModeCheck:
    standard = standard or find_standard(prompt)
    missing = []
    if standard and _standard_key(standard) not in {_standard_key(m.group(0)) for m in STANDARD_RE.finditer(output)}:
        missing.append("standard")
    if not _OBJECTIVE_RE.search(output):
        missing.append("objective")
    if not (_ACTIVITIES_RE.search(output) or len(_LIST_ITEM_RE.findall(output)) >= 2):
        missing.append("activities")
    if not _CHECK_RE.search(output):
        missing.append("check")
    if not missing:
        return ModeCheck(True, [], output)
    fill = {"standard": standard, "topic": _topic(prompt, standard)}
    head = [LESSON_TEMPLATE[k].format(**fill) for k in ("standard", "objective") if k in missing]
    tail = [LESSON_TEMPLATE[k].format(**fill) for k in ("activities", "check") if k in missing]
    fixed = "\n\n".join(p for p in ["\n".join(head), output.strip(), *tail] if p)
    names = {"standard": f"the standard {standard}", "objective": "an objective", "activities": "activities",
             "check": "a check for understanding"}
    return ModeCheck(False, [f"lesson: missing {names[k]}; added from the template" for k in missing], fixed)


# -- explain / assess: length and readability at the student's level -----------------------------

# Per grade band (K-2, 3-5, 6-8, 9-12): most words, most words per sentence on average, and
# how many grades above the reading level the Flesch-Kincaid grade may be.
MAX_WORDS = (120, 180, 260, 360)
MAX_SENTENCE_WORDS = (12, 16, 22, 28)
READABILITY_SLACK = 3.0
SHORTER = {Accommodation.adhd, Accommodation.dyslexia}  # two thirds of the words


_words = readability.words


def readability_grade(text: str) -> float:
    """Flesch-Kincaid grade of a text (NaN without words); word by word like training.evaluate
    (textstat 0.7.7's own function raises on numbers)."""
    words = _words(text)
    if not words:
        return math.nan
    return readability.fk_grade(words, len([s for s in _sentences(text) if _words(text[s[0]:s[1]])]))


def _band(level: int) -> int:
    return 0 if level <= 2 else 1 if level <= 5 else 2 if level <= 8 else 3


def check_length(output: str, profile: StudentProfile | None) -> ModeCheck:
    if not output.strip():
        return ModeCheck(False, ["empty output"], output)
    if profile is None:
        return ModeCheck(True, [], output)
    level = profile.effective_reading_level
    band = _band(level)
    limit = MAX_WORDS[band]
    if SHORTER & set(profile.accommodations):
        limit = limit * 2 // 3
    problems, fixed = [], output
    spans = [s for s in _sentences(output) if _words(output[s[0]:s[1]])]
    n_words = len(_words(output))
    if n_words > limit:
        problems.append(f"length: {n_words} words; at most {limit} for this student; cut at a sentence end")
        kept, count = 0, 0
        for start, end in spans:
            count += len(_words(output[start:end]))
            if count > limit and kept:
                break
            kept = end
        fixed = output[:kept].rstrip()
    per_sentence = n_words / max(1, len(spans))
    if per_sentence > MAX_SENTENCE_WORDS[band]:
        problems.append(f"sentences: {per_sentence:.0f} words on average; at most {MAX_SENTENCE_WORDS[band]} "
                        "at this level")
    if n_words >= 20:
        grade = readability_grade(output)
        target = max(level, 2)
        if grade > target + READABILITY_SLACK:
            problems.append(f"readability: Flesch-Kincaid grade {grade:.1f} for a reading level of {level} "
                            f"(allowed up to {target + READABILITY_SLACK:.0f})")
    return ModeCheck(not problems, problems, fixed)
