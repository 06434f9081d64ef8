"""Fast scoring of fitted TF-IDF + linear models for one short text at a time.

scikit-learn's ``transform`` / ``predict_proba`` validate their input and build
sparse matrices on every call: about 0.4 ms per vectoriser and 0.5-3 ms per
model for a single prompt, most of the moderator's time. Every request is
checked twice, so this module takes the fitted objects apart once (vocabulary,
idf weights, coefficients, intercepts, sigmoid calibration) and scores a text
with plain dictionaries and a few numpy dot products. The results equal
scikit-learn's to floating-point rounding (``tests/brain/test_moderation.py``
checks this against the original calls).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np


class FastTfidf:
    """``TfidfVectorizer.transform`` for one text: a sparse row as (indices, values)."""

    def __init__(self, vectorizer):
        if vectorizer.norm not in ("l2", None) or getattr(vectorizer, "binary", False):
            raise ValueError("only l2/None norm, non-binary TF-IDF is supported")
        self.analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64) if vectorizer.use_idf else None
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.norm = vectorizer.norm
        self.size = len(self.vocabulary)

    def row(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        vocab = self.vocabulary
        counts = Counter(i for i in map(vocab.get, self.analyze(text)) if i is not None)
        if not counts:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        if self.sublinear:
            tf = 1.0 + np.log(tf)
        if self.idf is not None:
            tf = tf * self.idf[idx]
        if self.norm == "l2":
            n = math.sqrt(float(tf @ tf))
            if n > 0:
                tf = tf / n
        return idx, tf


class FastLinear:
    """Decision values of several linear models over the concatenation of TF-IDF blocks.

    ``blocks`` are fitted vectorisers whose outputs are concatenated (a
    ``FeatureUnion`` of them, or one vectoriser); ``coef`` has one row per
    model over all their features; ``intercept`` one value per model.
    """

    def __init__(self, blocks: Sequence, coef: np.ndarray, intercept: np.ndarray):
        self.blocks = [FastTfidf(v) for v in blocks]
        coef = np.asarray(coef, dtype=np.float64)
        offsets = np.cumsum([0] + [b.size for b in self.blocks])
        if coef.shape[1] != offsets[-1]:
            raise ValueError(f"coef has {coef.shape[1]} features, the vectorisers {offsets[-1]}")
        # Feature-major (features x models): a row lookup per non-zero feature.
        self.weights = [np.ascontiguousarray(coef[:, a:b].T) for a, b in itertools.pairwise(offsets)]
        self.intercept = np.asarray(intercept, dtype=np.float64).ravel()

    def decision(self, texts: Sequence[str] | str) -> np.ndarray:
        """One decision value per model for one text (a str), or a matrix for several texts."""
        if isinstance(texts, str):
            out = self.intercept.copy()
            for block, w in zip(self.blocks, self.weights, strict=True):
                idx, val = block.row(texts)
                if len(idx):
                    out += val @ w[idx]
            return out
        return np.vstack([self.decision(t) for t in texts])


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fast_calibrated_svc(vectorizer, model) -> Callable[[str], float]:
    """``model.predict_proba(vectorizer.transform([text]))[0, 1]`` for a binary
    ``CalibratedClassifierCV`` of linear models with sigmoid calibration (alt-profanity-check's)."""
    if getattr(model, "method", "sigmoid") != "sigmoid" or len(model.classes_) != 2:
        raise ValueError("only binary sigmoid-calibrated linear models are supported")
    parts = model.calibrated_classifiers_
    coef = np.vstack([np.asarray(p.estimator.coef_, dtype=np.float64).reshape(1, -1) for p in parts])
    intercept = np.array([float(np.ravel(p.estimator.intercept_)[0]) for p in parts])
    a = np.array([float(p.calibrators[0].a_) for p in parts])
    b = np.array([float(p.calibrators[0].b_) for p in parts])
    linear = FastLinear([vectorizer], coef, intercept)

    def predict(text: str) -> float:
        d = linear.decision(text)
        return float(np.mean(expit(-(a * d + b))))

    return predict
