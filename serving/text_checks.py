"""Checks on the shape of a generated text: a lesson plan's parts, its length and readability.

    check_lesson("Write a lesson on 3.NF.A.1", plan)   # ModeCheck(ok, problems, fixed_text)
    check_length(answer, profile)                      # explain / assess answers

- lesson: objective, activities and a check for understanding, plus the
  standard code when the prompt names one; missing parts are added from
  ``LESSON_TEMPLATE``.
- explain / assess: length and sentence length for the student's reading
  level (per grade band, ``grade_band``); too long is cut at a sentence end;
  a Flesch-Kincaid grade above the level is reported, not rewritten.

``ModeCheck`` is the result of every mode check; the dispatch by mode and the
tutor check are ``serving.modes``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from brain import readability
from brain.schemas import Accommodation, StudentProfile


@dataclass
class ModeCheck:
    """The result of a mode check: whether the output passed, why not, and the output to send."""

    ok: bool
    problems: list[str] = field(default_factory=list)  # never contain the answer itself
    fixed_text: str = ""  # the output when ok, else the repaired output


def grade_band(level: int) -> int:
    """The grade band of a reading level: 0 for K-2, 1 for 3-5, 2 for 6-8, 3 for 9-12."""
    return 0 if level <= 2 else 1 if level <= 5 else 2 if level <= 8 else 3


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence; the end includes the trailing punctuation and spaces.
    A '.' between digits (0.75) does not end a sentence."""
    spans, start = [], 0
    for m in re.finditer(r"(?:[.!?]+(?=\s|$)|\n)\s*", text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


# -- lesson: plan shape and standard ----------------------------------------------------------

STANDARD_RE = re.compile(
    r"\b(?:CCSS\.(?:MATH\.CONTENT|ELA-LITERACY)\.)?(?:"
    r"(?:K|[1-8])\.[A-Z]{1,3}(?:\.[A-Z])?\.\d{1,2}[a-z]?"  # Common Core math: 3.NF.A.1, 6.RP.3a
    r"|HS[ANFGS][.-][A-Z]{1,3}(?:\.[A-Z])?\.\d{1,2}[a-z]?"  # high-school math: HSA-REI.B.3
    r"|(?:RL|RI|RF|W|SL|L)\.(?:K|\d{1,2}(?:-\d{1,2})?)\.\d{1,2}[a-z]?"  # ELA: RL.3.1
    r"|(?:K|[1-5]|MS|HS)-(?:PS|LS|ESS|ETS)\d-\d{1,2}"  # NGSS: 5-PS1-1, MS-LS1-6
    r")\b",
    re.I,
)
_OBJECTIVE_RE = re.compile(r"\b(objectives?|learning goals?|goals?|learning targets?|students will|swbat|i can)\b",
                           re.I)
_ACTIVITIES_RE = re.compile(r"\b(activit(?:y|ies)|steps?|procedure|warm[- ]?up|direct instruction|"
                            r"guided practice|independent practice|practice)\b", re.I)
_CHECK_RE = re.compile(r"\b(checks? for understanding|checking for understanding|exit tickets?|quick check|"
                       r"assessment|quiz|formative)\b", re.I)
_LIST_ITEM_RE = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s+\S", re.M)

# What a repaired lesson gets for each missing part (documented in docs/serving.md).
LESSON_TEMPLATE = {
    "standard": "Standard: {standard}",
    "objective": "Objective: Students will understand and practice {topic}.",
    "activities": (
        "Activities:\n"
        "1. Warm-up: a short review question on what students already know.\n"
        "2. Direct instruction: model one example step by step.\n"
        "3. Guided practice: solve two examples together.\n"
        "4. Independent practice: students solve similar problems on their own."
    ),
    "check": "Check for understanding: each student solves one new problem and explains the answer "
             "(exit ticket).",
}


def find_standard(text: str) -> str | None:
    m = STANDARD_RE.search(text)
    return m.group(0) if m else None


def _standard_key(code: str) -> str:
    return re.sub(r"^ccss\.(?:math\.content|ela-literacy)\.", "", code.strip().lower()).replace("-", ".")


def _topic(prompt: str, standard: str | None) -> str:
    text = prompt.strip()
    if standard:
        text = re.sub(re.escape(standard), "", text, flags=re.I)
    text = re.sub(r"^(?:please\s+)?(?:write|create|make|plan|give(?: me)?|draft|prepare)\s+(?:a|an|the)?\s*"
                  r"(?:short\s+|quick\s+|simple\s+)?(?:lesson(?:\s+plan)?|plan)\s*(?:on|about|for|to teach|"
                  r"teaching|covering)?\s*", "", text, flags=re.I)
    text = re.sub(r"\s+", " ", text).strip(" .?!:;,-")
    text = re.sub(r"^(?:standard|for|on)\s*", "", text, flags=re.I).strip(" .?!:;,-")
    return text or "today's skill"


def check_lesson(prompt: str, output: str, standard: str | None = None) -> ModeCheck:
    standard = standard or find_standard(prompt)
    missing = []
    if standard and _standard_key(standard) not in {_standard_key(m.group(0)) for m in STANDARD_RE.finditer(output)}:
        missing.append("standard")
    if not _OBJECTIVE_RE.search(output):
        missing.append("objective")
    if not (_ACTIVITIES_RE.search(output) or len(_LIST_ITEM_RE.findall(output)) >= 2):
        missing.append("activities")
    if not _CHECK_RE.search(output):
        missing.append("check")
    if not missing:
        return ModeCheck(True, [], output)
    fill = {"standard": standard, "topic": _topic(prompt, standard)}
    head = [LESSON_TEMPLATE[k].format(**fill) for k in ("standard", "objective") if k in missing]
    tail = [LESSON_TEMPLATE[k].format(**fill) for k in ("activities", "check") if k in missing]
    fixed = "\n\n".join(p for p in ["\n".join(head), output.strip(), *tail] if p)
    return ModeCheck(False, [f"lesson: missing {_NAMES[k].format(standard=standard)}; added from the template"
                             for k in missing], fixed)


_NAMES = {"standard": "the standard {standard}", "objective": "an objective", "activities": "activities",
          "check": "a check for understanding"}


def lesson_appendix(prompt: str, output: str, standard: str | None = None) -> str:
    """The template parts a plan lacks, as a continuation to append ("" when none): a streamed plan
    (already sent) gets them at its end, where ``check_lesson`` would put the standard and objective first."""
    standard = standard or find_standard(prompt)
    result = check_lesson(prompt, output, standard)
    if result.ok:
        return ""
    fill = {"standard": standard, "topic": _topic(prompt, standard)}
    parts = [LESSON_TEMPLATE[k].format(**fill) for k in LESSON_TEMPLATE
             if any(p.startswith(f"lesson: missing {_NAMES[k].format(standard=standard)};") for p in result.problems)]
    return "\n\n" + "\n\n".join(parts) if parts else ""


# -- explain / assess: length and readability at the student's level -----------------------------

# Per grade band (K-2, 3-5, 6-8, 9-12): most words, most words per sentence on average, and
# how many grades above the reading level the Flesch-Kincaid grade may be.
MAX_WORDS = (120, 180, 260, 360)
MAX_SENTENCE_WORDS = (12, 16, 22, 28)
READABILITY_SLACK = 3.0
SHORTER = {Accommodation.adhd, Accommodation.dyslexia}  # two thirds of the words


_words = readability.words


def readability_grade(text: str) -> float:
    """Flesch-Kincaid grade of a text (NaN without words); word by word like training.evaluate
    (textstat 0.7.7's own function raises on numbers)."""
    words = _words(text)
    if not words:
        return math.nan
    return readability.fk_grade(words, len([s for s in sentences(text) if _words(text[s[0]:s[1]])]))


def check_length(output: str, profile: StudentProfile | None) -> ModeCheck:
    if not output.strip():
        return ModeCheck(False, ["empty output"], output)
    if profile is None:
        return ModeCheck(True, [], output)
    level = profile.effective_reading_level
    band = grade_band(level)
    limit = MAX_WORDS[band]
    if SHORTER & set(profile.accommodations):
        limit = limit * 2 // 3
    problems, fixed = [], output
    spans = [s for s in sentences(output) if _words(output[s[0]:s[1]])]
    n_words = len(_words(output))
    if n_words > limit:
        problems.append(f"length: {n_words} words; at most {limit} for this student; cut at a sentence end")
        kept, count = 0, 0
        for start, end in spans:
            count += len(_words(output[start:end]))
            if count > limit and kept:
                break
            kept = end
        fixed = output[:kept].rstrip()
    per_sentence = n_words / max(1, len(spans))
    if per_sentence > MAX_SENTENCE_WORDS[band]:
        problems.append(f"sentences: {per_sentence:.0f} words on average; at most {MAX_SENTENCE_WORDS[band]} "
                        "at this level")
    if n_words >= 20:
        grade = readability_grade(output)
        target = max(level, 2)
        if grade > target + READABILITY_SLACK:
            problems.append(f"readability: Flesch-Kincaid grade {grade:.1f} for a reading level of {level} "
                            f"(allowed up to {target + READABILITY_SLACK:.0f})")
    return ModeCheck(not problems, problems, fixed)
