"""What the native decode step's weight precision costs in quality (issue 17; docs/serving.md, "Weight precision").

Speed per precision is in benchmarks/engines.py (every precision side by side with llama.cpp, one run); this
is the quality bound that goes with it:

- **eval loss on the curriculum set** (``training/curriculum/curriculum.jsonl``: the held-out split and the whole
  set), assistant tokens only (``training.evaluate.eval_loss``), of the embedded model with every Linear weight
  replaced by the float32 values a precision stores (``serving.weight_precision.dequantize``: exactly what the
  native step multiplies by; tests/serving/test_fastdecode.py holds the native step to that model). The input
  embedding stays float32, as in the native step. Bound: within 1% of fp32.
- **the tutoring benchmark's detector rates** per precision, read from
  ``benchmarks/results/tutor-precision/<precision>-r<seed round>/tutor.json`` (``make eval-tutor
  EVAL_TUTOR_ARGS="--weights int8 --seed-round 1 --out benchmarks/results/tutor-precision/int8-r1"``; 25-30
  minutes a run on 2 cores, so not rerun by ``make bench``). Bound: no worse than fp32, read per detector on
  what is sent and on the raw first answers, pooled over the seed rounds.

Run as: ``python -m benchmarks.run precision`` (in ``make bench``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from serving.weight_precision import PRECISIONS

RESULTS = Path(__file__).resolve().parent / "results"
LOSS_BOUND = 0.01  # eval loss at most 1% above fp32's


def eval_losses(base) -> dict:
    """{split: {precision: loss}} on the curriculum set's held-out split and on all of it."""
    from serving.weight_precision import on_grid
    from training.curriculum_set import load_curriculum, split_curriculum
    from training.evaluate import eval_loss

    items = load_curriculum()
    _, heldout = split_curriculum(items)
    splits = {"heldout": [i.messages() for i in heldout], "all": [i.messages() for i in items]}
    out: dict = {split: {} for split in splits}
    for precision in PRECISIONS:
        model = base.model if precision == "fp32" else on_grid(base.model, precision)
        for split, messages in splits.items():
            out[split][precision] = round(eval_loss(model, base.tokenizer, messages, base.device), 5)
        del model
    out["items"] = {split: len(m) for split, m in splits.items()}
    return out


def tutor_rates(results: Path = RESULTS / "tutor-precision") -> dict:
    """{precision: {"cells": {mode/detector/column: [flagged, checked]} summed over its rounds, "runs": [...]}}
    from the tutoring runs found under ``results``/<precision>-r<round>/tutor.json."""
    found: dict = {}
    for path in sorted(results.glob("*-r*/tutor.json")):
        precision, _, seed_round = path.parent.name.rpartition("-r")
        if precision not in PRECISIONS:
            continue
        run = json.loads(path.read_text())
        entry = found.setdefault(precision, {"cells": {}, "runs": []})
        entry["runs"].append({"round": int(seed_round), "command": run.get("command"), "commit": run.get("commit"),
                              "weights": run.get("engine_weights"), "items": run.get("items"), "cells": {}})
        for mode, dets in run["rates"].items():
            for det, cols in dets.items():
                for col, c in cols.items():
                    if c:
                        key = f"{mode}/{det}/{col}"
                        entry["runs"][-1]["cells"][key] = [c["flagged"], c["checked"]]
                        total = entry["cells"].setdefault(key, [0, 0])
                        total[0], total[1] = total[0] + c["flagged"], total[1] + c["checked"]
    return found


def bench(base) -> dict:
    from brain.settings import Settings
    from serving.weight_precision import resolve

    t = time.perf_counter()
    losses = eval_losses(base)
    out = {"model": str(base.name), "default_here": resolve("auto"),
           "default_setting": Settings.model_fields["serving_weights"].default, "eval_loss": losses,
           "eval_seconds": round(time.perf_counter() - t, 1), "tutor": tutor_rates()}
    out["loss_within_bound"] = {p: all(losses[s][p] <= losses[s]["fp32"] * (1 + LOSS_BOUND) for s in ("heldout", "all"))
                                for p in PRECISIONS}
    if "fp32" in out["tutor"]:
        out["tutor_worse_cells"] = worse_cells(out["tutor"])
    return out


def worse_cells(tutor: dict) -> dict:
    """{precision: cells whose detector flags a larger share of answers than at fp32} (share, not count: a
    cell's checked answers can differ, e.g. echo is read only where a student's wrong answer is given)."""
    ref = tutor["fp32"]["cells"]
    return {p: sorted(k for k, (flagged, checked) in run["cells"].items()
                      if k in ref and flagged * ref[k][1] > ref[k][0] * checked)
            for p, run in tutor.items() if p != "fp32"}


def markdown(r: dict) -> str:
    losses = r["eval_loss"]
    lines = ["# Weight precision of the native decode step: quality", "",
             f"Model {r['model']}. `AIVO_SERVING_WEIGHTS=auto` picks **{r['default_here']}** on this CPU; the "
             f"setting's default is **{r.get('default_setting', 'fp32')}**. Speed per precision, side by side with "
             "llama.cpp: benchmarks/results/engines.md. Command: `python -m benchmarks.run precision`.", "",
             f"## Eval loss on the curriculum set (bound: within {LOSS_BOUND:.0%} of fp32)", "",
             "Assistant tokens, every Linear weight as the precision stores it (what the native step multiplies by); "
             f"held-out split {losses['items']['heldout']} items, whole set {losses['items']['all']}.", "",
             "| precision | held-out loss | vs fp32 | whole-set loss | vs fp32 | within bound |", "|---|---|---|---|---|---|"]
    for p in PRECISIONS:
        h, a = losses["heldout"][p], losses["all"][p]
        lines.append(f"| {p} | {h} | {(h / losses['heldout']['fp32'] - 1):+.2%} | {a} | "
                     f"{(a / losses['all']['fp32'] - 1):+.2%} | {'PASS' if r['loss_within_bound'][p] else 'FAIL'} |")
    tutor = r.get("tutor") or {}
    lines += ["", "## Tutoring benchmark detector rates per precision", ""]
    if len(tutor) < 2 or "fp32" not in tutor:
        lines += ["Not both measured: run `make eval-tutor EVAL_TUTOR_ARGS=\"--weights fp32 --out "
                  "benchmarks/results/tutor-precision/fp32-r0\"` and the same with `int8`.", ""]
        return "\n".join(lines) + "\n"
    names = [p for p in PRECISIONS if p in tutor]
    for p in names:
        for run in tutor[p]["runs"]:
            lines.append(f"- {p}, seed round {run['round']}: `{run['command']}` at commit {run['commit']}, "
                         f"{run['items']} items, decode weights {run['weights']}.")
    heads = [f"{p} r{run['round']}" for p in names for run in tutor[p]["runs"]] + [f"{p} all" for p in names]
    lines += ["", "Flagged / checked. Each seed round draws every answer with its own seeds (sampled, temperature 0.7), "
              "the same seeds at every precision; a different precision changes the logits a little, and from there "
              "a sampled answer goes its own way, so the rounds of one precision show how far a rate moves by chance. "
              "A pooled cell is marked `worse` where it flags a larger share than fp32's pooled.", "",
              "| mode / detector / answers | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for key in tutor["fp32"]["cells"]:
        cells = [("{}/{}".format(*run["cells"][key]) if key in run["cells"] else "-")
                 for p in names for run in tutor[p]["runs"]]
        for p in names:
            f, c = tutor[p]["cells"].get(key, (None, None))
            worse = key in r.get("tutor_worse_cells", {}).get(p, [])
            cells.append("-" if f is None else f"{f}/{c}" + (" worse" if worse else ""))
        lines.append(f"| {key.replace('/', ' / ').replace('_', ' ')} | " + " | ".join(cells) + " |")
    for p, worse in r.get("tutor_worse_cells", {}).items():
        lines += ["", f"{p}: " + ("no detector rate worse than fp32." if not worse else
                                  f"{len(worse)} cells flag a larger share than fp32: {', '.join(worse)}.")]
    return "\n".join(lines) + "\n"
