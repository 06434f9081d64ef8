"""Moderation beyond English: language identification and the Spanish, Arabic, Chinese and Vietnamese path.

Which path runs (``detect_language``), cheapest and surest signal first:

1. The script. Arabic letters -> ``ar``; Han characters without kana or hangul -> ``zh``; kana,
   hangul, Cyrillic, Devanagari, Thai, ... -> ``unknown``. A text's script is counted over its
   letters, so an Arabic or Chinese sentence with an English word in it keeps its language.
2. Vietnamese letters (đ ă ơ ư and the vowels with two marks, U+1EA0-U+1EF9: ế ộ ữ ...) -> ``vi``;
   no other language we serve writes them.
3. Other Latin-script text: py3langid (langid.py's model inside its wheel, numpy only, nothing
   downloaded) restricted to English, Spanish and Vietnamese (written without marks: "toi muon
   chet"): Spanish or Vietnamese with ``LATIN_FLOOR`` probability. Otherwise, with three words or
   more, py3langid over ``LATIN_LANGUAGES`` (decoys: French, Portuguese, Italian, German, ...): a
   decoy with ``DECOY_FLOOR`` makes the text ``unknown``. Everything else, and text without
   letters, is English (today's path).

What each path runs (``check_language``, called by ``Moderator.check`` for anything but English):

- ``es``, ``ar``, ``zh``, ``vi``: the language's rule lexicon (``lang/rules-<lang>.yaml``, read by
  ``LangRules``, over ``fold``-ed text), the multilingual classifier (``language_classifier``: the
  same TF-IDF + logistic regression as the English one, trained on ``train.jsonl`` plus
  ``lang/train-<lang>.jsonl``, over ``fold``-ed text, character n-grams so Chinese needs no word
  breaks) for the six key categories, and the English rules (mixed texts: "i want to die, ya no
  aguanto"). The verdict's message is in the language (``brain.safety.messages.LANGUAGE_MESSAGES``).
- ``unknown``: the fail-safe. Every lexicon and the English rules run; a hit in a high-severity
  category (``HIGH_SEVERITY``) or a multilingual-model probability of at least ``FAILSAFE_PROBABILITY``
  in one blocks or supports (English message); anything else is allowed.
- English text also meets the Latin lexicons (``es``, ``vi``): a Spanish or Vietnamese text the
  identifier took for English ("e ko muon song nua") still gets that language's answer when one of
  its self-harm, abuse-disclosure or grooming rules (``NET_CATEGORIES``) fires and the English path
  allowed the text.

The choice of method, the DEV figures and what is not covered: docs/safety.md, "Languages".

Run as: ``python -m brain.safety.lang "text"`` (the language guess and the language path's hits).
"""

from __future__ import annotations

import json
import re
import sys
import threading
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import yaml

LANG_DIR = Path(__file__).with_name("lang")
LANGUAGES = ("es", "ar", "zh", "vi")
KEY_CATEGORIES = ("self_harm", "sexual", "grooming", "personal_info", "abuse_disclosure", "violence")
# The fail-safe for a language we cannot read acts only on these (a child's safety first; an unknown
# language's homework must not be blocked for a weak signal).
HIGH_SEVERITY = ("self_harm", "abuse_disclosure", "grooming", "sexual")
SERVED_LATIN = ("en", "es", "vi")
LATIN_LANGUAGES = SERVED_LATIN + ("fr", "pt", "it", "de", "nl", "tl", "id", "ca", "ro")
DECOYS = frozenset(LATIN_LANGUAGES) - {"en", "es", "vi"}
# The English path's safety net: the Latin lexicons' disclosures and grooming (not "sexual": its
# borrowed words, "sex", "porn", "nude", are the English path's to judge in an English text).
NET_CATEGORIES = ("self_harm", "abuse_disclosure", "grooming")
# ... and the Spanish sexual rules written only in Spanish words ("pasame packs" was read as English).
NET_RULES = frozenset({"sexual.es.nudes", "sexual.es.naked", "sexual.es.sex_act", "sexual.es.body_parts",
                       "sexual.es.sex_talk"})
LATIN_FLOOR = 0.6  # py3langid's normalised probability (over en, es, vi) for es / vi on Latin text
DECOY_FLOOR = 0.95  # ... for another Latin language to make the text "unknown"
MODEL_PROBABILITY = 0.9  # the multilingual model's floor on the language path (DEV: docs/safety.md, Languages)
FAILSAFE_PROBABILITY = 0.85  # ... and on unknown-language text (high-severity categories only)

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
_VIETNAMESE = re.compile(r"[đĐăĂơƠưƯ\u1ea0-\u1ef9]")
_LETTER = re.compile(r"[^\W\d_]")
_VI_WORDS = re.compile(
    r"\b(?:em|toi|tui|minh|khong|ko|cua|nha|qua|roi|duoc|voi|cho|nguoi|ban|anh|muon|bi|gi|nao|dau|chao|"
    r"lam|nay|nhe|vay|dang|oi|hoc|bai|tap|chet|song|xin|dien|thoai|hieu|kho)\b")
_lock = threading.Lock()


@dataclass(frozen=True)
class LanguageGuess:
    """The language a path is chosen for: ``en``, ``es``, ``ar``, ``zh``, ``vi`` or ``unknown``."""

    language: str
    confidence: float
    method: str  # "script", "letters", "identifier", "default"


@lru_cache(maxsize=2)
def _identifier(served_only: bool = True):
    """py3langid's identifier over en/es/vi (``served_only``) or all ``LATIN_LANGUAGES`` (decoys included);
    each loads the bundled model once (~1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(SERVED_LATIN if served_only else LATIN_LANGUAGES))
    return ident


def detect_language(text: str) -> LanguageGuess:
    """The language whose path moderates ``text`` (see the module docstring for the order)."""
    letters = _LETTER.findall(text)
    if not letters:
        return LanguageGuess("en", 1.0, "default")
    n = len(letters)
    arabic = sum(1 for c in letters if _ARABIC.match(c))
    han = sum(1 for c in letters if _HAN.match(c))
    latin = sum(1 for c in letters if _LATIN.match(c))
    if _KANA_HANGUL.search(text):
        return LanguageGuess("unknown", 1.0, "script")
    # A non-Latin script counts per character; Chinese packs a word into one or two, so a few
    # characters outweigh an English word around them.
    if arabic and arabic >= 0.3 * n:
        return LanguageGuess("ar", arabic / n, "script")
    if han and (han >= 2 or han * 3 >= n) and han * 4 >= latin:
        return LanguageGuess("zh", min(1.0, han * 4 / n), "script")
    if latin < 0.5 * n:
        return LanguageGuess("unknown", 1.0 - latin / n, "script")
    if _VIETNAMESE.search(text):
        return LanguageGuess("vi", 1.0, "letters")
    lowered = text.lower()
    lang, prob = _identifier().classify(lowered)
    prob = float(prob)
    if lang in ("es", "vi") and prob >= LATIN_FLOOR and latin >= 4:  # "hi", "ok": too short to tell
        # Vietnamese without its marks needs two of its everyday words too ("What are sex-linked
        # traits like color blindness?" scored vi over en).
        words = len(_VI_WORDS.findall(fold(lowered)))
        if lang == "es" or words >= 2 or (words and prob >= 0.95):
            return LanguageGuess(lang, prob, "identifier")
    if len(text.split()) >= 3:
        other, other_prob = _identifier(False).classify(lowered)
        if other in DECOYS and other_prob >= DECOY_FLOOR:
            return LanguageGuess("unknown", float(other_prob), "identifier")
    return LanguageGuess("en", prob if lang == "en" else 1.0 - prob, "identifier" if lang == "en" else "default")


# ---------------------------------------------------------------------------- folding
_FOLD = str.maketrans({"đ": "d", "ة": "ه", "ى": "ي", "ـ": None, "\u200c": None, "\u200d": None,
                       "٠": "0", "١": "1", "٢": "2", "٣": "3", "٤": "4", "٥": "5", "٦": "6", "٧": "7",
                       "٨": "8", "٩": "9", "’": "'", "‘": "'", "،": ",", "؟": "?", "。": ".", "，": ",",
                       "？": "?", "！": "!"})


def fold(text: str) -> str:
    """The text the language path reads: NFKC, lower case, marks dropped, letters squeezed.

    Dropping marks folds Spanish accents ("suicidarme" = "suicídarme"), Vietnamese diacritics
    ("tôi muốn chết" = "toi muon chet", as children often type) and Arabic harakat and hamza seats
    (أ إ آ -> ا); ة -> ه and ى -> ي; tatweel and zero-width joiners go. Chinese is unchanged
    (full-width forms become ASCII). A letter written three or more times is written twice.
    """
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = re.sub(r"[\u200b\u200e\u200f\u2060\ufeff\u00ad]", "", text)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"([^\W\d_])\1{2,}", r"\1\1", text)
    return re.sub(r"\s+", " ", text).strip()


# ---------------------------------------------------------------------------- lexicons
class LangRuleError(ValueError):
    """A rules-<lang>.yaml file that cannot be used (names the file and the rule)."""


@dataclass(frozen=True)
class LangRule:
    name: str  # "<category>.<lang>.<rule>"
    category: str
    pattern: re.Pattern
    unless: re.Pattern | None


class LangRules:
    """One language's rule lexicon: ``lang/rules-<lang>.yaml``.

    The file holds ``language``, ``fragments`` (name -> a piece of regular expression, used as
    ``{name}``) and ``rules``: category -> a list of ``{name, pattern, unless?}``. Patterns are
    matched against ``fold``-ed text (write them without accents or harakat), case-insensitively;
    ``unless`` is looked for within 60 characters of the match (the benign context). Checked at
    load: unknown categories or fields, duplicate names, unknown fragments, bad expressions.
    """

    FIELDS = frozenset({"name", "pattern", "unless"})

    def __init__(self, path: str | Path):
        self.path = Path(path)
        data = yaml.safe_load(self.path.read_text(encoding="utf-8")) or {}
        self.language = data.get("language")
        if self.language not in LANGUAGES:
            raise LangRuleError(f"{self.path}: `language` must be one of {LANGUAGES}, got {self.language!r}")
        fragments = {k: str(v) for k, v in (data.get("fragments") or {}).items()}
        self.rules: list[LangRule] = []
        seen = set()
        for category, items in (data.get("rules") or {}).items():
            if category not in KEY_CATEGORIES:
                raise LangRuleError(f"{self.path}: unknown category {category!r}")
            for item in items or []:
                name = item.get("name") if isinstance(item, dict) else None
                where = f"{self.path}, rule {category}.{name}"
                if not name or "pattern" not in item or set(item) - self.FIELDS:
                    raise LangRuleError(f"{where}: needs `name` and `pattern`, may have only {sorted(self.FIELDS)}")
                if (category, name) in seen:
                    raise LangRuleError(f"{where}: a second rule with this name")
                seen.add((category, name))
                self.rules.append(LangRule(
                    f"{category}.{self.language}.{name}", category, self._compile(item["pattern"], fragments, where),
                    self._compile(item["unless"], fragments, where) if item.get("unless") else None))

    @staticmethod
    def _compile(expr: str, fragments: dict[str, str], where: str) -> re.Pattern:
        def expand(s: str, depth: int = 0) -> str:
            if depth > 5:
                raise LangRuleError(f"{where}: fragments nest too deep")

            def sub(m: re.Match) -> str:
                if m.group(1) not in fragments:
                    raise LangRuleError(f"{where}: unknown fragment {{{m.group(1)}}}")
                return expand(fragments[m.group(1)], depth + 1)

            return re.sub(r"\{([a-z_][a-z0-9_]*)\}", sub, s)

        try:
            return re.compile(expand(str(expr)), re.IGNORECASE)
        except re.error as exc:
            raise LangRuleError(f"{where}: {exc}") from None

    def match(self, folded: str) -> dict[str, list[str]]:
        """Categories whose rules fire on already ``fold``-ed text, with the rules' names."""
        hits: dict[str, list[str]] = {}
        for rule in self.rules:
            for m in rule.pattern.finditer(folded):
                if rule.unless is not None and rule.unless.search(folded[max(0, m.start() - 60): m.end() + 60]):
                    continue
                hits.setdefault(rule.category, []).append(rule.name)
                break
        return hits


@lru_cache(maxsize=None)
def lexicon(language: str) -> LangRules:
    return LangRules(LANG_DIR / f"rules-{language}.yaml")


def lexicon_hits(text: str, languages=LANGUAGES) -> dict[str, list[str]]:
    """Hits of the lexicons of ``languages`` (those whose file exists) on ``text``."""
    folded = fold(text)
    hits: dict[str, list[str]] = {}
    for language in languages:
        if (LANG_DIR / f"rules-{language}.yaml").exists():
            for category, names in lexicon(language).match(folded).items():
                hits.setdefault(category, []).extend(names)
    return hits


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
    for category, names in match_rules(text, direction).items():  # English words in a mixed text
        hits.setdefault(category, []).extend(names)
    if moderator.classifier is not None:
        found, probs = model_hits(text, MODEL_PROBABILITY)
        scores.update({f"lang_model_{c}": round(p, 4) for c, p in probs.items()})
        for category, names in found.items():
            hits.setdefault(category, []).extend(names)
    return _verdict(decide, hits, direction, scores, moderator, language, text)


def english_safety_net(moderator, text: str, direction: str, verdict):
    """An English verdict that allowed ``text``, unless a Latin lexicon's high-severity rule fires on it."""
    from brain.safety.verdict import decide

    net = latin_safety_net(text)
    if net is None:
        return verdict
    language, hits = net
    return _verdict(decide, hits, direction, dict(verdict.scores), moderator, language)


def latin_safety_net(text: str) -> tuple[str, dict[str, list[str]]] | None:
    """A high-severity hit of the Spanish or Vietnamese lexicon on a text taken for English."""
    if not _LATIN.search(text):
        return None
    folded = fold(text)
    for language in ("es", "vi"):
        if (LANG_DIR / f"rules-{language}.yaml").exists():
            hits = {c: [n for n in r if c in NET_CATEGORIES or n in NET_RULES]
                    for c, r in lexicon(language).match(folded).items()}
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
