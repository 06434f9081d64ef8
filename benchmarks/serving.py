"""Serving benchmark: the batching engine with many students' adapters (embedded SmolLM2-135M, this machine).

Everything is measured side by side in one run, so the ratios hold on a
noisy shared machine. Adapters are rank-8 q/v LoRAs of the shape the
pipeline trains (random weights: speed does not depend on what they learnt).

(a) 8 concurrent students on 8 different adapters vs the same 8 requests on one adapter (throughput ratio);
(b) the same 8 students vs one request at a time with PEFT adapter swapping (``set_adapter`` + ``generate``);
(c) 1,000 adapters resident with 32 active students vs 8 adapters with 32 requests (throughput drop);
(d) adapter cold load from the S3 store (download + checksum + read + copy into the bank), p50/p95;
    warm switch (a resident adapter picked for a row: slot lookup + row index), p50/p95;
(e) batch-1 decode tokens/s against the memory-bandwidth bound (bandwidth measured here, bound = bandwidth /
    bytes of weights read per token);
(f) time to first token p50/p95 with 8 concurrent students.
"""

from __future__ import annotations

import copy
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

from benchmarks.workload import (TOKENS, ResidentResolver, pct, peft_sequential_tokens_per_s, prompt_ids,
                                 random_adapter_dir, run_requests, throughput)


def _bandwidth_gbs(reps: int = 5) -> tuple[float, float]:
    """(read, copy) memory bandwidth in GB/s over 512 MB buffers, best of ``reps``, all torch threads.

    Decoding reads the weights and writes almost nothing, so the bound uses the read figure (a sum over
    the buffer); the copy figure (read + write bytes, as STREAM counts it) is reported beside it."""
    n = 128 * 2**20  # 512 MB of fp32: well past every cache
    a, b = torch.ones(n), torch.empty(n)
    b.copy_(a)
    a.sum()
    read = copy = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        a.sum()
        read = min(read, time.perf_counter() - t)
        t = time.perf_counter()
        b.copy_(a)
        copy = min(copy, time.perf_counter() - t)
    return n * 4 / read / 1e9, 2 * n * 4 / copy / 1e9


def _matvec_only_seconds(model) -> dict[str, float]:
    """Seconds to run every Linear layer of the model once on a single token (best of 5): with the
    stock ``F.linear`` and with the oneDNN-packed weights the engine serves with."""
    from serving.kernels import PackedLinear, packed_enabled

    linears = [m for m in model.modules() if type(m) is torch.nn.Linear]
    kinds = {"stock_linear": linears}
    w = linears[0].weight
    if packed_enabled(w.device, w.dtype):
        kinds["onednn_packed"] = [PackedLinear(m) for m in linears]
    inputs = {f: torch.randn(1, 1, f, dtype=w.dtype, device=w.device) for f in {m.in_features for m in linears}}
    out = {}
    for kind, layers in kinds.items():
        best = float("inf")
        for _ in range(6):
            t = time.perf_counter()
            for layer in layers:
                layer(inputs[layer.in_features])
            best = min(best, time.perf_counter() - t)
        out[kind] = best
    return out


def bench_serving(settings_factory) -> dict:
    from brain.models import load_base_model
    from registry import servers, storage
    from serving.adapters import AdapterResolver, Choice
    from serving.engine import Engine, EngineRequest
    from serving.lora_bank import read_adapter

    torch.set_grad_enabled(False)
    data_dir = Path(tempfile.mkdtemp(prefix="aivo-bench-serving-"))
    settings = settings_factory(data_dir)
    base = load_base_model(settings)
    torch.set_num_threads(settings.cpu_threads())
    out: dict = {"model": settings.base_model, "device": base.device.type, "threads": torch.get_num_threads(),
                 "tokens_per_request": TOKENS}
    adir = data_dir / "adapters"
    dirs = [random_adapter_dir(base.model, adir / f"a{i}", i) for i in range(8)]
    eight = {f"s{i}": read_adapter(d) for i, d in enumerate(dirs)}

    # (a) and (b) -----------------------------------------------------------------
    engine = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(eight), max_batch=32,
                    slots=16).start()
    run_requests(engine, list(eight))  # warm: every adapter resident
    different = same = 0.0
    for _ in range(3):  # interleaved, best of 3 each: a burst of noise on this shared machine hits both
        different = max(different, throughput(engine, list(eight), rounds=1))
        same = max(same, throughput(engine, ["s0"] * 8, rounds=1))
    engine.stop()
    out["a"] = {"tokens_per_s_8_adapters": round(different, 1), "tokens_per_s_1_adapter": round(same, 1),
                "ratio": round(different / same, 3), "target": ">= 0.9", "peft_mixed_batch_reference": 0.74}
    print(f"(a) {out['a']}", file=sys.stderr)

    sequential = peft_sequential_tokens_per_s(base, dirs)
    tok = base.tokenizer
    out["b"] = {"tokens_per_s_batched": round(different, 1), "tokens_per_s_sequential_peft_swap": round(sequential, 1),
                "ratio": round(different / sequential, 2), "target": ">= 5x", "peft_mixed_batch_reference": 3.4}
    print(f"(b) {out['b']}", file=sys.stderr)

    # (c) 1,000 resident adapters, 32 active vs 8 adapters --------------------------------------
    many = {f"m{i}": eight[f"s{i % 8}"] for i in range(1000)}  # 1,000 distinct slots (weights shared on the CPU side)
    big = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(many), max_batch=32,
                 slots=1001, cache_bytes=8 * 2**30).start()
    from serving.adapters import Choice as _Choice

    t = time.perf_counter()
    for i in range(1000):  # make all 1,000 resident (the engine is idle: its bank may be written from here)
        big._slot_for(_Choice((f"m{i}", "1"), "1", "bench"), many[f"m{i}"])
    fill = time.perf_counter() - t
    active = [f"m{(37 * j) % 1000}" for j in range(32)]
    run_requests(big, active)
    resident = big.stats()["adapters_loaded"]
    small = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(eight), max_batch=32,
                   slots=9).start()
    students8 = [f"s{j % 8}" for j in range(32)]
    run_requests(small, students8)
    tp_1000 = tp_8 = 0.0
    for _ in range(3):  # interleaved, best of 3 each (both engines idle while the other runs)
        tp_1000 = max(tp_1000, throughput(big, active, rounds=1))
        tp_8 = max(tp_8, throughput(small, students8, rounds=1))
    big.stop()
    small.stop()
    out["c"] = {"resident_adapters": resident, "tokens_per_s_1000_adapters_32_active": round(tp_1000, 1),
                "tokens_per_s_8_adapters_32_requests": round(tp_8, 1),
                "drop": round(1 - tp_1000 / tp_8, 3), "target": "<= 0.10", "s_lora_reference": 0.055,
                "seconds_to_make_1000_resident": round(fill, 1)}
    print(f"(c) {out['c']}", file=sys.stderr)

    # (d) cold load from the S3 store, warm switch ------------------------------------------------
    servers.up(settings, only=["s3"], echo=lambda m: print(m, file=sys.stderr))
    try:
        choices = []
        for i in range(40):
            prefix = f"adapters/cold-{i}/v1"
            storage.upload_dir(settings, random_adapter_dir(base.model, adir / f"cold{i}", 100 + i), prefix)
            choices.append(Choice((f"cold-{i}", "1"), "1", "bench", prefix))
        resolver = AdapterResolver(settings, "0")
        cold_engine = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), None, slots=64)
        cold = []
        for i, choice in enumerate(choices):
            t = time.perf_counter()
            weights = resolver.weights(choice)  # S3 -> disk (checksums) -> tensors
            cold_engine._slot_for(choice, weights)  # -> a bank slot
            cold.append(time.perf_counter() - t)
        warm = []
        for i in range(2000):
            choice = choices[i % 40]
            t = time.perf_counter()
            slot = cold_engine._slot_for(choice, None)
            cold_engine.bank.set_rows([slot], base.device)
            warm.append(time.perf_counter() - t)
        size = sum(p.stat().st_size for p in (adir / "cold0").iterdir())
    finally:
        servers.stop_service(settings, "s3")
    out["d"] = {"cold_load_ms_p50": round(pct(cold, 0.5) * 1000, 1), "cold_load_ms_p95": round(pct(cold, 0.95) * 1000, 1),
                "cold_target_ms": 100, "warm_switch_ms_p50": round(pct(warm, 0.5) * 1000, 4),
                "warm_switch_ms_p95": round(pct(warm, 0.95) * 1000, 4), "warm_target_ms": 1,
                "adapter_bytes": size, "samples": len(cold)}
    print(f"(d) {out['d']}", file=sys.stderr)

    # (e) batch-1 decode vs the bandwidth bound ------------------------------------------------------
    # This machine's bandwidth moves (other tenants): each round reads the bandwidth, decodes with the
    # native step, reads it again, decodes with the PyTorch step (the same engine and cache, ``engine.fast``
    # switched while idle) and reads it a third time; each decode's fraction is taken against the higher
    # of the readings just before and just after it.
    engine = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(eight),
                    slots=16).start()
    native = engine.fast
    weight_bytes = sum(p.numel() * p.element_size() for p in base.model.parameters())

    def decode_rate() -> float:
        run_requests(engine, ["s0"], tokens=8)
        best = 0.0
        for _ in range(2):
            st = engine.submit(EngineRequest(prompt_ids(tok, 0), 64, 0.0, student_id="s0", ignore_eos=True))
            times = [time.perf_counter() for kind, _ in st.events(600) if kind == "text"]
            if len(times) > 10:
                best = max(best, (len(times) - 1) / (times[-1] - times[0]))
        return best

    rounds = []
    for _ in range(7):
        bw1, copy1 = _bandwidth_gbs(reps=3)
        engine.fast = native
        rate_native = decode_rate() if native is not None else float("nan")
        bw2, copy2 = _bandwidth_gbs(reps=3)
        engine.fast = None
        rate_torch = decode_rate()
        bw3, _ = _bandwidth_gbs(reps=3)
        # each decode against the higher of the readings just before and just after it: the bound least
        # favourable to it (bandwidth, copy bandwidth, native rate, its bound; PyTorch rate, its bound)
        rounds.append((max(bw1, bw2), max(copy1, copy2), rate_native, rate_torch, max(bw2, bw3)))
    engine.fast = native
    # (f) time to first token, 8 concurrent students ---------------------------------------------------
    ttft = []
    for _ in range(5):
        _, _, results = run_requests(engine, list(eight), tokens=16)
        ttft += [f.ttft_s for _, f in results]
    engine.stop()
    kernels = _matvec_only_seconds(base.model)
    fractions = [r[2] * weight_bytes / (r[0] * 1e9) for r in rounds]
    fractions_torch = [r[3] * weight_bytes / (r[4] * 1e9) for r in rounds]
    bw = pct([r[0] for r in rounds], 0.5)
    bound = bw * 1e9 / weight_bytes
    out["e"] = {"decode_path": engine.decode_path,
                "decode_tokens_per_s_batch1": round(pct([r[2] for r in rounds], 0.5), 1),
                "bandwidth_GB_s": round(bw, 1),
                "bandwidth_GB_s_range": [round(min(r[0] for r in rounds), 1), round(max(r[0] for r in rounds), 1)],
                "copy_bandwidth_GB_s": round(pct([r[1] for r in rounds], 0.5), 1),
                "weight_bytes": weight_bytes, "bound_tokens_per_s": round(bound, 1),
                "fraction_of_bound": round(pct(fractions, 0.5), 3), "target": ">= 0.6",
                "fraction_per_round": [round(f, 3) for f in fractions], "rounds": len(rounds),
                # the same engine with the PyTorch decode step (the path before the native step; still the
                # path on GPUs and for other architectures)
                "pytorch_step_tokens_per_s_batch1": round(pct([r[3] for r in rounds], 0.5), 1),
                "pytorch_step_fraction_of_bound": round(pct(fractions_torch, 0.5), 3),
                "native_vs_pytorch": round(pct([r[2] / r[3] for r in rounds], 0.5), 2),
                # every Linear of the model once on one token, nothing else: what the PyTorch matrix-vector
                # kernels alone allow (no attention, norms, sampling or Python), as a fraction of the bound
                "matvec_only_ms": {k: round(v * 1000, 1) for k, v in kernels.items()},
                "matvec_only_fraction_of_bound": {k: round(1 / v / bound, 3) for k, v in kernels.items()}}
    out["f"] = {"ttft_ms_p50": round(pct(ttft, 0.5) * 1000, 1), "ttft_ms_p95": round(pct(ttft, 0.95) * 1000, 1),
                "concurrent": 8, "samples": len(ttft), "reference_gpu_p50_ms": 200}
    print(f"(e) {out['e']}\n(f) {out['f']}", file=sys.stderr)
    return out


def markdown(result: dict) -> str:
    a, b, c, d, e, f = (result[k] for k in "abcdef")
    lines = [
        "# Serving benchmark (embedded SmolLM2-135M-Instruct, CPU)", "",
        f"Machine: {os.cpu_count()} cores, torch threads {result['threads']}, device {result['device']}. "
        f"Command: `python -m benchmarks.run serving`. Greedy, {result['tokens_per_request']} tokens per request "
        "unless said otherwise; rank-8 q/v adapters; all rows measured side by side in one run.", "",
        "| | measure | ours | target | reference |", "|---|---|---|---|---|",
        f"| (a) | 8 students on 8 adapters vs same 8 requests on 1 adapter | {a['ratio']} "
        f"({a['tokens_per_s_8_adapters']} vs {a['tokens_per_s_1_adapter']} tok/s) | >= 0.9 | PEFT mixed batch 0.74 |",
        f"| (b) | batched 8 students vs one at a time with PEFT adapter swapping | {b['ratio']}x "
        f"({b['tokens_per_s_batched']} vs {b['tokens_per_s_sequential_peft_swap']} tok/s) | >= 5x | PEFT mixed batch 3.4x |",
        f"| (c) | 1,000 resident adapters, 32 active vs 8 adapters | drop {c['drop']:.1%} "
        f"({c['tokens_per_s_1000_adapters_32_active']} vs {c['tokens_per_s_8_adapters_32_requests']} tok/s) | <= 10% | "
        "S-LoRA 5.5% |",
        f"| (d) | adapter cold load from S3, p50 / p95 | {d['cold_load_ms_p50']} / {d['cold_load_ms_p95']} ms | "
        f"p95 <= 100 ms | - |",
        f"| (d) | warm switch, p50 / p95 | {d['warm_switch_ms_p50']} / {d['warm_switch_ms_p95']} ms | <= 1 ms | - |",
        f"| (e) | batch-1 decode vs bandwidth bound ({e['decode_path']} step) | {e['fraction_of_bound']} "
        f"(median of {e['rounds']} rounds, each against its own bound, the higher of the bandwidth read just before and just after it: {', '.join(map(str, e['fraction_per_round']))}; "
        f"{e['decode_tokens_per_s_batch1']} tok/s; bound {e['bound_tokens_per_s']} = read {e['bandwidth_GB_s']} GB/s "
        f"(range {e['bandwidth_GB_s_range'][0]}-{e['bandwidth_GB_s_range'][1]}) / {e['weight_bytes'] / 1e6:.0f} MB of "
        f"fp32 weights; copy bandwidth {e['copy_bandwidth_GB_s']} GB/s) | >= 0.6 | - |",
        f"| (e'') | the same engine with the PyTorch decode step | {e['pytorch_step_fraction_of_bound']} "
        f"({e['pytorch_step_tokens_per_s_batch1']} tok/s; native step {e['native_vs_pytorch']}x faster) | - | - |",
        f"| (e') | every Linear once on one token through PyTorch, nothing else, vs the same bound | "
        + ", ".join(f"{k}: {v} ({e['matvec_only_ms'][k]} ms)" for k, v in e["matvec_only_fraction_of_bound"].items())
        + " | - | - |",
        f"| (f) | time to first token, 8 concurrent, p50 / p95 | {f['ttft_ms_p50']} / {f['ttft_ms_p95']} ms | - | "
        "200 ms p50 on a GPU |",
    ]
    return "\n".join(lines) + "\n"
