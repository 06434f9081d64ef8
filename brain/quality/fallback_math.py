"""The next step of a math problem, derived from its exact shape and asked as a question.

    problem = find_problem("What is 3/4 + 1/8?")        # brain.quality.fallback_problem
    step_candidates(problem, grade=5)   # ["What common denominator could 4 and 8 share?", ...]

Per shape: adding or subtracting fractions asks for a common denominator (or, when they
match, what happens to the top numbers); whole numbers start with the ones place (carry,
regroup); a product breaks a factor apart (7 × 8: "Try 7 × 4 first, then double it";
53 × 15: "Break 53 into 50 and 3. What is 15 × 3 first?"); a division starts with the first digits, a decimal
divisor is scaled to a whole number, a fraction divisor is flipped; signs come first for
negatives; powers are written as products (negative exponents as 1 over the power); more
than one operation names the first one (parentheses, × before +, left to right);
equations say what to undo on both sides. Candidates come best first, each with fewer
numbers than the one before; the caller (``brain.quality.fallback``) keeps the first
whose numbers are true and none of them the answer.
"""

from __future__ import annotations

import re

import sympy as sp

from brain.quality.fallback_problem import (
    MathProblem,
    Node,
    denominator,
    first_op,
    fmt,
    is_decimal,
    is_fraction,
    plain,
)


def _ones(a: int) -> int:
    return abs(a) % 10


def _ones_text(n: int) -> str:
    return "1 one" if n == 1 else f"{n} ones"


def _bottom(grade: int) -> str:
    return "denominator" if grade >= 5 else "bottom number"


def _add_sub(op: str, a: Node, b: Node, grade: int) -> list[str]:
    verb = "add" if op == "+" else "subtract"
    if is_fraction(a) or is_fraction(b):
        da, db = denominator(a) or 1, denominator(b) or 1
        if da != db:
            return [f"What common {_bottom(grade)} could {da} and {db} share?",
                    f"What common {_bottom(grade)} could these fractions share?"]
        return [f"The {_bottom(grade)}s are already the same. What do you get when you {verb} the top numbers?",
                f"The {_bottom(grade)}s match, so what happens to the top numbers?"]
    if is_decimal(a) or is_decimal(b):
        whole = next((n for n in (a, b) if not is_decimal(n)), None)
        lead = f"Write {whole.text} as {whole.text}.0, then line up the decimal points. " if whole else \
            "Line up the decimal points first, so tenths sit under tenths. "
        if a.value < 0 or b.value < 0:
            return ["Think of a number line. Which number is farther from zero, and what sign will the answer have?"]
        return [lead + f"What do you get when you {verb} the digits in the last place?",
                "Line up the decimal points first. Which digits sit in the same place?"]
    x, y = a.value, b.value
    if op == "-" and y < 0:
        return [f"Subtracting a negative is the same as adding. What is {a.text} + {fmt(-y)}?",
                "Subtracting a negative is the same as adding. How could you rewrite the problem?"]
    if x < 0 or y < 0:
        move = "right" if (op == "+") == (y > 0) else "left"
        return [f"Think of a number line: start at {a.text} and move {fmt(abs(y))} to the {move}. "
                "Do you land above or below zero?",
                "Think of a number line. Which way do you move, and do you cross zero?"]
    if op == "-" and x < y:
        return [f"Will the answer be above or below zero? How far apart are {fmt(x)} and {fmt(y)}?",
                "Is the second number bigger than the first? Then will the answer be above or below zero?"]
    if x < 10 and y < 10:
        way = "on" if op == "+" else "back"
        return [f"Start at {fmt(x)} and count {way} {fmt(y)}. Where do you land?",
                f"Start at the first number and count {way}. Where do you land?"]
    xo, yo = _ones(int(x)), _ones(int(y))
    if op == "+":
        return [f"Start with the ones place. What is {xo} + {yo}, and do you need to carry a ten?",
                "Start with the ones place. Do the ones add up to 10 or more?"]
    if xo < yo:
        if x % 100 < 10 and x >= 100:
            return [f"You can't take {_ones_text(yo)} from {_ones_text(xo)}, and there are no tens either. "
                    "Where can you regroup from?",
                    "There aren't enough ones or tens. Where can you regroup from?"]
        return [f"You can't take {_ones_text(yo)} from {_ones_text(xo)}. What can you trade to get more ones?",
                "There aren't enough ones. What can you trade to get more?"]
    return [f"Start with the ones place. What is {xo} - {yo}?", "Start with the ones place and work left."]


def _times(a: Node, b: Node) -> list[str]:
    x, y = a.value, b.value
    if x < 0 or y < 0:
        both = x < 0 and y < 0
        return [f"What sign do you get when you multiply {'two negatives' if both else 'a negative by a positive'}? "
                f"Then what is {fmt(abs(x))} × {fmt(abs(y))}?",
                f"What sign do you get when you multiply {'two negatives' if both else 'a negative by a positive'}?"]
    if is_fraction(a) or is_fraction(b):
        if is_fraction(a) and is_fraction(b):
            na, nb = a.text.split("/")[0], b.text.split("/")[0]
            return [f"Multiply top times top and bottom times bottom. What is {na} × {nb}?",
                    "Multiply top times top and bottom times bottom. What do you get on top?"]
        whole, frac = (a, b) if is_fraction(b) else (b, a)
        if frac.text.startswith("1/"):
            return [f"{whole.text} × {frac.text} means {whole.text} pieces that are each {frac.text}. "
                    "How many wholes do they make?", "How many of those pieces make one whole?"]
        top = frac.text.split("/")[0]
        return [f"Only the top number gets multiplied by {whole.text}. What is {whole.text} × {top}?",
                "Only the top number gets multiplied by the whole number. What do you get on top?"]
    if is_decimal(a) or is_decimal(b):
        if x in (10, 100, 1000) or y in (10, 100, 1000):
            return ["When you multiply by 10 or 100, which way do the digits move, and how many places?",
                    "Which way do the digits move when you multiply by a power of ten?"]
        wa, wb = a.text.replace(".", "").lstrip("0") or "0", b.text.replace(".", "").lstrip("0") or "0"
        return [f"Multiply {wa} × {wb} as whole numbers first. "
                "Then how many decimal places do the two numbers have in all?",
                "Multiply as whole numbers first. How many decimal places do the two numbers have in all?"]
    xi, yi = int(x), int(y)
    small, big = sorted((xi, yi))
    if big >= 10 and big % 10 == 0 and small < 10:
        return [f"What is {small} × {big // 10}? Then remember that {big} is {big // 10} tens.",
                "Think of the tens: how many tens do you get?"]
    if big < 10:
        if big % 2 == 0 and big >= 4:
            return [f"Try {small} × {big // 2} first, then double it. What do you get?",
                    "Try half of the problem first, then double it."]
        return [f"Try {small} × {big - 1} first, then add one more {small}. What do you get?",
                "Skip count to find it. What number comes first?"]
    other = xi if yi == big else yi
    tens, ones = big - big % 10, big % 10
    if ones == 0 or big >= 100:
        big, other = other, big
        tens, ones = big - big % 10, big % 10
    if ones == 0 or big < 10:
        return ["Break one number into tens and ones. What part would you multiply first?"]
    return [f"Break {big} into {tens} and {ones}. What is {other} × {ones} first?",
            "Break one number into tens and ones. What part would you multiply first?"]


def _divide(a: Node, b: Node) -> list[str]:
    x, y = a.value, b.value
    if x < 0 or y < 0:
        both = x < 0 and y < 0
        pair = ("a negative by a negative" if both else
                "a negative by a positive" if x < 0 else "a positive by a negative")
        return [f"What sign do you get when you divide {pair}? "
                f"Then what is {fmt(abs(x))} ÷ {fmt(abs(y))}?",
                "What sign does the answer get when the signs are different?"]
    if is_fraction(b):
        if b.text.startswith("1/") and not is_fraction(a):
            return [f"How many {b.text}s fit in 1 whole? Then how many fit in {a.text}?",
                    "How many of those pieces fit in 1 whole?"]
        return [f"Dividing by a fraction is the same as multiplying by its flip. What is the flip of {b.text}?",
                "Dividing by a fraction is the same as multiplying by its flip. What is the flip?"]
    if is_decimal(b):
        places = len(b.text.split(".")[1])
        scale = 10 ** places
        if (x * scale).is_Integer:
            return [f"Multiply both numbers by {scale} so you divide by a whole number. "
                    f"What is {fmt(x * scale)} ÷ {fmt(y * scale)}?",
                    "Multiply both numbers by the same power of ten so you divide by a whole number."]
        return ["Multiply both numbers by the same power of ten so you divide by a whole number."]
    if x.is_Integer and y.is_Integer and y > 1:
        digits = str(int(x))
        for k in range(1, len(digits) + 1):
            if int(digits[:k]) >= y:
                return [f"Start with the first digits: how many {int(y)}s fit in {int(digits[:k])}?",
                        "Start with the first digits on the left. How many times does the divisor fit?"]
    return [f"How many groups of {b.text} fit in {a.text}?", "How many equal groups can you make?"]


def _power(a: Node, b: Node) -> list[str]:
    if a.value < 0:
        return [f"{a.text}^{b.text} means multiplying {a.text} by itself. "
                "Is a negative times a negative positive or negative?",
                "Is a negative times a negative positive or negative?"]
    if b.value < 0:
        return [f"A negative exponent means 1 over the power. What is {a.text}^{fmt(-b.value)}?",
                "A negative exponent means 1 over the power. What power goes on the bottom?"]
    return [f"What does {a.text}^{b.text} mean? Write it as a multiplication first.",
            "Write the power as a multiplication first."]


def _single(node: Node, grade: int) -> list[str]:
    a, b = node.args
    if node.kind in ("+", "-"):
        return _add_sub(node.kind, a, b, grade)
    if node.kind == "*":
        return _times(a, b)
    if node.kind == ":":
        return _divide(a, b)
    return _power(a, b)


def _arithmetic_steps(tree: Node, grade: int) -> list[str]:
    root = tree.args[0] if tree.kind == "paren" else tree
    found = first_op(root)
    if found is None:
        return []
    sub, parent = found
    if sub is root:
        return _single(sub, grade)
    what = f"What is {plain(sub)}?"
    if parent is not None and parent.kind == "paren":
        return [f"Start inside the parentheses. {what}", "Start inside the parentheses first."]
    if sub.kind in ("*", ":", "^") and root.kind in ("+", "-"):
        verb = {"*": "Multiply", ":": "Divide", "^": "Work out the power"}[sub.kind]
        return [f"{verb} before you add or subtract. {what}", f"{verb} before you add or subtract."]
    return [f"Work from left to right. {what}", "Work from left to right. Which part comes first?"]


def _equation_steps(p: MathProblem) -> list[str]:
    v = sp.Symbol(p.variable)
    name = "the blank" if p.blank else p.variable
    frac = "." not in p.text
    lhs, rhs = sp.expand(p.lhs), sp.expand(p.rhs)
    if lhs.coeff(v) != 0 and rhs.coeff(v) != 0:
        return [f"What could you do to both sides to get the {name} terms together on the same side?"]
    side = lhs if lhs.coeff(v) != 0 else rhs
    other = rhs if side is lhs else lhs
    a, c = side.coeff(v), side.subs(v, 0)
    generic = f"What could you do to both sides to get {name} by itself?"
    if p.blank and a.is_Integer and c == 0 and other.is_Integer:
        return [f"How many groups of {a} make {other}? You can count by {a}s.",
                "What number times the first number makes the total?"]
    if p.blank and c == 0 and a.is_Rational:
        return ["What did the bottom number get multiplied by? Do the same to the top number.",
                "What did the bottom number get multiplied by?"]
    if re.search(r"\d\s*\(", p.text) and c != 0:
        k = sp.Rational(re.search(r"(\d+)\s*\(", p.text).group(1))
        return [f"What could you do to both sides to undo multiplying by {k}?", generic]
    if c != 0:
        sign = "+" if c > 0 else "-"
        return [f"What could you do to both sides to undo the {sign} {fmt(abs(c), frac)}?",
                f"Which number is added or taken away on the {name} side? What could undo it on both sides?",
                generic]
    if a.is_Integer and a != 1:
        return [f"What could you do to both sides to undo the times {fmt(a)}?",
                f"{name.capitalize()} is multiplied by a number. What could undo that on both sides?", generic]
    if a.is_Rational and a.p == 1:
        return [f"What could you do to both sides to undo dividing by {fmt(1 / a)}?", generic]
    if a.is_Rational and a != 1:
        return [f"What could you do to both sides to undo multiplying by {fmt(a, frac)}? "
                f"Try its flip, {fmt(1 / a, frac)}.",
                f"What could you do to both sides to undo multiplying by {fmt(a, frac)}?", generic]
    return [generic]


def step_candidates(problem: MathProblem, grade: int) -> list[str]:
    """Next-step questions for a found problem, best first (the caller checks their numbers)."""
    if problem.tree is not None:
        return _arithmetic_steps(problem.tree, grade)
    return _equation_steps(problem)
