"""Math in a tutor's text, tokenised: sentences, words read as symbols, runs of math and their values.

    prepare("One quarter of 80 is 20.")       # '(1/4) * 80 is 20.'
    [t.text for t in tokens("7 * 8 = 56")]    # ['7', '*', '8', '=', '56']
    value_of("6 / 8 + 1 / 8")                 # Rational(7, 8)

A run is a stretch of numbers, single letters, operators, '=' and parentheses between words;
``brain.quality.claims`` reads claims from runs and the words around them. Values come from
``brain.mathcheck.parse_math`` (its size limits hold); text it cannot read has no value (None),
never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from brain.mathcheck import NotCheckable, parse_math

_UNICODE = {"−": "-", "–": "-", "×": "*", "·": "*", "∙": "*", "÷": " / ", "⁄": "/", "²": "^2", "³": "^3",
            "’": "'", "＝": "=", "—": " ; ", "½": " 1/2", "¼": " 1/4", "¾": " 3/4"}
_DENOMINATORS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
                 "fourths": 4, "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8,
                 "tenth": 10, "tenths": 10, "hundredth": 100, "hundredths": 100}
_SMALL = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_WORD_OPS = [(r"\bmultiplied by\b", " * "), (r"\bdivided by\b", " / "), (r"\btimes\b", " * "),
             (r"\bplus\b", " + "), (r"\bminus\b", " - "), (r"\bsquared\b", " ^2 "), (r"\bcubed\b", " ^3 "),
             (r"\bis equal to\b|\bequals\b|\bequal to\b", " = ")]
_FRACTION_WORDS = "|".join(_DENOMINATORS)
_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
          "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
NUMBER_WORDS = {w: n for n, w in enumerate(_UNITS)} | {w: 10 * n for n, w in enumerate(_TENS) if w}
_NUMBER_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_COMPOUND = re.compile(rf"\b({'|'.join(w for w in _TENS if w)})[- ]({'|'.join(_UNITS[1:10])})\b")
# a number word counts as a number next to an operator or after a cue ("seven * eight is fifty-four")
_WORD_AFTER_OP = re.compile(rf"([-+*/^=]\s+)({_NUMBER_WORD})\b")
_WORD_BEFORE_OP = re.compile(rf"\b({_NUMBER_WORD})(?=\s+[-+*/^=])")
_WORD_AFTER_CUE = re.compile(rf"\b(is|are|was|makes|make|get|gets|equals|be)\s+({_NUMBER_WORD})\b")
NUMBER_RE = r"\d+(?:\.\d+)?"


def sentences(text: str) -> list[str]:
    """The sentences of a text: ends at . ! ? (not inside 0.75) or a line break; empty ones dropped."""
    parts = re.split(r"(?<=[.!?])\s+|(?<=[.!?][\"'”)])\s+|\n+(?!\s*=)", text)
    return [p.strip() for p in parts if p and p.strip()]


def prepare(sentence: str) -> str:
    """One sentence, lower-cased, with its math in symbols: '7 x 8 is 56' -> '7 * 8 is 56'."""
    s = sentence
    for a, b in _UNICODE.items():
        s = s.replace(a, b)
    s = s.lower()
    s = re.sub(r"(?<=\d),(?=\d{3}\b)", "", s)  # 1,024
    s = re.sub(r"\$\s*(?=\d)", "", s)
    s = re.sub(r"(?<=\d)\s+(?:%|percent\b)", "%", s)  # 10 % and 10 percent are 10%
    s = re.sub(r"\d*\.\d+\s*(?:\.\.\.+|…)", " decimal ", s)  # 0.333...: a repeating decimal is no exact value
    s = s.replace("≈", " about ").replace("…", " ")
    s = re.sub(r"\d+(?::\d+)+", " ratio ", s)  # 2:3 and 3:30 are no arithmetic
    s = re.sub(r"(\d+)\s+out of\s+(\d+)", r"\1 / \2", s)
    s = re.sub(r"(?<=[\d)])\s*[x*]\s*(?=\(?-?\d)", " * ", s)  # 7 x 8, (-2) x (-3)
    for pattern, repl in _WORD_OPS:
        s = re.sub(pattern, repl, s)
    s = re.sub(rf"\b({'|'.join(_SMALL)})[\s-]+({_FRACTION_WORDS})\b",
               lambda m: f"{_SMALL[m.group(1)]}/{_DENOMINATORS[m.group(2)]}", s)
    s = re.sub(rf"\b(\d+)\s+({_FRACTION_WORDS})\b", lambda m: f"{m.group(1)}/{_DENOMINATORS[m.group(2)]}", s)
    s = re.sub(r"\bhalf of\b", "1/2 of", s)
    s = _COMPOUND.sub(lambda m: str(NUMBER_WORDS[m.group(1)] + NUMBER_WORDS[m.group(2)]), s)
    s = _WORD_AFTER_OP.sub(lambda m: m.group(1) + str(NUMBER_WORDS[m.group(2)]), s)
    s = _WORD_BEFORE_OP.sub(lambda m: str(NUMBER_WORDS[m.group(1)]), s)
    s = _WORD_AFTER_CUE.sub(lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2)]}", s)
    s = re.sub(r"\b(?:double|twice)\s+(?=\d)", "2 * ", s)
    s = re.sub(r"\btriple\s+(?=\d)", "3 * ", s)
    s = re.sub(r"\b(?:the\s+)?square root of\s+(\d+(?:\.\d+)?)", r"\1^(1/2)", s)
    s = re.sub(r"\b(?:the\s+)?square of\s+(\d+(?:\.\d+)?)", r"\1^2", s)
    # "3/4 of 12", "25% of 80": a product
    s = re.sub(rf"(\d+\s*/\s*\d+|{NUMBER_RE}\s*%)\s+of\s+(?=[\d(])", r"(\1) * ", s)
    return s


_TOKEN = re.compile(r"(?P<num>\d+(?:\.\d+)?%?|\.\d+%?)|(?P<word>[a-z]+(?:'[a-z]+)*)|(?P<op>[-+*/^])|(?P<eq>=)|"
                    r"(?P<lp>\()|(?P<rp>\))|(?P<punct>\S)")
_MATH_KINDS = {"num", "var", "op", "eq", "lp", "rp"}


@dataclass
class Token:
    """One token of a prepared sentence: its kind (num word var op eq lp rp punct), text and offsets."""

    kind: str
    text: str
    start: int
    end: int


def tokens(s: str) -> list[Token]:
    """A prepared sentence's tokens; a letter on its own is a variable ('a' and 'i' only next to math:
    '11a', 'a = 3')."""
    out = []
    for m in _TOKEN.finditer(s):
        kind = m.lastgroup
        if kind == "word" and len(m.group()) == 1:
            mathy = (out and out[-1].kind == "num" and out[-1].end == m.start()) or re.match(
                r"\s*[=+*/^]", s[m.end():])
            kind = "var" if m.group() not in ("a", "i") or mathy else kind
        out.append(Token(kind, m.group(), m.start(), m.end()))
    return out


_CONTINUES = {"add", "adding", "subtract", "subtracting", "multiply", "divide", "plus", "minus", "times", "away"}


def math_runs(toks: list[Token]) -> list[tuple[int, int, bool]]:
    """[i, j) token ranges of math: numbers, single letters, operators, '=' and parentheses; and whether
    the run continues earlier math ('..., + 7 = 56', 'then add 7 = 56'): its first side is no operand."""
    found, i = [], 0
    while i < len(toks):
        if toks[i].kind not in _MATH_KINDS:
            i += 1
            continue
        j = i
        while j < len(toks) and toks[j].kind in _MATH_KINDS:
            j += 1
        first, stretch_end = i, j
        while i < j and toks[i].kind in ("op", "eq", "rp") and not (
                toks[i].text == "-" and i + 1 < j and toks[i + 1].start == toks[i].end):
            i += 1
        while j > i and toks[j - 1].kind in ("op", "eq", "lp"):
            j -= 1
        continues = (i > first and toks[first].kind == "op") or (
            first > 0 and toks[first - 1].kind == "word" and toks[first - 1].text in _CONTINUES)
        if any(t.kind == "num" for t in toks[i:j]):
            found.append((i, j, continues))
        i = stretch_end  # the next run starts after this stretch (trimming never rescans it)
    return found


@lru_cache(maxsize=4096)
def value_of(side: str) -> sp.Expr | None:
    """A side read exactly ('6 / 8 + 1 / 8' -> 7/8, '25%' -> 1/4), None when it is not math."""
    text = re.sub(rf"({NUMBER_RE}|\.\d+)%", r"(\1/100)", side)
    try:
        return parse_math(text)
    except NotCheckable:
        return None
    except Exception:  # noqa: BLE001  (odd text is "not a claim", never an error)
        return None


def number_values(side: list[Token]) -> tuple[sp.Expr, ...]:
    """Values of a plain number: '25%' is 25 and 1/4; '-2' is -2, '3/4' is 3/4 ('3 / 4' is a division)."""
    texts = [t.text for t in side]
    tight = all(a.end == b.start for a, b in zip(side[-3:], side[-2:]))
    sign = -1 if texts[:1] == ["-"] else 1
    if texts[:1] in (["-"], ["+"]):
        texts = texts[1:]
    if len(texts) == 3 and tight and texts[1] == "/" and texts[0].isdigit() and texts[2].isdigit() and int(texts[2]):
        return (sign * sp.Rational(int(texts[0]), int(texts[2])),)
    if len(texts) != 1 or side[-1].kind != "num":
        return ()
    body = texts[0]
    if body.endswith("%"):
        n = sp.Rational(body[:-1])
        return (sign * n, sign * n / 100)
    return (sign * sp.Rational(body),)


def split_eq(toks: list[Token]) -> list[list[Token]]:
    """The sides of a run at its '=' signs ('6/8 + 1/8 = 7/8' -> two sides)."""
    sides, cur = [], []
    for t in toks:
        if t.kind == "eq":
            sides.append(cur)
            cur = []
        else:
            cur.append(t)
    sides.append(cur)
    return sides
