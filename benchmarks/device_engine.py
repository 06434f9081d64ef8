"""The batching engine on whatever device this machine has (a GPU when present), no servers needed.

``benchmarks/serving.py`` is the full serving benchmark on the embedded model (CPU here, S3 server
included). This one runs where the stack is not installed, e.g. a GPU machine that cannot reach
a package index: a model of the embedded model's *shape* (config and tokenizer from a directory;
random weights, since speed does not depend on them), rank-8 q/v adapters, and the engine alone.

Measured side by side in one run:
(a) 8 students on 8 adapters vs the same 8 requests on one adapter;
(b) the 8 batched vs one at a time with PEFT adapter swapping (``set_adapter`` + ``generate``),
    and vs one at a time through the engine (the batching gain alone, same kernels);
(e) batch-1 decode tokens/s against the memory-bandwidth bound (device read bandwidth measured
    here / bytes of weights);
(f) time to first token p50/p95 with 8 concurrent students;
plus throughput at 8, 32 and 64 concurrent students;
and then both engines side by side, ours and vLLM's (benchmarks/engines.py: batch-1 decode, also as a
fraction of the bound, and 8/32/64 students on their own adapters), when vLLM is importable here
(``AIVO_VLLM_PYTHON``, ``.venv/vllm``, or this Python); otherwise the result says why not.

Run as: ``python -m benchmarks.device_engine --shape-of DIR [--out DIR]`` (DIR holds config.json
and the tokenizer, e.g. ``.aivo/models/smollm2-135m-instruct``). Writes ``device-<kind>.json``/``.md``.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import torch

from benchmarks.workload import (TOKENS, ResidentResolver, pct, peft_sequential_tokens_per_s, prompt_ids,
                                 random_adapter_dir, run_requests, throughput)


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def read_bandwidth_gbs(device: torch.device) -> float:
    """Read bandwidth: a sum over a buffer far larger than every cache, best of 5."""
    n = (512 if device.type == "cuda" else 128) * 2**20
    a = torch.ones(n, device=device)
    a.sum()
    _sync(device)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        a.sum()
        _sync(device)
        best = min(best, time.perf_counter() - t)
    return n * 4 / best / 1e9


def load_shaped(shape_of: Path, device: torch.device):
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    from brain.models import LoadedModel

    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    config = AutoConfig.from_pretrained(shape_of)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        model = AutoModelForCausalLM.from_config(config, dtype=dtype)
    model.to(device).eval()
    tok = AutoTokenizer.from_pretrained(shape_of)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return LoadedModel(model, tok, f"random weights shaped as {shape_of.name}", device, dtype, None, 0.0, False)


def bench(shape_of: Path) -> dict:
    from serving.engine import Engine, EngineRequest
    from serving.lora_bank import read_adapter

    torch.set_grad_enabled(False)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    base = load_shaped(shape_of, device)
    out: dict = {"device": device.type, "dtype": str(base.dtype).removeprefix("torch."),
                 "gpu": torch.cuda.get_device_name(0) if device.type == "cuda" else None,
                 "model": base.name, "params": base.num_parameters, "tokens_per_request": TOKENS,
                 "torch": torch.__version__, "when": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    adir = Path(tempfile.mkdtemp(prefix="aivo-device-bench-"))
    dirs = [random_adapter_dir(base.model, adir / f"a{i}", i) for i in range(8)]
    eight = {f"s{i}": read_adapter(d) for i, d in enumerate(dirs)}
    many = {f"m{i}": eight[f"s{i % 8}"] for i in range(64)}
    many.update(eight)

    engine = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), ResidentResolver(many), max_batch=64,
                    slots=80, cache_bytes=2**30).start()
    run_requests(engine, list(eight))
    different = throughput(engine, list(eight))
    same = throughput(engine, ["s0"] * 8)
    one_at_a_time_t = time.perf_counter()
    n = 0
    for s in eight:
        _, k, _ = run_requests(engine, [s])
        n += k
    engine_sequential = n / (time.perf_counter() - one_at_a_time_t)
    scale = {}
    for width in (8, 32, 64):
        students = [f"m{i}" for i in range(width)]
        run_requests(engine, students, tokens=8)
        scale[width] = round(throughput(engine, students, rounds=2), 1)
    # (e) batch-1 decode and (f) TTFT
    rates = []
    for _ in range(3):
        st = engine.submit(EngineRequest(prompt_ids(base.tokenizer, 0), 64, 0.0, student_id="s0", ignore_eos=True))
        times = [time.perf_counter() for kind, _ in st.events(600) if kind == "text"]
        if len(times) > 10:
            rates.append((len(times) - 1) / (times[-1] - times[0]))
    ttft = []
    for _ in range(5):
        _, _, results = run_requests(engine, list(eight), tokens=16)
        ttft += [f.ttft_s for _, f in results]
    stats = engine.stats()
    engine.stop()

    sequential = peft_sequential_tokens_per_s(base, dirs, warm_up=True)

    bw = read_bandwidth_gbs(device)
    weight_bytes = sum(p.numel() * p.element_size() for p in base.model.parameters())
    bound = bw * 1e9 / weight_bytes
    decode = max(rates)
    out.update({
        "a": {"tokens_per_s_8_adapters": round(different, 1), "tokens_per_s_1_adapter": round(same, 1),
              "ratio": round(different / same, 3), "target": ">= 0.9"},
        "b": {"tokens_per_s_batched": round(different, 1), "tokens_per_s_sequential_peft_swap": round(sequential, 1),
              "ratio": round(different / sequential, 2), "tokens_per_s_engine_one_at_a_time": round(engine_sequential, 1),
              "ratio_vs_engine_one_at_a_time": round(different / engine_sequential, 2), "target": ">= 5x"},
        "e": {"decode_tokens_per_s_batch1": round(decode, 1), "bandwidth_GB_s": round(bw, 1),
              "weight_bytes": weight_bytes, "bound_tokens_per_s": round(bound, 1),
              "fraction_of_bound": round(decode / bound, 4), "target": ">= 0.6"},
        "f": {"ttft_ms_p50": round(pct(ttft, 0.5) * 1000, 1), "ttft_ms_p95": round(pct(ttft, 0.95) * 1000, 1),
              "concurrent": 8, "samples": len(ttft)},
        "throughput_tokens_per_s_by_concurrency": scale,
        "engine": {k: stats[k] for k in ("steps", "packed_linear_layers", "hits", "misses")},
    })
    out["engines"] = _side_by_side(base, adir, weight_bytes, bw)
    return out


def _side_by_side(base, adir: Path, weight_bytes: int, bandwidth_gbs: float) -> dict:
    """Ours and vLLM's on the same random weights (written once for vLLM), 8/32/64 students."""
    from benchmarks.engines import compare
    from brain.settings import Settings

    model_dir = adir / "model"
    base.model.save_pretrained(model_dir)
    base.tokenizer.save_pretrained(model_dir)
    settings = Settings(_env_file=None, data_dir=adir / "data", vllm_dtype=str(base.dtype).removeprefix("torch."))
    result = compare(base, settings, students=(8, 32, 64), rounds=2, model_dir=model_dir,
                     command="python -m benchmarks.device_engine --shape-of DIR")
    bound = bandwidth_gbs * 1e9 / weight_bytes
    for name in ("native", "vllm"):
        if name in result:
            result[name]["fraction_of_bound_batch1"] = round(result[name]["decode_tokens_per_s_batch1"] / bound, 4)
    return result


def markdown(r: dict) -> str:
    a, b, e, f = r["a"], r["b"], r["e"], r["f"]
    where = r["gpu"] or f"{platform.processor() or platform.machine()} CPU"
    lines = [f"# Engine benchmark on {where}", "",
             f"{r['when']}, torch {r['torch']}, {r['dtype']}; {r['model']} ({r['params'] / 1e6:.1f}M parameters, "
             f"random weights); rank-8 q/v adapters; greedy, {r['tokens_per_request']} tokens per request. "
             "Command: `python -m benchmarks.device_engine --shape-of DIR`.", "",
             "| | measure | result | target |", "|---|---|---|---|",
             f"| (a) | 8 students on 8 adapters vs 8 requests on 1 adapter | {a['ratio']} "
             f"({a['tokens_per_s_8_adapters']} vs {a['tokens_per_s_1_adapter']} tok/s) | >= 0.9 |",
             f"| (b) | batched 8 vs one at a time, PEFT adapter swapping | {b['ratio']}x "
             f"({b['tokens_per_s_batched']} vs {b['tokens_per_s_sequential_peft_swap']} tok/s) | >= 5x |",
             f"| (b') | batched 8 vs one at a time through the engine | {b['ratio_vs_engine_one_at_a_time']}x "
             f"(vs {b['tokens_per_s_engine_one_at_a_time']} tok/s) | - |",
             f"| (e) | batch-1 decode vs bandwidth bound | {e['fraction_of_bound']} ({e['decode_tokens_per_s_batch1']} "
             f"tok/s; bound {e['bound_tokens_per_s']} = {e['bandwidth_GB_s']} GB/s / {e['weight_bytes'] / 1e6:.0f} MB) "
             "| >= 0.6 |",
             f"| (f) | time to first token, 8 concurrent, p50 / p95 | {f['ttft_ms_p50']} / {f['ttft_ms_p95']} ms | - |",
             "", "Throughput by concurrent students (tok/s): " + ", ".join(
                 f"{k}: {v}" for k, v in r["throughput_tokens_per_s_by_concurrency"].items())]
    from benchmarks.engines import markdown as engines_markdown

    side = "\n" + engines_markdown(r["engines"]).replace("# ", "## ", 1) if "engines" in r else ""
    return "\n".join(lines) + "\n" + side


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape-of", type=Path, required=True, help="directory with config.json and the tokenizer")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results"))
    args = parser.parse_args(argv)
    result = bench(args.shape_of)
    kind = "gpu" if result["device"] == "cuda" else "cpu"
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"device-{kind}.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.out / f"device-{kind}.md").write_text(markdown(result))
    print(markdown(result))


if __name__ == "__main__":
    main(sys.argv[1:])
