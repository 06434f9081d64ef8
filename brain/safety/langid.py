"""Language identification for moderation: which path reads a text (``detect_language``).

Cheapest and surest signal first (docs/safety.md, "Which path runs"):

1. The script. Arabic letters -> ``ar``; Han characters without kana or hangul -> ``zh``; kana,
   hangul, Cyrillic, Devanagari, Thai, ... -> ``unknown``. A text's script is counted over its
   letters, so an Arabic or Chinese sentence with an English word in it keeps its language.
2. Vietnamese letters (đ ă ơ ư and the vowels with two marks, U+1EA0-U+1EF9: ế ộ ữ ...) -> ``vi``;
   no other language we serve writes them.
3. Vietnamese typed without marks in teen code: two of its distinct words ("ko", "mun", "dc", "chet") and
   half of the words Vietnamese-looking -> ``vi`` (py3langid reads "e mun tu tu lun" as Spanish).
4. Arabizi, Arabic typed in Latin letters with digits for the letters Latin lacks (2 hamza, 3 ain,
   5 kha, 7 ha, 9 qaf/sad: "ana 3ayez amoot", "5alas", "ma3lesh") -> ``ar`` with method ``arabizi``
   (``is_arabizi``); the Arabic path then reads it with the transliterated lexicon
   ``lang/rules-ar-latn.yaml``.
5. Other Latin-script text: py3langid (langid.py's model inside its wheel, numpy only, nothing
   downloaded) restricted to English, Spanish and Vietnamese (written without marks: "toi muon
   chet"): Spanish or Vietnamese with ``LATIN_FLOOR`` probability. Otherwise, with three words or
   more, py3langid over ``LATIN_LANGUAGES`` (decoys: French, Portuguese, Italian, German, ...): a
   decoy with ``DECOY_FLOOR`` makes the text ``unknown``. Everything else, and text without
   letters, is English (today's path).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from brain.safety.lang_rules import fold
from brain.safety.normalize import delookalike

SERVED_LATIN = ("en", "es", "vi")
LATIN_LANGUAGES = SERVED_LATIN + ("fr", "pt", "it", "de", "nl", "tl", "id", "ca", "ro")
DECOYS = frozenset(LATIN_LANGUAGES) - {"en", "es", "vi"}
LATIN_FLOOR = 0.6  # py3langid's normalised probability (over en, es, vi) for es / vi on Latin text
DECOY_FLOOR = 0.95  # ... for another Latin language to make the text "unknown"

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
LATIN_LETTER = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")
_VIETNAMESE = re.compile(r"[đĐăĂơƠưƯ\u1ea0-\u1ef9]")
_LETTER = re.compile(r"[^\W\d_]")
_VI_WORDS = re.compile(
    r"\b(?:em|toi|tui|minh|khong|ko|cua|nha|qua|roi|duoc|voi|cho|nguoi|ban|anh|muon|bi|gi|nao|dau|chao|"
    r"lam|nay|nhe|vay|dang|oi|hoc|bai|tap|chet|song|xin|dien|thoai|hieu|kho)\b")

# Vietnamese typed without marks in teen code ("e mun tu tu lun", "xoa tin nhan di ko me e thay"): words no
# Spanish or English text uses. Two of them, and half of the words Vietnamese-looking, make the text Vietnamese
# even where py3langid says Spanish or English (the shorter words count only toward that share).
_VI_TEEN = re.compile(
    r"\b(?:ko|mun|lun|dc|vs|nc|mk|mik|khong|duoc|roi|nhan|xoa|chet|chem|muon|nhe|oi|hok|hem|minh|cua|voi|anh|"
    r"em|toi|tui|biet|lam|gi|nao|dau|vay|nay|kia|thi|nguoi|tuoi|dung|chua|nua|luon|nhieu|qua|ban|hoc|truong|"
    r"nha|bo|thay|co|giet|danh|dam|song|tu tu|cho|dang|hay|lai|ra|vao|ne|z|j|r|e|a|t|m|k)\b")
_VI_DISTINCT = re.compile(
    r"\b(?:ko|mun|lun|dc|vs|nc|mk|mik|khong|duoc|roi|nhan|xoa|chet|chem|muon|nhe|oi|hok|hem|minh|cua|voi|anh|"
    r"toi|tui|biet|gi|nao|dau|vay|nay|thi|nguoi|tuoi|dung|chua|nua|luon|nhieu|giet|danh|tu tu)\b")

# Arabizi. A word with one Arabizi digit among its letters ("3ayez", "bi7ebbeni", "sa3b", "2ana"),
# not a time or ordinal ("2am", "3rd", "5th") or a name with a year ("omar2013").
_ARABIZI_WORD = re.compile(r"(?<![\w@.])(?:[a-z]*[2356789][a-z]+|[a-z]+[2356789][a-z]*)(?![\w@])")
_NOT_ARABIZI_WORD = re.compile(r"^\d(?:am|pm|nd|rd|th|st|d|k|g|x|y|s|h|m|min|hr|hrs|mb|gb|kg|km|cm|mm|ml|px|xl|v)$")
# English leetspeak writes 0, 1 and 4 for letters ("k1ll", "d13", "w4nt"): those words mean English.
_LEET_WORD = re.compile(r"(?<![\w@.])[a-z]*[014][a-z]+[a-z0-9]*|[a-z]+[014](?![\w@])")
# English chat words spelt with digits ("gr8", "2morrow", "l8r"): they mean English, not Arabizi.
_ENGLISH_DIGIT_WORD = re.compile(r"(?<![\w@.])(?:gr8|l8r|l8|h8|h8s|m8|w8|sk8|str8|b4|2day|2nite|2night|2morrow|2moro|"
                                 r"2mrw|4ever|any1|some1|sum1|no1|ne1|every1|evry1|2u|4u|in2|on2)(?![\w@])")
# Everyday Arabic chat words in Latin letters (Egyptian, Levantine, Gulf, Maghrebi), none an English
# or Spanish word.
_ARABIZI_CHAT = re.compile(
    r"\b(?:ana|enta|enti|inta|inti|ente|howa|heya|ehna|e7na|mesh|mish|msh|mosh|mafeesh|mafish|ma3|"
    r"yalla|wallah|wallahi|walla|habibi|habibti|7abibi|khalas|5alas|ya3ni|yaani|leh|lesh|leish|ezay|izzay|"
    r"ezzay|keda|kda|kida|shu|shou|sho|chou|bidi|baddi|bade|biddi|3ayez|3ayza|3awez|3awza|3ayz|abgha|abi|"
    r"aby|ba3dein|momken|mumkin|kaman|awi|awy|2awi|gedan|ktir|kteer|ktheer|wayed|wajed|3la|3ala|elli|illi|"
    r"la2|aywa|aiwa|tayeb|mashi|mashy|bent|wlad|7ad|ahl|ommi|ommy|abouya|bokra|bukra|delwa2ti|hala2|"
    r"lessa|dayman|3ashan|3shan|3alashan|lyom|enaharda|nta|nti|wach|bghit|bzaf|bezaf|ghir|dyal|dial|chno|"
    r"kifash|kifach|3afak|safi|labas|rani|raki|fel|fil|betaa3|beta3|bta3|zay|kol|ya3|yaba|yamma|sa7bi|"
    r"ma3lesh|ma3lish|ha|3amm|hal2|akid|akeed|lazem|lazim|mesh|bta3ti|3ndi|3andi|ma3ak|ma3aki|kalemni|kallemni|kalimni|"
    r"klmni|ab3atli|ab3atili|eb3atli)\b")


def has_arabizi_word(text: str) -> bool:
    """A word with one Arabizi digit among its letters ("3ayez", "7ad"): the cheap first test."""
    return any(not _NOT_ARABIZI_WORD.match(w) for w in _ARABIZI_WORD.findall(text.lower()))


def is_arabizi(text: str) -> bool:
    """Arabic in Latin letters: Arabizi-digit words and Arabic chat words, two signals at least, one of
    them a digit word, and no English leetspeak (0, 1, 4 for letters)."""
    lowered = text.lower()
    words = [w for w in _ARABIZI_WORD.findall(lowered) if not _NOT_ARABIZI_WORD.match(w)]
    if not words or _LEET_WORD.search(lowered) or _ENGLISH_DIGIT_WORD.search(lowered):
        return False
    chat = _ARABIZI_CHAT.findall(lowered)
    # "3" alone also writes an English "e" ("m3", "h3r"): such words need a chat word beside them.
    if all(set(w) & set("2356789") == {"3"} for w in words) and not chat:
        return False
    return len(set(words) | set(chat)) >= 2


@dataclass(frozen=True)
class LanguageGuess:
    """The language a path is chosen for: ``en``, ``es``, ``ar``, ``zh``, ``vi`` or ``unknown``."""

    language: str
    confidence: float
    method: str  # "script", "letters", "arabizi", "identifier", "default"


@lru_cache(maxsize=2)
def _identifier(served_only: bool = True):
    """py3langid's identifier over en/es/vi (``served_only``) or all ``LATIN_LANGUAGES`` (decoys included);
    each loads the bundled model once (~1 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(SERVED_LATIN if served_only else LATIN_LANGUAGES))
    return ident


def detect_language(text: str) -> LanguageGuess:
    """The language whose path moderates ``text`` (see the module docstring for the order).

    It reads the text as the English path would see its letters: NFKC (fullwidth "ｋｉｌｌ" is Latin),
    invisible characters gone, look-alike letters read as Latin ("ѕех", "і w а n t": Cyrillic drawn
    like Latin is a disguise, not Russian; ``normalize.delookalike``).
    """
    text = delookalike(text)
    letters = _LETTER.findall(text)
    if not letters:
        return LanguageGuess("en", 1.0, "default")
    n = len(letters)
    arabic = sum(1 for c in letters if _ARABIC.match(c))
    han = sum(1 for c in letters if _HAN.match(c))
    latin = sum(1 for c in letters if LATIN_LETTER.match(c))
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
    if is_arabizi(text):
        return LanguageGuess("ar", 1.0, "arabizi")
    lowered = text.lower()
    words = lowered.split()
    distinct = set(_VI_DISTINCT.findall(lowered))
    if len(distinct) >= 2 and len(_VI_TEEN.findall(lowered)) * 2 >= len(words):
        return LanguageGuess("vi", 0.9, "letters")
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
