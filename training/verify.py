"""Verified training targets: every teacher target passes the tutoring detectors before a clone learns it.

A clone learns whatever its teacher wrote, so a teacher that states the final
answer in tutor mode, states wrong math, endorses the student's mistake, talks
about "the student" or loops would teach the clone exactly that (issue 14).
Each target is read by ``brain.quality.check`` (and ``brain.quality.comparisons``: a false
number comparison, a wrong yes/no) against a ``TutorItem`` built
from its baseline item (the question, the known answer, the student's own
answer, the student's grade and accommodations):

1. the teacher's greedy target passes: accepted;
2. else it is sampled again, up to ``tries`` times (temperature 0.7, then 1.0;
   top-k 50, top-p 0.95), every row with its own generator seeded from
   (recipe seed, item id, try): the first sample that passes is kept
   (``retried``). Fixed seeds keep a clone reproducible: the same baseline and
   recipe give the same targets, whatever else the process runs;
3. else the verified fallback (``brain.quality.fallback``: for math the next
   step derived with sympy and asked as a question, for a known-answer ELA
   item a hint on the rule, for a wrong answer "not right yet", never the
   answer or the student's answer; built from the item, never by the model)
   replaces it (``fallback``).

``TargetStats`` counts the three outcomes and which detectors fired on the
rejected candidates; the flow logs them to MLflow with the version.

Limits: the detectors see what they are documented to see (brain/quality/
detectors.py "Misses"); a target they pass may still be unhelpful. The
fallback is checked too; a fallback the detectors flag (a detector false
positive) is still used, and counted in ``fallback_flagged``.

Used by training/data.py (``verified_targets``). Run as: ``python -m
training.data BASELINE.json`` (distils and verifies a baseline's targets with
the configured base model; prints the counts and every target).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import torch

from brain.models import LoadedModel
from brain.prompts import chat_ids, chat_text
from brain.quality import TutorItem, check
from brain.quality.comparisons import wrong_comparison
from brain.quality.fallback import fallback
from brain.schemas import BaselineItem, Mode, StudentProfile

# Temperature of each retry (the last one repeats when more tries are asked for).
TEMPERATURES = (0.7, 1.0)
TOP_K, TOP_P = 50, 0.95

_MATH_STANDARD = re.compile(r"^(?:K|\d{1,2})\.(?:CC|OA|NBT|NF|MD|G|RP|NS|EE|F|SP)\b", re.I)
_ELA_STANDARD = re.compile(r"^(?:RL|RI|RF|W|SL|L)\.", re.I)
# skill words -> the benchmark's topic names (the fallback's ELA hints and word-problem prompts use them)
_TOPICS = (("plural", "plurals"), ("tense", "verb_tenses"), ("irregular verb", "verb_tenses"),
           ("part of speech", "parts_of_speech"), ("parts of speech", "parts_of_speech"),
           ("comma", "punctuation"), ("punctuation", "punctuation"), ("vocabulary", "vocabulary"),
           ("context clue", "vocabulary"), ("word problem", "word_problems"))


def subject_of(item: BaselineItem, profile: StudentProfile) -> str | None:
    """math | ela from the standard code (Common Core), else the student's only subject; None: unknown."""
    code = (item.standard or "").strip()
    if _MATH_STANDARD.match(code):
        return "math"
    if _ELA_STANDARD.match(code):
        return "ela"
    subjects = {s.strip().lower() for s in profile.subjects} & {"math", "ela"}
    return subjects.pop() if len(subjects) == 1 and len(profile.subjects) == 1 else None


def tutor_item(profile: StudentProfile, item: BaselineItem, mode: Mode | str = Mode.tutor) -> TutorItem:
    """The detectors' view of a baseline item: its question, known answer and the student's answer.

    A right student answer is kept too (the detectors then allow the answer quoted back to the student).
    """
    skill = item.skill.lower()
    return TutorItem(
        id=item.item_id, prompt=item.question, grade=profile.grade, subject=subject_of(item, profile),
        topic=next((topic for word, topic in _TOPICS if word in skill), None),
        accommodations=list(profile.accommodations), mode=getattr(mode, "value", mode),
        answer=item.correct_answer.strip(), student_answer=item.student_answer.strip() or None,
    )


def derived_seed(seed: int, item_id: str, attempt: int) -> int:
    """The fixed seed of one retry: same recipe seed, item and try -> same sample, on any machine."""
    digest = hashlib.sha256(f"{seed}:{item_id}:{attempt}".encode()).hexdigest()
    return int(digest[:15], 16)


@dataclass
class TargetStats:
    """How a clone's targets came to be."""

    accepted: int = 0  # the teacher's greedy target passed every detector
    retried: int = 0  # a resampled target passed
    fallback: int = 0  # every try failed: the verified fallback is the target
    tries: int = 0  # retries allowed per target
    fired: dict[str, int] = field(default_factory=dict)  # detector -> findings on rejected candidates (all tries)
    first_fired: dict[str, int] = field(default_factory=dict)  # detector -> greedy targets it rejected
    fallback_flagged: int = 0  # fallbacks the detectors still flag (used anyway: the last resort)
    rejected: list[dict] = field(default_factory=list)  # a few {item_id, detector, excerpt} for reviewers

    def to_dict(self) -> dict:
        return asdict(self)


def sample_generate(model: torch.nn.Module, prompts: list[list[int]], seeds: list[int], temperature: float,
                    max_new_tokens: int, eos_token_id: int, pad_token_id: int,
                    device: torch.device) -> list[tuple[list[int], bool]]:
    """Sampled continuation of each prompt, row r drawn from its own generator seeded ``seeds[r]``
    (never the process RNG: a cohort's threads would make it depend on timing). Left-padded batch,
    KV cache; returns (new token ids without EOS, whether EOS was reached)."""
    rows, width = len(prompts), max(len(p) for p in prompts)
    ids = torch.full((rows, width), pad_token_id, dtype=torch.long)
    mask = torch.zeros((rows, width), dtype=torch.long)
    for r, p in enumerate(prompts):
        ids[r, width - len(p):] = torch.tensor(p)
        mask[r, width - len(p):] = 1
    generators = [torch.Generator().manual_seed(s) for s in seeds]
    ids, mask = ids.to(device), mask.to(device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    new: list[list[int]] = [[] for _ in range(rows)]
    done = [False] * rows
    alive = list(range(rows))  # original row of each batch row still answering
    with torch.inference_mode():
        out = model(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=True, logits_to_keep=1)
        cache, last = out.past_key_values, positions[:, -1:]
        for step in range(max_new_tokens):
            top, index = (out.logits[:, -1].float().cpu() / temperature).topk(TOP_K, dim=-1)
            probs = top.softmax(-1)
            keep, tokens = [], []
            for i, r in enumerate(alive):
                nucleus = probs[i] * ((probs[i].cumsum(0) - probs[i]) < TOP_P)  # top-p within top-k; first kept
                t = int(index[i, torch.multinomial(nucleus / nucleus.sum(), 1, generator=generators[r])])
                if t == eos_token_id:
                    done[r] = True
                else:
                    new[r].append(t)
                    keep.append(i)
                    tokens.append(t)
            if not keep or step == max_new_tokens - 1:
                break
            if len(keep) < len(alive):  # a row that ended leaves the batch
                index_ = torch.tensor(keep, device=device)
                cache.batch_select_indices(index_)
                mask, last = mask.index_select(0, index_), last.index_select(0, index_)
                alive = [alive[i] for i in keep]
            mask = torch.cat([mask, torch.ones((len(alive), 1), dtype=mask.dtype, device=device)], dim=1)
            last = last + 1
            out = model(input_ids=torch.tensor(tokens, device=device)[:, None], attention_mask=mask,
                        position_ids=last, past_key_values=cache, use_cache=True)
            cache = out.past_key_values
    return [(tokens, d) for tokens, d in zip(new, done)]


def sample_answers(
    loaded: LoadedModel,
    model: torch.nn.Module,
    conversations: list[list[dict[str, str]]],
    seeds: list[int],
    temperature: float,
    max_new_tokens: int,
    batch_size: int = 32,
) -> list[tuple[str, bool, str]]:
    """Sampled answers to chat prompts (row i from its own generator seeded ``seeds[i]``), in order:
    (text, reached end-of-turn, rendered prompt), as training.data.generate_answers."""
    tok = loaded.tokenizer
    texts = [chat_text(tok, c) for c in conversations]
    prompts = [chat_ids(tok, c) for c in conversations]
    answers = []
    for start in range(0, len(prompts), batch_size):
        outs = sample_generate(model, prompts[start : start + batch_size], seeds[start : start + batch_size],
                               temperature, max_new_tokens, tok.eos_token_id, tok.pad_token_id, loaded.device)
        answers += [(tok.decode(ids, skip_special_tokens=True).strip(), finished, texts[start + k])
                    for k, (ids, finished) in enumerate(outs)]
    return answers


def _excerpt(text: str, n: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def verify_targets(
    items: list[BaselineItem],
    checked: list[TutorItem],
    targets: list[str],
    resample: Callable[[list[int], int], list[str]],
    mode: Mode | str = Mode.tutor,
    tries: int = 2,
    keep_rejected: int = 5,
) -> tuple[list[str], TargetStats]:
    """The verified targets, in item order, and their stats.

    ``targets``: the teacher's cleaned greedy targets; ``resample(indices, attempt)`` returns new
    cleaned candidates for those items (attempt 0, 1, ...: the caller derives seed and temperature).
    """
    mode = getattr(mode, "value", mode)
    stats = TargetStats(tries=tries)
    fired: Counter[str] = Counter()

    def findings(text: str, item: TutorItem) -> list[str]:
        if not text.strip():
            return ["empty"]
        return [f.detector for f in [*check(text, item, mode), wrong_comparison(text, item)] if f]

    out = list(targets)
    pending = []
    for i, text in enumerate(targets):
        names = findings(text, checked[i])
        if names:
            pending.append(i)
            fired.update(names)
            stats.first_fired = dict(Counter(stats.first_fired) + Counter(names))
            if len(stats.rejected) < keep_rejected:
                stats.rejected.append({"item_id": items[i].item_id, "detectors": names, "excerpt": _excerpt(text)})
        else:
            stats.accepted += 1
    for attempt in range(tries):
        if not pending:
            break
        candidates = resample(pending, attempt)
        still = []
        for i, text in zip(pending, candidates):
            names = findings(text, checked[i])
            if names:
                fired.update(names)
                still.append(i)
            else:
                out[i] = text
                stats.retried += 1
        pending = still
    for i in pending:
        out[i] = fallback(checked[i], mode)
        stats.fallback += 1
        stats.fallback_flagged += bool(check(out[i], checked[i], mode))
    stats.fired = dict(sorted(fired.items()))
    return out, stats

