"""Conversation-level grooming risk: stages that build up over a child's turns, with a decay.

Grooming unfolds over many turns (trust and flattery, "mature for your age", isolation, secrecy, a
move to a private app, gifts, photos, meeting). Each message alone can be harmless, so the
per-message moderator (``brain/safety/moderator.py``) misses it; this module scores the sequence.

    risk = conversation_risk(["he says i'm really mature", "he sends me robux", "he wants my snap"])
    risk.crossed, risk.crossed_at, risk.stages, risk.score, risk.reasons

- ``turn_stages(text)``: what one turn says (``TurnStages``): the stage signals of
  ``conversation_stages.yaml`` (the lexicon, conversation_data.py), matched on the text as
  brain.safety's ``normalize`` leaves it, accents removed; and the per-turn learned model's
  probability that the turn is a grooming move (``TurnModel``, conversation_model.py; trained at first
  use, about 3 s, never on ``dev-conversations-fresh-b.jsonl``). The lexicon is precise on wordings it
  knows; the model carries over to wordings it does not (docs/safety.md "Conversations" has the figures).
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
serving/guards.py and serving/conversation_memory.py.

The stage data, ``fold`` and the lexicon of one turn are conversation_data.py; the per-turn learned
model conversation_model.py; the report on the labelled sets (``python -m
brain.safety.conversation_eval``) conversation_eval.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from brain.safety.conversation_data import (
    CONFIG, FRAME_ORDER, LEARNED_STAGE, MODERATOR_STAGE, Config, TurnStages, fold, lexicon,
)
from brain.safety.conversation_model import TurnModel, get_turn_model


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


# -- one turn ---------------------------------------------------------------------------------------

def turn_stages(text: str, config: Config = CONFIG, model: TurnModel | None = None) -> TurnStages:
    """What one turn says (no context): its stage signals, its frame and the learned model's probability
    (``model``, or the trained one; not asked when ``config.learned_weight`` is 0)."""
    folded = fold(text if isinstance(text, str) else "")
    ts = lexicon(folded, config)
    learned = 0.0
    if config.learned_weight > 0.0 and folded.strip():
        learned = (model or get_turn_model()).probability(folded)
    key = hashlib.blake2b(folded.encode("utf-8"), digest_size=8).hexdigest()
    return TurnStages(ts.weights, ts.hits, ts.frame, learned, key)


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
    if frame in FRAME_ORDER:  # safety, supervised, family, peer
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
