"""Comparisons of numbers stated false, and a yes/no that answers a comparison question wrongly.

    wrong_comparison("Yes, 0.3 is bigger than 0.25.", TutorItem(prompt="Is 0.3 > 0.25?", grade=5))  # None
    wrong_comparison("No, 3/5 is smaller than 1/2.", TutorItem(prompt="Is 3/5 bigger than 1/2?", grade=4))
    # Finding('wrong_comparison', 'a false comparison (3/5 is smaller than 1/2)', 'No, 3/5 is smaller than 1/2.')

The ``wrong_claim`` detector reads equalities; this reads the comparisons it misses, in every
mode: "A is bigger/greater/larger/more/higher than B", "A is less/smaller/fewer/lower than B",
"A > B", "A < B", "A >= B", "A <= B", where A and B are numbers (whole, negative, decimal,
fraction, percent; "3/5" and "60%" compare by value). And, when the child's question is one such
comparison ("Is 3/5 bigger than 1/2?", "Which is bigger, 0.3 or 0.25?" is not a yes/no), an
answer that opens with the wrong "Yes" or "No".
Misses: comparisons in words ("three fifths is more than a half"), with units or variables,
"the same as", chains (1 < 2 < 3 reads its first pair only), and a yes/no not at the answer's start.
"""

from __future__ import annotations

import re

import sympy as sp

from brain.quality.items import Finding, TutorItem
from brain.quality.mathtext import sentences

NUM = r"-?\d+(?:\.\d+)?(?:\s*/\s*\d+)?%?"
BIGGER = r"(?:bigger|greater|larger|more|higher|heavier|longer|taller)"
SMALLER = r"(?:smaller|less|fewer|lower|lighter|shorter)"
_STATED = re.compile(rf"(?<![\w./])(?P<a>{NUM})\s*(?:(?:is|are|was|'s)\s+(?:a\s+lot\s+|much\s+|a\s+bit\s+)?"
                     rf"(?P<word>{BIGGER}|{SMALLER})\s+than|(?P<sign>>=|<=|≥|≤|>|<))\s*(?P<b>{NUM})(?![\w/.]\d)",
                     re.I)
_ASKED = re.compile(rf"\b(?:is|are)\s+(?P<a>{NUM})\s+(?P<word>{BIGGER}|{SMALLER})\s+than\s+(?P<b>{NUM})\s*\?|"
                    rf"\bis\s+(?P<a2>{NUM})\s*(?P<sign>>=|<=|≥|≤|>|<)\s*(?P<b2>{NUM})\s*\?", re.I)
_SIGNS = {">": ">", "<": "<", ">=": ">=", "<=": "<=", "≥": ">=", "≤": "<="}
_HEDGE = re.compile(r"\b(?:if|not|isn't|aren't|wrong|mistake|think|thought|said|wrote|guess|check|whether|why|"
                    r"might|could|would|does|is it)\b", re.I)


def _value(text: str) -> sp.Rational | None:
    text = re.sub(r"\s+", "", text)
    percent = text.endswith("%")
    try:
        value = sp.Rational(text.rstrip("%"))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value / 100 if percent else value


def _holds(a: str, relation: str, b: str) -> bool | None:
    x, y = _value(a), _value(b)
    if x is None or y is None:
        return None
    return bool({">": x > y, "<": x < y, ">=": x >= y, "<=": x <= y}[relation])


def _relation(word: str | None, sign: str | None) -> str:
    if sign:
        return _SIGNS[sign]
    return ">" if re.fullmatch(BIGGER, word, re.I) else "<"


def _asked(prompt: str) -> bool | None:
    """The truth of the prompt's yes/no comparison question, or None when it asks none."""
    m = _ASKED.search(prompt or "")
    if not m:
        return None
    a, b = m.group("a") or m.group("a2"), m.group("b") or m.group("b2")
    return _holds(a, _relation(m.group("word"), m.group("sign")), b)


def wrong_comparison(text: str, item: TutorItem) -> Finding | None:
    """The first false comparison of ``text``, or a wrong opening yes/no (see the module docstring)."""
    truth = _asked(item.prompt)
    opening = re.match(r"\s*(?P<yn>yes|yeah|yep|no|nope)\b", text, re.I)
    if truth is not None and opening:
        said = opening.group("yn").lower() in ("yes", "yeah", "yep")
        if said != truth:
            return Finding("wrong_comparison", "answers the comparison question wrongly",
                           (sentences(text) or [text])[0])
    for sentence in sentences(text):
        if sentence.rstrip().endswith("?"):
            continue
        for m in _STATED.finditer(sentence):
            if _HEDGE.search(sentence[:m.start()][-25:]):
                continue  # "if 3/5 > 1/2", "you said 0.25 > 0.3": not stated as true
            if _holds(m.group("a"), _relation(m.group("word"), m.group("sign")), m.group("b")) is False:
                return Finding("wrong_comparison", f"a false comparison ({m.group().strip()})", sentence)
    return None
