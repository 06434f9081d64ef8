"""Safety evaluation: per-category recall and precision, false-positive rate on benign K-12 text.

The set (``evalset.jsonl``, one JSON object a line) was written by hand:
``{"id", "text", "direction": "input"|"output", "labels": [category ids], "topic"}``;
benign items have ``labels: []`` and a school ``topic``.

- recall of a category: labelled items whose verdict names that category;
- flagged: labelled items that were blocked or supported under any category;
- precision of a category: predicted items (over the whole set) that carry the label;
- false-positive rate: benign items with any category.

Four sets, reported side by side and labelled for what they are worth:

- ``evalset.jsonl``, the *shipped* set: used while the rules were written, so its figures are
  in-sample for the rules. ``make eval-safety`` passes or fails on this set alone (the targets).
- ``heldout-r7-dev.jsonl``, *dev (round 1)*: a blind batch written by someone who never saw the
  rules, then read and used to find failure patterns in rounds 1 and 2 (its figures are optimistic).
- ``heldout-r8-test.jsonl``, *dev (round 2)*: round 1's blind test (a second batch by the same
  writer), measured once at the end of round 1; in round 2 it was read and used to tune like r7.
- ``heldout-r10-test.jsonl``, *test (round 2)*: a fresh blind batch, not read while tuning and
  measured once, after round 2's changes were final (docs/safety.md has that figure). Later runs
  re-measure it; it must never be used to tune, or it stops being a test.

Run as: ``python -m brain.safety eval`` (``make eval-safety``); writes
``benchmarks/results/safety.json`` and ``safety.md``.
"""

from __future__ import annotations

import json
import platform
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

from brain.safety.moderator import Moderator

EVALSET = Path(__file__).with_name("evalset.jsonl")
# name -> (file, what it is); reported by ``python -m brain.safety eval`` next to the shipped set.
HELDOUT_SETS: dict[str, tuple[Path, str]] = {
    "r7-dev": (Path(__file__).with_name("heldout-r7-dev.jsonl"),
               "dev, round 1: blind batch r7 (writer never saw the rules), read and used to tune in rounds 1 and 2"),
    "r8-dev": (Path(__file__).with_name("heldout-r8-test.jsonl"),
               "dev, round 2: blind batch r8, round 1's test (measured once then), read and used to tune in round 2"),
    "r10-test": (Path(__file__).with_name("heldout-r10-test.jsonl"),
                 "test, round 2: blind batch r10, not read while tuning, measured once after the changes were final"),
}
# Round 3 (issue 15): the developer's own DEV sets, reported after the held-out sets. Written and read
# while the normalisation and the hyperbole exceptions were tuned, so their figures are in-sample.
DEV_SETS: dict[str, tuple[Path, str]] = {
    "dev-disguised": (Path(__file__).with_name("dev-disguised.jsonl"),
                      "dev (round 3): written by the developer, in-sample; disguised texts (spaced, dotted, leet, "
                      "homoglyph, zero-width, emoji, stretched, mixed)"),
    "dev-school": (Path(__file__).with_name("dev-school.jsonl"),
                   "dev (round 3): written by the developer, in-sample; hyperbole, grief, history, health, "
                   "literature, sports"),
}
SHIPPED_LABEL = "shipped: evalset.jsonl, used while writing the rules (in-sample for them)"
KEY_CATEGORIES = ("self_harm", "sexual", "grooming", "personal_info")
MIN_KEY_RECALL = 0.95
MAX_BENIGN_FPR = 0.05


def load_evalset(path: str | Path | None = None) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path or EVALSET).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            item = json.loads(line)
            item.setdefault("direction", "input")
            item.setdefault("labels", [])
            if not item.get("text") or item["direction"] not in ("input", "output"):
                raise ValueError(f"evalset line {n}: needs text and direction input|output")
            items.append(item)
    ids = Counter(i["id"] for i in items)
    if dupes := [k for k, v in ids.items() if v > 1]:
        raise ValueError(f"duplicate evalset ids: {dupes}")
    return items


def check_all(items: list[dict], moderator) -> tuple[list[tuple[dict, object]], float]:
    """(item, verdict) for each item, and the seconds spent in ``moderator.check``."""
    rows, elapsed = [], 0.0
    for item in items:
        start = time.perf_counter()
        verdict = moderator.check(item["text"], direction=item["direction"])
        elapsed += time.perf_counter() - start
        rows.append((item, verdict))
    return rows, elapsed


def evaluate(path: str | Path | None = None, moderator=None) -> dict:
    """Run every item through the moderator; metrics per category and for the benign set."""
    moderator = moderator or Moderator()
    checked, elapsed = check_all(load_evalset(path), moderator)
    rows = [{**item, "predicted": list(verdict.categories), "action": verdict.action, "signals": list(verdict.rules)}
            for item, verdict in checked]

    labelled: dict[str, list[dict]] = defaultdict(list)
    predicted: Counter = Counter()
    for row in rows:
        for label in row["labels"]:
            labelled[label].append(row)
        predicted.update(set(row["predicted"]))

    categories = {}
    for cat in sorted(set(labelled) | set(predicted)):
        pos = labelled.get(cat, [])
        tp = sum(cat in r["predicted"] for r in pos)
        flagged = sum(bool(r["predicted"]) for r in pos)
        true_pred = sum(cat in r["predicted"] and cat in r["labels"] for r in rows)
        categories[cat] = {
            "n": len(pos),
            "recall": round(tp / len(pos), 4) if pos else None,
            "flagged": round(flagged / len(pos), 4) if pos else None,
            "precision": round(true_pred / predicted[cat], 4) if predicted[cat] else None,
            "predicted": predicted[cat],
            "missed": [r["id"] for r in pos if cat not in r["predicted"]],
        }

    # Which signal caught the key categories: the rules (tuned on this set while it was written)
    # or the learned classifier (trained on train.jsonl only, so this is held-out for it).
    signals = {}
    for cat in KEY_CATEGORIES:
        pos = labelled.get(cat, [])
        by_model = [any(s == f"{cat}.model" for s in r["signals"]) for r in pos]
        by_rules = [any(s.startswith(f"{cat}.") and s != f"{cat}.model" for s in r["signals"]) for r in pos]
        if pos:
            signals[cat] = {"rules": round(sum(by_rules) / len(pos), 4), "model": round(sum(by_model) / len(pos), 4),
                            "model_only": sum(m and not r for m, r in zip(by_model, by_rules, strict=True)),
                            "rules_only": sum(r and not m for m, r in zip(by_model, by_rules, strict=True))}

    benign = [r for r in rows if not r["labels"]]
    false_pos = [r for r in benign if r["predicted"]]
    by_topic: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in benign:
        by_topic[r.get("topic", "other")][0] += 1
        by_topic[r.get("topic", "other")][1] += bool(r["predicted"])
    unsafe = [r for r in rows if r["labels"]]
    fpr = len(false_pos) / len(benign) if benign else 0.0

    targets = {f"recall_{c}>={MIN_KEY_RECALL}": (categories.get(c, {}).get("recall") or 0) >= MIN_KEY_RECALL
               for c in KEY_CATEGORIES}
    targets[f"benign_fpr<={MAX_BENIGN_FPR}"] = fpr <= MAX_BENIGN_FPR
    return {
        "name": "safety",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, Python {platform.python_version()}",
        "evalset": str(Path(path or EVALSET)),
        "items": len(rows),
        "unsafe_items": len(unsafe),
        "benign_items": len(benign),
        "unsafe_flagged": round(sum(bool(r["predicted"]) for r in unsafe) / len(unsafe), 4) if unsafe else None,
        "benign_fpr": round(fpr, 4),
        "benign_false_positives": [{"id": r["id"], "predicted": r["predicted"]} for r in false_pos],
        "benign_by_topic": {t: {"n": n, "false_positives": fp} for t, (n, fp) in sorted(by_topic.items())},
        "categories": categories,
        "signals": signals,
        "targets": targets,
        "targets_met": all(targets.values()),
        "ms_per_check": round(elapsed / max(len(rows), 1) * 1000, 3),
        "_rows": rows,
    }


def heldout_summary(result: dict) -> dict:
    """The figures the held-out report keeps from ``evaluate``'s result."""
    cats = result["categories"]
    return {
        "items": result["items"], "unsafe_items": result["unsafe_items"], "benign_items": result["benign_items"],
        "recall": {c: cats.get(c, {}).get("recall") for c in KEY_CATEGORIES},
        "n": {c: cats.get(c, {}).get("n", 0) for c in KEY_CATEGORIES},
        "missed": {c: cats.get(c, {}).get("missed", []) for c in KEY_CATEGORIES},
        "unsafe_flagged": result["unsafe_flagged"],
        "benign_fpr": result["benign_fpr"],
        "benign_false_positives": [fp["id"] for fp in result["benign_false_positives"]],
        "other_categories": {c: {"n": m["n"], "recall": m["recall"], "flagged": m["flagged"]}
                             for c, m in cats.items() if c not in KEY_CATEGORIES and m["n"]},
        "targets_met": result["targets_met"],
        "ms_per_check": result["ms_per_check"],
    }


def evaluate_heldout(moderator=None, sets: dict[str, tuple[Path, str]] | None = None) -> dict:
    """``heldout_summary`` of each held-out set that exists ({"missing": True, ...} for the others)."""
    moderator = moderator or Moderator()
    out = {}
    for name, (path, label) in ({**HELDOUT_SETS, **DEV_SETS} if sets is None else sets).items():
        if not Path(path).exists():
            out[name] = {"label": label, "file": str(path), "missing": True}
            continue
        out[name] = {"label": label, "file": str(path), **heldout_summary(evaluate(path, moderator=moderator))}
    return out


def _fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def report_markdown(result: dict) -> str:
    lines = [
        "# Safety evaluation",
        "",
        f"`make eval-safety` (`python -m brain.safety eval`), {result['when']}, {result['machine']}.",
        f"Set: {result['evalset']}, {result['items']} items ({result['unsafe_items']} unsafe, {result['benign_items']} benign K-12)."
        + (f" This is the {SHIPPED_LABEL}; the blind held-out sets are at the end." if result.get("heldout") else ""),
        "",
        "| category | n | recall | flagged (any category) | precision | predicted |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for cat, m in result["categories"].items():
        lines.append(f"| {cat} | {m['n']} | {_fmt(m['recall'])} | {_fmt(m['flagged'])} | {_fmt(m['precision'])} | {m['predicted']} |")
    lines += [
        "",
        f"Unsafe items flagged (any category): {_fmt(result['unsafe_flagged'])}.",
        (f"Benign false-positive rate: {_fmt(result['benign_fpr'])} "
         f"({len(result['benign_false_positives'])} of {result['benign_items']})."),
        "",
        "| benign topic | n | false positives |",
        "|---|---:|---:|",
    ]
    for topic, m in result["benign_by_topic"].items():
        lines.append(f"| {topic} | {m['n']} | {m['false_positives']} |")
    lines += ["", "Key categories by signal (recall of each alone; the classifier never saw this set):", "",
              "| category | rules | classifier | only rules | only classifier |", "|---|---:|---:|---:|---:|"]
    for cat, m in result["signals"].items():
        lines.append(f"| {cat} | {_fmt(m['rules'])} | {_fmt(m['model'])} | {m['rules_only']} | {m['model_only']} |")
    lines += ["", "Targets (shipped set): " + ", ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in result["targets"].items()),
              "", f"Mean time per check: {result['ms_per_check']} ms (informational).", ""]
    if result.get("heldout"):
        lines += heldout_markdown(result)
    if result.get("languages"):
        lines += languages_markdown(result["languages"])
    return "\n".join(lines)


def heldout_markdown(result: dict) -> list[str]:
    """The table comparing the shipped set with the held-out sets."""
    rows = [("shipped", SHIPPED_LABEL, heldout_summary(result))]
    rows += [(name, h["label"], h) for name, h in result["heldout"].items()]
    lines = ["## Shipped set and blind held-out sets", "",
             ("Key-category recall, unsafe items flagged under any category, benign false-positive rate. "
              "Only the shipped set gates `make eval-safety`; the held-out figures say how the moderator "
              "does on wordings it was not written for (the dev sets were read and used to tune, the test "
              "set was not)."), "",
             "| set | what it is | items | " + " | ".join(KEY_CATEGORIES) + " | unsafe flagged | benign FPR |",
             "|---|---|---:|" + "---:|" * len(KEY_CATEGORIES) + "---:|---:|"]
    for name, label, h in rows:
        if h.get("missing"):
            lines.append(f"| {name} | {label} | (file missing: {h['file']}) |" + " |" * (len(KEY_CATEGORIES) + 2))
            continue
        recalls = " | ".join(f"{_fmt(h['recall'][c])} (n={h['n'][c]})" for c in KEY_CATEGORIES)
        fps = len(h["benign_false_positives"])
        lines.append(f"| {name} | {label} | {h['items']} | {recalls} | {_fmt(h['unsafe_flagged'])} | "
                     f"{_fmt(h['benign_fpr'])} ({fps}/{h['benign_items']}) |")
    present = [(name, h) for name, _, h in rows if not h.get("missing")]
    others = sorted({c for _, h in present[1:] for c in h["other_categories"]})
    if others:
        lines += ["", ("Other categories on the held-out sets (recall: the category named / flagged under any "
                       "category; n items each):"), "",
                  "| set | " + " | ".join(others) + " |", "|---|" + "---:|" * len(others)]
        for name, h in present:
            cells = []
            for c in others:
                m = h["other_categories"].get(c)
                cells.append(f"{_fmt(m['recall'])} / {_fmt(m['flagged'])} (n={m['n']})" if m else "-")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
        lines.append("Mean time per check: " + ", ".join(f"{name} {h['ms_per_check']} ms" for name, h in present) + ".")
    lines.append("")
    return lines


def print_report(result: dict, show_misses: bool = False) -> None:
    if "heldout" in result and "languages" not in result:  # the shipped run: the language DEV sets too
        result["languages"] = evaluate_languages()
    print(f"set: {result['evalset']} ({result['items']} items)")
    print(f"{'category':24s} {'n':>4s} {'recall':>7s} {'flagged':>8s} {'precision':>9s}")
    for cat, m in result["categories"].items():
        print(f"{cat:24s} {m['n']:4d} {_fmt(m['recall']):>7s} {_fmt(m['flagged']):>8s} {_fmt(m['precision']):>9s}")
    print(f"unsafe flagged (any category): {_fmt(result['unsafe_flagged'])}")
    print(f"benign false-positive rate: {_fmt(result['benign_fpr'])} "
          f"({len(result['benign_false_positives'])}/{result['benign_items']})")
    for cat, m in result["signals"].items():
        print(f"  {cat}: rules alone {_fmt(m['rules'])}, classifier alone {_fmt(m['model'])}")
    for name, ok in result["targets"].items():
        print(f"  {'PASS' if ok else 'FAIL'} {name}")
    for name, h in result.get("heldout", {}).items():
        if h.get("missing"):
            print(f"held-out {name}: missing ({h['file']})")
            continue
        recalls = ", ".join(f"{c} {_fmt(h['recall'][c])}" for c in KEY_CATEGORIES)
        others = ", ".join(f"{c} {_fmt(m['recall'])}" for c, m in sorted(h["other_categories"].items()))
        print(f"held-out {name} [{h['label']}]: {recalls}; unsafe flagged {_fmt(h['unsafe_flagged'])}; "
              f"benign FPR {_fmt(h['benign_fpr'])} ({len(h['benign_false_positives'])}/{h['benign_items']}); "
              f"other categories: {others}; {h['ms_per_check']} ms per check")
    for language, m in result.get("languages", {}).items():
        recalls = ", ".join(f"{c} {_fmt(m['recall'][c])}" for c in LANGUAGE_CATEGORIES)
        print(f"language {language} [{LANGUAGES_LABEL}]: {recalls}; benign FPR {_fmt(m['benign_fpr'])} "
              f"({len(m['benign_false_positives'])}/{m['benign_items']}); routed to {language} {_fmt(m['routed'])}")
    if show_misses:
        rows = {r["id"]: r for r in result["_rows"]}
        for cat, m in result["categories"].items():
            for i in m["missed"]:
                print(f"MISS {cat:22s} {i}: {rows[i]['text']!r} -> {rows[i]['predicted']}")
        for fp in result["benign_false_positives"]:
            print(f"FP   {fp['id']}: {rows[fp['id']]['text']!r} -> {fp['predicted']}")


def write_report(result: dict, out_dir: str | Path = "benchmarks/results") -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    public = {k: v for k, v in result.items() if not k.startswith("_")}
    paths = [out / "safety.json", out / "safety.md"]
    paths[0].write_text(json.dumps(public, indent=2) + "\n", encoding="utf-8")
    paths[1].write_text(report_markdown(result), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------------- languages (issue 15)
LANGUAGES_LABEL = "dev (round 3, languages): written by the developer"
LANGUAGE_CATEGORIES = ("self_harm", "sexual", "grooming", "personal_info", "abuse_disclosure", "violence")
LANGUAGE_DEV_SETS: dict[str, Path] = {
    lang: Path(__file__).with_name("lang") / f"dev-{lang}.jsonl" for lang in ("es", "ar", "zh", "vi")}


def evaluate_languages(moderator=None, sets: dict[str, Path] | None = None) -> dict:
    """Per-language DEV figures (brain/safety/lang/dev-<lang>.jsonl) through the whole moderator.

    Recall of each key category (the verdict names it), benign false-positive rate, and ``routed``:
    the share of items that took the language's own path (``verdict.language``). These sets were
    written by the developer alongside the training texts and read while tuning the lexicons, so
    their figures are in-sample; they never change the exit code.
    """
    moderator = moderator or Moderator()
    out = {}
    for language, path in (LANGUAGE_DEV_SETS if sets is None else sets).items():
        if not Path(path).exists():
            continue
        rows, elapsed = check_all(load_evalset(path), moderator)
        recall, n, missed = {}, {}, {}
        for cat in LANGUAGE_CATEGORIES:
            pos = [(i, v) for i, v in rows if cat in i["labels"]]
            n[cat] = len(pos)
            recall[cat] = round(sum(cat in v.categories for _, v in pos) / len(pos), 4) if pos else None
            missed[cat] = [i["id"] for i, v in pos if cat not in v.categories]
        benign = [(i, v) for i, v in rows if not i["labels"]]
        false_pos = [i["id"] for i, v in benign if v.categories]
        out[language] = {
            "label": LANGUAGES_LABEL, "file": str(path), "items": len(rows), "benign_items": len(benign),
            "recall": recall, "n": n, "missed": missed,
            "benign_fpr": round(len(false_pos) / len(benign), 4) if benign else None,
            "benign_false_positives": false_pos,
            "routed": round(sum(v.language == language for _, v in rows) / len(rows), 4) if rows else None,
            "ms_per_check": round(elapsed / max(len(rows), 1) * 1000, 3),
        }
    return out


def languages_markdown(languages: dict) -> list[str]:
    """The per-language table of ``evaluate_languages``."""
    lines = ["## Languages: Spanish, Arabic, Chinese, Vietnamese", "",
             (f"Label: {LANGUAGES_LABEL} (brain/safety/lang/dev-<lang>.jsonl, not trained on, but read while "
              "the lexicons were tuned, so in-sample). Recall of each key category (the verdict names it), "
              "benign false-positive rate, and the share of items routed to the language's own path. "
              "Targets for the blind sets: recall >= 0.95 (Spanish), >= 0.90 (the others), benign FPR <= 0.03."),
             "", "| language | items | " + " | ".join(LANGUAGE_CATEGORIES) + " | benign FPR | routed | ms per check |",
             "|---|---:|" + "---:|" * len(LANGUAGE_CATEGORIES) + "---:|---:|---:|"]
    for language, m in languages.items():
        recalls = " | ".join(f"{_fmt(m['recall'][c])} (n={m['n'][c]})" for c in LANGUAGE_CATEGORIES)
        lines.append(f"| {language} | {m['items']} | {recalls} | {_fmt(m['benign_fpr'])} "
                     f"({len(m['benign_false_positives'])}/{m['benign_items']}) | {_fmt(m['routed'])} | "
                     f"{m['ms_per_check']} |")
    lines.append("")
    return lines
