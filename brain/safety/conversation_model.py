"""Conversation-level grooming risk, the per-turn learned model: P(a turn is a grooming move).

- ``TurnModel(texts, labels)``: TF-IDF of words and characters of the folded text, one logistic
  regression, scored with plain dictionaries (``probability``).
- ``training_turns()``: its training data: ``train.jsonl``'s grooming and benign texts, the turns of
  ``dev-conversations.jsonl`` and ``dev-conversations-fresh-a.jsonl`` (labelled by ``turn_labels``)
  and the turns of ``conversation_train.jsonl``; never ``dev-conversations-fresh-b.jsonl``.
- ``get_turn_model()``: the model trained on the shipped data, once per process at first use (about
  3 s); ``training_seconds()`` how long that took.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from brain.safety.conversation_data import (
    CONFIG, TRAIN_CONVERSATIONS, TRAIN_TURNS, WEAK_STAGES, Config, fold, lexicon, load_dev,
)


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
    return [int(i >= k or bool(set(lexicon(fold(t), config).weights) - WEAK_STAGES)) for i, t in enumerate(turns)]


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
