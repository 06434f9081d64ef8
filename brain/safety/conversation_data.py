"""Conversation-level grooming risk, the data: the stage signals and what one turn says by them.

- ``load_config(path)`` / ``CONFIG``: ``conversation_stages.yaml`` read and checked at import (a
  mistake raises ``ConversationDataError`` naming the entry) as a ``Config``: the ``Signal``s by
  stage, the decay, threshold and pairs, the frames, the moderator's and the learned model's settings.
- ``fold(text)``: the text the stages see: brain.safety's ``normalize`` (``NORMALIZE`` says which),
  then accents removed.
- ``lexicon(folded, config)``: the stage signals of one folded turn as a ``TurnStages`` (strongest
  weight per stage, the signals that fired, the frame); ``turn_stages`` (conversation.py) adds the
  learned model's probability and the turn's digest.
- ``load_dev(path)``: a labelled JSONL set (conversations, or ``conversation_train.jsonl``'s turns);
  the shipped sets' paths are here too.

The per-turn learned model is conversation_model.py, the score conversation.py, the report on the
labelled sets conversation_eval.py.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:  # the public normalisation of brain.safety; it may move from rules.py to normalize.py
    from brain.safety.normalize import normalize as _normalize  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - whichever exists at import time
    from brain.safety.rules import normalize as _normalize

DATA_FILE = Path(__file__).with_name("conversation_stages.yaml")
DEV_SET = Path(__file__).with_name("dev-conversations.jsonl")
FRESH_A = Path(__file__).with_name("dev-conversations-fresh-a.jsonl")  # written for the model's choices; trained on
FRESH_B = Path(__file__).with_name("dev-conversations-fresh-b.jsonl")  # the first-pass check: never trained on
TRAIN_TURNS = Path(__file__).with_name("conversation_train.jsonl")  # labelled single turns, by stage
TRAIN_CONVERSATIONS = (DEV_SET, FRESH_A)  # the conversations whose turns train the model
NORMALIZE = f"{_normalize.__module__}.{_normalize.__name__}"  # which normalisation this module uses
MODERATOR_STAGE = "moderator"  # the per-message moderator's flag or grooming probability, as a stage
LEARNED_STAGE = "learned"  # the per-turn learned model's evidence beyond the lexicon's, as a stage
# A turn's own stages below this count as "nothing in particular" when the model's labels are derived
# (a contact named, an age): see ``turn_labels``.
WEAK_STAGES = frozenset({"contact", "age"})
UNLESS_WINDOW = 80  # characters either side of a match where an `unless` pattern is looked for


class ConversationDataError(ValueError):
    """conversation_stages.yaml is malformed (names the entry)."""


@dataclass(frozen=True)
class Signal:
    stage: str
    name: str
    weight: float
    pattern: re.Pattern
    unless: re.Pattern | None = None
    lang: str | None = None


@dataclass(frozen=True)
class Config:
    decay: float
    threshold: float
    pair_min: float
    pairs: tuple[tuple[str, str], ...]
    stages: tuple[str, ...]
    descriptions: dict[str, str]
    signals: tuple[Signal, ...]
    moderator_categories: frozenset[str]
    flag_weight: float
    flag_crosses: bool
    model_score: str
    model_min: float
    model_weight: float
    frame_carry: int
    safety_carry: int
    framed: frozenset[str]
    frame_factors: dict[str, float]
    frame_patterns: dict[str, re.Pattern]
    learned_min: float = 0.2
    learned_weight: float = 0.0  # 0: the lexicon alone (the model is never trained)


@dataclass(frozen=True)
class TurnStages:
    """What one turn said, before the conversation's context: stage -> weight, the signals that fired
    (``stage.signal``, never text), who the turn names (``family``, ``supervised``, ``peer``,
    ``contact``, ``safety`` or None) and the learned model's probability."""

    weights: dict[str, float] = field(default_factory=dict)
    hits: tuple[str, ...] = ()
    frame: str | None = None
    learned: float = 0.0  # the per-turn model's probability that the turn is a grooming move
    key: str = ""  # a digest of the turn's text (never the text): a repeated turn adds no new evidence


# -- the data ---------------------------------------------------------------------------------------

_TOP = {"decay", "threshold", "pair_min", "pairs", "moderator", "learned", "frames", "fragments", "stages"}
_FRAMES = ("contact", "none", "supervised", "peer", "family", "safety")
FRAME_ORDER = ("safety", "supervised", "family", "peer")  # after contact (the `contact` stage), first found wins


def _number(data: dict, key: str, where: str, low: float, high: float, *, open_low: bool = False) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConversationDataError(f"{where}: {key} must be a number, got {value!r}")
    if value < low or value > high or (open_low and value == low):
        raise ConversationDataError(f"{where}: {key} must be in {'(' if open_low else '['}{low}, {high}], got {value}")
    return float(value)


def _fraction_below_one(data: dict, key: str, where: str) -> float:
    value = _number(data, key, where, 0.0, 1.0)
    if value >= 1.0:
        raise ConversationDataError(f"{where}.{key} must be below 1")
    return value


def _expand(text: str, fragments: dict[str, str], where: str, used: set[str]) -> str:
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in fragments:
            raise ConversationDataError(f"{where}: unknown fragment {{{name}}}")
        used.add(name)
        return _expand(fragments[name], fragments, f"{where} -> {{{name}}}", used)

    return re.sub(r"\{([a-z_][a-z0-9_]*)\}", sub, text)


def _compile(text: object, fragments: dict[str, str], where: str, used: set[str]) -> re.Pattern:
    if not isinstance(text, str) or not text.strip():
        raise ConversationDataError(f"{where}: a pattern must be a non-empty string")
    source = _expand(text.replace("\n", ""), fragments, where, used)
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error as exc:
        raise ConversationDataError(f"{where}: the regex does not compile ({exc})") from None


def load_config(path: Path = DATA_FILE) -> Config:
    """Read and check the stage data; raises ConversationDataError naming the entry at fault."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ConversationDataError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConversationDataError(f"{path}: the top level must be a mapping")
    if unknown := set(data) - _TOP:
        raise ConversationDataError(f"{path}: unknown keys {sorted(unknown)}")
    if missing := _TOP - set(data):
        raise ConversationDataError(f"{path}: missing keys {sorted(missing)}")
    name = Path(path).name
    decay = _number(data, "decay", name, 0.0, 1.0, open_low=True)
    threshold = _number(data, "threshold", name, 0.0, 100.0, open_low=True)
    pair_min = _number(data, "pair_min", name, 0.0, 1.0, open_low=True)
    fragments = data["fragments"] or {}
    if not isinstance(fragments, dict) or not all(isinstance(v, str) for v in fragments.values()):
        raise ConversationDataError(f"{name}: fragments must map names to strings")
    used: set[str] = set()

    stages_data = data["stages"]
    if not isinstance(stages_data, dict) or not stages_data:
        raise ConversationDataError(f"{name}: stages must be a non-empty mapping")
    signals: list[Signal] = []
    descriptions: dict[str, str] = {}
    for stage, body in stages_data.items():
        where = f"{name}: stages.{stage}"
        if not re.fullmatch(r"[a-z_]+", str(stage)) or stage == MODERATOR_STAGE:
            raise ConversationDataError(f"{where}: a stage id is lower-case letters and _ ('{MODERATOR_STAGE}' is reserved)")
        if not isinstance(body, dict) or set(body) - {"description", "signals"} or not body.get("signals"):
            raise ConversationDataError(f"{where}: needs a description and a non-empty list of signals")
        if not isinstance(body.get("description"), str) or not body["description"].strip():
            raise ConversationDataError(f"{where}: needs a description")
        descriptions[stage] = body["description"]
        names = set()
        for i, sig in enumerate(body["signals"]):
            swhere = f"{where}.signals[{i}]"
            if not isinstance(sig, dict) or set(sig) - {"name", "weight", "pattern", "unless", "lang"}:
                raise ConversationDataError(f"{swhere}: fields are name, weight, pattern, unless, lang")
            sname = sig.get("name")
            if not isinstance(sname, str) or not re.fullmatch(r"[a-z_]+", sname) or sname in names:
                raise ConversationDataError(f"{swhere}: needs a unique lower-case name, got {sname!r}")
            names.add(sname)
            swhere = f"{where}.{sname}"
            weight = _number(sig, "weight", swhere, 0.0, 1.0, open_low=True)
            pattern = _compile(sig.get("pattern"), fragments, f"{swhere}.pattern", used)
            unless = _compile(sig["unless"], fragments, f"{swhere}.unless", used) if "unless" in sig else None
            lang = sig.get("lang")
            if lang is not None and lang not in ("en", "es"):
                raise ConversationDataError(f"{swhere}: lang is en or es, got {lang!r}")
            signals.append(Signal(stage, sname, weight, pattern, unless, lang))
    stages = tuple(stages_data)

    pairs = data["pairs"] or []
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise ConversationDataError(f"{name}: pairs must be a list of [stage, stage]")
    for a, b in pairs:
        for s in (a, b):
            if s not in stages and s != MODERATOR_STAGE:
                raise ConversationDataError(f"{name}: pairs: unknown stage {s!r}")

    mod = data["moderator"]
    keys = {"categories", "flag_weight", "flag_crosses", "model_score", "model_min", "model_weight"}
    if not isinstance(mod, dict) or set(mod) != keys:
        raise ConversationDataError(f"{name}: moderator needs {', '.join(sorted(keys))}")
    if not isinstance(mod["flag_crosses"], bool):
        raise ConversationDataError(f"{name}: moderator.flag_crosses must be true or false")
    flag_weight = _number(mod, "flag_weight", f"{name}: moderator", 0.0, 1.0)
    if not isinstance(mod["categories"], list) or not all(isinstance(c, str) for c in mod["categories"]):
        raise ConversationDataError(f"{name}: moderator.categories must be a list of category ids")
    if not isinstance(mod["model_score"], str):
        raise ConversationDataError(f"{name}: moderator.model_score must be a Verdict.scores key")
    model_min = _fraction_below_one(mod, "model_min", f"{name}: moderator")
    model_weight = _number(mod, "model_weight", f"{name}: moderator", 0.0, 1.0)

    learned = data["learned"]
    if not isinstance(learned, dict) or set(learned) != {"min", "weight"}:
        raise ConversationDataError(f"{name}: learned needs min, weight")
    learned_min = _fraction_below_one(learned, "min", f"{name}: learned")
    learned_weight = _number(learned, "weight", f"{name}: learned", 0.0, 5.0)

    frames = data["frames"]
    if not isinstance(frames, dict) or set(frames) != {"carry", "safety_carry", "framed", "factors", "patterns"}:
        raise ConversationDataError(f"{name}: frames needs carry, safety_carry, framed, factors, patterns")
    for key in ("carry", "safety_carry"):
        value = frames[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 20:
            raise ConversationDataError(f"{name}: frames.{key} must be a whole number of turns in [0, 20]")
    carry, safety_carry = frames["carry"], frames["safety_carry"]
    framed = frames["framed"]
    if not isinstance(framed, list) or any(s not in stages for s in framed):
        raise ConversationDataError(f"{name}: frames.framed must list known stages")
    factors = frames["factors"]
    if not isinstance(factors, dict) or set(factors) != set(_FRAMES):
        raise ConversationDataError(f"{name}: frames.factors needs exactly {', '.join(_FRAMES)}")
    factors = {k: _number(factors, k, f"{name}: frames.factors", 0.0, 1.0) for k in _FRAMES}
    fpatterns = frames["patterns"]
    if not isinstance(fpatterns, dict) or set(fpatterns) != set(FRAME_ORDER):
        raise ConversationDataError(f"{name}: frames.patterns needs {', '.join(FRAME_ORDER)}")
    frame_patterns = {k: _compile(v, fragments, f"{name}: frames.patterns.{k}", used) for k, v in fpatterns.items()}
    if "contact" not in stages:
        raise ConversationDataError(f"{name}: the contact frame needs a `contact` stage")

    if unused := set(fragments) - used:
        raise ConversationDataError(f"{name}: unused fragments {sorted(unused)}")
    return Config(decay, threshold, pair_min, tuple((a, b) for a, b in pairs), stages, descriptions, tuple(signals),
                  frozenset(mod["categories"]), flag_weight, mod["flag_crosses"], mod["model_score"], model_min,
                  model_weight, carry, safety_carry,
                  frozenset(framed), factors, frame_patterns, learned_min, learned_weight)


CONFIG = load_config()


# -- one turn ---------------------------------------------------------------------------------------

def fold(text: str) -> str:
    """The text the stages see: brain.safety's normalisation, then accents removed ("papá" -> "papa")."""
    text = _normalize(text)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fires(signal: Signal, text: str) -> bool:
    for m in signal.pattern.finditer(text):
        if signal.unless is None:
            return True
        window = text[max(0, m.start() - UNLESS_WINDOW): m.end() + UNLESS_WINDOW]
        if not signal.unless.search(window):
            return True
    return False


def lexicon(folded: str, config: Config) -> TurnStages:
    """The stage signals of one folded turn: strongest weight per stage, signal names, frame."""
    weights: dict[str, float] = {}
    hits: list[str] = []
    for signal in config.signals:
        if weights.get(signal.stage, 0.0) >= signal.weight:
            continue  # as strong a signal of this stage already fired
        if _fires(signal, folded):
            weights[signal.stage] = max(weights.get(signal.stage, 0.0), signal.weight)
            hits.append(f"{signal.stage}.{signal.name}")
    if config.frame_patterns["safety"].search(folded):
        frame = "safety"
    elif "contact" in weights:
        frame = "contact"
    else:
        frame = next((k for k in FRAME_ORDER[1:] if config.frame_patterns[k].search(folded)), None)
    return TurnStages(weights, tuple(hits), frame)


def load_dev(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
