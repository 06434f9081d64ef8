"""The tutoring benchmark's figures and report: detector rates per mode, raw and sent, base and clones, against
the targets of issue 14; retry and fallback rates; the added latency of checking; flagged examples.

Not run on its own: ``python -m benchmarks.tutor`` (benchmarks/tutor.py) calls ``summary`` and ``markdown``.
"""

from __future__ import annotations

from collections import Counter

from benchmarks.workload import pct
from brain.quality import TutorItem

MODES = ("tutor", "explain", "assess")
COLUMNS = ("raw_base", "raw_clones", "sent_base", "sent_clones")
# Issue 14's targets for what is sent, as the highest allowed rate of flagged answers (level: >= 90% within
# the band is <= 10% flagged); reveal is a tutor-mode target only.
TARGETS = {"reveal": 0.02, "wrong_claim": 0.01, "echo": 0.0, "persona": 0.0, "degeneration": 0.0, "level": 0.10}
TARGET_TEXT = {"reveal": "<= 2% (tutor)", "wrong_claim": "<= 1%", "echo": "0", "persona": "0",
               "degeneration": "0", "level": ">= 90% within band"}
EXAMPLES = 3  # flagged examples per detector in the report
CHARS = 240  # an example's text, truncated


def applies(detector: str, item: TutorItem, mode: str) -> bool:
    """Whether the detector reads this answer at all (its denominator): reveal only in tutor mode with a known
    answer; echo only where the item has the student's wrong answer; the others always."""
    if detector == "reveal":
        return mode == "tutor" and bool(item.answers)
    if detector == "echo":
        return bool(item.student_answer) and bool(item.answers)
    return True


def _rate(rows: list[dict], items: dict, detector: str, key: str) -> dict | None:
    checked = [r for r in rows if key in r and applies(detector, items[r["id"]], r["mode"])]
    if not checked:
        return None
    flagged = sum(any(f["detector"] == detector for f in r[key]) for r in checked)
    return {"flagged": flagged, "checked": len(checked), "rate": round(flagged / len(checked), 4)}


def _passes(detector: str, mode: str, cell: dict | None) -> bool | None:
    if cell is None or (detector == "reveal" and mode != "tutor"):
        return None
    return cell["rate"] <= TARGETS[detector] + 1e-12


def summary(rows: list[dict], items: list[TutorItem], detectors) -> dict:
    """Everything the report shows, from the answer rows of benchmarks/tutor.py."""
    by_id = {i.id: i for i in items}
    sent = any("sent" in r for r in rows)
    rates, verdicts = {}, {}
    for mode in (*MODES, "all"):
        in_mode = [r for r in rows if mode in ("all", r["mode"])]
        rates[mode] = {}
        for det in detectors:
            cells = {}
            for who in ("base", "clone"):
                group = [r for r in in_mode if r["who"] == who]
                cells[f"raw_{who}s" if who == "clone" else "raw_base"] = _rate(group, by_id, det, "raw_findings")
                cells[f"sent_{who}s" if who == "clone" else "sent_base"] = (_rate(group, by_id, det, "sent_findings")
                                                                            if sent else None)
            rates[mode][det] = cells
            if mode != "all" and not (det == "reveal" and mode != "tutor"):
                verdicts.setdefault(mode, {})[det] = {col: _passes(det, mode, cells[col]) for col in COLUMNS}
    checked = [r for r in rows if "sent" in r and r["mode"] != "assess"]
    checks = {}
    for who in ("base", "clone", "all"):
        group = [r for r in checked if who in ("all", r["who"])]
        if group:
            checks[who] = {"answers": len(group),
                           "retry_rate": round(sum(r["retries"] > 0 for r in group) / len(group), 4),
                           "retries_per_answer": round(sum(r["retries"] for r in group) / len(group), 4),
                           "fallback_rate": round(sum(r["fallback"] for r in group) / len(group), 4)}
    latency = {"detector_ms_p50": _ms(rows, "detector_seconds", 0.5),
               "detector_ms_p95": _ms(rows, "detector_seconds", 0.95),
               "check_only_ms_p50": _ms(checked, "check_only_seconds", 0.5),
               "check_only_ms_p95": _ms(checked, "check_only_seconds", 0.95),
               "retry_decode_ms_p50": _ms(checked, "retry_decode_seconds", 0.5),
               "retry_decode_ms_p95": _ms(checked, "retry_decode_seconds", 0.95),
               "check_total_ms_p50": _ms(checked, "check_seconds", 0.5),
               "check_total_ms_p95": _ms(checked, "check_seconds", 0.95),
               "answer_ms_p50": _ms(rows, "answer_seconds", 0.5), "answer_ms_p95": _ms(rows, "answer_seconds", 0.95)}
    counts = {"items": len(items), "answers": Counter(r["who"] for r in rows),
              "items_by_mode": Counter(i.mode for i in items), "items_by_subject": Counter(i.subject for i in items),
              "items_by_grade": dict(sorted(Counter(i.grade for i in items).items())),
              "clone_answers_by_student": Counter(r["student"] for r in rows if r["who"] == "clone"),
              "finish_reasons": Counter(f"{r['who']}:{r['finish_reason']}" for r in rows),
              "assess_methods": Counter(r.get("method") for r in rows if r["mode"] == "assess"),
              "assess_overlap_notes": Counter(r.get("note") for r in rows if r.get("method") == "overlap")}
    return {"targets": TARGETS, "rates": rates, "verdicts": verdicts, "checks": checks, "latency": latency,
            "counts": {k: dict(v) if isinstance(v, Counter) else v for k, v in counts.items()},
            "examples": _examples(rows, detectors)}


def _ms(rows: list[dict], key: str, q: float) -> float | None:
    values = [r[key] for r in rows if r.get(key) is not None]
    return round(pct(values, q) * 1000, 1) if values else None


def _examples(rows: list[dict], detectors) -> dict:
    out = {}
    for key in ("raw_findings", "sent_findings"):
        for det in detectors:
            picked = []
            for who in ("base", "clone"):  # base and clone examples, alternating, mode by mode
                for r in rows:
                    f = next((f for f in r.get(key) or [] if f["detector"] == det), None)
                    if f is not None and r["who"] == who and sum(p["who"] == who for p in picked) < (EXAMPLES + 1) // 2:
                        text = r["raw" if key == "raw_findings" else "sent"]
                        picked.append({"id": r["id"], "who": r["who"], "student": r["student"], "mode": r["mode"],
                                       "reason": f["reason"], "span": f["span"][:CHARS],
                                       "text": text[:CHARS] + ("..." if len(text) > CHARS else "")})
            if picked:
                out.setdefault(key.split("_")[0], {})[det] = picked[:EXAMPLES + 1]
    return out


# -- markdown ------------------------------------------------------------------------------------------

def _cell(cell: dict | None, verdict: bool | None) -> str:
    if cell is None:
        return "-"
    mark = "" if verdict is None else (" PASS" if verdict else " FAIL")
    return f"{cell['rate']:.1%} ({cell['flagged']}/{cell['checked']}){mark}"


def markdown(result: dict) -> str:
    sent = result["sent_checks"] != "pending"
    sec, c = result["seconds"], result["counts"]
    lines = [
        "# Tutoring benchmark (issue 14)", "",
        f"Model: {result['model']} on {result['cpu']['key']}, {result['cpu']['cores']} cores, torch threads "
        f"{result['threads']}. Commit {result['commit']}, {result['date']}. "
        f"Command: `{result.get('command', 'python -m benchmarks.tutor')}`"
        f" (`make eval-tutor` runs the full set).", "",
        f"Items: {c['items']} of `{result['items_file']}` (the blind set; nothing is tuned on it), by mode "
        f"{c['items_by_mode']}, by subject {c['items_by_subject']}, by grade {c['items_by_grade']}. "
        f"Answers: {c['answers']}; clone answers by student {c['clone_answers_by_student']} (each item answered by the "
        "base model and by the clone of the sample student nearest its grade, with the item's profile).",
        "Clones: " + (", ".join(_clone(sid, v) for sid, v in result["clones"].items()) or "none") + ".",
        f"Sampling: the endpoint's defaults (temperature {result['sampling']['temperature']}, top_p "
        f"{result['sampling']['top_p']}, max_tokens {result['sampling']['max_tokens']}, repetition penalty "
        f"{result['repetition_penalty'] or 'none (the engine has none)'}), a seed per item; batching engine, "
        f"{result['engine_decode']} decode step"
        f"{', ' + result['engine_weights'] + ' weights' if result.get('engine_weights') else ''}. Finish reasons: {c['finish_reasons']}. Assess feedback by method: "
        f"{c['assess_methods']}.",
        (f"Open answers graded by word overlap (the last resort), why: {c['assess_overlap_notes']}. "
         if c.get("assess_overlap_notes") else "")
        + f"Answers that failed (not counted): {len(result.get('errors', []))}. Wall time: {sec['total']} s "
        f"(base load {sec['base_load']} s, clones {sec['clones']} s, answers and checks "
        f"{sec['answers']} s).", "",
        "Cells: share of answers the detector flags (flagged/checked). Targets are for what is sent (issue 14); "
        "PASS/FAIL is shown on every column. Reveal is read in tutor mode only; echo only on items with a "
        "student's wrong answer. RAW: the model's first answer (assess: the route's feedback). SENT: after "
        "`serving.answer_check` (checks, regenerations, the verified fallback)"
        + ("." if sent else ": **pending** (serving/answer_check.py had not landed when this ran)."),
        "Assess: the feedback `POST /v1/assess` gives (templates; open answers graded by the brain's label "
        "scores, never a student's adapter), sent as written, so its clone column equals the base's and its "
        "sent columns equal the raw ones.", "",
    ]
    lines += ["Targets met by what is sent (base and clones both): " + ", ".join(
        f"{mode} {sum(all(v.get(k) for k in ('sent_base', 'sent_clones')) for v in dets.values())}/{len(dets)}"
        for mode, dets in result["verdicts"].items()) if sent else "Targets for what is sent: pending.", ""]
    for mode in (*MODES, "all"):
        lines += [f"## {mode}" + (" (all modes together)" if mode == "all" else ""), "",
                  "| detector | target | raw base | raw clones | sent base | sent clones |",
                  "|---|---|---|---|---|---|"]
        for det, cells in result["rates"][mode].items():
            if det == "reveal" and mode != "tutor":
                continue
            v = result["verdicts"].get(mode, {}).get(det, {})
            sent_cells = [_cell(cells[k], v.get(k)) if sent else "pending" for k in ("sent_base", "sent_clones")]
            lines.append(f"| {det} | {TARGET_TEXT[det]} | {_cell(cells['raw_base'], v.get('raw_base'))} | "
                         f"{_cell(cells['raw_clones'], v.get('raw_clones'))} | {' | '.join(sent_cells)} |")
        lines.append("")
    lat = result["latency"]
    lines += ["## Checks: retries, fallbacks, added latency", ""]
    if sent and result["checks"]:
        lines += ["| answers of | answers checked | retried | retries per answer | fallback |", "|---|---|---|---|---|"]
        for who, ch in result["checks"].items():
            lines.append(f"| {who} | {ch['answers']} | {ch['retry_rate']:.1%} | {ch['retries_per_answer']} | "
                         f"{ch['fallback_rate']:.1%} |")
        lines += ["", "Added latency of checking (tutor and explain answers, per answer):", "",
                  "| | p50 | p95 |", "|---|---|---|",
                  f"| the checks alone (answer_check's detectors and fallback, every try; `quality.check_ms`) | "
                  f"{lat['check_only_ms_p50']} ms | {lat['check_only_ms_p95']} ms |",
                  f"| total extra time, first answer to the sent one (checks, retries, fallback) | "
                  f"{lat['check_total_ms_p50']} ms | {lat['check_total_ms_p95']} ms |",
                  *([f"| retries' generation from their first token on (no queue wait, no prefill) | "
                     f"{lat['retry_decode_ms_p50']} ms | {lat['retry_decode_ms_p95']} ms |"]
                    if lat.get("retry_decode_ms_p50") is not None else []),
                  f"| (the benchmark's own six detectors on a first answer) | {lat['detector_ms_p50']} ms | "
                  f"{lat['detector_ms_p95']} ms |", "",
                  "The total extra time is not a serving latency: the run submits every answer at once, so a "
                  "retry waits in the engine's queue behind the whole backlog of the run (the first answers "
                  f"themselves took p50 {_s(lat['answer_ms_p50'])}, p95 {_s(lat['answer_ms_p95'])} here, "
                  "most of it queued). The p50 is an answer that passed at once (checks only); on a server "
                  "with a free batch row, a retry adds about one more answer's generation time."]
    else:
        lines += [f"**Pending** (serving/answer_check.py had not landed). Detectors alone on one answer: p50 "
                  f"{lat['detector_ms_p50']} ms, p95 {lat['detector_ms_p95']} ms."]
    lines += ["", f"Answer time (submitted together, batched): p50 {lat['answer_ms_p50']} ms, p95 "
                  f"{lat['answer_ms_p95']} ms.", "", "## Flagged examples (truncated)", ""]
    for kind, by_det in result["examples"].items():
        for det, picked in by_det.items():
            lines.append(f"**{det}** ({kind}):")
            for e in picked:
                who = e["student"] or "base"
                lines.append(f"- `{e['id']}` {e['mode']}, {who}: {e['reason']}. Text: \"{_one_line(e['text'])}\"")
            lines.append("")
    return "\n".join(lines) + "\n"


def _s(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.1f} s"


def _clone(sid: str, v: dict) -> str:
    how = "adapter reused" if v["reused"] else f"trained in {v['seconds']} s"
    return f"{sid} (grade {v['grade']}, {how})"


def _one_line(text: str) -> str:
    return " ".join(text.split()).replace("|", "/")
