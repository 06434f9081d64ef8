r"""Safety rules: the categories and the engine; the rules themselves are data.

Rules catch what an offline profanity classifier misses for children. Each rule is a regular
expression over *normalised* text (``brain/safety/normalize.py``: lower case, disguises, leetspeak and
chat spelling undone: "u r" -> "you are", "k1ll" -> "kill", "k i l l" -> "kill"; every reading of
``variants`` is tried) with an optional ``unless`` expression looked for
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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from brain.safety.normalize import variants


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
