"""Conversation-level grooming risk: stages that build up over a child's turns, with a decay.

Grooming unfolds over many turns (trust and flattery, "mature for your age", isolation, secrecy, a
move to a private app, gifts, photos, meeting). Each message alone can be harmless, so the
per-message moderator (``brain/safety/moderator.py``) misses it; this module scores the sequence.

    risk = conversation_risk(["he says i'm really mature", "he sends me robux", "he wants my snap"])
    risk.crossed, risk.crossed_at, risk.stages, risk.score, risk.reasons

- ``turn_stages(text)``: what one turn says (``TurnStages``): the stage signals of
  ``conversation_stages.yaml`` (regexes, loaded and checked at import: a mistake raises
  ``ConversationDataError``), matched on the text as brain.safety's ``normalize`` leaves it, accents
  removed; and the per-turn learned model's probability that the turn is a grooming move
  (``TurnModel``: TF-IDF of words and characters, logistic regression; trained at first use, about
  3 s, on ``train.jsonl``'s grooming and benign texts, the turns of ``dev-conversations.jsonl`` and
  ``dev-conversations-fresh-a.jsonl`` and the turns of ``conversation_train.jsonl``; never on
  ``dev-conversations-fresh-b.jsonl``). The lexicon is precise on wordings it knows; the model
  carries over to wordings it does not (docs/safety.md "Conversations" has the figures).
- ``score(turns, signals=None)``: the running score over a sequence of ``TurnStages``: each stage's
  activation is the strongest signal seen for it times ``decay`` per later turn; a turn about a
  relative, a classmate, something a parent arranged, a story or a safety question scales the
  contact-like stages down (frames). The ``learned`` stage adds up, turn by turn with the same decay,
  what the model saw beyond what the lexicon already counted in that turn:
  ``max(0, (p - min) / (1 - min) - the turn's strongest stage weight)``, times ``learned.weight``.
  The conversation crosses at the first turn where the activations add up to ``threshold`` or where
  two stages of a pair are both at least ``pair_min``. ``signals`` (one ``TurnSignals`` per turn, or
  None) adds the per-message moderator: a turn it flagged with a category of ``moderator.categories``
  (grooming, sexual, personal_info), or its grooming probability, is the ``moderator`` stage
  (``moderator.flag_crosses: true`` makes such a turn cross by itself).
- ``conversation_risk(texts, signals=None)``: both.
- ``turn_signals(verdict)``: a moderator ``Verdict`` as ``TurnSignals`` (its categories and the
  learned model's grooming probability: the ``moderator`` stage).

Scoring is pure (no I/O, no clock, no state) once the model is trained: about 0.2 ms a turn
(docs/safety.md). The serving side (server-side memory of a student's turns, blocking, escalation) is
serving/guards.py and serving/conversation_memory.py. Measured with ``python -m brain.safety.conversation``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
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


@dataclass(frozen=True)
class TurnSignals:
    """What the per-message moderator said about one turn: its categories and the learned model's
    grooming probability."""

    categories: tuple[str, ...] = ()
    model_grooming: float = 0.0


@dataclass(frozen=True)
class ConversationRisk:
    """The risk of a conversation: ``score`` is the highest running score (the sum of the stages'
    decayed activations) over its turns; ``stages`` the stages seen, first seen first; ``crossed``
    whether it crossed the line, first at turn ``crossed_at`` (0-based); ``reasons`` why (stage and
    signal names, turn numbers; never text). ``turn_scores`` is the running score after each turn."""

    score: float
    stages: list[str]
    crossed: bool
    crossed_at: int | None
    reasons: list[str]
    turn_scores: list[float] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"score": round(self.score, 3), "stages": list(self.stages), "crossed": self.crossed,
                "crossed_at": self.crossed_at, "reasons": list(self.reasons)}


# -- the data ---------------------------------------------------------------------------------------

_TOP = {"decay", "threshold", "pair_min", "pairs", "moderator", "learned", "frames", "fragments", "stages"}
_FRAMES = ("contact", "none", "supervised", "peer", "family", "safety")
_FRAME_ORDER = ("safety", "supervised", "family", "peer")  # after contact (the `contact` stage), first found wins


def _number(data: dict, key: str, where: str, low: float, high: float, *, open_low: bool = False) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConversationDataError(f"{where}: {key} must be a number, got {value!r}")
    if value < low or value > high or (open_low and value == low):
        raise ConversationDataError(f"{where}: {key} must be in {'(' if open_low else '['}{low}, {high}], got {value}")
    return float(value)


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
    model_min = _number(mod, "model_min", f"{name}: moderator", 0.0, 1.0)
    if model_min >= 1.0:
        raise ConversationDataError(f"{name}: moderator.model_min must be below 1")
    model_weight = _number(mod, "model_weight", f"{name}: moderator", 0.0, 1.0)

    learned = data["learned"]
    if not isinstance(learned, dict) or set(learned) != {"min", "weight"}:
        raise ConversationDataError(f"{name}: learned needs min, weight")
    learned_min = _number(learned, "min", f"{name}: learned", 0.0, 1.0)
    if learned_min >= 1.0:
        raise ConversationDataError(f"{name}: learned.min must be below 1")
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
    if not isinstance(fpatterns, dict) or set(fpatterns) != set(_FRAME_ORDER):
        raise ConversationDataError(f"{name}: frames.patterns needs {', '.join(_FRAME_ORDER)}")
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


def _lexicon(folded: str, config: Config) -> TurnStages:
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
        frame = next((k for k in _FRAME_ORDER[1:] if config.frame_patterns[k].search(folded)), None)
    return TurnStages(weights, tuple(hits), frame)


def turn_stages(text: str, config: Config = CONFIG, model: TurnModel | None = None) -> TurnStages:
    """What one turn says (no context): its stage signals, its frame and the learned model's probability
    (``model``, or the trained one; not asked when ``config.learned_weight`` is 0)."""
    folded = fold(text if isinstance(text, str) else "")
    ts = _lexicon(folded, config)
    learned = 0.0
    if config.learned_weight > 0.0 and folded.strip():
        learned = (model or get_turn_model()).probability(folded)
    key = hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()
    return TurnStages(ts.weights, ts.hits, ts.frame, learned, key)


# -- the per-turn learned model ------------------------------------------------------------------------

def turn_labels(row: dict, config: Config = CONFIG) -> list[int]:
    """A labelled conversation's per-turn labels for the model: 1 a grooming move, 0 not.

    A benign conversation's turns are all 0. A grooming conversation's are its ``signal_turns`` where it
    has them (hand-marked: fresh-a); otherwise derived from the lexicon, which was written on these
    conversations: 1 where a stage other than a bare contact or age fired, or from ``crosses_at`` on;
    0 before that (homework, "ok", "he's 17", "a guy from roblox")."""
    turns = row["turns"]
    if not row.get("labels"):
        return [0] * len(turns)
    if row.get("signal_turns") is not None:
        marked = set(row["signal_turns"])
        return [int(i in marked) for i in range(len(turns))]
    k = row["crosses_at"] if row.get("crosses_at") is not None else len(turns)
    return [int(i >= k or bool(set(_lexicon(fold(t), config).weights) - WEAK_STAGES)) for i, t in enumerate(turns)]


def training_turns(conversations=TRAIN_CONVERSATIONS, turns_file: Path | None = TRAIN_TURNS,
                   config: Config = CONFIG) -> tuple[list[str], list[int]]:
    """The model's training texts and labels: ``train.jsonl``'s grooming texts (1) and its texts of no
    neighbouring category (0: school, other harms), the labelled conversations' turns (``turn_labels``)
    and ``conversation_train.jsonl``'s single turns. ``conversations`` are paths or lists of rows."""
    from brain.safety.classifier import NEIGHBOURS, load_training_set

    texts, labels = [], []
    neighbours = NEIGHBOURS["grooming"]
    for text, cats in zip(*load_training_set(), strict=True):
        if "grooming" in cats or not neighbours.intersection(cats):
            texts.append(text)
            labels.append(int("grooming" in cats))
    for conv in conversations:
        rows = load_dev(conv) if isinstance(conv, (str, Path)) else conv
        for row in rows:
            texts.extend(row["turns"])
            labels.extend(turn_labels(row, config))
    if turns_file is not None:
        for row in load_dev(turns_file):
            texts.append(row["text"])
            labels.append(int(bool(row["labels"])))
    return texts, labels


class TurnModel:
    """P(a turn is a grooming move): TF-IDF of words (1-2 grams) and characters (3-5 grams) of the folded
    text, one logistic regression; scored with plain dictionaries (no scikit-learn call per turn)."""

    C = 4.0

    def __init__(self, texts: list[str], labels: list[int]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_union

        if not any(labels) or all(labels):
            raise ValueError("the turn model needs both grooming and benign turns")
        self.features = make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2),
        )
        x = self.features.fit_transform([fold(t) for t in texts])
        self.model = LogisticRegression(C=self.C, class_weight="balanced", solver="liblinear").fit(x, labels)
        self.size = len(texts)
        # One model over small texts: plain dictionaries (term -> idf, idf x coefficient) beat numpy's
        # per-call overhead (fastlinear.FastLinear, about 35 us a turn, is ~3x slower here).
        coef = np.asarray(self.model.coef_, dtype=np.float64).ravel()
        self._blocks = []
        offset = 0
        for _, vec in self.features.transformer_list:
            if vec.norm != "l2" or not vec.sublinear_tf or not vec.use_idf:
                raise ValueError("TurnModel scores l2-normalised, sublinear, idf-weighted TF-IDF only")
            idf = vec.idf_
            table = {term: (float(idf[i]), float(idf[i] * coef[offset + i])) for term, i in vec.vocabulary_.items()}
            self._blocks.append((vec.build_analyzer(), table))
            offset += len(vec.vocabulary_)
        self._intercept = float(self.model.intercept_[0])

    def probability(self, folded: str) -> float:
        """The probability for a turn already folded (``fold``): scikit-learn's, to rounding."""
        z = self._intercept
        for analyze, table in self._blocks:
            dot = norm = 0.0
            for term, n in Counter(analyze(folded)).items():
                if (entry := table.get(term)) is not None:
                    tf = 1.0 + _LOG[n] if n < len(_LOG) else 1.0 + math.log(n)
                    dot += tf * entry[1]
                    norm += (tf * entry[0]) ** 2
            if norm > 0.0:
                z += dot / math.sqrt(norm)
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def predict_sklearn(self, texts: list[str]) -> list[float]:
        """The same through scikit-learn's own calls (slow; the reference for tests)."""
        return [float(p) for p in self.model.predict_proba(self.features.transform([fold(t) for t in texts]))[:, 1]]


_lock = threading.Lock()
_LOG = [0.0] + [math.log(n) for n in range(1, 32)]


@lru_cache(maxsize=1)
def _trained() -> tuple[TurnModel, float]:
    import time

    start = time.perf_counter()
    model = TurnModel(*training_turns())
    return model, time.perf_counter() - start


def get_turn_model() -> TurnModel:
    """The model trained on the shipped data (once per process, at first use; about 3 s on 2 cores)."""
    with _lock:
        return _trained()[0]


def training_seconds() -> float:
    """How long the shipped model took to train in this process (trains it if it was not yet)."""
    with _lock:
        return _trained()[1]


def turn_signals(verdict) -> TurnSignals:
    """A per-message moderator ``Verdict`` as the conversation score reads it."""
    scores = getattr(verdict, "scores", None) or {}
    return TurnSignals(tuple(getattr(verdict, "categories", ()) or ()),
                       float(scores.get(CONFIG.model_score, 0.0) or 0.0))


# -- the conversation -------------------------------------------------------------------------------

def _model_weight(p: float, config: Config) -> float:
    if p < config.model_min:
        return 0.0
    return min(1.0, (p - config.model_min) / (1.0 - config.model_min) * 2.0) * config.model_weight


def _learned_evidence(ts: TurnStages, weights: dict[str, float], frame: str | None, factor: float,
                      keys: set[str], config: Config) -> float:
    """What the model saw in a turn beyond what the lexicon already counted in it (0 for a turn already
    seen in this conversation): ``max(0, (p - min) / (1 - min) - the strongest stage weight)``, both
    scaled by the frame of a relative, classmate, parent or story, times ``learned.weight``."""
    if config.learned_weight <= 0.0 or ts.learned <= config.learned_min or (ts.key and ts.key in keys):
        return 0.0
    g = (ts.learned - config.learned_min) / (1.0 - config.learned_min)
    if frame in _FRAME_ORDER:  # safety, supervised, family, peer
        g *= factor
    strongest = max((w for s, w in weights.items() if s != MODERATOR_STAGE), default=0.0)
    return max(0.0, g - strongest) * config.learned_weight


def score(turns: list[TurnStages], signals: list[TurnSignals | None] | None = None,
          config: Config = CONFIG) -> ConversationRisk:
    """The running risk over a conversation's turns (oldest first)."""
    if signals is not None and len(signals) != len(turns):
        raise ValueError(f"{len(signals)} signals for {len(turns)} turns")
    active: dict[str, float] = {}
    keys: set[str] = set()
    seen: list[str] = []
    reasons: list[str] = []
    turn_scores: list[float] = []
    crossed_at: int | None = None
    frame, frame_age = None, 0
    peak = 0.0
    for t, ts in enumerate(turns):
        for s in active:
            active[s] *= config.decay
        if ts.frame is not None:
            frame, frame_age = ts.frame, 0
        else:
            frame_age += 1
            if frame_age > (config.safety_carry if frame == "safety" else config.frame_carry):
                frame = None
        factor = config.frame_factors[frame or "none"]
        weights = {s: w * (factor if s in config.framed else 1.0) for s, w in ts.weights.items()}
        sig = signals[t] if signals is not None else None
        flagged = ()
        if sig is not None:
            flagged = tuple(c for c in sig.categories if c in config.moderator_categories)
            if m := max(_model_weight(sig.model_grooming, config), config.flag_weight if flagged else 0.0):
                weights[MODERATOR_STAGE] = m
        for s, w in weights.items():
            if w > active.get(s, 0.0):
                active[s] = w
            if s not in seen:
                seen.append(s)
        if extra := _learned_evidence(ts, weights, frame, factor, keys, config):
            active[LEARNED_STAGE] = active.get(LEARNED_STAGE, 0.0) + extra
            if LEARNED_STAGE not in seen:
                seen.append(LEARNED_STAGE)
        keys.add(ts.key)
        total = sum(active.values())
        turn_scores.append(round(total, 4))
        peak = max(peak, total)
        if crossed_at is None:
            why = []
            if flagged and config.flag_crosses:
                why.append(f"turn {t}: the per-message moderator flagged {','.join(flagged)}")
            if total >= config.threshold:
                why.append(f"turn {t}: score {total:.2f} >= {config.threshold} "
                           f"({', '.join(f'{s} {v:.2f}' for s, v in sorted(active.items(), key=lambda kv: -kv[1]) if v >= 0.05)})")
            if flagged and not config.flag_crosses and total >= config.threshold:
                why.append(f"turn {t}: the per-message moderator flagged {','.join(flagged)}")
            for a, b in config.pairs:
                if active.get(a, 0.0) >= config.pair_min and active.get(b, 0.0) >= config.pair_min:
                    why.append(f"turn {t}: {a} + {b}")
            if why:
                crossed_at = t
                reasons.extend(why)
                reasons.extend(f"turn {t}: {h}" for h in ts.hits)
    return ConversationRisk(round(peak, 4), seen, crossed_at is not None, crossed_at, reasons, turn_scores)


def conversation_risk(texts: list[str], signals: list[TurnSignals | None] | None = None,
                      config: Config = CONFIG, model: TurnModel | None = None) -> ConversationRisk:
    """The grooming risk of a sequence of user turns (oldest first); pure once the model is trained."""
    return score([turn_stages(t, config, model) for t in texts], signals, config)


# -- the dev set --------------------------------------------------------------------------------------

def evaluate(rows: list[dict], signals_of=None, config: Config = CONFIG, model: TurnModel | None = None,
             risks: dict[str, ConversationRisk] | None = None) -> dict:
    """Recall, benign flagged rate and the mean |detected turn - crosses_at| on labelled conversations.

    ``signals_of(text) -> TurnSignals`` adds the per-message moderator (None: the stages alone);
    ``model`` scores the turns (None: the shipped one); ``risks`` (id -> risk) are used as given."""
    groom = [r for r in rows if "grooming" in r["labels"]]
    benign = [r for r in rows if not r["labels"]]
    found, offsets, flagged, misses, false_pos = 0, [], 0, [], []
    for r in rows:
        if risks is not None:
            risk = risks[r["id"]]
        else:
            sigs = [signals_of(t) for t in r["turns"]] if signals_of else None
            risk = conversation_risk(r["turns"], sigs, config, model)
        if r["labels"]:
            if risk.crossed:
                found += 1
                if r.get("crosses_at") is not None:
                    offsets.append(risk.crossed_at - r["crosses_at"])
            else:
                misses.append(r["id"])
        elif risk.crossed:
            flagged += 1
            false_pos.append((r["id"], risk.crossed_at, risk.reasons[:3]))
    return {
        "grooming": len(groom), "benign": len(benign),
        "recall": found / len(groom) if groom else None,
        "benign_flagged": flagged / len(benign) if benign else None,
        "flagged": flagged,
        "mean_abs_turn_error": sum(abs(o) for o in offsets) / len(offsets) if offsets else None,
        "early": sum(o < 0 for o in offsets), "late": sum(o > 0 for o in offsets), "exact": sum(o == 0 for o in offsets),
        "misses": misses, "false_positives": false_pos,
    }


def out_of_fold(rows: list[dict], folds: int = 5, seed: int = 7, signals_of=None,
                config: Config = CONFIG) -> dict[str, ConversationRisk]:
    """Each conversation of ``rows`` scored by a model trained without it: ``folds`` models, each on
    ``train.jsonl``, ``conversation_train.jsonl`` and the other folds' conversations (grooming and
    benign conversations dealt out separately, shuffled with ``seed``). The lexicon stays as shipped
    (written on the dev set: in-sample there)."""
    import random

    rng = random.Random(seed)
    fold_of: dict[str, int] = {}
    for group in ([r["id"] for r in rows if r["labels"]], [r["id"] for r in rows if not r["labels"]]):
        rng.shuffle(group)
        fold_of.update({i: k % folds for k, i in enumerate(group)})
    risks: dict[str, ConversationRisk] = {}
    for k in range(folds):
        model = TurnModel(*training_turns([[r for r in rows if fold_of[r["id"]] != k]], config=config))
        for r in rows:
            if fold_of[r["id"]] == k:
                sigs = [signals_of(t) for t in r["turns"]] if signals_of else None
                risks[r["id"]] = conversation_risk(r["turns"], sigs, config, model)
    return risks


def load_dev(path: Path = DEV_SET) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - a report for people
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Conversation risk on labelled sets (dev and fresh-a: in-sample).")
    parser.add_argument("--set", type=Path, action="append", help="a labelled set (default: dev, fresh-a, fresh-b)")
    parser.add_argument("--moderator", action="store_true", help="add the per-message moderator's signals")
    parser.add_argument("--lexicon", action="store_true", help="the stages alone, without the learned model")
    parser.add_argument("--oof", action="store_true", help="also dev + fresh-a out of fold (5 models)")
    parser.add_argument("--show", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    config = CONFIG if not args.lexicon else __import__("dataclasses").replace(CONFIG, learned_weight=0.0)
    signals_of = None
    if args.moderator:
        from brain.safety.moderator import get_moderator

        moderator = get_moderator()
        cache: dict[str, TurnSignals] = {}

        def signals_of(text: str) -> TurnSignals:
            if text not in cache:
                cache[text] = turn_signals(moderator.check(text))
            return cache[text]
    print(f"normalize: {NORMALIZE}")
    if config.learned_weight:
        print(f"turn model: trained on {get_turn_model().size} texts in {training_seconds():.2f} s")

    def report(name: str, result: dict) -> None:
        err = result["mean_abs_turn_error"]
        print(f"{name}: {result['grooming']} grooming, {result['benign']} benign"
              f"{' (+ moderator)' if args.moderator else ''}{' (lexicon alone)' if args.lexicon else ''}: "
              f"recall {result['recall']:.3f}  benign flagged {result['benign_flagged']:.3f} ({result['flagged']})  "
              f"mean |turn error| {err if err is None else round(err, 2)} (early {result['early']}, "
              f"exact {result['exact']}, late {result['late']})")
        if args.show:
            print("  misses:", " ".join(result["misses"]))
            for fp in result["false_positives"]:
                print("  false positive:", *fp)

    for path in args.set or [DEV_SET, FRESH_A, FRESH_B]:
        report(Path(path).name, evaluate(load_dev(path), signals_of, config))
    if args.oof and config.learned_weight:
        rows = load_dev(DEV_SET) + load_dev(FRESH_A)
        risks = out_of_fold(rows, signals_of=signals_of)
        for path in (DEV_SET, FRESH_A):
            part = load_dev(path)
            report(f"{Path(path).name} out of fold", evaluate(part, risks={r["id"]: risks[r["id"]] for r in part}))
    texts = [t for r in load_dev(DEV_SET) for t in r["turns"]][:20]
    runs = []
    for _ in range(50):
        start = time.perf_counter()
        conversation_risk(texts, None, config)
        runs.append((time.perf_counter() - start) * 1000)
    runs.sort()
    print(f"20 turns: median {runs[len(runs) // 2]:.2f} ms, best {runs[0]:.2f} ms")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
