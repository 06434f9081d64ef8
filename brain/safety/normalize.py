"""Text normalisation for moderation: what the rules, the learned classifier and the profanity classifier read.

Every check goes through here, on input and output alike (``Moderator.check``, hence ``moderate`` and
``StreamModerator``): the rules read every text of ``variants(text)``, the two classifiers read
``normalize(text)``. The normalised text is for matching only; nobody sees it.

``normalize`` does, in this order:

1. **Unicode NFKC**: fullwidth (``ｋｉｌｌ``), mathematical (``𝓀𝒾𝓁𝓁``, ``𝐤𝐢𝐥𝐥``), circled (``ⓚⓘⓛⓛ``) and
   superscript letters become plain letters; accented letters are composed (``está``, ``chết`` stay
   as they are, one code point per letter).
2. **Invisible characters** removed: zero-width space/joiners and direction marks (U+200B-U+200F,
   U+202A-U+202E, U+2060-U+2064, U+2066-U+206F, U+FEFF), soft hyphen, U+034F, U+061C, U+180B-U+180F,
   U+3164 and U+FFA0 (Hangul fillers used as blanks), variation selectors (U+FE00-U+FE0F and the
   supplement), tag characters (U+E0000-U+E007F) and emoji skin tones: ``k\\u200bill`` is ``kill``.
3. **Decoration on Latin letters** removed: combining marks that NFKC could not compose into an
   accented letter (strike-through ``k̶i̶l̶l̶``, "zalgo" stacks), and only after a Latin letter, so
   Arabic harakat, Devanagari or Thai marks are untouched.
4. **Look-alike letters -> Latin** (``CONFUSABLES``): Cyrillic, Greek and Armenian letters that look
   Latin (``кіll``, ``ѕех``, ``ΚΙLL``), Latin small capitals (``ᴋɪʟʟ``), dotless ``ı``, and the
   negative circled/squared letters (``🅺🅸🅻🅻``). A Cyrillic, Greek or Armenian letter is only read as
   Latin inside a word that also has a Latin letter, or in a word made only of look-alikes (two
   letters or more) in a text whose Cyrillic/Greek/Armenian letters are all such look-alikes:
   real Russian, Greek or Armenian text (which always has other letters of its script: ``я``,
   ``л``, ``ж``, ``λ``, ``π``...) and single Greek letters in maths (``angle α``) are left as they
   are. Arabic, Chinese and other scripts have no entry and are never touched. The mapping is
   applied before lower-casing, so ``Ν`` (Greek capital nu) reads ``n`` and ``ν`` (small nu) ``v``.
5. **Lower case**; curly quotes straightened.
6. **Emoji with a meaning** become words (``EMOJI``, see there for why each reads as it does:
   ``🔪`` knife, ``💊`` pills, ``🏠`` home, ``💀`` lol...); other emoji stay.
7. **Titles** (``mr.``, ``mrs.`` ...) lose their dot, so they do not end a sentence.
8. **Spaced or dotted letters** joined (``k i l l``, ``k.i.l.l``, ``k-i-l-l``, ``k_i_l_l`` ->
   ``kill``), see ``join_spaced``.
9. **Chat spelling and leetspeak**: chat words with digits first (``no1``, ``b4``), then leetspeak
   inside words (``k1ll``, ``d1e.``), star-censoring (``f*ck``), ``want 2``, then chat words (``u r``,
   ``wanna``, ``im``, ``h8``).
10. Whitespace collapsed.

``variants`` adds the readings ``normalize`` had to choose between, so that the rules lose
nothing: the spaced letters joined the other way, stretched words squeezed (``pleeease``,
``diiie``), and accents stripped from Latin letters (``kíll`` -> ``kill``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from brain.safety.normalize_tables import (  # noqa: F401  (CONFUSABLES, EMOJI: public here too)
    ARMENIAN, CONFUSABLES, CYRILLIC, EMOJI, EMOJI_ECHO, GREEK, LATIN_LOOKALIKES, NEGATIVE_LETTERS)

# ---------------------------------------------------------------------------- 2. invisible characters
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f"
    "\ufeff\uffa0\U000e0000-\U000e007f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]")

# ---------------------------------------------------------------------------- 3. decoration
_LATIN_LETTER = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"
_DECORATION = re.compile(f"(?<=[{_LATIN_LETTER}])[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")

# ---------------------------------------------------------------------------- 4. look-alike letters
# The tables (CONFUSABLES, ...): brain/safety/normalize_tables.py.
_FOREIGN_LOOKALIKES = set(CYRILLIC) | set(GREEK) | set(ARMENIAN)  # read as Latin only in Latin company
_ALWAYS = {**LATIN_LOOKALIKES, **NEGATIVE_LETTERS}
_ALWAYS_RE = re.compile("[" + re.escape("".join(_ALWAYS)) + "]")
_FOREIGN_SCRIPT = re.compile("[\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u0530-\u058f]")
_WORD = re.compile(r"[^\W_]+")
_LATIN_CHAR = re.compile(f"[{_LATIN_LETTER}]")


def _delookalike(text: str) -> str:
    text = _ALWAYS_RE.sub(lambda m: _ALWAYS[m.group(0)], text)
    if not _FOREIGN_SCRIPT.search(text):
        return text
    words = _WORD.findall(text)
    # A text is "Latin with disguises" when every Cyrillic/Greek/Armenian letter in it is a look-alike.
    all_lookalike = all(ch in _FOREIGN_LOOKALIKES for w in words for ch in w if _FOREIGN_SCRIPT.match(ch))
    has_latin = bool(_LATIN_CHAR.search(text))

    def word(m: re.Match) -> str:
        w = m.group(0)
        foreign = [ch for ch in w if _FOREIGN_SCRIPT.match(ch)]
        if not foreign or not all(ch in _FOREIGN_LOOKALIKES for ch in foreign):
            return w
        if _LATIN_CHAR.search(w) or (all_lookalike and has_latin and (len(w) >= 2 or singles >= 2) and len(
                foreign) == len([ch for ch in w if ch.isalpha()])):
            return "".join(CONFUSABLES.get(ch, ch) for ch in w)
        return w

    # Single look-alike letters count when there are two or more ("і w а n t", "р.h.о.n.е", "how do і
    # make а bomb"); one alone stays ("the angle α").
    singles = sum(1 for w in words if len(w) == 1 and w in _FOREIGN_LOOKALIKES)
    return _WORD.sub(word, text)


def delookalike(text: str) -> str:
    """Step 4 alone (``CONFUSABLES``): what language identification reads, so "ｋｉｌｌ" or "ѕех" is not
    taken for another script."""
    return _delookalike(unicodedata.normalize("NFKC", INVISIBLE.sub("", text)))


# ---------------------------------------------------------------------------- 6. emoji
# EMOJI and EMOJI_ECHO: brain/safety/normalize_tables.py.
_EMOJI_RE = re.compile("|".join(map(re.escape, sorted(EMOJI, key=len, reverse=True))))
def _emoji_word(m: re.Match) -> str:
    word = EMOJI[m.group(0)]
    before = re.search(r"([a-z]+)\W{0,3}$", m.string[max(0, m.start() - 24):m.start()].lower())
    if before and before.group(1) in EMOJI_ECHO.get(word, {word}):
        return " "
    return f" {word} "

# ---------------------------------------------------------------------------- 8. spaced letters
_ITEM = r"[a-z0134579@$]"
_SEP = r"(?:[ ._\-*~·•]{1,3})"
_SPACED = re.compile(rf"(?<![^\W_]|[@$']){_ITEM}(?:{_SEP}{_ITEM}(?![^\W_]|[@$'])){{2,}}")
_SPLIT = re.compile(rf"({_SEP})")
# Single letters that are whole chat words ("r u a girl", "i c u"): a run made of these alone and
# spaced is read as words by normalize (joined only in a variant).
CHAT_LETTERS = frozenset("uriacybnkox")
_REFLEXIVE = re.compile(r"^([a-z0-9@$]{3,}?)(myself|yourself|urself|himself|herself|themselves|ourselves|you|u)$")


def _join_run(run: str, edge: bool = False) -> str:
    parts = _SPLIT.split(run)
    items, seps = parts[0::2], parts[1::2]
    if edge and items[0] in ("i", "a") and len(items) >= 4:  # "do i k i l l" -> "i kill" (mode "edge")
        return items[0] + " " + _join_run("".join(parts[2:]))
    # The separator used most is the one inside words; any other (a double space, ". ") ends a word.
    inside = Counter(seps).most_common(1)[0][0]
    words, cur = [], items[0]
    for sep, item in zip(seps, items[1:], strict=True):
        if sep == inside:
            cur += item
        else:
            words.append(cur)
            cur = item
    words.append(cur)
    return " ".join(_REFLEXIVE.sub(r"\1 \2", w) for w in words)


def _should_join(run: str) -> bool:
    items = _SPLIT.split(run)[0::2]
    letters = sum(i.isalpha() for i in items)
    return letters >= 2 and letters > len(items) - letters


def join_spaced(text: str, mode: str = "auto") -> str:
    """Join runs of three or more single letters separated by a space, dot, dash, underscore or star.

    ``k i l l  m y s e l f`` -> ``kill myself`` (the separator used most is the one inside words, so
    a double space or a different separator ends a word); ``k.1.l.l`` -> ``k1ll`` (leetspeak is undone
    after). A run needs at least two letters and more letters than digits (``1 2 3``, ``2 x 4`` stay).
    A joined word ending in a reflexive pronoun, "you" or "u" is split before it (``killmyself`` ->
    ``kill myself``): the one piece of word knowledge, because a run spaced with single spaces
    throughout has no word ends.

    ``mode``: ``"auto"`` (``normalize``) joins every run except one spaced with plain spaces and
    made only of letters that are chat words on their own (``r u a``, ``i c u``: ``CHAT_LETTERS``),
    ``"all"`` joins every run, ``"none"`` none, ``"edge"`` like ``"auto"`` but keeps a leading
    ``i`` or ``a`` a word of its own (``do i k i l l`` -> ``do i kill``, where ``"auto"`` reads
    ``ikill``, right for ``be a l i v e`` -> ``be alive``); ``variants`` tries all four.

    Limits (no dictionary): three or more single letters in a row that are real words are joined
    too, e.g. ``plan a b c`` -> ``plan abc`` or ``U. S. A.`` -> ``usa``; harmless for the rules,
    and the unjoined reading stays in ``variants``. Words spaced with single spaces throughout and
    not ending in a pronoun run together (``k i l l t h e m`` -> ``killthem``: the classifier's
    character n-grams still see "kill"). Two single letters (``d e``) are never joined.
    """
    if mode == "none":
        return text

    def repl(m: re.Match) -> str:
        run = m.group(0)
        if not _should_join(run):
            return run
        if mode == "auto" and re.fullmatch(r"[a-z]( [a-z])+", run) and set(run[0::2]) <= CHAT_LETTERS:
            return run
        return _join_run(run, edge=mode == "edge")

    return _SPACED.sub(repl, text)


# ---------------------------------------------------------------------------- 9. chat spelling, leetspeak
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "€": "e"})
# A word mixing letters and look-alike digits/symbols ("k1ll", "s3x", "n00d"); punctuation after it
# ("d1e.", "p0rn!") ends the word and stays as it is.
_LEET_TOKEN = re.compile(r"(?<!\S)(?=[^\s]*[a-z])(?=[^\s]*[0134579@$!|€][^\s]*[a-z]|[^\s]*[a-z][^\s]*[0134579@$!|€])"
                         r"[a-z0134579@$!|€]{3,}?(?=[.,;:?!)\]\"']*(?:\s|$))")
_LONGEST_LEET = 64  # characters: a longer run is no word ("lessnesslessness..."): skipped, so the scan stays linear
_NONSPACE = re.compile(r"\S+")
_NOT_LEET = re.compile(r"^\d+(?:st|nd|rd|th|s|am|pm|k|m|cm|mm|km|kg|g|lb|lbs|x|d|h|min|mph)$")
_SLANG = {
    "u": "you", "ya": "you", "yu": "you", "yuo": "you", "ur": "your", "yur": "your", "yr": "your",
    "youre": "you're", "urself": "yourself", "yourslef": "yourself", "r": "are", "im": "i'm",
    "ima": "i'm going to", "imma": "i'm going to", "wanna": "want to", "wana": "want to",
    "gonna": "going to", "gunna": "going to", "gona": "going to", "gotta": "got to", "tryna": "trying to",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "cant": "can't", "wont": "won't",
    "isnt": "isn't", "arent": "aren't", "ive": "i've", "whats": "what's", "wats": "what's",
    "wuts": "what's", "wat": "what", "wut": "what", "wht": "what", "whr": "where", "wher": "where",
    "pls": "please", "plz": "please", "ppl": "people", "sum1": "someone", "some1": "someone",
    "every1": "everyone", "evry1": "everyone", "no1": "no one", "noone": "no one", "bc": "because",
    "cuz": "because", "coz": "because", "abt": "about", "rly": "really", "lemme": "let me",
    "gimme": "give me", "kinda": "kind of", "hafta": "have to", "thru": "through", "pix": "pics",
    "pic": "pic", "mum": "mom", "mommy": "mom", "momma": "mom", "daddy": "dad", "addy": "address",
    "adress": "address", "addres": "address", "numba": "number", "nmbr": "number", "wanted": "wanted",
    "alot": "a lot", "yall": "you all", "ppls": "people", "sis": "sister", "bro": "brother",
    "skool": "school", "skl": "school", "scool": "school", "teh": "the", "nite": "night",
    "h8": "hate", "h8s": "hates", "gr8": "great", "l8r": "later", "b4": "before", "2day": "today",
    "2nite": "tonight", "2morrow": "tomorrow", "ne1": "anyone", "any1": "anyone", "4ever": "forever",
    "nood": "nude", "noods": "nudes", "noodz": "nudes", "nudez": "nudes", "nudie": "nude", "nudies": "nudes",
    "nudey": "nude", "nekkid": "naked", "seggs": "sex", "secks": "sex", "sexi": "sexy", "smexy": "sexy",
    "kil": "kill", "kll": "kill", "rn": "right now", "ngl": "not going to lie", "fr": "for real",
    "srsly": "seriously", "fone": "phone", "numbr": "number", "pasword": "password", "passwrd": "password",
    "bday": "birthday", "b-day": "birthday", "wen": "when", "luv": "love", "bcuz": "because", "becuz": "because",
    "m3": "me", "t0": "to", "n0": "no", "d0": "do", "g0": "go", "s0": "so", "0f": "of", "0n": "on",
    "pw": "password", "pwd": "password", "passwd": "password", "pword": "password",
    "r8": "rate", "cuase": "because", "tho": "though", "thx": "thanks", "ppl's": "people's", "skinnyer": "skinnier",
}
_STARRED = [(re.compile(p), w) for p, w in [
    (r"\bf[*#@%]+c?k", "fuck"), (r"\bf[*#@%]{2,}", "fuck"), (r"\bsh[*#@%!]+t", "shit"), (r"\bb[*#@%]+tch", "bitch"),
    (r"\ba[*#@%$]{1,2}hole", "asshole"), (r"\bc[*#@%]+nt", "cunt"), (r"\bd[*#@%]+ck", "dick"), (r"\bs[*#@%]+x\b", "sex"),
    (r"\bp[*#@%]+rn", "porn"), (r"\bn[*#@%]+de", "nude"),
]]
_SLANG_RE = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted(_SLANG, key=len, reverse=True))) + r")(?![\w'])")
# Chat words written with digits ("no1", "sum1", "b4") are read before leetspeak would turn them into letters.
_DIGIT_SLANG_RE = re.compile(r"(?<![\w'])(" + "|".join(map(re.escape, sorted((k for k in _SLANG if re.search(r"\d", k)), key=len, reverse=True))) + r")(?![\w'])")


# "4 me", "4 u": "for", except as a time or a number ("at 4 you", "all 4 of them").
_FOR_4 = re.compile(r"(?:\b([a-z']+))? ?(?<![\w.,])\b4 (?=(?:me|you|him|her|them|us|free|real|sure|now|ever)\b)")
_AT_TIME = frozenset({"at", "by", "until", "till", "til", "before", "after", "around", "about", "past", "to", "from",
                      "all", "the", "of", "grade", "level", "page", "number", "chapter", "step"})


def _deleet(match: re.Match) -> str:
    token = match.group(0)
    return token if _NOT_LEET.match(token) else token.translate(_LEET)


# ---------------------------------------------------------------------------- the steps together
def _prepare(text: str) -> str:
    """Steps 1-7: unicode, invisible characters, decoration, look-alikes, case, emoji, titles."""
    text = unicodedata.normalize("NFKC", text)
    text = INVISIBLE.sub("", text)
    text = _DECORATION.sub("", text)
    text = _delookalike(text).lower()
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").replace("\u00b4", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = _EMOJI_RE.sub(_emoji_word, text)
    return re.sub(r"\b(mr|mrs|ms|dr|st|jr|sr|mt)\.", r"\1", text)  # "mrs. lee" is not a sentence end


def _finish(text: str) -> str:
    """Steps 9-10: chat spelling and leetspeak undone, whitespace collapsed."""
    text = _DIGIT_SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    text = _NONSPACE.sub(lambda m: _LEET_TOKEN.sub(_deleet, m.group(0)) if len(m.group(0)) <= _LONGEST_LEET
                         else m.group(0), text)
    for pattern, word in _STARRED:
        text = pattern.sub(word, text)
    text = re.sub(r"\b(want|wanna|need|going|have|got|how|like|try|trying|wish|ready|deserve)\s+2\b", r"\1 to", text)
    text = _FOR_4.sub(lambda m: m.group(0) if m.group(1) in _AT_TIME else (m.group(1) or "") + " for ", text)
    text = _SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


def normalize(text: str) -> str:
    """Lower case, unicode folded, disguises undone (see the module's docstring), whitespace collapsed."""
    return _finish(join_spaced(_prepare(text)))


def strip_accents(text: str) -> str:
    """Accents taken off Latin letters only (``kíll`` -> ``kill``, ``chết`` -> ``chet``); other scripts kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", re.sub(f"(?<=[{_LATIN_LETTER}])[\u0300-\u036f]+", "", decomposed))


def variants(text: str) -> list[str]:
    """The normalised text, then the other readings ``normalize`` chose between (the rules try each).

    The spaced letters joined every way (``join_spaced`` "all", "none" and "edge"), stretched words squeezed
    ("pleeease", "diiie", "killlll": to two letters and to one), and accents stripped from Latin
    letters when there are any.
    """
    prepared = _prepare(text)
    base = _finish(join_spaced(prepared))
    out = [base]
    if _SPACED.search(prepared):
        for mode in ("all", "none", "edge"):
            other = _finish(join_spaced(prepared, mode))
            if other not in out:
                out.append(other)
    for repl in (r"\1\1", r"\1"):
        squeezed = _finish(re.sub(r"([a-z])\1{2,}", repl, base))  # chat spelling again: "kiiil" -> "kil" -> "kill"
        if squeezed not in out:
            out.append(squeezed)
    if not base.isascii():
        plain = strip_accents(base)
        if plain not in out:
            out.append(plain)
    return out


# ---------------------------------------------------------------------------- the learned classifier's view
# Words that say a text is meant, not a joke: the hyperbole guard stands aside (the rules have the
# same list as the fragment `serious` in ruledata/fragments.yaml).
SERIOUS = re.compile(r"\b(?:for real|not (?:even )?(?:joking|kidding|exaggerating|being dramatic|a joke)|no joke|"
                     r"i mean it|i(?:'m| am) (?:serious|not okay|not ok)|dead serious)\b")
_LAUGH = r"(?:lol|lmao|haha\w*|hehe\w*|jk|just kidding)"
# Idioms of dying and killing that children use for exams, chores and embarrassment, each rewritten
# into a plain word the model has no reason to read as harm. Only whole idioms are rewritten, never
# "kill myself", "want to die" without a joke marker, or a method; the rules see the text unchanged.
HYPERBOLE: list[tuple[re.Pattern, str]] = [(re.compile(p), r) for p, r in [
    # a prediction under a condition: "i'm going to die if i fail", "i'll die if i don't get tickets"
    (r"\b(going to|will|'ll|would|could|might) (?:literally |actually |totally |just )?die (?=if\b|unless\b)", r"\1 scream "),
    (r"\b(if\b[^.?!]{0,60}?\b(?:going to|will|'ll|might)) (?:literally |actually |just )?die\b", r"\1 scream"),
    (r"\b(?:i'd|i would|id) rather (?:die|be dead) than\b(?! (?:live|living|be alive|keep|go on|exist|be me|be here|wake up))",
     "i'd hate to"),
    (r"\b(?:be|is|was) (?:going to be )?the death of me\b", "be too much for me"),
    (r"\b(?:dying|died|die|dead) (?:of|from|with) (?:laughter|laughing|embarrassment|boredom|cringe)\b|\bdied laughing\b",
     "laughing"),
    (r"\bdead tired\b", "very tired"),
    (r"\b(?:is|are|was|were|'s|'re) (?:literally |actually |totally |so |really )?killing me\b", "is too much for me"),
    (r"\bkill(?:ed|ing)? it\b(?! with)", "did great"),
    (r"\bkill me now\b", "ugh"),
    (r"\bi could (?:die|kill)\b(?= for\b| of\b)", "i would love"),
    (r"(\bso (?:bored|embarrassed|tired|happy|hungry|excited)\b[^.?!]{0,40}?\bi could) (?:just )?die\b", r"\1 scream"),
    # "i'm dead", "i died", "i want to die" with laughter or embarrassment close by
    (rf"\bi(?:'m| am) (?:so |literally |totally |actually )?dead\b(?! inside)(?=[^.?!]{{0,60}}\b(?:{_LAUGH}|forgot|lost|late))",
     "i'm laughing"),
    (rf"\b(?:literally |nearly |almost )?died\b(?=[^.?!]{{0,60}}\b(?:{_LAUGH}|embarrass\w*|laugh\w*|cringe))", "laughed"),
    (rf"\bwant to die\b(?=[^.?!]{{0,80}}\b(?:{_LAUGH}|embarrass\w*|cringe|tripped|fell over))", "want to hide"),
]]


def hyperbole_neutral(norm: str) -> str:
    """``norm`` (normalised text) with the hyperbole idioms of ``HYPERBOLE`` rewritten, unless it says it is serious.

    "i'm going to die if i fail this test lol" -> "i'm going to scream if i fail this test lol";
    "this homework is killing me" -> "this homework is too much for me"; "i'm dead lol" (also
    "i'm dead 💀") -> "i'm laughing". Left alone: "i want to die for real, not joking", "i'm going
    to kill myself after this test", "i want to die" without a laugh.
    """
    if SERIOUS.search(norm):
        return norm
    for pattern, repl in HYPERBOLE:
        norm = pattern.sub(repl, norm)
    return norm


def classifier_view(text: str) -> str:
    """What the learned classifier reads (training and scoring alike): ``normalize`` then the hyperbole guard.

    The rules read ``variants`` (their own ``unless`` handles hyperbole, with the fragments
    ``hyperbole_die`` and ``not_serious``); the model has no context, so the idioms are rewritten.
    """
    return hyperbole_neutral(normalize(text))

