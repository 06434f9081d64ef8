"""A plainer layout for an answer that only reads over the child's level: short sentences, short chunks.

    plainer("Plants need light, and they also need water because the roots carry it up to the leaves, "
            "so a plant in a dark closet slowly dies.", item)
    # 'Plants need light. And they also need water because the roots carry it up to the leaves.
    #  So a plant in a dark closet slowly dies.'

The ``level`` detector (brain/quality/style.py) reads sentence length, Flesch-Kincaid grade (words
per sentence is half of it) and, for ADHD, paragraph and answer length. When an answer's only
finding after its retries is ``level``, serving.answer_check tries this repair before sending it
marked ``over_level``; it changes layout, never words:

- a sentence over ``MAX_WORDS`` words is split at its clause joints ("; ", ", and ", ", but ",
  ", so ", ", because ", ", which means ", " - "), each new sentence capitalised, as long as both
  parts keep at least ``MIN_PART`` words;
- ADHD: a blank line after every two sentences (short chunks), and an answer over
  ``ADHD_MAX_WORDS`` words cut at the last sentence end that fits.

Misses: long words (syllables per word are the other half of the grade), a long sentence with no
joint, jargon and idioms. The caller checks the result again and keeps it only if it passes.
"""

from __future__ import annotations

import re

from brain import readability
from brain.quality.items import TutorItem
from brain.quality.mathtext import sentences

MAX_WORDS = 14  # a sentence longer than this is split where it can be
MIN_PART = 4  # ... into parts of at least this many words
ADHD_MAX_WORDS = 80  # as the level detector's ADHD_MAX_WORDS
_JOINTS = re.compile(r";\s+|,\s+(?=(?:and|but|so|because|which means|then)\b)|\s+-\s+|:\s+(?=[a-z])", re.I)


def _split(sentence: str) -> list[str]:
    """A long sentence cut at its joints into parts of MIN_PART+ words."""
    if len(readability.words(sentence)) <= MAX_WORDS:
        return [sentence]
    parts, start = [], 0
    for m in _JOINTS.finditer(sentence):
        head, tail = sentence[start:m.start()], sentence[m.end():]
        if len(readability.words(head)) >= MIN_PART and len(readability.words(tail)) >= MIN_PART:
            parts.append(head.strip() + ".")
            start = m.end()
    parts.append(sentence[start:].strip())
    return [p[:1].upper() + p[1:] for p in parts if p]


def plainer(text: str, item: TutorItem) -> str:
    """``text`` laid out in short sentences (and short chunks for ADHD); see the module docstring."""
    if not item.has("adhd"):  # line by line: a list keeps its lines
        return "\n".join(" ".join(p for s in sentences(line) for p in _split(s)) for line in text.splitlines()
                         if line.strip())
    pieces = [p for s in sentences(text) for p in _split(s.strip())]
    kept, count = [], 0
    for piece in pieces:
        count += len(readability.words(piece))
        if count > ADHD_MAX_WORDS and kept:
            break
        kept.append(piece)
    return "\n\n".join(" ".join(kept[i:i + 2]) for i in range(0, len(kept), 2))
