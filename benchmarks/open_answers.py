"""Open-answer grading, method by method: the exact rules, the model's label scores, word overlap, and the
full pipeline of ``POST /v1/assess``, side by side on the shipped set (issue 14 part 5).

Run as: ``make eval-open-answers`` or ``python -m benchmarks.open_answers [--model smollm2-135m-instruct|tiny-random]
[--model-cache DIR] [--limit N] [--out DIR]`` (results in ``benchmarks/results/open_answers.{json,md}``).

The set is ``brain/quality/data/open_answers.jsonl`` (337 items: question, reference, student answer, the
label, a kind). It was written before this work; to keep a fair figure it is split by id: odd ids are DEV
(the prompt, labels and ``LABEL_BIAS`` of serving/assess.py were chosen looking at these only), even ids are
HELD-OUT (never tuned on). Each method is scored on every item it decides:

- ``rules``: ``brain.open_answers.decide`` (with ``check_exact`` first, as the route does); it decides
  only some items, so its accuracy is over those and its coverage is given;
- ``model``: ``serving.assess.label_verdict`` on every item (the base model, one forward pass);
- ``overlap``: ``serving.assess.overlap_score`` >= ``OPEN_CORRECT_AT`` on every item;
- ``pipeline``: ``serving.assess.assess`` with the label scorer, what the route serves.

Per method: accuracy, confusion counts (tp, fp, tn, fn with "correct" as positive), per kind; the
pipeline's methods used; the label scorer's latency (p50, p95 per call) on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "brain" / "quality" / "data" / "open_answers.jsonl"
RESULTS = REPO / "benchmarks" / "results"


def load_items(limit: int | None = None) -> list[dict]:
    items = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    for item in items:
        item["split"] = "dev" if int(item["id"].split("-")[1]) % 2 else "held_out"
    return items[:limit] if limit else items


def confusion(pairs: list[tuple[bool, bool]]) -> dict:
    """(predicted, label) pairs -> counts and accuracy; "correct" is the positive class."""
    c = Counter((p, y) for p, y in pairs)
    n = len(pairs)
    return {"n": n, "accuracy": round((c[True, True] + c[False, False]) / n, 4) if n else None,
            "tp": c[True, True], "fp": c[True, False], "tn": c[False, False], "fn": c[False, True]}


def grade_all(items: list[dict], scorer, replay: dict[str, dict] | None = None) -> list[dict]:
    """Every method's verdict on every item (the model's label scores and margin kept). ``replay``: label
    scores of an earlier run by item id, reused while the grader prompt is the same (``--reuse``)."""
    from brain.mathcompare import check_exact
    from brain.open_answers import decide
    from serving.assess import (GRADER_LABELS, GRADER_PREFIX, LABEL_BIAS, OPEN_CORRECT_AT, assess,
                                grader_messages, label_verdict, overlap_score)
    from serving.schemas import AssessRequest

    timings: list[float] = []
    seen: dict[str, dict] = {}

    def timed_score(messages, labels, prefix):  # each prompt scored once: the pipeline asks the same
        key = json.dumps([messages, labels, prefix])
        if key not in seen:
            start = time.perf_counter()
            seen[key] = scorer.score(messages, labels, prefix)
            timings.append(time.perf_counter() - start)
        return seen[key]

    rows = []
    for item in items:
        q, ref, ans = item["question"], item["reference"], item["student_answer"]
        if replay is not None:
            messages = grader_messages(q, ans, ref, None, item["grade"])
            old = replay.get(item["id"], {})
            if old.get("prompt") != messages[-1]["content"]:
                raise SystemExit(f"{item['id']}: the grader prompt changed since that run; run without --reuse")
            seen[json.dumps([messages, list(GRADER_LABELS), GRADER_PREFIX])] = old["label_scores"]
        exact = check_exact(ans, ref)
        rule = decide(ans, ref, q)
        rules = exact.correct if exact is not None else (rule.correct if rule else None)
        probability, margin = label_verdict(timed_score, q, ans, ref, None, item["grade"])
        served = assess(AssessRequest(question=q, student_answer=ans, reference_answer=ref,
                                      context={"student_id": "bench-1", "grade": item["grade"]}),
                        score_fn=timed_score)
        key = json.dumps([grader_messages(q, ans, ref, None, item["grade"]), list(GRADER_LABELS), GRADER_PREFIX])
        rows.append({**item, "rules": rules, "model": margin >= 0, "margin": round(margin - LABEL_BIAS, 4),
                     "label_scores": seen[key], "prompt": json.loads(key)[0][-1]["content"],
                     "overlap": overlap_score(ans, ref) >= OPEN_CORRECT_AT, "pipeline": served.correct,
                     "pipeline_method": served.method})
    grade_all.timings = timings
    return rows


def summarise(rows: list[dict]) -> dict:
    from serving.assess import LABEL_BIAS

    out: dict = {}
    for split in ("dev", "held_out", "all"):
        part = [r for r in rows if split == "all" or r["split"] == split]
        methods = {}
        for method in ("rules", "model", "overlap", "pipeline"):
            pairs = [(r[method], r["correct"]) for r in part if r[method] is not None]
            entry = confusion(pairs)
            entry["coverage"] = round(len(pairs) / len(part), 4) if part else None
            kinds = defaultdict(list)
            for r in part:
                if r[method] is not None:
                    kinds[r["kind"]].append((r[method], r["correct"]))
            entry["per_kind"] = {k: confusion(v) for k, v in sorted(kinds.items())}
            methods[method] = entry
        methods["pipeline"]["methods_used"] = dict(Counter(r["pipeline_method"] for r in part))
        out[split] = methods
    dev = [r for r in rows if r["split"] == "dev"]
    undecided = [r for r in dev if r["rules"] is None]
    if undecided:  # the bias that would be best on the dev items the model decides (for choosing LABEL_BIAS)
        candidates = sorted({0.0, *(-r["margin"] for r in undecided)})
        best = max(candidates, key=lambda b: (sum((r["margin"] + b >= 0) == r["correct"] for r in undecided), -abs(b)))
        out["dev_best_bias"] = {"bias": round(best, 3), "shipped_bias": LABEL_BIAS,
                                "dev_accuracy_at_best": round(sum((r["margin"] + best >= 0) == r["correct"]
                                                                  for r in undecided) / len(undecided), 4)}
    return out


def write_markdown(report: dict, path: Path) -> None:
    lines = [f"# Open-answer grading: rules, model, overlap, pipeline ({report['model']})", "",
             f"`{report['command']}` on {report['machine']}, {report['date']}. Set: "
             f"`brain/quality/data/open_answers.jsonl`, {report['items']} items. DEV = odd ids (the grader prompt, "
             "labels and LABEL_BIAS were chosen on these only); HELD-OUT = even ids, not tuned on.", "",
             "Accuracy over the items each method decides (`rules` decides only some: coverage). "
             "Confusion: correct is the positive class.", ""]
    for split in ("dev", "held_out", "all"):
        lines += [f"## {split.replace('_', '-').upper()}", "",
                  "| method | coverage | accuracy | tp | fp | tn | fn |", "|---|---|---|---|---|---|---|"]
        for method, e in report["summary"][split].items():
            lines.append(f"| {method} | {e['coverage']:.0%} | {e['accuracy']} | {e['tp']} | {e['fp']} | "
                         f"{e['tn']} | {e['fn']} |")
        lines += ["", f"Pipeline methods used: {report['summary'][split]['pipeline']['methods_used']}", ""]
    lines += ["## Per kind (all items)", "", "| kind | n | rules (decided) | model | overlap | pipeline |",
              "|---|---|---|---|---|---|"]
    summary = report["summary"]["all"]
    for kind, e in summary["pipeline"]["per_kind"].items():
        rules = summary["rules"]["per_kind"].get(kind)
        cell = f"{rules['accuracy']} ({rules['n']})" if rules else "-"
        lines.append(f"| {kind} | {e['n']} | {cell} | {summary['model']['per_kind'][kind]['accuracy']} | "
                     f"{summary['overlap']['per_kind'][kind]['accuracy']} | {e['accuracy']} |")
    lines += ["", "## Reading it", "",
              "- `rules` never errs where it decides, and decides about half the set (formulas, number words, "
              "surnames, spelling, wording; wrong only for one value against another).",
              "- The embedded SmolLM2-135M's label scores are near chance on what is left (paraphrases, synonyms, "
              "partial and wrong answers): its Yes/No margins barely differ between right and wrong answers. The "
              "verdict is always readable; it is not yet reliable. The 0.90 target is not met on this model: the "
              "pipeline's errors are the model's (table below). A larger base model is the lever.",
              f"- {report.get('reuse_note', 'One run of the model.')}", ""]
    lat = report["latency"]
    lines += ["", f"Label scorer latency per call: p50 {lat['p50_ms']} ms, p95 {lat['p95_ms']} ms over "
              f"{lat['calls']} calls ({lat['threads']} torch threads, {lat['device']}).", ""]
    if "dev_best_bias" in report["summary"]:
        b = report["summary"]["dev_best_bias"]
        lines += [f"Bias sweep on DEV (model-decided items only): best {b['bias']} "
                  f"(DEV accuracy {b['dev_accuracy_at_best']}); shipped LABEL_BIAS = {b['shipped_bias']}.", ""]
    lines += ["## Pipeline errors", "", "| id | split | kind | reference | answer | label | method |",
              "|---|---|---|---|---|---|---|"]
    for r in report["errors"]:
        lines.append(f"| {r['id']} | {r['split']} | {r['kind']} | {r['reference'][:50]} | {r['student_answer'][:50]} | "
                     f"{r['correct']} | {r['pipeline_method']} |")
    path.write_text("\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="smollm2-135m-instruct")
    parser.add_argument("--model-cache", default=os.environ.get("AIVO_MODEL_CACHE"))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--reuse", type=Path, help="an earlier run's JSON: its label scores, no model (same prompt)")
    args = parser.parse_args()
    import tempfile

    import torch

    from brain.models import load_base_model
    from brain.settings import Settings
    from serving.label_scores import LabelScorer

    data_dir = Path(tempfile.mkdtemp(prefix="aivo-open-answers-"))
    settings = Settings(_env_file=None, base_model=args.model, data_dir=data_dir,
                        **({"model_cache": Path(args.model_cache)} if args.model_cache else {}))
    items = load_items(args.limit)
    start = time.perf_counter()
    if args.reuse:  # the same model outputs, the verdicts recomputed (e.g. after LABEL_BIAS was chosen on DEV)
        earlier = json.loads(args.reuse.read_text())
        replay = {r["id"]: r for r in earlier["rows"]}
        rows, latency = grade_all(items, None, replay), earlier["latency"]
        reuse_note = (f"The model's label scores are those of the run of {earlier['date']} (LABEL_BIAS 0 then); the "
                      f"verdicts are recomputed with the LABEL_BIAS now shipped, chosen on DEV ({args.reuse.name}).")
    else:
        loaded = load_base_model(settings)
        rows = grade_all(items, LabelScorer(loaded.model, loaded.tokenizer))
        timings = sorted(grade_all.timings)
        latency = {"calls": len(timings), "p50_ms": round(1000 * statistics.median(timings), 1),
                   "p95_ms": round(1000 * timings[int(0.95 * (len(timings) - 1))], 1),
                   "threads": torch.get_num_threads(), "device": str(loaded.device)}
    report = {
        "model": args.model, "items": len(rows), "seconds": round(time.perf_counter() - start, 1),
        "command": "python -m benchmarks.open_answers" + (f" --model {args.model}" if args.model != "smollm2-135m-instruct" else ""),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "latency": latency, "reuse_note": reuse_note if args.reuse else "One run of the model.",
        "summary": summarise(rows),
        "errors": [r for r in rows if r["pipeline"] != r["correct"]],
        "rows": rows,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "open_answers" if args.model == "smollm2-135m-instruct" else f"open_answers-{args.model}"
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    write_markdown(report, args.out / f"{stem}.md")
    for split in ("dev", "held_out", "all"):
        s = report["summary"][split]
        print(split, {m: s[m]["accuracy"] for m in ("rules", "model", "overlap", "pipeline")})


if __name__ == "__main__":
    main()
