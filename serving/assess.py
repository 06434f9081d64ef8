"""Assessment grading for ``POST /v1/assess``: exact checks with sympy, open answers with the model.

    result = assess(AssessRequest(question="What is 3/4 + 1/8?", student_answer="0.875",
                                  reference_answer="7/8", context={"student_id": "s1", "grade": 4}),
                    generate_fn)
    result.score, result.correct, result.method   # 1.0, True, "exact"

Checkable answers (integers, decimals, fractions, mixed numbers, percentages,
money and units, algebraic expressions, ``x = 4`` style answers, lists and
sets) are compared exactly: numbers as sympy Rationals (0.75 == 3/4; 0.33 !=
1/3), expressions by ``simplify(a - b) == 0``. Anything else is graded by the
model through ``generate_fn(messages, max_new_tokens) -> str`` (injected by the
endpoint), and by word overlap with the reference when the model's verdict
cannot be read. Every result says which (``method``) and why (``note``).

The parser never evaluates arbitrary code: only digits, single-letter
variables, + - * / ^ ( ) and a few named functions (sqrt, pi, ...) reach
sympy, strings over 200 characters are not parsed, and powers whose exponents
(nested ones multiplied) exceed 1000 are refused before evaluation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    rationalize,
    standard_transformations,
)

from brain.schemas import grade_label, parse_grade
from serving.schemas import AssessRequest, AssessResult

GenerateFn = Callable[[list[dict[str, str]], int], str]

MAX_ANSWER_CHARS = 200  # longer strings are never handed to the parser
MAX_EXPONENT = 1000  # |exponent| bound, nested exponents multiplied (9^9^9 is refused)
MAX_DEGREE = 20  # ... and of a power of an expression with variables ((x+1)^1000 takes seconds to simplify)
OPEN_CORRECT_AT = 0.6  # open answers: score at or above this is "correct"
GRADER_MAX_TOKENS = 96


# -- safe parsing -------------------------------------------------------------------------

class NotCheckable(ValueError):
    """The text is not an answer the exact checker understands (prose, too long, unsafe)."""


_TRANSFORMS = standard_transformations + (implicit_multiplication_application, convert_xor, rationalize)
_FUNCTIONS = {"sqrt": sp.sqrt, "pi": sp.pi, "abs": sp.Abs, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
              "log": sp.log, "ln": sp.log, "exp": sp.exp}
_GLOBALS = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational,
            "Symbol": sp.Symbol, "Add": sp.Add, "Mul": sp.Mul, "Pow": sp.Pow, **_FUNCTIONS}
# Short words that are English, not products of variables ("no" is not n*o).
_WORDS = set("""a an as at be by do go he if in is it me my no of oh ok on or so to up us we yes and are but
can did for got had has her him his how its not now one our out she the too two was who why yet you all any
few get let may new old see six ten way own put say off act add set sum try def del lambda""".split())

NUMBER = r"(?:\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+|\d+(?:\.\d+)?|\.\d+)"  # mixed, fraction, decimal
_NUMBER_RE = re.compile(rf"([-+]?)\s*({NUMBER})")

_UNICODE = {"−": "-", "–": "-", "—": "-", "×": "*", "·": "*", "∙": "*", "÷": "/", "²": "^2", "³": "^3",
            "√": "sqrt", "π": "pi", "…": "...", "½": " 1/2", "¼": " 1/4", "¾": " 3/4", "⅓": " 1/3",
            "⅔": " 2/3", "⅛": " 1/8", "’": "'", "＝": "="}
_UNIT_ALIASES = {
    "millimeter": "mm", "millimetre": "mm", "centimeter": "cm", "centimetre": "cm", "meter": "m", "metre": "m",
    "kilometer": "km", "kilometre": "km", "inch": "in", "inche": "in", "foot": "ft", "feet": "ft",
    "yard": "yd", "mile": "mi", "gram": "g", "kilogram": "kg", "milligram": "mg", "pound": "lb", "lbs": "lb",
    "ounce": "oz", "liter": "l", "litre": "l", "milliliter": "ml", "millilitre": "ml", "gallon": "gal",
    "quart": "qt", "pint": "pt", "second": "s", "sec": "s", "minute": "min", "hour": "h", "hr": "h",
    "year": "yr", "degree": "°", "deg": "°", "dollar": "$", "cent": "¢", "percent": "%",
}
_UNIT_SYMBOLS = {"mm", "cm", "m", "km", "in", "ft", "yd", "mi", "g", "kg", "mg", "lb", "oz", "l", "ml", "gal",
                 "qt", "pt", "cup", "s", "min", "h", "day", "week", "yr", "°", "$", "¢", "mph", "%"}
_UNIT_RE = re.compile(r"(?:(?:sq\.?|square|cubic)\s+)?[a-z°¢$%][a-z°¢.]*(?:\^?[23])?"
                      r"(?:\s*(?:/|per)\s*[a-z]+)?(?:\s+[a-z]+)?")


def _normalize(text: str) -> str:
    for a, b in _UNICODE.items():
        text = text.replace(a, b)
    text = text.strip().lower().replace("**", "^")
    text = re.sub(r"^(?:the\s+)?(?:final\s+)?(?:answer|ans|a)\s*(?:is|:)\s*", "", text)
    text = re.sub(r"(\d)\s+and\s+(\d+\s*/\s*\d+)", r"\1 \2", text)  # "1 and 1/2" is a mixed number
    text = text.rstrip("!? ")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


def _unit_key(unit: str) -> str:
    """Canonical unit: 'Centimeters' -> 'cm', 'square feet' / 'sq ft' / 'ft^2' -> 'ft^2'."""
    u = re.sub(r"\bper\b", "/", unit.strip().lower())
    power = ""
    m = re.match(r"(sq\.?|square|cubic)\s+(.*)", u)
    if m:
        power, u = ("^3" if m.group(1) == "cubic" else "^2"), m.group(2)
    m = re.match(r"(.*?)\^?([23])$", u)
    if m and m.group(1) and not power:
        u, power = m.group(1), "^" + m.group(2)
    parts = []
    for word in re.split(r"\s*/\s*|\s+", u):
        word = word.strip(".")
        for cand in (word, word[:-1] if word.endswith("s") else word, word[:-2] if word.endswith("es") else word):
            if cand in _UNIT_SYMBOLS or cand in _UNIT_ALIASES:
                word = _UNIT_ALIASES.get(cand, cand)
                break
        else:
            word = word[:-1] if word.endswith("s") and len(word) > 3 else word
        parts.append(word)
    return "/".join(parts) + power


def _is_unit(unit: str, spaced: bool, variables: set[str] | None = None) -> bool:
    """A unit after a number: any known unit; an unknown word (≥2 letters) only after a space ("12 apples").

    A one-letter unit written without a space ("12m") is algebra, unless ``variables`` (the
    reference's) says that letter is no variable."""
    first = re.split(r"[\s/^.]", unit.strip(), maxsplit=1)[0]
    if first in ("sq", "square", "cubic"):
        return True
    if first in _FUNCTIONS or first in ("and", "or", "x", "times", "plus", "minus"):
        return False
    key = _unit_key(first)
    if key in _UNIT_SYMBOLS:
        # one-letter units (m, g, l, s, h) need a space: "12m" is algebra
        return spaced or len(first) > 1 or first in "°$¢%" or (variables is not None and first not in variables)
    return spaced and len(first) >= 2


def _number(text: str) -> tuple[sp.Rational, int | None]:
    """Exact value of a number literal and its decimal places (None unless a decimal)."""
    m = re.fullmatch(rf"([-+]?)\s*({NUMBER})", text.strip())
    if not m:
        raise NotCheckable(f"not a number: {text!r}")
    sign = -1 if m.group(1) == "-" else 1
    body = m.group(2)
    mixed = re.fullmatch(r"(\d+)\s+(\d+)\s*/\s*(\d+)", body)
    frac = re.fullmatch(r"(\d+)\s*/\s*(\d+)", body)
    if mixed or frac:
        whole, num, den = (mixed.groups() if mixed else ("0", *frac.groups()))
        if int(den) == 0:
            raise NotCheckable("division by zero")
        return sign * (sp.Integer(whole) + sp.Rational(int(num), int(den))), None
    places = len(body.split(".")[1]) if "." in body else None
    return sign * sp.Rational(body), places


def _check_powers(expr: sp.Basic, factor: int = 1) -> None:
    """Refuse powers that would take long to evaluate: |exponent| x enclosing exponents > MAX_EXPONENT."""
    if isinstance(expr, sp.Pow):
        exp = expr.exp
        if not exp.is_Number:
            _check_powers(exp)
            exp = exp.doit()  # safe now: its own powers are bounded
        if exp.is_Number:
            inner = factor * abs(exp)
            if inner > (MAX_DEGREE if expr.base.free_symbols else MAX_EXPONENT):
                raise NotCheckable("exponent too large")
            _check_powers(expr.base, max(1, int(sp.ceiling(inner))))
        else:
            _check_powers(expr.base, factor)
        return
    for arg in expr.args:
        _check_powers(arg, factor)


def parse_math(text: str, variables: set[str] | None = None) -> sp.Expr:
    """One expression, parsed safely: '2x+3', '3/4 + 1/8', 'sqrt(2)', '0.75' (-> Rational(3, 4)).

    ``variables``: the letters allowed (the reference's), None for any. Raises NotCheckable for
    prose, unsafe or oversized input.
    """
    text = _normalize(text)
    if not text or len(text) > MAX_ANSWER_CHARS:
        raise NotCheckable("empty or too long")
    if "..." in text:
        raise NotCheckable("repeating decimals (0.333...) are not checked exactly")
    if not re.fullmatch(r"[0-9a-z+\-*/^().\s]+", text):
        raise NotCheckable("characters outside arithmetic")
    if re.search(r"\d\s+\d", text) or re.search(r"\d\.\d+\.", text):
        raise NotCheckable("numbers separated by a space")
    if re.search(r"\(\s*\)", text) or not _balanced(text):
        raise NotCheckable("empty or unbalanced parentheses")
    mathy = bool(re.search(r"[\d+\-*/^()]", text))
    letters: set[str] = set()
    for word in re.findall(r"[a-z]+", text):
        if word in _FUNCTIONS:
            continue
        if len(word) > 1 and (len(word) > 3 or word in _WORDS or not mathy):
            raise NotCheckable(f"prose: {word!r}")
        letters.update(word)
    if variables is not None and not letters <= variables:
        raise NotCheckable(f"letters {sorted(letters - variables)} are not variables of the reference")
    # "x(2+1)" is x*(2+1), not a function x
    text = re.sub(r"(?<![a-z])([a-z])\s*\(", r"\1*(", text)
    try:
        _check_powers(parse_expr(text, local_dict={}, global_dict=dict(_GLOBALS), transformations=_TRANSFORMS,
                                 evaluate=False))
        expr = parse_expr(text, local_dict={}, global_dict=dict(_GLOBALS), transformations=_TRANSFORMS)
    except NotCheckable:
        raise
    except Exception as exc:  # noqa: BLE001  (SyntaxError, TypeError, ZeroDivision... from sympy)
        raise NotCheckable(f"not an expression: {exc}") from None
    if not isinstance(expr, sp.Expr) or expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise NotCheckable("not a finite value")
    return expr


def same_value(a: sp.Expr, b: sp.Expr) -> bool:
    """Exact equality: Rationals compare directly, expressions by simplify(a - b) == 0."""
    if a.is_Number and b.is_Number:
        return bool(a == b)
    try:
        if sp.simplify(a - b) == 0:
            return True
        return a.equals(b) is True
    except Exception:  # noqa: BLE001
        return False


# -- answers: items and collections ----------------------------------------------------------

@dataclass(frozen=True)
class Item:
    """One value of an answer. ``values``: its readings, (value, unit); '75%' is (75, '%') and (3/4, None)."""

    text: str
    values: tuple[tuple[sp.Expr, str | None], ...] = ()
    var: str | None = None  # "x = 4": the variable named
    equation: sp.Expr | None = None  # "2x + 3 = 11": lhs - rhs
    places: int | None = None  # decimal places of a plain decimal ("0.33" -> 2)


@dataclass(frozen=True)
class Answer:
    items: tuple[Item, ...]
    ordered: bool = False  # "(2, 3)" is an ordered pair; "2, 3" and "{2, 3}" are sets

    @property
    def variables(self) -> set[str]:
        out: set[str] = set()
        for item in self.items:
            out |= {item.var} if item.var else set()
            for value, _ in item.values:
                out |= {str(s) for s in value.free_symbols}
            if item.equation is not None:
                out |= {str(s) for s in item.equation.free_symbols}
        return out


def _parse_value(text: str, variables: set[str] | None) -> Item:
    s = text.strip()
    unit = None
    m = re.fullmatch(r"([-+]?)\s*\$\s*(.+)", s)
    if m:
        s, unit = m.group(1) + m.group(2), "$"
    m = re.fullmatch(r"(.+?)\s*(?:%|percent)", s)
    if m and unit is None:
        n, _ = _number(m.group(1))
        return Item(text, ((n, "%"), (n / 100, None)))
    m = re.fullmatch(rf"([-+]?\s*{NUMBER})(\s*)(.+)", s)
    if m and unit is None and _UNIT_RE.fullmatch(m.group(3)) and _is_unit(m.group(3), bool(m.group(2)), variables):
        s, unit = m.group(1), _unit_key(m.group(3))
    m = re.fullmatch(r"(.+?)\s*¢", s)
    if m and unit is None:
        s, unit = m.group(1), "¢"
    if re.fullmatch(rf"[-+]?\s*{NUMBER}", s):
        value, places = _number(s)
        return Item(text, ((value, unit),), places=places)
    if unit is not None:
        raise NotCheckable("a unit after an expression")
    return Item(text, ((parse_math(s, variables), None),))


def _parse_item(text: str, variables: set[str] | None) -> Item:
    sides = text.split("=")
    if len(sides) == 1:
        return _parse_value(text, variables)
    if len(sides) != 2:
        raise NotCheckable("more than one '='")
    lhs, rhs = (p.strip() for p in sides)
    for var, value in ((lhs, rhs), (rhs, lhs)):
        if re.fullmatch(r"[a-z]", var):
            inner = _parse_value(value, variables)
            return Item(text, inner.values, var=var, places=inner.places)
    left = parse_math(lhs, variables)
    if not left.free_symbols and not re.search(r"[a-z]", rhs):
        return _parse_value(rhs, variables)  # "2 + 2 = 4": the work shown, then the answer
    return Item(text, equation=left - parse_math(rhs, variables))


def parse_answer(text: str, variables: set[str] | None = None) -> Answer:
    """A checkable answer: '3/4', '1 1/2', '-2.5', '75%', '$3.50', '12 cm', '3+2x', 'x = 4', '2, 3',
    '{2, 3}', '(1, 2)', 'x = 2 or x = -3'. Raises NotCheckable otherwise."""
    s = _normalize(text)
    if not s or len(s) > MAX_ANSWER_CHARS:
        raise NotCheckable("empty or too long")
    if "..." in s:
        raise NotCheckable("repeating decimals (0.333...) are not checked exactly")
    s = re.sub(r"(?<![\d,.])(\d{1,3}(?:,\d{3})+)(?![\d,])", lambda m: m.group(1).replace(",", ""), s)
    ordered = False
    if len(s) > 2 and s[0] + s[-1] in ("{}", "[]"):
        s = s[1:-1]
    elif len(s) > 2 and s[0] + s[-1] == "()" and "," in s and _balanced(s[1:-1]):
        s, ordered = s[1:-1], True
    parts = [p.strip() for p in _split_top(s)]
    if not parts or any(not p for p in parts):
        raise NotCheckable("empty list item")
    if len(parts) > 20:
        raise NotCheckable("too many items")
    return Answer(tuple(_parse_item(p, variables) for p in parts), ordered)


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _split_top(s: str) -> list[str]:
    """Split on , ; 'and' 'or' outside parentheses."""
    out, depth, cur = [], 0, ""
    tokens = re.split(r"(\(|\)|,|;|\s+and\s+|\s+or\s+)", s)
    for tok in tokens:
        if tok == "(":
            depth += 1
        elif tok == ")":
            depth -= 1
        if depth == 0 and (tok in (",", ";") or tok.strip() in ("and", "or")) and tok:
            out.append(cur)
            cur = ""
        else:
            cur += tok
    out.append(cur)
    return out


# -- comparing -----------------------------------------------------------------------------

EQUAL, UNITS, CLOSE, DIFFERENT = "equal", "units", "close", "different"
_STATUS_SCORE = {EQUAL: 1.0, UNITS: 0.5, CLOSE: 0.5, DIFFERENT: 0.0}


def _terminates(r: sp.Rational) -> bool:
    """Whether a rational has a finite decimal expansion (denominator 2^a 5^b)."""
    q = int(r.q)
    for p in (2, 5):
        while q % p == 0:
            q //= p
    return q == 1


def _compare_values(a: sp.Expr, pa: int | None, b: sp.Expr, pb: int | None) -> str:
    if same_value(a, b):
        return EQUAL
    for dec, places, other in ((a, pa, b), (b, pb, a)):
        if places is None or other.free_symbols or other.is_real is not True:
            continue
        if abs(sp.N(other, 30) - dec) > sp.Rational(1, 2) / 10**places:
            continue
        if other.is_rational is False:
            return EQUAL  # pi ~ 3.14: a correctly rounded irrational value
        if other.is_Rational and not _terminates(other):
            return CLOSE  # 0.33 vs 1/3: near, not exact
    return DIFFERENT


def compare_items(student: Item, reference: Item) -> str:
    if student.equation is not None or reference.equation is not None:
        if student.equation is None or reference.equation is None:
            return DIFFERENT
        try:
            ratio = sp.simplify(student.equation / reference.equation)
        except Exception:  # noqa: BLE001
            return DIFFERENT
        return EQUAL if ratio.is_Number and ratio != 0 else DIFFERENT
    if student.var and reference.var and student.var != reference.var:
        return DIFFERENT
    best = DIFFERENT
    for sv, su in student.values:
        for rv, ru in reference.values:
            # "5 m" against a reference written "5m" (read as 5*m): the letter was a unit
            if su and not ru and rv.free_symbols == {sp.Symbol(su)}:
                sv, su = sv * sp.Symbol(su), None
            status = _compare_values(sv, student.places, rv, reference.places)
            if status == EQUAL and su and ru and su != ru:
                status = UNITS
            if _STATUS_SCORE[status] > _STATUS_SCORE[best]:
                best = status
    return best


@dataclass
class ExactCheck:
    score: float
    correct: bool
    status: str  # equal | units | close | partial | different
    note: str


def compare_answers(student: Answer, reference: Answer) -> ExactCheck:
    ref_items, stu_items = list(reference.items), list(student.items)
    if reference.ordered:
        pairs = list(zip(stu_items, ref_items, strict=False))  # a missing item scores 0
        statuses = [compare_items(s, r) for s, r in pairs]
    else:
        statuses, left = [], list(stu_items)
        for r in ref_items:
            scored = [(compare_items(s, r), i) for i, s in enumerate(left)]
            if not scored:
                statuses.append(DIFFERENT)
                continue
            status, i = max(scored, key=lambda t: _STATUS_SCORE[t[0]])
            statuses.append(status)
            if status != DIFFERENT:
                left.pop(i)
    n = max(len(ref_items), len(stu_items))
    score = round(sum(_STATUS_SCORE[s] for s in statuses) / n, 3)
    correct = len(ref_items) == len(stu_items) and all(s == EQUAL for s in statuses)
    if correct:
        status, note = EQUAL, "equal"
    elif len(ref_items) == 1 and len(stu_items) == 1:
        status = statuses[0]
        note = {UNITS: "right number, different unit", CLOSE: "a rounded decimal of a value that is not a "
                "terminating decimal", DIFFERENT: "different value"}[status]
    else:
        status = "partial" if score > 0 else DIFFERENT
        note = f"{sum(s == EQUAL for s in statuses)} of {len(ref_items)} items right" + (
            f" ({len(stu_items)} given)" if len(stu_items) != len(ref_items) else "")
    return ExactCheck(score=score, correct=correct, status=status, note=note)


_CUE_RE = re.compile(r"(?:\banswer\s*(?:is|:|=)|=|\bequals?\b|\bis\b|\bare\b|\bget\b|\bgot\b|\bmakes\b|"
                     r"\bgives\b|\bwould be\b)\s*", re.I)
_TOKEN_RE = re.compile(rf"(?:\b[a-z]\s*=\s*)?[-+]?\$?\s*{NUMBER}(?:\s*(?:%|°|¢|[a-z]+\b))?", re.I)


def _extract(text: str, variables: set[str]) -> Answer | None:
    """The answer stated in prose: 'I think it is 12 cm.' -> 12 cm; None when none can be told."""
    text = text[:2000]
    for cue in reversed(list(_CUE_RE.finditer(text))):
        rest = re.split(r"(?<!\d)[.;!?](?!\d)|\n|\bbecause\b|\bsince\b", text[cue.end():], maxsplit=1)[0]
        tok = _TOKEN_RE.match(rest.lstrip())
        for cand in (rest, _strip_unknown_unit(tok.group(0)) if tok else None):
            if cand and cand.strip():
                try:
                    return parse_answer(cand, variables)
                except NotCheckable:
                    continue
    tokens = {_strip_unknown_unit(t.group(0)).strip() for t in _TOKEN_RE.finditer(text)}
    if len(tokens) == 1 and re.search(r"[a-z]{2,}", text, re.I):  # one number in a sentence
        try:
            return parse_answer(tokens.pop(), variables)
        except NotCheckable:
            return None
    return None


def _strip_unknown_unit(token: str) -> str:
    m = re.fullmatch(rf"(.*?{NUMBER})\s*([a-z]+)", token, re.I)
    if m and _unit_key(m.group(2)) not in _UNIT_SYMBOLS:
        return m.group(1)
    return token


def check_exact(student_answer: str, reference_answer: str) -> ExactCheck | None:
    """Exact comparison, or None when either side is not checkable (then the model grades).

    A student answer in prose is read for its stated answer first ('The answer is 7/8.').
    """
    try:
        reference = parse_answer(reference_answer)
    except NotCheckable:
        return None
    variables = reference.variables
    try:
        student = parse_answer(student_answer, variables)
    except NotCheckable as exc:
        if "repeating" in str(exc):
            return None
        student = _extract(student_answer, variables)
        if student is None:
            return None
    return compare_answers(student, reference)


# -- feedback ---------------------------------------------------------------------------------

def _band(level: int) -> int:
    return 0 if level <= 2 else 1 if level <= 5 else 2 if level <= 8 else 3


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
    band = _band(level)
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


def grade_open(
    question: str,
    student_answer: str,
    reference: str | None,
    rubric: str | None,
    grade: int | str,
    generate_fn: GenerateFn,
    reading_level: int | None = None,
) -> AssessResult:
    """Grade a prose answer with the model; word overlap with the reference (or rubric) when the
    model's reply holds no readable verdict. ``generate_fn(messages, max_new_tokens) -> str``."""
    grade = parse_grade(grade)
    level = grade if reading_level is None else reading_level
    system = _GRADER_SYSTEM.format(grade=grade_label(grade), and_rubric=" and the rubric" if rubric else "")
    user = [f"Question: {question.strip()}"]
    if reference:
        user.append(f"Reference answer: {reference.strip()}")
    if rubric:
        user.append(f"Rubric: {rubric.strip()}")
    user.append(f"Student answer: {student_answer.strip()}")
    reply = generate_fn([{"role": "system", "content": system}, {"role": "user", "content": "\n".join(user)}],
                        GRADER_MAX_TOKENS)
    parsed = parse_verdict(reply or "")
    if parsed is not None:
        score, correct, comment = parsed
        method, note = "model", "graded by the model against the " + ("reference" if reference else "rubric")
    else:
        score = overlap_score(student_answer, reference or rubric or "")
        correct, comment, method = score >= OPEN_CORRECT_AT, None, "overlap"
        note = (f"the model's reply had no verdict; {score:.0%} of the "
                f"{'reference' if reference else 'rubric'}'s key words are in the answer")
    status = "open_correct" if correct else "open_partial" if score >= 0.3 else "open_different"
    text = feedback_text(status, level, reference)
    comment = _first_sentence(comment) if comment else ""
    if comment and (level > 5 or len(comment.split()) <= 12):
        text = f"{text} {comment}"
    return AssessResult(score=score, correct=correct, feedback=text, method=method, expected=reference, note=note)


# -- the route's entry point ------------------------------------------------------------------

def assess(request: AssessRequest, generate_fn: GenerateFn) -> AssessResult:
    """Grade one answer: exact when the reference is checkable, else the model (or overlap)."""
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
                      request.context.grade, generate_fn, reading_level=level)
