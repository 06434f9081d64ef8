"""The language path's methods compared on a DEV set (docs/safety.md, "Method, by DEV measurement").

    python -m brain.safety.lang_compare [brain/safety/lang/dev-es.jsonl ...] [-v]

For each method of ``METHODS``: recall per key category and the benign false-positive rate. A tool
for people choosing the method; the moderator does not import it (brain/safety/lang.py is the path).
"""

from __future__ import annotations

import sys
from pathlib import Path

from brain.safety.evaluate import load_evalset
from brain.safety.lang import KEY_CATEGORIES, LANG_DIR, MODEL_PROBABILITY, lexicon_hits, model_hits
from brain.safety.moderator import Moderator
from brain.safety.rules import match_rules

METHODS = ("english_only", "lexicon", "model", "lexicon+model", "lexicon+model+english_rules")


def compare_methods(path: str | Path, moderator=None, floor: float = MODEL_PROBABILITY) -> dict:
    """Recall per key category and benign false-positive rate of each method of ``METHODS`` on a DEV set.

    ``english_only`` is the moderator before issue 15 (every text down the English path); the others
    are the language path's parts on the text's own lexicon, whatever the language identifier says.
    """
    moderator = moderator or Moderator()
    items = load_evalset(path)
    predicted: dict[str, list[set[str]]] = {m: [] for m in METHODS}
    for item in items:
        language = item.get("lang", "es")
        lex = set(lexicon_hits(item["text"], (language,)))
        mod = set(model_hits(item["text"], floor)[0])
        eng = set(match_rules(item["text"], item["direction"]))
        predicted["english_only"].append(set(moderator.check_english(item["text"], item["direction"]).categories))
        predicted["lexicon"].append(lex)
        predicted["model"].append(mod)
        predicted["lexicon+model"].append(lex | mod)
        predicted["lexicon+model+english_rules"].append(lex | mod | eng)
    out = {}
    for method, preds in predicted.items():
        row = {}
        for cat in KEY_CATEGORIES:
            pos = [p for it, p in zip(items, preds, strict=True) if cat in it["labels"]]
            row[cat] = round(sum(cat in p for p in pos) / len(pos), 3) if pos else None
        benign = [p for it, p in zip(items, preds, strict=True) if not it["labels"]]
        row["benign_fpr"] = round(sum(bool(p) for p in benign) / len(benign), 3) if benign else None
        row["missed"] = [it["id"] for it, p in zip(items, preds, strict=True)
                         if it["labels"] and not set(it["labels"]) & p]
        row["false_positives"] = [it["id"] for it, p in zip(items, preds, strict=True) if not it["labels"] and p]
        out[method] = row
    return out


if __name__ == "__main__":
    for path in sys.argv[1:] or sorted(LANG_DIR.glob("dev-*.jsonl")):
        for method, row in compare_methods(path).items():
            print(Path(path).name, f"{method:28s}", " ".join(f"{c} {row[c]}" for c in KEY_CATEGORIES),
                  f"benign_fpr {row['benign_fpr']}")
            if "-v" in sys.argv or method == "lexicon+model+english_rules":
                print("   missed:", row["missed"], "\n   fp:", row["false_positives"])
