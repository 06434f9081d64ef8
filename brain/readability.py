"""Flesch-Kincaid grade, counted word by word (shared by training's eval and serving's mode checks).

textstat 0.7.7's own ``flesch_kincaid_grade`` raises KeyError on any number or
word missing from its CMU dictionary (maths answers are full of them); its
syllable counts are used word by word instead, with a vowel-group fallback.
"""

from __future__ import annotations

import math
import re

import textstat

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*|\d+")


def words(text: str) -> list[str]:
    """Lower-cased words and numbers of a text (commas inside numbers dropped)."""
    return _WORD.findall(text.lower().replace(",", ""))


def syllables(word: str) -> int:
    if word.isdigit():
        return 1  # a number reads as one symbol
    try:
        return max(1, int(textstat.syllable_count(word)))
    except KeyError:  # textstat 0.7.7 raises for words missing from its CMU dictionary
        return max(1, len(re.findall(r"[aeiouy]+", word)))


def fk_grade(text_words: list[str], sentences: int) -> float:
    """Flesch-Kincaid grade of these words in this many sentences; NaN without words."""
    if not text_words:
        return math.nan
    return (0.39 * len(text_words) / max(1, sentences)
            + 11.8 * sum(syllables(w) for w in text_words) / len(text_words) - 15.59)
