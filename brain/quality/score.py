"""Per-detector precision, recall and confusion on a labelled JSONL file.

Run as: python -m brain.quality.score tests/brain/data/detectors_dev.jsonl [--show-errors]

Each line: {"detector": name, "label": bool, "mode": ..., "item": {...TutorItem fields}, "text": ...};
a line is scored for its own detector only (tests/brain/data/detectors_dev.jsonl's schema).
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass, field
from pathlib import Path

from brain.quality.detectors import DETECTORS, detector
from brain.quality.items import TutorItem


@dataclass
class Confusion:
    """Counts of one detector on a labelled set; ``errors`` holds the ids (or line numbers) it got wrong."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(rows: list[dict]) -> dict[str, Confusion]:
    """Confusion per detector (those in the rows, in DETECTORS order)."""
    out: dict[str, Confusion] = {}
    for n, row in enumerate(rows, 1):
        name = row["detector"]
        item = TutorItem.model_validate(row["item"])
        fired = detector(name)(row["text"], item, row.get("mode") or item.mode or "tutor") is not None
        c = out.setdefault(name, Confusion())
        label = bool(row["label"])
        if fired and label:
            c.tp += 1
        elif fired:
            c.fp += 1
            c.errors.append(f"FP {row.get('id', n)}")
        elif label:
            c.fn += 1
            c.errors.append(f"FN {row.get('id', n)}")
        else:
            c.tn += 1
    return {name: out[name] for name in DETECTORS if name in out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--show-errors", action="store_true", help="list the ids each detector got wrong")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.path.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(f"{'detector':<14}{'n':>5}{'tp':>5}{'fp':>5}{'fn':>5}{'tn':>5}{'precision':>11}{'recall':>8}")
    for name, c in score(rows).items():
        print(f"{name:<14}{c.tp + c.fp + c.fn + c.tn:>5}{c.tp:>5}{c.fp:>5}{c.fn:>5}{c.tn:>5}"
              f"{c.precision:>11.2f}{c.recall:>8.2f}")
        if args.show_errors and c.errors:
            print("    " + ", ".join(c.errors))


if __name__ == "__main__":
    main()
