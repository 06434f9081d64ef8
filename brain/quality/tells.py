"""Tells: a tutor answer that hands over what the child was asked to find, read without knowing the answer.

    task = read_ela("What does 'scarce' mean? I think it means a lot.")
    tells("Scarce means there is very little of something.", item, task)
    # Finding('tells', "defines the word the child was asked about ('scarce')", 'Scarce means ...')

The ``reveal`` detector needs the item's answer. At serving time the answer is often unknown: a
word problem the solver does not read, a vocabulary word, a part of speech, a sentence to punctuate.
A tutor (tutor mode: guide, do not tell) still must not hand those over, and whether the handed-over
answer is right or wrong does not matter: right, it is a reveal; wrong, it is a wrong claim. So in
tutor mode this check flags, from the shape of the text alone:

- **an answer stated** while the answer is unknown: "the (correct/right/final) answer is X",
  "the answer would be X", "Answer: X" (not "your answer is ...", not in a question, not negated);
- **vocabulary** (meaning, synonym, antonym of a target word): a sentence that defines the target
  ("scarce means ...", "scarce refers to ...", "a hypothesis is an ...", "scarce is another word for
  ...") or names its synonym/antonym ("a synonym for brave is ...", "the opposite of scarce is ...");
- **parts of speech**: the target word labelled with a part of speech ("'tall' is an adjective",
  "'quickly' works as an adverb", "the part of speech is ...");
- **plurals and verb tenses** whose answer the tables do not hold: "the plural of X is ...",
  "the past tense of X is ...";
- **punctuation**: the prompt's sentence written back with its punctuation, capitals or apostrophes
  changed (the corrected sentence); quoting it unchanged is fine;
- **choices** ("Which is correct: 'A' or 'B'?", "a subject or an object pronoun?", "active or
  passive?"): one option picked ("'B' is correct", "the right one is B", "it is passive").

``wrong_form`` (every mode but lesson) reads the other side: with the answer of a plural or past
tense known (``brain.quality.ela_task``), "the plural of sheep is sheeps" names a form that is
not it. (The ``wrong_claim`` detector sees a wrong word answer only when the child typed it.)

Misses: a definition not tied to the target word ("It's when there's not enough"), a synonym given
alone ("Fearless!"), a part of speech stated without the word ("It's an adjective" is caught only
after "the answer is"), a corrected sentence with a word changed as well, answers in other languages.
Over-flags: "Scarce is a tricky word." reads as a definition (a retry follows, then the fallback).
"""

from __future__ import annotations

import re

from brain.quality.ela_task import ElaTask
from brain.quality.items import Finding, TutorItem
from brain.quality.mathtext import sentences

POS_WORDS = ("noun", "verb", "adjective", "adverb", "pronoun", "preposition", "conjunction", "interjection",
             "article", "determiner", "gerund", "participle", "infinitive")
_Q = r"[\"'“”‘’]?"  # an optional quote mark around a word
_ANSWER = re.compile(
    r"(?<!your )(?<!my )(?<!their )(?<!his )(?<!her )\b(?:the\s+)?(?:correct\s+|right\s+|final\s+|real\s+)?"
    r"(?:answer|solution)\s*(?:is|was|would\s+be|should\s+be|will\s+be|=|:)(?!n['’]t)\s*[\"'“‘]?\s*(?!not\b)(?P<value>[\w$-][^,.;!?]*)",
    re.I)
_NOT_A_VALUE = re.compile(r"^(?:to|that|in|on|at|up|what|how|when|where|which|why|whatever|something|somewhere|"
                          r"hidden|there|here|yours|yes|no|simple|easy|close|right|wrong|correct|a\s+(?:bit|little))\b",
                          re.I)


def _word(word: str) -> str:
    """The target as a regex: whole word, any case, optionally quoted, with a leading article."""
    return rf"(?:\b(?:a|an|the|word)\s+)?{_Q}\b{re.escape(word)}\b{_Q}"


def _states_answer(sentence: str) -> str | None:
    for m in _ANSWER.finditer(sentence):
        value = m.group("value").strip()
        if not value or _NOT_A_VALUE.match(value):
            continue
        return f"states an answer ('{value[:40]}')"
    return None


def _vocab(sentence: str, task: ElaTask) -> str | None:
    t = _word(task.target)
    defines = (rf"{t}(?:\s+word)?\s*,?\s*(?:means?|meant|refers?\s+to|is\s+defined\s+as|is\s+(?:a|an|another|one|"
               rf"when|what|something|someone|like|the\s+same|similar|used\s+to|describing)\b)")
    it_means = rf"{t}[^.!?]*\b(?:it|this|that|which)\s+(?:means|refers\s+to|is\s+defined\s+as)\b"
    names = (rf"\b(?:synonyms?|antonyms?|opposites?|another\s+word|a\s+word\s+that\s+means\s+the\s+same|meaning|"
             rf"definition)\s+(?:for|of|to)\s+{t}\s*(?:is|are|might\s+be|could\s+be|would\s+be|=|:)")
    if re.search(defines, sentence, re.I) or re.search(it_means, sentence, re.I):
        return f"defines the word the child was asked about ('{task.target}')"
    if re.search(names, sentence, re.I):
        return f"names a word for the one the child was asked about ('{task.target}')"
    return None


def _part_of_speech(sentence: str, task: ElaTask) -> str | None:
    pos = "|".join(POS_WORDS)
    if re.search(rf"\bpart\s+of\s+speech\b[^.?!]*?\b(?:is|would\s+be|=|:)\s*(?:a|an|the)?\s*{_Q}(?:{pos})s?\b",
                 sentence, re.I):
        return "names the part of speech"
    if task.target and re.search(
            rf"{_word(task.target)}[^.?!]{{0,40}}?\b(?:is|was|acts\s+as|works\s+as|is\s+used\s+as|functions\s+as|"
            rf"serves\s+as|would\s+be|called)\s+(?:a|an|the)?\s*(?:\w+\s+)?{_Q}(?:{pos})s?\b", sentence, re.I):
        return f"labels the word the child asked about ('{task.target}')"
    return None


_INFLECTIONS = {"plural": "plural", "past": "past tense", "past_participle": "past participle"}


def _inflection(sentence: str, task: ElaTask) -> str | None:
    name = _INFLECTIONS.get(task.asked)
    if not name or not task.target:
        return None
    asked = name.replace(" ", r"\s+")
    if re.search(rf"\b{asked}\s+(?:form\s+)?of\s+{_Q}{re.escape(task.target)}{_Q}\s*(?:is|would\s+be|=|:)\s*"
                 rf"(?!not\b)[\"'“‘]?\w", sentence, re.I):
        return f"gives the {name} of '{task.target}'"
    return None


_PICKED = re.compile(r"\b(?:is|are|was|sounds|looks|seems)\s+(?:more\s+|the\s+)?(?:correct|right|better|proper|"
                     r"grammatical|way\s+to\s+go)\b|\b(?:correct|right|better|proper|first|second)\s+(?:one|answer|choice|"
                     r"sentence|way|form|version|option)\s+(?:is|would\s+be)\b|\b(?:should|would)\s+(?:say|use|write|"
                     r"pick|choose)\b|\bgo\s+with\b", re.I)


def _picks(sentence: str, task: ElaTask) -> str | None:
    """One of the offered options picked ("'B' is correct", "it is passive")."""
    for option in task.options:
        words = option.split()
        if len(words) >= 3:  # a sentence: found by its words, picked by a cue anywhere in the sentence
            if _contains(sentence, option) and _PICKED.search(sentence):
                return "picks one of the choices"
        elif re.search(rf"\b(?:is|it's|it\s+is|would\s+be|that's|be|use|uses|pick|choose)\s+(?:an?\s+|the\s+)?"
                       rf"{_Q}{re.escape(option)}{_Q}(?!\w)", sentence, re.I) or (
                re.search(rf"{_Q}\b{re.escape(option)}\b{_Q}", sentence, re.I) and _PICKED.search(sentence)):
            return "picks one of the choices"
    return None


def _contains(text: str, phrase: str) -> bool:
    want = [w for w, _, _ in _words(phrase)]
    have = [w for w, _, _ in _words(text)]
    return any(have[i:i + len(want)] == want for i in range(len(have) - len(want) + 1))


def _words(text: str) -> list[tuple[str, int, int]]:
    """(word without apostrophes, lower-case; start; end) of each word."""
    return [(re.sub(r"'", "", m.group().lower()), m.start(), m.end()) for m in re.finditer(r"\w(?:[\w']*\w)?", text)]


def _rewrites(text: str, original: str) -> str | None:
    """The prompt's sentence written back changed (punctuation, capitals, apostrophes), or None."""
    text, original = text.replace("’", "'"), original.replace("’", "'")
    want = [w for w, _, _ in _words(original)]
    if len(want) < 3:
        return None
    have = _words(text)
    plain = re.sub(r"\s+", " ", original.strip()).rstrip(".!?")
    for i in range(len(have) - len(want) + 1):
        if [w for w, _, _ in have[i:i + len(want)]] != want:
            continue
        span = re.sub(r"\s+", " ", text[have[i][1]:have[i + len(want) - 1][2]])
        if span != plain:
            return span
    return None


def tells(text: str, item: TutorItem, task: ElaTask | None, mode: str) -> Finding | None:
    """The first tell of ``text`` (see the module docstring); tutor mode only."""
    if mode != "tutor":
        return None
    for sentence in sentences(text):
        if sentence.rstrip().endswith("?"):
            continue
        reason = None if item.answers else _states_answer(sentence)
        if reason is None and task is not None:
            if task.topic == "vocabulary" and task.target and task.asked in ("meaning", "synonym", "antonym"):
                reason = _vocab(sentence, task)
            elif task.topic == "parts_of_speech":
                reason = _part_of_speech(sentence, task)
            if reason is None and task.options:
                reason = _picks(sentence, task)
            elif task.topic in ("plurals", "verb_tenses") and not item.answers:
                reason = _inflection(sentence, task)
        if reason:
            return Finding("tells", reason, sentence)
    if task is not None and task.topic == "punctuation" and task.sentence:
        rewritten = _rewrites(text, task.sentence)
        if rewritten:
            return Finding("tells", "writes out the corrected sentence", rewritten)
    return None


def wrong_form(text: str, item: TutorItem, task: ElaTask | None) -> Finding | None:
    """A plural or past form stated for the asked word that is not the known answer (any mode)."""
    if task is None or not task.target or not item.answers or task.asked not in _INFLECTIONS:
        return None
    asked = _INFLECTIONS[task.asked].replace(" ", r"\s+")
    known = {a.lower() for a in item.answers}
    pattern = (rf"\b{asked}\s+(?:form\s+)?of\s+{_Q}{re.escape(task.target)}{_Q}\s*,?\s*(?:is|would\s+be|=|:)\s*"
               rf"(?:just\s+|simply\s+|still\s+)?[\"'“‘]?(?P<form>[a-z][a-z'’-]*)")
    for sentence in sentences(text):
        for m in re.finditer(pattern, sentence, re.I):
            form = m.group("form").lower().strip("'’")
            if form not in known and form not in ("not", "a", "an", "the", "very", "tricky", "special", "irregular"):
                return Finding("wrong_form", f"states a wrong {_INFLECTIONS[task.asked]} ('{form}')", sentence)
    return None
