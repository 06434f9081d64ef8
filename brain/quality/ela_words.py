"""Exact word forms for ELA answers: the plural of a noun, the past tense and past participle of a verb.

    plural("mouse")       # ("mice", ())
    plural("cactus")      # ("cacti", ("cactuses",))
    plural("baby")        # ("babies", ())
    plural("gumbo")       # (None, ())   consonant + o and not in the table: unsure
    past("go")            # ("went", ())
    past("stop")          # ("stopped", ())
    participle("dream")   # ("dreamed", ("dreamt",))

Each returns ``(answer, accept)``: the answer and the other correct forms, or ``(None, ())``
where the form is not known for sure. Irregular and special words come from
``data/ela_words.json`` (a table word always wins over the rules); a compound of a table
word takes its form (snowman/snowmen, grandchild/grandchildren, undertake/undertook).
Everything else follows the regular rules:

- plurals: s/x/z/sh/ch -> es (bus/buses, box/boxes), consonant + y -> ies, vowel + y -> s,
  vowel + o -> s (radio, kazoo), else s. Unsure, so None: consonant + o (hero/heroes but
  piano/pianos), f/fe but not ff (leaf/leaves but chief/chiefs), -is (crisis/crises):
  only the table knows those.
- past tense: e -> d, consonant + y -> ied, vowel + y -> ed, -ic -> icked (panic), one
  syllable consonant-vowel-consonant doubles (stop/stopped, plan/planned) but not after
  w/x/y (snow/snowed, fix/fixed, play/played); a longer word doubles only if it is on the
  short list of words stressed on the last syllable (prefer, admit, occur, control...),
  else not (visit/visited, open/opened); -el/-al words take one l and accept two
  (traveled/travelled). The past participle of a regular verb is its past tense.

A word that already looks plural or past (mice, cats, went, walked) gets None. The rules
cannot tell whether a word is a noun or a verb, nor spot an irregular verb that the table
lacks (it would get -ed). ``rule_plural`` and ``rule_past`` give the bare rules, table aside.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "ela_words.json"
VOWELS = "aeiou"
# two-syllable (and a few longer) verbs that double their last consonant before -ed
DOUBLE = frozenset(
    "prefer admit commit occur refer permit control regret submit omit emit transmit equip compel expel "
    "excel propel repel rebel patrol confer defer deter infer incur recur concur transfer acquit abhor "
    "allot outwit annul befit remit rebut kidnap worship program handicap format zigzag unplug outfit".split())
# compounds take the form of their last part (snowman, grandchild); prefixed verbs of their verb
NOUN_HEADS = ("woman", "man", "child", "tooth", "foot", "mouse", "goose", "fish", "sheep", "deer", "wife", "knife")
VERB_PREFIXES = ("under", "over", "with", "fore", "out", "mis", "for", "re", "un", "up", "be")
NOT_COMPOUND = frozenset("relay belay behave belie befit outfit".split())


@lru_cache(maxsize=1)
def table() -> dict:
    """The word table: {"plurals": {noun: [answer, *accept]}, "verbs": {base: [[past...], [participle...]]}}."""
    return json.loads(DATA.read_text(encoding="utf-8"))


def _forms(forms: list[str]) -> tuple[str, tuple[str, ...]]:
    return forms[0], tuple(forms[1:])


def _split(word: str, heads) -> tuple[str, str] | None:
    for head in heads:
        if word.endswith(head) and len(word) - len(head) >= 2:
            return word[: -len(head)], head
    return None


@lru_cache(maxsize=1)
def _inflected() -> tuple[frozenset, frozenset]:
    """Forms in the table that are already plural / past and not a base word themselves (mice, went)."""
    nouns, verbs = table()["plurals"], table()["verbs"]
    plurals = {f for forms in nouns.values() for f in forms} - set(nouns)
    pasts = {f for forms in verbs.values() for tense in forms for f in tense} - set(verbs)
    return frozenset(plurals), frozenset(pasts)


def plural(word: str) -> tuple[str | None, tuple[str, ...]]:
    """The plural of ``word`` and its other accepted forms; ``(None, ())`` where unsure.

    A word that already looks plural (mice, cats, toys, boxes) gets None, not "catses"."""
    word = word.lower().strip()
    nouns = table()["plurals"]
    if word in nouns:
        return _forms(nouns[word])
    if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", word) or word in _inflected()[0]:
        return None, ()
    if re.search(rf"([^{VOWELS}s]s|ys|es)$", word):
        return None, ()
    split = _split(word, NOUN_HEADS)
    if split and split[1] in nouns:
        ans, acc = _forms(nouns[split[1]])
        return split[0] + ans, tuple(split[0] + a for a in acc)
    return rule_plural(word)


def rule_plural(word: str) -> tuple[str | None, tuple[str, ...]]:
    """The regular plural rule alone (no table): box/boxes, baby/babies, day/days; None for -o, -f, -is."""
    word = word.lower().strip()
    if re.search(rf"[^{VOWELS}]o$", word) or re.search(r"(?<!f)fe?$", word) or word.endswith("is"):
        return None, ()
    if re.search(r"(s|x|z|sh|ch)$", word):
        return word + "es", ()
    if re.search(rf"[^{VOWELS}]y$", word):
        return word[:-1] + "ies", ()
    return word + "s", ()


def _syllables(word: str) -> int:
    return len(re.findall(r"[aeiouy]+", re.sub(r"^y|qu", "q", word)))


def rule_past(word: str) -> tuple[str, tuple[str, ...]]:
    """The regular past-tense rule alone (no table): bake/baked, cry/cried, stop/stopped, visit/visited."""
    word = word.lower().strip()
    if word.endswith("e"):
        return word + "d", ()
    if re.search(rf"[^{VOWELS}]y$", word):
        return word[:-1] + "ied", ()
    if word.endswith("ic") and len(word) > 3:
        return word + "ked", ()
    cvc = re.search(rf"(?:^|[^{VOWELS}]|qu)[{VOWELS}]([^{VOWELS}wxy])$", word)
    if cvc and (_syllables(word) == 1 or word in DOUBLE):
        return word + cvc.group(1) + "ed", ()
    if cvc and word.endswith("l"):
        return word + "ed", (word + "led",)
    return word + "ed", ()


def _verb(word: str, which: int) -> tuple[str | None, tuple[str, ...]]:
    word = word.lower().strip()
    verbs = table()["verbs"]
    if word in verbs:
        return _forms(verbs[word][which])
    if not re.fullmatch(r"[a-z]+", word) or word in _inflected()[1] or re.search(r"[^e]ed$", word):
        return None, ()
    if word not in NOT_COMPOUND:
        for prefix in VERB_PREFIXES:
            rest = word[len(prefix):]
            if word.startswith(prefix) and rest in verbs and len(rest) >= 2:
                ans, acc = _forms(verbs[rest][which])
                return prefix + ans, tuple(prefix + a for a in acc)
    return rule_past(word)


def past(word: str) -> tuple[str | None, tuple[str, ...]]:
    """The simple past of ``word`` (went, stopped) and other accepted forms (dreamt)."""
    return _verb(word, 0)


def participle(word: str) -> tuple[str | None, tuple[str, ...]]:
    """The past participle of ``word`` (gone, written, stopped) and other accepted forms."""
    return _verb(word, 1)
