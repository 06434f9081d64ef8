"""What the native decode step's weight precision costs in quality (issue 17; docs/serving.md, "Weight precision").

Speed per precision is in benchmarks/engines.py (every precision side by side with llama.cpp, one run); this
is the quality bound that goes with it, for every precision the step reads and for ``int8-per-row`` (int8 with
one scale per row, what int8 was before it had one per group of 64 weights: kept as the reference it replaced):

- **eval loss on the curriculum set** (``training/curriculum/curriculum.jsonl``: the held-out split and the whole
  set), assistant tokens only (``training.evaluate.eval_loss``), of the embedded model with every Linear weight
  replaced by the float32 values a precision stores (``serving.weight_precision.dequantize``: exactly what the
  native step multiplies by; tests/serving/test_fastdecode.py holds the native step to that model). The input
  embedding stays float32, as in the native step. Bound: within 1% of fp32.
- **how far the next-token distribution moves from fp32's** on the held-out split's assistant tokens: KL
  divergence per token and the share of tokens whose most likely next token is fp32's. Loss alone can hide a
  move (errors that cancel on average); a sampled answer follows fp32's until the first token they draw apart.
- **the tutoring benchmark's detector rates** per precision, read from
  ``benchmarks/results/tutor-precision/<precision>-r<seed round>/tutor.json`` (``make eval-tutor
  EVAL_TUTOR_ARGS="--weights int8 --seed-round 1 --out benchmarks/results/tutor-precision/int8-r1"``; 6-30
  minutes a run on 2 cores, so not rerun by ``make bench``), pooled over the seed rounds. Bound: no detector
  flags a larger share than at fp32 beyond chance: a cell fails when a one-sided Fisher exact test of its
  pooled share against fp32's gives p < 0.05 (``P_WORSE``). Every answer is sampled, and a precision that moves
  the logits at all draws its own answers, so a share one answer above fp32's is a coin toss; larger shares
  are listed beside the failing cells.

Run as: ``python -m benchmarks.run precision`` (in ``make bench``).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

from serving.weight_precision import PRECISIONS

RESULTS = Path(__file__).resolve().parent / "results"
LOSS_BOUND = 0.01  # eval loss at most 1% above fp32's
P_WORSE = 0.05  # a tutoring detector cell fails when its share is above fp32's at this one-sided significance
# what is measured: {name: (precision, int8 weights per scale or None for the served INT8_GROUP)}
VARIANTS = {**{p: (p, None) for p in PRECISIONS}, "int8-per-row": ("int8", 1 << 30)}


def eval_losses(base) -> dict:
    """{split: {variant: loss}} on the curriculum set's held-out split and on all of it, and "moved": {variant:
    {"kl_per_token", "top1_as_fp32"}} on the held-out split."""
    from serving.weight_precision import on_grid
    from training.curriculum_set import load_curriculum, split_curriculum
    from training.evaluate import eval_loss

    items = load_curriculum()
    _, heldout = split_curriculum(items)
    splits = {"heldout": [i.messages() for i in heldout], "all": [i.messages() for i in items]}
    out: dict = {split: {} for split in splits}
    models = {}
    for name, (precision, group) in VARIANTS.items():
        models[name] = base.model if precision == "fp32" else on_grid(base.model, precision, group)
        for split, messages in splits.items():
            out[split][name] = round(eval_loss(models[name], base.tokenizer, messages, base.device), 5)
    out["moved"] = moved_from_fp32(models, base.tokenizer, splits["heldout"], base.device)
    out["items"] = {split: len(m) for split, m in splits.items()}
    return out


def moved_from_fp32(models: dict, tokenizer, messages_list: list, device) -> dict:
    """{name: {"kl_per_token": KL(fp32 || model), "top1_as_fp32": share of tokens with fp32's argmax}} over the
    assistant tokens of each conversation (``models["fp32"]`` is the reference)."""
    import torch

    from training.lora import encode_example

    sums = {name: [0.0, 0, 0] for name in models}  # KL sum, same argmax, tokens
    for messages in messages_list:
        ids, labels = encode_example(tokenizer, messages, max_length=4096)
        keep = torch.tensor(labels[1:]) != -100
        x = torch.tensor([ids], device=device)
        logp = {name: m(input_ids=x).logits[0, :-1][keep.to(device)].float().log_softmax(-1)
                for name, m in models.items()}
        ref = logp["fp32"]
        for name, lp in logp.items():
            sums[name][0] += float((ref.exp() * (ref - lp)).sum())
            sums[name][1] += int((lp.argmax(-1) == ref.argmax(-1)).sum())
            sums[name][2] += int(keep.sum())
    return {name: {"kl_per_token": round(kl / n, 6), "top1_as_fp32": round(same / n, 4)}
            for name, (kl, same, n) in sums.items()}


def tutor_rates(results: Path = RESULTS / "tutor-precision") -> dict:
    """{precision: {"cells": {mode/detector/column: [flagged, checked]} summed over its rounds, "runs": [...]}}
    from the tutoring runs found under ``results``/<precision>-r<round>/tutor.json."""
    found: dict = {}
    for path in sorted(results.glob("*-r*/tutor.json")):
        precision, _, seed_round = path.parent.name.rpartition("-r")
        if precision not in VARIANTS:
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
                                for p in VARIANTS}
    if "fp32" in out["tutor"]:
        out["tutor_worse_cells"] = worse_cells(out["tutor"])
        out["tutor_failing_cells"] = failing_cells(out["tutor"])
    return out


def paired(tutor: dict, precision: str) -> dict:
    """{cell: (flagged, checked, fp32 flagged, fp32 checked)} summed over the seed rounds both ``precision`` and
    fp32 ran that cell in (the same items and seeds), for every mode's cell ("all/..." sums the modes a round
    ran, which differ between full rounds and tutor-only rounds, so it is not compared)."""
    def by_round(name):
        return {(run["round"], k): c for run in tutor[name]["runs"] for k, c in run["cells"].items()}
    mine, ref = by_round(precision), by_round("fp32")
    out: dict = {}
    for (rnd, key), (f, c) in sorted(mine.items()):
        if key.startswith("all/") or (rnd, key) not in ref:
            continue
        total = out.setdefault(key, [0, 0, 0, 0])
        for i, v in enumerate((f, c, *ref[(rnd, key)])):
            total[i] += v
    return {k: tuple(v) for k, v in out.items()}


def worse_cells(tutor: dict) -> dict:
    """{precision: cells whose detector flags a larger share of answers than fp32 over the same rounds} (share,
    not count: a cell's checked answers can differ, e.g. echo is read only where a student's wrong answer is given)."""
    return {p: sorted(k for k, (f, c, rf, rc) in paired(tutor, p).items() if f * rc > rf * c)
            for p in tutor if p != "fp32"}


def p_worse(flagged: int, checked: int, ref_flagged: int, ref_checked: int) -> float:
    """One-sided Fisher exact p-value that ``flagged / checked`` is a larger share than the reference's: the
    chance, with the two sets' flags dealt at random, that this set holds ``flagged`` of them or more."""
    total, hits = checked + ref_checked, flagged + ref_flagged
    return sum(math.comb(hits, k) * math.comb(total - hits, checked - k)
               for k in range(flagged, min(hits, checked) + 1)) / math.comb(total, checked)


def failing_cells(tutor: dict) -> dict:
    """{precision: {cell: p}} for the cells whose share is above fp32's over the same rounds with p < P_WORSE."""
    out = {}
    for p in tutor:
        if p != "fp32":
            pvals = {k: round(p_worse(*cell), 4) for k, cell in paired(tutor, p).items()}
            out[p] = {k: v for k, v in sorted(pvals.items()) if v < P_WORSE}
    return out


def markdown(r: dict) -> str:
    losses = r["eval_loss"]
    moved = losses.get("moved", {})
    names = [p for p in VARIANTS if p in losses["heldout"]]
    lines = ["# Weight precision of the native decode step: quality", "",
             f"Model {r['model']}. `AIVO_SERVING_WEIGHTS=auto` picks **{r['default_here']}** on this CPU; the "
             f"setting's default is **{r.get('default_setting', 'fp32')}**. Speed per precision, side by side with "
             "llama.cpp: benchmarks/results/engines.md. Command: `python -m benchmarks.run precision`. "
             "`int8-per-row`: int8 with one scale per row, which int8 was until it got one per group of 64 weights "
             "(the reference it replaced; not served).", "",
             f"## Eval loss on the curriculum set (bound: within {LOSS_BOUND:.0%} of fp32), and how far the logits move", "",
             "Assistant tokens, every Linear weight as the precision stores it (what the native step multiplies by); "
             f"held-out split {losses['items']['heldout']} items, whole set {losses['items']['all']}. KL and top-1: "
             "on the held-out split, against fp32's next-token distribution.", "",
             "| precision | held-out loss | vs fp32 | whole-set loss | vs fp32 | within bound | KL per token | top-1 as fp32 |",
             "|---|---|---|---|---|---|---|---|"]
    for p in names:
        h, a = losses["heldout"][p], losses["all"][p]
        m = moved.get(p)
        lines.append(f"| {p} | {h} | {(h / losses['heldout']['fp32'] - 1):+.2%} | {a} | "
                     f"{(a / losses['all']['fp32'] - 1):+.2%} | {'PASS' if r['loss_within_bound'][p] else 'FAIL'} | "
                     + (f"{m['kl_per_token']} | {m['top1_as_fp32']:.2%} |" if m else "- | - |"))
    tutor = r.get("tutor") or {}
    lines += ["", "## Tutoring benchmark detector rates per precision", ""]
    if len(tutor) < 2 or "fp32" not in tutor:
        lines += ["Not both measured: run `make eval-tutor EVAL_TUTOR_ARGS=\"--weights fp32 --out "
                  "benchmarks/results/tutor-precision/fp32-r0\"` and the same with `int8`.", ""]
        return "\n".join(lines) + "\n"
    names = [p for p in VARIANTS if p in tutor]
    others = [p for p in names if p != "fp32"]
    failing, worse = r.get("tutor_failing_cells", {}), r.get("tutor_worse_cells", {})
    pairs = {p: paired(tutor, p) for p in others}
    lines += [f"Pooled over each precision's seed rounds, flagged / checked. Bound: no cell above fp32's share with "
              f"p < {P_WORSE} (one-sided Fisher exact test, over the seed rounds both ran); a cell above fp32's share "
              "shows its p. `all` rows sum the modes a round ran and are not compared (rounds 0-1 ran every mode, "
              "later rounds tutor mode only).", "",
              "| mode / detector / answers | " + " | ".join(names) + " |", "|---" * (len(names) + 1) + "|"]
    for key in tutor["fp32"]["cells"]:
        cells = []
        for p in names:
            f, c = tutor[p]["cells"].get(key, (None, None))
            cell = "-" if f is None else f"{f}/{c}"
            if p != "fp32" and key in worse.get(p, []):
                pv = p_worse(*pairs[p][key])
                cell += f" (p={pv:.2f}{', FAIL' if key in failing.get(p, {}) else ''})"
            cells.append(cell)
        lines.append(f"| {key.replace('/', ' / ').replace('_', ' ')} | " + " | ".join(cells) + " |")
    lines.append("")
    for p in others:
        fails = failing.get(p, {})
        lines.append(f"- **{p}: " + ("within the bound** (no cell above fp32's share beyond chance)" if not fails else
                                     "outside the bound**: " + ", ".join(f"{k} (p={v})" for k, v in fails.items()))
                     + f"; {len(worse.get(p, []))} cells above fp32's share in all.")
    lines += ["", "### Per seed round", "",
              "Each seed round draws every answer with its own seeds (sampled, temperature 0.7), the same seeds at "
              "every precision; a different precision changes the logits a little, and from there a sampled answer "
              "goes its own way, so the rounds of one precision show how far a rate moves by chance.", ""]
    for p in names:
        for run in tutor[p]["runs"]:
            lines.append(f"- {p}, seed round {run['round']}: `{run['command']}` at commit {run['commit']}, "
                         f"{run['items']} items, decode weights {run['weights']}.")
    heads = [f"{p} r{run['round']}" for p in names for run in tutor[p]["runs"]]
    lines += ["", "| mode / detector / answers | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for key in tutor["fp32"]["cells"]:
        cells = [("{}/{}".format(*run["cells"][key]) if key in run["cells"] else "-")
                 for p in names for run in tutor[p]["runs"]]
        lines.append(f"| {key.replace('/', ' / ').replace('_', ' ')} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
