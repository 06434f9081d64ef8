"""Native engine vs vLLM's and llama.cpp, side by side in one run on this machine (issues 16, 17; docs/serving.md,
"Engines").

The same model, the same prompts, the same rank-8 q/v adapters (random weights: speed does not depend on
what they learnt), greedy, ``TOKENS`` tokens per request with end-of-turn ignored, both engines started
before the first measure and run in turn (never at once), each measure interleaved and taken best of 3:
- batch-1 decode tokens/s (one student, one adapter);
- ``n`` students on ``n`` different adapters at once, aggregate tokens/s, for each ``n`` asked (8 here;
  8/32/64 on a GPU: benchmarks/device_engine.py);
- time to first token p50/p95 with 8 students at once;
- how long each engine took to start (vLLM: its worker and engine core, profiling and warm-up included).

llama.cpp (benchmarks/peers.py: its own virtualenv, the wheel's Q4_1 GGUF, the same adapters converted to GGUF
LoRA) serves one LoRA set at a time, so its "n students" are served one after another, queued from the same start.

Run as: ``python -m benchmarks.run engines`` (in ``make bench``). Needs vLLM's virtualenv (``make vllm``) and
llama.cpp's (``make bench-peers``); without one, its column says why.
"""

from __future__ import annotations

import copy
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import peers
from benchmarks.workload import TOKENS, pct, prompt_ids, random_adapter_dir, run_requests
from serving.weight_precision import PRECISIONS

# (key in the result, column title); ratios are native / that engine (> 1: ours is faster). "native" is the native
# engine at the precision AIVO_SERVING_WEIGHTS=auto picks on this CPU (the fastest it has), "native_<p>" the same
# engine reading its weights at the other precisions (serving/weight_precision.py)
COLUMNS = (("native", "native"), *((f"native_{p}", f"native {p}") for p in PRECISIONS), ("vllm", "vLLM"),
           ("llamacpp", "llama.cpp"))


class DirResolver:
    """Student -> a rank-8 adapter directory (both engines: the native one reads it, vLLM is given the path)."""

    def __init__(self, dirs: dict[str, Path]):
        self.dirs = dirs

    def choose(self, student_id):
        from serving.adapters import Choice

        return Choice((student_id, "1"), "1", f"student-{student_id} v1")

    def local_copy(self, choice) -> Path:
        return self.dirs[choice.key[0]]

    def weights(self, choice):
        from serving.lora_bank import read_adapter

        return read_adapter(self.local_copy(choice))

    def forget(self, student_id):
        return []


def _decode_rate(engine, tok=None) -> float:
    """Batch-1 decode tokens/s after the first token (one student with an adapter)."""
    from serving.streams import EngineRequest

    if isinstance(engine, peers.LlamaCppPeer):
        return peers.decode_rate(engine.run([(prompt_ids(tok, 0), "s0")], TOKENS)[0])

    st = engine.submit(EngineRequest(prompt_ids(engine.tok, 0), TOKENS, 0.0, student_id="s0", ignore_eos=True))
    times = [time.perf_counter() for kind, _ in st.events(600) if kind == "text"]
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 10 else 0.0


def _mixed(engine, n: int, tok=None) -> tuple[float, list[float]]:
    """(aggregate tokens/s, time-to-first-token list) of ``n`` students on ``n`` adapters at once."""
    if isinstance(engine, peers.LlamaCppPeer):  # one LoRA set per context: they queue, served in turn
        return peers.queued(engine.run([(prompt_ids(tok, i), f"s{i % 64}") for i in range(n)], TOKENS))
    wall, tokens, results = run_requests(engine, [f"s{i % 64}" for i in range(n)])
    return tokens / wall, [f.ttft_s for _, f in results if f.ttft_s is not None]


def build_engines(base, settings, dirs: dict[str, Path], max_batch: int,
                  model_dir: Path | None = None) -> tuple[dict, dict]:
    """{"native": Engine (the precision auto picks here), "native_<p>": Engine (every other precision), "vllm":
    VllmEngine} (vLLM left out, with the reason, when it cannot start)."""
    from serving.engine import Engine
    from serving.vllm_engine import VllmEngine
    from serving.vllm_setup import VllmUnavailable, model_dir_for_vllm
    from serving.weight_precision import resolve

    engines, started = {}, {}
    ctx = min(int(getattr(base.model.config, "max_position_embeddings", 4096) or 4096), 4096)
    chosen = resolve("auto")
    for precision in (chosen, *(p for p in PRECISIONS if p != chosen)):
        key = "native" if precision == chosen else f"native_{precision}"
        t = time.perf_counter()
        engines[key] = Engine(dataclasses.replace(base, model=copy.deepcopy(base.model)), DirResolver(dirs),
                              max_batch=max_batch, slots=max(len(dirs) + 1, 16), weights=precision).start()
        started[key] = time.perf_counter() - t
    t = time.perf_counter()
    try:
        vllm = VllmEngine(model_dir or model_dir_for_vllm(settings, base, None), base.tokenizer, DirResolver(dirs), settings,
                          max_batch=max_batch, max_context=ctx, device=base.device.type)
        engines["vllm"] = vllm.start()
        started["vllm"] = time.perf_counter() - t
    except VllmUnavailable as exc:
        started["vllm_unavailable"] = str(exc)
    return engines, started


def start_llamacpp(base, settings, dirs: dict[str, Path], work: Path, started: dict, out: dict) -> dict:
    """{"llamacpp": peer}, or {} with the reason in ``out["llamacpp_unavailable"]``."""
    t = time.perf_counter()
    try:
        peer = peers.start_peer(base, settings, dirs, work)
    except peers.PeerUnavailable as exc:
        out["llamacpp_unavailable"] = str(exc)
        return {}
    started["llamacpp"] = time.perf_counter() - t
    out["llamacpp_setup"] = {**peer.info, "gguf": Path(peer.cfg["gguf"]).name, "adapters": "GGUF LoRA f32, "
                             "convert_lora_to_gguf.py", "students": "one after another, adapter switched per request"}
    return {"llamacpp": peer}


def compare(base, settings, students: tuple[int, ...] = (8,), rounds: int = 3, model_dir: Path | None = None,
            command: str = "python -m benchmarks.run engines", peer: bool | None = None) -> dict:
    """The measures of the module docstring, for every engine, in one run (``model_dir``: the weights for
    vLLM, when ``base`` is not the configured model, e.g. random weights of a shape; ``peer``: measure
    llama.cpp too, by default on a CPU with the configured model)."""
    data = Path(tempfile.mkdtemp(prefix="aivo-bench-engines-"))
    n_adapters = min(max(students), 64)
    dirs = {f"s{i}": random_adapter_dir(base.model, data / f"a{i}", i) for i in range(n_adapters)}
    engines, started = build_engines(base, settings, dirs, max_batch=max(students), model_dir=model_dir)
    out: dict = {"model": str(base.name), "device": base.device.type, "tokens_per_request": TOKENS,
                 "command": command, "rounds": rounds}
    if "vllm_unavailable" in started:
        out["vllm_unavailable"] = started["vllm_unavailable"]
    if peer is None:
        peer = base.device.type == "cpu" and model_dir is None
    tok = base.tokenizer
    try:
        if peer:
            engines.update(start_llamacpp(base, settings, {s: dirs[s] for s in list(dirs)[:max(students)]}, data,
                                          started, out))
        out["start_seconds"] = {k: round(v, 1) for k, v in started.items() if isinstance(v, float)}
        for engine in engines.values():  # warm: every adapter loaded once, kernels compiled
            if isinstance(engine, peers.LlamaCppPeer):
                engine.run([(prompt_ids(tok, i), s) for i, s in enumerate(list(dirs)[:max(students)])], 8)
            else:
                run_requests(engine, list(dirs)[:max(students)], tokens=8)
        decode = {k: 0.0 for k in engines}
        mixed = {(k, n): 0.0 for k in engines for n in students}
        ttft = {k: [] for k in engines}
        for _ in range(rounds):  # interleaved: a burst of noise on this shared machine hits both
            for name, engine in engines.items():
                decode[name] = max(decode[name], _decode_rate(engine, tok))
                for n in students:
                    rate, firsts = _mixed(engine, n, tok)
                    mixed[(name, n)] = max(mixed[(name, n)], rate)
                    if n == 8:
                        ttft[name] += firsts
        for name in engines:
            out[name] = {"decode_tokens_per_s_batch1": round(decode[name], 1),
                         **({"weights": engines[name].weights, "weight_mb": round(engines[name].fast.weight_bytes / 1e6)}
                            if getattr(engines[name], "fast", None) is not None else {}),
                         "mixed_tokens_per_s": {str(n): round(mixed[(name, n)], 1) for n in students},
                         "ttft_ms_8_p50": round(pct(ttft[name], 0.5) * 1000, 1) if ttft[name] else None,
                         "ttft_ms_8_p95": round(pct(ttft[name], 0.95) * 1000, 1) if ttft[name] else None}
        for other in ("vllm", "llamacpp"):
            if other in engines:
                out[f"native_over_{other}"] = {
                    "batch1": round(decode["native"] / decode[other], 2),
                    **{f"{n}_students": round(mixed[("native", n)] / mixed[(other, n)], 2) for n in students},
                    **({"ttft_p50": round(pct(ttft["native"], 0.5) / pct(ttft[other], 0.5), 2)}
                       if ttft["native"] and ttft[other] else {})}
    finally:
        for engine in engines.values():
            engine.stop()
    print(f"(engines) {out}", file=sys.stderr)
    return out


def markdown(r: dict) -> str:
    names = [n for n, _ in COLUMNS if n in r]
    title = dict(COLUMNS)
    if "weights" in r.get("native", {}):
        title["native"] = f"native ({r['native']['weights']}, auto)"
    others = [n for n in names if n != "native" and f"native_over_{n}" in r]
    lines = ["# Engines side by side: native vs " + " vs ".join(
                 {"vllm": "vLLM (CPU build)", "llamacpp": "llama.cpp"}[n] for n in ("vllm", "llamacpp")
                 if n in r or f"{n}_unavailable" in r), "",
             f"Model {r['model']}, device {r['device']}, greedy, {r['tokens_per_request']} tokens per request, "
             f"rank-8 q/v adapters, all engines in one run, measured in turn, best of {r.get('rounds', 3)}. "
             f"Command: `{r.get('command', 'python -m benchmarks.run engines')}`.", ""]
    if "llamacpp_setup" in r:
        s = r["llamacpp_setup"]
        lines += [f"llama.cpp: llama-cpp-python {s.get('llama_cpp_python', '?')}, {s.get('gguf', '?')} "
                  f"({s.get('model', '?')}), {s.get('threads', '?')} threads, the same prompt token ids and adapters "
                  f"({s.get('adapters', '?')}); one LoRA set per context, so students are served "
                  f"{s.get('students', 'one after another')}: 8 students queue from the same start.", ""]
    for n in ("vllm", "llamacpp"):
        if f"{n}_unavailable" in r:
            lines += [f"{title[n]} not measured: {r[f'{n}_unavailable']}", ""]
    lines += ["| measure | " + " | ".join(title[n] for n in names) + "".join(f" | native / {title[n]}" for n in others)
              + " |", "|---" * (len(names) + 1 + len(others)) + "|"]

    def row(label, values, key=None):
        tail = "".join(f" | {r[f'native_over_{n}'][key]}x" if key and key in r[f"native_over_{n}"] else " | -"
                       for n in others)
        lines.append(f"| {label} | " + " | ".join(values) + tail + " |")

    row("batch-1 decode, tok/s", [str(r[n]["decode_tokens_per_s_batch1"]) for n in names], "batch1")
    row("weights read per token, MB", [str(r[n].get("weight_mb", "-")) for n in names])
    if all("fraction_of_bound_batch1" in r[n] for n in names):
        row("batch-1 decode / memory-bandwidth bound", [str(r[n]["fraction_of_bound_batch1"]) for n in names])
    for n in r[names[0]]["mixed_tokens_per_s"]:
        row(f"{n} students on {n} adapters, tok/s", [str(r[x]["mixed_tokens_per_s"][n]) for x in names],
            f"{n}_students")
    row("time to first token, 8 students, p50 / p95 ms" + (" (ratio at p50: < 1 is ours faster)" if others else ""),
        [f"{r[n]['ttft_ms_8_p50']} / {r[n]['ttft_ms_8_p95']}" for n in names], "ttft_p50")
    row("start, s (load, profile, warm-up)", [str(r["start_seconds"].get(n, "-")) for n in names])
    return "\n".join(lines) + "\n"
