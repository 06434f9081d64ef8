"""Conversation-level grooming risk on the labelled sets: recall, benign flagged rate, turn error.

- ``evaluate(rows, signals_of=None)``: the figures of labelled conversations (``load_dev``), with the
  per-message moderator's signals or the stages alone.
- ``out_of_fold(rows)``: each conversation scored by a per-turn model trained without it.
- ``main``: the report, ``python -m brain.safety.conversation_eval [--moderator] [--lexicon] [--oof]
  [--set PATH] [--show]`` (docs/safety.md "Conversations").
"""

from __future__ import annotations

from pathlib import Path

from brain.safety.conversation import ConversationRisk, TurnSignals, conversation_risk, turn_signals
from brain.safety.conversation_data import CONFIG, DEV_SET, FRESH_A, FRESH_B, NORMALIZE, Config, load_dev
from brain.safety.conversation_model import TurnModel, get_turn_model, training_seconds, training_turns


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
