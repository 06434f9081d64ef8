"""Baseline -> personalised SFT data by context distillation.

The teacher is the base model itself, shown privileged information the
endpoint never has: the student's own previous answer to the question, whether
it was right, the correct answer, and the student's other mistakes on the same
skill. The student prompt is exactly what the endpoint sends (system prompt
from the profile + the question). Training the adapter on (student prompt ->
teacher answer) distils what the teacher knew about this student into the
weights, so the served clone answers as if it had seen the baseline.

Items are split per skill into train and held-out; held-out targets are
distilled too (with only the train items as the pattern pool, so nothing of a
held-out answer leaks into training) and measure whether the clone learnt
the personalised behaviour on questions it did not train on.

Every target is verified before the clone learns it (training/verify.py):
it must pass the tutoring detectors (brain.quality), else it is sampled
again with fixed derived seeds, else the verified fallback replaces it;
``ClonedData.targets`` counts accepted / retried / fallback.

Run as: ``python -m training.data BASELINE.json`` (prints the split and the
distilled targets with the embedded model; AIVO_BASE_MODEL=tiny-random for a
quick look at the plumbing).
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import weakref
from dataclasses import dataclass

import torch
from datasets import Dataset

from brain.models import LoadedModel, cpu_bf16_enabled
from brain.prompts import build_messages, build_system_prompt, chat_ids, chat_text
from brain.quality.fallback import fallback
from brain.schemas import Baseline, BaselineItem, Mode, StudentProfile
from training.shared_prefix import greedy_generate
from training.verify import TEMPERATURES, derived_seed, sample_answers, tutor_item, verify_targets

# Bump when the teacher prompt or target post-processing changes: it is part of
# data_sha256, so data distilled by a different method never looks the same.
# v3: the teacher decodes in fp32 on every CPU (targets reproducible); v4: every target passes the
# tutoring detectors (training/verify.py: seeded retries, then the verified fallback); v5: the teacher's notes
# speak to the learner ("You answered ... here before"), not about them.
METHOD_VERSION = "context-distillation-v5"

# Retries of a target the detectors reject, before the verified fallback replaces it. Off by default:
# with 2 sampled retries (temperature 0.7, 1.0) the embedded clone of tests/training/test_clone_embedded.py
# failed its readability gate (grade 8.2 vs 7.6) and stu-0002's missed the eval-loss gain (1.029), and
# verification took 755 of its 1345 s; greedy targets + the verified fallback pass (gain 0.94). Opt in
# per clone with CloneRecipe.target_tries.
TARGET_TRIES = 0

# At most this many other wrong answers on the same skill go into a teacher prompt.
MAX_PATTERN_ITEMS = 2

# Longest teacher answer (and eval sample) in tokens. SmolLM2's distilled answers
# are mostly 10-45 tokens; 48 instead of 64 saves a quarter of the decode steps,
# and a clone of 20 items stays under 50 s on 2 CPU cores.
MAX_NEW_TOKENS = 48


@dataclass
class ClonedData:
    """The distilled data set of one baseline."""

    train: Dataset  # columns: item_id, skill, standard, messages (system, user, assistant)
    heldout: Dataset  # same columns + base_answer; items the adapter never trains on
    data_sha256: str  # sha256 of the canonical baseline JSON + METHOD_VERSION
    mode: Mode  # the endpoint mode the prompts were built for
    distill_seconds: float  # wall time of the teacher's generation (verification and retries included)
    targets: dict  # training.verify.TargetStats as a dict: accepted / retried / fallback, detectors fired


def split_items(
    baseline: Baseline, heldout_fraction: float = 0.25, seed: int = 0
) -> tuple[list[BaselineItem], list[BaselineItem]]:
    """(train, held-out) items, stratified by skill and deterministic for a seed.

    A skill with n >= 2 items gives round(fraction * n) of them (at least 1, at
    most n - 1, so every skill stays in training) to held-out; a single-item
    skill stays in train. When no skill has two items, round(fraction * n)
    (at least 1) random items are held out. Both sides keep baseline order.
    """
    items = baseline.items
    if len(items) < 2:
        raise ValueError(
            f"baseline {baseline.assessment_id!r} has {len(items)} item; a clone needs at least 2 "
            "(one to train on, one to evaluate on)"
        )
    if not 0 < heldout_fraction < 1:
        raise ValueError(f"heldout_fraction must be between 0 and 1, got {heldout_fraction}")
    rng = random.Random(seed)
    by_skill: dict[str, list[BaselineItem]] = {}
    for item in items:
        by_skill.setdefault(item.skill, []).append(item)
    heldout_ids: set[str] = set()
    for group in by_skill.values():
        if len(group) < 2:
            continue
        k = min(max(1, round(heldout_fraction * len(group))), len(group) - 1)
        heldout_ids.update(item.item_id for item in rng.sample(group, k))
    if not heldout_ids:  # every skill has a single item
        k = min(max(1, round(heldout_fraction * len(items))), len(items) - 1)
        heldout_ids.update(item.item_id for item in rng.sample(items, k))
    train = [item for item in items if item.item_id not in heldout_ids]
    heldout = [item for item in items if item.item_id in heldout_ids]
    return train, heldout


def student_messages(
    profile: StudentProfile, item: BaselineItem, mode: Mode = Mode.tutor
) -> list[dict[str, str]]:
    """What the endpoint sends for this student and question (system + user)."""
    return build_messages(profile, item.question, mode)


def teacher_messages(
    profile: StudentProfile,
    item: BaselineItem,
    mode: Mode = Mode.tutor,
    pattern: list[BaselineItem] | tuple[BaselineItem, ...] = (),
) -> list[dict[str, str]]:
    """The student's system prompt plus what only the teacher knows, then the question.

    ``pattern``: items the teacher may cite as the student's other mistakes; the
    wrong ones on the same skill (not this item) are listed, at most
    MAX_PATTERN_ITEMS. The notes are short, direct instructions: SmolLM2-135M
    copies long "private notes" into its answer instead of following them. They are
    written to the learner ("You answered ... here before"): written about them
    ("This student answered ..."), the teacher copied the third person into 17 of
    a grade-2 student's 20 targets, which the persona detector then rejected (v5).
    """
    answer = item.student_answer.strip() or "(no answer)"
    if item.correct:
        notes = [f'You answered "{answer}" here before, and you were right. '
                 "Say what you did well, then show the reasoning step by step."]
    else:
        notes = [f'You answered "{answer}" here before, but the right answer is {item.correct_answer.strip()}. '
                 f'Kindly say what mistake leads to "{answer}", then show the reasoning step by step.']
    others = [
        p for p in pattern
        if p.skill == item.skill and not p.correct and p.item_id != item.item_id
    ][:MAX_PATTERN_ITEMS]
    notes += [
        f'On {p.skill} you also answered "{p.question.strip()}" with "{p.student_answer.strip()}" '
        f"(correct: {p.correct_answer.strip()})."
        for p in others
    ]
    system = build_system_prompt(profile, mode) + "\n" + "\n".join(notes)
    return [{"role": "system", "content": system}, {"role": "user", "content": item.question}]


def fallback_target(item: BaselineItem, profile: StudentProfile, mode: Mode = Mode.tutor) -> str:
    """The verified fallback target (brain.quality.fallback): what a target says when every try failed the
    detectors or the teacher said nothing. Never the answer in tutor mode, never the student's wrong answer."""
    return fallback(tutor_item(profile, item, mode), mode.value)


def clean_target(text: str, finished: bool, prompt: str = "") -> str:
    """Tidy a greedy answer: drop repeated lines (greedy loops) and lines copied from the
    prompt (a small model parrots its instructions); when it hit the token limit, cut after its
    last full sentence so the clone never learns to stop mid-sentence."""
    seen: set[str] = set()
    lines = []
    for line in text.strip().split("\n"):
        key = line.strip()
        if key and (key in seen or (len(key) >= 12 and key in prompt)):
            continue
        seen.add(key)
        lines.append(line)
    text = "\n".join(lines).strip()
    if not finished:
        cut = max(text.rfind(mark) for mark in (".", "!", "?"))
        if cut > 0:
            text = text[: cut + 1]
    return text.strip()


_BF16_TEACHERS: "weakref.WeakKeyDictionary[torch.nn.Module, torch.nn.Module]" = weakref.WeakKeyDictionary()
_BF16_LOCK = threading.Lock()


def teacher_model(loaded: LoadedModel) -> torch.nn.Module:
    """The model that writes targets: the base itself; with ``AIVO_CPU_BF16=on`` on a CPU with native bf16,
    a bf16 copy of it (made once per model; ~1.75x faster greedy decoding on 2 cores, but its targets depend
    on the CPU's kernels: see brain.models.cpu_bf16_enabled).
    """
    model = loaded.model
    if loaded.device.type != "cpu" or model.dtype != torch.float32 or not cpu_bf16_enabled():
        return model
    with _BF16_LOCK:
        copy_ = _BF16_TEACHERS.get(model)
        if copy_ is None:
            import copy

            copy_ = _BF16_TEACHERS[model] = copy.deepcopy(model).to(torch.bfloat16).eval()
        return copy_


def generate_answers(
    loaded: LoadedModel,
    conversations: list[list[dict[str, str]]],
    max_new_tokens: int = MAX_NEW_TOKENS,
    batch_size: int = 32,
    model: torch.nn.Module | None = None,
) -> list[tuple[str, bool, str]]:
    """Greedy answers to chat prompts, in order: (text, reached end-of-turn, rendered prompt).

    Batched through shared_prefix.greedy_generate (the common system prompt
    runs once per batch, suffixes left-padded); prompts are sorted by length so
    a batch wastes little on padding. ``model`` defaults to the base
    (``teacher_model``; pass a PeftModel to answer with an adapter).
    """
    tok = loaded.tokenizer
    texts = [chat_text(tok, c) for c in conversations]
    prompts = [chat_ids(tok, c) for c in conversations]
    order = sorted(range(len(prompts)), key=lambda i: len(prompts[i]))
    answers: list[tuple[str, bool, str]] = [("", False, "")] * len(prompts)
    for start in range(0, len(order), batch_size):
        batch = order[start : start + batch_size]
        outs = greedy_generate(
            model if model is not None else teacher_model(loaded), [prompts[i] for i in batch], max_new_tokens,
            tok.eos_token_id, tok.pad_token_id, loaded.device,
        )
        for i, (ids, finished) in zip(batch, outs):
            answers[i] = (tok.decode(ids, skip_special_tokens=True).strip(), finished, texts[i])
    return answers


def verified_targets(
    loaded: LoadedModel,
    profile: StudentProfile,
    items: list[BaselineItem],
    teacher: list[list[dict[str, str]]],
    answers: list[tuple[str, bool, str]],
    mode: Mode = Mode.tutor,
    seed: int = 0,
    tries: int = TARGET_TRIES,
    max_new_tokens: int = MAX_NEW_TOKENS,
    batch_size: int = 32,
) -> tuple[list[str], dict]:
    """The teacher's greedy answers cleaned and verified (training/verify.py): a target the detectors
    reject is sampled again up to ``tries`` times with seeds derived from (seed, item, try), then replaced
    by the verified fallback. Returns (targets in item order, TargetStats as a dict)."""
    def resample(indices: list[int], attempt: int) -> list[str]:
        temperature = TEMPERATURES[min(attempt, len(TEMPERATURES) - 1)]
        seeds = [derived_seed(seed, items[i].item_id, attempt) for i in indices]
        out = sample_answers(loaded, teacher_model(loaded), [teacher[i] for i in indices], seeds, temperature,
                             max_new_tokens, batch_size)
        return [clean_target(text, finished, prompt) for text, finished, prompt in out]

    cleaned = [clean_target(text, finished, prompt) for text, finished, prompt in answers]
    checked = [tutor_item(profile, item, mode) for item in items]
    targets, stats = verify_targets(items, checked, cleaned, resample, mode, tries)
    return targets, stats.to_dict()


def distill_targets(
    loaded: LoadedModel,
    profile: StudentProfile,
    items: list[BaselineItem],
    max_new_tokens: int = MAX_NEW_TOKENS,
    batch_size: int = 32,
    mode: Mode = Mode.tutor,
    pattern: list[BaselineItem] | tuple[BaselineItem, ...] = (),
    seed: int = 0,
    tries: int = TARGET_TRIES,
) -> list[str]:
    """The teacher's verified answer to every item under teacher_messages, in item order.

    One batch of 32 beats batches of 8 on CPU (16 s vs 26 s for 20 items with SmolLM2).
    Targets pass clean_target and the detectors (verified_targets); never empty.
    """
    teacher = [teacher_messages(profile, item, mode, pattern) for item in items]
    answers = generate_answers(loaded, teacher, max_new_tokens, batch_size)
    return verified_targets(loaded, profile, items, teacher, answers, mode, seed, tries, max_new_tokens,
                            batch_size)[0]


def baseline_sha256(baseline: Baseline) -> str:
    """sha256 of the canonical baseline JSON (sorted keys) + METHOD_VERSION."""
    canonical = json.dumps(baseline.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((canonical + "\n" + METHOD_VERSION).encode()).hexdigest()


def _rows(profile: StudentProfile, items: list[BaselineItem], targets: list[str], mode: Mode) -> list[dict]:
    return [
        {
            "item_id": item.item_id,
            "skill": item.skill,
            "standard": item.standard,
            "messages": student_messages(profile, item, mode) + [{"role": "assistant", "content": target}],
        }
        for item, target in zip(items, targets)
    ]


def build_dataset(
    loaded: LoadedModel,
    baseline: Baseline,
    heldout_fraction: float = 0.25,
    seed: int = 0,
    max_new_tokens: int = MAX_NEW_TOKENS,
    mode: Mode = Mode.tutor,
    batch_size: int = 32,
    tries: int = TARGET_TRIES,
) -> ClonedData:
    """Split the baseline, distil a target for every item, and return both sides as datasets.

    The held-out rows also get ``base_answer``: the base model's own greedy
    answer to the student prompt (what the endpoint says without a clone),
    generated in the same batch as the teacher's answers (nearly free), so
    evaluate_clone need not decode it again. Every target is verified (verified_targets;
    ``tries`` retries, seeds derived from ``seed``); ``targets`` holds the counts.
    """
    profile = baseline.student
    train_items, heldout_items = split_items(baseline, heldout_fraction, seed)
    items = train_items + heldout_items
    start = time.perf_counter()
    # Only train items feed the pattern notes: nothing of a held-out answer reaches training.
    teacher = [teacher_messages(profile, item, mode, train_items) for item in items]
    student = [student_messages(profile, item, mode) for item in heldout_items]
    answers = generate_answers(loaded, teacher + student, max_new_tokens, batch_size)
    targets, stats = verified_targets(loaded, profile, items, teacher, answers[: len(items)], mode, seed, tries,
                                      max_new_tokens, batch_size)
    seconds = time.perf_counter() - start
    n = len(train_items)
    heldout = _rows(profile, heldout_items, targets[n:], mode)
    for row, (text, _, _) in zip(heldout, answers[len(items) :]):
        row["base_answer"] = text
    return ClonedData(
        train=Dataset.from_list(_rows(profile, train_items, targets[:n], mode)),
        heldout=Dataset.from_list(heldout),
        data_sha256=baseline_sha256(baseline),
        mode=mode,
        distill_seconds=seconds,
        targets=stats,
    )


if __name__ == "__main__":
    import sys

    from brain.models import load_base_model

    baseline = Baseline.model_validate_json(open(sys.argv[1]).read())
    data = build_dataset(load_base_model(), baseline)
    print(f"data_sha256 {data.data_sha256}  distilled in {data.distill_seconds:.1f}s  targets {data.targets}")
    for name, ds in (("train", data.train), ("heldout", data.heldout)):
        for row in ds:
            print(f"[{name}] {row['item_id']} ({row['skill']}): {row['messages'][1]['content']}")
            print(f"    -> {row['messages'][2]['content']}\n")
