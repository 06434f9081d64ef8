r"""Safety rules: the categories, the text normalisation and the engine; the rules themselves are data.

Rules catch what an offline profanity classifier misses for children. Each rule is a regular
expression over *normalised* text (lower case, leetspeak and chat spelling undone: "u r" -> "you
are", "k1ll" -> "kill", "wanna" -> "want to") with an optional ``unless`` expression looked for
around the match (the school context that makes it benign: "kill the *process*", "*sex
chromosomes*", "*bath* bomb"). Rules look for intent and context (who does what to whom), not
single words, so history, biology and literature pass.

Categories keep stable ids; ``llama_guard`` names the Llama Guard 3 hazard code (S1-S14) where one
applies. The order of ``CATEGORIES`` is the priority used to pick the message a child sees when
several categories fire.

The rules live in ``brain/safety/ruledata/``: one YAML file per category (``self_harm.yaml``, ...)
and ``fragments.yaml`` for the fragments several categories share. A file holds

    fragments:            # name -> a piece of regular expression
      myself: '(?:myself|my self|my own self)'
    rules:                # tried in this order
      - name: kill_self   # the rule is called self_harm.kill_self
        pattern: '\bkill\s+{myself}\b'
        unless: 'minecraft|game'          # optional: looked for within 80 characters of a match
        directions: [output]              # optional: input, output (both when left out)

``{name}`` in a pattern, an ``unless`` or another fragment is replaced by that fragment (``\{``
stays a brace, and ``{0,3}`` stays a repetition). A value written as a block (``|-``) is one
expression whose lines are joined with nothing between them, so a line may not begin or end with a
space (write a one-line quoted value for that). Everything is loaded and checked once, at import
(``load_rules``): a fragment bound twice (across the files or within one), an unknown or unused
fragment, two rules of one name in a file, a missing or unknown field, or an expression that does
not compile raises ``RuleDataError`` naming the file and the rule (or fragment). Rules run in ``CATEGORIES``
order, then file order; patterns are case-insensitive.

Check a change with ``python -m brain.safety eval`` and
``pytest tests/brain/test_safety_rules.py tests/brain/test_moderation.py``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Category:
    id: str
    llama_guard: str | None
    title: str
    support: bool = False  # answer kindly with help resources instead of a refusal
    escalate: bool = False  # tell the trusted-adult webhook


CATEGORIES: dict[str, Category] = {
    c.id: c
    for c in [
        Category("self_harm", "S11", "Suicide, self-harm and disordered eating: disclosure, intent, methods",
                 support=True, escalate=True),
        Category("abuse_disclosure", "S4", "A child saying an adult hurts or touches them, or asks for secrets",
                 support=True, escalate=True),
        Category("grooming", "S4", "Grooming and contact-seeking: secrets from parents, meeting, photos, "
                 "home alone, moving to private apps", escalate=True),
        Category("sexual", "S12", "Sexual content (biology and puberty education excluded)"),
        Category("sex_crime", "S3", "Sex-related crimes: assault, voyeurism, drugging"),
        Category("personal_info", "S7", "Requests for (or sharing of) a child's personal information"),
        Category("violence", "S1", "Violent crimes and threats against people or animals"),
        Category("indiscriminate_weapons", "S9", "Making bombs, explosives, chemical or biological weapons"),
        Category("dangerous_challenge", None, "Dangerous viral challenges, huffing, choking games"),
        Category("drugs_weapons", "S2", "Getting or using drugs, alcohol, vapes or weapons"),
        Category("hate", "S10", "Hate speech, slurs, dehumanising groups, Holocaust denial"),
        Category("bullying", None, "Insults at a person, mean messages, rumours, exclusion"),
        Category("crime", "S2", "Non-violent crimes: theft, hacking accounts, fraud, vandalism"),
        Category("specialized_advice", "S6", "Medication doses and medical, legal advice for a child"),
        Category("defamation", "S5", "False, damaging claims about a real person"),
        Category("elections", "S13", "Election misinformation and voter suppression"),
        Category("ip", "S8", "Piracy, cracked software, copying whole copyrighted works"),
        Category("code_abuse", "S14", "Code-interpreter abuse: shell payloads, sandbox escape, secrets"),
        Category("jailbreak", None, "Attempts to switch off the assistant's rules (Prompt Guard's class)"),
        Category("profanity", None, "Swearing (alt-profanity-check classifier + a short word list)"),
    ]
}


@dataclass(frozen=True)
class Rule:
    name: str
    category: str
    pattern: re.Pattern
    unless: re.Pattern | None = None
    directions: frozenset[str] = field(default_factory=lambda: frozenset({"input", "output"}))


# ---------------------------------------------------------------------------- rule data
RULEDATA = Path(__file__).with_name("ruledata")
SHARED = "fragments"  # fragments.yaml: the fragments of several categories, no rules
DIRECTIONS = ("input", "output")
_PLACEHOLDER = re.compile(r"(?<!\\)\{([a-z_][a-z0-9_]*)\}")
_NAME = re.compile(r"[a-z_][a-z0-9_]*")
_RULE_FIELDS = {"name", "pattern", "unless", "directions"}


class _SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """yaml.safe_load's loader (in C where libyaml is there: 0.01 s for the rules instead of 0.2 s),
    refusing a key twice in one mapping (YAML would silently keep the second: a fragment bound twice)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        for key in keys:
            if keys.count(key) > 1:
                raise yaml.constructor.ConstructorError(None, None, f"{key!r} twice in one mapping", node.start_mark)
        return super().construct_mapping(node, deep)


class RuleDataError(ValueError):
    """A rule data file that cannot be used; the message names the file and the rule or fragment."""


def _joined(value: object, where: str) -> str:
    """A value as written: a one-line string, or a block whose lines are joined with nothing between."""
    if not isinstance(value, str) or not value.strip():
        raise RuleDataError(f"{where}: expected a non-empty string, got {value!r}")
    lines = value.split("\n")
    if len(lines) > 1:
        for n, line in enumerate(lines, 1):
            if line != line.strip():
                raise RuleDataError(f"{where}: line {n} of the block begins or ends with a space, which the "
                                    "join would keep invisibly; break the line elsewhere")
    return "".join(lines)


def _read(path: Path) -> dict:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise RuleDataError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict) or set(data) - {"fragments", "rules"}:
        raise RuleDataError(f"{path}: expected a mapping with `fragments` and/or `rules`, got "
                            f"{sorted(data) if isinstance(data, dict) else type(data).__name__}")
    return data


def load_rules(directory: Path = RULEDATA) -> tuple[list[Rule], dict[str, str]]:
    """The rules in ``directory`` (``CATEGORIES`` order, then file order) and the expanded fragments."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleDataError(f"{directory}: no rule data files (*.yaml)")
    raw: dict[str, tuple[str, Path]] = {}  # fragment -> (text as written, file)
    rule_lists: dict[str, tuple[Path, list]] = {}
    for path in files:
        if path.stem not in CATEGORIES and path.stem != SHARED:
            raise RuleDataError(f"{path}: not a category ({', '.join(CATEGORIES)}) nor {SHARED}.yaml")
        data = _read(path)
        fragments = data.get("fragments") or {}
        if not isinstance(fragments, dict):
            raise RuleDataError(f"{path}: `fragments` must map names to expressions")
        for name, value in fragments.items():
            if not isinstance(name, str) or not _NAME.fullmatch(name):
                raise RuleDataError(f"{path}: fragment name {name!r} is not lower_case_with_underscores")
            if name in raw:
                raise RuleDataError(f"{path}: fragment {name!r} is already bound in {raw[name][1]}")
            raw[name] = (_joined(value, f"{path}, fragment {name!r}"), path)
        rules = data.get("rules") or []
        if not isinstance(rules, list) or (rules and path.stem == SHARED):
            raise RuleDataError(f"{path}: `rules` must be a list (and {SHARED}.yaml has none)")
        rule_lists[path.stem] = (path, rules)

    expanded: dict[str, str] = {}
    used: set[str] = set()

    def expand(text: str, where: str, inside: tuple[str, ...] = ()) -> str:
        def fragment(m: re.Match) -> str:
            name = m.group(1)
            if name not in raw:
                raise RuleDataError(f"{where}: unknown fragment {{{name}}}")
            if name in inside:
                raise RuleDataError(f"{where}: fragment {name!r} refers to itself ({' -> '.join(inside + (name,))})")
            used.add(name)
            if name not in expanded:
                text, path = raw[name]
                expanded[name] = expand(text, f"{path}, fragment {name!r}", inside + (name,))
            return expanded[name]
        return _PLACEHOLDER.sub(fragment, text)

    def compiled(item: dict, key: str, where: str) -> re.Pattern:
        text = expand(_joined(item[key], f"{where}, {key}"), where)
        try:
            return re.compile(text, re.IGNORECASE)
        except re.error as exc:
            raise RuleDataError(f"{where}: {key} does not compile: {exc}") from None

    out: list[Rule] = []
    for category in CATEGORIES:
        path, items = rule_lists.get(category, (None, []))
        seen: set[str] = set()
        for n, item in enumerate(items, 1):
            name = item.get("name") if isinstance(item, dict) else None
            where = f"{path}, rule {name!r}" if isinstance(name, str) and name else f"{path}, rule #{n}"
            if not isinstance(item, dict) or not isinstance(name, str) or not _NAME.fullmatch(name):
                raise RuleDataError(f"{where}: needs a `name` in lower_case_with_underscores")
            if "pattern" not in item or set(item) - _RULE_FIELDS:
                raise RuleDataError(f"{where}: needs a `pattern`, and may have only {sorted(_RULE_FIELDS)}; "
                                    f"has {sorted(item)}")
            if name in seen:
                raise RuleDataError(f"{where}: a second rule with this name")
            seen.add(name)
            directions = item.get("directions", list(DIRECTIONS))
            if not isinstance(directions, list) or not directions or set(directions) - set(DIRECTIONS):
                raise RuleDataError(f"{where}: `directions` must list input and/or output, got {directions!r}")
            out.append(Rule(
                name=f"{category}.{name}",
                category=category,
                pattern=compiled(item, "pattern", where),
                unless=compiled(item, "unless", where) if "unless" in item else None,
                directions=frozenset(directions),
            ))
    unused = sorted(set(raw) - used)
    if unused:
        raise RuleDataError("; ".join(f"{raw[name][1]}: fragment {name!r} is used by no rule" for name in unused))
    return out, expanded


RULES: list[Rule]
FRAGMENTS: dict[str, str]  # fragment name -> its expression, the fragments inside it expanded
RULES, FRAGMENTS = load_rules()


# ---------------------------------------------------------------------------- normalising
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s", "!": "i", "|": "l", "€": "e"})
# A word mixing letters and look-alike digits/symbols ("k1ll", "s3x", "n00d"); punctuation after it
# ("d1e.", "p0rn!") ends the word and stays as it is.
_LEET_TOKEN = re.compile(r"(?<!\S)(?=[^\s]*[a-z])(?=[^\s]*[0134579@$!|€][^\s]*[a-z]|[^\s]*[a-z][^\s]*[0134579@$!|€])"
                         r"[a-z0134579@$!|€]{3,}?(?=[.,;:?!)\]\"']*(?:\s|$))")
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


def _deleet(match: re.Match) -> str:
    token = match.group(0)
    return token if _NOT_LEET.match(token) else token.translate(_LEET)


def normalize(text: str) -> str:
    """Lower case, unicode folded, leetspeak and chat spelling undone, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff\u00ad]", "", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'").replace("\u00b4", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"\b(mr|mrs|ms|dr|st|jr|sr|mt)\.", r"\1", text)  # "mrs. lee" is not a sentence end
    text = _DIGIT_SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    text = _LEET_TOKEN.sub(_deleet, text)
    for pattern, word in _STARRED:
        text = pattern.sub(word, text)
    text = re.sub(r"\b(want|wanna|need|going|have|got|how|like|try|trying|wish|ready|deserve)\s+2\b", r"\1 to", text)
    text = _SLANG_RE.sub(lambda m: _SLANG[m.group(1)], text)
    return re.sub(r"\s+", " ", text).strip()


def variants(text: str) -> list[str]:
    """The normalised text, plus stretched words squeezed ("pleeease", "diiie", "killlll")."""
    base = normalize(text)
    out = [base]
    for repl in (r"\1\1", r"\1"):
        squeezed = re.sub(r"([a-z])\1{2,}", repl, base)
        if squeezed not in out:
            out.append(squeezed)
    return out


def match_rules(text: str, direction: str) -> dict[str, list[str]]:
    """Categories whose rules fire on ``text``, with the names of the rules that fired."""
    hits: dict[str, list[str]] = {}
    for variant in variants(text):
        for rule in RULES:
            if direction not in rule.directions or rule.name in hits.get(rule.category, ()):
                continue
            for m in rule.pattern.finditer(variant):
                if rule.unless is not None:
                    window = variant[max(0, m.start() - 80): m.end() + 80]
                    if rule.unless.search(window):
                        continue
                hits.setdefault(rule.category, []).append(rule.name)
                break
    return hits
