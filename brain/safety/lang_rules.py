"""The language rule lexicons: ``fold`` (the text they read) and ``LangRules`` (``lang/rules-<name>.yaml``).

``lexicon(name)`` loads one file: ``es``, ``ar``, ``zh``, ``vi``, and ``ar-latn`` (Arabizi: Arabic in
Latin letters, read on the Arabic path). See brain/safety/lang.py for the path that uses them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

LANG_DIR = Path(__file__).with_name("lang")
LANGUAGES = ("es", "ar", "zh", "vi")
KEY_CATEGORIES = ("self_harm", "sexual", "grooming", "personal_info", "abuse_disclosure", "violence")
# The lexicons each language's path reads (Arabic: Arabic script and Arabizi).
# Each language has its phrase lexicon (rules-<lang>.yaml) and a stems lexicon (rules-<lang>-stems.yaml:
# word stems with their endings and clitics, dialect words); Arabic also the Arabizi one.
# Spanish also rules-es-concepts.yaml: two concepts anywhere in the text, no veto word (co-occurrence,
# not order). The same for Arabic, Chinese and Vietnamese flagged 7-10% of benign texts (no word breaks
# in Chinese, clitics in Arabic), so they have none (docs/safety.md, "Languages").
LEXICONS = {"es": ("es", "es-stems", "es-concepts"), "ar": ("ar", "ar-stems", "ar-latn"), "zh": ("zh", "zh-stems"),
            "vi": ("vi", "vi-stems")}

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
def lexicon(name: str) -> LangRules:
    """The lexicon ``lang/rules-<name>.yaml`` (``name``: a language, or ``ar-latn`` for Arabizi)."""
    return LangRules(LANG_DIR / f"rules-{name}.yaml")


def lexicon_hits(text: str, languages=LANGUAGES) -> dict[str, list[str]]:
    """Hits of the lexicons of ``languages`` (those whose file exists) on ``text``."""
    folded = fold(text)
    hits: dict[str, list[str]] = {}
    for language in languages:
        for name in LEXICONS.get(language, (language,)):
            if (LANG_DIR / f"rules-{name}.yaml").exists():
                for category, names in lexicon(name).match(folded).items():
                    hits.setdefault(category, [])
                    hits[category] += [n for n in names if n not in hits[category]]
    return hits

