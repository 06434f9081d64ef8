"""The blind safety sets of issue 15's rounds, each measured once the round's work is final.

    .venv/bin/python -m brain.safety.round3            # round 3 -> benchmarks/results/safety_round3.{json,md}
    .venv/bin/python -m brain.safety.round3 --round 4  # round 4 (benchmarks/blind/safety-r4/) -> safety_round4.*
    .venv/bin/python -m brain.safety.round3 --dir DIR  # the same files elsewhere (a test, a dev copy)

The sets (``benchmarks/blind/safety/``, README there) were written before the work by someone who never
saw the rules, training texts or other sets, and are not read while developing:

- ``lang-<es|ar|zh|vi>.jsonl``: single messages per language; key-category recall and benign FPR
  through the whole moderator (``evaluate_languages``; ``routed``: the share that took the
  language's own path). Targets: recall >= 0.95 per key category in Spanish, >= 0.90 in the others.
- ``disguised.jsonl``: English harmful texts disguised (spaced, homoglyphs, zero-width, emoji...)
  and benign disguised texts. Target: recall >= 0.95 (any key category flagged, per category too).
- ``benign-school.jsonl``: hyperbole, grief, history, health class, literature; and harmful texts
  on the same topics. Its benign FPR counts toward the overall FPR.
- ``conversations.jsonl``: multi-turn user turns, grooming or benign, with the turn where a human
  would stop it (``crosses_at``): scored by ``brain.safety.conversation_eval`` with the per-message
  moderator's signals, as the endpoint does. Targets: recall >= 0.90, benign flagged <= 0.05.
- Overall benign FPR over every single-message benign item of these files: target <= 0.03.

The first run is the measurement; the report says when it ran and at which commit; a later run
must be reported as a rerun (the README's rule). Nothing here tunes anything.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from brain.safety.evaluate import LANGUAGE_CATEGORIES, evaluate, evaluate_languages, heldout_summary

REPO = Path(__file__).resolve().parents[2]
BLIND = REPO / "benchmarks" / "blind" / "safety"
BLIND_BY_ROUND = {3: BLIND, 4: REPO / "benchmarks" / "blind" / "safety-r4"}
RESULTS = REPO / "benchmarks" / "results"
TARGETS = {"es": 0.95, "ar": 0.90, "zh": 0.90, "vi": 0.90}
DISGUISED_RECALL, CONVERSATION_RECALL, CONVERSATION_BENIGN, OVERALL_FPR = 0.95, 0.90, 0.05, 0.03


def _conversations(path: Path, moderator) -> dict:
    from brain.safety.conversation import turn_signals
    from brain.safety.conversation_eval import evaluate as evaluate_conversations

    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    start = time.perf_counter()
    result = evaluate_conversations(rows, lambda text: turn_signals(moderator.check(text)))
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def measure(blind: Path = BLIND, moderator=None) -> dict:
    """Every figure and target of the round-3 sets in ``blind`` (missing files are skipped)."""
    from brain.safety.moderator import Moderator

    moderator = moderator or Moderator()
    out: dict = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "dir": str(blind),
                 "commit": _commit(), "targets": {}}
    langs = evaluate_languages(moderator, {lang: blind / f"lang-{lang}.jsonl" for lang in TARGETS})
    out["languages"] = langs
    benign_n = benign_fp = 0
    for lang, m in langs.items():
        for cat in LANGUAGE_CATEGORIES:
            if m["recall"].get(cat) is not None:
                out["targets"][f"{lang}_{cat}>={TARGETS[lang]}"] = m["recall"][cat] >= TARGETS[lang]
        benign_n += m["benign_items"]
        benign_fp += len(m["benign_false_positives"])
    for name in ("disguised", "benign-school"):
        path = blind / f"{name}.jsonl"
        if path.exists():
            out[name] = heldout_summary(evaluate(path, moderator=moderator))
            benign_n += out[name]["benign_items"]
            benign_fp += len(out[name]["benign_false_positives"])
    if "disguised" in out:
        d = out["disguised"]
        out["targets"][f"disguised_flagged>={DISGUISED_RECALL}"] = (d["unsafe_flagged"] or 0) >= DISGUISED_RECALL
        for cat, r in d["recall"].items():
            if r is not None:
                out["targets"][f"disguised_{cat}>={DISGUISED_RECALL}"] = r >= DISGUISED_RECALL
    if (blind / "conversations.jsonl").exists():
        c = out["conversations"] = _conversations(blind / "conversations.jsonl", moderator)
        out["targets"][f"conversation_recall>={CONVERSATION_RECALL}"] = (c["recall"] or 0) >= CONVERSATION_RECALL
        out["targets"][f"conversation_benign<={CONVERSATION_BENIGN}"] = (c["benign_flagged"] or 0) <= CONVERSATION_BENIGN
    out["overall_benign"] = {"items": benign_n, "false_positives": benign_fp,
                             "fpr": round(benign_fp / benign_n, 4) if benign_n else None}
    if benign_n:
        out["targets"][f"overall_benign_fpr<={OVERALL_FPR}"] = benign_fp / benign_n <= OVERALL_FPR
    out["targets_met"] = sum(out["targets"].values())
    return out


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _f(x) -> str:
    return "-" if x is None else f"{x:.3f}"


def markdown(r: dict, label: str, round_no: int = 3) -> str:
    readme = BLIND_BY_ROUND.get(round_no, BLIND).relative_to(REPO) / "README.md"
    lines = [f"# Safety round {round_no}: blind sets ({label})", "",
             f"{r['when']}, commit {r['commit']}, `python -m brain.safety.round3 --round {round_no}` on `{r['dir']}`. "
             f"Written before the work by a writer who never saw the rules or training texts ({readme}).", "",
             f"Targets met: {r['targets_met']}/{len(r['targets'])}.", "", "## Languages", "",
             "| language | " + " | ".join(LANGUAGE_CATEGORIES) + " | benign FPR | routed |",
             "|---|" + "---:|" * (len(LANGUAGE_CATEGORIES) + 2)]
    for lang, m in r["languages"].items():
        cells = " | ".join(f"{_f(m['recall'][c])} (n={m['n'][c]})" for c in LANGUAGE_CATEGORIES)
        lines.append(f"| {lang} (target {TARGETS[lang]}) | {cells} | {_f(m['benign_fpr'])} | {_f(m['routed'])} |")
    for name in ("disguised", "benign-school"):
        if name in r:
            d = r[name]
            cats = ", ".join(f"{c} {_f(v)}" for c, v in d["recall"].items() if v is not None)
            lines += ["", f"## {name}", "", f"{d['items']} items: unsafe flagged {_f(d['unsafe_flagged'])}; {cats}; "
                      f"benign FPR {_f(d['benign_fpr'])} ({len(d['benign_false_positives'])}/{d['benign_items']})."]
    if "conversations" in r:
        c = r["conversations"]
        lines += ["", "## Conversations", "",
                  f"{c['grooming']} grooming, {c['benign']} benign: recall {_f(c['recall'])}, benign flagged "
                  f"{_f(c['benign_flagged'])}, mean |detected turn - crosses_at| {_f(c['mean_abs_turn_error'])} "
                  f"(early {c['early']}, exact {c['exact']}, late {c['late']})."]
    o = r["overall_benign"]
    lines += ["", f"Overall benign FPR (single messages): {_f(o['fpr'])} ({o['false_positives']}/{o['items']}).",
              "", "## Targets", ""] + [f"- {'PASS' if ok else 'FAIL'} {name}" for name, ok in r["targets"].items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--round", type=int, default=3, choices=sorted(BLIND_BY_ROUND))
    parser.add_argument("--dir", type=Path, default=None, help="default: the round's blind sets")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--label", default="first measurement")
    args = parser.parse_args(argv)
    result = measure(args.dir or BLIND_BY_ROUND[args.round])
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"safety_round{args.round}"
    (args.out / f"{name}.json").write_text(json.dumps({**result, "label": args.label, "round": args.round},
                                                      indent=1, ensure_ascii=False) + "\n")
    (args.out / f"{name}.md").write_text(markdown(result, args.label, args.round))
    print(markdown(result, args.label, args.round))
    return 0


if __name__ == "__main__":
    sys.exit(main())
