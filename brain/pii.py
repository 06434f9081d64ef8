"""PII scrubbing of baseline text before anything is stored or trained.

Two layers, applied to each text field:

1. Our own patterns (checked first, they know children's school text): the
   roster's known names and "my name is X" self-introductions, e-mail addresses
   (also "kid at gmail dot com"), phone numbers in North-American shapes (the
   fictional 555 numbers too), street addresses and PO boxes, SSN-like
   numbers, URLs and bare web domains.
2. scrubadub 2.0.1 (offline: its detectors are regexes and ``phonenumbers``)
   for what the first layer does not know: international phone numbers that
   ``phonenumbers`` calls valid, credentials ("password: ..."), credit-card
   numbers, social-media handles. Its own e-mail detector is left out: it
   reads "sleep better at night." as an obfuscated address and damaged
   ordinary sentences of our sample data; its URL and SSN detectors are
   covered by layer 1.

Each hit is replaced by a token such as ``{{EMAIL}}``; scrubbing is
idempotent (tokens are not PII). Names without a roster entry are only
caught in self-introductions: there is no offline name recogniser that
works on children's text without a model download, so the district roster
(``AIVO_PII_ROSTER_FILE``) is the source of names.

Run as: ``python -m brain.pii "Call Maya at 555-123-4567"`` (prints the scrubbed text).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from brain.schemas import Baseline

KINDS = ("NAME", "EMAIL", "PHONE", "ADDRESS", "SSN", "URL", "CREDIT_CARD", "CREDENTIAL", "HANDLE")

_STREET_SUFFIX = (r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
                  r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Trail|Trl|Square|Sq|Loop|Row|Alley)")
_STATE = (r"(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|"
          r"T[NX]|UT|V[TA]|W[AVIY])")

# (kind, pattern) in priority order: on overlapping hits the earlier kind wins, then the longer hit.
_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("EMAIL", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")),
    ("EMAIL", re.compile(r"\b[\w.+-]+\s*(?:\(at\)|\[at\]|\sat\s)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\sdot\s)\s*"
                         r"(?:com|org|net|edu|gov|us|uk)\b", re.I)),
    ("URL", re.compile(r"\b(?:https?://|www\.)[^\s<>\"']+", re.I)),
    ("URL", re.compile(r"\b[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|edu|gov|io|ly|me|co|us|info|tv|app|gg)"
                       r"\b(?:/[^\s<>\"']*)?", re.I)),
    ("SSN", re.compile(r"(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])")),
    ("SSN", re.compile(r"(?i:\b(?:ssn|social security(?: number)?)\b[\s:#-]*)\d{9}\b")),
    ("PHONE", re.compile(r"(?<![\w-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?![\w-])")),
    ("PHONE", re.compile(r"(?i:\b(?:phone|cell|call|text|number|tel)\b[^\d\n]{0,15})\d{10}\b")),
    ("ADDRESS", re.compile(
        r"\b\d{1,6}(?:-\d{1,4})?\s+(?:[NSEW]\.?\s+|North\s+|South\s+|East\s+|West\s+)?"
        r"(?:[A-Z0-9][A-Za-z0-9'.-]*\s+){1,4}" + _STREET_SUFFIX + r"\b\.?(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
        r"(?:\s*,?\s*(?:Apt|Apartment|Unit|Suite|Ste|#)\.?\s*[A-Za-z0-9-]+)?"
        r"(?:\s*,\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,3}(?:\s*,?\s*" + _STATE + r")?(?:\s+\d{5}(?:-\d{4})?)?)?")),
    ("CREDIT_CARD", re.compile(r"(?<![\d-])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?![\d-])")),
    ("ADDRESS", re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post Office Box)\s+\d+\b", re.I)),
    ("ADDRESS", re.compile(r"\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?,?\s+" + _STATE + r"\s+\d{5}(?:-\d{4})?\b")),
]
# "my name is Maya", "call me Sam Lee": a capitalised name right after a self-introduction.
_SELF_INTRO = re.compile(r"(?i:\b(?:my name is|my name's|i am called|i'm called|call me|my full name is)\s+)"
                         r"([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?)")
_SCRUBADUB_KINDS = {"phone": "PHONE", "credential": "CREDENTIAL", "credit_card": "CREDIT_CARD",
                    "twitter": "HANDLE"}
_TOKEN = re.compile(r"\{\{[A-Z_]+\}\}")


def token(kind: str) -> str:
    return "{{" + kind + "}}"


@lru_cache(maxsize=1)
def _scrubber():
    import scrubadub

    return scrubadub.Scrubber(detector_list=list(_SCRUBADUB_KINDS), locale="en_US")


@lru_cache(maxsize=64)
def _name_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    """Full names (any case) and their parts (as capitalised in the roster) as whole words."""
    full, parts = set(), set()
    for name in names:
        name = " ".join(name.split())
        if len(name) < 2:
            continue
        full.add(name)
        parts.update(p for p in re.split(r"[\s,]+", name) if len(p) >= 2 and p[0].isupper())
    if not full:
        return None
    alts_full = "|".join(re.escape(n) for n in sorted(full, key=len, reverse=True))
    alts_parts = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    body = f"(?i:{alts_full})" + (f"|{alts_parts}" if alts_parts else "")
    return re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])")


def _luhn(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(reversed(digits)))
    return 13 <= len(digits) <= 19 and total % 10 == 0


def _spans(text: str, known_names: tuple[str, ...]) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str, int]] = []  # (start, end, kind, priority)
    names = _name_pattern(known_names)
    if names is not None:
        found += [(m.start(), m.end(), "NAME", 0) for m in names.finditer(text)]
    found += [(m.start(1), m.end(1), "NAME", 0) for m in _SELF_INTRO.finditer(text)]
    for prio, (kind, pattern) in enumerate(_PATTERNS, start=1):
        found += [(m.start(), m.end(), kind, prio) for m in pattern.finditer(text)
                  if kind != "CREDIT_CARD" or _luhn(m.group())]
    for filth in _scrubber().iter_filth(text):
        kinds = [_SCRUBADUB_KINDS.get(getattr(f, "type", ""), None) for f in getattr(filth, "filths", [filth])]
        kind = next((k for k in kinds if k), "PHONE")
        found.append((filth.beg, filth.end, kind, 100))
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    # earlier priority wins, then the longer span; never touch an existing token
    found.sort(key=lambda s: (s[3], -(s[1] - s[0]), s[0]))
    chosen: list[tuple[int, int, str]] = []
    taken = list(tokens)
    for start, end, kind, _ in found:
        if start >= end or any(start < e and s < end for s, e in taken):
            continue
        chosen.append((start, end, kind))
        taken.append((start, end))
    return sorted(chosen)


def scrub_text(text: str, known_names: Iterable[str] = ()) -> tuple[str, list[str]]:
    """``text`` with every PII hit replaced by ``{{KIND}}``, and the kinds replaced (one per hit)."""
    if not text:
        return text, []
    spans = _spans(text, tuple(sorted({n for n in known_names if n and n.strip()})))
    out, pos = [], 0
    for start, end, kind in spans:
        out += [text[pos:start], token(kind)]
        pos = end
    out.append(text[pos:])
    return "".join(out), [kind for _, _, kind in spans]


def scrub_baseline(baseline: Baseline, known_names: Iterable[str] = ()) -> tuple[Baseline, dict[str, int]]:
    """A copy of the baseline with its free text scrubbed, and how many hits of each kind were replaced.

    Scrubbed: assessment_id and, per item, question, student_answer, correct_answer, skill, standard.
    A field that grows past its schema limit through tokens is cut to that limit.
    """
    names = tuple(known_names)
    counts: Counter[str] = Counter()

    def clean(value: str | None, limit: int) -> str | None:
        if value is None:
            return None
        new, kinds = scrub_text(value, names)
        counts.update(kinds)
        return new[:limit]

    items = [item.model_copy(update={
        "question": clean(item.question, 2000), "student_answer": clean(item.student_answer, 2000),
        "correct_answer": clean(item.correct_answer, 2000), "skill": clean(item.skill, 200),
        "standard": clean(item.standard, 40),
    }) for item in baseline.items]
    scrubbed = baseline.model_copy(update={"assessment_id": clean(baseline.assessment_id, 64), "items": items})
    return Baseline.model_validate(scrubbed.model_dump(mode="json")), dict(counts)


def load_roster(path: str | Path | None) -> list[str]:
    """Known names from a roster file: a CSV whose header has name columns, or one name per line.

    CSV: every column whose header contains 'name' (first_name, last_name, preferred_name,
    guardian_name...) gives names, and first + last together give the full name.
    """
    if not path:
        return []
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    first_line = text.splitlines()[0] if text.strip() else ""
    names: list[str] = []
    if "," in first_line and "name" in first_line.lower():
        for row in csv.DictReader(text.splitlines()):
            cols = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
            names += [v for k, v in cols.items() if "name" in k and v]
            first = cols.get("first_name") or cols.get("firstname") or cols.get("given_name")
            last = cols.get("last_name") or cols.get("lastname") or cols.get("family_name")
            if first and last:
                names.append(f"{first} {last}")
    else:
        names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(dict.fromkeys(names))


if __name__ == "__main__":
    print(scrub_text(" ".join(sys.argv[1:]))[0])
