"""Exact reading of a student's math answer with sympy: numbers, units, expressions, lists.

    parse_math("3/4 + 1/8")            # Rational(7, 8)
    parse_answer("12 cm").items[0]     # Item('12 cm', values=((12, 'cm'),))
    parse_answer("x = 2 or x = -3")    # two items, both for the variable x

Checkable answers are integers, decimals, fractions, mixed numbers,
percentages, money and units, algebraic expressions, ``x = 4`` style answers,
lists and sets. Numbers become sympy Rationals (0.75 == 3/4); a decimal keeps
its places so that a comparison can tell 0.33 from 1/3. Anything else raises
``NotCheckable``. Comparing two answers is ``brain.mathcompare``.

The parser never evaluates arbitrary code: only digits, single-letter
variables, + - * / ^ ( ) and a few named functions (sqrt, pi, ...) reach
sympy, strings over 200 characters are not parsed, and powers whose exponents
(nested ones multiplied) exceed 1000 are refused before evaluation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    rationalize,
    standard_transformations,
)

MAX_ANSWER_CHARS = 200  # longer strings are never handed to the parser
MAX_EXPONENT = 1000  # |exponent| bound, nested exponents multiplied (9^9^9 is refused)
MAX_DEGREE = 20  # ... and of a power of an expression with variables ((x+1)^1000 takes seconds to simplify)


# -- safe parsing -------------------------------------------------------------------------

class NotCheckable(ValueError):
    """The text is not an answer the exact checker understands (prose, too long, unsafe)."""


TRANSFORMS = standard_transformations + (implicit_multiplication_application, convert_xor, rationalize)
_FUNCTIONS = {"sqrt": sp.sqrt, "pi": sp.pi, "abs": sp.Abs, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
              "log": sp.log, "ln": sp.log, "exp": sp.exp}
GLOBALS = {"__builtins__": {}, "Integer": sp.Integer, "Float": sp.Float, "Rational": sp.Rational,
           "Symbol": sp.Symbol, "Add": sp.Add, "Mul": sp.Mul, "Pow": sp.Pow, **_FUNCTIONS}
# Short words that are English, not products of variables ("no" is not n*o).
_WORDS = set("""a an as at be by do go he if in is it me my no of oh ok on or so to up us we yes and are but
can did for got had has her him his how its not now one our out she the too two was who why yet you all any
few get let may new old see six ten way own put say off act add set sum try def del lambda""".split())

NUMBER = r"(?:\d+\s+\d+\s*/\s*\d+|\d+\s*/\s*\d+|\d+(?:\.\d+)?|\.\d+)"  # mixed, fraction, decimal

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
UNIT_SYMBOLS = {"mm", "cm", "m", "km", "in", "ft", "yd", "mi", "g", "kg", "mg", "lb", "oz", "l", "ml", "gal",
                 "qt", "pt", "cup", "s", "min", "h", "day", "week", "yr", "°", "$", "¢", "mph", "%"}
_UNIT_RE = re.compile(r"(?:(?:sq\.?|square|cubic)\s+)?[a-z°¢$%][a-z°¢.]*(?:\^?[23])?"
                      r"(?:\s*(?:/|per)\s*[a-z]+)?(?:\s+[a-z]+)?")


def normalize(text: str) -> str:
    for a, b in _UNICODE.items():
        text = text.replace(a, b)
    text = text.strip().lower().replace("**", "^")
    text = re.sub(r"^(?:the\s+)?(?:final\s+)?(?:answer|ans|a)\s*(?:is|:)\s*", "", text)
    text = re.sub(r"(\d)\s+and\s+(\d+\s*/\s*\d+)", r"\1 \2", text)  # "1 and 1/2" is a mixed number
    text = text.rstrip("!? ")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text


def unit_key(unit: str) -> str:
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
            if cand in UNIT_SYMBOLS or cand in _UNIT_ALIASES:
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
    key = unit_key(first)
    if key in UNIT_SYMBOLS:
        # one-letter units (m, g, l, s, h) need a space: "12m" is algebra
        return spaced or len(first) > 1 or first in "°$¢%" or (variables is not None and first not in variables)
    return spaced and len(first) >= 2


def parse_number(text: str) -> tuple[sp.Rational, int | None]:
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
    text = normalize(text)
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
        _check_powers(parse_expr(text, local_dict={}, global_dict=dict(GLOBALS), transformations=TRANSFORMS,
                                 evaluate=False))
        expr = parse_expr(text, local_dict={}, global_dict=dict(GLOBALS), transformations=TRANSFORMS)
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
        n, _ = parse_number(m.group(1))
        return Item(text, ((n, "%"), (n / 100, None)))
    m = re.fullmatch(rf"([-+]?\s*{NUMBER})(\s*)(.+)", s)
    if m and unit is None and _UNIT_RE.fullmatch(m.group(3)) and _is_unit(m.group(3), bool(m.group(2)), variables):
        s, unit = m.group(1), unit_key(m.group(3))
    m = re.fullmatch(r"(.+?)\s*¢", s)
    if m and unit is None:
        s, unit = m.group(1), "¢"
    if re.fullmatch(rf"[-+]?\s*{NUMBER}", s):
        value, places = parse_number(s)
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
    s = normalize(text)
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
