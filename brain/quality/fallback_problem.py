"""A math problem in a tutor prompt, found, parsed with its shape kept, and solved exactly.

    problem = find_problem("I got 6/12 for 3/4 + 1/8. Can you help?", answer=Rational(7, 8))
    problem.value      # Rational(7, 8), computed with sympy Rationals
    first_op(problem.tree)[0].text   # "3/4 + 1/8": the operation to do first
    worked(problem)    # "3/4 + 1/8 = 6/8 + 1/8 = 7/8"

Arithmetic (``3/4 + 1/8``, ``48 - 12 + 2``, ``(-3) × (-4)``, ``2^(-3)``) is read by a small
recursive-descent parser that keeps the problem's shape (sympy would fold it), so the first
operation to do (order of operations, parentheses first) can be named. Linear equations in
one letter (``2x + 3 = 11``) and blanks (``3 × __ = 21``, ``3/4 = __/8``) are solved with
sympy. With the item's answer, only a problem with that value is taken, so the student's
wrong answer or a stated ``x = 5`` is never mistaken for the problem.

This is a small re-write of the finding part of ``serving/tutor_problem.py`` (brain must not
import serving), kept to what the fallback needs: the problem's structure. Steps built on it
are ``brain.quality.fallback_math``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from brain.mathcheck import NotCheckable, parse_math


@dataclass
class Node:
    """One node of an arithmetic problem: a number ('num'), 'neg', 'paren' or a binary op (+ - * : ^)."""

    kind: str
    value: sp.Rational
    text: str
    args: tuple[Node, ...] = ()

    @property
    def leaf(self) -> bool:
        """A signed number: 5, -5, (-5)."""
        return self.kind == "num" or (self.kind in ("neg", "paren") and self.args[0].leaf)


@dataclass
class MathProblem:
    """A problem found in a prompt: an arithmetic tree or an equation, with its exact value."""

    text: str  # the math as found, e.g. "3/4 + 1/8", "2x - 14 = 8"
    value: sp.Expr  # the answer, exact
    tree: Node | None = None  # arithmetic
    lhs: sp.Expr | None = None  # equations
    rhs: sp.Expr | None = None
    variable: str | None = None
    blank: bool = False  # "3 × __ = 21": the unknown is a blank, not a letter


SYMBOLS = {"+": "+", "-": "-", "*": "×", ":": "÷", "^": "^"}


def _prep(text: str) -> str:
    text = text.replace("−", "-").replace("–", "-").replace("×", "*").replace("·", "*").replace("÷", ":")
    text = re.sub(r"(?<=[\d)])\s*x\s*(?=[\d(])", "*", text)  # "7 x 8"
    return re.sub(r"(?<=\d)\s+/\s*(?=\d)|(?<=\d)\s*/\s+(?=\d)", ":", text)  # "12 / 4": a division


def _frac_value(tok: str) -> sp.Rational:
    if "/" in tok:
        num, den = tok.split("/")
        if int(den) == 0:
            raise NotCheckable("division by zero")
        return sp.Rational(int(num), int(den))
    return sp.Rational(tok)


class _Parser:
    """Recursive descent over + - × ÷ ^ ( ) and numbers (3, 0.25, 3/4): shape and exact value."""

    def __init__(self, text: str):
        self.toks = re.findall(r"\d+(?:\.\d+)?(?:/\d+)?|[-+*:^()]", text)
        if "".join(self.toks) != re.sub(r"\s+", "", text):
            raise NotCheckable("not plain arithmetic")
        self.i = 0

    def peek(self) -> str | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> str:
        tok = self.peek()
        if tok is None:
            raise NotCheckable("unexpected end")
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.expr()
        if self.peek() is not None:
            raise NotCheckable("trailing tokens")
        return node

    def binary(self, op: str, a: Node, b: Node) -> Node:
        if op == ":" and b.value == 0:
            raise NotCheckable("division by zero")
        if op == "^" and (not b.value.is_Integer or abs(b.value) > 12):
            raise NotCheckable("exponent")
        value = {"+": a.value + b.value, "-": a.value - b.value, "*": a.value * b.value,
                 ":": a.value / b.value if b.value else 0, "^": a.value ** b.value if a.value or b.value > 0 else 0}[op]
        sep = "" if op == "^" else " "
        return Node(op, sp.Rational(value), f"{a.text}{sep}{SYMBOLS[op]}{sep}{b.text}", (a, b))

    def expr(self) -> Node:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            node = self.binary(op, node, self.term())
        return node

    def term(self) -> Node:
        node = self.unary()
        while self.peek() in ("*", ":"):
            op = self.take()
            node = self.binary(op, node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek() == "-":
            self.take()
            inner = self.unary()
            return Node("neg", -inner.value, "-" + inner.text, (inner,))
        return self.power()

    def power(self) -> Node:
        base = self.atom()
        if self.peek() == "^":
            self.take()
            return self.binary("^", base, self.unary())
        return base

    def atom(self) -> Node:
        tok = self.take()
        if tok == "(":
            inner = self.expr()
            if self.take() != ")":
                raise NotCheckable("unbalanced")
            return Node("paren", inner.value, f"({inner.text})", (inner,))
        if not re.fullmatch(r"\d+(?:\.\d+)?(?:/\d+)?", tok):
            raise NotCheckable(f"unexpected {tok!r}")
        return Node("num", _frac_value(tok), tok)


def parse_arithmetic(text: str) -> Node:
    """The shape and exact value of '3/4 + 1/8', '-4 × (3 - 8)', '(-5)^2'; NotCheckable otherwise."""
    node = _Parser(_prep(text)).parse()
    if node.leaf:
        raise NotCheckable("a lone number is no problem")
    return node


# -- finding the problem in a prompt ---------------------------------------------------------

def _spans(prompt: str) -> list[str]:
    """Runs of math: digits, operators, one-letter variables, blanks and '='."""
    text = prompt.replace("−", "-").replace("’", "'")
    text = re.sub(r"(?<=[A-Za-z])'[a-z]+", "", text)  # "isn't": no stray letter t
    text = re.sub(r"_{2,}", " __ ", text)
    text = re.sub(r"\b(?:times|multiplied by)\b", "×", text)
    text = re.sub(r"\b(?:divided by)\b", "÷", text)
    text = re.sub(r"\bplus\b", "+", text)
    text = re.sub(r"\bminus\b", "-", text)
    # words of 2+ letters and sentence punctuation end a span
    text = re.sub(r"[A-Za-z]{2,}|\b[A-Z]\b|[?!,;:\"']|\.(?!\d)|\$", "|", text)  # "I" and "A" too
    return [s.strip().strip("=").strip() for s in text.split("|") if re.search(r"\d", s)]


def _equation(span: str) -> MathProblem | None:
    blank = "__" in span
    body = span.replace("__", " b ") if blank else span
    letters = set(re.findall(r"(?<![a-z])[a-z](?![a-z])", body))
    if len(letters) != 1 or body.count("=") != 1:
        return None
    var = letters.pop()
    if blank and var != "b":
        return None
    lhs_t, rhs_t = body.split("=")
    if re.fullmatch(rf"\s*{var}\s*", lhs_t) or re.fullmatch(rf"\s*{var}\s*", rhs_t):
        return None  # "x = 5": a stated value (the student's), not a problem
    try:
        lhs, rhs = parse_math(_prep(lhs_t).replace(":", "/")), parse_math(_prep(rhs_t).replace(":", "/"))
    except NotCheckable:
        return None
    sym = sp.Symbol(var)
    eq = sp.expand(lhs - rhs)
    if eq.free_symbols != {sym} or not eq.is_polynomial(sym) or sp.degree(eq, sym) != 1:
        return None
    root = sp.solve(eq, sym)[0]
    return MathProblem(span.strip(), root, lhs=lhs, rhs=rhs, variable=var, blank=blank)


def find_problem(prompt: str, answer: sp.Expr | None = None) -> MathProblem | None:
    """The arithmetic or one-letter linear equation in a prompt, solved exactly; None if there is none.

    With ``answer`` (the item's), a problem whose value differs is not taken: the prompt's
    other math (the student's wrong answer, "x = 5") is then not mistaken for the problem."""
    found: list[MathProblem] = []
    for span in _spans(prompt):
        if "=" in span:
            problem = _equation(span)
        else:
            try:
                tree = parse_arithmetic(span)
            except (NotCheckable, ValueError, ZeroDivisionError):
                continue
            problem = MathProblem(tree.text, tree.value, tree=tree)
        if problem is not None:
            found.append(problem)
    if answer is not None:
        found = [p for p in found if p.value == answer or sp.simplify(p.value - answer) == 0]
    return max(found, key=lambda p: len(p.text), default=None)


# -- writing it ------------------------------------------------------------------------------

def fmt(x: sp.Expr, fraction: bool = False) -> str:
    """'7/8' (fraction style, or when the decimal would not end), '0.875', '-12'."""
    x = sp.nsimplify(x)
    if x.is_Integer or not x.is_Rational:
        return str(x)
    q, k = int(x.q), 0
    while q % 2 == 0 or q % 5 == 0:
        q //= 2 if q % 2 == 0 else 5
    if fraction or q != 1:
        return f"{x.p}/{x.q}"
    while (x * 10**k).q != 1:
        k += 1
    digits = str(abs(int(x * 10**k))).rjust(k + 1, "0")
    return ("-" if x < 0 else "") + digits[:-k] + "." + digits[-k:]


def is_fraction(n: Node) -> bool:
    return "/" in n.text


def is_decimal(n: Node) -> bool:
    return "." in n.text


def denominator(n: Node) -> int | None:
    m = re.search(r"/(\d+)", n.text)
    return int(m.group(1)) if m else None


def first_op(node: Node, parent: Node | None = None) -> tuple[Node, Node | None] | None:
    """The first operation to do (order of operations): leftmost of the innermost ones."""
    if node.leaf:
        return None
    if node.kind not in ("paren", "neg") and all(a.leaf for a in node.args):
        return node, parent
    for arg in node.args:
        found = first_op(arg, node)
        if found:
            return found
    return None


def _replace(node: Node, target: Node, frac: bool) -> Node:
    """The tree with ``target`` worked out to a number."""
    if node is target:
        text = fmt(node.value, frac)
        return Node("num", node.value, f"({text})" if node.value < 0 else text)
    if node.leaf or not node.args:
        return node
    args = tuple(_replace(a, target, frac) for a in node.args)
    if node.kind == "paren":
        inner = args[0]
        if inner.kind == "num":
            return inner
        return Node("paren", node.value, f"({inner.text})", args)
    if node.kind == "neg":
        return Node("neg", node.value, "-" + args[0].text, args)
    sep = "" if node.kind == "^" else " "
    return Node(node.kind, node.value, f"{args[0].text}{sep}{SYMBOLS[node.kind]}{sep}{args[1].text}", args)


def _common(node: Node) -> str | None:
    """'3/4 + 1/8' -> '6/8 + 1/8': both fractions over their least common denominator."""
    a, b = node.args
    if node.kind not in ("+", "-") or not (is_fraction(a) and is_fraction(b)) or denominator(a) == denominator(b):
        return None
    if a.value < 0 or b.value < 0:
        return None
    lcd = sp.ilcm(denominator(a), denominator(b))
    return f"{a.value * lcd}/{lcd} {SYMBOLS[node.kind]} {b.value * lcd}/{lcd}"


def plain(node: Node) -> str:
    """The node written so that a reader who takes ÷ for / still gets it right: '(2/3) ÷ (1/3)'."""
    if node.kind == "num":
        return node.text
    if node.kind == "neg":
        return "-" + plain(node.args[0])
    if node.kind == "paren":
        return f"({plain(node.args[0])})"
    a, b = (f"({plain(x)})" if node.kind in (":", "^") and is_fraction(x) and x.kind == "num" else plain(x)
            for x in node.args)
    sep = "" if node.kind == "^" else " "
    return f"{a}{sep}{SYMBOLS[node.kind]}{sep}{b}"


def worked(problem: MathProblem) -> str | None:
    """A short worked line for explain mode: '3/4 + 1/8 = 6/8 + 1/8 = 7/8', '2x = 22, so x = 11'."""
    if problem.tree is not None:
        frac = "." not in problem.text
        node, chain = problem.tree, [plain(problem.tree)]
        while not node.leaf and len(chain) < 5:
            found = first_op(node.args[0] if node.kind == "paren" else node)
            if found is None:
                break
            sub = found[0]
            common = _common(sub) if sub is node else None
            if common:
                chain.append(common)
            node = _replace(node, sub, frac)
            chain.append(plain(node))
        chain[-1] = fmt(problem.value, frac)
        return " = ".join(dict.fromkeys(chain))
    if problem.blank:
        return None
    v, frac = sp.Symbol(problem.variable), "." not in problem.text
    answer = f"{problem.variable} = {fmt(problem.value, frac and not problem.value.is_Integer)}"
    lhs, rhs = sp.expand(problem.lhs), sp.expand(problem.rhs)
    if lhs.coeff(v) == 0:
        lhs, rhs = rhs, lhs
    a, c = lhs.coeff(v), lhs.subs(v, 0)
    if rhs.coeff(v) == 0 and c != 0 and a.is_Integer and a != 1:
        return f"{a}{problem.variable} = {fmt(rhs - c, frac)}, so {answer}"
    return answer
