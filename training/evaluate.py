"""Adapter vs base on a clone's held-out items, and the gate a clone must pass to be registered.

``evaluate_clone`` measures, on the held-out items the adapter never trained on:

- eval loss (mean token cross-entropy over the assistant tokens of the
  distilled, personalised targets) of the base (adapter disabled) and of the
  adapter; ``personalization_gain`` = adapter / base, lower is better;
- readability (Flesch-Kincaid grade) of a few greedy answers of each to the
  held-out student prompts, next to the student's grade and reading level;
- the samples themselves (question, base answer, adapter answer) for a reviewer.

Gate (``GatePolicy``): a clone passes iff
1. adapter_eval_loss <= max_gain * base_eval_loss (it learnt this student), and
2. adapter readability grade <= base readability grade + max_grade_increase
   (it does not make the language harder; not compared when either side's
   samples hold no words), and
3. when a moderation callable is given, none of the adapter's samples is flagged, and
4. when quality sets are given (the pipeline gives the held-out items and the
   grade's probes: training/quality_gate.py), on each set and for every
   tutoring detector the adapter's rate of flagged answers is <= the base's
   (+ max_rate_increase) and <= the detector's ceiling (max_<detector>).
``gate_reasons`` says for each criterion whether it passed, with the numbers.

Call it before ``training.lora.release`` (it needs the live adapter).

Measured with SmolLM2-135M on 2 CPU cores (nothing else running), the
20-item sample baseline tests/training/data/baseline_grade4_math.json (15
train, 5 held out), defaults: distil 14.8 s, train 17.4 s, evaluate 8.3 s,
whole clone 40.4 s; base eval loss 0.938, adapter 0.627 (gain 0.67); adapter
1,860,003 bytes. Other CPU work in the process or on the machine slows a
clone several-fold (torch's threads wait on each other), so run one clone
per core pair.

Run as: ``python -m training.evaluate BASELINE.json`` (the whole clone:
distil, train, evaluate, timings; AIVO_BASE_MODEL picks the base model).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import textstat
import torch
from datasets import Dataset
from pydantic.dataclasses import dataclass as pydantic_dataclass

from brain.models import LoadedModel
from brain.schemas import StudentProfile
from brain import readability
from training import quality_gate
from training.data import MAX_NEW_TOKENS, generate_answers
from training.lora import TrainedAdapter, encode_example
from training.recipe import RECIPE_CONFIG
from training.shared_prefix import summed_nll


@pydantic_dataclass(frozen=True, config=RECIPE_CONFIG)  # a part of the clone's recipe (flows/stages.py)
class GatePolicy:
    """When a clone is good enough to register."""

    max_gain: float = 0.95
    """adapter_eval_loss must be <= max_gain * base_eval_loss (5% better than the base by default)."""
    max_grade_increase: float = 2.0
    """Adapter readability grade may exceed the base's by at most this many grades."""
    max_rate_increase: float = 0.0
    """Quality: per detector and set, the adapter's rate of flagged answers may exceed the base's by at most this."""
    max_reveal: float = 0.25
    """Quality ceiling: share of answers that state the final answer in tutor mode."""
    max_wrong_claim: float = 0.25
    """Quality ceiling: share of answers stating math that sympy finds false."""
    max_echo: float = 0.0
    """Quality ceiling: share of answers that endorse the student's wrong answer."""
    max_persona: float = 0.25
    """Quality ceiling: share of answers talking about "the student" or echoing the system prompt. Not 0: the
    embedded base's own greedy probe answers read 0.25-0.38 here, and a ceiling the base fails turned down
    clones better than it (the student then gets the base); serving's checks stop every such answer anyway."""
    max_degeneration: float = 0.25
    """Quality ceiling: share of answers with repeated sentences or n-grams (not 0: as ``max_persona``)."""
    max_level: float = 1.0
    """Quality ceiling: share of answers over the student's reading band (1: only compared with the base)."""


@dataclass
class EvalReport:
    """Adapter vs base on one clone's held-out items."""

    base_eval_loss: float  # base (adapter disabled) on the held-out personalised targets
    adapter_eval_loss: float  # adapter on the same targets
    personalization_gain: float  # adapter / base eval loss; < 1: the adapter fits this student better
    base_readability_grade: float  # Flesch-Kincaid grade of the base's samples; NaN: they hold no words
    adapter_readability_grade: float  # same for the adapter's samples
    student_grade: int  # the student's school grade (0 = kindergarten)
    student_reading_level: int  # the grade the student reads at
    heldout_items: int  # held-out conversations the losses are measured on
    samples: list[dict] = field(default_factory=list)  # {item_id, prompt, base, adapter, flagged}
    quality: dict | None = None  # quality_gate.judge: rates per set and side, reasons, flagged samples
    gate_passed: bool = False
    gate_reasons: list[str] = field(default_factory=list)  # one line per criterion, with numbers
    seconds: float = 0.0  # wall time of the evaluation

    def to_dict(self) -> dict:
        return asdict(self)

    def metrics(self) -> dict[str, float]:
        """The numeric results (for an experiment tracker); unmeasured readability is left out."""
        values = {
            "base_eval_loss": self.base_eval_loss,
            "adapter_eval_loss": self.adapter_eval_loss,
            "personalization_gain": self.personalization_gain,
            "base_readability_grade": self.base_readability_grade,
            "adapter_readability_grade": self.adapter_readability_grade,
            "gate_passed": float(self.gate_passed),
            "eval_seconds": self.seconds,
            **(quality_gate.metrics(self.quality) if self.quality else {}),
        }
        return {k: v for k, v in values.items() if not math.isnan(v)}


@torch.inference_mode()
def eval_loss(
    model: torch.nn.Module,
    tokenizer,
    messages_list: list[list[dict[str, str]]],
    device: torch.device,
    batch_size: int = 8,
) -> float:
    """Mean token cross-entropy over the assistant tokens of each conversation (training's masking)."""
    rows = [encode_example(tokenizer, m, max_length=4096) for m in messages_list]
    total, count = 0.0, 0
    for i in range(0, len(rows), batch_size):
        nll, n = summed_nll(model, rows[i : i + batch_size], tokenizer.pad_token_id, device)
        total, count = total + float(nll), count + n
    if count == 0:
        raise ValueError("no assistant tokens to evaluate")
    return total / count


def readability_grade(texts: list[str]) -> float:
    """Flesch-Kincaid grade of the texts read as one passage (short answers alone are too
    noisy); NaN when they hold no words.

    Each text counts as ending a sentence (an answer cut at the token limit
    does not run into the next). textstat's formula and syllable counts,
    computed word by word because ``textstat.flesch_kincaid_grade`` 0.7.7
    raises KeyError on any number or unknown word (which maths answers are
    full of); on other text it gives the same value.
    """
    parts = [t.strip() for t in texts if t.strip()]
    text = " ".join(t if t[-1] in ".!?" else t + "." for t in parts)
    found = readability.words(text)
    return readability.fk_grade(found, int(textstat.sentence_count(text))) if found else math.nan


def _gain(adapter_loss: float, base_loss: float) -> float:
    return adapter_loss / base_loss if base_loss > 0 else float("inf")


def check_gate(
    policy: GatePolicy,
    base_loss: float,
    adapter_loss: float,
    base_grade: float,
    adapter_grade: float,
    flagged: list[bool] | None = None,
) -> tuple[bool, list[str]]:
    """(passed, reasons) of the gate; flagged=None means no moderation was run, a NaN grade
    (samples without words) leaves readability uncompared."""
    checks = []
    limit = policy.max_gain * base_loss
    checks.append((
        adapter_loss <= limit,
        f"eval loss: adapter {adapter_loss:.4f} vs limit {limit:.4f} "
        f"(= {policy.max_gain} x base {base_loss:.4f}; gain {_gain(adapter_loss, base_loss):.3f})",
    ))
    if math.isnan(base_grade) or math.isnan(adapter_grade):
        side = "base" if math.isnan(base_grade) else "adapter"
        checks.append((True, f"readability: not compared (the {side} samples have no words)"))
    else:
        grade_limit = base_grade + policy.max_grade_increase
        checks.append((
            adapter_grade <= grade_limit,
            f"readability: adapter grade {adapter_grade:.1f} vs limit {grade_limit:.1f} "
            f"(= base {base_grade:.1f} + {policy.max_grade_increase})",
        ))
    if flagged is not None:
        checks.append((
            not any(flagged),
            f"moderation: {sum(flagged)} of {len(flagged)} adapter samples flagged",
        ))
    reasons = [("PASS " if ok else "FAIL ") + text for ok, text in checks]
    return all(ok for ok, _ in checks), reasons


def adapter_answers(loaded: LoadedModel, trained: TrainedAdapter, prompts: list[list[dict[str, str]]],
                    max_new_tokens: int = MAX_NEW_TOKENS) -> list[str]:
    """The adapter's greedy answers to chat prompts, in order, in as few batches as generate_answers makes."""
    return [a for a, _, _ in generate_answers(loaded, prompts, max_new_tokens, model=trained.model)]


def _answer_all(answer: Callable[[list], list[str]], prompts: list[list[dict[str, str]]]) -> list[str]:
    """Answers to prompts with each distinct prompt generated once, all in one call."""
    unique = {json.dumps(p, sort_keys=True): p for p in prompts}
    found = dict(zip(unique, answer(list(unique.values())))) if unique else {}
    return [found[json.dumps(p, sort_keys=True)] for p in prompts]


def evaluate_clone(
    loaded: LoadedModel,
    trained: TrainedAdapter,
    heldout: Dataset,
    profile: StudentProfile,
    samples: int = 3,
    max_new_tokens: int = MAX_NEW_TOKENS,
    policy: GatePolicy | None = None,
    moderate: Callable[[str], bool] | None = None,
    quality: list[quality_gate.QualitySet] | None = None,
) -> EvalReport:
    """Compare adapter and base on the held-out conversations and apply the gate.

    The first ``samples`` held-out prompts are answered greedily by the
    adapter and by the base; the base's answers are taken from the
    ``base_answer`` column when build_dataset put one there (same greedy
    decode, already paid for). ``moderate(text) -> True`` flags an adapter
    sample (and fails the gate). ``quality``: sets for the quality gate
    (quality_gate.heldout_set, probe_set); their prompts are answered by the
    adapter in the same call as the samples, and by the base in one call.
    """
    if trained.released:
        raise RuntimeError("evaluate_clone needs the live adapter: call it before release()")
    policy = policy or GatePolicy()
    start = time.perf_counter()
    tok, device = loaded.tokenizer, loaded.device
    messages = [list(m) for m in heldout["messages"]]
    prompts = [m[:-1] for m in messages[:samples]]
    quality = quality or []
    base_generate = [p for q in quality if q.base_answers is None for p in q.prompts]
    with trained.model.disable_adapter():
        base_loss = eval_loss(trained.model, tok, messages, device)
        if "base_answer" in heldout.column_names:
            base_answers = list(heldout["base_answer"])[: len(prompts)]
        else:
            base_generate = prompts + base_generate
        base_all = _answer_all(lambda ps: [a for a, _, _ in generate_answers(loaded, ps, max_new_tokens,
                                                                             model=trained.model)], base_generate)
        if "base_answer" not in heldout.column_names:
            base_answers, base_all = base_all[: len(prompts)], base_all[len(prompts):]
    adapter_loss = eval_loss(trained.model, tok, messages, device)
    adapter_all = _answer_all(lambda ps: adapter_answers(loaded, trained, ps, max_new_tokens),
                              prompts + [p for q in quality for p in q.prompts])
    answers, adapter_all = adapter_all[: len(prompts)], adapter_all[len(prompts):]
    flagged = [bool(moderate(a)) for a in answers] if moderate is not None else None
    base_grade = readability_grade(base_answers)
    adapter_grade = readability_grade(answers)
    passed, reasons = check_gate(policy, base_loss, adapter_loss, base_grade, adapter_grade, flagged)
    judged = None
    if quality:
        by_set_base, by_set_adapter = {}, {}
        for q in quality:
            n = len(q.prompts)
            by_set_adapter[q.name], adapter_all = adapter_all[:n], adapter_all[n:]
            if q.base_answers is None:
                by_set_base[q.name], base_all = base_all[:n], base_all[n:]
            else:
                by_set_base[q.name] = list(q.base_answers)
        judged = quality_gate.judge(policy, quality, by_set_base, by_set_adapter)
        passed, reasons = passed and judged["passed"], reasons + judged["reasons"]
    item_ids = list(heldout["item_id"])
    return EvalReport(
        base_eval_loss=base_loss,
        adapter_eval_loss=adapter_loss,
        personalization_gain=_gain(adapter_loss, base_loss),
        base_readability_grade=base_grade,
        adapter_readability_grade=adapter_grade,
        student_grade=profile.grade,
        student_reading_level=profile.effective_reading_level,
        heldout_items=len(messages),
        samples=[
            {"item_id": item_ids[i], "prompt": prompts[i][-1]["content"], "base": base_answers[i],
             "adapter": answers[i], "flagged": bool(flagged[i]) if flagged is not None else None}
            for i in range(len(prompts))
        ],
        quality=judged,
        gate_passed=passed,
        gate_reasons=reasons,
        seconds=time.perf_counter() - start,
    )


if __name__ == "__main__":
    import sys
    import tempfile

    from brain.models import load_base_model
    from brain.schemas import Baseline
    from training.data import build_dataset
    from training.lora import release, save_adapter, train_adapter

    baseline = Baseline.model_validate_json(open(sys.argv[1]).read())
    loaded = load_base_model()
    t0 = time.perf_counter()
    data = build_dataset(loaded, baseline)
    trained = train_adapter(loaded, [list(m) for m in data.train["messages"]])
    sets = quality_gate.clone_sets(baseline.student, baseline.items, data.heldout.to_list(), data.mode)
    report = evaluate_clone(loaded, trained, data.heldout, baseline.student, quality=sets)
    total = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        size = sum(p.stat().st_size for p in save_adapter(trained, tmp))
    release(trained)
    print(json.dumps(report.to_dict(), indent=2))
    print(json.dumps({
        "targets": data.targets, "distill_s": round(data.distill_seconds, 1), "train_s": round(trained.seconds, 1),
        "eval_s": round(report.seconds, 1), "clone_s": round(total, 1),
        "train_examples": trained.examples, "losses": [round(x, 3) for x in trained.losses],
        "adapter_bytes": size, "trainable_params": trained.trainable_params,
    }, indent=2))
