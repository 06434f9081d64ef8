"""The serving benchmarks' workload on the batching engine, shared by benchmarks/serving.py and
benchmarks/device_engine.py: the prompts, random rank-8 q/v adapters in PEFT format, a resolver of
resident adapters, one request per student submitted at once (timed), and the baseline of PEFT
adapter swapping one request at a time.

Not run on its own: ``python -m benchmarks.run serving`` / ``python -m benchmarks.device_engine``.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import torch

from brain.prompts import build_messages, chat_ids
from brain.schemas import StudentProfile

TOKENS = 128  # a homework-help answer is a paragraph; 32-token rows would mostly measure prompt prefill
PROMPTS = ["What is 3/4 of 12?", "Why do leaves change color in the fall?", "How do I find the main idea of a story?",
           "Explain what a prime number is.", "What is the difference between weather and climate?",
           "How do I add fractions with different denominators?", "What does a verb do in a sentence?",
           "Why does the moon have phases?"]


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (the nearest rank)."""
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def random_adapter_dir(model, path: Path, seed: int, rank: int = 8) -> Path:
    """A PEFT-format rank-8 q/v adapter (what the pipeline saves), random weights."""
    import json

    from safetensors.torch import save_file

    g = torch.Generator().manual_seed(seed)
    tensors = {}
    for name, mod in model.named_modules():
        if name.endswith(("q_proj", "v_proj")) and isinstance(mod, torch.nn.Linear):
            tensors[f"base_model.model.{name}.lora_A.weight"] = (torch.randn(rank, mod.in_features, generator=g)
                                                                 * 0.02).half()
            tensors[f"base_model.model.{name}.lora_B.weight"] = (torch.randn(mod.out_features, rank, generator=g)
                                                                 * 0.02).half()
    path.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path / "adapter_model.safetensors"))
    (path / "adapter_config.json").write_text(json.dumps({
        "peft_type": "LORA", "r": rank, "lora_alpha": 16, "target_modules": ["q_proj", "v_proj"],
        "lora_dropout": 0.0, "bias": "none", "task_type": "CAUSAL_LM", "base_model_name_or_path": "bench"}))
    return path


class ResidentResolver:
    """Student -> resident adapter weights (the registry lookup is off the generation path;
    benchmarks/serving.py (d) times it apart)."""

    def __init__(self, weights: dict):
        self.w = weights

    def choose(self, student_id):
        from serving.adapters import Choice

        return Choice((student_id, "1"), "1", f"student-{student_id} v1")

    def weights(self, choice):
        return self.w[choice.key[0]]

    def forget(self, student_id):
        return []


def prompt_ids(tok, i: int) -> list[int]:
    """Token ids of the ``i``-th request: a question of ``PROMPTS`` from a student of grade 3 to 8."""
    profile = StudentProfile(student_id=f"b{i}", grade=3 + i % 6)
    return chat_ids(tok, build_messages(profile, PROMPTS[i % len(PROMPTS)]))


def run_requests(engine, students: list[str | None], tokens: int = TOKENS):
    """Submit one request per student at once; (wall seconds, generated tokens, results)."""
    from serving.engine import EngineRequest

    start = time.perf_counter()
    streams = [engine.submit(EngineRequest(prompt_ids(engine.tok, i), tokens, 0.0, student_id=s, ignore_eos=True))
               for i, s in enumerate(students)]
    results = [st.result(600) for st in streams]
    wall = time.perf_counter() - start
    return wall, sum(f.completion_tokens for _, f in results), results


def throughput(engine, students, rounds: int = 3) -> float:
    """Generated tokens per second, best of ``rounds`` runs of one request per student."""
    best = 0.0
    for _ in range(rounds):
        wall, n, _ = run_requests(engine, students)
        best = max(best, n / wall)
    return best


def peft_sequential_tokens_per_s(base, dirs: list[Path], warm_up: bool = False) -> float:
    """(b)'s baseline: the 8 requests one at a time, PEFT swapping adapters (``set_adapter`` + ``generate``)."""
    from peft import PeftModel

    peft = PeftModel.from_pretrained(copy.deepcopy(base.model), str(dirs[0]), adapter_name="s0").eval()
    for i, d in enumerate(dirs[1:], 1):
        peft.load_adapter(str(d), adapter_name=f"s{i}")
    tok = base.tokenizer

    def generate(i: int, tokens: int) -> int:
        peft.set_adapter(f"s{i}")
        ids = torch.tensor([prompt_ids(tok, i)], device=base.device)
        gen = peft.generate(input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=tokens,
                            min_new_tokens=tokens, do_sample=False, pad_token_id=tok.pad_token_id)
        return gen.shape[1] - ids.shape[1]

    if warm_up:
        generate(0, 8)
    start = time.perf_counter()
    n = sum(generate(i, TOKENS) for i in range(len(dirs)))
    if base.device.type == "cuda":
        torch.cuda.synchronize()
    return n / (time.perf_counter() - start)
