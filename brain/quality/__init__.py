"""Tutoring quality: detectors that read a tutor's answer for a tutoring item (issue 14).

    from brain.quality import TutorItem, check
    check("7 x 8 is 54.", TutorItem(prompt="What is 7 x 8?", grade=3, answer="56"), "explain")
    # [Finding(detector='wrong_claim', reason='false: 7 * 8 is 54', span='7 x 8 is 54.')]

- ``items``: TutorItem (the benchmark's schema; only prompt and grade required), load_items, Finding.
- ``mathtext``: a text's sentences and runs of math, words read as symbols, values via brain.mathcheck.
- ``claims``: the math a text states (equations, values, answers), and the item's answer to check it on.
- ``detectors``: reveal, wrong_claim, echo, and ``check`` / ``DETECTORS`` running all six.
- ``style``: persona, degeneration, level.
- ``score``: precision and recall on a labelled file (python -m brain.quality.score <jsonl>).
"""

from brain.quality.detectors import DETECTORS, check, detector, echo, reveal, wrong_claim
from brain.quality.items import Finding, TutorItem, load_items
from brain.quality.style import degeneration, level, persona

__all__ = ["DETECTORS", "Finding", "TutorItem", "check", "degeneration", "detector", "echo", "level",
           "load_items", "persona", "reveal", "wrong_claim"]
