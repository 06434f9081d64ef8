"""Moderation beyond English: the Spanish, Arabic, Chinese and Vietnamese path.

Which path runs: ``brain.safety.langid.detect_language`` (script, Vietnamese letters, Arabizi,
py3langid; re-exported here). The lexicons and the folding they read: ``brain.safety.lang_rules``.

What each path runs (``check_language``, called by ``Moderator.check`` for anything but English):

- ``es``, ``ar``, ``zh``, ``vi``: the language's rule lexicons (``lang/rules-<lang>.yaml``; Arabic
  also ``lang/rules-ar-latn.yaml``, Arabizi), the multilingual classifier (``language_classifier``:
  the same TF-IDF + logistic regression as the English one, trained on ``train.jsonl`` plus
  ``lang/train-<lang>.jsonl``, over ``fold``-ed text, character n-grams so Chinese needs no word
  breaks) for the six key categories, and the English rules (mixed texts: "i want to die, ya no
  aguanto"). The verdict's message is in the language (``brain.safety.messages.LANGUAGE_MESSAGES``).
- ``unknown``: the fail-safe. Every lexicon and the English rules run; a hit in a high-severity
  category (``HIGH_SEVERITY``) or a multilingual-model probability of at least ``FAILSAFE_PROBABILITY``
  in one blocks or supports (English message); anything else is allowed.
- English text also meets the Latin lexicons (``es``, ``vi``, ``ar-latn``): a Spanish, Vietnamese or
  Arabizi text the identifier took for English ("e ko muon song nua") still gets that language's
  answer when one of its self-harm, abuse-disclosure or grooming rules (``NET_CATEGORIES``) fires and
  the English path allowed the text.

The choice of method, the DEV figures and what is not covered: docs/safety.md, "Languages".

Run as: ``python -m brain.safety.lang "text"`` (the language guess and the language path's hits).
"""

from __future__ import annotations

import json
import re
import sys
import threading
from dataclasses import replace
from functools import lru_cache

from brain.safety.lang_rules import (  # noqa: F401  (re-exported: the language path's public names)
    KEY_CATEGORIES, LANG_DIR, LANGUAGES, LEXICONS, LangRule, LangRuleError, LangRules, fold, lexicon, lexicon_hits)
from brain.safety.langid import (  # noqa: F401
    LATIN_LETTER, DECOY_FLOOR, DECOYS, LATIN_FLOOR, LATIN_LANGUAGES, SERVED_LATIN, LanguageGuess, detect_language,
    has_arabizi_word, is_arabizi)

# The fail-safe for a language we cannot read acts only on these (a child's safety first; an unknown
# language's homework must not be blocked for a weak signal).
HIGH_SEVERITY = ("self_harm", "abuse_disclosure", "grooming", "sexual")
# The English path's safety net: the Latin lexicons' disclosures and grooming (not "sexual": its
# borrowed words, "sex", "porn", "nude", are the English path's to judge in an English text).
NET_CATEGORIES = ("self_harm", "abuse_disclosure", "grooming")
# ... and the Spanish sexual rules written only in Spanish words ("pasame packs" was read as English).
NET_RULES = frozenset({"sexual.es.nudes", "sexual.es.naked", "sexual.es.sex_act", "sexual.es.body_parts",
                       "sexual.es.sex_talk"})
# The lexicons of the safety net: phrases and stems (not the Spanish concept lexicon, which reads words
# an English text may have too), and Arabizi only when a word has an Arabizi digit (it costs a check).
NET_LEXICONS = (("es", "es"), ("es-stems", "es"), ("vi", "vi"), ("vi-stems", "vi"), ("ar-latn", "ar"))
MODEL_PROBABILITY = 0.9  # the multilingual model's floor on the language path (DEV: docs/safety.md, Languages)
FAILSAFE_PROBABILITY = 0.85  # ... and on unknown-language text (high-severity categories only)
_lock = threading.Lock()


# ---------------------------------------------------------------------------- the model
def language_training_set(languages=LANGUAGES) -> tuple[list[str], list[list[str]]]:
    """``train.jsonl`` (English) plus ``lang/train-<lang>.jsonl`` of each language."""
    from brain.safety.classifier import load_training_set

    texts, labels = load_training_set()
    for language in languages:
        path = LANG_DIR / f"train-{language}.jsonl"
        if path.exists():
            t, y = load_training_set(path)
            texts += t
            labels += y
    return texts, labels


def language_features():
    """Word 1-2 grams and character 2-5 grams (within words: a Chinese clause is one "word")."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )


@lru_cache(maxsize=1)
def language_classifier():
    """The multilingual classifier for the key categories (trained once per process, a few seconds)."""
    from brain.safety.classifier import CategoryClassifier

    with _lock:
        return CategoryClassifier(*language_training_set(), categories=KEY_CATEGORIES, normalizer=fold,
                                  features=language_features())


def model_hits(text: str, floor: float, categories=KEY_CATEGORIES) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Categories the multilingual model scores at ``floor`` or more, and its probabilities."""
    probs = language_classifier().predict([text])[0]
    hits = {c: [f"{c}.lang_model"] for c in categories if probs.get(c, 0.0) >= floor}
    return hits, probs


# ---------------------------------------------------------------------------- the path
def check_language(moderator, text: str, direction: str, guess: LanguageGuess):
    """The verdict of the language path (``es``, ``ar``, ``zh``, ``vi``) or the fail-safe (``unknown``)."""
    from brain.safety.rules import match_rules
    from brain.safety.verdict import decide

    language = guess.language
    scores: dict[str, float] = {"language_confidence": round(guess.confidence, 4)}
    if language == "unknown":
        hits = {c: r for c, r in lexicon_hits(text).items() if c in HIGH_SEVERITY}
        english = match_rules(text, direction)
        hits.update({c: r for c, r in english.items() if c in HIGH_SEVERITY and c not in hits})
        if moderator.classifier is not None:
            found, probs = model_hits(text, FAILSAFE_PROBABILITY, HIGH_SEVERITY)
            scores.update({f"lang_model_{c}": round(p, 4) for c, p in probs.items()})
            for category, names in found.items():
                hits.setdefault(category, []).extend(names)
        return _verdict(decide, hits, direction, scores, moderator, "unknown", text)
    hits = lexicon_hits(text, (language,))
    if has_english(text):  # English words in a mixed text ("i cut myself otra vez")
        for category, names in match_rules(text, direction).items():
            hits.setdefault(category, []).extend(names)
    if moderator.classifier is not None:
        found, probs = model_hits(text, MODEL_PROBABILITY)
        scores.update({f"lang_model_{c}": round(p, 4) for c, p in probs.items()})
        for category, names in found.items():
            hits.setdefault(category, []).extend(names)
    return _verdict(decide, hits, direction, scores, moderator, language, text)


# Words only English writes (not Spanish "me", "no", "a"; not Vietnamese "em", "anh"): two of them make
# a text on a language path mixed enough for the English rules. Without them the English rules read
# Spanish or Arabizi words as English ("prevencion del suicidio" met an English self-harm rule).
_ENGLISH_WORDS = re.compile(
    r"\b(?:i|i'm|im|i'll|my|you|your|u|ur|the|to|and|is|are|was|want|wanna|gonna|going|kill|die|send|nudes?|"
    r"don't|dont|can't|it|this|that|of|with|for|she|they|we|what|how|why|when|where|myself|him|her|his|"
    r"cut|hurt|hits?|touch(?:es|ed)?|dad|mom|stepdad|bomb|gun|shoot|school|pics?|naked|alone|secret|address|"
    r"phone|number|password|home|tonight|tomorrow)\b", re.IGNORECASE)


def has_english(text: str) -> bool:
    """Two or more English-only words: the English rules also read a text on a language path."""
    return len(_ENGLISH_WORDS.findall(text)) >= 2


def english_safety_net(moderator, text: str, direction: str, verdict):
    """An English verdict that allowed ``text``, unless a Latin lexicon's high-severity rule fires on it."""
    from brain.safety.verdict import decide

    net = latin_safety_net(text)
    if net is None:
        return verdict
    language, hits = net
    return _verdict(decide, hits, direction, dict(verdict.scores), moderator, language)


def latin_safety_net(text: str) -> tuple[str, dict[str, list[str]]] | None:
    """A high-severity hit of the Spanish, Vietnamese or Arabizi lexicon on a text taken for English."""
    if not LATIN_LETTER.search(text):
        return None
    folded = fold(text)
    for name, language in NET_LEXICONS:
        if name == "ar-latn" and not has_arabizi_word(text):
            continue
        if (LANG_DIR / f"rules-{name}.yaml").exists():
            hits = {c: [n for n in r if c in NET_CATEGORIES or n in NET_RULES]
                    for c, r in lexicon(name).match(folded).items()}
            hits = {c: r for c, r in hits.items() if r}
            if hits:
                return language, hits
    return None


def _verdict(decide, hits, direction, scores, moderator, language, text=None):
    if text is not None and moderator.judge is not None:
        for category in moderator.judge(text, direction):
            hits.setdefault(category, []).append("judge")
    scores.update({c: 1.0 for c in hits})
    rules = tuple(r for names in hits.values() for r in names)
    support = moderator.settings.safety_support_message or None
    verdict = decide(list(hits), direction, scores, rules, support_message=support, language=language)
    return verdict if verdict.language == language else replace(verdict, language=language)


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        g = detect_language(arg)
        print(json.dumps({"text": arg, "language": g.language, "confidence": round(g.confidence, 3),
                          "method": g.method, "lexicon": lexicon_hits(arg)}, ensure_ascii=False))
