"""The quality gate: a clone's answers read by the tutoring detectors, side by side with the base's.

A clone may fit its student's targets better (eval loss) and still tell the
answer, state wrong math or talk about "the student" (issue 14). So before it
is made champion, its greedy answers and the base's to the same prompts are
read by ``brain.quality.check`` on two sets:

- ``heldout``: the clone's held-out baseline items (known answers, the
  student's own answers), asked in the dataset's mode (tutor);
- ``probes``: the fixed probe set for the student's grade
  (``brain/quality/data/probes.jsonl``, 8 items per grade 2-8; the grade is
  clamped into 2..8), each in its own mode (tutor, explain, assess), asked
  with the student's profile.

Per set and per detector, rate = answers with a finding / answers. The clone
passes a set when, for every detector, its rate <= the base's rate +
``GatePolicy.max_rate_increase`` (default 0: no worse than the base) and <=
the detector's ceiling (``GatePolicy.max_<detector>``). ``judge`` returns the
rates, the gate lines and a few flagged samples; ``markdown`` renders them for
the Prefect report.

Limits: 3-5 held-out items and 8 probes are small samples (one answer moves
a rate by 0.12-0.33), and the detectors miss what their docstrings list.
The gate compares greedy answers; served answers are sampled (and checked
again at serving time).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import brain.quality
from brain.prompts import build_messages
from brain.quality import DETECTORS, TutorItem, check, load_items
from brain.schemas import BaselineItem, Mode, StudentProfile
from training.verify import tutor_item

PROBES = Path(brain.quality.__file__).parent / "data" / "probes.jsonl"
PROBE_GRADES = (2, 8)
MAX_FLAGGED = 6  # flagged samples kept per clone (the clone's first, then the base's)
EXCERPT = 200


@dataclass
class QualitySet:
    """Prompts a clone and the base both answer, and the items the detectors read the answers against."""

    name: str  # heldout | probes
    items: list[TutorItem]  # the detectors' view: answer, student answer, the student's grade and accommodations
    prompts: list[list[dict[str, str]]]  # what the endpoint sends (the student's system prompt + the question)
    base_answers: list[str] | None = None  # known already (build_dataset decodes the held-out ones)


@functools.lru_cache(maxsize=1)
def _probes() -> tuple[TutorItem, ...]:
    return tuple(load_items(PROBES))


def probe_grade(grade: int) -> int:
    return min(max(grade, PROBE_GRADES[0]), PROBE_GRADES[1])


def probe_set(profile: StudentProfile) -> QualitySet:
    """The probe items of the student's grade (clamped into 2..8), asked with the student's profile."""
    grade = probe_grade(profile.grade)
    probes = [p for p in _probes() if p.grade == grade]
    items = [p.model_copy(update={"grade": profile.grade, "accommodations": list(profile.accommodations)})
             for p in probes]
    prompts = [build_messages(profile, p.prompt, Mode(p.mode or "tutor")) for p in probes]
    return QualitySet("probes", items, prompts)


def heldout_set(profile: StudentProfile, items: list[BaselineItem], base_answers: list[str] | None = None,
                mode: Mode = Mode.tutor) -> QualitySet:
    """The held-out baseline items, asked as the endpoint asks them."""
    return QualitySet("heldout", [tutor_item(profile, i, mode) for i in items],
                      [build_messages(profile, i.question, mode) for i in items], base_answers)


def clone_sets(profile: StudentProfile, items: list[BaselineItem], heldout_rows: list[dict],
               mode: Mode = Mode.tutor) -> list[QualitySet]:
    """The pipeline's two sets: the held-out rows of build_dataset (their ``base_answer`` reused) and the probes."""
    by_id = {i.item_id: i for i in items}
    base = [r["base_answer"] for r in heldout_rows] if all("base_answer" in r for r in heldout_rows) else None
    return [heldout_set(profile, [by_id[r["item_id"]] for r in heldout_rows], base, mode), probe_set(profile)]


def _excerpt(text: str, n: int = EXCERPT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 3] + "..."


def read(answers: list[str], qset: QualitySet) -> tuple[dict[str, float], list[dict]]:
    """(rate of answers with a finding per detector, the findings as samples) of one side on one set."""
    counts = dict.fromkeys(DETECTORS, 0)
    found = []
    for text, item, prompt in zip(answers, qset.items, qset.prompts):
        for f in check(text, item, item.mode or "tutor"):
            counts[f.detector] += 1
            found.append({"set": qset.name, "detector": f.detector, "item": item.id, "mode": item.mode,
                          "prompt": _excerpt(prompt[-1]["content"], 120), "text": _excerpt(text),
                          "reason": f.reason})
    n = max(len(answers), 1)
    return {d: counts[d] / n for d in DETECTORS}, found


def judge(policy, sets: list[QualitySet], base: dict[str, list[str]], adapter: dict[str, list[str]]) -> dict:
    """The quality gate on every set: {passed, reasons, sets: {name: {items, base, adapter}}, flagged}.

    ``policy``: a training.evaluate.GatePolicy (max_rate_increase, the max_<detector> ceilings).
    """
    out: dict = {"passed": True, "reasons": [], "sets": {}, "flagged": []}
    flagged_adapter, flagged_base = [], []
    for qset in sets:
        base_rates, base_found = read(base[qset.name], qset)
        rates, found = read(adapter[qset.name], qset)
        flagged_adapter += [{"side": "adapter", **f} for f in found]
        flagged_base += [{"side": "base", **f} for f in base_found]
        failures = []
        for d in DETECTORS:
            ceiling = getattr(policy, f"max_{d}")
            if rates[d] > base_rates[d] + policy.max_rate_increase + 1e-9:
                failures.append(f"{d} {rates[d]:.2f} > base {base_rates[d]:.2f}")
            if rates[d] > ceiling + 1e-9:
                failures.append(f"{d} {rates[d]:.2f} > ceiling {ceiling:.2f}")
        label = f"quality on {qset.name} ({len(qset.items)} items)"
        summary = ", ".join(f"{d} {rates[d]:.2f}/{base_rates[d]:.2f}" for d in DETECTORS)
        if failures:
            out["reasons"].append(f"FAIL {label}: " + "; ".join(failures) + f" (adapter/base: {summary})")
        else:
            out["reasons"].append(f"PASS {label}: every detector <= the base's rate and its ceiling "
                                  f"(adapter/base: {summary})")
        out["passed"] = out["passed"] and not failures
        out["sets"][qset.name] = {"items": len(qset.items), "base": base_rates, "adapter": rates}
    out["flagged"] = (flagged_adapter + flagged_base)[:MAX_FLAGGED]
    return out


def metrics(quality: dict) -> dict[str, float]:
    """Flat numbers for MLflow: quality_passed and quality_<set>_<side>_<detector> rates."""
    values = {"quality_passed": float(quality["passed"])}
    for name, s in quality["sets"].items():
        for side in ("base", "adapter"):
            values.update({f"quality_{name}_{side}_{d}": r for d, r in s[side].items()})
    return values


def markdown(quality: dict | None, targets: dict | None = None) -> str:
    """The Prefect report's sections: teacher targets, rates per set (adapter vs base), flagged samples."""
    parts = []
    if targets:
        fired = ", ".join(f"{d} {n}" for d, n in targets.get("fired", {}).items()) or "none"
        parts.append(f"## Teacher targets (verified)\n\naccepted {targets['accepted']}, retried {targets['retried']}, "
                     f"fallback {targets['fallback']} (up to {targets['tries']} retries each; detectors on rejected "
                     f"candidates: {fired})\n")
    if quality:
        head = "| set | side | " + " | ".join(DETECTORS) + " |\n|---|---|" + "---|" * len(DETECTORS)
        rows = [f"| {name} ({s['items']}) | {side} | " + " | ".join(f"{s[side][d]:.2f}" for d in DETECTORS) + " |"
                for name, s in quality["sets"].items() for side in ("base", "adapter")]
        parts.append("## Quality gate: " + ("passed" if quality["passed"] else "FAILED") + "\n\n"
                     + "\n".join(f"- {r}" for r in quality["reasons"]) + "\n\n" + head + "\n" + "\n".join(rows) + "\n")
        if quality["flagged"]:
            parts.append("Flagged samples:\n\n" + "\n".join(
                f"- {f['side']} / {f['set']} / **{f['detector']}** ({f['reason']}): _{f['prompt']}_ -> "
                f"\"{f['text']}\"" for f in quality["flagged"]) + "\n")
    return "\n".join(parts)
