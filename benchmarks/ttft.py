"""Time to first token with 8 students asking at once: a first request, and a returning student's next
turn, with the prompt KV cache (serving/prefix_cache.py) and without it, side by side in one run; and the
pace of a running stream while a long prompt joins, prefilled at once or a chunk per step.

Each round takes 8 students who have not asked yet (their own rank-8 q/v adapters, random weights): all
8 send their first question at once (16 tokens each), then all 8 send their next turn at once: the
conversation resent (system prompt, profile, the first question, the answer they got) plus a new
question, as a chat client does. Two engines on the same model, one with the cache and one without,
take turns; 3 rounds each; p50/p95 over the 24 requests of each kind.

Run as: ``python -m benchmarks.run ttft`` (in ``make bench``) or ``python -m benchmarks.ttft`` (embedded model;
writes benchmarks/results/ttft.{json,md}).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.workload import PROMPTS, ResidentResolver, pct, random_adapter_dir
from brain.settings import Settings

SERVED = Settings.model_fields["serving_weights"].default  # the decode precision an endpoint serves by default
FOLLOW_UP = "Can you explain that another way, with an example?"
ROUNDS = 3


def _turns(tok, student: str, i: int, answer: str | None = None) -> list[int]:
    from brain.prompts import build_messages, chat_ids
    from brain.schemas import StudentProfile

    messages = build_messages(StudentProfile(student_id=student, grade=3 + i % 6), PROMPTS[i % len(PROMPTS)])
    if answer is not None:
        messages += [{"role": "assistant", "content": answer}, {"role": "user", "content": FOLLOW_UP}]
    return chat_ids(tok, messages)


def _at_once(engine, requests: list[tuple[str, list[int]]], tokens: int = 16) -> list:
    from serving.engine import EngineRequest

    streams = [engine.submit(EngineRequest(ids, tokens, 0.0, student_id=s)) for s, ids in requests]
    return [st.result(600)[1] for st in streams]


def bench(base) -> dict:
    from serving.engine import Engine
    from serving.lora_bank import read_adapter

    tmp = Path(tempfile.mkdtemp(prefix="aivo-bench-ttft-"))
    students = [f"t{i}" for i in range(8 * ROUNDS * 2)]
    warm = [f"w{i}" for i in range(8)]  # never measured: their prompts warm the kernels and the bank
    weights = {s: read_adapter(random_adapter_dir(base.model, tmp / s, i)) for i, s in enumerate(students + warm)}
    engines = {name: Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(weights),
                            max_batch=16, slots=len(weights) + 1, prefix_cache_bytes=size, weights=SERVED).start()
               for name, size in (("cache", 256 * 2**20), ("no_cache", 0))}
    first = {n: [] for n in engines}
    returning = {n: [] for n in engines}
    prompt_tokens = {"first": [], "returning": []}
    try:
        for engine in engines.values():  # warm: kernels built, the prefill and decode paths run once
            _at_once(engine, [(s, _turns(base.tokenizer, s, i)) for i, s in enumerate(warm)], tokens=2)
        for r in range(ROUNDS):
            for k, (name, engine) in enumerate(engines.items()):
                group = students[(2 * r + k) * 8:(2 * r + k + 1) * 8]  # students new to this engine
                asks = [(s, _turns(base.tokenizer, s, i)) for i, s in enumerate(group)]
                answers = _at_once(engine, asks)
                first[name] += [f.ttft_s for f in answers]
                nexts = [(s, _turns(base.tokenizer, s, i, a.text)) for i, (s, a) in enumerate(zip(group, answers))]
                again = _at_once(engine, nexts)
                returning[name] += [f.ttft_s for f in again]
                prompt_tokens["first"] += [len(ids) for _, ids in asks]
                prompt_tokens["returning"] += [len(ids) for _, ids in nexts]
        stats = engines["cache"].stats()
    finally:
        for engine in engines.values():
            engine.stop()

    def ms(values, q):
        return round(pct(values, q) * 1000, 1)

    out = {"model": str(base.name), "concurrent": 8, "rounds": ROUNDS, "tokens_per_answer": 16,
           "prompt_tokens_mean": {k: round(sum(v) / len(v)) for k, v in prompt_tokens.items()},
           "prefix_tokens_reused": stats["prefix_tokens_reused"], "prefix_hits": stats["prefix_hits"],
           "weights": stats["weights"]}
    for name in engines:
        out[name] = {"first_p50_ms": ms(first[name], 0.5), "first_p95_ms": ms(first[name], 0.95),
                     "returning_p50_ms": ms(returning[name], 0.5), "returning_p95_ms": ms(returning[name], 0.95)}
    print(f"(ttft) {out}", file=sys.stderr)
    return out


def pace(base, rounds: int = ROUNDS) -> dict:
    """The longest gap between two tokens of a running stream while a long prompt (a conversation of about
    1,500 tokens) joins the batch: prefilled at once, and a chunk per decode step (``prefill_chunk`` 256)."""
    from brain.prompts import build_messages, chat_ids
    from brain.schemas import StudentProfile
    from serving.engine import Engine, EngineRequest

    messages = build_messages(StudentProfile(student_id="long", grade=6), PROMPTS[1])
    while len(chat_ids(base.tokenizer, messages)) < 1500:
        messages += [{"role": "assistant", "content": "Leaves have chlorophyll, which is green and catches light. "
                      "In autumn trees stop making it, so yellow and orange pigments show."},
                     {"role": "user", "content": "Why do some leaves turn red instead, and why do they fall?"}]
    long_ids = chat_ids(base.tokenizer, messages)
    engines = {name: Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), None, max_batch=4,
                            prefix_cache_bytes=0, prefill_chunk=chunk, weights=SERVED).start()
               for name, chunk in (("chunked", 256), ("at_once", 0))}
    gaps = {n: [] for n in engines}
    try:
        for _ in range(rounds):
            for name, engine in engines.items():
                running = engine.submit(EngineRequest(_turns(base.tokenizer, "r", 0), 160, 0.0, ignore_eos=True))
                times, joined = [], None
                for kind, _ in running.events(600):
                    if kind == "text":
                        times.append(time.perf_counter())
                        if len(times) == 20:
                            joined = engine.submit(EngineRequest(long_ids, 8, 0.0))
                joined.result(600)
                gaps[name].append(max(b - a for a, b in zip(times[19:], times[20:])))
    finally:
        for engine in engines.values():
            engine.stop()
    return {"long_prompt_tokens": len(long_ids), "prefill_chunk": 256,
            **{f"{n}_max_gap_ms": round(pct(v, 0.5) * 1000, 1) for n, v in gaps.items()}}


def markdown(r: dict) -> str:
    c, n = r["cache"], r["no_cache"]
    return "\n".join([
        "# Time to first token, 8 students at once: the prompt KV cache", "",
        f"Model {r['model']}; 8 students with their own rank-8 adapters ask at once, {r['rounds']} rounds, "
        f"{r['tokens_per_answer']} tokens per answer, decode weights {r.get('weights', 'fp32')} (the endpoint's default; prefill "
        f"is fp32); prompts {r['prompt_tokens_mean']['first']} tokens on average for "
        f"a first request, {r['prompt_tokens_mean']['returning']} for the next turn (the conversation resent). "
        "Two engines, with and without the cache, in one run, taking turns. Command: `python -m benchmarks.ttft`.", "",
        "| | with the cache, p50 / p95 ms | without, p50 / p95 ms | target p50 |", "|---|---|---|---|",
        f"| first request | {c['first_p50_ms']} / {c['first_p95_ms']} | {n['first_p50_ms']} / {n['first_p95_ms']} | <= 1000 |",
        f"| returning student's next turn | {c['returning_p50_ms']} / {c['returning_p95_ms']} | "
        f"{n['returning_p50_ms']} / {n['returning_p95_ms']} | <= 300 |", "",
        f"The cache reused {r['prefix_tokens_reused']} prompt tokens over {r['prefix_hits']} requests.", "",
        "## A running stream while a long prompt joins", "",
        f"The longest gap between two tokens of a running stream while a {r['pace']['long_prompt_tokens']}-token "
        f"conversation joins the batch (median of {r['rounds']} rounds): {r['pace']['at_once_max_gap_ms']} ms "
        f"when it is prefilled at once, {r['pace']['chunked_max_gap_ms']} ms when it is prefilled "
        f"{r['pace']['prefill_chunk']} tokens per decode step.", ""])


def main() -> None:
    import os

    import torch

    from brain.models import load_base_model
    from brain.settings import Settings

    repo = Path(__file__).resolve().parents[1]
    cache = Path(os.environ.get("AIVO_MODEL_CACHE", repo / ".aivo" / "models"))
    settings = Settings(_env_file=None, base_model="smollm2-135m-instruct", model_cache=cache,
                        data_dir=Path(tempfile.mkdtemp(prefix="aivo-bench-ttft-data-")))
    torch.set_grad_enabled(False)
    torch.set_num_threads(settings.cpu_threads())
    base = load_base_model(settings)
    result = {"bench": "ttft", "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **bench(base),
              "pace": pace(base)}
    out = repo / "benchmarks" / "results"
    (out / "ttft.json").write_text(json.dumps(result, indent=2) + "\n")
    (out / "ttft.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main()
