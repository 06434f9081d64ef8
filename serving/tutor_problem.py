"""The student's problem in a tutor prompt, found and solved with sympy.

    solve_problem("What is 3/4 + 1/8?")     # Problem("3/4 + 1/8", [7/8], "add")
    solve_problem("Solve 2x + 3 = 11")      # Problem("2x+3=11", [4], "solve", "x")

Checkable problems are arithmetic, an equation in one variable (polynomials up
to degree 4), and simplify / expand / factor an expression; word problems are
not solved (None). The tutor check (``serving.modes``) uses the answers to find
sentences that give them away.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import sympy as sp

from brain.mathcheck import NUMBER, NotCheckable, normalize, parse_math, parse_number


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


def math_spans(text: str) -> list[str]:
    """Runs of math in a sentence: numbers, single-letter variables, operators, '='."""
    low = normalize(text) if len(text) < 4000 else text.lower()
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
    spans = math_spans(prompt)
    verb = next((v for v in _VERBS if re.search(rf"\b{v}", prompt.lower())), None)
    given: dict[sp.Symbol, sp.Expr] = {}  # "If x = 3, what is 2x + 1?"
    equations, expressions = [], []
    for span in spans:
        m = re.fullmatch(rf"([a-z])\s*=\s*(-?\s*{NUMBER})", span)
        if m:
            try:
                literal = m.group(2).replace(" ", "") if "/" not in m.group(2) else m.group(2)
                given[sp.Symbol(m.group(1))] = parse_number(literal)[0]
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
