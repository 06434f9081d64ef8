"""Exact comparison of a student's math answer with the reference: equal, other units, close, different.

    check = check_exact("0.875", "7/8")
    check.score, check.correct, check.status    # 1.0, True, "equal"

Both sides are read by ``brain.mathcheck``; expressions are equal when
``simplify(a - b) == 0``. A right number in another unit, or a rounded
decimal of a value that has no terminating decimal (0.33 for 1/3), scores
0.5; lists and sets score the share of items right. A student answer in
prose is read for its stated answer ("The answer is 7/8."). ``check_exact``
returns None when either side is not checkable: the caller grades otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from brain.mathcheck import NUMBER, UNIT_SYMBOLS, Answer, Item, NotCheckable, parse_answer, same_value, unit_key

EQUAL, UNITS, CLOSE, DIFFERENT = "equal", "units", "close", "different"
_STATUS_SCORE = {EQUAL: 1.0, UNITS: 0.5, CLOSE: 0.5, DIFFERENT: 0.0}


def terminates(r: sp.Rational) -> bool:
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
        if other.is_Rational and not terminates(other):
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
    if m and unit_key(m.group(2)) not in UNIT_SYMBOLS:
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
